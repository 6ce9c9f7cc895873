// tests: ignores no_new_privs
    /* MUTANT 06.2: the flag is set, never read back. Where the kernel or
     * a security module quietly ignores it, privbox goes on believing
     * that no setuid program can gain privileges and that its filter is
     * loaded: the command runs without either. One PR_GET_NO_NEW_PRIVS
     * catches it. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        return ct_fail_errno("prctl PR_SET_NO_NEW_PRIVS");
