// tests: ^reap:
    /* MUTANT life.2: one waitpid per SIGCHLD. A standard signal is not
     * counted: ten children that exit while we are busy (or stopped) leave
     * one SIGCHLD pending, so nine stay zombies until some later exit.
     * --init's PID 1 inherits every orphan of the container: its zombies
     * pile up, each holding a pid of the pids limit. */
    bool found = false;
    int st;
    pid_t got;

    if ((got = waitpid(-1, &st, WNOHANG)) > 0 && got == pid) {
        *status = st;
        found = true;
    }
    return found;
