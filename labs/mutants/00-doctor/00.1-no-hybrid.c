    /* MUTANT 00.1: only v1 or v2, hybrid forgotten: "not cgroup2, so v1".
     * A hybrid host (Debian 10, WSL2, our build machine) reads as v1, and
     * the doctor then never looks at the cgroup2 tree at unified/. */
    struct statfs st;
    if (statfs("/sys/fs/cgroup", &st) == 0) {
        if (st.f_type == CGROUP2_SUPER_MAGIC)
            mode = CG_V2;
        else if (st.f_type == TMPFS_MAGIC)
            mode = CG_V1;
    }
