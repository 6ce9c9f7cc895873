// tests: no descriptor
    /* MUTANT 06.4: only the fallback loop, close() from 3 to
     * sysconf(_SC_OPEN_MAX). That is the *soft* limit now, and a
     * descriptor opened before the limit was lowered is above it: fd 300
     * with a limit of 256 stays open. close_range(3, ~0U) closes every
     * one, whatever the limit. */
    long max = sysconf(_SC_OPEN_MAX);

    for (long fd = 3; fd < (max > 0 ? max : 65536); fd++)
        close((int)fd);
