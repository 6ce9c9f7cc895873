    /* MUTANT 03.3: the times the limit was hit reported as OOM kills:
     * v2's memory.events "max" and v1's memory.failcnt count every charge
     * that met the limit (thousands for one hog on v2, none at all on
     * some v1 kernels), not the processes the OOM killer ended. */
    if ((t = b->of[MEMORY]) && t->v2) {
        r->mem_peak = read_num(t, "memory.peak"); /* Linux 5.19+ */
        r->mem_hits = read_key(t, "memory.events", "max");
        r->oom_kills = read_key(t, "memory.events", "max");
    } else if (t) {
        r->mem_peak = read_num(t, "memory.max_usage_in_bytes");
        /* With swap accounting, memsw (memory + swap) fails first. */
        r->mem_hits = read_num(t, "memory.failcnt");
        if (read_num(t, "memory.memsw.failcnt") > r->mem_hits)
            r->mem_hits = read_num(t, "memory.memsw.failcnt");
        r->oom_kills = read_num(t, "memory.failcnt");
    }
    if ((t = b->of[CPU]) && t->v2) {
        r->periods = read_key(t, "cpu.stat", "nr_periods");
        r->throttled = read_key(t, "cpu.stat", "nr_throttled");
        r->throttled_usec = read_key(t, "cpu.stat", "throttled_usec");
    } else if (t) {
        r->periods = read_key(t, "cpu.stat", "nr_periods");
        r->throttled = read_key(t, "cpu.stat", "nr_throttled");
        r->throttled_usec =
            ns_to_usec(read_key(t, "cpu.stat", "throttled_time"));
    }
    if ((t = b->of[CPUACCT]) && t->v2)
        r->cpu_usec = read_key(t, "cpu.stat", "usage_usec");
    else if (t)
        r->cpu_usec = ns_to_usec(read_num(t, "cpuacct.usage"));
    if ((t = b->of[PIDS]))
        r->pids_hits = read_key(t, "pids.events", "max");
