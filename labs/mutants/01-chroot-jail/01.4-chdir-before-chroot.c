    /* MUTANT 01.4: chdir("/") first, then chroot: the working directory is
     * the *host's* root, outside the jail, which chroot does not move. */
    if (chdir("/") == -1)
        die_errno("chdir '/'");
    if (chroot(dir) == -1)
        die_errno("chroot '%s'", dir);
    execvp(argv[0], argv);
    die_errno("exec '%s' inside the jail '%s'", argv[0], dir);
