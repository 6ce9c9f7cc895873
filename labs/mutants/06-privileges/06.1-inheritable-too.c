// tests: capability sets are exactly
    /* MUTANT 06.1: the kept capabilities put in the inheritable set too
     * ("so the command inherits them"). Root's command gets them from the
     * bounding set anyway; the inheritable set is what hands capabilities
     * to programs that are *not* root (with file or ambient caps): it
     * must be empty. */
    for (cap_value_t cap = 0; cap < cap_max_bits(); cap++)
        if (!is_kept(cap, box) && cap_drop_bound(cap) == -1)
            return ct_fail_errno("drop capability %d from the bounding set",
                                 (int)cap);
    caps = cap_init();
    if (!caps)
        return ct_fail_errno("cap_init");
    if (cap_set_flag(caps, CAP_EFFECTIVE, (int)n, kept, CAP_SET) == -1 ||
        cap_set_flag(caps, CAP_PERMITTED, (int)n, kept, CAP_SET) == -1 ||
        cap_set_flag(caps, CAP_INHERITABLE, (int)n, kept, CAP_SET) == -1 ||
        cap_set_proc(caps) == -1) {
        ct_fail_errno("set the process's capabilities (capset)");
        cap_free(caps);
        return -1;
    }
    cap_free(caps);
    if (cap_reset_ambient() == -1)
        return ct_fail_errno("clear the ambient capabilities");
