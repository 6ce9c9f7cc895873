// tests: ^health:
    /* MUTANT compose.3: a pass makes it healthy but leaves the failing
     * streak as it was. The streak is failures *in a row*: with retries 3,
     * a service that fails once a day would be unhealthy on the third day,
     * though it never failed twice running. A pass sets it back to 0. */
    if (exit_code == 0) {
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
