// tests: ^compose: (app waits|a failing health|service_completed|a dependency that exits)
    /* MUTANT compose.2: service_completed_successfully taken as "it has
     * exited", whatever its exit code. A migration that fails (exit 4)
     * lets the app start on a half-migrated database. The word is
     * "successfully": exit 0, and any other code is a failure that stops
     * the dependants. */
    struct container c;
    const char *st;
    int rc = 0;

    if (container_find(name, &c) == -1)
        return -1;
    st = container_real_status(&c);
    if (cond == DEP_COMPLETED) {
        if (!strcmp(st, ST_EXITED) || !strcmp(st, ST_DEAD))
            rc = 1;
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
