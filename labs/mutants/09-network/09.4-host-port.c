    // tests: published
    /* MUTANT 09.4: connects to the HOST port inside the box (-p 18080:5000
     * read as "port 18080, both sides"). The box listens on BOX. */
    sa.sin_port = htons((uint16_t)net->host_port);
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
