// tests: ^reap:
    /* MUTANT life.2: the loop runs until waitpid fails (-1). With WNOHANG,
     * 0 means "children, but none has exited": while a child lives the
     * loop spins forever at 100 % cpu. The monitor's first SIGCHLD while
     * its container still runs (a `kill -s STOP`) is its last act. */
    bool found = false;
    int st;
    pid_t got;

    while ((got = waitpid(-1, &st, WNOHANG)) != -1)
        if (got == pid) {
            *status = st;
            found = true;
        }
    return found;
