// needs: /sys/fs/cgroup/memory/memory.limit_in_bytes
    /* MUTANT 03.2: the child joins only the memory tree (the teacher
     * notes' error: one cgroup.procs, as on v2). On v1 each controller is
     * a tree of its own: the command is outside the cpu and pids cgroups,
     * and --pids and --cpus do nothing. */
    snprintf(path, sizeof(path), "%s/cgroup.procs", b->of[MEMORY]->dir);
    if (ct_write_file(path, "%d", (int)getpid()) == -1)
        child_fail(err_fd, 0, 1);
