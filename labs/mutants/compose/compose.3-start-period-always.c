// tests: ^health:
    /* MUTANT compose.3: failures within the start period never count,
     * whatever the status. Docker's rule is narrower: they do not count
     * while the container is still "starting". A service that became
     * healthy in its first seconds and then breaks stays "healthy" until
     * the start period is over (30 s, 5 min: what people set for a slow
     * database), and nobody restarts or stops waiting for it. */
    if (exit_code == 0) {
        s->failing_streak = 0;
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_HEALTHY);
    } else if ((h->start_ns - h->started_ns) / 1000000 <
               c->healthcheck.start_period_ms) {
        /* within the start period: it does not count */
    } else if (++s->failing_streak >= (c->healthcheck.retries
                                           ? c->healthcheck.retries
                                           : DEFAULT_RETRIES)) {
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_UNHEALTHY);
    }
