// tests: blocked system calls
    /* MUTANT 06.3: the ioctl rule compares the whole 64-bit argument,
     * SCMP_A1(SCMP_CMP_EQ, TIOCSTI). The kernel takes the request as an
     * unsigned int, so TIOCSTI | 1 << 32 is TIOCSTI to the kernel but not
     * equal for the filter: it passes, and the container types commands
     * into the caller's terminal. Compare the low 32 bits only. */
    for (size_t i = 0; i < N_OF(denied_syscalls); i++) {
        char calls[128], *name, *save;

        snprintf(calls, sizeof(calls), "%s", denied_syscalls[i].calls);
        for (name = strtok_r(calls, " ", &save); name;
             name = strtok_r(NULL, " ", &save))
            if (add_rule(ctx, eperm, name, 0, NULL, rules) == -1)
                return -1;
    }
    for (size_t i = 0; i < N_OF(clone_ns_flags); i++) {
        struct scmp_arg_cmp cmp =
            SCMP_A0(SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]);
        if (add_rule(ctx, eperm, "clone", 1, &cmp, rules) == -1)
            return -1;
    }
    if (add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, rules) == -1)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        unsigned long req = i == 0 ? TIOCSTI : TIOCLINUX;
        struct scmp_arg_cmp cmp = SCMP_A1(SCMP_CMP_EQ, req);
        if (add_rule(ctx, eperm, "ioctl", 1, &cmp, rules) == -1)
            return -1;
    }
