    // tests: published
    /* MUTANT 09.4: connects to the gateway, "the way out of the box". From
     * inside box1 that is the host side, where nothing listens on BOX. */
    sa.sin_addr.s_addr = htonl(net->gateway);
    if (setns(b->netns, CLONE_NEWNET) == -1)
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
