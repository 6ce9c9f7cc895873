// tests: ^compose: (bad input is refused with its line before anything starts: a dependency|a diamond)
    /* MUTANT compose.1: the recursive call's answer is dropped. The cycle
     * is found deep down and its error is set (compose_error), but the
     * caller carries on and returns 0: check_dependencies says "fine", up
     * makes the network and the first container, and then hangs or fails
     * waiting for a service that can never start. The message the user
     * needed is lost. A -1 must travel all the way up. */
    const struct compose_service *s = &f->services[i];

    state[i] = 1; /* on the path */
    path[depth] = i;
    for (int d = 0; d < s->ndeps; d++) {
        int j = compose_find_service(f, s->deps[d].service);
        char what[256], cycle[1024] = "";
        int from = depth;
        if (state[j] == 2)
            continue;
        if (state[j] == 0) {
            find_cycle(f, j, path, depth + 1, state);
            continue;
        }
        while (path[from] != j)
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
    state[i] = 2;
    return 0;
