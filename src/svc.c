/*
 * svc.c: a pod's service manager — PID 1 of a Compose file run as one
 * container (`x-minictr: {pod: true}`), the way StartOS runs an app.
 *
 * A pod is one container: one set of namespaces (one IP, one pid
 * namespace, one hostname), one cgroup for the app. Inside it each
 * service still has its own image and its own root: this file is what
 * makes that so. It runs twice in the pod's first process:
 *
 *   svc_prepare, before the pod pivots (the host's paths can still be
 *   reached): read DIR/pod.json (what compose wrote: each service as
 *   `run` would make it, and its depends_on), mount an overlay of each
 *   service's image at /services/NAME inside the pod's root with its
 *   volumes in it, make a child cgroup per service (with its own limits)
 *   in each of the pod's cgroups, open the services' log directory, and
 *   bind the control socket ID.rpc.sock in the host's state directory.
 *
 *   svc_main, as PID 1 (after the pod's own /proc, /dev, /sys and its
 *   pivot): start each service once its dependencies' conditions hold,
 *   in a child that joins the service's cgroups, takes a mount namespace
 *   of its own, binds the pod's /proc, /dev, /sys and /run into the
 *   service's root, pivots into it, drops its privileges as a container's
 *   PID 1 does and execs the command. Then one loop: reap children (as
 *   every PID 1 must), restart services by their policy with a back-off,
 *   run their health checks (health.c's, with a probe of ours), copy
 *   each service's output from its pipe to DIR/services/NAME.log,
 *   rotated by size as a container's log (logs.c's rotation: NAME.log.1,
 *   .2 ..., 10m and 3 files unless its record says otherwise), answer
 *   the control socket, and on SIGTERM stop every service, the last
 *   started first.
 *
 * The control socket speaks JSON-RPC 2.0, one request per line, as
 * StartOS's host API: `list`, `start`, `stop`, `restart` and `logs`
 * (params {"service": NAME}; logs also {"offset", "file"}: where the last
 * answer said to go on, a file named by its inode so that a reader
 * follows it across a rotation). `minictr compose ps/logs/restart` use it.
 *
 * What is shared: the namespaces but mount, so every service sees every
 * process (/proc is the pod's), talks to the others on localhost, and
 * /dev and /run are one; named volumes are one directory bound into each
 * service that names it. What is not: each service's files (its image
 * and its upper directory) and its cgroup, so a service that outgrows its
 * memory limit is killed alone.
 *
 * Read: StartOS's "Service Manager" (start-os, container-runtime);
 *       cgroups(7) "no internal processes"; pivot_root(2); the JSON-RPC
 *       2.0 specification (errors -32700, -32600, -32601, -32602).
 * Try:  cd examples/pod && sudo minictr compose up -d --wait &&
 *       sudo minictr compose ps && sudo minictr compose down
 */
#include "compose.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SVC_MAX_CLIENTS 8
#define SVC_LOG_CHUNK 16384 /* escaped, at most 6x that in JSON */
#define SVC_STOP_MS 10000 /* SIGKILL after, as docker stop's default */
#define SVC_BACKOFF_MIN_MS 100
#define SVC_BACKOFF_MAX_MS 10000
#define SVC_BACKOFF_RESET_MS 10000 /* up this long: the next is quick */

enum svc_state {
    SVC_WAITING, /* for its dependencies */
    SVC_RUNNING,
    SVC_STOPPING, /* SIGTERM sent */
    SVC_BACKOFF, /* exited; starts again at restart_ms */
    SVC_EXITED, /* exited, no restart */
    SVC_STOPPED, /* stopped by a request */
};
static const char *const state_names[] = {
    "waiting", "running", "stopping", "restarting", "exited", "stopped",
};

struct svc {
    char name[64];
    struct container c; /* the service, as `run` would make it */
    struct compose_dep deps[COMPOSE_MAX_DEPS];
    int ndeps;
    int cgroups[MC_MAX_CGROUPS]; /* its cgroups (fds), one per pod's */
    int ncgroups;
    enum svc_state state;
    pid_t pid; /* as the pod's pid namespace sees it */
    int exit_code, restarts;
    int64_t started_ns, finished_ns;
    int64_t restart_ms, backoff_ms, kill_ms; /* monotonic */
    bool restart_after_stop;
    bool waiting_said; /* "waits for" is said once */
    struct health_run health;
    int out; /* the read end of its stdout and stderr, or -1 */
    int log; /* DIR/services/NAME.log, or -1 */
    uint64_t log_size;
};

struct client {
    int fd;
    char buf[8192];
    size_t len;
};

static struct svc svcs[COMPOSE_MAX_SERVICES];
static int nsvcs;
static struct container *pod;
static int log_dir = -1; /* DIR/services, opened before the pivot */
static int rpc_fd = -1;
static struct client clients[SVC_MAX_CLIENTS];
static bool shutting_down;

/* ---- before the pivot: svc_prepare ------------------------------------ */

/* DIR/pod.json: {"services": [{"name", "depends_on": [{"service",
 * "condition"}], "container": a record, as state.c writes one}]}. */
static int
read_spec(const char *dir)
{
    char path[4200];
    json_object *o, *list;

    snprintf(path, sizeof(path), "%s/pod.json", dir);
    o = json_object_from_file(path);
    if (!o || !json_object_object_get_ex(o, "services", &list) ||
        !json_object_is_type(list, json_type_array)) {
        if (o)
            json_object_put(o);
        mc_error_code("failed");
        return ct_fail("the pod's services '%s' cannot be read: %s", path,
                       json_util_get_last_err() ? json_util_get_last_err()
                                                : "no services list");
    }
    nsvcs = 0;
    for (size_t i = 0;
         i < json_object_array_length(list) && nsvcs < COMPOSE_MAX_SERVICES;
         i++) {
        json_object *e = json_object_array_get_idx(list, i), *v, *deps;
        struct svc *s = &svcs[nsvcs++];
        memset(s, 0, sizeof(*s));
        if (json_object_object_get_ex(e, "name", &v))
            snprintf(s->name, sizeof(s->name), "%s", json_object_get_string(v));
        container_init(&s->c);
        if (json_object_object_get_ex(e, "container", &v))
            state_from_json(v, &s->c);
        if (json_object_object_get_ex(e, "depends_on", &deps))
            for (size_t d = 0; d < json_object_array_length(deps) &&
                 s->ndeps < COMPOSE_MAX_DEPS;
                 d++) {
                json_object *dep = json_object_array_get_idx(deps, d), *x;
                struct compose_dep *cd = &s->deps[s->ndeps++];
                if (json_object_object_get_ex(dep, "service", &x))
                    cd->service = strdup(json_object_get_string(x));
                if (json_object_object_get_ex(dep, "condition", &x))
                    for (int k = 0; k < 3; k++)
                        if (!strcmp(json_object_get_string(x),
                                    compose_conditions[k]))
                            cd->condition = (enum dep_condition)k;
            }
    }
    json_object_put(o);
    return 0;
}

/* Every service name is localhost in a pod: one network namespace. */
static int
write_hosts(const char *path)
{
    FILE *f = fopen(path, "we");

    if (!f)
        return ct_fail_errno("write '%s'", path);
    fprintf(f, "127.0.0.1\tlocalhost");
    for (int i = 0; i < nsvcs; i++)
        fprintf(f, " %s", svcs[i].name);
    fprintf(f, " %s\n::1\tlocalhost ip6-localhost ip6-loopback\n",
            pod->hostname ? pod->hostname : "");
    return fclose(f) == 0 ? 0 : ct_fail_errno("write '%s'", path);
}

/* The service's root: an overlay of its image at MERGED/services/NAME,
 * its upper directory DIR/services/NAME/upper (kept across restarts of
 * the pod, as a container's is), its volumes and an /etc/hosts. */
static int
mount_service(struct svc *s, const char *merged, const char *hosts)
{
    char root[4200], upper[4300];
    int rootfd, rc;

    snprintf(s->c.dir, sizeof(s->c.dir), "%.3900s/services/%.60s", pod->dir,
             s->name);
    snprintf(upper, sizeof(upper), "%s/upper", s->c.dir);
    if (access(upper, F_OK) == -1 && overlay_prepare(&s->c) == -1)
        return -1;
    snprintf(root, sizeof(root), "%.4000s/services/%.60s", merged, s->name);
    if (ct_mkdir_p(root, 0755) == -1)
        return ct_fail_errno("mkdir '%s'", root);
    ct_trace(NULL, "mount -t overlay (the image of service %s) %s", s->name,
             root);
    if (overlay_mount_at(&s->c, root) == -1 ||
        rootfs_mount_volumes(&s->c, root) == -1)
        return -1;
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd == -1)
        return ct_fail_errno("open '%s'", root);
    rc = rootfs_bind(rootfd, hosts, "etc/hosts", true);
    close(rootfd);
    return rc;
}

/* A child cgroup per service in each of the pod's cgroups; on cgroup2
 * the manager moves to a leaf of its own first. */
static int
make_cgroups(void)
{
    for (int i = 0; i < pod->ncgroups; i++) {
        int fd = open(pod->cgroups[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd == -1)
            return ct_fail_errno("open the pod's cgroup '%s'", pod->cgroups[i]);
        if (cgroups_pod_manager(fd) == -1) {
            close(fd);
            return -1;
        }
        for (int k = 0; k < nsvcs; k++) {
            struct svc *s = &svcs[k];
            int cg = cgroups_child(fd, s->name, &s->c.limits);
            if (cg == -1) {
                close(fd);
                return -1;
            }
            s->cgroups[s->ncgroups++] = cg;
        }
        close(fd);
    }
    return 0;
}

int
svc_prepare(struct container *c)
{
    char merged[4200], logs[4200], hosts[4300];

    pod = c;
    if (read_spec(c->dir) == -1)
        return -1;
    snprintf(merged, sizeof(merged), "%s/merged", c->dir);
    snprintf(logs, sizeof(logs), "%s/services", c->dir);
    snprintf(hosts, sizeof(hosts), "%s/hosts", logs);
    if (ct_mkdir_p(logs, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", logs);
    log_dir = open(logs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (log_dir == -1)
        return ct_fail_errno("open '%s'", logs);
    if (write_hosts(hosts) == -1)
        return -1;
    for (int i = 0; i < nsvcs; i++)
        if (mount_service(&svcs[i], merged, hosts) == -1)
            return -1;
    if (make_cgroups() == -1)
        return -1;
    /* ID.rpc.sock beside the monitor's ID.sock, bound while the host's
     * state directory can still be reached */
    rpc_fd = ctl_listen(c->id, ".rpc.sock");
    return rpc_fd == -1 ? -1 : 0;
}

/* ---- a service's process ---------------------------------------------- */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The manager's own lines go to the pod's log (`minictr logs POD`). */
static void
say(const char *fmt, ...)
{
    va_list ap;

    printf("svc: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static int
join_cgroups(const struct svc *s)
{
    for (int i = 0; i < s->ncgroups; i++) {
        int fd = openat(s->cgroups[i], "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (fd == -1 || write(fd, "0", 1) != 1) {
            if (fd != -1)
                close(fd);
            return ct_fail_errno("join the cgroup of service '%s'", s->name);
        }
        close(fd);
    }
    return 0;
}

/* stdout and stderr: fd out; stdin: /dev/null; no channel to the
 * monitor (an error goes to out). */
static int
child_stdio(int out)
{
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

    spawn_close_channel();
    if (null == -1 || dup2(null, 0) == -1 || dup2(out, 1) == -1 ||
        dup2(out, 2) == -1)
        return ct_fail_errno("the stdio of a service");
    close(null);
    return 0;
}

/* The pod's /proc, /dev, /sys and /run into the service's root, then
 * pivot into it: a mount namespace of its own, so the pivot is its. */
static int
enter_root(const struct svc *s)
{
    static const char *const shared[] = {"proc", "dev", "sys", "run"};
    char root[128];
    int rootfd;

    snprintf(root, sizeof(root), "/services/%s", s->name);
    ct_trace("unshare --mount", "unshare(CLONE_NEWNS)");
    if (unshare(CLONE_NEWNS) == -1)
        return ct_fail_errno("unshare the mount namespace of '%s'", s->name);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make / private for '%s'", s->name);
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd == -1)
        return ct_fail_errno("open '%s'", root);
    for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
        char from[16];
        snprintf(from, sizeof(from), "/%s", shared[i]);
        if (rootfs_bind(rootfd, from, shared[i], false) == -1) {
            close(rootfd);
            return -1;
        }
    }
    close(rootfd);
    return rootfs_pivot(root);
}

static _Noreturn void
service_child(struct svc *s, int out)
{
    if (child_stdio(out) == -1 || join_cgroups(s) == -1 || enter_root(s) == -1)
        child_exit(MC_EXIT_RUNNER);
    /* its own session: a stop signals its whole process group */
    if (setsid() == -1) {
        ct_fail_errno("setsid for service '%s'", s->name);
        child_exit(MC_EXIT_RUNNER);
    }
    if (privileges_apply(&s->c) == -1)
        child_exit(MC_EXIT_RUNNER);
    exec_command(&s->c, s->c.argv);
}

/* NAME.log (k 0), or its rotated NAME.log.k, in DIR/services. */
static void
log_name(const struct svc *s, int k, char *buf, size_t size)
{
    if (k)
        snprintf(buf, size, "%s.log.%d", s->name, k);
    else
        snprintf(buf, size, "%s.log", s->name);
}

static void
append_log(struct svc *s, const char *buf, size_t len)
{
    if (len && s->log != -1 && write(s->log, buf, len) == (ssize_t)len)
        s->log_size += len;
}

/* What a service printed: one read of its pipe, appended to NAME.log.
 * Past its max-size (a container's default: 10m and 3 files, its
 * record's log_max_size and log_max_files) the file is rotated as a
 * container's log is (logs.c): NAME.log.1, .2, ... A read is never
 * larger than max-size; of one that does not fit, the whole lines that
 * do stay in the file, which is then rotated and takes the rest: no file
 * grows past max-size, and each begins with a line. Returns the bytes
 * read; 0 when the pipe ended (and is closed), -1 when it is empty. */
static ssize_t
drain_output(struct svc *s)
{
    static char buf[65536];
    uint64_t max = s->c.log.max_size;
    char name[80], *nl;
    size_t cut = 0;
    ssize_t n;

    n = read(s->out, buf, max && max < sizeof(buf) ? (size_t)max : sizeof(buf));
    if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
        close(s->out);
        s->out = -1;
        return 0;
    }
    if (n == -1)
        return -1;
    if (max && s->log_size + (uint64_t)n > max) {
        nl = max > s->log_size ? memrchr(buf, '\n', max - s->log_size) : NULL;
        cut = nl ? (size_t)(nl - buf) + 1 : 0;
        append_log(s, buf, cut);
        log_name(s, 0, name, sizeof(name));
        if (s->log != -1)
            close(s->log);
        s->log = log_rotate_at(log_dir, name, s->c.log.max_files);
        s->log_size = 0;
    }
    append_log(s, buf + cut, (size_t)n - cut);
    return n;
}

/* What is left in a service's pipe, then the pipe goes: when it is
 * restarted, or the pod ends. At most 1 MiB: a process it left behind
 * (`yes &`) may still be writing, and must not keep us here. */
static void
drain_rest(struct svc *s)
{
    for (int i = 0; i < 16 && s->out != -1 && drain_output(s) > 0; i++)
        ;
    if (s->out != -1)
        close(s->out);
    s->out = -1;
}

/* A pipe, not the file: the service writes into it and we copy it to
 * NAME.log, rotating as we go, so the file stays below max-size however
 * fast it prints (a full pipe blocks its writes until we read it). */
static int
open_output(struct svc *s, int pipefd[2])
{
    char name[80];
    struct stat st;

    if (s->log == -1) {
        log_name(s, 0, name, sizeof(name));
        s->log = openat(log_dir, name,
                        O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (s->log == -1)
            return -1;
        s->log_size = fstat(s->log, &st) == 0 ? (uint64_t)st.st_size : 0;
    }
    drain_rest(s); /* the last run's pipe */
    if (pipe2(pipefd, O_CLOEXEC) == -1)
        return -1;
    s->out = pipefd[0];
    fcntl(s->out, F_SETFL, O_NONBLOCK);
    return 0;
}

static void
start_service(struct svc *s)
{
    int out[2] = {-1, -1};

    fflush(NULL);
    s->pid = open_output(s, out) == -1 ? -1 : fork();
    if (s->pid == 0)
        service_child(s, out[1]);
    if (out[1] != -1)
        close(out[1]);
    if (s->pid == -1) {
        say("%s cannot start: %s", s->name, strerror(errno));
        s->pid = 0;
        s->state = SVC_EXITED;
        s->exit_code = MC_EXIT_RUNNER;
        return;
    }
    s->state = SVC_RUNNING;
    s->started_ns = mc_now_ns();
    s->waiting_said = false;
    health_begin(&s->health, s->started_ns);
    say("%s started (pid %d)", s->name, (int)s->pid);
}

/* ---- its health check: health.c's, with this probe -------------------- */

/* exec_probe's contract (health.c): the command's pid on report, then
 * "exit CODE". The command joins the service as `exec` would: its
 * cgroups, its mount namespace (setns makes the service's root ours),
 * its privileges. */
static int
svc_probe(struct container *c, char **argv, int out, int report)
{
    struct svc *s = (struct svc *)((char *)c - offsetof(struct svc, c));
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        char path[64];
        int ns;
        snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)s->pid);
        if (child_stdio(out) == -1 || join_cgroups(s) == -1)
            child_exit(MC_EXIT_RUNNER);
        ns = open(path, O_RDONLY | O_CLOEXEC);
        if (ns == -1 || setns(ns, CLONE_NEWNS) == -1) {
            ct_fail_errno("setns into the mount namespace of '%s'", s->name);
            child_exit(MC_EXIT_RUNNER);
        }
        close(ns);
        if (setsid() == -1 || privileges_apply(c) == -1)
            child_exit(MC_EXIT_RUNNER);
        exec_command(c, argv);
    }
    return health_report(report, pid, MC_EXIT_RUNNER);
}

/* ---- the order: dependencies, exits, restarts --------------------------- */

static struct svc *
find(const char *name)
{
    for (int i = 0; name && i < nsvcs; i++)
        if (!strcmp(svcs[i].name, name))
            return &svcs[i];
    return NULL;
}

static const char *
health_of(const struct svc *s)
{
    return s->c.healthcheck.test ? s->c.health.status : "";
}

/* Does dependency d hold? *why: what it waits for, when not. */
static bool
dep_met(const struct compose_dep *d, const char **why)
{
    const struct svc *t = find(d->service);

    *why = "is not running";
    if (!t)
        return false;
    switch (d->condition) {
    case DEP_STARTED: return t->state == SVC_RUNNING;
    case DEP_HEALTHY:
        *why = t->state != SVC_RUNNING                ? "is not running"
            : !strcmp(health_of(t), HEALTH_UNHEALTHY) ? "is unhealthy"
                                                      : "is not healthy yet";
        return t->state == SVC_RUNNING && !strcmp(health_of(t), HEALTH_HEALTHY);
    case DEP_COMPLETED:
        *why = t->state == SVC_EXITED ? "exited with an error"
                                      : "has not completed";
        return t->state == SVC_EXITED && t->exit_code == 0;
    }
    return false;
}

/* Start every waiting service whose dependencies hold. */
static void
start_ready(void)
{
    for (bool again = true; again && !shutting_down;) {
        again = false;
        for (int i = 0; i < nsvcs; i++) {
            struct svc *s = &svcs[i];
            const char *why = NULL;
            int d = 0;
            if (s->state != SVC_WAITING)
                continue;
            while (d < s->ndeps && dep_met(&s->deps[d], &why))
                d++;
            if (d < s->ndeps) {
                if (!s->waiting_said)
                    say("%s waits: %s %s", s->name, s->deps[d].service, why);
                s->waiting_said = true;
                continue;
            }
            start_service(s);
            again = true; /* a service_started dependant may go now */
        }
    }
}

/* Docker's back-off: 100 ms, doubled at each restart, back to 100 ms
 * when the service had run for 10 s; at most 10 s here. */
static void
schedule_restart(struct svc *s)
{
    int64_t ran_ms = (s->finished_ns - s->started_ns) / 1000000;

    if (ran_ms >= SVC_BACKOFF_RESET_MS || s->backoff_ms == 0)
        s->backoff_ms = SVC_BACKOFF_MIN_MS;
    else if ((s->backoff_ms *= 2) > SVC_BACKOFF_MAX_MS)
        s->backoff_ms = SVC_BACKOFF_MAX_MS;
    s->state = SVC_BACKOFF;
    s->restart_ms = mc_monotonic_ms() + s->backoff_ms;
    say("%s exited (%d): restart %d in %lld ms", s->name, s->exit_code,
        s->restarts + 1, (long long)s->backoff_ms);
}

static void
service_exited(struct svc *s, int status)
{
    bool failed;

    s->pid = 0;
    s->finished_ns = mc_now_ns();
    s->exit_code =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    failed = s->exit_code != 0;
    health_end(&s->health);
    if (shutting_down || s->state == SVC_STOPPING) {
        s->state = s->restart_after_stop ? SVC_WAITING : SVC_STOPPED;
        s->restart_after_stop = false;
        if (s->state == SVC_WAITING)
            s->restarts++;
        say("%s stopped (%d)", s->name, s->exit_code);
        return;
    }
    if (s->c.restart == RESTART_ALWAYS ||
        s->c.restart == RESTART_UNLESS_STOPPED ||
        (s->c.restart == RESTART_ON_FAILURE && failed &&
         (s->c.restart_max == 0 || s->restarts < s->c.restart_max))) {
        schedule_restart(s);
        return;
    }
    s->state = SVC_EXITED;
    say("%s exited (%d)", s->name, s->exit_code);
}

static void
stop_service(struct svc *s, bool restart)
{
    if (s->state == SVC_RUNNING && s->pid > 0) {
        s->state = SVC_STOPPING;
        s->restart_after_stop = restart;
        s->kill_ms = mc_monotonic_ms() + SVC_STOP_MS;
        kill(-s->pid, SIGTERM); /* its process group: setsid made one */
        kill(s->pid, SIGTERM);
    } else if (s->state == SVC_STOPPING) {
        s->restart_after_stop = restart;
    } else {
        s->state = restart ? SVC_WAITING : SVC_STOPPED;
    }
}

static void
reap(void)
{
    int status;
    pid_t pid;

    /* PID 1's duty: every orphan of the pod is ours to wait for. */
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (int i = 0; i < nsvcs; i++)
            if (svcs[i].pid == pid)
                service_exited(&svcs[i], status);
}

/* ---- the control socket: JSON-RPC 2.0 ----------------------------------- */

static json_object *
service_json(const struct svc *s)
{
    json_object *o = json_object_new_object();
    char t[64] = "";

    json_object_object_add(o, "name", json_object_new_string(s->name));
    json_object_object_add(o, "state",
                           json_object_new_string(state_names[s->state]));
    json_object_object_add(o, "health", json_object_new_string(health_of(s)));
    json_object_object_add(o, "pid", json_object_new_int(s->pid));
    json_object_object_add(o, "exit_code", json_object_new_int(s->exit_code));
    json_object_object_add(o, "restarts", json_object_new_int(s->restarts));
    json_object_object_add(
        o, "image", json_object_new_string(s->c.image ? s->c.image : ""));
    if (s->started_ns)
        mc_format_time(s->started_ns, t, sizeof(t));
    json_object_object_add(o, "started_at", json_object_new_string(t));
    t[0] = '\0';
    if (s->finished_ns)
        mc_format_time(s->finished_ns, t, sizeof(t));
    json_object_object_add(o, "finished_at", json_object_new_string(t));
    return o;
}

static json_object *
rpc_error(int code, const char *message)
{
    json_object *e = json_object_new_object();

    json_object_object_add(e, "code", json_object_new_int(code));
    json_object_object_add(e, "message", json_object_new_string(message));
    return e;
}

/* NAME.log (k 0) or its rotated NAME.log.k, for reading. */
static int
open_log(const struct svc *s, int k, struct stat *st)
{
    char name[96];
    int fd;

    log_name(s, k, name, sizeof(name));
    fd = openat(log_dir, name, O_RDONLY | O_CLOEXEC);
    if (fd != -1 && fstat(fd, st) == -1) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Which of NAME.log (0), NAME.log.1, ... is the file of inode ino: its
 * k, or -1 if it was rotated away (or never was). */
static int
find_log(const struct svc *s, int64_t ino)
{
    struct stat st;
    char name[96];

    for (int k = 0; k < s->c.log.max_files; k++) {
        log_name(s, k, name, sizeof(name));
        if (fstatat(log_dir, name, &st, 0) == 0 && (int64_t)st.st_ino == ino)
            return k;
    }
    return -1;
}

/* `logs`: up to 16 KiB from params.offset on, and where to ask next:
 * {data, file, offset}. params.file is the inode of the file the reader
 * is in (as the last answer said): a rotation renames that file
 * (NAME.log to .1, .1 to .2), so it is found again wherever it is now,
 * read to its end, and the reader goes on from the start of the next
 * newer one — `compose logs -f` loses nothing across a rotation. file 0
 * (or a file rotated away since) starts at the oldest file kept; no
 * file: NAME.log at params.offset, or at 0 if it is shorter. Rotation is
 * this loop's too (drain_output), so no file moves while we look. */
static json_object *
read_log(const struct svc *s, int64_t offset, int64_t file)
{
    json_object *o = json_object_new_object();
    static char buf[SVC_LOG_CHUNK + 1];
    struct stat st = {0}, now;
    ssize_t n = 0;
    int k = file < 0 ? 0 : file == 0 ? -1 : find_log(s, file), fd = -1;

    if (k == -1) { /* from the start of the oldest one */
        k = s->c.log.max_files - 1;
        offset = 0;
    }
    for (; k >= 0; k--) {
        int next = open_log(s, k, &now);
        if (next == -1)
            continue;
        if (fd != -1) { /* read to its end: the next newer one, from 0 */
            close(fd);
            offset = 0;
        }
        fd = next;
        st = now;
        if (offset > st.st_size)
            offset = 0; /* cut in place (max-file=1): start again */
        n = pread(fd, buf, SVC_LOG_CHUNK, offset);
        if (n > 0)
            break;
    }
    if (fd != -1)
        close(fd);
    n = n > 0 ? n : 0;
    buf[n] = '\0';
    json_object_object_add(o, "data", json_object_new_string_len(buf, (int)n));
    json_object_object_add(o, "file",
                           json_object_new_int64((int64_t)st.st_ino));
    json_object_object_add(o, "offset", json_object_new_int64(offset + n));
    return o;
}

/* One request: its result, or an error (*error set). */
static json_object *
call(const char *method, json_object *params, json_object **error)
{
    json_object *v, *list;
    struct svc *s = NULL;

    if (!strcmp(method, "list")) {
        list = json_object_new_array();
        for (int i = 0; i < nsvcs; i++)
            json_object_array_add(list, service_json(&svcs[i]));
        return list;
    }
    if (strcmp(method, "start") && strcmp(method, "stop") &&
        strcmp(method, "restart") && strcmp(method, "logs")) {
        *error = rpc_error(-32601,
                           "method not found: list, start, stop, "
                           "restart, logs");
        return NULL;
    }
    if (!params || !json_object_object_get_ex(params, "service", &v) ||
        !json_object_is_type(v, json_type_string) ||
        !(s = find(json_object_get_string(v)))) {
        *error = rpc_error(-32602,
                           "params.service: the name of a service "
                           "of the pod");
        return NULL;
    }
    if (!strcmp(method, "logs")) {
        int64_t offset = 0, file = -1;
        if (json_object_object_get_ex(params, "offset", &v))
            offset = json_object_get_int64(v);
        if (json_object_object_get_ex(params, "file", &v))
            file = json_object_get_int64(v);
        return read_log(s, offset < 0 ? 0 : offset, file < 0 ? -1 : file);
    }
    if (!strcmp(method, "stop"))
        stop_service(s, false);
    else if (!strcmp(method, "restart"))
        stop_service(s, true);
    else if (s->state != SVC_RUNNING && s->state != SVC_STOPPING)
        s->state = SVC_WAITING; /* start: when its dependencies hold */
    start_ready();
    return service_json(s);
}

/* A line in, a line out; a notification (no id) gets no answer. */
static char *
answer(const char *line)
{
    enum json_tokener_error err;
    json_object *req = json_tokener_parse_verbose(line, &err), *id = NULL, *v,
                *method = NULL, *params = NULL, *result = NULL, *error = NULL,
                *resp;
    char *out;

    if (!req)
        error = rpc_error(-32700, "parse error: the request is not JSON");
    else if (!json_object_is_type(req, json_type_object) ||
             !json_object_object_get_ex(req, "jsonrpc", &v) ||
             strcmp(json_object_get_string(v), "2.0") ||
             !json_object_object_get_ex(req, "method", &method) ||
             !json_object_is_type(method, json_type_string))
        error = rpc_error(-32600,
                          "invalid request: a JSON-RPC 2.0 object "
                          "with a method");
    if (req && json_object_is_type(req, json_type_object))
        json_object_object_get_ex(req, "id", &id);
    if (!error) {
        json_object_object_get_ex(req, "params", &params);
        result = call(json_object_get_string(method), params, &error);
        if (!id) {
            json_object_put(result);
            json_object_put(error);
            json_object_put(req);
            return NULL;
        }
    }
    resp = json_object_new_object();
    json_object_object_add(resp, "jsonrpc", json_object_new_string("2.0"));
    if (error)
        json_object_object_add(resp, "error", error);
    else
        json_object_object_add(resp, "result", result);
    json_object_object_add(resp, "id", id ? json_object_get(id) : NULL);
    out = strdup(json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN));
    json_object_put(resp);
    if (req)
        json_object_put(req);
    return out;
}

static void
client_read(struct client *cl)
{
    ssize_t n = read(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - 1 - cl->len);
    char *nl;

    if (n <= 0 || (cl->len += (size_t)n) == sizeof(cl->buf) - 1) {
        close(cl->fd); /* gone, or a line longer than we take */
        cl->fd = -1;
        return;
    }
    cl->buf[cl->len] = '\0';
    while ((nl = strchr(cl->buf, '\n')) != NULL) {
        char *out;
        *nl = '\0';
        out = answer(cl->buf);
        if (out) {
            size_t len = strlen(out);
            out[len] = '\n';
            /* SO_SNDTIMEO bounds a client that does not read */
            if (send(cl->fd, out, len + 1, MSG_NOSIGNAL) != (ssize_t)len + 1) {
                free(out);
                close(cl->fd);
                cl->fd = -1;
                return;
            }
            free(out);
        }
        cl->len -= (size_t)(nl + 1 - cl->buf);
        memmove(cl->buf, nl + 1, cl->len + 1);
    }
}

static void
accept_client(void)
{
    struct timeval tv = {1, 0};
    int fd = accept4(rpc_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd == -1)
        return;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    for (int i = 0; i < SVC_MAX_CLIENTS; i++)
        if (clients[i].fd == -1) {
            clients[i].fd = fd;
            clients[i].len = 0;
            return;
        }
    close(fd); /* too many at once */
}

/* ---- PID 1: svc_main ---------------------------------------------------- */

static void
shut_down(void)
{
    if (shutting_down)
        return;
    shutting_down = true;
    say("stopping every service");
    for (int i = nsvcs - 1; i >= 0; i--) /* dependants first */
        stop_service(&svcs[i], false);
}

static bool
all_down(void)
{
    for (int i = 0; i < nsvcs; i++)
        if (svcs[i].pid > 0)
            return false;
    return true;
}

/* What is due: kills past their stop time, restarts, health probes. */
static void
timers(void)
{
    int64_t now = mc_monotonic_ms();

    for (int i = 0; i < nsvcs; i++) {
        struct svc *s = &svcs[i];
        if (s->state == SVC_STOPPING && s->pid > 0 && now >= s->kill_ms) {
            kill(-s->pid, SIGKILL);
            kill(s->pid, SIGKILL);
            s->kill_ms = now + 1000; /* its SIGCHLD comes; no spinning */
        }
        if (s->state == SVC_BACKOFF && now >= s->restart_ms && !shutting_down) {
            s->restarts++;
            s->state = SVC_WAITING;
        }
        if (s->state == SVC_RUNNING)
            health_timer(&s->health);
    }
}

static int
next_timeout(void)
{
    int64_t next = 0, now = mc_monotonic_ms();

    for (int i = 0; i < nsvcs; i++) {
        const struct svc *s = &svcs[i];
        int64_t t = s->state == SVC_STOPPING ? s->kill_ms
            : s->state == SVC_BACKOFF        ? s->restart_ms
            : s->state == SVC_RUNNING        ? health_deadline(&s->health)
                                             : 0;
        if (t && (!next || t < next))
            next = t;
    }
    return !next ? -1 : next <= now ? 0 : (int)(next - now);
}

_Noreturn void
svc_main(struct container *c)
{
    struct pollfd p[2 + SVC_MAX_CLIENTS + 3 * COMPOSE_MAX_SERVICES];
    sigset_t mask;
    int sig;

    pod = c;
    prctl(PR_SET_NAME, "minictr-svc"); /* what ps -o comm and top show */
    /* Every signal is blocked (the monitor blocked them before it cloned
     * us): the ones we act on are read from a signalfd, in this loop,
     * so that none is lost between two steps (as tini and catatonit). */
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGQUIT);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sig = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sig == -1) {
        ct_fail_errno("signalfd");
        child_exit(MC_EXIT_RUNNER);
    }
    for (int i = 0; i < SVC_MAX_CLIENTS; i++)
        clients[i].fd = -1;
    for (int i = 0; i < nsvcs; i++) {
        svcs[i].health = (struct health_run){
            .c = &svcs[i].c, .probe = svc_probe, .out = -1, .report = -1};
        svcs[i].c.hostname = c->hostname;
        svcs[i].c.device_cgroup = c->device_cgroup;
        svcs[i].c.keep_fd = -1;
        svcs[i].out = svcs[i].log = -1;
    }
    /* /run, which every service shares: a tmpfs of the pod's (its root
     * is empty until now) */
    ct_trace("mount -t tmpfs -o nosuid,nodev tmpfs /run",
             "mount(\"tmpfs\", "
             "\"/run\", ...)");
    if ((mkdir("/run", 0755) == -1 && errno != EEXIST) ||
        mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") ==
            -1) {
        ct_fail_errno("mount a tmpfs on the pod's /run");
        child_exit(MC_EXIT_RUNNER);
    }
    /* Up: the monitor takes the end of our channel as the exec it waits
     * for (a command's exec closes it); the manager has none, so it
     * closes it itself. What goes wrong from here goes to the log. */
    spawn_close_channel();
    c->keep_fd = -1;
    say("%d services", nsvcs);
    start_ready();
    for (;;) {
        int n = 0, health_at[COMPOSE_MAX_SERVICES],
            out_at[COMPOSE_MAX_SERVICES];
        struct signalfd_siginfo si;

        p[n++] = (struct pollfd){sig, POLLIN, 0};
        p[n++] = (struct pollfd){rpc_fd, POLLIN, 0};
        for (int i = 0; i < SVC_MAX_CLIENTS; i++)
            p[n++] = (struct pollfd){clients[i].fd, POLLIN, 0};
        for (int i = 0; i < nsvcs; i++) {
            health_at[i] = n;
            n += health_poll_fds(&svcs[i].health, &p[n]);
            out_at[i] = svcs[i].out == -1 ? -1 : n;
            if (svcs[i].out != -1)
                p[n++] = (struct pollfd){svcs[i].out, POLLIN, 0};
        }
        if (poll(p, (nfds_t)n, next_timeout()) == -1 && errno != EINTR)
            continue;
        while (read(sig, &si, sizeof(si)) == sizeof(si))
            if (si.ssi_signo != SIGCHLD)
                shut_down();
        reap();
        for (int i = 0; i < nsvcs; i++)
            if (out_at[i] != -1 && p[out_at[i]].revents)
                drain_output(&svcs[i]);
        if (p[1].revents & POLLIN)
            accept_client();
        for (int i = 0; i < SVC_MAX_CLIENTS; i++)
            if (clients[i].fd >= 0 && p[2 + i].revents)
                client_read(&clients[i]);
        for (int i = 0; i < nsvcs; i++) {
            char was[16];
            snprintf(was, sizeof(was), "%s", health_of(&svcs[i]));
            if (health_handle(&svcs[i].health, &p[health_at[i]]) == 1 &&
                strcmp(was, health_of(&svcs[i])))
                say("%s is %s", svcs[i].name, health_of(&svcs[i]));
        }
        timers();
        start_ready();
        if (shutting_down && all_down()) {
            for (int i = 0; i < nsvcs; i++) /* their last lines */
                drain_rest(&svcs[i]);
            say("every service stopped");
            _exit(0);
        }
    }
}
