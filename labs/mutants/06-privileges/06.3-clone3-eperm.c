// tests: blocked system calls
    /* MUTANT 06.3: clone3 refused with EPERM like the others. glibc tries
     * clone3 first and falls back to clone only on ENOSYS: with EPERM,
     * pthread_create and posix_spawn fail (glibc 2.36's fork uses clone
     * and still works, which hides it from a quick test with sh). ENOSYS
     * is what makes the fallback to clone, whose flags the filter can
     * read. */
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
    if (add_rule(ctx, eperm, "clone3", 0, NULL, rules) == -1)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        unsigned long req = i == 0 ? TIOCSTI : TIOCLINUX;
        struct scmp_arg_cmp cmp =
            SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req);
        if (add_rule(ctx, eperm, "ioctl", 1, &cmp, rules) == -1)
            return -1;
    }
