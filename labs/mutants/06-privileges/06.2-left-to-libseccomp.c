// tests: ignores no_new_privs
    /* MUTANT 06.2: nothing here, "seccomp_load sets no_new_privs anyway"
     * (libseccomp's SCMP_FLTATR_CTL_NNP is on by default, so NoNewPrivs
     * reads 1 inside). But nobody checks that it stuck, and a step that
     * depends on it should not rely on a library default it never asked
     * for. */
