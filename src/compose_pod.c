/*
 * compose_pod.c: `minictr compose` with `x-minictr: {pod: true}` — every
 * service in one container, as StartOS runs an app.
 *
 * `up` makes one container, PROJECT-pod, whose PID 1 is a service
 * manager (svc.c) instead of a command:
 *
 *   1. each service is converted as in the default mode (run_prepare:
 *      its image's layers, command, environment, user, limits, health
 *      check, restart policy, volumes), but none is created: they are
 *      written, with their depends_on, to the pod's DIR/pod.json
 *   2. the pod itself: a root of its own that is empty (the services
 *      bring their files), the file's x-minictr limits for the whole
 *      app, the project network with every service's name as an alias
 *      and every service's ports published on the pod's one address
 *   3. created and started as `run -d` would; the service manager then
 *      starts the services in their order
 *
 * ps, logs, restart and the waiting of --wait talk to the service
 * manager over its control socket (JSON-RPC 2.0, ID.rpc.sock in the
 * state directory); exec joins a service from here: its process, found
 * in its cgroup, is where `exec` enters (namespaces, cgroups, root).
 * down is the default mode's: the pod is a container of the project.
 *
 * Read: svc.c (the other side); the JSON-RPC 2.0 specification.
 * Try:  cd examples/pod && sudo minictr compose up -d --wait &&
 *       sudo minictr compose ps && sudo minictr compose down
 */
#include "compose.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- up ---------------------------------------------------------------- */

/* The pod's own root: an empty directory every pod shares as its one
 * read-only layer (overlay gives each its own upper). */
static int
empty_root(char *buf, size_t size)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/pod-root", mc_lib_dir());
    if (mkdir(path, 0755) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir '%s'", path);
    return overlay_escape(path, buf, size);
}

/* DIR/pod.json, which svc.c reads. */
static int
write_spec(const struct compose_file *f, struct container *pod,
           struct container *cs)
{
    json_object *o = json_object_new_object(), *list = json_object_new_array();
    int order[COMPOSE_MAX_SERVICES], rc;
    char path[4200];

    compose_order(f, order); /* the manager starts them in this order */
    for (int k = 0; k < f->nservices; k++) {
        const struct compose_service *s = &f->services[order[k]];
        json_object *e = json_object_new_object(),
                    *deps = json_object_new_array();
        json_object_object_add(e, "name", json_object_new_string(s->name));
        for (int d = 0; d < s->ndeps; d++) {
            json_object *dep = json_object_new_object();
            json_object_object_add(dep, "service",
                                   json_object_new_string(s->deps[d].service));
            json_object_object_add(
                dep, "condition",
                json_object_new_string(
                    compose_conditions[s->deps[d].condition]));
            json_object_array_add(deps, dep);
        }
        json_object_object_add(e, "depends_on", deps);
        json_object_object_add(e, "container", state_to_json(&cs[order[k]]));
        json_object_array_add(list, e);
    }
    json_object_object_add(o, "services", list);
    snprintf(path, sizeof(path), "%s/pod.json", pod->dir);
    rc = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY);
    json_object_put(o);
    return rc == 0 ? 0 : ct_fail_errno("write '%s'", path);
}

/* The pod's network flags: the project network, each service's name as
 * an alias, each service's ports. */
static void
pod_net_flags(const struct compose_file *f, struct net_flags *nf, char *network,
              size_t size)
{
    memset(nf, 0, sizeof(*nf));
    compose_network_name(f, &f->services[0], network, size);
    nf->network = network;
    for (int i = 0; i < f->nservices; i++) {
        const struct compose_service *s = &f->services[i];
        if (nf->naliases < MC_MAX_ALIASES)
            nf->aliases[nf->naliases++] = s->name;
        for (int p = 0; p < s->nports && nf->npublish < MC_MAX_PORTS; p++)
            nf->publish[nf->npublish++] = s->ports[p].spec;
    }
}

int
compose_pod_check(const struct compose_file *f)
{
    for (int i = 0; i < f->nservices; i++) {
        const struct compose_service *s = &f->services[i];
        char what[256];
        snprintf(what, sizeof(what), "services.%s", s->name);
        if (s->network && f->services[0].network &&
            strcmp(s->network, f->services[0].network))
            return compose_error(f, s->network_line, what, "%s",
                                 "a pod has one network namespace: every "
                                 "service must be on the same network");
        for (int m = 0; m < s->nmounts; m++)
            if (s->mounts[m].type == MOUNT_VOLUME && !s->mounts[m].source)
                return compose_error(f, s->mounts[m].line, what, "%s",
                                     "an anonymous volume in a pod: give it a "
                                     "name (NAME:/path, and NAME in the "
                                     "top-level volumes:)");
    }
    return 0;
}

int
compose_pod_up(const struct compose_file *f, struct container *cs,
               struct container *pod)
{
    char network[128], what[128];
    struct net_flags nf;
    int hold;

    container_init(pod);
    snprintf(pod->name, sizeof(pod->name), "%.55s-pod", f->project);
    pod->pod = true;
    pod->image = "";
    pod->argv = calloc(2, sizeof(char *));
    pod->labels = calloc(3, sizeof(char *));
    if (!pod->argv || !pod->labels ||
        asprintf(&pod->labels[0], "com.docker.compose.project=%s",
                 f->project) == -1 ||
        asprintf(&pod->argv[0], "%s", "minictr-svc") == -1)
        return ct_fail_errno("malloc");
    pod->limits = f->pod_limits;
    snprintf(what, sizeof(what), "%s", "x-minictr.restart");
    if (f->pod_restart && run_parse_restart(pod, f->pod_restart) == -1)
        return compose_fail_at(f, f->pod_line, what);
    if (empty_root(pod->rootfs, sizeof(pod->rootfs)) == -1)
        return -1;
    hold = store_hold(false);
    if (hold == -1)
        return -1;
    /* the services again, with their volumes this time (what the first
     * conversion allocated stays: this process ends soon) */
    for (int i = 0; i < f->nservices; i++) {
        if (compose_service_container(f, &f->services[i], &cs[i], true) == -1) {
            store_release(hold);
            return -1;
        }
    }
    pod_net_flags(f, &nf, network, sizeof(network));
    if (network_configure(pod, &nf) == -1 || container_create(pod) == -1) {
        store_release(hold);
        return -1;
    }
    store_release(hold);
    if (write_spec(f, pod, cs) == -1) {
        container_remove(pod->id, true, false);
        return -1;
    }
    fprintf(stderr, " Container %s  Created\n", pod->name);
    if (container_start(pod, true) != 0)
        return -1;
    fprintf(stderr, " Container %s  Started\n", pod->name);
    return 0;
}

/* ---- the control socket, from this side ------------------------------- */

json_object *
compose_pod_call(const struct container *pod, const char *method,
                 const char *service, int64_t offset, int64_t file)
{
    json_object *req, *params, *resp, *v;
    char buf[200000];
    size_t len = 0;
    ssize_t n;
    int fd = ctl_dial(pod, ".rpc.sock");

    if (fd == -1)
        return NULL;
    req = json_object_new_object();
    json_object_object_add(req, "jsonrpc", json_object_new_string("2.0"));
    json_object_object_add(req, "id", json_object_new_int(1));
    json_object_object_add(req, "method", json_object_new_string(method));
    if (service) {
        params = json_object_new_object();
        json_object_object_add(params, "service",
                               json_object_new_string(service));
        json_object_object_add(params, "offset", json_object_new_int64(offset));
        json_object_object_add(params, "file", json_object_new_int64(file));
        json_object_object_add(req, "params", params);
    }
    dprintf(fd, "%s\n",
            json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
    json_object_put(req);
    while (len < sizeof(buf) - 1 &&
           (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
        len += (size_t)n;
        if (memchr(buf, '\n', len))
            break;
    }
    close(fd);
    buf[len] = '\0';
    resp = json_tokener_parse(buf);
    if (!resp) {
        mc_error_code("failed");
        return ct_fail("the service manager of '%s' gave no answer to '%s'",
                       pod->name, method),
               NULL;
    }
    if (json_object_object_get_ex(resp, "error", &v) && v) {
        json_object *m;
        mc_error_code(strcmp(method, "list") ? "no_such_container" : "failed");
        ct_fail("%s: %s", pod->name,
                json_object_object_get_ex(v, "message", &m)
                    ? json_object_get_string(m)
                    : "error");
        json_object_put(resp);
        return NULL;
    }
    json_object_object_get_ex(resp, "result", &v);
    v = json_object_get(v);
    json_object_put(resp);
    return v;
}

static const char *
field(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v
        ? json_object_get_string(v)
        : "";
}

/* Up 3 seconds (healthy), Exited (1) 2 seconds ago, Waiting, ... */
static void
status_of(json_object *s, char *buf, size_t size)
{
    const char *state = field(s, "state"), *health = field(s, "health");
    char ago[64] = "";
    int64_t since =
        mc_parse_time(!strcmp(state, "running") ? field(s, "started_at")
                                                : field(s, "finished_at"));

    if (since > 0)
        human_duration(mc_now_ns() - since, ago, sizeof(ago));
    if (!strcmp(state, "running"))
        snprintf(buf, size, "Up %s%s%s%s", ago,
                 !health[0]                             ? ""
                     : !strcmp(health, HEALTH_STARTING) ? " (health: "
                                                        : " (",
                 health, health[0] ? ")" : "");
    else if (!strcmp(state, "exited") || !strcmp(state, "stopped"))
        snprintf(buf, size, "Exited (%s) %s ago", field(s, "exit_code"), ago);
    else if (!strcmp(state, "restarting"))
        snprintf(buf, size, "Restarting (%s) %s ago", field(s, "exit_code"),
                 ago);
    else
        snprintf(buf, size, "%c%s", state[0] - 'a' + 'A', state + 1);
}

int
compose_pod_ps(const struct container *pod)
{
    json_object *list = compose_pod_call(pod, "list", NULL, 0, 0);

    if (!list)
        return -1;
    printf("%-20s %-12s %-32s %-9s %s\n", "NAME", "SERVICE", "STATUS",
           "RESTARTS", "IMAGE");
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *s = json_object_array_get_idx(list, i);
        char status[128];
        status_of(s, status, sizeof(status));
        printf("%-20s %-12s %-32s %-9s %s\n", pod->name, field(s, "name"),
               status, field(s, "restarts"), field(s, "image"));
    }
    json_object_put(list);
    return 0;
}

/* Print data line by line, each with its service's name first. */
static void
print_lines(const char *service, int width, const char *data, bool *bol)
{
    for (const char *p = data; *p; p++) {
        if (*bol)
            printf("%-*s | ", width, service);
        putchar(*p);
        *bol = *p == '\n';
    }
}

int
compose_pod_logs(const struct container *pod, char **services, int n,
                 bool follow, int stop_fd)
{
    json_object *list = compose_pod_call(pod, "list", NULL, 0, 0);
    /* where each service's log is read: a file (its inode, 0 for the
     * oldest kept) and an offset in it; rotation moves the file, and the
     * manager finds it again (svc.c read_log) */
    int64_t offsets[COMPOSE_MAX_SERVICES] = {0},
            files[COMPOSE_MAX_SERVICES] = {0};
    bool bol[COMPOSE_MAX_SERVICES];
    char names[COMPOSE_MAX_SERVICES][64];
    int count = 0, width = 0;

    if (!list)
        return -1;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        const char *name = field(json_object_array_get_idx(list, i), "name");
        bool wanted = n == 0;
        for (int k = 0; k < n; k++)
            wanted = wanted || !strcmp(services[k], name);
        if (!wanted || count == COMPOSE_MAX_SERVICES)
            continue;
        bol[count] = true;
        snprintf(names[count++], sizeof(names[0]), "%s", name);
        if ((int)strlen(name) > width)
            width = (int)strlen(name);
    }
    json_object_put(list);
    for (int k = 0; k < n; k++) {
        bool found = false;
        for (int i = 0; i < count; i++)
            found = found || !strcmp(names[i], services[k]);
        if (!found) {
            mc_error_code("no_such_container");
            return ct_fail("no service '%s' in pod '%s'", services[k],
                           pod->name);
        }
    }
    for (;;) {
        bool more = false;
        for (int i = 0; i < count; i++) {
            json_object *r = compose_pod_call(pod, "logs", names[i], offsets[i],
                                              files[i]),
                        *v;
            if (!r)
                return follow ? 0 : -1; /* the pod stopped: done */
            if (json_object_object_get_ex(r, "offset", &v))
                offsets[i] = json_object_get_int64(v);
            if (json_object_object_get_ex(r, "file", &v))
                files[i] = json_object_get_int64(v);
            if (*field(r, "data")) {
                print_lines(names[i], width, field(r, "data"), &bol[i]);
                more = true;
            }
            json_object_put(r);
        }
        fflush(stdout);
        if (more)
            continue; /* a log longer than one answer */
        if (!follow)
            return 0;
        /* the log files are inside the pod: ask again in a while, or
         * stop on Ctrl-C */
        if (poll(&(struct pollfd){stop_fd, POLLIN, 0}, stop_fd >= 0, 200) > 0)
            return 1;
    }
}

int
compose_pod_restart(const struct container *pod, char **services, int n)
{
    for (int i = 0; i < n; i++) {
        json_object *r = compose_pod_call(pod, "restart", services[i], 0, 0);
        if (!r)
            return -1;
        fprintf(stderr, " Service %s  Restarting\n", services[i]);
        json_object_put(r);
    }
    return 0;
}

/* ---- --wait, exec -------------------------------------------------------- */

int
compose_pod_wait(const struct container *pod)
{
    for (;;) {
        json_object *list = compose_pod_call(pod, "list", NULL, 0, 0);
        bool ready = true;
        if (!list)
            return -1;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            json_object *s = json_object_array_get_idx(list, i);
            const char *state = field(s, "state"), *health = field(s, "health");
            if (!strcmp(health, HEALTH_UNHEALTHY) ||
                (!strcmp(state, "exited") &&
                 strcmp(field(s, "exit_code"), "0"))) {
                mc_error_code("failed");
                if (!strcmp(state, "exited"))
                    ct_fail("service %s of pod %s exited (%s): see 'minictr "
                            "compose logs %s'",
                            field(s, "name"), pod->name, field(s, "exit_code"),
                            field(s, "name"));
                else
                    ct_fail("service %s of pod %s is unhealthy",
                            field(s, "name"), pod->name);
                json_object_put(list);
                return -1;
            }
            ready = ready &&
                (!strcmp(state, "exited") ||
                 (!strcmp(state, "running") &&
                  (!health[0] || !strcmp(health, HEALTH_HEALTHY))));
        }
        json_object_put(list);
        if (ready)
            return 0;
        /* a question a few ms apart: one connect and a short line each
         * (the manager's state has no watch from out here) */
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
}

/* The service's first process: in its cgroup, a child of the pod's PID 1. */
static pid_t
service_pid(const struct container *pod, const char *service)
{
    char path[700], buf[4096];
    FILE *f;
    pid_t found = 0;

    snprintf(path, sizeof(path), "%s/%s/cgroup.procs", pod->cgroups[0],
             service);
    f = fopen(path, "re");
    while (f && !found && fgets(buf, sizeof(buf), f)) {
        char stat[64], line[1024], *p;
        pid_t pid = (pid_t)atoi(buf);
        snprintf(stat, sizeof(stat), "/proc/%d/stat", (int)pid);
        if (ct_read_file(stat, line, sizeof(line)) > 0 &&
            (p = strrchr(line, ')')) != NULL && atoi(p + 4) == pod->pid)
            found = pid;
    }
    if (f)
        fclose(f);
    return found;
}

int
compose_pod_service(const struct container *pod, const char *service,
                    struct container *c)
{
    char path[4200];
    json_object *o = NULL, *list, *v;

    snprintf(path, sizeof(path), "%s/pod.json", pod->dir);
    o = json_object_from_file(path);
    container_init(c);
    for (size_t i = 0; o && json_object_object_get_ex(o, "services", &list) &&
         i < json_object_array_length(list);
         i++) {
        json_object *e = json_object_array_get_idx(list, i);
        if (!strcmp(field(e, "name"), service) &&
            json_object_object_get_ex(e, "container", &v)) {
            state_from_json(v, c);
            break;
        }
    }
    if (o)
        json_object_put(o);
    if (!c->argv) {
        mc_error_code("no_such_container");
        return ct_fail("no service '%s' in pod '%s'", service, pod->name);
    }
    /* The service as a container: the pod's, entered at the service's
     * process, in the service's own cgroups. */
    memcpy(c->id, pod->id, sizeof(c->id));
    snprintf(c->name, sizeof(c->name), "%.40s/%.20s", pod->name, service);
    snprintf(c->status, sizeof(c->status), "%s", container_real_status(pod));
    c->monitor_pid = pod->monitor_pid;
    c->hostname = pod->hostname;
    c->device_cgroup = pod->device_cgroup;
    c->ncgroups = pod->ncgroups;
    for (int i = 0; i < pod->ncgroups; i++)
        snprintf(c->cgroups[i], sizeof(c->cgroups[i]), "%.400s/%.60s",
                 pod->cgroups[i], service);
    c->pid = service_pid(pod, service);
    if (c->pid <= 0 && !strcmp(c->status, ST_RUNNING)) {
        mc_error_code("container_not_running");
        return ct_fail("service '%s' of pod '%s' is not running (see "
                       "'minictr compose ps')",
                       service, pod->name);
    }
    return 0;
}
