// tests: ^exec
    /* MUTANT life.3: the namespaces first, then the cgroups. After setns
     * into the container's mount namespace, /sys/fs/cgroup/... is the
     * container's (or nothing), not the host's: a v1 cgroup (the pids or
     * memory cgroup of --pids-limit, --memory on a hybrid or v1 host)
     * cannot be joined. On pure v2, clone3 already put the child in its
     * only cgroup, and the mistake hides. */
    struct clone3_args args = {.exit_signal = SIGCHLD};
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
        CLONE_NEWCGROUP;
    const char *v2 = cgroups_v2_dir(c);
    int cgfd = -1;
    pid_t child;

    if (setns(pidfd, CLONE_NEWPID) == -1)
        return ct_fail_errno("setns into the pid namespace of '%s'", c->name);
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
    if (setns(pidfd, flags) == -1) {
        ct_fail_errno("setns into the namespaces of container '%s'", c->name);
        child_exit(MC_EXIT_RUNNER);
    }
    if (cgroups_join_pid(c, 0, cgfd != -1) == -1)
        child_exit(MC_EXIT_RUNNER);
    close(pidfd);
    return 0;
