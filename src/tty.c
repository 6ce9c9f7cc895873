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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

int
tty_send_fd(int sock, char kind, int fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {&kind, 1};
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
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
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
