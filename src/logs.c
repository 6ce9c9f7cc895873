/*
 * logs.c: what the container printed, kept in Docker's json-file format,
 * and `minictr logs` to read it back.
 *
 * The monitor writes one self-contained JSON line per line of output,
 * into containers/ID/ID-json.log, exactly as Docker's json-file driver:
 *
 *   {"log":"hello\n","stream":"stdout","time":"2026-12-01T07:18:33.123456789Z"}
 *
 * A line is cut at its newline, or at 16 KiB so that a line that never
 * ends cannot grow the monitor's memory: a "log" without a final "\n" is a
 * partial line that the next record continues. Control bytes are escaped
 * and invalid UTF-8 is replaced, so every line stays JSON (jq reads it).
 * When the next record would take the file past max-size, it is rotated
 * by rename (ID-json.log.1, .2, ...), so a chatty container cannot fill
 * the disk.
 *
 * Read: inotify(7) for `logs -f`; Docker's daemon/logger/jsonfilelog.
 * Try:  sudo minictr run -d --name chatty busybox sh -c 'echo out; echo err >&2'
 *       sudo minictr logs -t chatty; sudo cat /var/lib/minictr/containers/ID/ID-json.log
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_MAX_BYTES 16384

void
log_path(const struct container *c, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s-json.log", c->dir, c->id);
}

int
log_open(struct log_writer *w, const struct container *c)
{
    struct stat st;

    /* Field by field: the two 16 KB line buffers are used only up to
     * plen, and zeroing them would only make them resident. */
    w->cfg = c->log;
    w->fd = -1;
    w->size = 0;
    w->plen[0] = w->plen[1] = 0;
    w->path[0] = '\0';
    if (c->log.none)
        return 0;
    log_path(c, w->path, sizeof(w->path));
    w->fd = open(w->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (w->fd == -1)
        return ct_fail_errno("open the log '%s'", w->path);
    w->size = fstat(w->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    return 0;
}

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t left)
{
    size_t n = s[0] < 0x80                      ? 1
        : (s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2 ? 2
        : (s[0] & 0xf0) == 0xe0                 ? 3
        : (s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4 ? 4
                                                : 0;

    if (n == 0 || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* Append the JSON string body for data to out; returns the new length. */
static size_t
json_escape(char *out, size_t at, const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;

    for (size_t i = 0; i < len;) {
        size_t n = utf8_len(s + i, len - i);
        if (n == 0) { /* not UTF-8: U+FFFD, as Go's encoder does */
            at += (size_t)sprintf(out + at, "\\ufffd");
            i++;
        } else if (s[i] == '"' || s[i] == '\\') {
            out[at++] = '\\';
            out[at++] = (char)s[i++];
        } else if (s[i] == '\n') {
            at += (size_t)sprintf(out + at, "\\n");
            i++;
        } else if (s[i] == '\t') {
            at += (size_t)sprintf(out + at, "\\t");
            i++;
        } else if (s[i] == '\r') {
            at += (size_t)sprintf(out + at, "\\r");
            i++;
        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            at += (size_t)sprintf(out + at, "\\u%04x", s[i]);
            i++;
        } else {
            memcpy(out + at, s + i, n);
            at += n;
            i += n;
        }
    }
    return at;
}

/* Rename name to name.1, .1 to .2, ... (in dir, or by path with
 * AT_FDCWD): the oldest of max_files goes. A new, empty name is opened
 * for appending: its fd, or -1. A pod's manager (svc.c) rotates its
 * services' logs with this too. */
int
log_rotate_at(int dir, const char *name, int max_files)
{
    char from[4300], to[4300];

    for (int i = max_files - 1; i >= 1; i--) {
        if (i == 1)
            snprintf(from, sizeof(from), "%s", name);
        else
            snprintf(from, sizeof(from), "%s.%d", name, i - 1);
        snprintf(to, sizeof(to), "%s.%d", name, i);
        renameat(dir, from, dir, to);
    }
    return openat(dir, name,
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
                      (max_files <= 1 ? O_TRUNC : 0),
                  0640);
}

static void
rotate(struct log_writer *w)
{
    close(w->fd);
    w->fd = log_rotate_at(AT_FDCWD, w->path, w->cfg.max_files);
    w->size = 0;
}

/* One record: {"log":...,"stream":...,"time":...}. */
static void
emit(struct log_writer *w, int stream, const char *data, size_t len)
{
    static char line[LINE_MAX_BYTES * 6 + 128];
    char when[64];
    size_t n;

    mc_format_time(mc_now_ns(), when, sizeof(when));
    n = (size_t)sprintf(line, "{\"log\":\"");
    n = json_escape(line, n, data, len);
    n += (size_t)sprintf(line + n, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n",
                         stream == STREAM_STDERR ? "stderr" : "stdout", when);
    if (w->cfg.max_size && w->size + n > w->cfg.max_size && w->size > 0)
        rotate(w);
    if (w->fd != -1 && write(w->fd, line, n) == (ssize_t)n)
        w->size += n;
}

void
log_write(struct log_writer *w, int stream, const char *buf, size_t len)
{
    int s = stream == STREAM_STDERR;

    if (w->fd == -1)
        return;
    for (size_t i = 0; i < len; i++) {
        w->partial[s][w->plen[s]++] = buf[i];
        /* A line ends at its newline, or at 16 KiB as a partial one. */
        if (buf[i] == '\n' || w->plen[s] == sizeof(w->partial[s])) {
            emit(w, stream, w->partial[s], w->plen[s]);
            w->plen[s] = 0;
        }
    }
}

void
log_close(struct log_writer *w)
{
    if (w->fd == -1)
        return;
    for (int s = 0; s < 2; s++)
        if (w->plen[s]) /* the last line, without its newline */
            emit(w, s ? STREAM_STDERR : STREAM_STDOUT, w->partial[s],
                 w->plen[s]);
    close(w->fd);
    w->fd = -1;
}

/* ---- reading the log: `minictr logs` and the API's /logs ------------- */

struct reader {
    const struct log_query *q;
    int (*out)(void *arg, int stream, const char *text, size_t len);
    void *arg;
    /* tail: the last `tail` records, kept in a ring */
    long tail; /* -1 = all */
    char **ring;
    long nring, next;
    bool stopped; /* emit said -1: the reader went away */
};

/* Hand one record (a json-file line) to the reader's out. */
static void
print_record(struct reader *r, const char *line)
{
    json_object *o = json_tokener_parse(line), *log, *stream, *when;
    const struct log_query *q = r->q;
    int64_t t;
    int s;

    if (!o || r->stopped) {
        json_object_put(o);
        return;
    }
    if (json_object_object_get_ex(o, "log", &log) &&
        json_object_object_get_ex(o, "stream", &stream) &&
        json_object_object_get_ex(o, "time", &when)) {
        t = mc_parse_time(json_object_get_string(when));
        s = !strcmp(json_object_get_string(stream), "stderr") ? STREAM_STDERR
                                                              : STREAM_STDOUT;
        if ((!q->since || t >= q->since) && (!q->until || t <= q->until) &&
            !(s == STREAM_STDOUT && q->no_stdout) &&
            !(s == STREAM_STDERR && q->no_stderr)) {
            char buf[LINE_MAX_BYTES + 128];
            size_t len = 0, n = (size_t)json_object_get_string_len(log);
            if (q->timestamps)
                len = (size_t)snprintf(buf, sizeof(buf), "%s ",
                                       json_object_get_string(when));
            if (n > sizeof(buf) - len)
                n = sizeof(buf) - len;
            memcpy(buf + len, json_object_get_string(log), n);
            if (r->out(r->arg, s, buf, len + n) == -1)
                r->stopped = true;
        }
    }
    json_object_put(o);
}

static void
take(struct reader *r, const char *line)
{
    if (r->tail < 0) {
        print_record(r, line);
        return;
    }
    if (r->tail == 0)
        return;
    free(r->ring[r->next]);
    r->ring[r->next] = strdup(line);
    r->next = (r->next + 1) % r->tail;
    if (r->nring < r->tail)
        r->nring++;
}

/* Read whole lines from fd, from where it is; a line not ended yet stays
 * in buf for next time. */
static void
read_lines(struct reader *r, int fd, char *buf, size_t size, size_t *have)
{
    ssize_t n;

    while (!r->stopped && (n = read(fd, buf + *have, size - 1 - *have)) > 0) {
        char *p = buf, *nl;
        *have += (size_t)n;
        buf[*have] = '\0';
        while ((nl = memchr(p, '\n', *have - (size_t)(p - buf)))) {
            *nl = '\0';
            take(r, p);
            p = nl + 1;
        }
        *have -= (size_t)(p - buf);
        memmove(buf, p, *have);
        if (*have == size - 1) /* no newline in a whole buffer: drop it */
            *have = 0;
    }
}

/* A Go duration, as Docker takes: "10m", "1h30m", "90s", "500ms". */
int
mc_parse_duration(const char *s, double *seconds)
{
    double total = 0;

    if (!*s)
        return -1;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        double unit;
        if (end == s || v < 0)
            return -1;
        if (!strncmp(end, "ms", 2))
            unit = 0.001, end += 2;
        else if (*end == 's')
            unit = 1, end++;
        else if (*end == 'm')
            unit = 60, end++;
        else if (*end == 'h')
            unit = 3600, end++;
        else
            return -1;
        total += v * unit;
        s = end;
    }
    *seconds = total;
    return 0;
}

/* --since and --until: an RFC 3339 time (or just a date), a Unix time in
 * seconds, or a duration before now ("10m", "1h30m"). */
int
logs_parse_time(const char *s, int64_t *out)
{
    char *end, full[64];
    double v = strtod(s, &end), d;
    int64_t t;

    if (end != s && *end == '\0') {
        *out = (int64_t)(v * 1e9);
        return 0;
    }
    if (mc_parse_duration(s, &d) == 0) {
        *out = mc_now_ns() - (int64_t)(d * 1e9);
        return 0;
    }
    /* 2026-12-01, or 2026-12-01T07:00:00 without a zone: taken as UTC */
    if (strlen(s) == 10)
        snprintf(full, sizeof(full), "%sT00:00:00Z", s);
    else
        snprintf(full, sizeof(full), "%s%s", s, strchr(s, 'Z') ? "" : "Z");
    t = mc_parse_time(full);
    if (t < 0)
        return mc_usage_error("bad time '%s': give an RFC 3339 time "
                              "(2026-12-01T07:00:00Z), a Unix time or a "
                              "duration such as 10m",
                              s);
    *out = t;
    return 0;
}

int
logs_parse_tail(const char *s, long *tail)
{
    uint64_t n;

    if (!strcmp(s, "all") || !*s) {
        *tail = -1;
        return 0;
    }
    if (ct_parse_u64(s, &n) == -1 || n > 10000000)
        return mc_usage_error("bad --tail '%s': give a number or 'all'", s);
    *tail = (long)n;
    return 0;
}

static void
logs_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr logs [-f] [-t] [-n|--tail N|all] "
            "[--since T] [--until T] NAME\n"
            "\n"
            "  -f, --follow      keep printing until the container stops\n"
            "  -t, --timestamps  put each line's time in front of it\n"
            "  -n, --tail N      only the last N lines\n"
            "  --since T         lines since T (RFC 3339, Unix time, "
            "or 10m)\n"
            "  --until T         lines before T\n");
}

/* -f: pass on what comes, until the container stops (or the reader goes
 * away: stop_fd hangs up). inotify tells when the file grows or is
 * rotated; the monitor's `wait` tells the end. fd is -1 when the file was
 * not there (caught in a rotation, between the rename and the new file):
 * it is opened once it is. */
static int
follow(struct reader *r, const struct container *c, const char *path, int fd,
       char *buf, size_t size, size_t *have, int stop_fd)
{
    int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    int waiter = ctl_connect(c, "wait");
    char dir[4096];
    struct stat now, cur;
    bool done = waiter == -1;

    ct_clear_error();
    snprintf(dir, sizeof(dir), "%s", c->dir);
    if (in == -1 ||
        inotify_add_watch(in, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) == -1) {
        if (in != -1)
            close(in);
        if (waiter != -1)
            close(waiter);
        close(fd);
        return ct_fail_errno("inotify on '%s'", dir);
    }
    for (;;) {
        struct pollfd p[3] = {
            {in, POLLIN, 0}, {stop_fd, POLLRDHUP, 0}, {waiter, POLLIN, 0}};
        char ev[4096];

        if (fd == -1)
            fd = open(path, O_RDONLY | O_CLOEXEC);
        read_lines(r, fd, buf, size, have);
        /* Rotated: the old file was read to its end; go on in the new. */
        if (stat(path, &now) == 0 && fstat(fd, &cur) == 0 &&
            now.st_ino != cur.st_ino) {
            int nfd = open(path, O_RDONLY | O_CLOEXEC);
            if (nfd != -1) {
                close(fd);
                fd = nfd;
                *have = 0;
                continue;
            }
        }
        if (done || r->stopped)
            break;
        if (poll(p, waiter == -1 ? 2 : 3, -1) == -1 && errno != EINTR)
            break;
        if (p[1].revents)
            break; /* the reader went away */
        while (read(in, ev, sizeof(ev)) > 0)
            ;
        if (waiter != -1 && p[2].revents)
            done = true; /* one last read, then stop */
    }
    if (waiter != -1)
        close(waiter);
    close(in);
    if (fd != -1)
        close(fd);
    return 0;
}

int
logs_read(const struct container *c, const struct log_query *q,
          int (*out)(void *arg, int stream, const char *text, size_t len),
          void *arg, int stop_fd)
{
    struct reader r = {.q = q, .out = out, .arg = arg, .tail = q->tail};
    char path[4300], file[4400], *buf;
    size_t have = 0, size = LINE_MAX_BYTES * 8;
    int fd = -1, rc = 0;

    if (c->log.none) {
        mc_error_code("no_logs");
        ct_set_hint("run it without --log-driver none to keep its output");
        return ct_fail("container '%s' keeps no logs (--log-driver none)",
                       c->name);
    }
    buf = malloc(size);
    if (!buf)
        return ct_fail_errno("malloc");
    if (r.tail > 0)
        r.ring = calloc((size_t)r.tail, sizeof(char *));
    log_path(c, path, sizeof(path));
    /* Oldest first: .N ... .1, then the current file. */
    for (int i = c->log.max_files - 1; i >= 0; i--) {
        if (i)
            snprintf(file, sizeof(file), "%s.%d", path, i);
        else
            snprintf(file, sizeof(file), "%s", path);
        fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd == -1)
            continue;
        have = 0;
        read_lines(&r, fd, buf, size, &have);
        if (i)
            close(fd);
    }
    for (long i = 0; i < r.nring; i++) {
        long at = (r.next - r.nring + i + r.tail) % r.tail;
        print_record(&r, r.ring[at]);
        free(r.ring[at]);
    }
    free(r.ring);
    r.tail = -1; /* from here on, every new line is passed on */
    if (q->follow && strcmp(container_real_status(c), ST_RUNNING) == 0 &&
        !r.stopped)
        rc = follow(&r, c, path, fd, buf, size, &have, stop_fd);
    else if (fd != -1)
        close(fd);
    free(buf);
    return rc;
}

/* ---- minictr logs ------------------------------------------------------ */

static int
print_text(void *arg, int stream, const char *text, size_t len)
{
    FILE *out = stream == STREAM_STDERR ? stderr : stdout;

    (void)arg;
    fwrite(text, 1, len, out);
    return fflush(out) == EOF ? -1 : 0;
}

int
cmd_logs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"follow", no_argument, NULL, 'f'},
        {"timestamps", no_argument, NULL, 't'},
        {"tail", required_argument, NULL, 'n'},
        {"since", required_argument, NULL, 'S'},
        {"until", required_argument, NULL, 'U'},
        {"details", no_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    struct log_query q = {.tail = -1};
    struct container c;
    int opt;

    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+ftn:", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': q.follow = true; break;
        case 't': q.timestamps = true; break;
        case 'n':
            if (logs_parse_tail(optarg, &q.tail) == -1)
                return -1;
            break;
        case 'S':
            if (logs_parse_time(optarg, &q.since) == -1)
                return -1;
            break;
        case 'U':
            if (logs_parse_time(optarg, &q.until) == -1)
                return -1;
            break;
        case 'D': break; /* Docker's --details: no log attributes here */
        case 'h': logs_usage(stdout); return 0;
        default:
            return mc_usage_error("unknown or incomplete option '%s' (see "
                                  "'minictr logs --help')",
                                  argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return mc_usage_error("usage: minictr logs [OPTIONS] NAME");
    if (container_find(argv[optind], &c) == -1)
        return -1;
    return logs_read(&c, &q, print_text, NULL, -1);
}
