// tests: blocked system calls
    /* MUTANT 06.3: the clone rules use SCMP_CMP_EQ: "flags == CLONE_NEWUSER"
     * matches only a call whose flags are exactly that. A real clone
     * passes CLONE_NEWUSER | SIGCHLD (and more), which is not equal, and
     * gets a new user namespace: with it, a fresh set of capabilities.
     * Test the bit: SCMP_CMP_MASKED_EQ, flag, flag. */
    for (size_t i = 0; i < N_OF(denied_syscalls); i++) {
        char calls[128], *name, *save;

        snprintf(calls, sizeof(calls), "%s", denied_syscalls[i].calls);
        for (name = strtok_r(calls, " ", &save); name;
             name = strtok_r(NULL, " ", &save))
            if (add_rule(ctx, eperm, name, 0, NULL, rules) == -1)
                return -1;
    }
    for (size_t i = 0; i < N_OF(clone_ns_flags); i++) {
        struct scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_EQ, clone_ns_flags[i]);
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
