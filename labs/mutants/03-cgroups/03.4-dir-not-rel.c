// needs: /sys/fs/cgroup/memory/memory.limit_in_bytes
// tests: leaves running
    /* MUTANT 03.4: kill_if_ours given the cgroup's directory, where it
     * wants the path as /proc/PID/cgroup names it ("/.../minictr-cgbox-N",
     * without the mount point): no process ever matches, so none is
     * killed, and the cgroup cannot be removed. */
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
        kill_if_ours(pid, t->dir);
    fclose(f);
