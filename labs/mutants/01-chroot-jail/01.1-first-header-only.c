    /* MUTANT 01.1: one pread at e_phoff, no loop (the teacher notes' first
     * error): only program header 0 is looked at, which is PT_PHDR in a
     * dynamic program. Every program then looks static: no loader and no
     * library is copied, and the jailed ls fails with ENOENT. */
    if (pread(fd, &ph, sizeof(ph), (off_t)eh.e_phoff) != sizeof(ph))
        die_input("'%s': program header 0 is cut short", program);
    if (ph.p_type == PT_INTERP) {
        if (ph.p_filesz < 2 || ph.p_filesz > size ||
            pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) !=
                (ssize_t)ph.p_filesz ||
            interp[ph.p_filesz - 1] != '\0' || interp[0] != '/')
            die_input("'%s': PT_INTERP is not a NUL-terminated absolute "
                      "path",
                      program);
        found = true;
    }
