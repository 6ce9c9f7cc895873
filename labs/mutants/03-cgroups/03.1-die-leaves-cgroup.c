    /* MUTANT 03.1: a refused limit ends cgbox on the spot (die_errno):
     * the message is right, but main never gets to remove_box(), and the
     * cgroups made a moment ago stay behind on the host, one per failed
     * run. */
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
        char path[PATH_MAX];
        snprintf(val, sizeof(val), "%" PRIu64, lim->pids);
        snprintf(path, sizeof(path), "%s/pids.max", b->of[PIDS]->dir);
        if (ct_write_file(path, "%s", val) == -1)
            die_errno("write '%s' to '%s'", val, path);
    }
