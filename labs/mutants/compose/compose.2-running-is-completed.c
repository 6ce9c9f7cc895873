// tests: ^compose: (app waits|a failing health|service_completed|a dependency that exits)
    /* MUTANT compose.2: service_completed_successfully waits only for the
     * job to start, as service_started does. The app starts while the
     * migration still runs: the two race, and the app reads a database
     * being rewritten under it. "Completed" is exited, with code 0. */
    struct container c;
    const char *st;
    int rc = 0;

    if (container_find(name, &c) == -1)
        return -1;
    st = container_real_status(&c);
    if (cond == DEP_COMPLETED) {
        if (!strcmp(st, ST_EXITED) || !strcmp(st, ST_DEAD) || c.started_ns)
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
    } else if (!strcmp(c.health.status, HEALTH_HEALTHY)) {
        rc = 1;
    } else if (!strcmp(c.health.status, HEALTH_UNHEALTHY)) {
        rc = ct_fail("dependency failed to start: container %s is unhealthy",
                     name);
    }
    state_free(&c);
    return rc;
