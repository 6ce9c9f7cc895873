// clang-format off
    /* MUTANT 08.3: no waiting: the child goes on as soon as it starts.
     * Often the single map is written in time (it takes 0.1 ms); newuidmap
     * takes milliseconds, and the child meanwhile has no id: its first
     * mkdir fails with EOVERFLOW, or it execs with no capabilities. */
    (void)go;
