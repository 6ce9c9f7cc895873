    /* MUTANT 01.4: chdir(dir) after the chroot, unchecked: DIR's host path
     * means nothing inside the new root, the chdir fails with ENOENT, and
     * the working directory is left outside the jail without a word. */
    if (chroot(dir) == -1)
        die_errno("chroot '%s'", dir);
    chdir(dir);
    execvp(argv[0], argv);
    die_errno("exec '%s' inside the jail '%s'", argv[0], dir);
