// tests: ^reap:
    /* MUTANT life.2: only the child we care about is waited for
     * (waitpid(pid, ...)). The orphans the kernel gives --init's PID 1,
     * and the `exec -d` processes that come to the monitor, are never
     * reaped: they stay zombies for the container's whole life, each
     * holding a pid. */
    int st;

    if (waitpid(pid, &st, WNOHANG) == pid) {
        *status = st;
        return true;
    }
    return false;
