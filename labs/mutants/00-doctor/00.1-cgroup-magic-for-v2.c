    /* MUTANT 00.1: CGROUP_SUPER_MAGIC where CGROUP2_SUPER_MAGIC belongs
     * (the teacher notes' first error): that is v1's magic number. A pure
     * v2 host is then never recognised, and a hybrid one reads as v1. */
    struct statfs st;
    if (statfs("/sys/fs/cgroup", &st) == 0) {
        if (st.f_type == CGROUP_SUPER_MAGIC) {
            mode = CG_V2;
        } else if (st.f_type == TMPFS_MAGIC) {
            mode = CG_V1;
            if (statfs("/sys/fs/cgroup/unified", &st) == 0 &&
                st.f_type == CGROUP_SUPER_MAGIC)
                mode = CG_HYBRID;
        }
    }
