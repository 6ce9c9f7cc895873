/*
 * compose.c: `minictr compose` — a Compose file run as containers.
 *
 *   minictr compose [-f compose.yaml] [-p NAME] up [-d] [--wait]
 *   minictr compose down [-v] [-t SECONDS] | ps [-a] | logs [-f] [-t]
 *       [SERVICE...] | exec SERVICE CMD... | restart SERVICE...
 *
 * By default each service is a container (PROJECT-SERVICE-1, as Compose
 * names them) on the project's network (PROJECT_default), reachable by
 * its service name (a network alias). `up` does, in order:
 *
 *   1. read the file (compose_yaml.c) and check everything that can be
 *      checked before anything is made: every dependency exists and none
 *      is a cycle, every named volume and network is declared, every
 *      image exists, every user is in its image, no host port is taken
 *      twice (nor by the host already). A refusal names the line; nothing
 *      is made.
 *   2. the network (networks.c, as `network create`), if missing
 *   3. the services, each after its dependencies (a topological order):
 *      wait until each dependency's condition holds — service_started (it
 *      runs), service_healthy (its record says healthy: the monitor runs
 *      the health checks, health.c), service_completed_successfully (it
 *      exited 0) — then create and start it as `run -d` would
 *   4. -d: done; else follow the logs of all of them until Ctrl-C, then
 *      stop them
 *
 * `down` stops them in the reverse order, removes them and the network
 * (and with -v the named volumes). Waiting is the kernel's job: a record
 * changes by rename (state.c), so inotify on the state directory wakes us
 * when one changes; no polling loop reads files on a timer.
 *
 * `x-minictr: {pod: true}` (StartOS's way: every service in one container,
 * a service manager as its PID 1) is compose_pod.c's and svc.c's.
 *
 * A front door (STYLE-wave2 rule 5): each service fills the struct
 * container that `run` fills, with run.c's own parsers (run_prepare,
 * run_add_mount, run_parse_restart, ports_parse, network_configure), and
 * the core creates and starts it.
 *
 * Read: the Compose specification ("services", "depends_on"); inotify(7).
 * Try:  cd examples/compose && sudo minictr compose up -d --wait &&
 *       sudo minictr compose ps && sudo minictr compose down
 */
#include "compose.h"

#include "inet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define LABEL_PROJECT "com.docker.compose.project"
#define LABEL_SERVICE "com.docker.compose.service"
#define LABEL_NUMBER "com.docker.compose.container-number"

static struct compose_file file;

/* ---- the project ------------------------------------------------------- */

static void
say(const char *what, const char *name, const char *state)
{
    /* Compose's progress lines, on stderr */
    fprintf(stderr, " %s %s  %s\n", what, name, state);
}

/* Compose's project name: lower case letters, digits, '-' and '_',
 * starting with a letter or a digit. */
static int
set_project(struct compose_file *f, const char *given)
{
    const char *env = getenv("COMPOSE_PROJECT_NAME"), *from = given;
    size_t n = 0;
    char name[64];

    if (!from)
        from = f->project[0] ? f->project
            : env && *env    ? env
                             : strrchr(f->dir, '/') + 1;
    for (const char *p = from; *p && n < sizeof(name) - 1; p++) {
        char ch = (char)tolower((unsigned char)*p);
        if (isalnum((unsigned char)ch) || ((ch == '-' || ch == '_') && n))
            name[n++] = ch;
    }
    name[n] = '\0';
    if (!n || n > 40)
        return mc_usage_error("bad project name '%s': give -p NAME (letters, "
                              "digits, '-', '_'; at most 40)",
                              from);
    snprintf(f->project, sizeof(f->project), "%s", name);
    return 0;
}

int
compose_find_service(const struct compose_file *f, const char *name)
{
    for (int i = 0; i < f->nservices; i++)
        if (!strcmp(f->services[i].name, name))
            return i;
    return -1;
}

/* A top-level network's index by name, or -1. */
static int
compose_find_network(const struct compose_file *f, const char *name)
{
    for (int i = 0; i < f->nnetworks; i++)
        if (!strcmp(f->networks[i].name, name))
            return i;
    return -1;
}

void
compose_network_name(const struct compose_file *f,
                     const struct compose_service *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s_%s", f->project,
             s && s->network ? s->network : "default");
}

/* Kahn's algorithm, in the file's order where there is a choice. */
void
compose_order(const struct compose_file *f, int *order)
{
    bool placed[COMPOSE_MAX_SERVICES] = {false};

    for (int n = 0; n < f->nservices;) {
        int before = n;
        for (int i = 0; i < f->nservices; i++) {
            bool ready = !placed[i];
            for (int d = 0; ready && d < f->services[i].ndeps; d++)
                ready = placed[compose_find_service(
                    f, f->services[i].deps[d].service)];
            if (ready) {
                placed[i] = true;
                order[n++] = i;
            }
        }
        if (n == before) /* a cycle: checked before, cannot happen */
            for (int i = 0; i < f->nservices; i++)
                if (!placed[i]) {
                    placed[i] = true;
                    order[n++] = i;
                }
    }
}

/* ---- checks before anything is made ------------------------------------ */

/* Depth first; on reaching a service that is on the path again, the
 * cycle is the path from there. */
static int
find_cycle(const struct compose_file *f, int i, int *path, int depth,
           int *state)
{
    /* LAB compose.1: depth first: a dependency on the path again is a cycle */
    const struct compose_service *s = &f->services[i];

    state[i] = 1; /* on the path */
    path[depth] = i;
    for (int d = 0; d < s->ndeps; d++) {
        int j = compose_find_service(f, s->deps[d].service);
        char what[256], cycle[1024] = "";
        int from = depth;
        if (state[j] == 2)
            continue;
        if (state[j] == 0) {
            if (find_cycle(f, j, path, depth + 1, state) == -1)
                return -1;
            continue;
        }
        while (path[from] != j)
            from--;
        for (int k = from; k <= depth; k++)
            snprintf(cycle + strlen(cycle), sizeof(cycle) - strlen(cycle),
                     "%s -> ", f->services[path[k]].name);
        snprintf(what, sizeof(what), "services.%s.depends_on.%s", s->name,
                 s->deps[d].service);
        return compose_error(f, s->deps[d].line, what,
                             "a dependency cycle: %s%s", cycle,
                             f->services[j].name);
    }
    state[i] = 2;
    return 0;
    /* END LAB */
}

static int
check_dependencies(const struct compose_file *f)
{
    int path[COMPOSE_MAX_SERVICES], state[COMPOSE_MAX_SERVICES] = {0};

    for (int i = 0; i < f->nservices; i++) {
        const struct compose_service *s = &f->services[i];
        for (int d = 0; d < s->ndeps; d++) {
            char what[256];
            snprintf(what, sizeof(what), "services.%s.depends_on.%s", s->name,
                     s->deps[d].service);
            if (compose_find_service(f, s->deps[d].service) < 0)
                return compose_error(f, s->deps[d].line, what,
                                     "no service '%s' in the file",
                                     s->deps[d].service);
        }
    }
    for (int i = 0; i < f->nservices; i++)
        if (state[i] == 0 && find_cycle(f, i, path, 0, state) == -1)
            return -1;
    return 0;
}

static bool
declared(char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

/* A bind's source, as the host names it: ./x and x/.. from the file's
 * directory, ~/x from $HOME. */
static void
bind_source(const struct compose_file *f, const char *src, char *buf,
            size_t size)
{
    if (src[0] == '~' && src[1] == '/' && getenv("HOME"))
        snprintf(buf, size, "%.2000s/%.2000s", getenv("HOME"), src + 2);
    else if (src[0] != '/')
        snprintf(buf, size, "%.2000s/%.2000s", f->dir, src);
    else
        snprintf(buf, size, "%s", src);
}

static int
check_mounts(const struct compose_file *f, const struct compose_service *s)
{
    for (int i = 0; i < s->nmounts; i++) {
        const struct compose_mount *m = &s->mounts[i];
        char what[256], path[4096];
        struct stat st;

        snprintf(what, sizeof(what), "services.%s.volumes[%d]", s->name, i);
        if (m->type == MOUNT_VOLUME && m->source &&
            !declared(f->volumes, f->nvolumes, m->source))
            return compose_error(f, m->line, what,
                                 "volume '%s' is not declared in the "
                                 "top-level volumes:",
                                 m->source);
        if (m->type == MOUNT_BIND) {
            bind_source(f, m->source, path, sizeof(path));
            if (stat(path, &st) == -1) {
                mc_error_code("no_such_volume");
                return compose_error(f, m->line, what,
                                     "the bind source '%s' does not exist",
                                     path);
            }
        }
        if (strpbrk(m->target, ":,") ||
            (m->source && m->type == MOUNT_BIND && strpbrk(path, ":,")))
            return compose_error(f, m->line, what, "%s",
                                 "a path with ':' or ',' cannot be mounted");
    }
    return 0;
}

/* Is host port p free here? A socket bound and closed (the monitor binds
 * its own at start: this only spares a half-started project). */
static bool
port_free(const struct port_spec *p)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons(p->host_port),
                             .sin_addr.s_addr = htonl(p->host_ip)};
    int one = 1,
        fd = socket(AF_INET,
                    (p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) |
                        SOCK_CLOEXEC,
                    0);
    bool ok;

    if (fd == -1)
        return true;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

/* Every port parses, and no host port is published twice (0.0.0.0
 * overlaps every address), nor taken on the host already. skip: services
 * already running (theirs are theirs). */
static int
check_ports(const struct compose_file *f, const bool *skip)
{
    struct {
        struct port_spec p;
        int service, index;
    } seen[COMPOSE_MAX_SERVICES * MC_MAX_PORTS];
    int n = 0;

    for (int i = 0; i < f->nservices; i++) {
        const struct compose_service *s = &f->services[i];
        for (int k = 0; k < s->nports; k++) {
            struct port_spec p;
            char what[256], ip[INET_ADDRSTRLEN];
            snprintf(what, sizeof(what), "services.%s.ports[%d]", s->name, k);
            if (ports_parse(s->ports[k].spec, &p) == -1)
                return compose_fail_at(f, s->ports[k].line, what);
            for (int j = 0; p.host_port && j < n; j++) {
                const struct port_spec *q = &seen[j].p;
                const struct compose_service *o = &f->services[seen[j].service];
                if (q->host_port != p.host_port || q->proto != p.proto ||
                    (q->host_ip && p.host_ip && q->host_ip != p.host_ip))
                    continue;
                mc_error_code("port_in_use");
                return compose_error(
                    f, s->ports[k].line, what,
                    "host port %u/%s is published twice: "
                    "also by services.%s.ports[%d] (line %d)",
                    p.host_port, p.proto == IPPROTO_UDP ? "udp" : "tcp",
                    o->name, seen[j].index, o->ports[seen[j].index].line);
            }
            if (p.host_port && !skip[i] && !port_free(&p)) {
                mc_error_code("port_in_use");
                return compose_error(f, s->ports[k].line, what,
                                     "host port %s:%u/%s is in use here",
                                     ct_ip_str(p.host_ip, ip), p.host_port,
                                     p.proto == IPPROTO_UDP ? "udp" : "tcp");
            }
            seen[n].p = p;
            seen[n].service = i;
            seen[n++].index = k;
        }
    }
    return 0;
}

/* ---- a service, as a container ----------------------------------------- */

static char *
label(const char *key, const char *value)
{
    char *kv;
    return asprintf(&kv, "%s=%s", key, value) == -1 ? NULL : kv;
}

int
compose_service_container(const struct compose_file *f,
                          const struct compose_service *s, struct container *c,
                          bool with_mounts)
{
    static char *none[1] = {NULL};
    struct run_request r = {0};
    char what[256];

    container_init(c);
    /* check_file made sure that the name fits */
    snprintf(c->name, sizeof(c->name), "%.40s-%.20s-1", f->project, s->name);
    c->labels = calloc(4, sizeof(char *));
    c->labels[0] = label(LABEL_PROJECT, f->project);
    c->labels[1] = label(LABEL_SERVICE, s->name);
    c->labels[2] = label(LABEL_NUMBER, "1");
    r.image = s->image;
    r.user = s->user;
    r.env = (char **)s->env;
    r.nenv = s->nenv;
    if (s->entrypoint) /* as --entrypoint: the image's CMD goes too */
        r.entrypoint = s->entrypoint[0] ? s->entrypoint : none;
    r.cmd = s->command;
    for (char **a = s->command; a && *a; a++)
        r.ncmd++;
    c->workdir = s->working_dir;
    c->limits = s->limits;
    c->healthcheck = s->health; /* shared, not copied: the file stays */
    snprintf(what, sizeof(what), "services.%s.restart", s->name);
    if (s->restart && run_parse_restart(c, s->restart) == -1)
        return compose_fail_at(f, s->restart_line, what);
    snprintf(what, sizeof(what), "services.%s", s->name);
    if (run_prepare(c, &r) == -1)
        return compose_fail_at(
            f,
            !strcmp(mc_get_error_code(), "no_such_image")       ? s->image_line
                : s->user && strstr(ct_error_message(), "user") ? s->user_line
                                                                : s->line,
            what);
    for (int i = 0; with_mounts && i < s->nmounts; i++) {
        const struct compose_mount *m = &s->mounts[i];
        char *spec, src[4096];
        int kind = m->type == MOUNT_TMPFS ? RUN_TMPFS : RUN_VOLUME;
        if (m->type == MOUNT_BIND)
            bind_source(f, m->source, src, sizeof(src));
        else
            snprintf(src, sizeof(src), "%s_%s", f->project,
                     m->source ? m->source : "");
        if (asprintf(&spec, "%s%s%s%s",
                     m->source || m->type == MOUNT_BIND ? src : "",
                     m->source || m->type == MOUNT_BIND ? ":" : "", m->target,
                     m->ro ? ":ro" : "") == -1)
            return ct_fail_errno("asprintf");
        if (m->type == MOUNT_TMPFS) /* --tmpfs CTR */
            snprintf(spec, strlen(spec) + 1, "%s", m->target);
        snprintf(what, sizeof(what), "services.%s.volumes[%d]", s->name, i);
        if (run_add_mount(c, kind, spec) == -1)
            return compose_fail_at(f, m->line, what);
    }
    return 0;
}

/* The network flags of a service: the project network, its name as an
 * alias (how the others reach it), its ports. */
static void
service_net_flags(const struct compose_file *f, const struct compose_service *s,
                  struct net_flags *nf, char *network, size_t size)
{
    memset(nf, 0, sizeof(*nf));
    compose_network_name(f, s, network, size);
    nf->network = network;
    nf->aliases[nf->naliases++] = s->name;
    for (int i = 0; i < s->nports; i++)
        nf->publish[nf->npublish++] = s->ports[i].spec;
}

/* Everything the file asks, checked, the file's own rules first
 * (names, networks, dependencies, mounts, ports), then what needs the
 * images: each service converted (without mounts, which would make
 * volumes). running: services left as they are (their ports are theirs). */
static int
check_file(const struct compose_file *f, struct container *cs,
           const bool *running)
{
    int hold, rc = 0;

    if (geteuid() != 0) { /* a project network is a bridge: root's */
        mc_error_code("not_supported");
        return compose_error(f, 0, "services", "%s",
                             "compose needs root for now: its project "
                             "network is a bridge, and rootless networks are "
                             "not here yet");
    }
    if (f->pod && compose_pod_check(f) == -1)
        return -1;
    for (int i = 0; i < f->nservices && rc == 0; i++) {
        const struct compose_service *s = &f->services[i];
        char what[256];
        snprintf(what, sizeof(what), "services.%s", s->name);
        if (strlen(f->project) + strlen(s->name) > 60 || strlen(s->name) > 20)
            rc = compose_error(f, s->line, what,
                               "the container name %s-%s-1 would be too "
                               "long: at most 20 characters for a service, "
                               "63 in all",
                               f->project, s->name);
        else if (s->network && strcmp(s->network, "default") &&
                 compose_find_network(f, s->network) < 0)
            rc = compose_error(f, s->network_line, "networks",
                               "network '%s' is not declared in the "
                               "top-level networks:",
                               s->network);
        else
            rc = check_mounts(f, s);
    }
    if (rc == 0)
        rc = check_dependencies(f);
    if (rc == 0)
        rc = check_ports(f, running);
    if (rc == -1 || (hold = store_hold(false)) == -1)
        return -1;
    for (int i = 0; i < f->nservices && rc == 0; i++)
        rc = compose_service_container(f, &f->services[i], &cs[i], false);
    store_release(hold);
    return rc;
}

/* ---- the project's containers ------------------------------------------ */

struct members {
    const char *project;
    char ids[COMPOSE_MAX_SERVICES * 2][MC_ID_LEN + 1];
    char services[COMPOSE_MAX_SERVICES * 2][64];
    int64_t created[COMPOSE_MAX_SERVICES * 2];
    int n;
};

static int
member(struct container *c, void *arg)
{
    struct members *m = arg;
    const char *p = container_label(c, LABEL_PROJECT), *s;

    if (!p || strcmp(p, m->project) || m->n == COMPOSE_MAX_SERVICES * 2)
        return 0;
    s = container_label(c, LABEL_SERVICE);
    snprintf(m->ids[m->n], sizeof(m->ids[0]), "%s", c->id);
    snprintf(m->services[m->n], sizeof(m->services[0]), "%s", s ? s : "");
    m->created[m->n++] = c->created_ns;
    return 0;
}

static void
find_members(const char *project, struct members *m)
{
    memset(m, 0, sizeof(*m));
    m->project = project;
    containers_collect();
    state_each(member, m);
}

/* The container of a service: 0, or -1 (no_such_container). */
static int
service_container(const char *project, const char *service, struct container *c)
{
    struct members m;

    find_members(project, &m);
    for (int i = 0; i < m.n; i++)
        if (!strcmp(m.services[i], service))
            return state_load(m.ids[i], c);
    mc_error_code("no_such_container");
    return ct_fail("no container of service '%s' in project '%s' (see "
                   "'minictr compose ps')",
                   service, project);
}

/* The project's pod (x-minictr pod mode): 0, or -1 (quietly: the project
 * may run a container per service). */
static int
find_pod(const char *project, struct container *c)
{
    struct members m;

    find_members(project, &m);
    for (int i = 0; i < m.n; i++) {
        if (state_load(m.ids[i], c) == -1)
            continue;
        if (c->pod)
            return 0;
        state_free(c);
    }
    ct_clear_error();
    mc_error_code(NULL);
    return -1;
}

/* ---- waiting for conditions -------------------------------------------- */

/* The watch on the state directory: a record replaced (rename: IN_MOVED_TO)
 * or removed wakes us. */
static int
watch_records(void)
{
    int fd;

    /* a first container may not have made the directory yet */
    if (userns_make_state_dir() == -1)
        return ct_fail_errno("mkdir '%s'", mc_state_dir());
    fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd == -1)
        return ct_fail_errno("inotify_init1");
    if (inotify_add_watch(fd, mc_state_dir(), IN_MOVED_TO | IN_DELETE) == -1) {
        close(fd);
        return ct_fail_errno("inotify_add_watch '%s'", mc_state_dir());
    }
    return fd;
}

/* Wait for a change (or a second: a monitor that died writes nothing,
 * and only its lock tells); then drain the events. */
static void
wait_change(int fd)
{
    char buf[4096] __attribute__((aligned(8)));
    struct pollfd p = {fd, POLLIN, 0};

    poll(&p, 1, 1000);
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

/* 1 when dependency `name` meets cond, 0 not yet, -1 never (the error
 * says why, as Compose says it). */
static int
condition_met(const char *name, enum dep_condition cond)
{
    /* LAB compose.2: started, healthy, completed: now, not yet, or never */
    struct container c;
    const char *st;
    int rc = 0;

    if (container_find(name, &c) == -1)
        return -1;
    st = container_real_status(&c);
    if (cond == DEP_COMPLETED) {
        if (!strcmp(st, ST_EXITED) || !strcmp(st, ST_DEAD))
            rc = c.exit_code == 0
                ? 1
                : ct_fail("dependency failed to start: container %s didn't "
                          "complete successfully: exit %d",
                          name, c.exit_code);
    } else if (strcmp(st, ST_RUNNING) && strcmp(st, ST_CREATED) &&
               strcmp(st, ST_RESTARTING)) {
        rc = ct_fail("dependency failed to start: container %s exited (%d)",
                     name, c.exit_code);
    } else if (cond == DEP_STARTED) {
        rc = !strcmp(st, ST_RUNNING) || c.started_ns ? 1 : 0;
    } else if (!c.healthcheck.test) {
        rc = ct_fail("dependency failed to start: container %s has no "
                     "healthcheck configured",
                     name);
    } else if (!strcmp(c.health.status, HEALTH_HEALTHY)) {
        rc = 1;
    } else if (!strcmp(c.health.status, HEALTH_UNHEALTHY)) {
        rc = ct_fail("dependency failed to start: container %s is unhealthy",
                     name);
    }
    state_free(&c);
    return rc;
    /* END LAB */
}

static int
wait_condition(int watch, const char *name, enum dep_condition cond)
{
    static const char *const words[] = {"Started", "Healthy", "Exited"};
    int rc;

    say("Container", name, "Waiting");
    while ((rc = condition_met(name, cond)) == 0)
        wait_change(watch);
    if (rc == 1)
        say("Container", name, words[cond]);
    return rc == 1 ? 0 : -1;
}

/* ---- up ---------------------------------------------------------------- */

static int
ensure_networks(const struct compose_file *f)
{
    for (int i = 0; i < f->nservices; i++) {
        const struct compose_service *s = &f->services[i];
        int k = compose_find_network(f, s->network ? s->network : "default");
        struct network n;
        char name[128];
        bool again = false;

        compose_network_name(f, s, name, sizeof(name));
        for (int j = 0; j < i; j++) {
            const char *o = f->services[j].network;
            again = again ||
                !strcmp(o ? o : "default", s->network ? s->network : "default");
        }
        if (again || network_load(name, &n) == 0)
            continue;
        ct_clear_error();
        mc_error_code(NULL);
        if (network_make(name, k >= 0 ? f->networks[k].subnet : NULL,
                         k >= 0 ? f->networks[k].gateway : NULL, &n) == -1)
            return -1;
        say("Network", name, "Created");
    }
    return 0;
}

/* Services whose container runs already (up twice): left as they are. */
static void
find_running(const struct compose_file *f, bool *running)
{
    for (int i = 0; i < f->nservices; i++) {
        struct container c;
        running[i] = false;
        if (service_container(f->project, f->services[i].name, &c) == 0) {
            running[i] = !strcmp(container_real_status(&c), ST_RUNNING);
            if (!running[i]) /* stopped: made again, from the file */
                container_remove(c.id, true, false);
            state_free(&c);
        }
        ct_clear_error();
        mc_error_code(NULL);
    }
}

static int
start_service(const struct compose_file *f, int i, int watch)
{
    const struct compose_service *s = &f->services[i];
    static struct container c;
    struct net_flags nf;
    char network[128];
    int hold;

    for (int d = 0; d < s->ndeps; d++) {
        char dep[128];
        snprintf(dep, sizeof(dep), "%s-%s-1", f->project, s->deps[d].service);
        if (wait_condition(watch, dep, s->deps[d].condition) == -1)
            return -1;
    }
    hold = store_hold(false);
    if (hold == -1)
        return -1;
    service_net_flags(f, s, &nf, network, sizeof(network));
    if (compose_service_container(f, s, &c, true) == -1 ||
        network_configure(&c, &nf) == -1 || container_create(&c) == -1) {
        store_release(hold);
        return -1;
    }
    store_release(hold);
    say("Container", c.name, "Created");
    if (container_start(&c, true) != 0)
        return -1;
    say("Container", c.name, "Started");
    return 0;
}

/* --wait: every service running, and healthy when it has a check. */
static int
wait_all(const struct compose_file *f, int watch)
{
    for (int i = 0; i < f->nservices; i++) {
        char name[128];
        snprintf(name, sizeof(name), "%s-%s-1", f->project,
                 f->services[i].name);
        if (wait_condition(watch, name,
                           f->services[i].health.test ? DEP_HEALTHY
                                                      : DEP_STARTED) == -1)
            return -1;
    }
    return 0;
}

static int follow_logs(const char *project, char **services, int n, bool follow,
                       bool timestamps, int stop_fd);
static int down(const char *project, int seconds, bool volumes);

/* Ctrl-C and kill as reads on an fd (the logs' loop polls it). */
static int
signal_fd(void)
{
    sigset_t mask;

    /* An ignored signal is dropped, blocked or not: a shell starts its
     * background jobs with SIGINT ignored, and we want it (as Go's
     * signal.Notify, which docker compose uses, takes it back too). */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    return signalfd(-1, &mask, SFD_CLOEXEC);
}

static int stop_project(const char *project, int seconds, bool remove,
                        bool volumes);

/* x-minictr pod mode: one container (compose_pod.c). Up twice: a pod
 * that runs is left as it is. */
static int
up_pod(struct compose_file *f, bool detach, bool wait)
{
    static struct container cs[COMPOSE_MAX_SERVICES], pod;
    bool running[COMPOSE_MAX_SERVICES] = {false};
    int rc;

    if (find_pod(f->project, &pod) == 0) {
        if (!strcmp(container_real_status(&pod), ST_RUNNING)) {
            say("Container", pod.name, "Running");
            return wait ? compose_pod_wait(&pod) : 0;
        }
        container_remove(pod.id, true, false); /* made again, from the file */
        state_free(&pod);
    }
    if (check_file(f, cs, running) == -1 || ensure_networks(f) == -1 ||
        compose_pod_up(f, cs, &pod) == -1)
        return -1;
    rc = wait ? compose_pod_wait(&pod) : 0;
    if (rc == -1 || detach)
        return rc;
    /* attached: the services' logs, until Ctrl-C; then stop the pod */
    if (compose_pod_logs(&pod, NULL, 0, true, signal_fd()) == 1) {
        fprintf(stderr,
                "Gracefully stopping... (press Ctrl+C again to "
                "force)\n");
        return stop_project(f->project, 10, false, false);
    }
    return 0;
}

static int
up(struct compose_file *f, bool detach, bool wait)
{
    static struct container cs[COMPOSE_MAX_SERVICES];
    bool running[COMPOSE_MAX_SERVICES];
    int order[COMPOSE_MAX_SERVICES], watch, rc = 0;

    if (f->pod)
        return up_pod(f, detach, wait);
    find_running(f, running);
    if (check_file(f, cs, running) == -1)
        return -1;
    if (ensure_networks(f) == -1 || (watch = watch_records()) == -1)
        return -1;
    compose_order(f, order);
    for (int k = 0; k < f->nservices && rc == 0; k++) {
        if (running[order[k]]) {
            char name[128];
            snprintf(name, sizeof(name), "%s-%s-1", f->project,
                     f->services[order[k]].name);
            say("Container", name, "Running");
            continue;
        }
        rc = start_service(f, order[k], watch);
    }
    if (rc == 0 && wait)
        rc = wait_all(f, watch);
    close(watch);
    if (rc == -1 || detach)
        return rc;
    /* attached: the logs of all, until Ctrl-C; then stop them */
    if (follow_logs(f->project, NULL, 0, true, false, signal_fd()) == 1) {
        fprintf(stderr,
                "Gracefully stopping... (press Ctrl+C again to "
                "force)\n");
        return stop_project(f->project, 10, false, false);
    }
    return 0;
}

/* ---- down, stop -------------------------------------------------------- */

/* The project's containers, the last started first (dependants before
 * what they depend on, since they were created after it). */
static int
by_created_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void
members_newest_first(struct members *m)
{
    struct {
        int64_t created;
        int i;
    } keys[COMPOSE_MAX_SERVICES * 2];
    struct members copy = *m;

    for (int i = 0; i < m->n; i++) {
        keys[i].created = m->created[i];
        keys[i].i = i;
    }
    qsort(keys, (size_t)m->n, sizeof(keys[0]), by_created_desc);
    for (int k = 0; k < m->n; k++) {
        int i = keys[k].i;
        memcpy(m->ids[k], copy.ids[i], sizeof(m->ids[0]));
        memcpy(m->services[k], copy.services[i], sizeof(m->services[0]));
        m->created[k] = copy.created[i];
    }
}

/* stop, as `minictr stop -t SECONDS`: the monitor answers once the
 * container is down; then it cleans up. */
static void
stop_one(struct container *c, int seconds)
{
    json_object *r;

    say("Container", c->name, "Stopping");
    r = ctl_call(c, "stop %d", seconds);
    json_object_put(r);
    ct_clear_error();
    say("Container", c->name, "Stopped");
}

/* Stop the project's containers, the newest first; with remove, rm -f
 * each (waits until its monitor let go, then removes it all; with
 * volumes, its anonymous volumes too). */
static int
stop_project(const char *project, int seconds, bool remove, bool volumes)
{
    struct members m;
    int rc = 0;

    find_members(project, &m);
    members_newest_first(&m);
    for (int i = 0; i < m.n; i++) {
        struct container c;
        if (state_load(m.ids[i], &c) == -1)
            continue;
        if (container_monitor_alive(&c))
            stop_one(&c, seconds);
        if (remove && container_remove(c.id, true, volumes) == -1)
            rc = -1;
        else if (remove)
            say("Container", c.name, "Removed");
        state_free(&c);
    }
    return rc;
}

struct prefix {
    char prefix[128];
    char names[64][128];
    int n;
};

static int
network_of_project(struct network *n, void *arg)
{
    struct prefix *p = arg;

    if (!strncmp(n->name, p->prefix, strlen(p->prefix)) && p->n < 64)
        snprintf(p->names[p->n++], sizeof(p->names[0]), "%s", n->name);
    return 0;
}

static int
down(const char *project, int seconds, bool volumes)
{
    struct prefix nets = {0};
    int rc = stop_project(project, seconds, true, volumes);

    fflush(stdout);
    snprintf(nets.prefix, sizeof(nets.prefix), "%s_", project);
    network_each(network_of_project, &nets);
    for (int i = 0; i < nets.n; i++) {
        if (network_remove(nets.names[i]) == -1)
            rc = -1;
        else
            say("Network", nets.names[i], "Removed");
    }
    for (int i = 0; volumes && i < file.nvolumes; i++) {
        char name[128], path[4096];
        snprintf(name, sizeof(name), "%s_%s", project, file.volumes[i]);
        if (volume_path(name, false, path, sizeof(path)) == -1) {
            ct_clear_error();
            mc_error_code(NULL);
            continue;
        }
        if (volume_remove(name) == -1)
            rc = -1;
        else
            say("Volume", name, "Removed");
    }
    return rc;
}

/* ---- ps ---------------------------------------------------------------- */

static void
status_words(const struct container *c, const char *status, char *buf,
             size_t size)
{
    char ago[48];
    const char *h = c->health.status;

    if (!strcmp(status, ST_RUNNING)) {
        human_duration(mc_now_ns() - c->started_ns, ago, sizeof(ago));
        snprintf(buf, size, "Up %s%s%s%s", ago,
                 *h ? (!strcmp(h, HEALTH_STARTING) ? " (health: " : " (") : "",
                 h, *h ? ")" : "");
    } else if (!strcmp(status, ST_EXITED) || !strcmp(status, ST_DEAD) ||
               !strcmp(status, ST_RESTARTING)) {
        human_duration(mc_now_ns() - c->finished_ns, ago, sizeof(ago));
        snprintf(buf, size, "%s (%d) %s ago",
                 !strcmp(status, ST_RESTARTING) ? "Restarting" : "Exited",
                 c->exit_code, ago);
    } else {
        snprintf(buf, size, "%s", status);
    }
}

/* Compose lists the services by name. */
static void
sort_by_service(struct members *m, int *order)
{
    for (int i = 0; i < m->n; i++) {
        int k = i;
        while (k > 0 && strcmp(m->services[order[k - 1]], m->services[i]) > 0) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
}

static int
ps(const char *project, bool all)
{
    struct members m;
    json_object *rows = json_object_new_array();
    int order[COMPOSE_MAX_SERVICES * 2];

    find_members(project, &m);
    sort_by_service(&m, order);
    if (!mc_json)
        printf("%-28s %-16s %-12s %-34s %s\n", "NAME", "IMAGE", "SERVICE",
               "STATUS", "PORTS");
    for (int k = 0; k < m.n; k++) {
        struct container c;
        char st[96], ports[512];
        const char *status;
        int i = order[k];

        if (state_load(m.ids[i], &c) == -1)
            continue;
        status = container_real_status(&c);
        if (!all && strcmp(status, ST_RUNNING) &&
            strcmp(status, ST_RESTARTING)) {
            state_free(&c);
            continue;
        }
        status_words(&c, status, st, sizeof(st));
        ports[0] = '\0';
        if (!strcmp(status, ST_RUNNING))
            ports_format(&c, ports, sizeof(ports));
        if (mc_json) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "name", json_object_new_string(c.name));
            json_object_object_add(o, "service",
                                   json_object_new_string(m.services[i]));
            json_object_object_add(o, "image", json_object_new_string(c.image));
            json_object_object_add(o, "status", json_object_new_string(status));
            json_object_object_add(o, "health",
                                   json_object_new_string(c.health.status));
            json_object_object_add(o, "exit_code",
                                   json_object_new_int(c.exit_code));
            json_object_object_add(o, "pid", json_object_new_int(c.pid));
            json_object_object_add(o, "restart_count",
                                   json_object_new_int(c.restart_count));
            json_object_object_add(o, "ports", json_object_new_string(ports));
            json_object_array_add(rows, o);
        } else {
            printf("%-28s %-16s %-12s %-34s %s\n", c.name, c.image,
                   m.services[i], st, ports);
        }
        state_free(&c);
    }
    if (mc_json)
        printf(
            "%s\n",
            json_object_to_json_string_ext(
                rows, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(rows);
    return 0;
}

/* ---- logs -------------------------------------------------------------- */

/* One container's json-file log, read as it grows. */
struct log_source {
    char name[96];
    char id[MC_ID_LEN + 1];
    char path[4400];
    int fd;
    char partial[16384];
    size_t len;
};

struct record {
    int64_t time;
    int src;
    char *line; /* the record's JSON */
};

static int
by_time(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    return x->time < y->time ? -1 : x->time > y->time;
}

/* "NAME  | text", with the record's time in front of the text with -t
 * (Compose's format). */
static void
print_record(const struct log_source *s, const char *json, bool timestamps,
             int width)
{
    json_object *o = json_tokener_parse(json), *v;
    const char *text = "", *time = "";
    size_t len;

    if (!o)
        return;
    if (json_object_object_get_ex(o, "log", &v))
        text = json_object_get_string(v);
    if (json_object_object_get_ex(o, "time", &v))
        time = json_object_get_string(v);
    len = strlen(text);
    printf("%-*s | %s%s%.*s\n", width, s->name, timestamps ? time : "",
           timestamps ? " " : "",
           (int)(len && text[len - 1] == '\n' ? len - 1 : len), text);
    json_object_put(o);
}

static int64_t
record_time(const char *json)
{
    const char *t = strstr(json, "\"time\":\"");
    char buf[64];

    if (!t)
        return 0;
    snprintf(buf, sizeof(buf), "%.40s", t + 8);
    buf[strcspn(buf, "\"")] = '\0';
    return mc_parse_time(buf);
}

/* What is in src's file now: whole lines, each a record. */
static int
read_source(struct log_source *src, int index, struct record **recs, int *n,
            int *cap)
{
    char buf[32768];
    ssize_t got;

    while (src->fd >= 0 && (got = read(src->fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < got; i++) {
            if (buf[i] != '\n') {
                if (src->len < sizeof(src->partial) - 1)
                    src->partial[src->len++] = buf[i];
                continue;
            }
            src->partial[src->len] = '\0';
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 256;
                *recs = realloc(*recs, (size_t)*cap * sizeof(**recs));
            }
            (*recs)[*n].line = strdup(src->partial);
            (*recs)[*n].time = record_time(src->partial);
            (*recs)[(*n)++].src = index;
            src->len = 0;
        }
    }
    return 0;
}

static bool
any_running(const char *project)
{
    struct members m;

    find_members(project, &m);
    for (int i = 0; i < m.n; i++)
        if (container_id_alive(m.ids[i]))
            return true;
    return false;
}

/* Print the logs of the project's containers (those of `services`, when
 * given), merged by time; with follow, then what comes, until none runs
 * or stop_fd is readable. Returns 1 when stop_fd ended it. */
static int
follow_logs(const char *project, char **services, int nservices, bool follow,
            bool timestamps, int stop_fd)
{
    static struct log_source srcs[COMPOSE_MAX_SERVICES * 2];
    struct record *recs = NULL;
    struct members m;
    int n = 0, nrecs = 0, cap = 0, width = 0, inot = -1, watch = -1, rc = 0;

    find_members(project, &m);
    for (int i = m.n - 1; i >= 0; i--) {
        struct container c;
        bool wanted = nservices == 0;
        for (int k = 0; k < nservices; k++)
            wanted = wanted || !strcmp(services[k], m.services[i]);
        if (!wanted || state_load(m.ids[i], &c) == -1)
            continue;
        snprintf(srcs[n].name, sizeof(srcs[n].name), "%s", c.name);
        snprintf(srcs[n].id, sizeof(srcs[n].id), "%s", c.id);
        log_path(&c, srcs[n].path, sizeof(srcs[n].path));
        srcs[n].fd = open(srcs[n].path, O_RDONLY | O_CLOEXEC);
        srcs[n].len = 0;
        if ((int)strlen(c.name) > width)
            width = (int)strlen(c.name);
        n++;
        state_free(&c);
    }
    for (int i = 0; i < n; i++)
        read_source(&srcs[i], i, &recs, &nrecs, &cap);
    qsort(recs, (size_t)nrecs, sizeof(*recs), by_time);
    for (int i = 0; i < nrecs; i++) {
        print_record(&srcs[recs[i].src], recs[i].line, timestamps, width);
        free(recs[i].line);
    }
    fflush(stdout);
    nrecs = 0;
    if (follow) {
        /* inotify(7): each log file's growth, and the records (a
         * container that stops ends the following when it was the last). */
        inot = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        watch = watch_records();
        for (int i = 0; inot >= 0 && i < n; i++)
            inotify_add_watch(inot, srcs[i].path, IN_MODIFY);
    }
    while (follow && inot >= 0 && watch >= 0) {
        struct pollfd p[3] = {
            {inot, POLLIN, 0}, {watch, POLLIN, 0}, {stop_fd, POLLIN, 0}};
        char buf[4096] __attribute__((aligned(8)));

        if (poll(p, 3, 1000) == -1 && errno != EINTR)
            break;
        if (p[2].revents) {
            rc = 1;
            break;
        }
        while (read(inot, buf, sizeof(buf)) > 0)
            ;
        while (read(watch, buf, sizeof(buf)) > 0)
            ;
        for (int i = 0; i < n; i++) {
            if (srcs[i].fd < 0) /* made after we looked: open it now */
                srcs[i].fd = open(srcs[i].path, O_RDONLY | O_CLOEXEC);
            read_source(&srcs[i], i, &recs, &nrecs, &cap);
        }
        for (int i = 0; i < nrecs; i++) {
            print_record(&srcs[recs[i].src], recs[i].line, timestamps, width);
            free(recs[i].line);
        }
        nrecs = 0;
        fflush(stdout);
        if (!any_running(project))
            break;
    }
    for (int i = 0; i < n; i++)
        if (srcs[i].fd >= 0)
            close(srcs[i].fd);
    if (inot >= 0)
        close(inot);
    if (watch >= 0)
        close(watch);
    free(recs);
    ct_clear_error();
    return rc;
}

/* ---- exec, restart ----------------------------------------------------- */

static int
find_for_exec(const char *service, struct container *c)
{
    static struct container pod;

    if (find_pod(file.project, &pod) == 0)
        return compose_pod_service(&pod, service, c);
    return service_container(file.project, service, c);
}

static int
restart(const char *project, char **services, int n)
{
    int rc = 0;

    for (int i = 0; i < n; i++) {
        struct container c;
        char *argv[3] = {"restart", c.name, NULL};
        if (service_container(project, services[i], &c) == -1) {
            rc = -1;
            continue;
        }
        /* minictr restart NAME: the same stop and start */
        argv[1] = c.name;
        optind = 0;
        if (cmd_restart(2, argv) != 0)
            rc = -1;
        state_free(&c);
    }
    return rc;
}

/* ---- the command ------------------------------------------------------- */

static void
compose_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr compose [-f FILE] [-p NAME] COMMAND\n"
            "\n"
            "  up [-d] [--wait]       create and start the services, each\n"
            "                         after its depends_on conditions hold\n"
            "  down [-v] [-t N]       stop and remove them, and the network\n"
            "                         (-v: the named volumes too)\n"
            "  ps [-a]                the services and their health\n"
            "  logs [-f] [-t] [SERVICE...]  what they printed\n"
            "  exec [-e K=V] [-w DIR] [-u USER] SERVICE CMD...\n"
            "  restart SERVICE...\n"
            "\n"
            "  -f FILE   compose.yaml, compose.yml, docker-compose.yaml or\n"
            "            docker-compose.yml here by default\n"
            "  -p NAME   the project (default: the file's name:, or its\n"
            "            directory's)\n"
            "\n"
            "A container per service (PROJECT-SERVICE-1) on PROJECT_default,\n"
            "each reachable by its service name. With x-minictr: {pod: true}\n"
            "at the top of the file, one container (PROJECT-pod) holds every\n"
            "service, as StartOS runs an app: one IP, one cgroup, a service\n"
            "manager as its PID 1 that runs each service in its own image's\n"
            "root and cgroup (its control socket: JSON-RPC 2.0).\n");
}

static const char *
default_file(void)
{
    static const char *const names[] = {"compose.yaml", "compose.yml",
                                        "docker-compose.yaml",
                                        "docker-compose.yml"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (access(names[i], F_OK) == 0)
            return names[i];
    return NULL;
}

/* "-t 5", "-d", "-v", "--wait" ... of a subcommand: flags before the
 * first word that is not one. */
static bool
take_flag(int *argc, char ***argv, const char *a, const char *b)
{
    if (*argc > 1 &&
        (!strcmp((*argv)[1], a) || (b && !strcmp((*argv)[1], b)))) {
        (*argv)[1] = (*argv)[0];
        (*argv)++;
        (*argc)--;
        return true;
    }
    return false;
}

int
cmd_compose(int argc, char **argv)
{
    static const struct option opts[] = {
        {"file", required_argument, NULL, 'f'},
        {"project-name", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    static struct container pod;
    const char *path = NULL, *project = NULL, *cmd;
    int opt;

    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+f:p:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': path = optarg; break;
        case 'p': project = optarg; break;
        case 'h': compose_usage(stdout); return 0;
        default:
            return mc_usage_error("unknown or incomplete option '%s' (see "
                                  "'minictr compose --help')",
                                  argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        compose_usage(stderr);
        return mc_usage_error("%s",
                              "no command (up, down, ps, logs, exec, "
                              "restart)");
    }
    cmd = argv[optind];
    argc -= optind;
    argv += optind;
    if (!path)
        path = default_file();
    if (path && compose_load(path, &file) == -1)
        return -1;
    /* down, ps and logs work from -p alone, without the file */
    if (!path &&
        (!project ||
         (strcmp(cmd, "down") && strcmp(cmd, "ps") && strcmp(cmd, "logs"))))
        return mc_usage_error("%s", "no compose.yaml here: give -f FILE");
    if (!path)
        snprintf(file.dir, sizeof(file.dir), "/");
    if (set_project(&file, project) == -1)
        return -1;
    if (!strcmp(cmd, "up")) {
        bool detach = false, wait = false, again = true;
        while (again) {
            again = false;
            if (take_flag(&argc, &argv, "-d", "--detach"))
                again = detach = true;
            if (take_flag(&argc, &argv, "--wait", NULL))
                again = wait = detach = true;
        }
        if (argc > 1)
            return mc_usage_error("unknown up option '%s' (up [-d] [--wait])",
                                  argv[1]);
        return up(&file, detach, wait);
    }
    if (!strcmp(cmd, "down") || !strcmp(cmd, "stop")) {
        bool volumes = false, again = true;
        int seconds = 10;
        while (again) {
            uint64_t t;
            again = false;
            if (take_flag(&argc, &argv, "-v", "--volumes"))
                again = volumes = true;
            if (argc > 2 &&
                (!strcmp(argv[1], "-t") || !strcmp(argv[1], "--timeout"))) {
                if (ct_parse_u64(argv[2], &t) == -1 || t > 3600)
                    return mc_usage_error("bad -t '%s'", argv[2]);
                seconds = (int)t;
                argv[2] = argv[0];
                argv += 2;
                argc -= 2;
                again = true;
            }
        }
        if (argc > 1)
            return mc_usage_error("unknown %s option '%s'", cmd, argv[1]);
        return !strcmp(cmd, "stop")
            ? stop_project(file.project, seconds, false, false)
            : down(file.project, seconds, volumes);
    }
    if (!strcmp(cmd, "ps")) {
        bool all = take_flag(&argc, &argv, "-a", "--all");
        return find_pod(file.project, &pod) == 0 ? compose_pod_ps(&pod)
                                                 : ps(file.project, all);
    }
    if (!strcmp(cmd, "logs")) {
        bool follow = false, ts = false, again = true;
        while (again) {
            again = false;
            if (take_flag(&argc, &argv, "-f", "--follow"))
                again = follow = true;
            if (take_flag(&argc, &argv, "-t", "--timestamps"))
                again = ts = true;
        }
        if (find_pod(file.project, &pod) == 0)
            return compose_pod_logs(&pod, argv + 1, argc - 1, follow,
                                    signal_fd()) == -1
                ? -1
                : 0;
        return follow_logs(file.project, argv + 1, argc - 1, follow, ts, -1) ==
                -1
            ? -1
            : 0;
    }
    if (!strcmp(cmd, "exec")) {
        argv[0] = "exec";
        return cmd_exec_with(argc, argv, find_for_exec);
    }
    if (!strcmp(cmd, "restart")) {
        if (argc < 2)
            return mc_usage_error("%s",
                                  "usage: minictr compose restart "
                                  "SERVICE...");
        if (find_pod(file.project, &pod) == 0)
            return compose_pod_restart(&pod, argv + 1, argc - 1);
        return restart(file.project, argv + 1, argc - 1);
    }
    return mc_usage_error("unknown compose command '%s' (up, down, ps, logs, "
                          "exec, restart)",
                          cmd);
}
