    /* MUTANT 02.1: every flag of --ns but one: a mask that drops
     * CLONE_NEWUTS ("the hostname is not a namespace, just a name"). The
     * child then calls sethostname in the host's uts namespace, and
     * --hostname renames the host. */
    pid = clone(child_main, stack + sizeof(stack),
                (box->flags & ~CLONE_NEWUTS) | SIGCHLD, box);
    if (pid == -1)
        die_errno("clone into new namespaces");
