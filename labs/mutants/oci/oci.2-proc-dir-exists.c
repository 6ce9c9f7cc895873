// tests: ^state asks
    /* MUTANT oci.2: "alive" is "/proc/PID exists". A zombie has a
     * /proc/PID until its parent reaps it, so a container whose command
     * exited says running for as long as the shim is busy; and a pid that
     * came round again, another process's now, makes a stopped container
     * running for ever (and delete --force kills that stranger). */
    char fifo[4300], proc[64];
    pid_t pid = strcmp(c->status, "creating") ? c->pid : c->monitor_pid;

    snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
    if (pid <= 0 || access(proc, F_OK) == -1)
        return "stopped";
    if (!strcmp(c->status, "creating"))
        return "creating";
    if (oci_state_path(fifo, sizeof(fifo), c->spec, "exec.fifo") == 0 &&
        access(fifo, F_OK) == 0)
        return "created";
    return cgroups_frozen(c) ? "paused" : "running";
