/*
 * tty.c: -t, a pseudo-terminal between your terminal and the container.
 *
 * The container gets the pty's slave side as its stdin, stdout, stderr and
 * controlling terminal (so job control and Ctrl-C work inside); minictr
 * keeps the master side and copies bytes both ways, with your own terminal
 * in raw mode so every key (Ctrl-C too) goes to the container's shell.
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
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int
tty_open(int *master, int *slave)
{
    char path[64];
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (fd == -1 || grantpt(fd) == -1 || unlockpt(fd) == -1 ||
        ptsname_r(fd, path, sizeof(path)) != 0)
        return ct_fail_errno("open a pseudo-terminal");
    /* The slave is opened here, on the host's /dev/pts: the container's
     * /dev will have a devpts of its own where this pty does not exist. */
    *slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*slave == -1) {
        close(fd);
        return ct_fail_errno("open the terminal '%s'", path);
    }
    *master = fd;
    return 0;
}

/* In the child, after setsid: make the slave the controlling terminal and
 * stdin, stdout and stderr. */
int
tty_make_controlling(int slave)
{
    if (ioctl(slave, TIOCSCTTY, 0) == -1)
        return ct_fail_errno("ioctl(TIOCSCTTY)");
    if (dup2(slave, 0) == -1 || dup2(slave, 1) == -1 || dup2(slave, 2) == -1)
        return ct_fail_errno("dup2 the terminal");
    if (slave > 2)
        close(slave);
    return 0;
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
        if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP)))
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
