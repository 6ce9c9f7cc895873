/*
 * monitor.c: the process that holds a running container, as conmon and
 * containerd-shim do. `run` in the foreground is a monitor in your
 * terminal; `run -d` and `start` are the same monitor in a session of its
 * own. One code path for both.
 *
 * What it does, in order:
 *   1. block every signal but the faults, and take them from a signalfd
 *      (before the clone: a SIGTERM in between must not be lost)
 *   2. become a child subreaper; make the cgroups (named in the record
 *      already); bind the control socket; open the log; bind the
 *      published ports (ports.c); join the network: an address lease and
 *      the /etc files (networks.c)
 *   3. spawn the container (spawn.c) with pipes (or a pty) for its output;
 *      on a bridge network, plug it in while it mounts its root (a veth,
 *      eth0's address and route: network.c; DNAT rules: nat.c) and tell
 *      it to go on; learn how the start went on the channel
 *   4. say so: the one sync line to `run -d` (or print the error); a
 *      detached monitor then lets go of the code it ran to get here
 *   5. one poll(2) loop over: the signalfd, the container's output, the
 *      control socket and its clients, our terminal (foreground -t), the
 *      published ports' proxy; the timeouts (stop's SIGKILL, the restart
 *      backoff, idle UDP flows) are poll's timeout
 *   6. the end is: reaped *and* its output at EOF; then the exit code and
 *      time go into the record; then the restart policy (back to 3 after a
 *      backoff) or --rm, and the waiters get their answer
 *
 * Once the container runs, the monitor does not die of an error: it
 * records it and holds on. If the monitor is killed, the container dies
 * with it (PR_SET_PDEATHSIG in spawn.c) and `ps` shows it dead.
 *
 * Read: signalfd(2), poll(2), prctl(2) PR_SET_CHILD_SUBREAPER,
 *       waitpid(2), conmon's src/conmon.c, tini's src/tini.c.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define MAX_PORT_FDS 256 /* the proxy's: listeners, connections, flows */

enum client_kind {
    CLIENT_REQUEST, /* reading its request line */
    CLIENT_WAIT, /* answered when the container exits */
    CLIENT_REMOVED, /* wait removed: answered when --rm removed it */
    CLIENT_STOP, /* the same, after stop's signals */
    CLIENT_START, /* answered when the held container exec'd */
    CLIENT_ATTACH, /* the stream */
};

struct client {
    int fd;
    enum client_kind kind;
    char line[16384]; /* an exec request carries a command line */
    size_t len;
    bool input; /* attach: what it sends goes to the container's stdin */
    bool once; /* attach stdin-once: its EOF closes the container's stdin */
    bool eof; /* it sent all it will send (shutdown SHUT_WR) */
};

struct monitor {
    struct container *c;
    bool foreground;
    int sync_fd; /* detached: the caller waits for one line here */
    int sfd; /* signalfd */
    int lfd; /* the control socket */
    int out, err; /* the container's stdout and stderr (or the pty) */
    int in; /* our end of its stdin: -i detached, or the pty */
    int chan; /* the channel to its first process (until exec) */
    int netns; /* its network namespace (bridge networks) */
    int nft; /* the netlink socket that owns its DNAT rules */
    struct ports *ports; /* the published ports' sockets */
    struct client *clients; /* slots[]: see there */
    int nclients;
    struct log_writer *log; /* log_writer */
    char *pending; /* pending_buf: stdin the container has not taken yet */
    size_t npending;
    bool stdin_open; /* foreground -t: our terminal still gives input */
    bool term_raw;
    bool reaped;
    int status; /* waitpid's */
    int64_t kill_at; /* ms: stop's deadline for SIGKILL; 0 = none */
    int64_t restart_at; /* ms: when to spawn again; 0 = none */
    int64_t backoff_ms;
    int64_t spawned_ms;
    int forwarded[65]; /* foreground: how often each signal came */
    uint64_t oom_before;
    struct health_run health; /* --health-cmd: the probes (health.c) */
};

/* What is big lives apart from struct monitor, which monitor_run zeroes:
 * the clients' 64 slots with a 16 KB request line each (1 MB), the log's
 * line buffers (32 KB), stdin's (8 KB). Zeroing them would make every
 * page of them resident, in every monitor; left alone, a page costs no
 * memory until it is written. */
static struct client slots[MAX_CLIENTS];
static struct log_writer log_writer;
static char pending_buf[8192];

/* ---- telling the caller ------------------------------------------------ */

/* {"error":{"code","message","hint","errno"},"exit":N}: what went wrong,
 * as a JSON object (the sync line, and control replies). */
static json_object *
error_object(int exit_code)
{
    json_object *o = json_object_new_object(), *e = json_object_new_object();
    const char *code = mc_get_error_code();

    json_object_object_add(e, "code",
                           json_object_new_string(*code ? code : "failed"));
    json_object_object_add(e, "message",
                           json_object_new_string(ct_error_message()));
    json_object_object_add(e, "hint", json_object_new_string(ct_error_hint()));
    json_object_object_add(e, "errno", json_object_new_int(ct_error_errno()));
    json_object_object_add(o, "error", e);
    json_object_object_add(o, "exit", json_object_new_int(exit_code));
    return o;
}

/* Send o as one line and let it go. */
static void
send_line(int fd, json_object *o)
{
    const char *s = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    char buf[16384];
    int n = snprintf(buf, sizeof(buf), "%s\n", s);

    if (fd >= 0 && n < (int)sizeof(buf))
        (void)!write(fd, buf, (size_t)n);
    json_object_put(o);
}

static void
reply_ok(int fd)
{
    send_line(fd, json_tokener_parse("{\"ok\":true}"));
}

static void
reply_error(int fd, const char *code, const char *msg)
{
    json_object *o = json_object_new_object(), *e = json_object_new_object();

    json_object_object_add(e, "code", json_object_new_string(code));
    json_object_object_add(e, "message", json_object_new_string(msg));
    json_object_object_add(o, "error", e);
    send_line(fd, o);
}

static void
tell_caller(struct monitor *m, json_object *o)
{
    if (m->sync_fd >= 0) {
        send_line(m->sync_fd, o);
        close(m->sync_fd);
        m->sync_fd = -1;
    } else {
        json_object_put(o);
    }
}

/* ---- signals ----------------------------------------------------------- */

/* signal(7), signalfd(2): block before clone, or a SIGTERM sent in
 * between kills us and the container with us. The child restores the old
 * mask before exec (spawn_old_mask); from here on, signals are reads on
 * sfd, in the one poll(2) set. The faults stay: a crash is a crash. */
void
monitor_block_signals(sigset_t *mask)
{
    /* LAB life.1: block every signal but the faults; keep the old mask */
    static const int faults[] = {SIGSEGV, SIGBUS,  SIGILL, SIGFPE,
                                 SIGABRT, SIGTRAP, SIGSYS};
    static bool mask_saved;
    sigset_t old;

    sigfillset(mask);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        sigdelset(mask, faults[i]);
    sigprocmask(SIG_BLOCK, mask, &old);
    /* `run -d` blocks twice (container_start before it forks the
     * monitor, then the monitor): keep the first old mask, the caller's. */
    if (!mask_saved)
        spawn_old_mask = old;
    mask_saved = true;
    /* END LAB */
}

static int
block_signals(struct monitor *m)
{
    sigset_t mask;

    monitor_block_signals(&mask);
    m->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m->sfd == -1)
        return ct_fail_errno("signalfd");
    return 0;
}

/* ---- spawning ---------------------------------------------------------- */

static void
close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The container's stdio: a pty (-t, made inside), or pipes whose far
 * ends it gets. Foreground -i without -t: our own stdin. */
/* Signal the container's PID 1 — never pid 0 or -1, which would mean our
 * own process group, or every process we may signal. */
static void
signal_container(const struct container *c, int sig)
{
    if (c->pid > 0)
        kill(c->pid, sig);
}

/* A bridge network: while the child mounts its root, plug it in (a veth
 * into its namespace, eth0's address and route), the first time the DNAT
 * rules for its ports too, then tell it to go on. A restart makes a new
 * namespace: the old one's veth goes first. */
static int
plug_network(struct monitor *m)
{
    struct container *c = m->c;
    char path[64];

    close_fd(&m->netns);
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->pid);
    m->netns = open(path, O_RDONLY | O_CLOEXEC);
    if (m->netns == -1)
        return ct_fail_errno("open '%s'", path);
    if (net_plug(c, m->netns) == -1)
        return -1;
    if (c->net.nports && !c->net.userland_proxy && m->nft < 0) {
        m->nft = nat_publish(c);
        if (m->nft == -1)
            return -1;
    }
    if (send(m->chan, (char[]){SPAWN_NET}, 1, MSG_NOSIGNAL) != 1 &&
        errno != EPIPE)
        return ct_fail_errno("tell the container its network is ready");
    return 0;
}

static int
spawn_once(struct monitor *m)
{
    struct container *c = m->c;
    struct spawn_io io = {-1, -1, -1, -1};
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, inp[2] = {-1, -1};
    int kind, fd = -1, rc = -1;

    if (!c->tty) {
        if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1) {
            ct_fail_errno("pipe2 for the container's output");
            goto out;
        }
        io.out = outp[1];
        io.err = errp[1];
        if (c->interactive && m->foreground) {
            io.in = 0;
        } else if (c->interactive) {
            if (pipe2(inp, O_CLOEXEC) == -1) {
                ct_fail_errno("pipe2 for the container's stdin");
                goto out;
            }
            io.in = inp[0];
        }
    }
    m->oom_before = cgroups_oom_kills(c);
    c->net_wait = c->net.mode == NET_BRIDGE;
    c->pid = spawn_container(c, &io);
    if (c->pid == -1)
        goto out;
    c->exit_code = 0; /* as Docker: 0 while it runs */
    c->oom_killed = false;
    m->chan = io.chan;
    if (c->net_wait && plug_network(m) == -1) {
        /* It waits for us: it must not run without its network. */
        signal_container(c, SIGKILL);
        close_fd(&m->chan);
        goto out;
    }
    m->reaped = false;
    m->spawned_ms = mc_monotonic_ms();
    /* The channel: a pty's master side first (-t), then EOF when the
     * command exec'd, or an error, or "ready" when held. */
    while ((kind = spawn_read(m->chan, &fd)) == SPAWN_TTY) {
        m->out = fd;
        m->in = dup(fd);
        fd = -1;
    }
    if (kind == SPAWN_ERROR || kind == -1) {
        if (kind == -1)
            ct_fail_errno("read the container's channel");
        rc = -1;
    } else {
        rc = 0;
    }
    if (kind != SPAWN_READY)
        close_fd(&m->chan);
    if (!c->tty) {
        m->out = outp[0];
        m->err = errp[0];
        outp[0] = errp[0] = -1;
        if (inp[1] >= 0) {
            m->in = inp[1];
            fcntl(m->in, F_SETFL, O_NONBLOCK);
            inp[1] = -1;
        }
    }
    if (m->out >= 0)
        fcntl(m->out, F_SETFL, O_NONBLOCK);
    if (m->err >= 0)
        fcntl(m->err, F_SETFL, O_NONBLOCK);
out:
    close_fd(&outp[0]);
    close_fd(&outp[1]);
    close_fd(&errp[0]);
    close_fd(&errp[1]);
    close_fd(&inp[0]);
    close_fd(&inp[1]);
    return rc;
}

/* The status a shell would give: the exit code, or 128+N for signal N. */
static int
exit_status(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void
set_status(struct container *c, const char *status)
{
    if (status != c->status)
        snprintf(c->status, sizeof(c->status), "%s", status);
    state_write(c);
    ct_clear_error(); /* a failed write is not the container's end */
}

/* ---- output ------------------------------------------------------------ */

static void
drop_client(struct monitor *m, int i)
{
    close(m->clients[i].fd);
    m->clients[i] = m->clients[--m->nclients];
}

/* What the container printed: to the log, to attached clients, and in the
 * foreground to our own stdout or stderr. Returns false at EOF. */
static bool
copy_output(struct monitor *m, int *fd, int stream)
{
    char buf[32768];
    ssize_t n = read(*fd, buf, sizeof(buf));

    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0) { /* EOF, or EIO from a pty whose last slave closed */
        close_fd(fd);
        return false;
    }
    log_write(m->log, stream, buf, (size_t)n);
    for (int i = m->nclients - 1; i >= 0; i--) {
        struct client *cl = &m->clients[i];
        int rc;
        if (cl->kind != CLIENT_ATTACH)
            continue;
        rc = m->c->tty
            ? (send(cl->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n
                   ? 0
                   : -1)
            : ctl_write_frame(cl->fd, stream, buf, (size_t)n);
        if (rc == -1)
            drop_client(m, i);
    }
    if (m->foreground) {
        int to = stream == STREAM_STDERR ? 2 : 1;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(to, buf + off, (size_t)(n - off));
            if (w == -1 && errno == EINTR)
                continue;
            if (w <= 0)
                break; /* our stdout went away: the log still has it */
            off += w;
        }
    }
    return true;
}

/* Bytes for the container's stdin: written as far as it takes them; the
 * rest waits (and no more is read) until its stdin is writable again. */
static void
feed_stdin(struct monitor *m, const char *buf, size_t len)
{
    if (m->in < 0)
        return;
    if (len > sizeof(pending_buf) - m->npending)
        len = sizeof(pending_buf) - m->npending;
    memcpy(m->pending + m->npending, buf, len);
    m->npending += len;
    while (m->npending) {
        ssize_t w = write(m->in, m->pending, m->npending);
        if (w <= 0) {
            if (w == -1 && errno == EAGAIN)
                return;
            m->npending = 0; /* it closed its stdin */
            return;
        }
        memmove(m->pending, m->pending + w, m->npending - (size_t)w);
        m->npending -= (size_t)w;
    }
}

/* ---- the control socket ------------------------------------------------ */

static void
accept_client(struct monitor *m)
{
    int fd = accept4(m->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    int big = 1 << 20;

    if (fd == -1)
        return;
    if (m->nclients == MAX_CLIENTS) {
        reply_error(fd, "busy", "too many clients of this monitor");
        close(fd);
        return;
    }
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    m->clients[m->nclients++] = (struct client){.fd = fd};
}

static void
request_stop(struct monitor *m, int seconds)
{
    struct container *c = m->c;

    c->stopped_by_user = true;
    if (m->restart_at) { /* between two runs: nothing to signal */
        m->restart_at = 0;
        return;
    }
    ct_trace(NULL, "kill(%d, SIGTERM), SIGKILL after %d s", c->pid, seconds);
    signal_container(c, seconds != 0 ? SIGTERM : SIGKILL);
    if (seconds > 0) /* -1: wait for ever */
        m->kill_at = mc_monotonic_ms() + (int64_t)seconds * 1000;
}

static void finish_run(struct monitor *m);

/* One request line from a client. Some are answered at once; wait, stop
 * and start later; attach turns the connection into the stream. */
static void
handle_request(struct monitor *m, int i)
{
    struct client *cl = &m->clients[i];
    struct container *c = m->c;
    char word[32] = "", arg[256] = "";
    int n, a, b;
    bool running = !strcmp(c->status, ST_RUNNING);

    sscanf(cl->line, "%31s %255[^\n]", word, arg);
    if (!strcmp(word, "state")) {
        send_line(cl->fd, state_to_json(c));
        drop_client(m, i);
    } else if (!strcmp(word, "wait")) {
        /* Docker's conditions: not-running and next-exit end at the
         * exit, removed when --rm has removed the container. */
        cl->kind =
            !strcmp(arg, "removed") && c->remove ? CLIENT_REMOVED : CLIENT_WAIT;
    } else if (!strcmp(word, "kill") && sscanf(arg, "%d", &n) == 1 && n > 0 &&
               n < 65) {
        if (m->restart_at) {
            /* Between two runs: no process to signal; a kill (and so
             * rm -f) ends the restarting, as Docker's does. */
            c->stopped_by_user = true;
            m->restart_at = 0;
            set_status(c, ST_EXITED);
            reply_ok(cl->fd);
        } else if (!running && strcmp(c->status, ST_PAUSED)) {
            reply_error(cl->fd, "container_not_running",
                        "the container is not running");
        } else {
            char sig[8];
            snprintf(sig, sizeof(sig), "%d", n);
            events_append(c, "kill", "signal", sig);
            c->stopped_by_user = true;
            signal_container(c, n);
            if (n == SIGKILL && !strcmp(c->status, ST_PAUSED))
                cgroups_freeze(c, false); /* let it die */
            reply_ok(cl->fd);
        }
        drop_client(m, i);
    } else if (!strcmp(word, "stop") && sscanf(arg, "%d", &n) == 1) {
        if (!strcmp(c->status, ST_PAUSED)) {
            reply_error(cl->fd, "container_paused",
                        "the container is paused: unpause it first");
            drop_client(m, i);
            return;
        }
        cl->kind = CLIENT_STOP;
        if (running)
            events_append(c, "kill", "signal", n > 0 ? "15" : "9");
        request_stop(m, n);
        if (!m->restart_at && !running)
            finish_run(m);
    } else if (!strcmp(word, "pause") || !strcmp(word, "unpause")) {
        bool freeze = !strcmp(word, "pause");
        if (freeze && !strcmp(c->status, ST_PAUSED)) {
            reply_error(cl->fd, "container_paused",
                        "the container is paused already");
        } else if (strcmp(c->status, freeze ? ST_RUNNING : ST_PAUSED)) {
            reply_error(cl->fd,
                        freeze ? "container_not_running"
                               : "container_not_paused",
                        freeze ? "the container is not running"
                               : "the container is not paused");
        } else if (cgroups_freeze(c, freeze) == -1) {
            reply_error(cl->fd, "failed", ct_error_message());
            ct_clear_error();
        } else {
            set_status(c, freeze ? ST_PAUSED : ST_RUNNING);
            events_append(c, word, NULL, NULL);
            reply_ok(cl->fd);
        }
        drop_client(m, i);
    } else if (!strcmp(word, "start")) {
        if (m->chan < 0) {
            reply_error(cl->fd, "container_running",
                        "the container was started already");
            drop_client(m, i);
            return;
        }
        /* create, then start: the child is set up and waits for "go". */
        send(m->chan, (char[]){SPAWN_GO}, 1, MSG_NOSIGNAL);
        cl->kind = CLIENT_START;
    } else if (!strcmp(word, "resize") && sscanf(arg, "%d %d", &a, &b) == 2) {
        struct winsize ws = {.ws_row = (unsigned short)a,
                             .ws_col = (unsigned short)b};
        if (c->tty && m->in >= 0)
            ioctl(m->in, TIOCSWINSZ, &ws);
        reply_ok(cl->fd);
        drop_client(m, i);
    } else if (!strcmp(word, "rename") && mc_valid_name(arg)) {
        char old[64];
        snprintf(old, sizeof(old), "%s", c->name);
        snprintf(c->name, sizeof(c->name), "%s", arg);
        set_status(c, c->status);
        events_append(c, "rename", "oldName", old);
        network_rename(c); /* the lease, and the others' /etc/hosts */
        reply_ok(cl->fd);
        drop_client(m, i);
    } else if (!strcmp(word, "exec")) {
        if (!running) {
            reply_error(cl->fd, "container_not_running",
                        "the container is not running");
        } else {
            const char *json = strchr(cl->line, ' ');
            exec_detached_for_monitor(c, json ? json + 1 : "", cl->fd);
        }
        drop_client(m, i);
    } else if (!strcmp(word, "attach")) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "ok", json_object_new_boolean(true));
        json_object_object_add(o, "tty", json_object_new_boolean(c->tty));
        send_line(cl->fd, o);
        cl->kind = CLIENT_ATTACH;
        cl->input = strstr(arg, "stdin") != NULL;
        cl->once = strstr(arg, "stdin-once") != NULL;
    } else {
        reply_error(cl->fd, "usage", "unknown request");
        drop_client(m, i);
    }
}

/* A client sent something: a request line, or stdin for the container. */
static void
read_client(struct monitor *m, int i)
{
    struct client *cl = &m->clients[i];
    char buf[4096];
    ssize_t n;

    if (cl->kind == CLIENT_ATTACH) {
        if (m->npending) /* the container has not taken the last yet */
            return;
        n = recv(cl->fd, buf, sizeof(buf), 0);
        if (n == 0) { /* no more input; it still reads the output */
            cl->eof = true;
            /* docker run -i: the end of its stdin is the container's
             * (with -t the pty is input and output both: kept). */
            if (cl->once && !m->c->tty) {
                close_fd(&m->in);
                m->npending = 0;
            }
            return;
        }
        if (n == -1 && errno != EAGAIN) {
            drop_client(m, i);
            return;
        }
        if (n > 0 && cl->input)
            feed_stdin(m, buf, (size_t)n);
        return;
    }
    n = recv(cl->fd, cl->line + cl->len, sizeof(cl->line) - 1 - cl->len, 0);
    if (n == 0 || (n == -1 && errno != EAGAIN)) {
        drop_client(m, i);
        return;
    }
    if (n < 0 || cl->kind != CLIENT_REQUEST)
        return;
    cl->len += (size_t)n;
    cl->line[cl->len] = '\0';
    if (strchr(cl->line, '\n'))
        handle_request(m, i);
    else if (cl->len == sizeof(cl->line) - 1)
        drop_client(m, i);
}

/* Answer every client waiting for this kind of event. */
static void
answer(struct monitor *m, enum client_kind kind, json_object *o)
{
    for (int i = m->nclients - 1; i >= 0; i--)
        if (m->clients[i].kind == kind) {
            send_line(m->clients[i].fd, json_object_get(o));
            drop_client(m, i);
        }
    json_object_put(o);
}

static json_object *
exit_object(const struct container *c)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "exit_code", json_object_new_int(c->exit_code));
    return o;
}

/* ---- the end of a run -------------------------------------------------- */

/* Docker's restart policies, and its backoff: 100 ms, doubled at each
 * restart up to a minute, back to 100 ms after 10 s up. */
bool
monitor_wants_restart(const struct container *c)
{
    if (c->stopped_by_user || c->remove)
        return false;
    switch (c->restart) {
    case RESTART_NO: return false;
    case RESTART_ON_FAILURE:
        return c->exit_code != 0 &&
            (c->restart_max == 0 || c->restart_count < c->restart_max);
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED: return true;
    }
    return false;
}

int64_t
monitor_next_backoff(int64_t last_ms, int64_t ran_ms)
{
    if (ran_ms >= 10000 || last_ms == 0)
        return 100;
    return last_ms * 2 > 60000 ? 60000 : last_ms * 2;
}

/* The container runs (again): its health checks begin, "starting". */
static void
health_started(struct monitor *m)
{
    health_begin(&m->health, m->c->started_ns);
}

/* Reaped and drained: record the end, answer the waiters, and either plan
 * a restart or stop the loop (restart_at == 0 and nothing to wait for). */
static void
finish_run(struct monitor *m)
{
    struct container *c = m->c;
    int64_t ran = mc_monotonic_ms() - m->spawned_ms;

    c->exit_code = exit_status(m->status);
    c->oom_killed = WIFSIGNALED(m->status) && WTERMSIG(m->status) == SIGKILL &&
        cgroups_oom_kills(c) > m->oom_before;
    c->finished_ns = mc_now_ns();
    c->pid = 0;
    m->kill_at = 0;
    health_end(&m->health);
    {
        char code[16];
        snprintf(code, sizeof(code), "%d", c->exit_code);
        if (c->oom_killed)
            events_append(c, "oom", NULL, NULL);
        events_append(c, "die", "exitCode", code);
        for (int i = 0; i < m->nclients; i++)
            if (m->clients[i].kind == CLIENT_STOP) {
                events_append(c, "stop", NULL, NULL);
                break;
            }
    }
    if (monitor_wants_restart(c)) {
        m->backoff_ms = monitor_next_backoff(m->backoff_ms, ran);
        m->restart_at = mc_monotonic_ms() + m->backoff_ms;
        set_status(c, ST_RESTARTING);
    } else if (c->remove) { /* removed next: no record to write */
        snprintf(c->status, sizeof(c->status), "%s", ST_EXITED);
    } else {
        set_status(c, ST_EXITED);
    }
    answer(m, CLIENT_WAIT, exit_object(c));
    answer(m, CLIENT_STOP, exit_object(c));
    for (int i = m->nclients - 1; i >= 0; i--)
        if (m->clients[i].kind == CLIENT_ATTACH)
            drop_client(m, i);
}

/* wait(2): a child that exited stays a zombie until its parent waits
 * for it. SIGCHLD says "one or more children changed state": like every
 * standard signal it is not counted, so two exits while we were busy are
 * one SIGCHLD. Shared with --init (init.c), whose PID 1 inherits every
 * orphan of the container. */
bool
monitor_reap(pid_t pid, int *status)
{
    /* LAB life.2: reap every child that has exited, never blocking */
    bool found = false;
    int st;
    pid_t got;

    /* One SIGCHLD can stand for many exits: reap until none is left. */
    while ((got = waitpid(-1, &st, WNOHANG)) > 0)
        if (got == pid) {
            *status = st;
            found = true;
        }
    return found;
    /* END LAB */
}

/* The container exited: reap it (and any orphan of ours). */
static void
reap(struct monitor *m)
{
    if (monitor_reap(m->c->pid, &m->status))
        m->reaped = true;
}

/* Ctrl-C and kill are passed to the container. A PID 1 without a handler
 * ignores them (pid_namespaces(7)), so in the foreground the same signal
 * a second time kills the container: Ctrl-C twice always stops it. */
static void
on_signal(struct monitor *m, int sig)
{
    pid_t pid = m->c->pid;

    if (sig == SIGCHLD) {
        reap(m);
        return;
    }
    if (sig == SIGWINCH) {
        if (m->foreground && m->c->tty && m->in >= 0)
            tty_copy_size(0, m->in);
        return;
    }
    if (sig != SIGINT && sig != SIGTERM && sig != SIGHUP && sig != SIGQUIT &&
        sig != SIGUSR1 && sig != SIGUSR2)
        return;
    if (pid <= 0 || m->reaped)
        return;
    if (m->foreground && m->forwarded[sig]++) {
        fprintf(stderr, "minictr: %s again: killing the container\n",
                strsignal(sig));
        signal_container(m->c, SIGKILL);
    } else {
        signal_container(m->c, sig);
    }
}

/* ---- the loop ---------------------------------------------------------- */

enum {
    P_SIGNAL,
    P_LISTEN,
    P_OUT,
    P_ERR,
    P_STDIN,
    P_IN,
    P_CHAN,
    P_HEALTH, /* and P_HEALTH + 1: the probe's output and pid report */
    P_CLIENTS = P_HEALTH + 2,
};

static int
poll_timeout(const struct monitor *m)
{
    int64_t next = 0, now = mc_monotonic_ms(), flows = ports_deadline(m->ports);
    int64_t probe = health_deadline(&m->health);

    if (m->kill_at)
        next = m->kill_at;
    if (m->restart_at && (!next || m->restart_at < next))
        next = m->restart_at;
    if (flows && (!next || flows < next))
        next = flows;
    if (probe && (!next || probe < next))
        next = probe;
    if (!next)
        return -1;
    return next <= now ? 0 : (int)(next - now);
}

static void
handle_deadlines(struct monitor *m)
{
    int64_t now = mc_monotonic_ms();
    struct container *c = m->c;

    if (m->kill_at && now >= m->kill_at) {
        ct_trace(NULL, "kill(%d, SIGKILL): stop's time is up", c->pid);
        signal_container(c, SIGKILL);
        m->kill_at = 0;
    }
    if (m->restart_at && now >= m->restart_at) {
        m->restart_at = 0;
        c->restart_count++;
        if (spawn_once(m) == -1) {
            /* It ran before, now it cannot: keep the reason, stop. */
            c->exit_code = MC_EXIT_RUNNER;
            set_status(c, ST_EXITED);
            ct_clear_error();
            return;
        }
        c->started_ns = mc_now_ns();
        health_started(m);
        set_status(c, ST_RUNNING);
        events_append(c, "start", NULL, NULL);
    }
    health_timer(&m->health);
}

/* Returns when the container is done: exited and drained, no restart. */
static void
loop(struct monitor *m)
{
    struct pollfd p[P_CLIENTS + MAX_CLIENTS + MAX_PORT_FDS];

    for (;;) {
        int n = P_CLIENTS, nclients = m->nclients, ports_at, nports;
        bool running = m->c->pid > 0;

        if (running && m->reaped && m->out < 0 && m->err < 0) {
            close_fd(&m->in);
            close_fd(&m->chan);
            finish_run(m);
            running = false;
        }
        if (!running && !m->restart_at)
            return;
        p[P_SIGNAL] = (struct pollfd){m->sfd, POLLIN, 0};
        p[P_LISTEN] = (struct pollfd){m->lfd, POLLIN, 0};
        p[P_OUT] = (struct pollfd){m->out, POLLIN, 0};
        p[P_ERR] = (struct pollfd){m->err, POLLIN, 0};
        p[P_STDIN] =
            (struct pollfd){m->stdin_open && !m->npending ? 0 : -1, POLLIN, 0};
        p[P_IN] = (struct pollfd){m->npending ? m->in : -1, POLLOUT, 0};
        p[P_CHAN] = (struct pollfd){m->chan, POLLIN, 0};
        health_poll_fds(&m->health, p + P_HEALTH);
        for (int i = 0; i < nclients; i++)
            p[n++] = (struct pollfd){m->clients[i].fd,
                                     m->clients[i].eof ? 0 : POLLIN, 0};
        ports_at = n;
        nports = ports_poll_fds(m->ports, p + n, MAX_PORT_FDS);
        n += nports;
        if (poll(p, (nfds_t)n, poll_timeout(m)) == -1) {
            if (errno == EINTR)
                continue;
            return; /* cannot happen; the container dies with us */
        }
        if (p[P_SIGNAL].revents) {
            struct signalfd_siginfo si;
            while (read(m->sfd, &si, sizeof(si)) == sizeof(si))
                on_signal(m, (int)si.ssi_signo);
        }
        if (p[P_OUT].revents)
            copy_output(m, &m->out, STREAM_STDOUT);
        if (p[P_ERR].revents)
            copy_output(m, &m->err, STREAM_STDERR);
        if (p[P_STDIN].revents) {
            char buf[4096];
            ssize_t r = read(0, buf, sizeof(buf));
            if (r <= 0)
                m->stdin_open = false;
            else
                feed_stdin(m, buf, (size_t)r);
        }
        if (p[P_IN].revents)
            feed_stdin(m, "", 0);
        if (p[P_CHAN].revents) {
            /* A held container was told to go: EOF means it exec'd. */
            int code = MC_EXIT_RUNNER;
            int kind = spawn_read(m->chan, &code);
            json_object *o;
            if (kind == SPAWN_ERROR)
                o = error_object(code);
            else
                o = json_tokener_parse("{\"ok\":true}");
            ct_clear_error();
            close_fd(&m->chan);
            if (kind != SPAWN_ERROR) {
                m->c->started_ns = mc_now_ns();
                health_started(m);
                set_status(m->c, ST_RUNNING);
                events_append(m->c, "start", NULL, NULL);
            }
            answer(m, CLIENT_START, o);
        }
        /* Clients from the end backwards: handling one may drop it. */
        for (int i = nclients - 1; i >= 0; i--) {
            short ev = p[P_CLIENTS + i].revents;
            if (!ev || i >= m->nclients)
                continue;
            if (ev & POLLIN)
                read_client(m, i);
            else /* POLLHUP, POLLERR: it went away */
                drop_client(m, i);
        }
        if (health_handle(&m->health, p + P_HEALTH) == 1)
            set_status(m->c, m->c->status); /* the probe's result */
        if (p[P_LISTEN].revents)
            accept_client(m);
        ports_handle(m->ports, p + ports_at, nports, m->netns, m->c);
        handle_deadlines(m);
    }
}

/* ---- the monitor's life ------------------------------------------------ */

/* Detached: nothing of the caller's may stay open here (a shell's $(...)
 * would wait for it), so stdin, stdout and stderr become /dev/null. */
static void
detach_stdio(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    for (int fd = 0; fd < 3 && null >= 0; fd++)
        dup2(null, fd);
    if (null > 2)
        close(null);
}

/* Everything the monitor made, undone. --rm: the container too. */
static void
clean_up(struct monitor *m)
{
    struct container *c = m->c;

    /* The network first, in the reverse order: ports, rules, lease. The
     * cable goes by itself: a veth pair is deleted with the namespace of
     * either end, and the container's namespace goes (in the background)
     * once its last process and our last fd and socket of it are gone.
     * Deleting it here would cost an RCU grace period (25 ms, measured)
     * on the way out of every `run --rm`. The rules' netlink socket is
     * closed last: closing one waits for the kernel to finish freeing what
     * was just deleted (another grace period), unless it has started by
     * then. */
    health_end(&m->health);
    ports_close(m->ports);
    m->ports = NULL;
    nat_unpublish(c, m->nft);
    close_fd(&m->netns);
    network_leave(c);
    if (m->term_raw)
        tty_restore(0);
    log_close(m->log);
    close_fd(&m->lfd);
    close_fd(&m->sfd); /* a build runs many monitors in one process */
    ctl_unlink(c->id);
    cgroups_destroy(c);
    userns_release(c); /* --userns auto: the range is free again */
    if (c->remove) {
        container_remove_anonymous(c);
        container_delete(c);
    } else
        state_write(c);
    close_fd(&m->nft);
}

int
monitor_run(struct container *c, int sync_fd, int lock_fd)
{
    static struct monitor mon;
    struct monitor *m = &mon;
    int code;

    (void)lock_fd; /* held open for our whole life: that is the point */
    *m = (struct monitor){.c = c,
                          .foreground = sync_fd < 0,
                          .sync_fd = sync_fd,
                          .sfd = -1,
                          .lfd = -1,
                          .out = -1,
                          .err = -1,
                          .in = -1,
                          .chan = -1,
                          .netns = -1,
                          .nft = -1,
                          .clients = slots,
                          .log = &log_writer,
                          .pending = pending_buf,
                          .health = {.c = c, .out = -1, .report = -1}};
    if (!m->foreground)
        detach_stdio();
    c->monitor_pid = getpid();
    /* Orphans in our tree come to us, not to the host's init. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (block_signals(m) == -1 || cgroups_create(c) == -1)
        goto failed;
    m->lfd = ctl_listen(c->id, ".sock");
    if (m->lfd == -1 || log_open(m->log, c) == -1)
        goto failed;
    /* The ports first: one in use fails the start before anything of the
     * network is taken. */
    if (c->net.nports && !(m->ports = ports_open(c)))
        goto failed;
    if (!c->no_etc_files && network_join(c) == -1)
        goto failed;
    if (spawn_once(m) == -1) {
        /* The child reported why; it exits with that code (125, 126 or
         * 127). Reap it, so that its code is the status. */
        int status = 0;
        code = MC_EXIT_RUNNER;
        while (c->pid > 0 && waitpid(c->pid, &status, 0) == -1 &&
               errno == EINTR)
            ;
        if (c->pid > 0 && WIFEXITED(status))
            code = WEXITSTATUS(status);
        c->pid = 0;
        goto failed_code;
    }
    if (!c->hold) {
        c->started_ns = mc_now_ns();
        health_started(m);
    }
    set_status(c, c->hold ? ST_CREATED : ST_RUNNING);
    if (!c->hold)
        events_append(c, "start", NULL, NULL);
    {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "pid", json_object_new_int(c->pid));
        tell_caller(m, o);
    }
    if (m->foreground && c->tty) {
        m->term_raw = tty_raw(0);
        m->stdin_open = true;
        tty_copy_size(0, m->in);
    }
    loop(m);
    code = c->exit_code;
    if (m->foreground && c->oom_killed)
        fprintf(stderr,
                "minictr: the container was killed by the kernel's OOM "
                "killer: it reached its --memory limit\n");
    clean_up(m);
    answer(m, CLIENT_REMOVED, exit_object(c));
    return code;

failed:
    code = MC_EXIT_RUNNER;
failed_code:
    snprintf(c->status, sizeof(c->status), "%s",
             code == MC_EXIT_RUNNER ? ST_CREATED : ST_EXITED);
    if (code != MC_EXIT_RUNNER) {
        c->exit_code = code;
        c->finished_ns = mc_now_ns();
    }
    tell_caller(m, error_object(code));
    clean_up(m); /* a failure here keeps the first error: ct_fail */
    return m->foreground ? (code == MC_EXIT_RUNNER ? -1 : code) : code;
}
