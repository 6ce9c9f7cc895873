/*
 * tty.c: -t, a pseudo-terminal between your terminal and the container.
 *
 * The container makes a pty in its own devpts and takes the slave side as
 * its stdin, stdout, stderr and controlling terminal (so job control and
 * Ctrl-C work inside); minictr gets the master side over a socket and
 * copies bytes both ways, with your own terminal in raw mode so every key
 * (Ctrl-C too) goes to the container's shell.
 *
 * Read: pty(7), posix_openpt(3), termios(3), tty_ioctl(4) TIOCSCTTY.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* One byte of data and room for one file descriptor: the message that
 * carries the pty's master side from the container to minictr. */
struct fd_message {
    char byte;
    struct iovec iov;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg;
};

static void
fd_message_init(struct fd_message *m)
{
    memset(m, 0, sizeof(*m));
    m->byte = 't';
    m->iov = (struct iovec){&m->byte, 1};
    m->msg.msg_iov = &m->iov;
    m->msg.msg_iovlen = 1;
    m->msg.msg_control = m->control.buf;
    m->msg.msg_controllen = sizeof(m->control.buf);
}

/* In the child, after its own devpts is mounted and setsid: make a pty
 * there (so `tty` inside says /dev/pts/0 and the name exists inside), make
 * it the controlling terminal and stdin/stdout/stderr, and hand the master
 * side to minictr over the socket (SCM_RIGHTS), as runc's console socket. */
int
tty_setup_in_container(int sock)
{
    char path[64];
    struct fd_message m;
    struct cmsghdr *cmsg;
    int master, slave;

    ct_trace(NULL, "open(\"/dev/ptmx\") in the container's devpts");
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master == -1 || unlockpt(master) == -1 ||
        ptsname_r(master, path, sizeof(path)) != 0)
        return ct_fail_errno("open a pseudo-terminal in the container");
    slave = open(path, O_RDWR);
    if (slave == -1)
        return ct_fail_errno("open the terminal '%s'", path);
    if (ioctl(slave, TIOCSCTTY, 0) == -1)
        return ct_fail_errno("ioctl(TIOCSCTTY) on '%s'", path);
    if (dup2(slave, 0) == -1 || dup2(slave, 1) == -1 || dup2(slave, 2) == -1)
        return ct_fail_errno("dup2 the terminal");
    if (slave > 2)
        close(slave);
    fd_message_init(&m);
    cmsg = CMSG_FIRSTHDR(&m.msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
    if (sendmsg(sock, &m.msg, 0) == -1)
        return ct_fail_errno("send the terminal to minictr");
    close(master);
    close(sock);
    return 0;
}

/* In minictr: the master side, or -1 when the child failed before it
 * made one (it then exits with 125 and says why). */
int
tty_receive_master(int sock)
{
    struct fd_message m;
    struct cmsghdr *cmsg;
    int fd = -1;
    ssize_t n;

    fd_message_init(&m);
    while ((n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC)) == -1 &&
           errno == EINTR)
        ;
    cmsg = n > 0 ? CMSG_FIRSTHDR(&m.msg) : NULL;
    if (cmsg && cmsg->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    return fd;
}

static volatile sig_atomic_t winch = 1;

static void
on_winch(int sig)
{
    (void)sig;
    winch = 1;
}

/* Copy from fd `in` to fd `out`; 0 at end of input, -1 on error. */
static int
pump(int in, int out)
{
    char buf[8192];
    ssize_t n = read(in, buf, sizeof(buf));

    if (n <= 0)
        return n == -1 && errno == EINTR ? 1 : 0;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(out, buf + off, (size_t)(n - off));
        if (w == -1 && errno == EINTR)
            continue;
        if (w == -1)
            return -1;
        off += w;
    }
    return 1;
}

int
tty_relay(int master, pid_t child)
{
    struct termios saved, raw;
    bool is_tty = isatty(0) && tcgetattr(0, &saved) == 0;
    struct sigaction sa = {.sa_handler = on_winch};
    bool stdin_open = true;
    int status;

    if (is_tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(0, TCSANOW, &raw);
    }
    sigaction(SIGWINCH, &sa, NULL);
    for (;;) {
        struct pollfd fds[2] = {{master, POLLIN, 0}, {0, POLLIN, 0}};
        if (winch && is_tty) {
            struct winsize ws;
            winch = 0;
            if (ioctl(0, TIOCGWINSZ, &ws) == 0)
                ioctl(master, TIOCSWINSZ, &ws);
        }
        if (poll(fds, stdin_open ? 2 : 1, -1) == -1) {
            if (errno == EINTR)
                continue;
            break;
        }
        /* The container closing its side shows as POLLHUP/EIO. */
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            if (pump(master, 1) <= 0)
                break;
        if (fds[0].revents & POLLNVAL)
            break;
        if (stdin_open && (fds[1].revents & (POLLERR | POLLNVAL)))
            stdin_open = false;
        else if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP)))
            if (pump(0, master) <= 0)
                stdin_open = false;
    }
    if (is_tty)
        tcsetattr(0, TCSANOW, &saved);
    close(master);
    while (waitpid(child, &status, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid %d", child);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
