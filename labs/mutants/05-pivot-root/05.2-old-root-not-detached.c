// tests: old root
    /* MUTANT 05.2: pivot_root(".", ".") and nothing else. The old root is
     * stacked on top of the new one, still mounted: "/" in the namespace
     * is the host's root again, with all its mounts. The umount2 with
     * MNT_DETACH is what takes the host away. */
    ct_trace("pivot_root . .", "pivot_root(\".\", \".\")");
    if (pivot_root(".", ".") == -1)
        return ct_fail_errno("pivot_root into the new root");
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
