// tests: capability sets are exactly
    /* MUTANT 06.1: the bounding loop runs to cap < CAP_LAST_CAP, but
     * CAP_LAST_CAP is the *number of the last* capability, not a count:
     * the last one (40, CAP_CHECKPOINT_RESTORE on this kernel) stays in
     * the bounding set. And a header's CAP_LAST_CAP is not the running
     * kernel's: cap_max_bits() asks the kernel. */
    for (cap_value_t cap = 0; cap < CAP_LAST_CAP; cap++)
        if (!is_kept(cap, box) && cap_drop_bound(cap) == -1)
            return ct_fail_errno("drop capability %d from the bounding set",
                                 (int)cap);
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
