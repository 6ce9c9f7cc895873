// tests: ^reap:
    /* MUTANT life.2: only the child we care about is waited for
     * (waitpid(pid, ...)). The monitor has one child and gets away with
     * it; --init's PID 1 does not: the orphans the kernel gives it are
     * never reaped and stay zombies for the container's whole life. */
    int st;

    if (waitpid(pid, &st, WNOHANG) == pid) {
        *status = st;
        return true;
    }
    return false;
