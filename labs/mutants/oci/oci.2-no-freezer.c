// tests: ^lifecycle
    /* MUTANT oci.2: paused is left out: a frozen process is alive, so it
     * is running. pause works, but state says running; a second pause is
     * not refused, and the driver (podman ps, ctr task ls) never sees
     * PAUSED. */
    char fifo[4300];

    if (!strcmp(c->status, "creating"))
        return alive(c->monitor_pid, c->spec->creator_start) ? "creating"
                                                             : "stopped";
    if (!alive(c->pid, c->spec->pid_start))
        return "stopped";
    if (oci_state_path(fifo, sizeof(fifo), c->spec, "exec.fifo") == 0 &&
        access(fifo, F_OK) == 0)
        return "created";
    return "running";
