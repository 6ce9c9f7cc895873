// tests: old root
    /* MUTANT 05.2: pivot_root(".", "old_root") and no umount: the host's
     * whole tree stays mounted at /old_root inside the container, with
     * every file of the host a path away. */
    ct_trace("mkdir old_root", "mkdir(\"old_root\", 0700)");
    if (mkdir("old_root", 0700) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir old_root");
    ct_trace("pivot_root . old_root", "pivot_root(\".\", \"old_root\")");
    if (pivot_root(".", "old_root") == -1)
        return ct_fail_errno("pivot_root into the new root");
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
