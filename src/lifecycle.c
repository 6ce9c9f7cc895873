/*
 * lifecycle.c: the commands that move a container through its life, with
 * Docker's names: start, stop, kill, wait, restart, pause, unpause,
 * rename, attach.
 *
 *   created --start--> running --stop/kill/exit--> exited --start--> ...
 *                      running --pause--> paused --unpause--> running
 *
 * Each is a front door too: it finds the container's record and asks its
 * monitor, over the control socket (ctl.c), to do the thing; `start` asks
 * the core for a new monitor. Only the monitor signals the container, so
 * it knows that a stop was asked for (no restart then) and when the end
 * came (the answer to `wait`).
 *
 * Read: signal(7); Documentation/admin-guide/cgroup-v2.rst "Freezer".
 */
#include "minictr.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
parse_signal(const char *s)
{
    uint64_t n;

    if (ct_parse_u64(s, &n) == 0)
        return n >= 1 && n <= 64 ? (int)n : -1;
    if (!strncasecmp(s, "SIG", 3))
        s += 3;
    for (int sig = 1; sig < 32; sig++) {
        const char *name = sigabbrev_np(sig);
        if (name && !strcasecmp(name, s))
            return sig;
    }
    return -1;
}

/* `minictr stop a b c`: each name, and the first error at the end. */
static bool
running(const struct container *c)
{
    const char *s = container_real_status(c);
    return !strcmp(s, ST_RUNNING) || !strcmp(s, ST_PAUSED) ||
        !strcmp(s, ST_RESTARTING);
}

void
container_wait_gone(const struct container *c)
{
    struct timespec t = {0, 10 * 1000 * 1000};

    for (int i = 0; i < 1000 && container_monitor_alive(c); i++)
        nanosleep(&t, NULL);
}

/* ---- attach ------------------------------------------------------------ */

/* Without a tty the stream is framed: split it back into stdout and
 * stderr. buf holds what came so far; returns what is left over. */
static size_t
unframe(char *buf, size_t len)
{
    size_t at = 0;

    while (len - at >= 8) {
        unsigned char *h = (unsigned char *)buf + at;
        size_t n =
            (size_t)h[4] << 24 | (size_t)h[5] << 16 | (size_t)h[6] << 8 | h[7];
        if (len - at < 8 + n)
            break;
        if (write(h[0] == STREAM_STDERR ? 2 : 1, buf + at + 8, n) < 0)
            break;
        at += 8 + n;
    }
    memmove(buf, buf + at, len - at);
    return len - at;
}

int
attach_stream(const struct container *c, bool with_stdin)
{
    static char buf[65536 + 16];
    char reply[512];
    size_t have = 0;
    int waiter, fd, sfd, code = 0, prev = 0;
    bool tty, raw = false, in_open = with_stdin;
    json_object *o, *v;
    sigset_t mask;

    /* `wait` first: its answer, at the end, is the exit code. */
    waiter = ctl_connect(c, "wait");
    if (waiter == -1)
        return -1;
    fd = ctl_connect(c, "attach%s", with_stdin ? " stdin" : "");
    if (fd == -1 || ctl_read_line(fd, reply, sizeof(reply)) == -1 ||
        !(o = json_tokener_parse(reply))) {
        close(waiter);
        if (fd != -1)
            close(fd);
        mc_error_code("container_not_running");
        return ct_fail("container '%s' is not running", c->name);
    }
    tty = json_object_object_get_ex(o, "tty", &v) && json_object_get_boolean(v);
    json_object_put(o);
    if (c->hold) { /* start -a: attached, now let it go */
        json_object *r = ctl_call(c, "start");
        if (!r) {
            close(fd);
            close(waiter);
            return -1;
        }
        json_object_put(r);
    }
    if (tty && isatty(0)) {
        struct winsize ws;
        raw = tty_raw(0);
        if (ioctl(0, TIOCGWINSZ, &ws) == 0)
            json_object_put(ctl_call(c, "resize %d %d", ws.ws_row, ws.ws_col));
        ct_clear_error();
    }
    /* Ctrl-C without a tty: passed to the container (Docker's
     * --sig-proxy); with a tty it is a key like any other. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGWINCH);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    for (;;) {
        struct pollfd p[3] = {
            {fd, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}, {sfd, POLLIN, 0}};
        ssize_t n;

        if (poll(p, 3, -1) == -1 && errno != EINTR)
            break;
        if (p[2].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGWINCH && raw) {
                    struct winsize ws;
                    if (ioctl(0, TIOCGWINSZ, &ws) == 0)
                        json_object_put(
                            ctl_call(c, "resize %d %d", ws.ws_row, ws.ws_col));
                } else if (si.ssi_signo != SIGWINCH) {
                    json_object_put(ctl_call(c, "kill %d", si.ssi_signo));
                }
                ct_clear_error();
            }
        }
        if (p[0].revents) {
            n = read(fd, buf + have, sizeof(buf) - 16 - have);
            if (n <= 0)
                break; /* the container is done */
            if (tty) {
                if (write(1, buf, (size_t)n) < 0)
                    break;
            } else {
                have = unframe(buf, have + (size_t)n);
            }
        }
        if (p[1].revents) {
            char in[4096];
            n = read(0, in, sizeof(in));
            if (n <= 0) {
                in_open = false;
                shutdown(fd, SHUT_WR);
                continue;
            }
            /* Docker's detach keys with a tty: Ctrl-P Ctrl-Q. A Ctrl-P is
             * held back until the next key says what it was. */
            char out[4097];
            size_t k = 0;
            for (ssize_t i = 0; i < n; i++) {
                if (tty && prev == 0x10 && in[i] == 0x11) {
                    if (raw)
                        tty_restore(0);
                    close(fd);
                    close(waiter);
                    fprintf(stderr, "read escape sequence\n");
                    return 0;
                }
                if (tty && prev == 0x10)
                    out[k++] = 0x10; /* it was not a detach: send it */
                prev = (unsigned char)in[i];
                if (!tty || in[i] != 0x10)
                    out[k++] = in[i];
            }
            if (k && send(fd, out, k, MSG_NOSIGNAL) != (ssize_t)k)
                in_open = false;
        }
    }
    if (raw)
        tty_restore(0);
    close(fd);
    if (ctl_read_line(waiter, reply, sizeof(reply)) > 0 &&
        (o = json_tokener_parse(reply))) {
        if (json_object_object_get_ex(o, "exit_code", &v))
            code = json_object_get_int(v);
        json_object_put(o);
    }
    close(waiter);
    return code;
}

static int
attach_usage(void)
{
    printf("usage: minictr attach [--no-stdin] NAME\n");
    return 0;
}

int
cmd_attach(int argc, char **argv)
{
    struct container c;
    bool no_stdin = false;
    const char *name = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help"))
            return attach_usage();
        if (!strcmp(argv[i], "--no-stdin"))
            no_stdin = true;
        else if (!strncmp(argv[i], "--sig-proxy", 11))
            continue;
        else if (argv[i][0] == '-' || name)
            return mc_usage_error("usage: minictr attach [--no-stdin] NAME");
        else
            name = argv[i];
    }
    if (!name)
        return mc_usage_error("usage: minictr attach [--no-stdin] NAME");
    if (container_find(name, &c) == -1)
        return -1;
    if (!strcmp(container_real_status(&c), ST_PAUSED)) {
        mc_error_code("container_paused");
        return ct_fail("you cannot attach to a paused container, unpause it "
                       "first");
    }
    if (!running(&c)) {
        mc_error_code("container_not_running");
        return ct_fail("container '%s' is not running: 'minictr start -a %s' "
                       "to start it attached",
                       name, name);
    }
    return attach_stream(&c, c.interactive && !no_stdin);
}

/* ---- start ------------------------------------------------------------- */

int
cmd_start(int argc, char **argv)
{
    bool attach = false, interactive = false;
    int rc = 0, n = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr start [-a] [-i] NAME...\n");
            return 0;
        }
        if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--attach"))
            attach = true;
        else if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "--interactive"))
            interactive = true;
        else if (!strcmp(argv[i], "-ai") || !strcmp(argv[i], "-ia"))
            attach = interactive = true;
        else if (argv[i][0] == '-')
            return mc_usage_error("unknown option '%s' (usage: minictr start "
                                  "[-a] [-i] NAME...)",
                                  argv[i]);
        else
            n++;
    }
    if (!n)
        return mc_usage_error("usage: minictr start [-a] [-i] NAME...");
    if (attach && n > 1)
        return mc_usage_error("start -a takes one container");
    for (int i = 1; i < argc; i++) {
        struct container c;
        if (argv[i][0] == '-')
            continue;
        if (container_find(argv[i], &c) == -1) {
            rc = -1;
            continue;
        }
        if (running(&c)) { /* as Docker: nothing to do, say its name */
            if (!attach)
                printf("%s\n", argv[i]);
            else
                rc = attach_stream(&c, c.interactive && interactive);
            continue;
        }
        c.stopped_by_user = false;
        c.hold = attach; /* attach first, then it runs: no output lost */
        if (container_start(&c, true) != 0) {
            rc = -1;
            continue;
        }
        if (attach)
            rc = attach_stream(&c, c.interactive && interactive);
        else
            printf("%s\n", argv[i]);
    }
    return rc;
}

/* ---- stop, kill -------------------------------------------------------- */

/* stop and restart: -t SECONDS (-1: wait for ever, as Docker). */
static int
parse_time_flag(int argc, char **argv, int *seconds, const char *cmd)
{
    static const struct option opts[] = {
        {"time", required_argument, NULL, 't'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    uint64_t v;
    int opt;

    opterr = 0;
    optind = 0;
    *seconds = 10;
    /* No leading '+': Docker takes `stop web -t 1` too. */
    while ((opt = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
        switch (opt) {
        case 't':
            if (!strcmp(optarg, "-1"))
                *seconds = -1;
            else if (ct_parse_u64(optarg, &v) == 0 && v <= 86400)
                *seconds = (int)v;
            else
                return mc_usage_error("bad --time '%s': give seconds (-1: "
                                      "wait for ever)",
                                      optarg);
            break;
        case 'h':
            printf("usage: minictr %s [-t SECONDS] NAME...\n\n"
                   "SIGTERM, then SIGKILL after SECONDS (default 10; -1 "
                   "never).\n",
                   cmd);
            exit(0);
        default:
            return mc_usage_error("unknown option '%s' (usage: minictr %s "
                                  "[-t SECONDS] NAME...)",
                                  argv[optind - 1], cmd);
        }
    }
    if (optind >= argc)
        return mc_usage_error("usage: minictr %s [-t SECONDS] NAME...", cmd);
    return 0;
}

/* Ask every container's monitor to stop first, then wait for them all:
 * twenty containers stop in the time of one, as with Docker. fds[i] is
 * the connection waiting for names[i]'s end, -1 if nothing to wait for,
 * -2 if it failed. */
static int
stop_all(int n, char **names, int seconds, bool *done)
{
    int fds[256], rc = 0;

    for (int i = 0; i < n && i < 256; i++) {
        struct container c;
        fds[i] = -2;
        if (container_find(names[i], &c) == -1) {
            rc = -1;
            continue;
        }
        if (!strcmp(container_real_status(&c), ST_PAUSED)) {
            mc_error_code("container_paused");
            ct_set_hint("unpause it first: minictr unpause NAME (a frozen "
                        "process cannot act on SIGTERM)");
            rc = ct_fail("container '%s' is paused", names[i]);
        } else if (!running(&c)) {
            fds[i] = -1; /* stopped already: fine, as Docker */
        } else if ((fds[i] = ctl_connect(&c, "stop %d", seconds)) < 0) {
            fds[i] = -2;
            rc = -1;
        }
        state_free(&c);
    }
    for (int i = 0; i < n && i < 256; i++) {
        struct container c;
        char reply[512];
        if (fds[i] == -2)
            continue;
        if (fds[i] >= 0) {
            ctl_read_line(fds[i], reply, sizeof(reply));
            close(fds[i]);
            if (container_find(names[i], &c) == 0) {
                container_wait_gone(&c);
                state_free(&c);
            }
            ct_clear_error(); /* --rm: it is gone, as asked */
        }
        done[i] = true;
    }
    return rc;
}

int
cmd_stop(int argc, char **argv)
{
    bool done[256] = {false};
    int seconds, rc;

    if (parse_time_flag(argc, argv, &seconds, "stop") == -1)
        return -1;
    if (argc - optind > 256)
        return mc_usage_error("at most 256 containers at once");
    rc = stop_all(argc - optind, argv + optind, seconds, done);
    for (int i = 0; i < argc - optind; i++)
        if (done[i])
            printf("%s\n", argv[optind + i]);
    return rc;
}

/* Ask each named container's monitor for request ("kill 15", "pause")
 * and print the name of each that did it, as Docker does. A name that is
 * unknown or not running is said and skipped; the others still go. */
static int
ask_each(int n, char **names, const char *request)
{
    int rc = 0;

    for (int i = 0; i < n; i++) {
        struct container c;
        json_object *r;
        if (container_find(names[i], &c) == -1) {
            rc = -1;
            continue;
        }
        if (!running(&c)) {
            mc_error_code("container_not_running");
            rc = ct_fail("container '%s' is not running", names[i]);
            continue;
        }
        r = ctl_call(&c, "%s", request);
        if (!r) {
            rc = -1;
            continue;
        }
        json_object_put(r);
        printf("%s\n", names[i]);
    }
    return rc;
}

int
cmd_kill(int argc, char **argv)
{
    static const struct option opts[] = {
        {"signal", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int sig = SIGKILL, opt;
    char request[32];

    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+s:", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            sig = parse_signal(optarg);
            if (sig < 0)
                return mc_usage_error("bad --signal '%s': give a name (TERM, "
                                      "SIGHUP) or a number",
                                      optarg);
            break;
        case 'h': printf("usage: minictr kill [-s SIGNAL] NAME...\n"); return 0;
        default:
            return mc_usage_error("unknown option '%s' (usage: minictr kill "
                                  "[-s SIGNAL] NAME...)",
                                  argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return mc_usage_error("usage: minictr kill [-s SIGNAL] NAME...");
    snprintf(request, sizeof(request), "kill %d", sig);
    return ask_each(argc - optind, argv + optind, request);
}

/* ---- wait -------------------------------------------------------------- */

/* The exit code of c: from its monitor when it ends, or from the record
 * when it ended already. */
static int
wait_one(const char *name)
{
    struct container c;
    char reply[512];
    json_object *o, *v;
    int fd, code = -1;

    if (container_find(name, &c) == -1)
        return -1;
    if (running(&c) && (fd = ctl_connect(&c, "wait")) != -1) {
        if (ctl_read_line(fd, reply, sizeof(reply)) > 0 &&
            (o = json_tokener_parse(reply))) {
            if (json_object_object_get_ex(o, "exit_code", &v))
                code = json_object_get_int(v);
            json_object_put(o);
        }
        close(fd);
    }
    ct_clear_error();
    if (code == -1) { /* it ended meanwhile, or before: the record says */
        container_wait_gone(&c);
        containers_collect(); /* a killed monitor: dead, 137 */
        state_free(&c);
        if (container_find(name, &c) == -1)
            return -1;
        code = c.exit_code;
    }
    state_free(&c);
    return code;
}

int
cmd_wait(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2)
        return mc_usage_error("usage: minictr wait NAME...");
    if (!strcmp(argv[1], "--help")) {
        printf("usage: minictr wait NAME...\n\nBlocks until each container "
               "stops, then prints its exit code.\n");
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        int code = wait_one(argv[i]);
        if (code < 0)
            rc = -1;
        else
            printf("%d\n", code);
        fflush(stdout);
    }
    return rc;
}

/* ---- restart ----------------------------------------------------------- */

int
cmd_restart(int argc, char **argv)
{
    bool done[256] = {false};
    int seconds, rc, first;

    if (parse_time_flag(argc, argv, &seconds, "restart") == -1)
        return -1;
    first = optind;
    if (argc - first > 256)
        return mc_usage_error("at most 256 containers at once");
    rc = stop_all(argc - first, argv + first, seconds, done);
    for (int i = first; i < argc; i++) {
        struct container c;
        if (!done[i - first])
            continue;
        if (container_find(argv[i], &c) == -1) { /* --rm removed it */
            rc = -1;
            continue;
        }
        c.stopped_by_user = false;
        if (container_start(&c, true) != 0) {
            rc = -1;
            continue;
        }
        printf("%s\n", argv[i]);
    }
    return rc;
}

/* ---- pause, unpause ---------------------------------------------------- */

static int
freeze_all(int argc, char **argv, const char *request)
{
    if (argc < 2)
        return mc_usage_error("usage: minictr %s NAME...", request);
    if (!strcmp(argv[1], "--help")) {
        printf("usage: minictr %s NAME...\n", request);
        return 0;
    }
    return ask_each(argc - 1, argv + 1, request);
}

int
cmd_pause(int argc, char **argv)
{
    return freeze_all(argc, argv, "pause");
}

int
cmd_unpause(int argc, char **argv)
{
    return freeze_all(argc, argv, "unpause");
}

/* ---- rename ------------------------------------------------------------ */

static int
has_name(struct container *o, void *name)
{
    return !strcmp(o->name, name);
}

int
container_rename(struct container *c, const char *name)
{
    int lock, rc = 0;

    lock = container_lock_names();
    if (lock == -1)
        return -1;
    if (state_each(has_name, (void *)name)) {
        mc_error_code("name_in_use");
        rc = ct_fail("the name '%s' is taken", name);
    } else if (container_monitor_alive(c)) {
        json_object *r = ctl_call(c, "rename %s", name);
        rc = r ? 0 : -1;
        json_object_put(r);
    } else {
        char old[64];
        snprintf(old, sizeof(old), "%s", c->name);
        snprintf(c->name, sizeof(c->name), "%s", name);
        rc = state_write(c);
        if (rc == 0)
            events_append(c, "rename", "oldName", old);
    }
    container_unlock_names(lock);
    return rc;
}

int
cmd_rename(int argc, char **argv)
{
    struct container c;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr rename NAME NEW_NAME\n");
        return 0;
    }
    if (argc != 3)
        return mc_usage_error("usage: minictr rename NAME NEW_NAME");
    if (!mc_valid_name(argv[2]))
        return mc_usage_error("bad name '%s': use letters, digits, '_', '.', "
                              "'-'",
                              argv[2]);
    if (container_find(argv[1], &c) == -1)
        return -1;
    return container_rename(&c, argv[2]);
}
