// tests: ^health:
    /* MUTANT compose.3: once unhealthy, always unhealthy: a pass resets the
     * streak but the status stays. Docker's status follows the last
     * results: a database that was overloaded for a minute and answers
     * again is healthy again, and a restart policy or an orchestrator
     * that acts on "unhealthy" must see it recover. */
    if (exit_code == 0) {
        s->failing_streak = 0;
        if (strcmp(s->status, HEALTH_UNHEALTHY))
            snprintf(s->status, sizeof(s->status), "%s", HEALTH_HEALTHY);
    } else if (!strcmp(s->status, HEALTH_STARTING) &&
               (h->start_ns - h->started_ns) / 1000000 <
                   c->healthcheck.start_period_ms) {
        /* starting, within the start period: it does not count */
    } else if (++s->failing_streak >= (c->healthcheck.retries
                                           ? c->healthcheck.retries
                                           : DEFAULT_RETRIES)) {
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_UNHEALTHY);
    }
