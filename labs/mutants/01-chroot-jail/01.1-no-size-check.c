    /* MUTANT 01.1: p_filesz bytes read into interp without comparing with
     * its size: a program whose PT_INTERP claims more than PATH_MAX bytes
     * overflows the buffer on the stack. The file is input; its header
     * fields are not to be trusted. */
    for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
        off_t at = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
        if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
            die_input("'%s': program header %u is cut short", program, i);
        if (ph.p_type != PT_INTERP)
            continue;
        if (pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) !=
                (ssize_t)ph.p_filesz ||
            interp[ph.p_filesz - 1] != '\0' || interp[0] != '/')
            die_input("'%s': PT_INTERP is not a NUL-terminated absolute "
                      "path",
                      program);
        found = true;
    }
