    /* MUTANT 01.4: chroot's result not checked. Where it fails (no
     * CAP_SYS_CHROOT: not root, or a capability dropped) the program runs
     * anyway, in the host's root, with every file there in reach: the one
     * thing a jail must never do. */
    chroot(dir);
    if (chdir("/") == -1)
        die_errno("chdir '/' inside the jail");
    execvp(argv[0], argv);
    die_errno("exec '%s' inside the jail '%s'", argv[0], dir);
