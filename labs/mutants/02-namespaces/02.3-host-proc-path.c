    /* MUTANT 02.3: proc mounted on "/proc" instead of path (the teacher
     * notes' error): with --root the box's own /proc stays empty, and the
     * fresh proc lands on the host's path in the box's mount namespace,
     * where the chrooted command never sees it. */
    if (mount("proc", "/proc", "proc", mount_flags, NULL) == -1)
        return ct_fail_errno("mount proc on '/proc'");
