// tests: ^--console-socket
    /* MUTANT oci.3: the fd is the message, so no data beside it: an iovec
     * of 0 bytes. On a stream socket a message of no bytes is no message:
     * sendmsg returns 0 and the kernel drops the SCM_RIGHTS with it. The
     * receiver's recvmsg sees the connection close, and no fd. */
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {NULL, 0};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

    (void)data;
    (void)len;
    memset(control.buf, 0, sizeof(control.buf));
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 0 ? 0 : -1;
