// tests: ^faults: kill -9 of create
    /* MUTANT oci.2: the record says creating, so it is creating. Only
     * while create is alive: a create killed half-way (kill -9, an OOM)
     * leaves a record that says creating for ever, and the container can
     * be neither started nor deleted without --force. */
    char fifo[4300];

    if (!strcmp(c->status, "creating"))
        return "creating";
    if (!alive(c->pid, c->spec->pid_start))
        return "stopped";
    if (oci_state_path(fifo, sizeof(fifo), c->spec, "exec.fifo") == 0 &&
        access(fifo, F_OK) == 0)
        return "created";
    return cgroups_frozen(c) ? "paused" : "running";
