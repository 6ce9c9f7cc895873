// tests: ignores no_new_privs
    /* MUTANT 06.2: the read-back checks whether prctl failed (== -1), not
     * what it returned: PR_GET_NO_NEW_PRIVS returns the flag, 0 or 1. A
     * flag that did not stick reads 0, which is not -1, and passes. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        return ct_fail_errno("prctl PR_SET_NO_NEW_PRIVS");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == -1)
        return ct_fail_errno("prctl PR_GET_NO_NEW_PRIVS");
