// tests: no descriptor
    /* MUTANT 06.4: close_range(4, ...): "0, 1 and 2 are stdio, 3 is the
     * first of ours"... but 3 is the first *inherited* one too, and it is
     * what a careless caller leaks first (bats' own fd 3, a shell's
     * `exec 3<`). Everything above 2 goes. */
    if (close_range(4, ~0U, 0) == -1) {
        long max = sysconf(_SC_OPEN_MAX);

        for (long fd = 4; fd < (max > 0 ? max : 65536); fd++)
            close((int)fd);
    }
