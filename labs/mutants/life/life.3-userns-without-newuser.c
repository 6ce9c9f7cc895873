// tests: ^exec
    /* MUTANT life.3: for a container in a user namespace of its own
     * (rootless, --userns auto) the child joins its pid namespace, but not
     * its user namespace. Root may do that, and so the command runs in
     * every other namespace of the container as the host's root: uid 0
     * outside, not the first id of the container's range, with the
     * capabilities of the host's user namespace. */
    struct clone3_args args = {.exit_signal = SIGCHLD};
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
        CLONE_NEWCGROUP;
    const char *v2 = cgroups_v2_dir(c);
    bool userns = c->userns.mode != USERNS_HOST;
    int cgfd = -1;
    pid_t child;

    if (!userns && setns(pidfd, CLONE_NEWPID) == -1)
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
    if (cgroups_join_pid(c, 0, cgfd != -1) == -1)
        child_exit(MC_EXIT_RUNNER);
    if (userns)
        flags |= CLONE_NEWPID;
    if (setns(pidfd, flags) == -1) {
        ct_fail_errno("setns into the namespaces of container '%s'", c->name);
        child_exit(MC_EXIT_RUNNER);
    }
    close(pidfd);
    return 0;
