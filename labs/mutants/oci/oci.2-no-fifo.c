// tests: ^create: the first process waits
    /* MUTANT oci.2: alive is alive: running, or paused. But a created
     * container is alive too, held on its FIFO: state says running before
     * start, and start refuses it ("it is running, not created"). */
    if (!strcmp(c->status, "creating"))
        return alive(c->monitor_pid, c->spec->creator_start) ? "creating"
                                                             : "stopped";
    if (!alive(c->pid, c->spec->pid_start))
        return "stopped";
    return cgroups_frozen(c) ? "paused" : "running";
