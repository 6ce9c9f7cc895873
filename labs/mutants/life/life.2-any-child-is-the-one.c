// tests: ^reap:
    /* MUTANT life.2: whichever child was reaped is taken for the one we
     * wait for. The monitor has one child and gets away with it; --init's
     * PID 1 does not: the first orphan that dies ends the container, with
     * the orphan's exit status. */
    bool found = false;
    int st;

    while (waitpid(-1, &st, WNOHANG) > 0) {
        *status = st;
        found = true;
    }
    (void)pid;
    return found;
