// tests: ^reap:
    /* MUTANT life.2: waitpid without WNOHANG. SIGCHLD also comes when a
     * child stops or continues (no SA_NOCLDSTOP here); waitpid(-1, &st, 0)
     * then blocks until some child exits. After `kill -s STOP` the monitor
     * hangs in waitpid: no control request, no log, no signal is handled
     * until the container dies. */
    bool found = false;
    int st;
    pid_t got;

    while ((got = waitpid(-1, &st, 0)) > 0)
        if (got == pid) {
            *status = st;
            found = true;
        }
    return found;
