// tests: old root|chroot escape
    /* MUTANT 05.2: chroot(".") as in step 04, instead of pivot_root. "/"
     * changes for this process only; the host's root is still mounted in
     * the namespace (mountinfo shows it), and a root process that
     * chroots again climbs back to it: step 01's escape works. */
    ct_trace("chroot .", "chroot(\".\")");
    if (chroot(".") == -1)
        return ct_fail_errno("chroot into the new root");
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
