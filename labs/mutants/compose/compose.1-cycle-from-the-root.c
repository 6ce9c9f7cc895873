// tests: ^compose: (bad input is refused with its line before anything starts: a dependency|a diamond)
    /* MUTANT compose.1: the cycle is printed from the start of the path,
     * not from the service that closes it. With x -> a -> b -> a the user
     * reads "x -> a -> b -> a" and looks for a way back to x that is not
     * there: x only depends on the cycle. The cycle starts where the
     * service reached again sits on the path. */
    const struct compose_service *s = &f->services[i];

    state[i] = 1; /* on the path */
    path[depth] = i;
    for (int d = 0; d < s->ndeps; d++) {
        int j = compose_find_service(f, s->deps[d].service);
        char what[256], cycle[1024] = "";
        if (state[j] == 2)
            continue;
        if (state[j] == 0) {
            if (find_cycle(f, j, path, depth + 1, state) == -1)
                return -1;
            continue;
        }
        for (int k = 0; k <= depth; k++)
            snprintf(cycle + strlen(cycle), sizeof(cycle) - strlen(cycle),
                     "%s -> ", f->services[path[k]].name);
        snprintf(what, sizeof(what), "services.%s.depends_on.%s", s->name,
                 s->deps[d].service);
        return compose_error(f, s->deps[d].line, what,
                             "a dependency cycle: %s%s", cycle,
                             f->services[j].name);
    }
    state[i] = 2;
    return 0;
