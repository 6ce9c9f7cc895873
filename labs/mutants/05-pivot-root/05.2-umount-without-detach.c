// tests: old root
    /* MUTANT 05.2: umount2(".", 0) instead of MNT_DETACH, its result not
     * checked. The old root is busy (the host's mounts are below it, and
     * processes use it), so the plain umount fails with EBUSY, nothing
     * says so, and the host's root stays mounted in the namespace. Detach
     * it (MNT_DETACH), and check the result. */
    ct_trace("pivot_root . .", "pivot_root(\".\", \".\")");
    if (pivot_root(".", ".") == -1)
        return ct_fail_errno("pivot_root into the new root");
    ct_trace("umount .", "umount2(\".\", 0)");
    umount2(".", 0);
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
