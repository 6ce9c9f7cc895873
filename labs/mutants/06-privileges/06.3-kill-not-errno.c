// tests: blocked system calls|allowed things
    /* MUTANT 06.3: the denied calls kill the process (SCMP_ACT_KILL_PROCESS)
     * instead of failing with EPERM. Programs probe for calls and carry
     * on without them (glibc, systemd, a shell's ulimit): killed by
     * SIGSYS they just die, with no message. Docker returns EPERM. */
    const uint32_t kill = SCMP_ACT_KILL_PROCESS;

    (void)eperm;
    for (size_t i = 0; i < N_OF(denied_syscalls); i++) {
        char calls[128], *name, *save;

        snprintf(calls, sizeof(calls), "%s", denied_syscalls[i].calls);
        for (name = strtok_r(calls, " ", &save); name;
             name = strtok_r(NULL, " ", &save))
            if (add_rule(ctx, kill, name, 0, NULL, rules) == -1)
                return -1;
    }
    for (size_t i = 0; i < N_OF(clone_ns_flags); i++) {
        struct scmp_arg_cmp cmp =
            SCMP_A0(SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]);
        if (add_rule(ctx, kill, "clone", 1, &cmp, rules) == -1)
            return -1;
    }
    if (add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, rules) == -1)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        unsigned long req = i == 0 ? TIOCSTI : TIOCLINUX;
        struct scmp_arg_cmp cmp =
            SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req);
        if (add_rule(ctx, kill, "ioctl", 1, &cmp, rules) == -1)
            return -1;
    }
