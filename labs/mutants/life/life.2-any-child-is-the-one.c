// tests: ^reap:
    /* MUTANT life.2: whichever child was reaped is taken for the one we
     * wait for. In --init's PID 1 the first orphan that dies ends the
     * container, with the orphan's exit status; in the monitor, the end of
     * an `exec -d` process is taken for the container's. */
    bool found = false;
    int st;

    while (waitpid(-1, &st, WNOHANG) > 0) {
        *status = st;
        found = true;
    }
    (void)pid;
    return found;
