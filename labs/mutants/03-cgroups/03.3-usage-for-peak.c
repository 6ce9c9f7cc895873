    /* MUTANT 03.3: the memory in use now (memory.current, v1's
     * memory.usage_in_bytes) reported as the peak: read after the command
     * ended, it is what is left (a few pages, often 0), so a hog killed at
     * 64 MiB "peaked" at nothing. */
    if ((t = b->of[MEMORY]) && t->v2) {
        r->mem_peak = read_num(t, "memory.current");
        r->mem_hits = read_key(t, "memory.events", "max");
        r->oom_kills = read_key(t, "memory.events", "oom_kill");
    } else if (t) {
        r->mem_peak = read_num(t, "memory.usage_in_bytes");
        /* With swap accounting, memsw (memory + swap) fails first. */
        r->mem_hits = read_num(t, "memory.failcnt");
        if (read_num(t, "memory.memsw.failcnt") > r->mem_hits)
            r->mem_hits = read_num(t, "memory.memsw.failcnt");
        r->oom_kills = read_key(t, "memory.oom_control", "oom_kill");
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
