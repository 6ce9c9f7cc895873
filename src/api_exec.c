/*
 * api_exec.c: exec through the API — create (an id for what to run),
 * start (hijacked: the stream), inspect (its exit code), resize.
 *
 * An exec instance lives in this server's memory only (a table of the
 * last 256): a restarted server forgets them, as dockerd forgets its own
 * when it restarts. Start runs exec.c's exec_start in a child process of
 * its own (api_in_child), because joining a container means setns into
 * its pid namespace, which must not happen to one of our threads. That
 * child relays: the command's stdout and stderr, in Docker's 8-byte
 * frames (or the pty, raw, with a tty) to the client, and the client's
 * bytes to the command's stdin; then it reports the exit status, which
 * `docker exec` reads from GET /exec/ID/json and makes its own.
 * `docker exec -d` asks the container's monitor instead, as `minictr
 * exec -d` does: the command is the monitor's child and outlives us.
 *
 * Read: setns(2), pid_namespaces(7); exec.c.
 * Try:  sudo DOCKER_HOST=unix:///run/minictr/docker.sock docker exec -it web sh
 * See:  `ps` inside lists the container's processes; the shell is one
 *       more, in its pid namespace, cgroup and seccomp filter.
 */
#include "api.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_EXECS 256
#define HEAD_EARLY_MAX 16384 /* stdin sent before the 101, at most */

struct exec_entry {
    char id[MC_ID_LEN + 1], cid[MC_ID_LEN + 1];
    struct exec_opts o;
    bool attach_stdin, started, running;
    int exit_code;
    int master; /* our copy of its pty, for resize; -1 */
    int rows, cols;
};

static struct exec_entry execs[MAX_EXECS];
static int next_exec;
static pthread_mutex_t exec_lock = PTHREAD_MUTEX_INITIALIZER;

static void
free_opts(struct exec_opts *o)
{
    for (char **a = o->argv; a && *a; a++)
        free(*a);
    free(o->argv);
    for (int i = 0; i < o->nenv; i++)
        free(o->env[i]);
    free(o->workdir);
    free(o->user);
    memset(o, 0, sizeof(*o));
}

/* The entry of id, with exec_lock held; NULL (unlocked) if none. */
static struct exec_entry *
lookup(const char *id)
{
    pthread_mutex_lock(&exec_lock);
    for (int i = 0; i < MAX_EXECS; i++)
        if (execs[i].id[0] && !strcmp(execs[i].id, id))
            return &execs[i];
    pthread_mutex_unlock(&exec_lock);
    return NULL;
}

void
api_exec_create(struct http_req *r, char **args)
{
    struct container c;
    struct exec_opts o = {0};
    json_object *body, *v, *res;
    struct exec_entry *e;
    unsigned char raw[MC_ID_LEN / 2];
    char id[MC_ID_LEN + 1];
    bool stdin_ = false;

    if (api_find(r, args[0], &c) == -1)
        return;
    body = http_body_json(r);
    if (!body)
        goto out;
    if (!json_object_object_get_ex(body, "Cmd", &v) ||
        !json_object_is_type(v, json_type_array) ||
        json_object_array_length(v) == 0) {
        http_error(r, 400, "Cmd: give the command as a non-empty array");
        goto out_body;
    }
    o.argv = calloc(json_object_array_length(v) + 1, sizeof(char *));
    for (size_t i = 0; i < json_object_array_length(v); i++)
        o.argv[i] =
            strdup(json_object_get_string(json_object_array_get_idx(v, i)));
    if (json_object_object_get_ex(body, "Env", &v) &&
        json_object_is_type(v, json_type_array))
        for (size_t i = 0;
             i < json_object_array_length(v) && o.nenv < MC_MAX_ENV; i++) {
            const char *kv =
                json_object_get_string(json_object_array_get_idx(v, i));
            if (!strchr(kv, '=') || kv[0] == '=') {
                http_error(r, 400, "Env[%zu]: give KEY=VALUE, not '%s'", i, kv);
                free_opts(&o);
                goto out_body;
            }
            o.env[o.nenv++] = strdup(kv);
        }
    if (json_object_object_get_ex(body, "Tty", &v))
        o.tty = json_object_get_boolean(v);
    if (json_object_object_get_ex(body, "AttachStdin", &v))
        stdin_ = json_object_get_boolean(v);
    o.interactive = stdin_;
    if (json_object_object_get_ex(body, "WorkingDir", &v) &&
        *json_object_get_string(v))
        o.workdir = strdup(json_object_get_string(v));
    if (json_object_object_get_ex(body, "User", &v) &&
        *json_object_get_string(v))
        o.user = strdup(json_object_get_string(v));
    if (json_object_object_get_ex(body, "Privileged", &v) &&
        json_object_get_boolean(v)) {
        http_error(r, 400, "Privileged: minictr has no privileged exec");
        free_opts(&o);
        goto out_body;
    }
    if (strcmp(container_real_status(&c), ST_RUNNING)) {
        http_error(r, 409, "Container %s is not running", c.id);
        free_opts(&o);
        goto out_body;
    }
    if (getrandom(raw, sizeof(raw), 0) != sizeof(raw)) {
        http_error(r, 500, "getrandom failed");
        free_opts(&o);
        goto out_body;
    }
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(id + 2 * i, 3, "%02x", raw[i]);
    pthread_mutex_lock(&exec_lock);
    /* The oldest that does not run gives its place. */
    for (int tries = 0; tries < MAX_EXECS && execs[next_exec].running; tries++)
        next_exec = (next_exec + 1) % MAX_EXECS;
    e = &execs[next_exec];
    next_exec = (next_exec + 1) % MAX_EXECS;
    free_opts(&e->o);
    if (e->master >= 0 && e->id[0])
        close(e->master);
    *e = (struct exec_entry){.o = o, .attach_stdin = stdin_, .master = -1};
    snprintf(e->id, sizeof(e->id), "%s", id);
    snprintf(e->cid, sizeof(e->cid), "%s", c.id);
    if (json_object_object_get_ex(body, "ConsoleSize", &v) &&
        json_object_is_type(v, json_type_array) &&
        json_object_array_length(v) == 2) {
        e->rows = json_object_get_int(json_object_array_get_idx(v, 0));
        e->cols = json_object_get_int(json_object_array_get_idx(v, 1));
    }
    pthread_mutex_unlock(&exec_lock);
    res = json_object_new_object();
    json_object_object_add(res, "Id", json_object_new_string(id));
    http_json(r, 201, res);
out_body:
    json_object_put(body);
out:
    state_free(&c);
}

/* ---- start: in a child process of our own ------------------------------ */

struct job {
    struct container c;
    struct exec_opts o;
    int client; /* the hijacked socket */
    bool input;
    int rows, cols;
    struct exec_entry *e; /* for the pty (parent side) */
    const char *early; /* stdin sent with the request, before the 101 */
    size_t nearly;
};

/* Write all of buf to a pipe or a pty (send(2) is for sockets). */
static int
write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
send_frame(int fd, int stream, const char *buf, size_t len)
{
    unsigned char head[8];

    ctl_frame_header(head, stream, len);
    return http_send_all(fd, head, 8) == -1 ? -1 : http_send_all(fd, buf, len);
}

/* Relay until the command's output ends; its exit status. */
static int
exec_relay(void *arg)
{
    struct job *j = arg;
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    int io[3] = {-1, -1, -1}, master = -1, status, fds[3], code;
    bool in_open = true;
    pid_t child;

    code = exec_check(&j->c, &j->o) == -1 ? MC_EXIT_RUNNER : 0;
    if (code == 0 && !j->o.tty) {
        if ((j->input && pipe2(in, O_CLOEXEC) == -1) ||
            pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1)
            return ct_fail_errno("pipe2");
        io[0] = in[0];
        io[1] = out[1];
        io[2] = err[1];
    }
    j->o.io = io;
    if (code == 0)
        code = exec_start(&j->c, &j->o, &child, &master);
    if (in[0] >= 0)
        close(in[0]);
    if (out[1] >= 0)
        close(out[1]);
    if (err[1] >= 0)
        close(err[1]);
    if (code != 0) {
        /* Said on the stream, as dockerd does; 126 or 127 the status. */
        char msg[1200];
        int n = snprintf(msg, sizeof(msg), "minictr: %s\n", ct_error_message());
        if (j->o.tty)
            http_send_all(j->client, msg, (size_t)n);
        else
            send_frame(j->client, STREAM_STDERR, msg, (size_t)n);
        ct_clear_error();
        return code;
    }
    if (master >= 0) {
        struct winsize ws = {.ws_row = (unsigned short)j->rows,
                             .ws_col = (unsigned short)j->cols};
        if (j->rows > 0 && j->cols > 0)
            ioctl(master, TIOCSWINSZ, &ws);
        api_child_send_fd(master);
    }
    fds[0] = master >= 0 ? master : out[0];
    fds[1] = master >= 0 ? -1 : err[0];
    fds[2] = master >= 0 ? master : in[1];
    if (j->input && j->nearly > 0 && fds[2] >= 0)
        write_all(fds[2], j->early, j->nearly);
    for (;;) {
        struct pollfd p[3] = {{fds[0], POLLIN, 0},
                              {fds[1], POLLIN, 0},
                              {j->client, in_open ? POLLIN : 0, 0}};
        char buf[32768];
        ssize_t n;

        if (fds[0] < 0 && fds[1] < 0)
            break;
        if (poll(p, 3, -1) == -1) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[2].revents & (POLLHUP | POLLERR))
            break; /* the client is gone: its command goes on alone */
        for (int s = 0; s < 2; s++) {
            if (!p[s].revents)
                continue;
            n = read(fds[s], buf, sizeof(buf));
            if (n <= 0) { /* EOF, or EIO: the pty's last user is gone */
                if (fds[s] != master)
                    close(fds[s]);
                fds[s] = -1;
                continue;
            }
            if ((master >= 0
                     ? http_send_all(j->client, buf, (size_t)n)
                     : send_frame(j->client, s ? STREAM_STDERR : STREAM_STDOUT,
                                  buf, (size_t)n)) == -1)
                fds[0] = fds[1] = -1;
        }
        if (p[2].revents & POLLIN) {
            n = read(j->client, buf, sizeof(buf));
            if (n <= 0 || !j->input || fds[2] < 0) {
                if (n <= 0) {
                    in_open = false;
                    if (fds[2] >= 0 && fds[2] != master)
                        close(fds[2]);
                    fds[2] = -1;
                }
            } else if (write_all(fds[2], buf, (size_t)n) == -1) {
                in_open = false;
            }
        }
    }
    while (waitpid(child, &status, 0) == -1 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void
got_master(void *arg, int fd)
{
    struct job *j = arg;

    pthread_mutex_lock(&exec_lock);
    if (j->e->master >= 0)
        close(j->e->master);
    j->e->master = fd;
    pthread_mutex_unlock(&exec_lock);
}

/* The job, as the JSON that goes to the child on its command line. */
static char *
job_json(const struct exec_entry *e, const struct job *j)
{
    json_object *o = json_object_new_object(), *a = json_object_new_array();
    json_object *env = json_object_new_array();
    char *hex = malloc(j->nearly * 2 + 1), *out;

    for (char **p = e->o.argv; p && *p; p++)
        json_object_array_add(a, json_object_new_string(*p));
    for (int i = 0; i < e->o.nenv; i++)
        json_object_array_add(env, json_object_new_string(e->o.env[i]));
    for (size_t i = 0; hex && i < j->nearly; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)j->early[i]);
    if (hex)
        hex[2 * j->nearly] = '\0';
    json_object_object_add(o, "id", json_object_new_string(e->cid));
    json_object_object_add(o, "argv", a);
    json_object_object_add(o, "env", env);
    json_object_object_add(
        o, "workdir", json_object_new_string(e->o.workdir ? e->o.workdir : ""));
    json_object_object_add(o, "user",
                           json_object_new_string(e->o.user ? e->o.user : ""));
    json_object_object_add(o, "tty", json_object_new_boolean(e->o.tty));
    json_object_object_add(o, "input", json_object_new_boolean(j->input));
    json_object_object_add(o, "rows", json_object_new_int(j->rows));
    json_object_object_add(o, "cols", json_object_new_int(j->cols));
    json_object_object_add(o, "early", json_object_new_string(hex ? hex : ""));
    out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    free(hex);
    return out;
}

int
api_exec_child(const char *text, int client)
{
    json_object *o = json_tokener_parse(text), *v;
    static struct job j;
    static char early[HEAD_EARLY_MAX];
    size_t n;

    if (!o)
        return ct_fail("exec: a job that is not JSON");
    j.client = client;
#define GET(key) (json_object_object_get_ex(o, key, &v) ? v : NULL)
    if (!GET("id") || container_find(json_object_get_string(v), &j.c) == -1) {
        json_object_put(o);
        return -1;
    }
    if ((v = GET("argv"))) {
        n = json_object_array_length(v);
        j.o.argv = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; i < n; i++)
            j.o.argv[i] =
                strdup(json_object_get_string(json_object_array_get_idx(v, i)));
    }
    if ((v = GET("env")))
        for (size_t i = 0; i < json_object_array_length(v) && i < MC_MAX_ENV;
             i++)
            j.o.env[j.o.nenv++] =
                strdup(json_object_get_string(json_object_array_get_idx(v, i)));
    if ((v = GET("workdir")) && *json_object_get_string(v))
        j.o.workdir = strdup(json_object_get_string(v));
    if ((v = GET("user")) && *json_object_get_string(v))
        j.o.user = strdup(json_object_get_string(v));
    j.o.tty = (v = GET("tty")) && json_object_get_boolean(v);
    j.input = (v = GET("input")) && json_object_get_boolean(v);
    j.o.interactive = j.input;
    j.rows = (v = GET("rows")) ? json_object_get_int(v) : 0;
    j.cols = (v = GET("cols")) ? json_object_get_int(v) : 0;
    if ((v = GET("early"))) {
        const char *hex = json_object_get_string(v);
        for (n = 0; hex[2 * n] && hex[2 * n + 1] && n < sizeof(early); n++) {
            unsigned x;
            sscanf(hex + 2 * n, "%2x", &x);
            early[n] = (char)x;
        }
        j.early = early;
        j.nearly = n;
    }
#undef GET
    json_object_put(o);
    if (!j.o.argv || !j.o.argv[0])
        return ct_fail("exec: no command");
    return exec_relay(&j);
}

void
api_exec_start(struct http_req *r, char **args)
{
    struct exec_entry *e;
    struct job *j = calloc(1, sizeof(*j));
    json_object *body = http_body_json(r), *v;
    bool detach = false;
    int rc;

    if (!body || !j)
        goto out;
    if (json_object_object_get_ex(body, "Detach", &v))
        detach = json_object_get_boolean(v);
    e = lookup(args[0]);
    if (!e) {
        http_error(r, 404, "No such exec instance: %s", args[0]);
        goto out;
    }
    if (e->started) {
        pthread_mutex_unlock(&exec_lock);
        http_error(r, 409, "exec %s has been started already", args[0]);
        goto out;
    }
    e->started = e->running = true;
    j->o = e->o; /* the entry keeps the strings; the child gets a copy */
    j->input = e->attach_stdin;
    j->rows = e->rows;
    j->cols = e->cols;
    j->e = e;
    pthread_mutex_unlock(&exec_lock);
    if (container_find(e->cid, &j->c) == -1) {
        http_fail(r);
        goto done;
    }
    if (detach) {
        /* The monitor's child, as `minictr exec -d` (exec.c): it outlives
         * this server, and the monitor reaps it. */
        j->o.tty = false;
        rc = exec_check(&j->c, &j->o) == -1 ? -1 : exec_detached(&j->c, &j->o);
        if (rc == -1)
            http_fail(r);
        else
            http_respond(r, 200, NULL, "", 0);
    } else {
        j->client =
            http_hijack(r,
                        j->o.tty ? "application/vnd.docker.raw-stream"
                                 : "application/vnd.docker.multiplexed-stream");
        char *job;
        j->early = r->buf + r->off;
        j->nearly = r->have - r->off;
        if (j->nearly > HEAD_EARLY_MAX)
            j->nearly = HEAD_EARLY_MAX;
        job = job_json(e, j);
        rc = api_in_child("exec", job, j->client, got_master, j);
        free(job);
        ct_clear_error();
        /* The exit status first, then the end of the stream: the CLI asks
         * for the status as soon as the stream ends. */
        pthread_mutex_lock(&exec_lock);
        e->exit_code = rc < 0 ? MC_EXIT_RUNNER : rc;
        e->running = false;
        pthread_mutex_unlock(&exec_lock);
        shutdown(j->client, SHUT_WR);
    }
    state_free(&j->c);
done:
    pthread_mutex_lock(&exec_lock);
    e->running = false;
    if (e->master >= 0)
        close(e->master);
    e->master = -1;
    pthread_mutex_unlock(&exec_lock);
out:
    json_object_put(body);
    free(j);
}

void
api_exec_inspect(struct http_req *r, char **args)
{
    struct exec_entry *e = lookup(args[0]);
    json_object *o, *pc, *a;

    if (!e) {
        http_error(r, 404, "No such exec instance: %s", args[0]);
        return;
    }
    o = json_object_new_object();
    pc = json_object_new_object();
    a = json_object_new_array();
    for (char **p = e->o.argv + 1; *e->o.argv && *p; p++)
        json_object_array_add(a, json_object_new_string(*p));
    json_object_object_add(o, "ID", json_object_new_string(e->id));
    json_object_object_add(o, "ContainerID", json_object_new_string(e->cid));
    json_object_object_add(o, "Running", json_object_new_boolean(e->running));
    json_object_object_add(
        o, "ExitCode",
        e->running || !e->started ? NULL : json_object_new_int(e->exit_code));
    json_object_object_add(o, "OpenStdin",
                           json_object_new_boolean(e->attach_stdin));
    json_object_object_add(o, "OpenStdout", json_object_new_boolean(true));
    json_object_object_add(o, "OpenStderr", json_object_new_boolean(true));
    json_object_object_add(pc, "tty", json_object_new_boolean(e->o.tty));
    json_object_object_add(pc, "entrypoint",
                           json_object_new_string(e->o.argv[0]));
    json_object_object_add(pc, "arguments", a);
    json_object_object_add(o, "ProcessConfig", pc);
    pthread_mutex_unlock(&exec_lock);
    http_json(r, 200, o);
}

void
api_exec_resize(struct http_req *r, char **args)
{
    struct exec_entry *e = lookup(args[0]);
    char h[16] = "0", w[16] = "0";

    if (!e) {
        http_error(r, 404, "No such exec instance: %s", args[0]);
        return;
    }
    http_query(r, "h", h, sizeof(h));
    http_query(r, "w", w, sizeof(w));
    e->rows = atoi(h);
    e->cols = atoi(w);
    if (e->master >= 0) {
        struct winsize ws = {.ws_row = (unsigned short)e->rows,
                             .ws_col = (unsigned short)e->cols};
        ioctl(e->master, TIOCSWINSZ, &ws);
    }
    pthread_mutex_unlock(&exec_lock);
    http_respond(r, 200, NULL, "", 0);
}
