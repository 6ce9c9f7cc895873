// tests: inherited inheritable
    /* MUTANT 06.1: only the bounding set ("it is what limits root"), the
     * process's sets left as they were. But at exec root's permitted set
     * is bounding | inheritable: a CAP_SYS_ADMIN privbox inherited in its
     * inheritable (and ambient) set comes back, bounding set or not. Set
     * the sets, inheritable and ambient empty. */
    for (cap_value_t cap = 0; cap < cap_max_bits(); cap++)
        if (!is_kept(cap, box) && cap_drop_bound(cap) == -1)
            return ct_fail_errno("drop capability %d from the bounding set",
                                 (int)cap);
    (void)caps;
