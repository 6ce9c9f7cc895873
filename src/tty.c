/*
 * tty.c: -t, a pseudo-terminal between you and the container.
 *
 * The container makes a pty in its own devpts and takes the slave side as
 * its stdin, stdout, stderr and controlling terminal (so job control and
 * Ctrl-C work inside); the monitor gets the master side over the channel
 * (SCM_RIGHTS, as runc's console socket) and copies bytes: to the log, to
 * attached clients and, in the foreground, to your terminal, which is put
 * in raw mode so every key (Ctrl-C too) goes to the container's shell.
 *
 * Read: pty(7), posix_openpt(3), termios(3), tty_ioctl(4) TIOCSCTTY,
 *       unix(7) SCM_RIGHTS.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Send fd over the Unix socket sock (SCM_RIGHTS), with len bytes of data
 * beside it. */
static int
send_fd_with(int sock, const void *data, size_t len, int fd)
{
    /* LAB oci.3: one message: the data, and the fd as SCM_RIGHTS */
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {(void *)data, len};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

    memset(control.buf, 0, sizeof(control.buf));
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
    /* END LAB */
}

int
tty_send_fd(int sock, char kind, int fd)
{
    return send_fd_with(sock, &kind, 1, fd);
}

int
tty_receive_fd(int sock, char *kind)
{
    int fd = -1;
    int k = spawn_read(sock, &fd);

    if (kind)
        *kind = (char)k;
    return k == SPAWN_TTY ? fd : -1;
}

/* In the child, after its own devpts is mounted and setsid: make a pty
 * there (so `tty` inside says /dev/pts/0 and the name exists inside), make
 * it the controlling terminal and stdin/stdout/stderr, and hand the master
 * side to the monitor. */
int
tty_setup_in_container(int sock)
{
    char path[64];
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
    if (tty_send_fd(sock, SPAWN_TTY, master) == -1)
        return ct_fail_errno("send the terminal to the monitor");
    close(master);
    return 0;
}

static struct termios saved;
static bool saved_valid;

bool
tty_raw(int fd)
{
    struct termios raw;

    if (!isatty(fd) || tcgetattr(fd, &saved) == -1)
        return false;
    saved_valid = true;
    raw = saved;
    cfmakeraw(&raw);
    tcsetattr(fd, TCSANOW, &raw);
    return true;
}

void
tty_restore(int fd)
{
    if (saved_valid)
        tcsetattr(fd, TCSANOW, &saved);
    saved_valid = false;
}

void
tty_copy_size(int from, int to)
{
    struct winsize ws;

    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

/* -t: copy between our terminal and the pty until the command ends. */
int
tty_relay(int master, pid_t child)
{
    bool raw = tty_raw(0), in_open = true;
    int sfd, status = 0;
    sigset_t mask;

    sigemptyset(&mask);
    sigaddset(&mask, SIGWINCH);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    tty_copy_size(0, master);
    for (;;) {
        struct pollfd p[3] = {{master, POLLIN, 0},
                              {in_open ? 0 : -1, POLLIN, 0},
                              {sfd, POLLIN, 0}};
        char buf[8192];
        ssize_t n;

        if (poll(p, 3, -1) == -1 && errno != EINTR)
            break;
        if (p[2].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si) &&
                si.ssi_signo == SIGWINCH)
                tty_copy_size(0, master);
        }
        if (p[0].revents) {
            n = read(master, buf, sizeof(buf));
            if (n <= 0 || write(1, buf, (size_t)n) < 0)
                break; /* EIO: the last process on the pty is gone */
        }
        if (p[1].revents) {
            n = read(0, buf, sizeof(buf));
            if (n <= 0)
                in_open = false;
            else if (write(master, buf, (size_t)n) < 0)
                break;
        }
    }
    if (raw)
        tty_restore(0);
    close(master);
    while (waitpid(child, &status, 0) == -1 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
tty_send_console(const char *path, int master)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd, rc = 0;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        return ct_fail_errno("--console-socket '%s'", path);
    }
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return ct_fail_errno("socket for --console-socket");
    ct_trace(NULL, "connect(\"%s\"); sendmsg(SCM_RIGHTS: the pty's master)",
             path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1)
        rc = ct_fail_errno("connect to --console-socket '%s'", path);
    else if (send_fd_with(fd, "/dev/ptmx", strlen("/dev/ptmx"), master) == -1)
        rc = ct_fail_errno("send the terminal to --console-socket '%s'", path);
    close(fd);
    return rc;
}
