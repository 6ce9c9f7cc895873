    // tests: proxy
    /* MUTANT 09.4: the socket made before setns, on the host side. It
     * still reaches box1 (over the bridge, as Docker's docker-proxy does),
     * but only because a route happens to lead there: a rootless box, or
     * one no bridge reaches, would be cut off. */
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return ct_fail_errno("socket inside box%d", b->n);
    if (setns(b->netns, CLONE_NEWNET) == -1)
        return ct_fail_errno("setns into box%d's network namespace", b->n);
    if (setns(net->host_side, CLONE_NEWNET) == -1)
        return ct_fail_errno("setns back to the host side");
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
        return ct_fail_errno("connect to box%d's port %d", b->n,
                             net->box_port);
    return fd;
