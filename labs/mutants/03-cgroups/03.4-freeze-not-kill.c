// tests: v2 code path
    /* MUTANT 03.4: cgroup.freeze where cgroup.kill belongs (neighbours in
     * cgroup-v2.rst): on v2 the leftovers are stopped, not killed. They sit
     * frozen in the cgroup, rmdir stays EBUSY, and cgbox gives up and
     * leaves the cgroup, and them, behind. */
    snprintf(path, sizeof(path), "%s/cgroup.freeze", t->dir);
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
        kill_if_ours(pid, t->rel);
    fclose(f);
