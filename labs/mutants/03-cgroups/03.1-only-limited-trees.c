    /* MUTANT 03.1: a cgroup made only in the trees of the limits asked
     * for ("why make a memory cgroup without --memory?"). The child joins
     * every tree (03.2), so the others are missing; and on v2, where all
     * controllers share one tree, the same directory is made twice. */
    if (lim->memory && make_cgroup_dir(b, b->of[MEMORY]) == -1)
        return -1;
    if (lim->cpu_quota && make_cgroup_dir(b, b->of[CPU]) == -1)
        return -1;
    if (lim->pids && make_cgroup_dir(b, b->of[PIDS]) == -1)
        return -1;
    if (lim->memory) {
        t = b->of[MEMORY];
        snprintf(val, sizeof(val), "%" PRIu64, lim->memory);
        if (t->v2) {
            if (set_file(t, "memory.max", val) == -1 ||
                (has_file(t, "memory.swap.max") &&
                 set_file(t, "memory.swap.max", "0") == -1))
                return -1;
        } else {
            if (set_file(t, "memory.limit_in_bytes", val) == -1 ||
                (has_file(t, "memory.memsw.limit_in_bytes") &&
                 set_file(t, "memory.memsw.limit_in_bytes", val) == -1))
                return -1;
        }
    }
    if (lim->cpu_quota) {
        t = b->of[CPU];
        if (t->v2) {
            snprintf(val, sizeof(val), "%" PRIu64 " %d", lim->cpu_quota,
                     CPU_PERIOD_USEC);
            if (set_file(t, "cpu.max", val) == -1)
                return -1;
        } else {
            snprintf(val, sizeof(val), "%" PRIu64, lim->cpu_quota);
            if (set_file(t, "cpu.cfs_period_us", "100000") == -1 ||
                set_file(t, "cpu.cfs_quota_us", val) == -1)
                return -1;
        }
    }
    if (lim->pids) {
        snprintf(val, sizeof(val), "%" PRIu64, lim->pids);
        if (set_file(b->of[PIDS], "pids.max", val) == -1)
            return -1;
    }
