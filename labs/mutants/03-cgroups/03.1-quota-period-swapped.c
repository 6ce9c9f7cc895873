    /* MUTANT 03.1: quota and period the wrong way round ("period first,
     * as in cpu.max's name"): the cgroup gets 100 ms of cpu per 50 ms,
     * two CPUs' worth, instead of half of one. Nothing fails; the limit
     * is just four times too big. */
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
            if (set_file(t, "memory.limit_in_bytes", val) == -1 ||
                (has_file(t, "memory.memsw.limit_in_bytes") &&
                 set_file(t, "memory.memsw.limit_in_bytes", val) == -1))
                return -1;
        }
    }
    if (lim->cpu_quota) {
        t = b->of[CPU];
        if (t->v2) {
            snprintf(val, sizeof(val), "%d %" PRIu64, CPU_PERIOD_USEC,
                     lim->cpu_quota);
            if (set_file(t, "cpu.max", val) == -1)
                return -1;
        } else {
            snprintf(val, sizeof(val), "%" PRIu64, lim->cpu_quota);
            if (set_file(t, "cpu.cfs_period_us", val) == -1 ||
                set_file(t, "cpu.cfs_quota_us", "100000") == -1)
                return -1;
        }
    }
    if (lim->pids) {
        snprintf(val, sizeof(val), "%" PRIu64, lim->pids);
        if (set_file(b->of[PIDS], "pids.max", val) == -1)
            return -1;
    }
