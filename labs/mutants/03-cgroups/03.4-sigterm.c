// needs: /sys/fs/cgroup/memory/memory.limit_in_bytes
// tests: leaves running
    /* MUTANT 03.4: a polite SIGTERM to each process left, with kill(2)
     * ("let them clean up"): a leftover that ignores SIGTERM (a daemon, a
     * shell with trap '' TERM) lives on; and kill() by number may hit a
     * new process that got a reused pid, which the pidfd rules out. */
    snprintf(path, sizeof(path), "%s/cgroup.kill", t->dir);
    if (t->v2 && access(path, F_OK) == 0) {
        if (ct_write_file(path, "1") == -1)
            warnx_ct("write '1' to '%s': %s", path, ct_errno_name(errno));
        return;
    }
    snprintf(path, sizeof(path), "%s/cgroup.procs", t->dir);
    trace_cmd("read", "cat", path);
    if (!(f = fopen(path, "re")))
        return;
    while (fscanf(f, "%d", &pid) == 1)
        kill(pid, SIGTERM);
    fclose(f);
