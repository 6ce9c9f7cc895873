// tests: ^signals:
    /* MUTANT life.1: the old mask is not kept (NULL): spawn_old_mask
     * stays empty, and the command starts with nothing blocked, whatever
     * its caller had blocked on purpose. `docker run` from a program that
     * blocks SIGUSR2 for its own reasons gives a command that has it
     * blocked too; this one silently does not. */
    static const int faults[] = {SIGSEGV, SIGBUS,  SIGILL, SIGFPE,
                                 SIGABRT, SIGTRAP, SIGSYS};

    sigfillset(mask);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        sigdelset(mask, faults[i]);
    sigprocmask(SIG_BLOCK, mask, NULL);
