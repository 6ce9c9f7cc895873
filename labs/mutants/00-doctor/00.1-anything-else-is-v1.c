    /* MUTANT 00.1: no tmpfs check: whatever is not cgroup2 counts as v1.
     * A machine with nothing mounted at /sys/fs/cgroup (a minimal VM, a
     * chroot) is then reported as v1 ("ok") instead of none ("FAIL" with
     * the mount command that fixes it). */
    struct statfs st;
    if (statfs("/sys/fs/cgroup", &st) == 0) {
        if (st.f_type == CGROUP2_SUPER_MAGIC) {
            mode = CG_V2;
        } else {
            mode = CG_V1;
            if (statfs("/sys/fs/cgroup/unified", &st) == 0 &&
                st.f_type == CGROUP2_SUPER_MAGIC)
                mode = CG_HYBRID;
        }
    }
