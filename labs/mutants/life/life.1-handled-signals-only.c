// tests: ^signals:
    /* MUTANT life.1: only the signals the monitor acts on are blocked
     * (SIGCHLD, SIGINT, SIGTERM, SIGWINCH). Every other one keeps its
     * default action: a SIGHUP or a SIGUSR1 sent to a detached monitor
     * kills it, and its container dies with it; a foreground monitor dies
     * of SIGPIPE when the reader of its output (`| head`) goes away. */
    static bool mask_saved;
    sigset_t old;

    sigemptyset(mask);
    sigaddset(mask, SIGCHLD);
    sigaddset(mask, SIGINT);
    sigaddset(mask, SIGTERM);
    sigaddset(mask, SIGWINCH);
    sigprocmask(SIG_BLOCK, mask, &old);
    if (!mask_saved)
        spawn_old_mask = old;
    mask_saved = true;
