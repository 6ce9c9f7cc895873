// tests: old root|not changed
    /* MUTANT 05.2: the man page's way, pivot_root(".", "old_root") with a
     * directory old_root made in the image, then the old root detached,
     * but the directory never removed. The image now has an old_root/
     * (every container from it too): pivotbox must not change ROOTFS.
     * pivot_root(".", ".") needs no directory at all. */
    ct_trace("mkdir old_root", "mkdir(\"old_root\", 0700)");
    if (mkdir("old_root", 0700) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir old_root");
    ct_trace("pivot_root . old_root", "pivot_root(\".\", \"old_root\")");
    if (pivot_root(".", "old_root") == -1)
        return ct_fail_errno("pivot_root into the new root");
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
    ct_trace("umount -l /old_root", "umount2(\"/old_root\", MNT_DETACH)");
    if (umount2("/old_root", MNT_DETACH) == -1)
        return ct_fail_errno("umount the old root");
