// tests: pause
    /* MUTANT life.4: cgroup.freeze is written and that is all. The write
     * only asks: the kernel freezes each process when it next runs, which
     * for a busy or throttled container takes up to a period (100 ms with
     * --cpus). `pause` says "paused" while the container still runs, and
     * whoever acts on it (a backup of its files, a checkpoint) sees it
     * change. */
    const char *v2 = cgroups_v2_dir(c), *v1;
    char path[600], buf[256];

    if (v2)
        return write_limit(v2, "cgroup.freeze", freeze ? "1" : "0");
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
