    /* MUTANT 01.1: the path read as it is, trusting the file: no check
     * that it ends with a NUL and starts with '/'. A crafted program's
     * "loader" then runs on into whatever follows in the buffer, or is a
     * relative path resolved from the jail builder's working directory;
     * the jail must refuse such a file with a clear message instead. */
    for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
        off_t at = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
        if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
            die_input("'%s': program header %u is cut short", program, i);
        if (ph.p_type != PT_INTERP)
            continue;
        if (ph.p_filesz > size ||
            pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) !=
                (ssize_t)ph.p_filesz)
            die_input("'%s': cannot read PT_INTERP", program);
        found = true;
    }
