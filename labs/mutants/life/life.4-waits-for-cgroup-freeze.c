// tests: pause
    /* MUTANT life.4: waits until cgroup.freeze reads 1. That file is what
     * was asked for, true at once; whether it is done is cgroup.events'
     * "frozen 1". So it returns as early as not waiting at all. */
    const char *v2 = cgroups_v2_dir(c), *v1;
    char path[600], buf[256];

    if (v2) {
        const char *want = freeze ? "1" : "0";
        if (write_limit(v2, "cgroup.freeze", want) == -1)
            return -1;
        snprintf(path, sizeof(path), "%s/cgroup.freeze", v2);
        for (int tries = 0; tries < 100; tries++) {
            struct timespec t = {0, 50 * 1000 * 1000};
            if (ct_read_file(path, buf, sizeof(buf)) > 0 && buf[0] == want[0])
                return 0;
            nanosleep(&t, NULL);
        }
        return ct_fail("the freezer of '%s' did not get to %s", v2, want);
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
