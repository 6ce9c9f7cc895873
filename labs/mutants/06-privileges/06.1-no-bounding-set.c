// tests: capability sets are exactly
    /* MUTANT 06.1: only the process's own sets (capset), the bounding set
     * left full. At execve, root's permitted set is recomputed from the
     * bounding set: the command gets every capability back. (With
     * no_new_privs the kernel refuses the gain, but CapBnd still shows all
     * of them, and one wall is left instead of two.) */
    caps = cap_init();
    if (!caps)
        return ct_fail_errno("cap_init");
    if (cap_set_flag(caps, CAP_EFFECTIVE, (int)n, kept, CAP_SET) == -1 ||
        cap_set_flag(caps, CAP_PERMITTED, (int)n, kept, CAP_SET) == -1 ||
        cap_set_proc(caps) == -1) {
        ct_fail_errno("set the process's capabilities (capset)");
        cap_free(caps);
        return -1;
    }
    cap_free(caps);
    if (cap_reset_ambient() == -1)
        return ct_fail_errno("clear the ambient capabilities");
