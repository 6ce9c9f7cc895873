// needs: /sys/fs/cgroup/cpuacct/cpuacct.usage
    /* MUTANT 03.3: v1's cpuacct.usage and throttled_time taken as they
     * are (the teacher notes' error): they count nanoseconds, the report
     * says microseconds, so a command that used 0.4 s reports 400 s of cpu
     * and a throttled time longer than it ran. */
    if ((t = b->of[MEMORY]) && t->v2) {
        r->mem_peak = read_num(t, "memory.peak"); /* Linux 5.19+ */
        r->mem_hits = read_key(t, "memory.events", "max");
        r->oom_kills = read_key(t, "memory.events", "oom_kill");
    } else if (t) {
        r->mem_peak = read_num(t, "memory.max_usage_in_bytes");
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
            read_key(t, "cpu.stat", "throttled_time");
    }
    if ((t = b->of[CPUACCT]) && t->v2)
        r->cpu_usec = read_key(t, "cpu.stat", "usage_usec");
    else if (t)
        r->cpu_usec = read_num(t, "cpuacct.usage");
    if ((t = b->of[PIDS]))
        r->pids_hits = read_key(t, "pids.events", "max");
