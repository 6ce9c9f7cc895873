// tests: ^signals:
    /* MUTANT life.1: every signal is blocked, the faults too. "If SIGBUS,
     * SIGFPE, SIGILL, or SIGSEGV are generated while they are blocked, the
     * result is undefined" (sigprocmask(2)); Linux forces a fault's signal
     * through, but a SIGABRT or SIGSEGV sent with kill(2) now waits in the
     * signalfd, which the monitor reads and ignores: a crash that should
     * stop it does not. tini and catatonit leave the faults alone. */
    static bool mask_saved;
    sigset_t old;

    sigfillset(mask);
    sigprocmask(SIG_BLOCK, mask, &old);
    if (!mask_saved)
        spawn_old_mask = old;
    mask_saved = true;
