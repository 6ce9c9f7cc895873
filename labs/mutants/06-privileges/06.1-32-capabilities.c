// tests: capability sets are exactly
    /* MUTANT 06.1: capabilities 0 to 31 ("a 32-bit mask"). Linux has had
     * more than 32 since 2.6.25: CAP_SYSLOG, CAP_BPF, CAP_PERFMON,
     * CAP_CHECKPOINT_RESTORE (32 to 40) stay in the bounding set. */
    for (cap_value_t cap = 0; cap < 32; cap++)
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
