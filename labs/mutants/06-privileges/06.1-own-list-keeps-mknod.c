// tests: without a device cgroup
    /* MUTANT 06.1: the kept list checked by hand against kept_caps[]
     * instead of with is_kept() and kept[]. is_kept also drops CAP_MKNOD
     * when the host gave us no device cgroup: without it, root inside can
     * mknod the host's disk and open it. */
    for (cap_value_t cap = 0; cap < cap_max_bits(); cap++) {
        bool keep = false;

        for (size_t i = 0; i < N_OF(kept_caps); i++)
            if (kept_caps[i] == cap)
                keep = true;
        if (!keep && cap_drop_bound(cap) == -1)
            return ct_fail_errno("drop capability %d from the bounding set",
                                 (int)cap);
    }
    caps = cap_init();
    if (!caps)
        return ct_fail_errno("cap_init");
    if (cap_set_flag(caps, CAP_EFFECTIVE, N_OF(kept_caps), kept_caps,
                     CAP_SET) == -1 ||
        cap_set_flag(caps, CAP_PERMITTED, N_OF(kept_caps), kept_caps,
                     CAP_SET) == -1 ||
        cap_set_proc(caps) == -1) {
        ct_fail_errno("set the process's capabilities (capset)");
        cap_free(caps);
        return -1;
    }
    cap_free(caps);
    if (cap_reset_ambient() == -1)
        return ct_fail_errno("clear the ambient capabilities");
    (void)kept;
    (void)n;
