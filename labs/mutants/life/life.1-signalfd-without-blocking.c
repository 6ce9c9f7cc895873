// tests: ^signals:
    /* MUTANT life.1: the mask is filled in for signalfd, but never
     * blocked: "the set of signals ... should be blocked using
     * sigprocmask(2), to prevent the signals being handled according to
     * their default dispositions" (signalfd(2)). SIGCHLD's default is to be
     * ignored, so it is thrown away as it comes: the monitor never learns
     * that its container exited. SIGTERM and SIGHUP kill it. */
    static const int faults[] = {SIGSEGV, SIGBUS,  SIGILL, SIGFPE,
                                 SIGABRT, SIGTRAP, SIGSYS};
    static bool mask_saved;

    sigfillset(mask);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        sigdelset(mask, faults[i]);
    if (!mask_saved)
        sigprocmask(SIG_BLOCK, NULL, &spawn_old_mask);
    mask_saved = true;
