/*
 * ctl.c: the monitor's control socket, MINICTR_STATE/ID.sock.
 *
 * The wire format is lines a student can watch: a client sends one request
 * line, the monitor answers one JSON line.
 *
 *   $ echo state | sudo socat - UNIX-CONNECT:/run/minictr/ID.sock
 *   {"id":"…","status":"running","pid":4242,…}
 *
 * Requests: state, wait [removed], kill SIG, stop SECONDS, pause,
 * unpause, start, resize ROWS COLS, rename NAME, attach [stdin|stdin-once]
 * (stdin-once: the client's EOF closes the container's stdin, as
 * `docker run -i` wants). `attach` answers
 * {"ok":true,"tty":false} and then the connection is the container's
 * stream: without a tty in Docker's frames (8 bytes: the stream, three
 * zeros, the length big-endian; then the bytes), with a tty raw; what the
 * client sends goes to the container's stdin.
 *
 * A path longer than sun_path (108 bytes; test directories are long) is
 * reached through /proc/self/fd/DIRFD/NAME, a trick conmon uses: the
 * kernel resolves it as a path, and it is short.
 *
 * Read: unix(7), socket(2), accept4(2).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Fill addr for path; *dirfd is an fd to close afterwards (or -1). */
int
ctl_socket_address(const char *path, struct sockaddr_un *addr, int *dirfd)
{
    const char *slash = strrchr(path, '/');

    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    *dirfd = -1;
    if (strlen(path) < sizeof(addr->sun_path)) {
        snprintf(addr->sun_path, sizeof(addr->sun_path), "%s", path);
        return 0;
    }
    if (!slash || strlen(slash) > 80) {
        errno = ENAMETOOLONG;
        return -1;
    }
    {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
        *dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    if (*dirfd == -1)
        return -1;
    snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d%s",
             *dirfd, slash);
    return 0;
}

int
ctl_listen(const char *id, const char *suffix)
{
    char path[4096];
    struct sockaddr_un addr;
    int fd, dirfd, rc;

    if (state_path(path, sizeof(path), id, suffix) == -1)
        return -1;
    unlink(path); /* left by a monitor that was killed */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd == -1)
        return ct_fail_errno("socket for the control socket");
    if (ctl_socket_address(path, &addr, &dirfd) == -1) {
        close(fd);
        return ct_fail_errno("control socket path '%s'", path);
    }
    /* Only root (the owner) may talk to the monitor: it can kill and
     * enter the container. */
    rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    if (dirfd != -1)
        close(dirfd);
    if (rc == -1 || chmod(path, 0600) == -1 || listen(fd, 64) == -1) {
        ct_fail_errno("bind the control socket '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

int
ctl_dial(const struct container *c, const char *suffix)
{
    char path[4096];
    struct sockaddr_un addr;
    int fd, dirfd, rc;

    if (state_path(path, sizeof(path), c->id, suffix) == -1)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return ct_fail_errno("socket");
    if (ctl_socket_address(path, &addr, &dirfd) == -1) {
        close(fd);
        return ct_fail_errno("control socket path '%s'", path);
    }
    rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
    if (dirfd != -1)
        close(dirfd);
    if (rc == -1) {
        close(fd);
        mc_error_code("container_not_running");
        return ct_fail("container '%s' is not running", c->name);
    }
    return fd;
}

void
ctl_unlink(const char *id)
{
    char path[4096];

    if (state_path(path, sizeof(path), id, ".sock") == 0)
        unlink(path);
    /* a pod's service manager's (svc.c): it cannot reach the host's path
     * once it has pivoted, so the monitor and rm remove it */
    if (state_path(path, sizeof(path), id, ".rpc.sock") == 0)
        unlink(path);
}

int
ctl_connect(const struct container *c, const char *fmt, ...)
{
    char line[16384];
    va_list ap;
    int fd, n;

    fd = ctl_dial(c, ".sock");
    if (fd == -1)
        return -1;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(line) - 1) {
        close(fd);
        return ct_fail("control request too long");
    }
    line[n++] = '\n';
    if (send(fd, line, (size_t)n, MSG_NOSIGNAL) != n) {
        ct_fail_errno("send to the monitor of '%s'", c->name);
        close(fd);
        return -1;
    }
    return fd;
}

ssize_t
ctl_read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;

    /* One byte at a time: after an attach reply the stream begins, and
     * not one byte of it may be read here. */
    while (len < size - 1) {
        ssize_t n = read(fd, buf + len, 1);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return len > 0 ? (ssize_t)len : -1;
}

json_object *
ctl_call(const struct container *c, const char *fmt, ...)
{
    char request[16384], reply[8192];
    va_list ap;
    json_object *o, *e, *v;
    int fd;

    va_start(ap, fmt);
    vsnprintf(request, sizeof(request), fmt, ap);
    va_end(ap);
    fd = ctl_connect(c, "%s", request);
    if (fd == -1)
        return NULL;
    if (ctl_read_line(fd, reply, sizeof(reply)) == -1) {
        close(fd);
        mc_error_code("container_not_running");
        ct_fail("the monitor of '%s' went away", c->name);
        return NULL;
    }
    close(fd);
    o = json_tokener_parse(reply);
    if (!o) {
        ct_fail("the monitor of '%s' answered '%s'", c->name, reply);
        return NULL;
    }
    if (json_object_object_get_ex(o, "error", &e)) {
        const char *msg = "failed", *hint = "";
        if (json_object_object_get_ex(e, "code", &v))
            mc_error_code(strdup(json_object_get_string(v)));
        if (json_object_object_get_ex(e, "message", &v))
            msg = json_object_get_string(v);
        if (json_object_object_get_ex(e, "hint", &v))
            hint = json_object_get_string(v);
        ct_restore_error(msg, 0, hint);
        json_object_put(o);
        return NULL;
    }
    return o;
}

void
ctl_frame_header(unsigned char head[8], int stream, size_t len)
{
    head[0] = (unsigned char)stream;
    head[1] = head[2] = head[3] = 0;
    head[4] = (unsigned char)(len >> 24);
    head[5] = (unsigned char)(len >> 16);
    head[6] = (unsigned char)(len >> 8);
    head[7] = (unsigned char)len;
}

int
ctl_write_frame(int fd, int stream, const char *buf, size_t len)
{
    unsigned char head[8];
    struct iovec iov[2] = {{head, 8}, {(void *)buf, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t n;

    ctl_frame_header(head, stream, len);
    n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    /* A client that does not keep up is let go rather than waited for:
     * the container must not stall because a reader is slow. */
    return n == (ssize_t)(len + 8) ? 0 : -1;
}
