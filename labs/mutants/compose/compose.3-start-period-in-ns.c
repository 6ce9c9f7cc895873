// tests: ^health:
    /* MUTANT compose.3: the start period compared in the wrong unit: the
     * probe's start is in nanoseconds (mc_now_ns), the period in
     * milliseconds. Every probe is "later" than a 2 s period after a few
     * microseconds, so the start period never holds: a slow service is
     * unhealthy before it had the time it asked for (and with restart
     * policies or depends_on, never gets it). */
    if (exit_code == 0) {
        s->failing_streak = 0;
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_HEALTHY);
    } else if (!strcmp(s->status, HEALTH_STARTING) &&
               h->start_ns - h->started_ns < c->healthcheck.start_period_ms) {
        /* starting, within the start period: it does not count */
    } else if (++s->failing_streak >= (c->healthcheck.retries
                                           ? c->healthcheck.retries
                                           : DEFAULT_RETRIES)) {
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_UNHEALTHY);
    }
