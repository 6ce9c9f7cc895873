// tests: ^compose: (app waits|a failing health|service_completed|a dependency that exits)
    /* MUTANT compose.2: "healthy" read as "not unhealthy". A container
     * whose probes have not passed yet is "starting", and that passes
     * too: app starts while db still loads, and its first connections
     * fail, which is what service_healthy is there to prevent. Only
     * "healthy" is a yes; "starting" is "not yet". */
    struct container c;
    const char *st;
    int rc = 0;

    if (container_find(name, &c) == -1)
        return -1;
    st = container_real_status(&c);
    if (cond == DEP_COMPLETED) {
        if (!strcmp(st, ST_EXITED) || !strcmp(st, ST_DEAD))
            rc = c.exit_code == 0
                ? 1
                : ct_fail("dependency failed to start: container %s didn't "
                          "complete successfully: exit %d",
                          name, c.exit_code);
    } else if (strcmp(st, ST_RUNNING) && strcmp(st, ST_CREATED) &&
               strcmp(st, ST_RESTARTING)) {
        rc = ct_fail("dependency failed to start: container %s exited (%d)",
                     name, c.exit_code);
    } else if (cond == DEP_STARTED) {
        rc = !strcmp(st, ST_RUNNING) || c.started_ns ? 1 : 0;
    } else if (!c.healthcheck.test) {
        rc = ct_fail("dependency failed to start: container %s has no "
                     "healthcheck configured",
                     name);
    } else if (strcmp(c.health.status, HEALTH_UNHEALTHY)) {
        rc = 1;
    } else if (!strcmp(c.health.status, HEALTH_UNHEALTHY)) {
        rc = ct_fail("dependency failed to start: container %s is unhealthy",
                     name);
    }
    state_free(&c);
    return rc;
