// tests: pause
    /* MUTANT life.4: SIGSTOP to every process instead of the freezer (what
     * `kill -STOP` does by hand). The cgroup is not frozen (cgroup.freeze
     * 0, "frozen 0"); a process forked between the listing and the signal
     * escapes it; a stopped process is seen by its parent (SIGCHLD,
     * WUNTRACED) and can be continued by anyone who may signal it: a
     * freeze is invisible to the container, a SIGSTOP is not. */
    const char *v1;
    char path[600], buf[256];
    pid_t pids[1024];
    int n;

    if (cgroups_v2_dir(c)) {
        n = cgroups_pids(c, pids, 1024);
        if (n == -1)
            return -1;
        for (int i = 0; i < n; i++)
            kill(pids[i], freeze ? SIGSTOP : SIGCONT);
        return 0;
    }
    v1 = v1_dir(c, "freezer");
    if (!v1) {
        mc_error_code("no_such_controller");
        return ct_fail("no freezer cgroup for this container");
    }
    if (write_limit(v1, "freezer.state", freeze ? "FROZEN" : "THAWED") == -1)
        return -1;
    snprintf(path, sizeof(path), "%s/freezer.state", v1);
    for (int tries = 0; tries < 500; tries++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        if (ct_read_file(path, buf, sizeof(buf)) > 0 &&
            strcmp(buf, "FREEZING") != 0)
            return 0;
        nanosleep(&t, NULL);
    }
    return ct_fail("the freezer of '%s' is still FREEZING", v1);
