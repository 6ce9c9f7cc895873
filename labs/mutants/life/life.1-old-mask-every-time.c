// tests: ^signals:
    /* MUTANT life.1: the old mask is saved at every call. `run -d` blocks
     * twice: in the caller, before it forks the monitor, and again in the
     * monitor. The second time "old" is the full mask, so the container's
     * command starts with every signal blocked (SigBlk in
     * /proc/PID/status): a SIGTERM from `stop` waits forever, only the
     * SIGKILL after -t ends it. */
    static const int faults[] = {SIGSEGV, SIGBUS,  SIGILL, SIGFPE,
                                 SIGABRT, SIGTRAP, SIGSYS};

    sigfillset(mask);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        sigdelset(mask, faults[i]);
    sigprocmask(SIG_BLOCK, mask, &spawn_old_mask);
