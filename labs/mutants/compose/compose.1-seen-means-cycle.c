// tests: ^compose: (bad input is refused with its line before anything starts: a dependency|a diamond)
    /* MUTANT compose.1: one mark, "seen", instead of two ("on the path"
     * and "done"). A service reached a second time is taken for a cycle,
     * but in a diamond (a needs b and c, both need d) d is reached twice
     * and is no cycle: a file that every Compose runs is refused. The
     * cycle is a service that is on the path *now*; one finished earlier
     * on another branch is fine. */
    const struct compose_service *s = &f->services[i];

    state[i] = 1;
    path[depth] = i;
    for (int d = 0; d < s->ndeps; d++) {
        int j = compose_find_service(f, s->deps[d].service);
        char what[256], cycle[1024] = "";
        int from = depth;
        if (state[j] == 0) {
            if (find_cycle(f, j, path, depth + 1, state) == -1)
                return -1;
            continue;
        }
        while (from > 0 && path[from] != j)
            from--;
        for (int k = from; k <= depth; k++)
            snprintf(cycle + strlen(cycle), sizeof(cycle) - strlen(cycle),
                     "%s -> ", f->services[path[k]].name);
        snprintf(what, sizeof(what), "services.%s.depends_on.%s", s->name,
                 s->deps[d].service);
        return compose_error(f, s->deps[d].line, what,
                             "a dependency cycle: %s%s", cycle,
                             f->services[j].name);
    }
    return 0;
