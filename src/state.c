/*
 * state.c: one JSON record per container, MINICTR_STATE/ID.json (default
 * /run/minictr, a tmpfs: records vanish at reboot, as the containers do).
 *
 * The record holds everything about a container: what it was made with
 * (image, command, flags), so that `start`, a restart policy and `exec`
 * can do it again, and what happened to it (status, pids, exit code,
 * times, the cgroups made for it). Every other command reads it, so a
 * record is never seen half-written: it is written to a temporary file in
 * the same directory and renamed over the old one (rename(2) is atomic).
 * Try: sudo ls /run/minictr; sudo jq . /run/minictr/ID.json
 * (A user's records: $XDG_RUNTIME_DIR/minictr, or /tmp/minictr-run-UID.)
 *
 * JSON library: json-c (libjson-c-dev). It is in Debian and Ubuntu, small,
 * C-only, and builds and parses objects with one call each. Its getters
 * coerce (a missing key reads as 0), which is what we want for optional
 * fields of our own records.
 */
#include "minictr.h"

#include "inet.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- times ------------------------------------------------------------- */

int64_t
mc_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int64_t
mc_monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
mc_format_time(int64_t ns, char *buf, size_t size)
{
    time_t sec = (time_t)(ns / 1000000000);
    struct tm tm;
    size_t n;

    if (ns <= 0) {
        snprintf(buf, size, "0001-01-01T00:00:00Z");
        return;
    }
    gmtime_r(&sec, &tm);
    n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, size - n, ".%09" PRId64 "Z", ns % 1000000000);
}

int64_t
mc_parse_time(const char *s)
{
    struct tm tm = {0};
    char frac[16] = "";
    int64_t ns = 0;
    const char *rest;

    if (!strncmp(s, "0001-01-01", 10))
        return 0;
    rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest)
        return -1;
    if (*rest == '.' && sscanf(rest + 1, "%9[0-9]", frac) == 1) {
        size_t digits = strlen(frac);
        ns = strtoll(frac, NULL, 10);
        for (; digits < 9; digits++)
            ns *= 10;
        rest += 1 + strspn(rest + 1, "0123456789");
    }
    if (*rest != 'Z')
        return -1;
    return (int64_t)timegm(&tm) * 1000000000 + ns;
}

/* A process's state letter (R, S, Z...) and start time since boot, in
 * clock ticks (field 22 of /proc/PID/stat): with the pid, the start time
 * names one process, never a later one that got the same pid. */
int
mc_pid_stat(pid_t pid, char *state, uint64_t *start)
{
    char path[64], buf[1024], *p;
    unsigned long long ticks;
    char st;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (pid <= 0 || ct_read_file(path, buf, sizeof(buf)) <= 0 ||
        !(p = strrchr(buf, ')')) ||
        sscanf(p + 2,
               "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d "
               "%*d %*d %*d %*d %*d %llu",
               &st, &ticks) != 2)
        return -1;
    if (state)
        *state = st;
    if (start)
        *start = ticks;
    return 0;
}

uint64_t
mc_pid_start_time(pid_t pid)
{
    uint64_t start = 0;

    return mc_pid_stat(pid, NULL, &start) == 0 ? start : 0;
}

/* ---- paths ------------------------------------------------------------- */

int
state_path(char *buf, size_t size, const char *id, const char *suffix)
{
    if ((size_t)snprintf(buf, size, "%s/%s%s", mc_state_dir(), id, suffix) >=
        size) {
        errno = ENAMETOOLONG;
        return ct_fail_errno("state path for '%s'", id);
    }
    return 0;
}

/* ---- writing ----------------------------------------------------------- */

static json_object *
string_array(char *const *list, int n)
{
    json_object *a = json_object_new_array();
    for (int i = 0; list && (n < 0 ? list[i] != NULL : i < n); i++)
        json_object_array_add(a, json_object_new_string(list[i]));
    return a;
}

static const char *const restart_names[] = {"no", "on-failure", "always",
                                            "unless-stopped"};
static const char *const mount_names[] = {"bind", "volume", "tmpfs"};
static const char *const userns_names[] = {"host", "auto", "rootless"};

static const char *const net_modes[] = {"bridge", "none", "host"};

static json_object *
ip_string(uint32_t addr)
{
    char buf[INET_ADDRSTRLEN];
    return json_object_new_string(addr ? ct_ip_str(addr, buf) : "");
}

/* "network": {"mode", "name", "ip", ...}, and "ports": [{"host_ip",
 * "host_port", "container_port", "protocol"}, ...] */
static void
add_network(json_object *o, const struct net_config *n)
{
    json_object *j = json_object_new_object(), *ports = json_object_new_array();
    char buf[INET_ADDRSTRLEN];

#define SET(key, value) json_object_object_add(j, key, value)
    SET("mode", json_object_new_string(net_modes[n->mode]));
    SET("name", json_object_new_string(n->name));
    SET("want_ip", ip_string(n->want_ip));
    SET("aliases", string_array(n->aliases, n->naliases));
    SET("add_hosts", string_array(n->add_hosts, n->nadd_hosts));
    SET("userland_proxy", json_object_new_boolean(n->userland_proxy));
    SET("veth", json_object_new_string(n->veth));
    SET("ip", ip_string(n->ip));
    SET("gateway", ip_string(n->gateway));
    SET("prefix_len", json_object_new_int(n->prefix));
    SET("bridge", json_object_new_string(n->bridge));
#undef SET
    json_object_object_add(o, "network", j);
    for (int i = 0; i < n->nports; i++) {
        const struct port_spec *p = &n->ports[i];
        json_object *q = json_object_new_object();
        json_object_object_add(
            q, "host_ip", json_object_new_string(ct_ip_str(p->host_ip, buf)));
        json_object_object_add(q, "host_port",
                               json_object_new_int(p->host_port));
        json_object_object_add(q, "container_port",
                               json_object_new_int(p->ctr_port));
        json_object_object_add(
            q, "protocol",
            json_object_new_string(p->proto == IPPROTO_UDP ? "udp" : "tcp"));
        json_object_array_add(ports, q);
    }
    json_object_object_add(o, "ports", ports);
}

static void
add_time(json_object *o, const char *key, int64_t ns)
{
    char buf[64];
    mc_format_time(ns, buf, sizeof(buf));
    json_object_object_add(o, key, json_object_new_string(buf));
}

json_object *
state_to_json(const struct container *c)
{
    json_object *o = json_object_new_object();
    json_object *mounts = json_object_new_array();
    json_object *cgroups = json_object_new_array();
    char caps[32], user[32];

#define ADD(key, value) json_object_object_add(o, key, value)
#define STR(s) json_object_new_string((s) ? (s) : "")
#define BOOL(b) json_object_new_boolean(b)
#define INT(i) json_object_new_int64((int64_t)(i))
    ADD("id", STR(c->id));
    ADD("name", STR(c->name));
    ADD("image", STR(c->image));
    ADD("rootfs", STR(c->rootfs));
    ADD("dir", STR(c->dir));
    ADD("command", string_array(c->argv, -1));
    ADD("hostname", STR(c->hostname));
    ADD("workdir", STR(c->workdir));
    snprintf(user, sizeof(user), "%u:%u", c->uid, c->gid);
    ADD("user", json_object_new_string(c->user_set ? user : ""));
    ADD("env", string_array(c->env, c->nenv));
    for (int i = 0; i < c->nmounts; i++) {
        const struct mount_spec *m = &c->mounts[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "type", STR(mount_names[m->type]));
        json_object_object_add(j, "source", STR(m->source));
        json_object_object_add(j, "target", STR(m->target));
        json_object_object_add(j, "ro", BOOL(m->ro));
        json_object_object_add(j, "anonymous", BOOL(m->anonymous));
        json_object_object_add(j, "size", INT(m->size));
        json_object_object_add(j, "mode", INT(m->mode));
        json_object_array_add(mounts, j);
    }
    ADD("mounts", mounts);
    ADD("memory", INT(c->limits.memory));
    ADD("cpus_millionths", INT(c->limits.cpus_millionths));
    ADD("pids_limit", INT(c->limits.pids));
    ADD("read_only", BOOL(c->read_only));
    ADD("remove", BOOL(c->remove));
    ADD("init", BOOL(c->init));
    ADD("pod", BOOL(c->pod));
    ADD("interactive", BOOL(c->interactive));
    ADD("tty", BOOL(c->tty));
    ADD("no_new_privs", BOOL(c->no_new_privs));
    ADD("seccomp", BOOL(c->seccomp));
    snprintf(caps, sizeof(caps), "%016" PRIx64, c->caps);
    ADD("caps", json_object_new_string(caps));
    ADD("restart", STR(restart_names[c->restart]));
    ADD("restart_max", INT(c->restart_max));
    ADD("log_driver", STR(c->log.none ? "none" : "json-file"));
    ADD("log_max_size", INT(c->log.max_size));
    ADD("log_max_files", INT(c->log.max_files));
    {
        json_object *labels = json_object_new_object();
        for (char **l = c->labels; l && *l; l++) {
            const char *eq = strchr(*l, '=');
            char key[256];
            snprintf(key, sizeof(key), "%.*s",
                     (int)(eq ? eq - *l : (ptrdiff_t)strlen(*l)), *l);
            json_object_object_add(labels, key, STR(eq ? eq + 1 : ""));
        }
        ADD("labels", labels);
    }
    add_network(o, &c->net);
    health_to_json(o, c);
    add_time(o, "created", c->created_ns);

    ADD("status", STR(c->status));
    ADD("pid", INT(c->pid));
    ADD("monitor_pid", INT(c->monitor_pid));
    ADD("exit_code", INT(c->exit_code));
    ADD("oom_killed", BOOL(c->oom_killed));
    ADD("stopped_by_user", BOOL(c->stopped_by_user));
    ADD("restart_count", INT(c->restart_count));
    ADD("device_cgroup", BOOL(c->device_cgroup));
    {
        /* "0 100000 65536", as /proc/PID/uid_map reads ("" when none) */
        char map[80];
        ADD("userns", STR(userns_names[c->userns.mode]));
        userns_map_format(&c->userns.uid, map, sizeof(map));
        ADD("uid_map", json_object_new_string(map));
        userns_map_format(&c->userns.gid, map, sizeof(map));
        ADD("gid_map", json_object_new_string(map));
        ADD("userns_helpers", BOOL(c->userns.helpers));
    }
    add_time(o, "started", c->started_ns);
    add_time(o, "finished", c->finished_ns);
    for (int i = 0; i < c->ncgroups; i++)
        json_object_array_add(cgroups, STR(c->cgroups[i]));
    ADD("cgroups", cgroups);
#undef ADD
#undef STR
#undef BOOL
#undef INT
    return o;
}

int
state_write(const struct container *c)
{
    char path[4096], tmp[4200];
    json_object *o = state_to_json(c);
    int rc = 0;

    if (state_path(path, sizeof(path), c->id, ".json") == -1) {
        rc = -1;
        goto out;
    }
    if (userns_make_state_dir() == -1) {
        rc = -1;
        goto out;
    }
    /* The temporary name carries our thread's id (the pid, without
     * threads): two writers never share it. */
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)gettid());
    if (json_object_to_file_ext(tmp, o,
                                JSON_C_TO_STRING_PRETTY |
                                    JSON_C_TO_STRING_NOSLASHESCAPE) == -1) {
        rc = ct_fail("write '%s': %s", tmp, json_util_get_last_err());
        goto out;
    }
    if (rename(tmp, path) == -1) {
        rc = ct_fail_errno("rename '%s' to '%s'", tmp, path);
        unlink(tmp);
    }
out:
    json_object_put(o);
    return rc;
}

int
state_remove(const char *id)
{
    char path[4096];

    if (state_path(path, sizeof(path), id, ".json") == -1)
        return -1;
    if (unlink(path) == -1 && errno != ENOENT)
        return ct_fail_errno("unlink '%s'", path);
    return 0;
}

/* ---- reading ----------------------------------------------------------- */

static json_object *
get(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *
get_string(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v && json_object_is_type(v, json_type_string)
        ? json_object_get_string(v)
        : "";
}

static char *
dup_string(json_object *o, const char *key)
{
    const char *s = get_string(o, key);
    return *s ? strdup(s) : NULL;
}

static int64_t
get_int(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v ? json_object_get_int64(v) : 0;
}

static bool
get_bool(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v && json_object_get_boolean(v);
}

static void
copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

static int
lookup(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return i;
    return 0;
}

static uint32_t
get_ip(json_object *o, const char *key)
{
    struct in_addr in;
    return inet_pton(AF_INET, get_string(o, key), &in) == 1 ? ntohl(in.s_addr)
                                                            : 0;
}

static int
get_strings(json_object *o, const char *key, char **list, int max)
{
    json_object *a = get(o, key);
    int n = 0;

    for (size_t i = 0; a && i < json_object_array_length(a) && n < max; i++)
        list[n++] =
            strdup(json_object_get_string(json_object_array_get_idx(a, i)));
    return n;
}

static void
network_from_json(json_object *o, struct net_config *n)
{
    json_object *j = get(o, "network"), *a = get(o, "ports");

    n->mode = NET_NONE; /* a record from before networks */
    if (j) {
        n->mode = (enum net_mode)lookup(net_modes, 3, get_string(j, "mode"));
        copy(n->name, sizeof(n->name), get_string(j, "name"));
        n->want_ip = get_ip(j, "want_ip");
        n->naliases = get_strings(j, "aliases", n->aliases, MC_MAX_ALIASES);
        n->nadd_hosts =
            get_strings(j, "add_hosts", n->add_hosts, MC_MAX_ADD_HOSTS);
        n->userland_proxy = get_bool(j, "userland_proxy");
        copy(n->veth, sizeof(n->veth), get_string(j, "veth"));
        n->ip = get_ip(j, "ip");
        n->gateway = get_ip(j, "gateway");
        n->prefix = (int)get_int(j, "prefix_len");
        copy(n->bridge, sizeof(n->bridge), get_string(j, "bridge"));
    }
    for (size_t i = 0;
         a && i < json_object_array_length(a) && n->nports < MC_MAX_PORTS;
         i++) {
        json_object *q = json_object_array_get_idx(a, i);
        struct port_spec *p = &n->ports[n->nports++];
        p->host_ip = get_ip(q, "host_ip");
        p->host_port = (uint16_t)get_int(q, "host_port");
        p->ctr_port = (uint16_t)get_int(q, "container_port");
        p->proto = strcmp(get_string(q, "protocol"), "udp") ? IPPROTO_TCP
                                                            : IPPROTO_UDP;
    }
}

/* Fill c from a record. */
void
state_from_json(json_object *o, struct container *c)
{
    json_object *a;
    const char *user;

    memset(c, 0, sizeof(*c));
    copy(c->id, sizeof(c->id), get_string(o, "id"));
    copy(c->name, sizeof(c->name), get_string(o, "name"));
    c->image = strdup(get_string(o, "image"));
    copy(c->rootfs, sizeof(c->rootfs), get_string(o, "rootfs"));
    copy(c->dir, sizeof(c->dir), get_string(o, "dir"));
    a = get(o, "command");
    c->argv = calloc((a ? json_object_array_length(a) : 0) + 1, sizeof(char *));
    for (size_t i = 0; a && i < json_object_array_length(a); i++)
        c->argv[i] =
            strdup(json_object_get_string(json_object_array_get_idx(a, i)));
    c->hostname = dup_string(o, "hostname");
    c->workdir = dup_string(o, "workdir");
    user = get_string(o, "user");
    if (*user && sscanf(user, "%u:%u", &c->uid, &c->gid) == 2)
        c->user_set = true;
    a = get(o, "env");
    for (size_t i = 0;
         a && i < json_object_array_length(a) && c->nenv < MC_MAX_ENV; i++)
        c->env[c->nenv++] =
            strdup(json_object_get_string(json_object_array_get_idx(a, i)));
    a = get(o, "mounts");
    for (size_t i = 0;
         a && i < json_object_array_length(a) && c->nmounts < MC_MAX_MOUNTS;
         i++) {
        json_object *j = json_object_array_get_idx(a, i);
        struct mount_spec *m = &c->mounts[c->nmounts++];
        m->type =
            (enum mount_type)lookup(mount_names, 3, get_string(j, "type"));
        m->source = dup_string(j, "source");
        m->target = dup_string(j, "target");
        m->ro = get_bool(j, "ro");
        m->anonymous = get_bool(j, "anonymous");
        m->size = (uint64_t)get_int(j, "size");
        m->mode = (unsigned)get_int(j, "mode");
    }
    c->limits.memory = (uint64_t)get_int(o, "memory");
    c->limits.cpus_millionths = (uint64_t)get_int(o, "cpus_millionths");
    c->limits.pids = (uint64_t)get_int(o, "pids_limit");
    c->read_only = get_bool(o, "read_only");
    c->remove = get_bool(o, "remove");
    c->init = get_bool(o, "init");
    c->pod = get_bool(o, "pod");
    c->interactive = get_bool(o, "interactive");
    c->tty = get_bool(o, "tty");
    c->no_new_privs = get_bool(o, "no_new_privs");
    c->seccomp = get_bool(o, "seccomp");
    c->caps = strtoull(get_string(o, "caps"), NULL, 16);
    c->restart =
        (enum restart_policy)lookup(restart_names, 4, get_string(o, "restart"));
    c->restart_max = (int)get_int(o, "restart_max");
    c->log.none = !strcmp(get_string(o, "log_driver"), "none");
    c->log.max_size = (uint64_t)get_int(o, "log_max_size");
    c->log.max_files = (int)get_int(o, "log_max_files");
    a = get(o, "labels");
    if (a && json_object_is_type(a, json_type_object)) {
        size_t n = 0;
        c->labels =
            calloc((size_t)json_object_object_length(a) + 1, sizeof(char *));
        json_object_object_foreach(a, key, val)
        {
            char *kv;
            if (asprintf(&kv, "%s=%s", key, json_object_get_string(val)) > 0)
                c->labels[n++] = kv;
        }
    }
    network_from_json(o, &c->net);
    health_from_json(o, c);
    c->created_ns = mc_parse_time(get_string(o, "created"));

    copy(c->status, sizeof(c->status), get_string(o, "status"));
    c->pid = (pid_t)get_int(o, "pid");
    c->monitor_pid = (pid_t)get_int(o, "monitor_pid");
    c->exit_code = (int)get_int(o, "exit_code");
    c->oom_killed = get_bool(o, "oom_killed");
    c->stopped_by_user = get_bool(o, "stopped_by_user");
    c->restart_count = (int)get_int(o, "restart_count");
    c->device_cgroup = get_bool(o, "device_cgroup");
    c->userns.mode =
        (enum userns_mode)lookup(userns_names, 3, get_string(o, "userns"));
    userns_map_parse(get_string(o, "uid_map"), &c->userns.uid);
    userns_map_parse(get_string(o, "gid_map"), &c->userns.gid);
    c->userns.helpers = get_bool(o, "userns_helpers");
    c->started_ns = mc_parse_time(get_string(o, "started"));
    c->finished_ns = mc_parse_time(get_string(o, "finished"));
    a = get(o, "cgroups");
    for (size_t i = 0;
         a && i < json_object_array_length(a) && c->ncgroups < MC_MAX_CGROUPS;
         i++)
        copy(c->cgroups[c->ncgroups++], sizeof(c->cgroups[0]),
             json_object_get_string(json_object_array_get_idx(a, i)));
    c->keep_fd = -1;
}

void
state_free(struct container *c)
{
    free(c->image);
    for (char **a = c->argv; a && *a; a++)
        free(*a);
    free(c->argv);
    free(c->hostname);
    free(c->workdir);
    for (int i = 0; i < c->nenv; i++)
        free(c->env[i]);
    for (int i = 0; i < c->nmounts; i++) {
        free(c->mounts[i].source);
        free(c->mounts[i].target);
    }
    for (char **l = c->labels; l && *l; l++)
        free(*l);
    free(c->labels);
    for (int i = 0; i < c->net.naliases; i++)
        free(c->net.aliases[i]);
    for (int i = 0; i < c->net.nadd_hosts; i++)
        free(c->net.add_hosts[i]);
    health_free(&c->healthcheck);
    memset(c, 0, sizeof(*c));
}

int
state_load(const char *id, struct container *c)
{
    char path[4096];
    json_object *o;

    if (state_path(path, sizeof(path), id, ".json") == -1)
        return -1;
    o = json_object_from_file(path);
    if (!o) {
        mc_error_code("no_such_container");
        return ct_fail("no container '%s' (see 'minictr ps -a')", id);
    }
    state_from_json(o, c);
    json_object_put(o);
    return 0;
}

/* Call fn for each record until it returns non-zero; returns that. A
 * record removed while we read the directory is skipped. */
int
state_each(int (*fn)(struct container *c, void *arg), void *arg)
{
    DIR *d = opendir(mc_state_dir());
    struct dirent *e;
    struct container *c = malloc(sizeof(*c));
    int rc = 0;

    if (!d || !c) {
        if (d)
            closedir(d);
        free(c);
        return 0;
    }
    while (!rc && (e = readdir(d)) != NULL) {
        char path[4096];
        size_t len = strlen(e->d_name);
        json_object *o;

        if (len != MC_ID_LEN + 5 || strcmp(e->d_name + MC_ID_LEN, ".json"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", mc_state_dir(), e->d_name);
        o = json_object_from_file(path);
        if (!o)
            continue;
        state_from_json(o, c);
        json_object_put(o);
        rc = fn(c, arg);
        state_free(c);
    }
    closedir(d);
    free(c);
    return rc;
}
