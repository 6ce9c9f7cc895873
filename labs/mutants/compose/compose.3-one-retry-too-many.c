// tests: ^health:
    /* MUTANT compose.3: "more than retries failures" instead of "retries
     * failures": the streak must pass retries before the status changes.
     * --health-retries 3 then means four failures in a row, and a
     * dependant waits one interval (30 s by default) longer to hear that
     * its database is unhealthy. Docker: FailingStreak >= Retries. */
    if (exit_code == 0) {
        s->failing_streak = 0;
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_HEALTHY);
    } else if (!strcmp(s->status, HEALTH_STARTING) &&
               (h->start_ns - h->started_ns) / 1000000 <
                   c->healthcheck.start_period_ms) {
        /* starting, within the start period: it does not count */
    } else if (++s->failing_streak > (c->healthcheck.retries
                                          ? c->healthcheck.retries
                                          : DEFAULT_RETRIES)) {
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_UNHEALTHY);
    }
