// tests: ^compose: (app waits|a failing health|service_completed|a dependency that exits)
    /* MUTANT compose.2: a dependency that has exited is "not yet" (only
     * its health is read, and an exited container's record still says
     * "starting"). up waits for ever for a db that crashed at start. A
     * container that is no longer running, restarting or about to start
     * can never become healthy: that is a "never", with its exit code. */
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
