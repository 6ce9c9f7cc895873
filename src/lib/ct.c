/*
 * ct.c: error reporting, --trace, small files, fds over a Unix socket and
 * number parsing for every minictr tool. See ct.h for the contracts.
 */
#include "ct.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

const char *ct_prog = "minictr";
bool ct_tracing = false;

/* The error slot (and a hint waiting for it) is one per thread: the API
 * server (src/serve.c) answers requests in threads of their own, and the
 * first error of one request must not be another's. A program without
 * threads has one of each, as before. */
static _Thread_local const char *override_hint;

/* ---- errors ------------------------------------------------------------ */

const char *
ct_errno_name(int err)
{
    /* strerrorname_np: glibc 2.32+ (Debian 12, Ubuntu 22.04 and later). */
    const char *name = strerrorname_np(err);
    return name ? name : "E?";
}

void
ct_set_hint(const char *hint)
{
    override_hint = hint;
}

static const char *
take_hint(int err, const char *what)
{
    const char *hint = override_hint;
    override_hint = NULL;
    return hint ? hint : ct_errno_hint(err, what);
}

/* Print "prog: MSG[ failed: ENAME (text)]" and the hint, if any. */
static void
vreport(int err, const char *fmt, va_list ap)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    fflush(stdout);
    if (err) {
        const char *hint = take_hint(err, msg);
        fprintf(stderr, "%s: %s failed: %s (%s)\n", ct_prog, msg,
                ct_errno_name(err), strerror(err));
        if (hint)
            fprintf(stderr, "hint: %s\n", hint);
    } else {
        fprintf(stderr, "%s: %s\n", ct_prog, msg);
        if (override_hint)
            fprintf(stderr, "hint: %s\n", override_hint);
        override_hint = NULL;
    }
}

/* The die_* family differ only in the errno they name (0: none) and the
 * exit code; this is the body they share. */
#define REPORT_AND_EXIT(err, code) \
    do { \
        va_list ap; \
        va_start(ap, fmt); \
        vreport(err, fmt, ap); \
        va_end(ap); \
        exit(code); \
    } while (0)

void
die(const char *fmt, ...)
{
    REPORT_AND_EXIT(0, CT_EXIT_FAILURE);
}

void
die_errno(const char *fmt, ...)
{
    int err = errno;
    REPORT_AND_EXIT(err, CT_EXIT_FAILURE);
}

void
die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(0, fmt, ap);
    va_end(ap);
    fprintf(stderr, "try '%s --help'\n", ct_prog);
    exit(CT_EXIT_USAGE);
}

void
die_input(const char *fmt, ...)
{
    REPORT_AND_EXIT(0, CT_EXIT_INPUT);
}

void
die_input_errno(const char *fmt, ...)
{
    int err = errno;
    REPORT_AND_EXIT(err, CT_EXIT_INPUT);
}

void
warnx_ct(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: warning: ", ct_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* The first error recorded since the last ct_clear_error. */
static _Thread_local char saved_msg[1024];
static _Thread_local int saved_errno;
static _Thread_local const char *saved_hint;
static _Thread_local bool have_error;

static int
vfail(int err, const char *fmt, va_list ap)
{
    char msg[768];

    if (have_error) {
        override_hint = NULL;
        return -1;
    }
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (err)
        snprintf(saved_msg, sizeof(saved_msg), "%s failed: %s (%s)", msg,
                 ct_errno_name(err), strerror(err));
    else
        snprintf(saved_msg, sizeof(saved_msg), "%s", msg);
    saved_hint = err ? take_hint(err, msg) : override_hint;
    override_hint = NULL;
    saved_errno = err;
    have_error = true;
    errno = err;
    return -1;
}

int
ct_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(0, fmt, ap);
    va_end(ap);
    return -1;
}

int
ct_fail_errno(const char *fmt, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vfail(err, fmt, ap);
    va_end(ap);
    errno = err;
    return -1;
}

void
ct_restore_error(const char *msg, int err, const char *hint)
{
    static _Thread_local char hint_copy[512];

    snprintf(saved_msg, sizeof(saved_msg), "%s", msg);
    snprintf(hint_copy, sizeof(hint_copy), "%s", hint ? hint : "");
    saved_hint = hint_copy[0] ? hint_copy : NULL;
    saved_errno = err;
    have_error = true;
}

void
ct_report(void)
{
    if (!have_error)
        return;
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", ct_prog, saved_msg);
    if (saved_hint)
        fprintf(stderr, "hint: %s\n", saved_hint);
}

void
ct_clear_error(void)
{
    have_error = false;
    saved_msg[0] = '\0';
    saved_errno = 0;
    saved_hint = NULL;
}

const char *
ct_error_message(void)
{
    return have_error ? saved_msg : "";
}

const char *
ct_error_hint(void)
{
    return have_error && saved_hint ? saved_hint : "";
}

int
ct_error_errno(void)
{
    return have_error ? saved_errno : 0;
}

/* ---- --trace ----------------------------------------------------------- */

void
ct_trace(const char *shell, const char *fmt, ...)
{
    char line[8192];
    va_list ap;
    int n;

    if (!ct_tracing)
        return;
    /* One write per trace: a parent and its child trace at the same time,
     * and pieces written one by one to unbuffered stderr would mix. */
    n = snprintf(line, sizeof(line), "trace: ");
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    if (n < (int)sizeof(line) && shell)
        n += snprintf(line + n, sizeof(line) - (size_t)n, "\n       $ %s",
                      shell);
    if (n >= (int)sizeof(line) - 1)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    fflush(stdout);
    fwrite(line, 1, (size_t)n, stderr);
}

/* ---- files ------------------------------------------------------------- */

int
ct_write_file(const char *path, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    int fd, n, saved;
    ssize_t w;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf)) {
        errno = EOVERFLOW;
        return -1;
    }
    if (ct_tracing) {
        char shell[4096 + 64];
        snprintf(shell, sizeof(shell), "echo '%s' > %s", buf, path);
        ct_trace(shell, "write(\"%s\", \"%s\")", path, buf);
    }
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd == -1)
        return -1;
    w = write(fd, buf, (size_t)n);
    saved = errno;
    close(fd);
    if (w != n) {
        errno = w == -1 ? saved : EIO;
        return -1;
    }
    return 0;
}

ssize_t
ct_read_file(const char *path, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t r;
    int fd, saved;

    if (size == 0) {
        errno = EINVAL;
        return -1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return -1;
    while (len < size - 1) {
        r = read(fd, buf + len, size - 1 - len);
        if (r == -1 && errno == EINTR)
            continue;
        if (r == -1) {
            saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    if (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    return (ssize_t)len;
}

int
ct_mkdir_p(const char *path, mode_t mode)
{
    char tmp[4096];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(tmp)) {
        errno = len ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    memcpy(tmp, path, len + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, mode) == -1 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, mode) == -1 && errno != EEXIST)
        return -1;
    return 0;
}

/* Remove everything below the open directory dfd (on device dev). */
static int
rm_below(int dfd, dev_t dev)
{
    DIR *d = fdopendir(dfd);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        close(dfd);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        struct stat st;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
            if (errno != ENOENT) /* gone already: someone else removed it */
                rc = -1;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            int sub;
            if (st.st_dev != dev) { /* a mount point: never cross it */
                errno = EBUSY;
                rc = -1;
                continue;
            }
            sub = openat(dirfd(d), e->d_name,
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub == -1 || rm_below(sub, dev) == -1 ||
                unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == -1)
                if (errno != ENOENT)
                    rc = -1;
        } else if (unlinkat(dirfd(d), e->d_name, 0) == -1 && errno != ENOENT) {
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

int
ct_rm_rf(const char *path)
{
    struct stat st;
    int fd;

    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1)
        return errno == ENOENT ? 0 : -1;
    if (rm_below(fd, st.st_dev) == -1)
        return -1;
    return rmdir(path) == -1 && errno != ENOENT ? -1 : 0;
}

const char *
ct_state_dir(void)
{
    const char *dir = getenv("MINICTR_STATE");

    return dir && *dir ? dir : "/run/minictr";
}

void
ct_close_fds_except(const int *keep, int nkeep)
{
    int sorted[16], n = 0;
    unsigned from = 3;

    for (int i = 0; i < nkeep && n < 16; i++)
        if (keep[i] >= 3)
            sorted[n++] = keep[i];
    for (int i = 1; i < n; i++) /* a few fds: insertion sort */
        for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
            int t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    /* close_range(2): every fd in [first, last], in one call. */
    for (int i = 0; i < n; i++) {
        if ((unsigned)sorted[i] > from)
            close_range(from, (unsigned)sorted[i] - 1, 0);
        from = (unsigned)sorted[i] + 1;
    }
    close_range(from, ~0U, 0);
}

bool
ct_find_in_path(const char *name, char *out, size_t size)
{
    const char *path = getenv("PATH");
    char dirs[4096], *dir, *save;

    snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/bin:/bin");
    for (dir = strtok_r(dirs, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save))
        if (snprintf(out, size, "%s/%s", dir, name) < (int)size &&
            access(out, X_OK) == 0)
            return true;
    return false;
}

/* ---- fds over a Unix socket -------------------------------------------- */

/* unix(7) SCM_RIGHTS: a control message (cmsg(3)) beside the data whose
 * payload is an array of fds. The kernel does not pass the numbers on (a
 * number means nothing in another process): it installs the same open
 * files in the receiver's fd table, under numbers of the receiver's own,
 * as a dup(2) across processes. That is how the monitor gets the pty's
 * master from inside the container, and a child of the API server the
 * reply channel and the client's socket. The buffer is a union with a
 * struct cmsghdr so that it is aligned as CMSG_FIRSTHDR expects. */
union fds_control {
    char buf[CMSG_SPACE(sizeof(int) * CT_MAX_FDS)];
    struct cmsghdr align;
};

int
ct_send_fds(int sock, const void *data, size_t len, const int *fds, int n)
{
    union fds_control control;
    struct iovec iov = {(void *)data, len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    struct cmsghdr *cmsg;

    if (n < 0 || n > CT_MAX_FDS) {
        errno = EINVAL;
        return -1;
    }
    /* The data is not optional: on a stream socket a message of no bytes
     * is no message, and the kernel drops its fds with it. cmsg_len counts
     * the header too (CMSG_LEN); msg_controllen the padding (CMSG_SPACE). */
    if (n > 0) {
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
        memset(control.buf, 0, msg.msg_controllen);
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
        memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * (size_t)n);
    }
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

ssize_t
ct_recv_fds(int sock, void *buf, size_t len, int *fds, int max, int *nfds)
{
    union fds_control control;
    struct iovec iov = {buf, len};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *cmsg;
    ssize_t n;
    int got = 0;

    *nfds = 0;
    /* MSG_CMSG_CLOEXEC: the fds are installed close-on-exec in this same
     * call. A fcntl after it would come too late: a command exec'd in
     * between (by another thread of the API server, or by a child forked
     * meanwhile) would keep them, and a container would hold a client's
     * socket or a pty's master. */
    while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1 && errno == EINTR)
        ;
    if (n == -1)
        return -1;
    for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        size_t count;
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
            continue;
        count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            if (got < max)
                fds[got++] = fd;
            else
                close(fd); /* more than the caller takes: not leaked */
        }
    }
    /* MSG_CTRUNC: the kernel had more fds for us than it installed: they
     * did not fit in the buffer, or we are at our limit of open files
     * (EMFILE). It drops the rest and says so only in this flag; unchecked,
     * the message looks whole and an fd is silently missing (a request
     * without its client's socket). So: close what came, and fail. */
    if (msg.msg_flags & MSG_CTRUNC) {
        while (got > 0)
            close(fds[--got]);
        errno = EMSGSIZE;
        return -1;
    }
    *nfds = got;
    return n;
}

/* ---- numbers ----------------------------------------------------------- */

int
ct_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    /* strtoull accepts leading space and a minus sign ("-1" becomes a huge
     * number): refuse both before it sees them. */
    if (!s || *s < '0' || *s > '9') {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    if (*end != '\0') {
        errno = EINVAL;
        return -1;
    }
    *out = v;
    return 0;
}

int
ct_parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    if (!s || *s < '0' || *s > '9') {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    case 't':
    case 'T':
        shift = 40;
        end++;
        break;
    default: break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end != '\0') {
        errno = EINVAL;
        return -1;
    }
    if (shift && v > (UINT64_MAX >> shift)) {
        errno = ERANGE;
        return -1;
    }
    *out = (uint64_t)v << shift;
    return 0;
}

int
ct_parse_millionths(const char *s, uint64_t *out)
{
    uint64_t whole = 0, frac = 0;
    int digits = 0;
    const char *p = s;

    if (!s || *p < '0' || *p > '9') {
        errno = EINVAL;
        return -1;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        if (whole > (UINT64_MAX / 10 - 10) / 1000000) {
            errno = ERANGE;
            return -1;
        }
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') {
            errno = EINVAL;
            return -1;
        }
        for (; *p >= '0' && *p <= '9'; p++) {
            if (++digits > 6) {
                errno = EINVAL;
                return -1;
            }
            frac = frac * 10 + (uint64_t)(*p - '0');
        }
    }
    if (*p != '\0') {
        errno = EINVAL;
        return -1;
    }
    for (; digits < 6; digits++)
        frac *= 10;
    *out = whole * 1000000 + frac;
    return 0;
}

/* ---- exercise mode ----------------------------------------------------- */

void
ct_lab_todo(const char *section, const char *worksheet)
{
    char exe[4096], labdir[4096 + 16] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    /* The student copy is LABDIR/NN-name/TOOL (a step) or
     * LABDIR/minictr-LAB/bin/minictr (a runner lab): name LABDIR in the
     * hint. */
    if (n > 0) {
        char *slash;
        exe[n] = '\0';
        if ((slash = strrchr(exe, '/')))
            *slash = '\0';
        if ((slash = strrchr(exe, '/')) && !strcmp(slash, "/bin"))
            *slash = '\0';
        if ((slash = strrchr(exe, '/')))
            *slash = '\0';
        snprintf(labdir, sizeof(labdir), " LABDIR=%s", exe);
    }
    fflush(stdout);
    /* The section is STEP.K: "02.1" for step 02, "life.1" for the runner
     * lab life. */
    fprintf(stderr,
            "%s: LAB %s is not done yet\n"
            "hint: write the missing code (see %s, section %s), then run "
            "'make grade STEP=%.*s%s'\n",
            ct_prog, section, worksheet, section, (int)strcspn(section, "."),
            section, labdir);
    exit(CT_EXIT_LAB_TODO);
}
