// needs: /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes
    /* MUTANT 03.1: v1's memsw limit written before the memory limit (the
     * teacher notes' error). memory.memsw.limit_in_bytes (memory + swap)
     * may never be below memory.limit_in_bytes, which is still unlimited
     * in a new cgroup: the first write fails with EINVAL, and every
     * --memory fails on a v1 host with swap accounting. */
    for (int i = 0; i < b->ntrees; i++)
        if (make_cgroup_dir(b, &b->trees[i]) == -1)
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
            if ((has_file(t, "memory.memsw.limit_in_bytes") &&
                 set_file(t, "memory.memsw.limit_in_bytes", val) == -1) ||
                set_file(t, "memory.limit_in_bytes", val) == -1)
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
