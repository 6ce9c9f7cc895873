    /* MUTANT 02.1: the namespaces written out by hand instead of
     * box->flags: --ns is ignored (every box gets them all, and the
     * cgroup namespace is forgotten in the list). A user who asked to keep
     * the host's network gets none. */
    pid = clone(child_main, stack + sizeof(stack),
                CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
                    CLONE_NEWNET | SIGCHLD,
                box);
    if (pid == -1)
        die_errno("clone into new namespaces");
