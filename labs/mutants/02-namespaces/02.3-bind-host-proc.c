    /* MUTANT 02.3: the host's /proc bound into the box ("copy it in", as
     * step 01 copied files): a bind mount shows the same proc, of the
     * host's pid namespace, so ps inside lists every host process (and
     * /proc/1 is the host's init). */
    if (mount("/proc", path, NULL, MS_BIND | MS_REC, NULL) == -1)
        return ct_fail_errno("bind /proc on '%s'", path);
