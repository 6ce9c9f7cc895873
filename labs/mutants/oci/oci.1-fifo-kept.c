// tests: ^create: the first process waits|^start returns
    /* MUTANT oci.1: the byte is read and EOF waited for, but the FIFO is
     * left where it is. The command runs; state, which knows "created" by
     * the FIFO being there, still says created, and a second start would
     * be allowed (and hang: no one will write again). */
    fifo = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifo == -1)
        return ct_fail_errno("open the exec FIFO '%s'", path);
    pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    for (;;) {
        struct pollfd p[2] = {{fifo, POLLIN, 0}, {pidfd, POLLIN, 0}};
        if (poll(p, 2, -1) == -1 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN) {
            n = read(fifo, &byte, 1);
            break;
        }
        if (p[0].revents || p[1].revents || pidfd == -1)
            break;
    }
    while (n == 1) {
        struct pollfd p = {fifo, POLLIN, 0};
        char more;
        ssize_t m;
        if (poll(&p, 1, -1) == -1 && errno != EINTR)
            break;
        m = p.revents ? read(fifo, &more, 1) : 1;
        if (m == 0 || (m == -1 && errno != EAGAIN && errno != EINTR))
            break;
    }
    close(fifo);
    if (pidfd >= 0)
        close(pidfd);
    if (n != 1) {
        mc_error_code("container_not_running");
        return ct_fail("the container's first process died before start");
    }
    return 0;
