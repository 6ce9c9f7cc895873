// tests: ^compose: (bad input is refused with its line before anything starts: a dependency|a diamond)
    /* MUTANT compose.1: no check at all, "the topological sort will cope".
     * compose_order places what is left of a cycle anyway (it must end),
     * so up starts the first of them, which waits for a dependency that
     * waits for it: the file is refused only after something was made,
     * with no line and no cycle named. A cycle is a fact about the file:
     * say so before anything is made. */
    (void)f;
    (void)i;
    (void)path;
    (void)depth;
    (void)state;
    return 0;
