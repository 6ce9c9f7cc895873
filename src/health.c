/*
 * health.c: health checks, as Docker's (daemon/health.go): a probe run in
 * the container every interval, and what its exit code says.
 *
 *   minictr run -d --health-cmd 'test -e /tmp/ready' --health-interval 1s \
 *       --health-retries 3 busybox sh -c 'sleep 5; touch /tmp/ready; sleep 1d'
 *   minictr ps                          Up 3 seconds (health: starting)
 *   minictr inspect -f '{{.State.Health.Status}}' NAME
 *
 * The rules (Docker's, word for word where a course quotes them):
 *   - a container with a check starts as "starting"; the first probe runs
 *     one interval after the start, the next one an interval after the
 *     last one ended;
 *   - exit 0 is a pass: the streak of failures goes back to 0 and the
 *     status is "healthy";
 *   - any other exit is a failure, and so is a probe that passes its
 *     timeout (it is killed; exit -1). While the container is "starting"
 *     and within its start period, failures do not count; otherwise the
 *     streak grows, and once FailingStreak >= retries it is "unhealthy";
 *   - the last 5 results are kept, each with at most 4 KiB of output.
 *
 * Who runs the probes: the monitor that holds the container, in its one
 * poll loop (STYLE-wave2 rule 1). A probe is a child of the monitor's that
 * joins the running container as `exec` does (exec.c, exec_probe); its
 * output and its report (the command's pid, then its exit code) are pipes
 * in the poll set, its timeout and the next probe are deadlines in the
 * poll timeout. Nothing here sleeps or waits: health_run only says which
 * fds to watch and when to come back.
 *
 * The state goes into the container's record (state.c): "healthcheck",
 * what was asked, and "health", what the probes said, which `ps` shows
 * as "(healthy)" and `compose up` waits on.
 *
 * Read: Docker's HEALTHCHECK reference; poll(2); waitpid(2).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Docker's defaults. */
#define DEFAULT_INTERVAL_MS 30000
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_RETRIES 3

/* ---- what was asked: flags and durations ------------------------------- */

int
health_parse_duration(const char *s, int64_t *ms)
{
    double seconds;

    if (mc_parse_duration(s, &seconds) == -1 || seconds > 1e9)
        return -1;
    *ms = (int64_t)(seconds * 1000 + 0.5);
    return 0;
}

/* A new test, as ["CMD-SHELL", line] or ["CMD", args...]. */
int
health_set_test(struct health_config *h, char *const *words, int n)
{
    if (n == 0 || (!strcmp(words[0], "CMD-SHELL") && n != 2) ||
        (!strcmp(words[0], "CMD") && n < 2))
        return mc_usage_error("%s",
                              "a health check's test is [\"CMD\", "
                              "ARG...] or [\"CMD-SHELL\", LINE]");
    if (strcmp(words[0], "CMD") && strcmp(words[0], "CMD-SHELL") &&
        strcmp(words[0], "NONE"))
        return mc_usage_error("a health check's test starts with CMD, "
                              "CMD-SHELL or NONE, not '%s'",
                              words[0]);
    if (!strcmp(words[0], "NONE")) { /* as --no-healthcheck */
        h->test = NULL;
        return 0;
    }
    h->test = calloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++)
        h->test[i] = strdup(words[i]);
    return 0;
}

void
health_flags_usage(FILE *out)
{
    fputs("  --health-cmd CMD       a health check, run with /bin/sh -c\n"
          "  --health-interval D    between probes (30s)\n"
          "  --health-timeout D     a probe longer than this fails (30s)\n"
          "  --health-retries N     failures in a row that make it\n"
          "                         unhealthy (3)\n"
          "  --health-start-period D  failures in this time after the "
          "start\n"
          "                         do not count (0s)\n"
          "  --no-healthcheck       no health check\n",
          out);
}

int
health_flag(struct container *c, int flag, const char *arg)
{
    struct health_config *h = &c->healthcheck;
    int64_t *durations[] = {&h->interval_ms, &h->timeout_ms,
                            &h->start_period_ms};
    static const char *const names[] = {"--health-interval", "--health-timeout",
                                        "--health-start-period"};
    uint64_t n;

    switch (flag) {
    case HEALTHF_CMD: {
        char *words[2] = {"CMD-SHELL", (char *)arg};
        if (!*arg)
            return mc_usage_error("%s", "--health-cmd needs a command");
        return health_set_test(h, words, 2);
    }
    case HEALTHF_NONE: h->test = NULL; return 0;
    case HEALTHF_RETRIES:
        if (ct_parse_u64(arg, &n) == -1 || n == 0 || n > 1000000)
            return mc_usage_error("bad --health-retries '%s': give a whole "
                                  "number above 0",
                                  arg);
        h->retries = (int)n;
        return 0;
    default: {
        int i = flag == HEALTHF_INTERVAL ? 0 : flag == HEALTHF_TIMEOUT ? 1 : 2;
        if (health_parse_duration(arg, durations[i]) == -1 ||
            (i < 2 && *durations[i] < 1))
            return mc_usage_error("bad %s '%s': give a duration such as "
                                  "30s, 500ms or 1m30s%s",
                                  names[i], arg,
                                  i < 2 ? " (at least 1ms)" : "");
        return 0;
    }
    }
}

/* The command a probe runs: CMD's arguments, or /bin/sh -c LINE. */
char **
health_argv(const struct health_config *h)
{
    static char *shell[4] = {"/bin/sh", "-c", NULL, NULL};

    if (!h->test)
        return NULL;
    if (!strcmp(h->test[0], "CMD-SHELL")) {
        shell[2] = h->test[1];
        return shell;
    }
    return h->test + 1;
}

static int64_t
interval(const struct health_config *h)
{
    return h->interval_ms ? h->interval_ms : DEFAULT_INTERVAL_MS;
}

static int64_t
timeout(const struct health_config *h)
{
    return h->timeout_ms ? h->timeout_ms : DEFAULT_TIMEOUT_MS;
}

/* ---- the record -------------------------------------------------------- */

void
health_to_json(json_object *o, const struct container *c)
{
    const struct health_config *h = &c->healthcheck;
    const struct health_state *s = &c->health;
    json_object *cfg = NULL, *st = json_object_new_object(),
                *log = json_object_new_array();

    if (h->test) {
        json_object *test = json_object_new_array();
        for (char **w = h->test; *w; w++)
            json_object_array_add(test, json_object_new_string(*w));
        cfg = json_object_new_object();
        json_object_object_add(cfg, "test", test);
        json_object_object_add(cfg, "interval_ms",
                               json_object_new_int64(h->interval_ms));
        json_object_object_add(cfg, "timeout_ms",
                               json_object_new_int64(h->timeout_ms));
        json_object_object_add(cfg, "start_period_ms",
                               json_object_new_int64(h->start_period_ms));
        json_object_object_add(cfg, "retries", json_object_new_int(h->retries));
    }
    json_object_object_add(o, "healthcheck", cfg);
    json_object_object_add(st, "status", json_object_new_string(s->status));
    json_object_object_add(st, "failing_streak",
                           json_object_new_int(s->failing_streak));
    for (int i = 0; i < s->nlog; i++) {
        const struct health_result *r = &s->log[i];
        json_object *e = json_object_new_object();
        char t[64];
        mc_format_time(r->start_ns, t, sizeof(t));
        json_object_object_add(e, "start", json_object_new_string(t));
        mc_format_time(r->end_ns, t, sizeof(t));
        json_object_object_add(e, "end", json_object_new_string(t));
        json_object_object_add(e, "exit_code",
                               json_object_new_int(r->exit_code));
        json_object_object_add(e, "output", json_object_new_string(r->output));
        json_object_array_add(log, e);
    }
    json_object_object_add(st, "log", log);
    json_object_object_add(o, "health", st);
}

static json_object *
get(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

void
health_from_json(json_object *o, struct container *c)
{
    json_object *cfg = get(o, "healthcheck"), *st = get(o, "health"), *a;

    a = get(cfg, "test");
    if (a && json_object_is_type(a, json_type_array) &&
        json_object_array_length(a) > 0) {
        size_t n = json_object_array_length(a);
        c->healthcheck.test = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; i < n; i++)
            c->healthcheck.test[i] =
                strdup(json_object_get_string(json_object_array_get_idx(a, i)));
        c->healthcheck.interval_ms =
            json_object_get_int64(get(cfg, "interval_ms"));
        c->healthcheck.timeout_ms =
            json_object_get_int64(get(cfg, "timeout_ms"));
        c->healthcheck.start_period_ms =
            json_object_get_int64(get(cfg, "start_period_ms"));
        c->healthcheck.retries = json_object_get_int(get(cfg, "retries"));
    }
    if (!st)
        return;
    snprintf(c->health.status, sizeof(c->health.status), "%s",
             json_object_get_string(get(st, "status")) ?: "");
    c->health.failing_streak = json_object_get_int(get(st, "failing_streak"));
    a = get(st, "log");
    for (size_t i = 0; a && i < json_object_array_length(a) &&
         c->health.nlog < HEALTH_LOG_MAX;
         i++) {
        json_object *e = json_object_array_get_idx(a, i);
        struct health_result *r = &c->health.log[c->health.nlog++];
        r->start_ns = mc_parse_time(json_object_get_string(get(e, "start")));
        r->end_ns = mc_parse_time(json_object_get_string(get(e, "end")));
        r->exit_code = json_object_get_int(get(e, "exit_code"));
        snprintf(r->output, sizeof(r->output), "%s",
                 json_object_get_string(get(e, "output")) ?: "");
    }
}

void
health_free(struct health_config *h)
{
    for (char **w = h->test; w && *w; w++)
        free(*w);
    free(h->test);
    h->test = NULL;
}

/* ---- the probes -------------------------------------------------------- */

static void
close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The command is a session leader (setsid before exec, as exec's are):
 * its whole process group goes, a shell's children too; then its waiter,
 * which monitor_reap reaps. */
static void
kill_probe(struct health_run *h)
{
    if (h->target > 0)
        kill(-h->target, SIGKILL);
    kill(h->pid, SIGKILL);
}

void
health_begin(struct health_run *h, int64_t started_ns)
{
    struct container *c = h->c;

    health_end(h);
    if (!c->healthcheck.test) {
        c->health.status[0] = '\0';
        return;
    }
    snprintf(c->health.status, sizeof(c->health.status), "%s", HEALTH_STARTING);
    c->health.failing_streak = 0;
    h->started_ns = started_ns;
    h->next_ms = mc_monotonic_ms() + interval(&c->healthcheck);
}

void
health_end(struct health_run *h)
{
    if (h->pid > 0)
        kill_probe(h);
    h->pid = h->target = 0;
    close_fd(&h->out);
    close_fd(&h->report);
    h->next_ms = h->kill_ms = 0;
}

/* The probe: a child of ours that joins the container as `exec` does and
 * waits for the command (exec.c, exec_probe); it tells the command's pid
 * on `report`, so that a timeout kills the command and not only its
 * waiter, and then its exit code. It dies with us. */
static void
start_probe(struct health_run *h)
{
    int outp[2], rep[2];

    h->next_ms = 0;
    if (pipe2(outp, O_CLOEXEC) == -1)
        return;
    if (pipe2(rep, O_CLOEXEC) == -1) {
        close(outp[0]);
        close(outp[1]);
        return;
    }
    h->len = h->nrep = 0;
    h->code = -1;
    h->timed_out = false;
    h->start_ns = mc_now_ns();
    h->target = 0;
    fflush(NULL);
    h->pid = fork();
    if (h->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(outp[0]);
        close(rep[0]);
        _exit((h->probe ? h->probe : exec_probe)(
            h->c, health_argv(&h->c->healthcheck), outp[1], rep[1]));
    }
    close(outp[1]);
    close(rep[1]);
    h->out = outp[0];
    h->report = rep[0];
    fcntl(h->out, F_SETFL, O_NONBLOCK);
    fcntl(h->report, F_SETFL, O_NONBLOCK);
    if (h->pid <= 0) { /* could not even fork: a failure, try again later */
        h->pid = 0;
        close_fd(&h->out);
        close_fd(&h->report);
        h->next_ms = mc_monotonic_ms() + interval(&h->c->healthcheck);
        return;
    }
    h->kill_ms = mc_monotonic_ms() + timeout(&h->c->healthcheck);
}

int
health_poll_fds(struct health_run *h, struct pollfd *p)
{
    p[0] = (struct pollfd){h->out, POLLIN, 0};
    p[1] = (struct pollfd){h->report, POLLIN, 0};
    return 2;
}

static void
read_output(struct health_run *h)
{
    char buf[4096];
    ssize_t n;

    while (h->out >= 0 && (n = read(h->out, buf, sizeof(buf))) != 0) {
        size_t room = HEALTH_OUTPUT_MAX - h->len;
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                close_fd(&h->out);
            return;
        }
        /* Docker keeps 4 KiB of each probe's output: the rest is read
         * and dropped, so that a chatty probe never blocks. */
        memcpy(h->buf + h->len, buf, (size_t)n < room ? (size_t)n : room);
        h->len += (size_t)n < room ? (size_t)n : room;
    }
    close_fd(&h->out);
}

/* The report: "PID\n" (the command runs), then "exit CODE\n". True at
 * its end of file: the waiter has exited (or was killed). */
static bool
read_report(struct health_run *h)
{
    ssize_t n;

    while ((n = read(h->report, h->rep + h->nrep,
                     sizeof(h->rep) - 1 - h->nrep)) > 0) {
        char *code;
        h->nrep += (size_t)n;
        h->rep[h->nrep] = '\0';
        if (!h->target && strchr(h->rep, '\n') && h->rep[0] != 'e')
            h->target = (pid_t)atoi(h->rep);
        if ((code = strstr(h->rep, "exit ")) != NULL && strchr(code, '\n'))
            h->code = atoi(code + 5);
        if (h->nrep == sizeof(h->rep) - 1)
            h->nrep = 0; /* cannot happen: two short lines */
    }
    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return false;
    close_fd(&h->report);
    return true;
}

int
health_report(int report, pid_t child, int code)
{
    int st = 0;
    pid_t got;

    if (child > 0) {
        dprintf(report, "%d\n", (int)child);
        while ((got = waitpid(child, &st, 0)) == -1 && errno == EINTR)
            ;
        code = got != child ? MC_EXIT_RUNNER
            : WIFEXITED(st) ? WEXITSTATUS(st)
                            : 128 + WTERMSIG(st);
    }
    /* The monitor reaps every child it has: the code goes by the pipe. */
    dprintf(report, "exit %d\n", code);
    return code;
}

/* One result, by Docker's rules. */
static void
record(struct health_run *h, int exit_code)
{
    struct container *c = h->c;
    struct health_state *s = &c->health;
    struct health_result *r;

    if (s->nlog == HEALTH_LOG_MAX) {
        memmove(&s->log[0], &s->log[1],
                sizeof(s->log[0]) * (HEALTH_LOG_MAX - 1));
        s->nlog--;
    }
    r = &s->log[s->nlog++];
    r->start_ns = h->start_ns;
    r->end_ns = mc_now_ns();
    r->exit_code = exit_code;
    if (h->timed_out)
        snprintf(r->output, sizeof(r->output),
                 "Health check exceeded timeout (%lldms)",
                 (long long)timeout(&c->healthcheck));
    else
        snprintf(r->output, sizeof(r->output), "%.*s", (int)h->len, h->buf);
    /* LAB compose.3: what one result does to the status and the streak */
    if (exit_code == 0) {
        s->failing_streak = 0;
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_HEALTHY);
    } else if (!strcmp(s->status, HEALTH_STARTING) &&
               (h->start_ns - h->started_ns) / 1000000 <
                   c->healthcheck.start_period_ms) {
        /* starting, within the start period: it does not count */
    } else if (++s->failing_streak >= (c->healthcheck.retries
                                           ? c->healthcheck.retries
                                           : DEFAULT_RETRIES)) {
        snprintf(s->status, sizeof(s->status), "%s", HEALTH_UNHEALTHY);
    }
    /* END LAB */
}

int
health_handle(struct health_run *h, const struct pollfd *p)
{
    if (p[0].revents)
        read_output(h);
    if (!p[1].revents || h->pid <= 0 || !read_report(h))
        return 0;
    /* The probe is over. What is still in the output pipe is read; a
     * process the command left behind may hold it open: we stop there. */
    read_output(h);
    close_fd(&h->out);
    h->pid = h->target = 0;
    h->kill_ms = 0;
    record(h, h->timed_out ? -1 : h->code);
    h->next_ms = mc_monotonic_ms() + interval(&h->c->healthcheck);
    return 1;
}

int64_t
health_deadline(const struct health_run *h)
{
    return h->pid > 0 ? h->kill_ms : h->next_ms;
}

void
health_timer(struct health_run *h)
{
    int64_t now = mc_monotonic_ms();

    if (h->pid > 0 && h->kill_ms && now >= h->kill_ms && !h->timed_out) {
        /* Past its timeout: a failure. Kill the command and its waiter;
         * the report's end of file then records the result. */
        h->timed_out = true;
        kill_probe(h);
        h->kill_ms = 0;
    } else if (h->pid == 0 && h->next_ms && now >= h->next_ms) {
        start_probe(h);
    }
}
