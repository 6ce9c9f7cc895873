    // tests: published
    /* MUTANT 09.4: setns with CLONE_NEWNS, the mount namespace's flag
     * (the name looks right). The kernel checks that the fd is a namespace
     * of the type asked for: EINVAL. */
    if (setns(b->netns, CLONE_NEWNS) == -1)
        return ct_fail_errno("setns into box%d's network namespace", b->n);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return ct_fail_errno("socket inside box%d", b->n);
    if (setns(net->host_side, CLONE_NEWNET) == -1)
        return ct_fail_errno("setns back to the host side");
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
        return ct_fail_errno("connect to box%d's port %d", b->n,
                             net->box_port);
    return fd;
