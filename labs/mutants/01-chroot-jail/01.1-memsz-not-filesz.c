    /* MUTANT 01.1: p_memsz where p_filesz belongs. The kernel reads
     * p_filesz bytes of the file as the loader's path; p_memsz is how much
     * memory a segment takes once loaded. They are equal in what gcc makes,
     * so this works until a program's headers say otherwise, and then the
     * jail reads past the path (or refuses a program the kernel runs). */
    for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
        off_t at = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
        if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
            die_input("'%s': program header %u is cut short", program, i);
        if (ph.p_type != PT_INTERP)
            continue;
        if (ph.p_memsz < 2 || ph.p_memsz > size ||
            pread(fd, interp, ph.p_memsz, (off_t)ph.p_offset) !=
                (ssize_t)ph.p_memsz ||
            interp[ph.p_memsz - 1] != '\0' || interp[0] != '/')
            die_input("'%s': PT_INTERP is not a NUL-terminated absolute "
                      "path",
                      program);
        found = true;
    }
