// tests: blocked system calls
    /* MUTANT 06.3: each line of denied_syscalls[] given to add_rule
     * whole: "keyctl add_key request_key" is no system call's name,
     * add_rule skips names this architecture does not know, and only the
     * one-name lines ("open_by_handle_at") get a rule. The keyring, the
     * mount calls, bpf... stay open. Split the names. */
    for (size_t i = 0; i < N_OF(denied_syscalls); i++)
        if (add_rule(ctx, eperm, denied_syscalls[i].calls, 0, NULL, rules) ==
            -1)
            return -1;
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
        struct scmp_arg_cmp cmp =
            SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req);
        if (add_rule(ctx, eperm, "ioctl", 1, &cmp, rules) == -1)
            return -1;
    }
