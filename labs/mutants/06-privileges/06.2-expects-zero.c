// tests: no_new_privs is set
    /* MUTANT 06.2: the read-back expects 0, "prctl returns 0 on
     * success". PR_GET_NO_NEW_PRIVS returns the flag itself: 1 when it is
     * set. Every container now fails to start. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        return ct_fail_errno("prctl PR_SET_NO_NEW_PRIVS");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
        return ct_fail("no_new_privs is not set after PR_SET_NO_NEW_PRIVS");
