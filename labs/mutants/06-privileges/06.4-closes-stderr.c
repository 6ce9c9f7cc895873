// tests: no descriptor
    /* MUTANT 06.4: close_range(2, ...): "everything after stdin and
     * stdout". stderr goes too: every error of the command, and privbox's
     * own exec failure ("exec ... failed"), vanishes. */
    if (close_range(2, ~0U, 0) == -1) {
        long max = sysconf(_SC_OPEN_MAX);

        for (long fd = 2; fd < (max > 0 ? max : 65536); fd++)
            close((int)fd);
    }
