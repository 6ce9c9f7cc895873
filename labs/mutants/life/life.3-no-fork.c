// tests: ^exec
    /* MUTANT life.3: no fork: setns(CLONE_NEWPID) and straight on, as for
     * the other namespaces. A process never moves into a pid namespace
     * itself: setns only says where its children are born
     * (/proc/self/ns/pid_for_children). The command runs in the host's pid
     * namespace: `ps` in it lists every process of the host. */
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
        CLONE_NEWCGROUP;

    ct_trace("nsenter --target PID --pid", "setns(pidfd, CLONE_NEWPID)");
    if (setns(pidfd, CLONE_NEWPID) == -1)
        return ct_fail_errno("setns into the pid namespace of '%s'", c->name);
    child_prepare(c, &pidfd, chan, o);
    if (cgroups_join_pid(c, 0, false) == -1)
        child_exit(MC_EXIT_RUNNER);
    if (setns(pidfd, flags) == -1) {
        ct_fail_errno("setns into the namespaces of container '%s'", c->name);
        child_exit(MC_EXIT_RUNNER);
    }
    close(pidfd);
    return 0;
