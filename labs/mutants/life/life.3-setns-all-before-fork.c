// tests: ^exec
    /* MUTANT life.3: one setns with every flag (Linux 5.8 allows it on a
     * pidfd), before the fork. The pid namespace is right for the child,
     * but the caller is now in the container's mount namespace too: the
     * host's /sys/fs/cgroup is gone, the cgroup directory cannot be opened
     * for clone3, and cgroups_join_pid finds no cgroup.procs to write. */
    struct clone3_args args = {.exit_signal = SIGCHLD};
    int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
        CLONE_NEWNET | CLONE_NEWCGROUP;
    const char *v2 = cgroups_v2_dir(c);
    int cgfd = -1;
    pid_t child;

    if (setns(pidfd, flags) == -1)
        return ct_fail_errno("setns into container '%s'", c->name);
    if (v2 && (cgfd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
        args.flags = CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgfd;
    }
    fflush(NULL);
    child = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
    if (child == -1 && cgfd != -1) {
        close(cgfd);
        cgfd = -1;
        child = fork();
    }
    if (child != 0 && cgfd != -1)
        close(cgfd);
    if (child == -1)
        return ct_fail_errno("fork into container '%s'", c->name);
    if (child > 0)
        return child;
    child_prepare(c, &pidfd, chan, o);
    if (cgroups_join_pid(c, 0, cgfd != -1) == -1)
        child_exit(MC_EXIT_RUNNER);
    close(pidfd);
    return 0;
