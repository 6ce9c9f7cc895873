    /* MUTANT 01.4: chroot without chdir("/") (the teacher notes' 01.4
     * error, and the classic escape): the working directory stays outside
     * the new root, so "ls .." and "cat ../../etc/shadow" reach the host. */
    if (chroot(dir) == -1)
        die_errno("chroot '%s'", dir);
    execvp(argv[0], argv);
    die_errno("exec '%s' inside the jail '%s'", argv[0], dir);
