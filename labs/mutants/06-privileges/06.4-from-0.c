// tests: no descriptor
    /* MUTANT 06.4: close_range(0, ~0U, 0), "close everything". stdin,
     * stdout and stderr are gone: the command cannot read its input or
     * print a thing, and a program that opens a file gets fd 0 and
     * takes it for stdin. */
    if (close_range(0, ~0U, 0) == -1) {
        long max = sysconf(_SC_OPEN_MAX);

        for (long fd = 0; fd < (max > 0 ? max : 65536); fd++)
            close((int)fd);
    }
