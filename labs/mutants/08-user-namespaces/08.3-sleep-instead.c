// clang-format off
    /* MUTANT 08.3: "give the parent a moment": a sleep instead of the
     * pipe. 1 ms is plenty for the single-id map and too short for
     * newuidmap and newgidmap (two fork+execs of a setuid program): a
     * race, lost on a busy machine whatever the number. */
    (void)go;
    usleep(1000);
