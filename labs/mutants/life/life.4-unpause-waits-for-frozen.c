// tests: pause
    /* MUTANT life.4: one word to wait for, "frozen 1", for pause and for
     * unpause alike. Unpause thaws the cgroup, then waits five seconds for
     * a state that will never come, and fails: the container runs again,
     * but minictr says the unpause failed and the record still says
     * paused. */
    const char *v2 = cgroups_v2_dir(c), *v1;
    char path[600], buf[256];
    const char *want = "frozen 1";

    if (v2) {
        int fd;
        if (write_limit(v2, "cgroup.freeze", freeze ? "1" : "0") == -1)
            return -1;
        snprintf(path, sizeof(path), "%s/cgroup.events", v2);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd == -1)
            return ct_fail_errno("open '%s'", path);
        for (int tries = 0; tries < 100; tries++) {
            struct pollfd p = {fd, POLLPRI, 0};
            ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
            buf[n > 0 ? n : 0] = '\0';
            if (strstr(buf, want))
                break;
            poll(&p, 1, 50);
        }
        close(fd);
        if (!strstr(buf, want))
            return ct_fail("the freezer of '%s' did not get to '%s'", v2, want);
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
