// tests: ^start returns
    /* MUTANT oci.1: start returns at the first byte: the process has been
     * let go, what more is there to wait for? Its startContainer hooks and
     * its exec: start (and the poststart hooks it runs next) comes back
     * while the first process is still minictr, and a driver that looks
     * at the container right then sees the runtime, not the command. */
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
    close(fifo);
    if (pidfd >= 0)
        close(pidfd);
    unlink(path);
    if (n != 1) {
        mc_error_code("container_not_running");
        return ct_fail("the container's first process died before start");
    }
    return 0;
