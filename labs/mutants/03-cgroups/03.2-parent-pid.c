    /* MUTANT 03.2: getppid() where getpid() belongs ("cgbox owns the
     * cgroup"): cgbox itself is moved in, and the command runs outside
     * every limit, while cgbox's own memory and pids count against them. */
    for (int i = 0; i < b->ntrees; i++) {
        snprintf(path, sizeof(path), "%s/cgroup.procs", b->trees[i].dir);
        if (ct_write_file(path, "%d", (int)getppid()) == -1)
            child_fail(err_fd, i, 1);
    }
