    /* MUTANT 03.1: the memory limit alone, swap left unlimited. With swap
     * the kernel pushes the excess out instead of OOM-killing: a hog lives
     * on, slower and slower, and "64m" really means 64m plus all the swap
     * there is (Docker's --memory without --memory-swap allows as much
     * swap again). */
    for (int i = 0; i < b->ntrees; i++)
        if (make_cgroup_dir(b, &b->trees[i]) == -1)
            return -1;
    if (lim->memory) {
        t = b->of[MEMORY];
        snprintf(val, sizeof(val), "%" PRIu64, lim->memory);
        if (set_file(t, t->v2 ? "memory.max" : "memory.limit_in_bytes",
                     val) == -1)
            return -1;
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
