/*
 * api.c: the Docker Engine API's containers — create, list, inspect,
 * start, attach, wait, logs, top, stats, stop, kill, restart, pause,
 * unpause, rename, resize, delete — over the same core as the command
 * line (serve.c says how a request gets here).
 *
 *   POST /containers/create   JSON -> struct container (the same fields
 *                             run.c fills from flags) -> run_prepare ->
 *                             container_create
 *   POST .../start            container_start, in a child of its own
 *   POST .../attach           the monitor's `attach` stream, relayed on
 *                             the hijacked socket: it is in Docker's
 *                             8-byte frames already (ctl.c)
 *   POST .../wait             the monitor's `wait`, behind headers sent
 *                             at once (the CLI sends start only then)
 *   stop, kill, pause, ...    one request line to the monitor
 *
 * `docker run` sends create, then attach and wait on connections of
 * their own, then start. So that not one byte of output and no exit code
 * is lost, an attach or wait that comes before the start says so (a
 * "pending" entry), and start makes the monitor hold the container (set
 * up, not yet exec'd: c->hold, as `minictr start -a`), waits until each
 * pending client has connected to the monitor, then lets it go.
 *
 * Read: https://docs.docker.com/engine/api/v1.41/ (Container section);
 *       ../shared/reference/docker-api/SUMMARY.md (what clients read).
 * Try:  sudo curl -s --unix-socket /run/minictr/docker.sock \
 *         'http://x/containers/json?all=1' | jq '.[].Names'
 * See:  the same containers as `minictr ps -a`, in Docker's JSON.
 */
#include "api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- finding ----------------------------------------------------------- */

int
api_find(struct http_req *r, const char *key, struct container *c)
{
    if (container_find(key, c) == 0)
        return 0;
    if (!strcmp(mc_get_error_code(), "no_such_container"))
        http_error(r, 404, "No such container: %s", key);
    else
        http_fail(r);
    ct_clear_error();
    return -1;
}

static bool
is_live(const struct container *c)
{
    const char *s = container_real_status(c);
    return !strcmp(s, ST_RUNNING) || !strcmp(s, ST_PAUSED) ||
        !strcmp(s, ST_RESTARTING);
}

/* ---- Docker's JSON of a container -------------------------------------- */

static json_object *
strings(char *const *list, int n)
{
    json_object *a = json_object_new_array();

    for (int i = 0; list && (n < 0 ? list[i] != NULL : i < n); i++)
        json_object_array_add(a, json_object_new_string(list[i]));
    return a;
}

static json_object *
labels_object(const struct container *c)
{
    json_object *o = json_object_new_object();

    for (char **l = c->labels; l && *l; l++) {
        const char *eq = strchr(*l, '=');
        char key[256];
        snprintf(key, sizeof(key), "%.*s",
                 (int)(eq ? (size_t)(eq - *l) : strlen(*l)), *l);
        json_object_object_add(o, key,
                               json_object_new_string(eq ? eq + 1 : ""));
    }
    return o;
}

static json_object *
time_string(int64_t ns)
{
    char buf[64];

    mc_format_time(ns, buf, sizeof(buf));
    return json_object_new_string(buf);
}

static json_object *
mounts_array(const struct container *c)
{
    static const char *const types[] = {"bind", "volume", "tmpfs"};
    json_object *a = json_object_new_array();

    for (int i = 0; i < c->nmounts; i++) {
        const struct mount_spec *m = &c->mounts[i];
        json_object *o = json_object_new_object();
        char path[4096] = "";
        if (m->type == MOUNT_VOLUME)
            snprintf(path, sizeof(path), "%s/volumes/%s/_data", mc_lib_dir(),
                     m->source);
        json_object_object_add(o, "Type",
                               json_object_new_string(types[m->type]));
        if (m->type == MOUNT_VOLUME)
            json_object_object_add(o, "Name",
                                   json_object_new_string(m->source));
        json_object_object_add(
            o, "Source",
            json_object_new_string(m->type == MOUNT_VOLUME ? path
                                       : m->source         ? m->source
                                                           : ""));
        json_object_object_add(o, "Destination",
                               json_object_new_string(m->target));
        json_object_object_add(o, "Mode",
                               json_object_new_string(m->ro ? "ro" : ""));
        json_object_object_add(o, "RW", json_object_new_boolean(!m->ro));
        json_object_array_add(a, o);
    }
    return a;
}

/* HostConfig.NetworkMode: "none", "host", or the network's name. */
static const char *
network_mode(const struct container *c)
{
    return c->net.mode == NET_NONE ? "none"
        : c->net.mode == NET_HOST  ? "host"
                                   : c->net.name;
}

static void
ip_text(uint32_t ip, char *buf, size_t size)
{
    struct in_addr a = {.s_addr = htonl(ip)};

    if (!ip || !inet_ntop(AF_INET, &a, buf, (socklen_t)size))
        snprintf(buf, size, "%s", "");
}

/* NetworkSettings: the address while it runs, and each published port
 * ("80/tcp": [{HostIp, HostPort}]), as `docker port` and inspect read. */
static json_object *
network_settings(const struct container *c)
{
    json_object *ns = json_object_new_object(),
                *nets = json_object_new_object();
    json_object *ports = json_object_new_object(),
                *n = json_object_new_object();
    char ip[16], gw[16];

    ip_text(c->net.ip, ip, sizeof(ip));
    ip_text(c->net.gateway, gw, sizeof(gw));
    json_object_object_add(ns, "IPAddress", json_object_new_string(ip));
    json_object_object_add(ns, "Gateway", json_object_new_string(gw));
    json_object_object_add(ns, "IPPrefixLen",
                           json_object_new_int(c->net.ip ? c->net.prefix : 0));
    json_object_object_add(n, "IPAddress", json_object_new_string(ip));
    json_object_object_add(n, "Gateway", json_object_new_string(gw));
    json_object_object_add(n, "IPPrefixLen",
                           json_object_new_int(c->net.ip ? c->net.prefix : 0));
    json_object_object_add(nets, network_mode(c), n);
    for (int i = 0; i < c->net.nports; i++) {
        const struct port_spec *p = &c->net.ports[i];
        char key[32], hip[16], hport[8];
        json_object *b = json_object_new_array(), *one;
        snprintf(key, sizeof(key), "%u/%s", p->ctr_port,
                 p->proto == IPPROTO_UDP ? "udp" : "tcp");
        if (!c->net.ip || !p->host_port) { /* published once it runs */
            json_object_put(b);
            json_object_object_add(ports, key, NULL);
            continue;
        }
        one = json_object_new_object();
        ip_text(p->host_ip, hip, sizeof(hip));
        snprintf(hport, sizeof(hport), "%u", p->host_port);
        json_object_object_add(one, "HostIp",
                               json_object_new_string(*hip ? hip : "0.0.0.0"));
        json_object_object_add(one, "HostPort", json_object_new_string(hport));
        json_object_array_add(b, one);
        json_object_object_add(ports, key, b);
    }
    json_object_object_add(ns, "Networks", nets);
    json_object_object_add(ns, "Ports", ports);
    return ns;
}

/* The list's Ports: [{IP, PrivatePort, PublicPort, Type}] while it runs. */
static json_object *
ports_list(const struct container *c)
{
    json_object *a = json_object_new_array();

    for (int i = 0; c->net.ip && i < c->net.nports; i++) {
        const struct port_spec *p = &c->net.ports[i];
        json_object *o = json_object_new_object();
        char hip[16];
        ip_text(p->host_ip, hip, sizeof(hip));
        json_object_object_add(o, "IP",
                               json_object_new_string(*hip ? hip : "0.0.0.0"));
        json_object_object_add(o, "PrivatePort",
                               json_object_new_int(p->ctr_port));
        if (p->host_port)
            json_object_object_add(o, "PublicPort",
                                   json_object_new_int(p->host_port));
        json_object_object_add(
            o, "Type",
            json_object_new_string(p->proto == IPPROTO_UDP ? "udp" : "tcp"));
        json_object_array_add(a, o);
    }
    return a;
}

/* GET /containers/ID/json: what `docker inspect` prints, and what the
 * CLI reads (Config.Tty decides framed or raw logs: without Config the
 * CLI crashes). */
static json_object *
container_json(const struct container *c)
{
    json_object *o = json_object_new_object(), *st = json_object_new_object();
    json_object *cfg = json_object_new_object(), *hc = json_object_new_object();
    json_object *rp = json_object_new_object();
    const char *status = container_real_status(c);
    char name[80], image_id[80], user[32] = "";
    bool live = is_live(c);

    json_object_object_add(o, "Id", json_object_new_string(c->id));
    json_object_object_add(o, "Created", time_string(c->created_ns));
    json_object_object_add(
        o, "Path",
        json_object_new_string(c->argv && c->argv[0] ? c->argv[0] : ""));
    json_object_object_add(
        o, "Args", strings(c->argv && c->argv[0] ? c->argv + 1 : NULL, -1));
    json_object_object_add(st, "Status", json_object_new_string(status));
    json_object_object_add(st, "Running", json_object_new_boolean(live));
    json_object_object_add(st, "Paused",
                           json_object_new_boolean(!strcmp(status, ST_PAUSED)));
    json_object_object_add(
        st, "Restarting",
        json_object_new_boolean(!strcmp(status, ST_RESTARTING)));
    json_object_object_add(st, "OOMKilled",
                           json_object_new_boolean(c->oom_killed));
    json_object_object_add(st, "Dead",
                           json_object_new_boolean(!strcmp(status, ST_DEAD)));
    json_object_object_add(st, "Pid", json_object_new_int(live ? c->pid : 0));
    json_object_object_add(st, "ExitCode", json_object_new_int(c->exit_code));
    json_object_object_add(st, "Error", json_object_new_string(""));
    json_object_object_add(st, "StartedAt", time_string(c->started_ns));
    json_object_object_add(st, "FinishedAt", time_string(c->finished_ns));
    json_object_object_add(o, "State", st);
    api_image_id(c->image, image_id, sizeof(image_id));
    json_object_object_add(o, "Image", json_object_new_string(image_id));
    snprintf(name, sizeof(name), "/%s", c->name);
    json_object_object_add(o, "Name", json_object_new_string(name));
    json_object_object_add(o, "RestartCount",
                           json_object_new_int(c->restart_count));
    json_object_object_add(o, "Driver", json_object_new_string("overlay"));
    json_object_object_add(o, "Platform", json_object_new_string("linux"));
    {
        char log[4300];
        log_path(c, log, sizeof(log));
        json_object_object_add(o, "LogPath", json_object_new_string(log));
    }
    json_object_object_add(o, "Mounts", mounts_array(c));

    if (c->user_set)
        snprintf(user, sizeof(user), "%u:%u", c->uid, c->gid);
    json_object_object_add(
        cfg, "Hostname",
        json_object_new_string(c->hostname ? c->hostname : ""));
    json_object_object_add(cfg, "User", json_object_new_string(user));
    json_object_object_add(cfg, "Tty", json_object_new_boolean(c->tty));
    json_object_object_add(cfg, "OpenStdin",
                           json_object_new_boolean(c->interactive));
    json_object_object_add(cfg, "Env", strings(c->env, c->nenv));
    json_object_object_add(cfg, "Cmd", strings(c->argv, -1));
    json_object_object_add(cfg, "Entrypoint", NULL);
    json_object_object_add(cfg, "Image", json_object_new_string(c->image));
    json_object_object_add(
        cfg, "WorkingDir",
        json_object_new_string(c->workdir ? c->workdir : ""));
    json_object_object_add(cfg, "Labels", labels_object(c));
    json_object_object_add(o, "Config", cfg);

    json_object_object_add(hc, "Memory",
                           json_object_new_int64((int64_t)c->limits.memory));
    json_object_object_add(
        hc, "NanoCpus",
        json_object_new_int64((int64_t)c->limits.cpus_millionths * 1000));
    json_object_object_add(hc, "PidsLimit",
                           json_object_new_int64((int64_t)c->limits.pids));
    json_object_object_add(hc, "AutoRemove",
                           json_object_new_boolean(c->remove));
    json_object_object_add(hc, "ReadonlyRootfs",
                           json_object_new_boolean(c->read_only));
    json_object_object_add(hc, "Init", json_object_new_boolean(c->init));
    json_object_object_add(hc, "NetworkMode",
                           json_object_new_string(network_mode(c)));
    {
        static const char *const names[] = {"no", "on-failure", "always",
                                            "unless-stopped"};
        json_object_object_add(rp, "Name",
                               json_object_new_string(names[c->restart]));
        json_object_object_add(rp, "MaximumRetryCount",
                               json_object_new_int(c->restart_max));
    }
    json_object_object_add(hc, "RestartPolicy", rp);
    {
        /* Docker's own words for what is kept: the effective set. */
        char caps[32];
        snprintf(caps, sizeof(caps), "%016llx", (unsigned long long)c->caps);
        json_object_object_add(hc, "MinictrCapabilities",
                               json_object_new_string(caps));
    }
    json_object_object_add(o, "HostConfig", hc);
    json_object_object_add(o, "NetworkSettings", network_settings(c));
    return o;
}

/* One entry of GET /containers/json: what `docker ps` prints (without
 * State and Status when status is NULL: the list's cache adds them). */
static json_object *
container_summary(const struct container *c, const char *status)
{
    json_object *o = json_object_new_object(), *names = json_object_new_array();
    json_object *hc = json_object_new_object();
    char name[80], cmd[4096], text[96], image_id[80];

    json_object_object_add(o, "Id", json_object_new_string(c->id));
    snprintf(name, sizeof(name), "/%s", c->name);
    json_object_array_add(names, json_object_new_string(name));
    json_object_object_add(o, "Names", names);
    json_object_object_add(
        o, "Image", json_object_new_string(*c->image ? c->image : c->rootfs));
    api_image_id(c->image, image_id, sizeof(image_id));
    json_object_object_add(o, "ImageID", json_object_new_string(image_id));
    container_command_line(c, cmd, sizeof(cmd));
    json_object_object_add(o, "Command", json_object_new_string(cmd));
    json_object_object_add(o, "Created",
                           json_object_new_int64(c->created_ns / 1000000000));
    json_object_object_add(o, "Ports", ports_list(c));
    json_object_object_add(o, "Labels", labels_object(c));
    if (status) {
        json_object_object_add(o, "State", json_object_new_string(status));
        container_status_text(c, status, text, sizeof(text));
        json_object_object_add(o, "Status", json_object_new_string(text));
    }
    json_object_object_add(hc, "NetworkMode",
                           json_object_new_string(network_mode(c)));
    json_object_object_add(o, "HostConfig", hc);
    json_object_object_add(o, "Mounts", mounts_array(c));
    return o;
}

/* ---- GET /containers/json ---------------------------------------------- */

/* The list is what `docker ps` polls, and what a dashboard asks for many
 * times a second: reading and parsing every record each time costs about
 * 50 us a container. So the records are kept here, parsed, each with the
 * part of its answer that does not change with time already in JSON, and
 * read again only when the state directory changed (every record is
 * written by rename, which changes the directory's mtime). A directory
 * changed in the last 20 ms is read again anyway: mtimes tick in jiffies,
 * and two renames in one tick look like one. What changes with time
 * (running or dead: the monitor's lock; "Up 3 minutes") is worked out at
 * each request. */
struct summary {
    struct container c;
    char *fixed; /* {"Id":...,"Mounts":[...] without the closing brace */
    int lock_fd; /* ID.lock, kept open: liveness in one fcntl(2) */
};

static struct {
    pthread_rwlock_t lock;
    struct timespec mtime;
    struct summary *list;
    int n;
} cache = {.lock = PTHREAD_RWLOCK_INITIALIZER};

static int
newest_first(const void *a, const void *b)
{
    const struct summary *x = a, *y = b;
    return x->c.created_ns < y->c.created_ns ? 1
        : x->c.created_ns > y->c.created_ns  ? -1
                                             : 0;
}

static int
cache_one(struct container *c, void *arg)
{
    struct summary *s;
    json_object *o;
    const char *text;
    char path[4096];

    (void)arg;
    s = realloc(cache.list, sizeof(*s) * (size_t)(cache.n + 1));
    if (!s)
        return 1;
    cache.list = s;
    s = &cache.list[cache.n];
    if (state_load(c->id, &s->c) == -1) { /* removed meanwhile */
        ct_clear_error();
        return 0;
    }
    o = container_summary(&s->c, NULL);
    text = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    s->fixed = strndup(text, strlen(text) - 1);
    json_object_put(o);
    s->lock_fd = -1;
    if (state_path(path, sizeof(path), c->id, ".lock") == 0)
        s->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
    ct_clear_error();
    cache.n++;
    return 0;
}

/* Read the records again if the directory changed; with the read lock
 * held on return. */
static void
cache_refresh(void)
{
    struct stat st;
    struct timespec now;
    bool fresh;

    clock_gettime(CLOCK_REALTIME, &now);
    pthread_rwlock_rdlock(&cache.lock);
    fresh = stat(mc_state_dir(), &st) == 0 &&
        st.st_mtim.tv_sec == cache.mtime.tv_sec &&
        st.st_mtim.tv_nsec == cache.mtime.tv_nsec &&
        (now.tv_sec - st.st_mtim.tv_sec) * 1000000000LL +
                (now.tv_nsec - st.st_mtim.tv_nsec) >
            20000000LL;
    if (fresh)
        return;
    pthread_rwlock_unlock(&cache.lock);
    pthread_rwlock_wrlock(&cache.lock);
    for (int i = 0; i < cache.n; i++) {
        state_free(&cache.list[i].c);
        free(cache.list[i].fixed);
        if (cache.list[i].lock_fd >= 0)
            close(cache.list[i].lock_fd);
    }
    cache.n = 0;
    if (stat(mc_state_dir(), &st) == 0)
        cache.mtime = st.st_mtim;
    state_each(cache_one, NULL);
    qsort(cache.list, (size_t)cache.n, sizeof(*cache.list), newest_first);
    pthread_rwlock_unlock(&cache.lock);
    pthread_rwlock_rdlock(&cache.lock);
}

/* container_real_status, with the lock file open already. */
static const char *
cached_status(const struct summary *s)
{
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    const char *st = s->c.status;

    if (strcmp(st, ST_RUNNING) && strcmp(st, ST_PAUSED) &&
        strcmp(st, ST_RESTARTING))
        return st;
    return s->lock_fd >= 0 && fcntl(s->lock_fd, F_OFD_GETLK, &lk) == 0 &&
            lk.l_type != F_UNLCK
        ? st
        : ST_DEAD;
}

/* Does the container pass filter key? Docker's filters are
 * {"key": ["v", ...]} or {"key": {"v": true}}; any value may match. */
static bool
passes(json_object *filters, const char *key,
       bool (*test)(const struct container *, const char *, const char *),
       const struct container *c, const char *status)
{
    json_object *f;
    bool any = false;

    if (!filters || !json_object_object_get_ex(filters, key, &f))
        return true;
    if (json_object_is_type(f, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(f); i++)
            any = any ||
                test(c, status,
                     json_object_get_string(json_object_array_get_idx(f, i)));
    } else if (json_object_is_type(f, json_type_object)) {
        json_object_object_foreach(f, v, ignored)
        {
            (void)ignored;
            any = any || test(c, status, v);
        }
    }
    return any;
}

static bool
has_status(const struct container *c, const char *status, const char *v)
{
    (void)c;
    return !strcmp(status, v);
}

static bool
has_name(const struct container *c, const char *status, const char *v)
{
    (void)status;
    return strstr(c->name, *v == '/' ? v + 1 : v) != NULL;
}

static bool
has_id(const struct container *c, const char *status, const char *v)
{
    (void)status;
    return !strncmp(c->id, v, strlen(v));
}

static bool
has_label(const struct container *c, const char *status, const char *v)
{
    size_t klen = strcspn(v, "=");

    (void)status;
    for (char **l = c->labels; l && *l; l++)
        if (!strncmp(*l, v, klen) && (*l)[klen] == '=' &&
            (!v[klen] || !strcmp(*l + klen + 1, v + klen + 1)))
            return true;
    return false;
}

static bool
has_image(const struct container *c, const char *status, const char *v)
{
    char want[80], have[80];

    (void)status;
    api_image_id(v, want, sizeof(want));
    api_image_id(c->image, have, sizeof(have));
    return *want && !strcmp(want, have);
}

/* Append n bytes of s to the growing buffer *buf. */
static int
grow(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t want = (*len + n + 1) * 2;
        char *b = realloc(*buf, want);
        if (!b)
            return -1;
        *buf = b;
        *cap = want;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    return 0;
}

void
api_container_list(struct http_req *r, char **args)
{
    json_object *filters = NULL;
    bool all = http_query_bool(r, "all", false);
    long limit = -1, shown = 0;
    char v[4096], *buf = NULL;
    size_t len = 0, cap = 0;

    (void)args;
    if (http_query(r, "limit", v, sizeof(v)) && *v) {
        limit = strtol(v, NULL, 10);
        if (limit > 0)
            all = true;
    }
    if (http_query(r, "filters", v, sizeof(v)) && *v) {
        filters = json_tokener_parse(v);
        if (!filters || !json_object_is_type(filters, json_type_object)) {
            json_object_put(filters);
            http_error(r, 400, "filters: not a JSON object: %s", v);
            return;
        }
        if (json_object_object_get_ex(filters, "status", NULL))
            all = true;
    }
    grow(&buf, &len, &cap, "[", 1);
    cache_refresh();
    for (int i = 0; i < cache.n && (limit <= 0 || shown < limit); i++) {
        const struct summary *s = &cache.list[i];
        const char *status = cached_status(s);
        char tail[256], text[96];
        int n;
        if (!all && strcmp(status, ST_RUNNING) && strcmp(status, ST_PAUSED) &&
            strcmp(status, ST_RESTARTING))
            continue;
        if (!passes(filters, "status", has_status, &s->c, status) ||
            !passes(filters, "name", has_name, &s->c, status) ||
            !passes(filters, "id", has_id, &s->c, status) ||
            !passes(filters, "label", has_label, &s->c, status) ||
            !passes(filters, "ancestor", has_image, &s->c, status))
            continue;
        container_status_text(&s->c, status, text, sizeof(text));
        n = snprintf(tail, sizeof(tail), ",\"State\":\"%s\",\"Status\":\"%s\"}",
                     status, text);
        if ((shown++ && grow(&buf, &len, &cap, ",", 1) == -1) ||
            grow(&buf, &len, &cap, s->fixed, strlen(s->fixed)) == -1 ||
            grow(&buf, &len, &cap, tail, (size_t)n) == -1)
            break;
    }
    pthread_rwlock_unlock(&cache.lock);
    grow(&buf, &len, &cap, "]\n", 2);
    json_object_put(filters);
    if (buf)
        http_respond(r, 200, "application/json", buf, len);
    else
        http_error(r, 500, "out of memory");
    free(buf);
}

void
api_container_inspect(struct http_req *r, char **args)
{
    struct container c;

    if (api_find(r, args[0], &c) == -1)
        return;
    http_json(r, 200, container_json(&c));
    state_free(&c);
}

/* ---- POST /containers/create ------------------------------------------- */

/* o[key], checked: NULL when missing or null; a 400 naming the key path
 * (STYLE-wave2 rule 7) when it is there with another type. */
static json_object *
get(struct http_req *r, json_object *o, const char *section, const char *key,
    json_type type, bool *bad)
{
    json_object *v;

    if (*bad || !o || !json_object_object_get_ex(o, key, &v) || !v)
        return NULL;
    if (json_object_is_type(v, type) ||
        (type == json_type_double && json_object_is_type(v, json_type_int)) ||
        (type == json_type_int && json_object_is_type(v, json_type_double)))
        return v;
    http_error(r, 400, "%s%s%s: expected %s", section, *section ? "." : "", key,
               type == json_type_array         ? "an array"
                   : type == json_type_object  ? "an object"
                   : type == json_type_string  ? "a string"
                   : type == json_type_boolean ? "true or false"
                                               : "a number");
    *bad = true;
    return NULL;
}

/* A list of strings (or one string, split at spaces, as the CLI's
 * Entrypoint may come), strdup'd; NULL-terminated. */
static char **
string_list(struct http_req *r, json_object *v, const char *path, bool *bad)
{
    char **list;
    size_t n;

    if (!v || *bad)
        return NULL;
    if (json_object_is_type(v, json_type_string)) {
        list = calloc(2, sizeof(char *));
        list[0] = strdup(json_object_get_string(v));
        return list;
    }
    n = json_object_array_length(v);
    list = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string)) {
            http_error(r, 400, "%s[%zu]: expected a string", path, i);
            *bad = true;
            return list;
        }
        list[i] = strdup(json_object_get_string(e));
    }
    return list;
}

static int
count(char **list)
{
    int n = 0;
    while (list && list[n])
        n++;
    return n;
}

/* Config and HostConfig into c and rq: the same fields run.c's flags
 * set. Returns 0, or -1 with the answer sent. */
static int
parse_create(struct http_req *r, json_object *body, struct container *c,
             struct run_request *rq)
{
    json_object *hc, *v;
    bool bad = false;
    char image[128];
    const char *ref;

    /* The body is Config with HostConfig inside it. */
    hc = get(r, body, "", "HostConfig", json_type_object, &bad);
    v = get(r, body, "", "Image", json_type_string, &bad);
    if (bad)
        return -1;
    ref = v ? json_object_get_string(v) : "";
    if (!*ref) {
        http_error(r, 400, "Config.Image: no image given");
        return -1;
    }
    if (!api_image_name(ref, image, sizeof(image))) {
        http_error(r, 400,
                   "Config.Image: minictr names images NAME[:TAG] (no "
                   "registry), not '%s'",
                   ref);
        return -1;
    }
    rq->image = strdup(image);
    if ((v = get(r, body, "Config", "Hostname", json_type_string, &bad)) &&
        *json_object_get_string(v)) {
        if (strlen(json_object_get_string(v)) > 64) {
            http_error(r, 400, "Config.Hostname: at most 64 characters");
            return -1;
        }
        c->hostname = strdup(json_object_get_string(v));
    }
    if ((v = get(r, body, "Config", "User", json_type_string, &bad)) &&
        *json_object_get_string(v))
        rq->user = strdup(json_object_get_string(v));
    if ((v = get(r, body, "Config", "WorkingDir", json_type_string, &bad)) &&
        *json_object_get_string(v)) {
        if (json_object_get_string(v)[0] != '/') {
            http_error(r, 400, "Config.WorkingDir: give an absolute path");
            return -1;
        }
        c->workdir = strdup(json_object_get_string(v));
    }
    if ((v = get(r, body, "Config", "Tty", json_type_boolean, &bad)))
        c->tty = json_object_get_boolean(v);
    if ((v = get(r, body, "Config", "OpenStdin", json_type_boolean, &bad)))
        c->interactive = json_object_get_boolean(v);
    rq->env =
        string_list(r, get(r, body, "Config", "Env", json_type_array, &bad),
                    "Config.Env", &bad);
    rq->nenv = count(rq->env);
    for (int i = 0; i < rq->nenv && !bad; i++)
        if (!strchr(rq->env[i], '=') || rq->env[i][0] == '=') {
            http_error(r, 400, "Config.Env[%d]: give KEY=VALUE, not '%s'", i,
                       rq->env[i]);
            return -1;
        }
    if (json_object_object_get_ex(body, "Cmd", &v) && v &&
        json_object_is_type(v, json_type_string))
        rq->cmd = string_list(r, v, "Config.Cmd", &bad);
    else
        rq->cmd =
            string_list(r, get(r, body, "Config", "Cmd", json_type_array, &bad),
                        "Config.Cmd", &bad);
    rq->ncmd = count(rq->cmd);
    if (json_object_object_get_ex(body, "Entrypoint", &v) && v) {
        if (json_object_is_type(v, json_type_string))
            rq->entrypoint = string_list(r, v, "Config.Entrypoint", &bad);
        else
            rq->entrypoint = string_list(
                r, get(r, body, "Config", "Entrypoint", json_type_array, &bad),
                "Config.Entrypoint", &bad);
        /* [] or [""]: no entrypoint at all */
        if (rq->entrypoint && rq->entrypoint[0] && !*rq->entrypoint[0])
            rq->entrypoint[0] = NULL;
    }
    if ((v = get(r, body, "Config", "Labels", json_type_object, &bad))) {
        size_t n = 0;
        c->labels =
            calloc((size_t)json_object_object_length(v) + 1, sizeof(char *));
        json_object_object_foreach(v, key, val)
        {
            char *kv;
            if (asprintf(&kv, "%s=%s", key, json_object_get_string(val)) > 0)
                c->labels[n++] = kv;
        }
    }
    /* Config.Volumes {"/data": {}}: anonymous volumes, as -v /data. */
    if ((v = get(r, body, "Config", "Volumes", json_type_object, &bad))) {
        json_object_object_foreach(v, target, ignored)
        {
            (void)ignored;
            if (rq->nmounts == MC_MAX_MOUNTS)
                break;
            rq->mounts[rq->nmounts].kind = RUN_VOLUME;
            rq->mounts[rq->nmounts++].spec = strdup(target);
        }
    }
    if (bad)
        return -1;
    if (!hc)
        return 0;

    /* ---- HostConfig ---- */
    {
        json_object *binds =
            get(r, hc, "HostConfig", "Binds", json_type_array, &bad);
        char **list = string_list(r, binds, "HostConfig.Binds", &bad);
        for (int i = 0; list && list[i] && rq->nmounts < MC_MAX_MOUNTS; i++) {
            rq->mounts[rq->nmounts].kind = RUN_VOLUME;
            rq->mounts[rq->nmounts++].spec = list[i];
        }
        free(list);
    }
    if ((v = get(r, hc, "HostConfig", "Mounts", json_type_array, &bad))) {
        for (size_t i = 0; i < json_object_array_length(v) && !bad; i++) {
            json_object *m = json_object_array_get_idx(v, i), *f;
            char spec[8192];
            const char *type = "volume", *src = "", *dst = "";
            bool ro = false;
            int n;
            if (!json_object_is_type(m, json_type_object)) {
                http_error(r, 400, "HostConfig.Mounts[%zu]: expected an object",
                           i);
                return -1;
            }
            if (json_object_object_get_ex(m, "Type", &f))
                type = json_object_get_string(f);
            if (json_object_object_get_ex(m, "Source", &f))
                src = json_object_get_string(f);
            if (json_object_object_get_ex(m, "Target", &f))
                dst = json_object_get_string(f);
            if (json_object_object_get_ex(m, "ReadOnly", &f))
                ro = json_object_get_boolean(f);
            /* The --mount syntax, so that run.c's parser checks it. */
            n = snprintf(spec, sizeof(spec), "type=%s,target=%s%s%s%s", type,
                         dst, *src ? ",source=" : "", src,
                         ro ? ",readonly" : "");
            if (json_object_object_get_ex(m, "TmpfsOptions", &f) && f) {
                json_object *s;
                if (json_object_object_get_ex(f, "SizeBytes", &s))
                    n += snprintf(spec + n, sizeof(spec) - (size_t)n,
                                  ",tmpfs-size=%lld",
                                  (long long)json_object_get_int64(s));
                if (json_object_object_get_ex(f, "Mode", &s))
                    n += snprintf(spec + n, sizeof(spec) - (size_t)n,
                                  ",tmpfs-mode=%o", json_object_get_int(s));
            }
            if (rq->nmounts < MC_MAX_MOUNTS) {
                rq->mounts[rq->nmounts].kind = RUN_MOUNT;
                rq->mounts[rq->nmounts++].spec = strdup(spec);
            }
        }
    }
    if ((v = get(r, hc, "HostConfig", "Tmpfs", json_type_object, &bad))) {
        json_object_object_foreach(v, target, opts)
        {
            char *spec;
            if (rq->nmounts == MC_MAX_MOUNTS)
                break;
            if (asprintf(&spec, "%s%s%s", target,
                         *json_object_get_string(opts) ? ":" : "",
                         json_object_get_string(opts)) > 0) {
                rq->mounts[rq->nmounts].kind = RUN_TMPFS;
                rq->mounts[rq->nmounts++].spec = spec;
            }
        }
    }
    if ((v = get(r, hc, "HostConfig", "Memory", json_type_int, &bad)) &&
        json_object_get_int64(v) > 0) {
        if (json_object_get_int64(v) < 6 * 1024 * 1024) {
            http_error(r, 400, "HostConfig.Memory: at least 6 MB (6291456)");
            return -1;
        }
        c->limits.memory = (uint64_t)json_object_get_int64(v);
    }
    if ((v = get(r, hc, "HostConfig", "NanoCpus", json_type_int, &bad)) &&
        json_object_get_int64(v) > 0) {
        if (json_object_get_int64(v) < 10000000) {
            http_error(r, 400,
                       "HostConfig.NanoCpus: at least 0.01 cpu (10000000)");
            return -1;
        }
        c->limits.cpus_millionths = (uint64_t)json_object_get_int64(v) / 1000;
    }
    if ((v = get(r, hc, "HostConfig", "CpuQuota", json_type_int, &bad)) &&
        json_object_get_int64(v) > 0) {
        json_object *p =
            get(r, hc, "HostConfig", "CpuPeriod", json_type_int, &bad);
        int64_t period = p && json_object_get_int64(p) > 0
            ? json_object_get_int64(p)
            : 100000;
        c->limits.cpus_millionths =
            (uint64_t)(json_object_get_int64(v) * 1000000 / period);
    }
    if ((v = get(r, hc, "HostConfig", "PidsLimit", json_type_int, &bad)) &&
        json_object_get_int64(v) > 0)
        c->limits.pids = (uint64_t)json_object_get_int64(v);
    if ((v = get(r, hc, "HostConfig", "AutoRemove", json_type_boolean, &bad)))
        c->remove = json_object_get_boolean(v);
    if ((v = get(r, hc, "HostConfig", "ReadonlyRootfs", json_type_boolean,
                 &bad)))
        c->read_only = json_object_get_boolean(v);
    if ((v = get(r, hc, "HostConfig", "Init", json_type_boolean, &bad)))
        c->init = json_object_get_boolean(v);
    if ((v = get(r, hc, "HostConfig", "Privileged", json_type_boolean, &bad)) &&
        json_object_get_boolean(v)) {
        http_error(r, 400,
                   "HostConfig.Privileged: minictr has no privileged "
                   "containers (use CapAdd for what you need)");
        return -1;
    }
    if ((v = get(r, hc, "HostConfig", "RestartPolicy", json_type_object,
                 &bad))) {
        json_object *n = get(r, v, "HostConfig.RestartPolicy", "Name",
                             json_type_string, &bad);
        json_object *max = get(r, v, "HostConfig.RestartPolicy",
                               "MaximumRetryCount", json_type_int, &bad);
        const char *name = n ? json_object_get_string(n) : "";
        if (!*name || !strcmp(name, "no"))
            c->restart = RESTART_NO;
        else if (!strcmp(name, "always"))
            c->restart = RESTART_ALWAYS;
        else if (!strcmp(name, "unless-stopped"))
            c->restart = RESTART_UNLESS_STOPPED;
        else if (!strcmp(name, "on-failure"))
            c->restart = RESTART_ON_FAILURE;
        else {
            http_error(r, 400,
                       "HostConfig.RestartPolicy.Name: '%s' is not no, "
                       "on-failure, always or unless-stopped",
                       name);
            return -1;
        }
        if (max)
            c->restart_max = json_object_get_int(max);
    }
    for (int add = 0; add < 2 && !bad; add++) {
        char **caps =
            string_list(r,
                        get(r, hc, "HostConfig", add ? "CapAdd" : "CapDrop",
                            json_type_array, &bad),
                        add ? "HostConfig.CapAdd" : "HostConfig.CapDrop", &bad);
        for (int i = 0; caps && caps[i] && !bad; i++)
            if (run_cap_change(c, caps[i], add) == -1) {
                http_fail(r);
                bad = true;
            }
        for (int i = 0; caps && caps[i]; i++)
            free(caps[i]);
        free(caps);
    }
    if ((v = get(r, hc, "HostConfig", "SecurityOpt", json_type_array, &bad))) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            const char *o =
                json_object_get_string(json_object_array_get_idx(v, i));
            if (!strncmp(o, "no-new-privileges", 17))
                c->no_new_privs = !strstr(o, "false");
            else if (!strcmp(o, "seccomp=unconfined") ||
                     !strcmp(o, "seccomp:unconfined"))
                c->seccomp = false;
            else if (strncmp(o, "label", 5)) {
                http_error(r, 400,
                           "HostConfig.SecurityOpt[%zu]: '%s' is not "
                           "known (no-new-privileges[=false], "
                           "seccomp=unconfined)",
                           i, o);
                return -1;
            }
        }
    }
    if ((v = get(r, hc, "HostConfig", "LogConfig", json_type_object, &bad))) {
        json_object *t =
            get(r, v, "HostConfig.LogConfig", "Type", json_type_string, &bad);
        const char *type = t ? json_object_get_string(t) : "";
        if (!strcmp(type, "none"))
            c->log.none = true;
        else if (*type && strcmp(type, "json-file")) {
            http_error(r, 400,
                       "HostConfig.LogConfig.Type: '%s': minictr has "
                       "json-file and none",
                       type);
            return -1;
        }
    }
    /* Networking: what --network and -p give run (networks.c checks it). */
    rq->net = calloc(1, sizeof(*rq->net));
    if (!rq->net) {
        http_error(r, 500, "out of memory");
        return -1;
    }
    if ((v = get(r, hc, "HostConfig", "NetworkMode", json_type_string, &bad))) {
        const char *mode = json_object_get_string(v);
        if (*mode && strcmp(mode, "default"))
            rq->net->network = strdup(mode);
    }
    if ((v = get(r, hc, "HostConfig", "PortBindings", json_type_object,
                 &bad))) {
        json_object_object_foreach(v, port, binds)
        {
            size_t n = json_object_is_type(binds, json_type_array)
                ? json_object_array_length(binds)
                : 0;
            for (size_t i = 0; i < (n ? n : 1); i++) {
                json_object *b = n ? json_object_array_get_idx(binds, i) : NULL;
                json_object *v2;
                const char *ip = "", *hp = "";
                char *spec;
                if (b && json_object_object_get_ex(b, "HostIp", &v2))
                    ip = json_object_get_string(v2);
                if (b && json_object_object_get_ex(b, "HostPort", &v2))
                    hp = json_object_get_string(v2);
                /* -p's form: [[IP:]HOSTPORT:]PORT/PROTO */
                if ((*ip       ? asprintf(&spec, "%s:%s:%s", ip, hp, port)
                         : *hp ? asprintf(&spec, "%s:%s", hp, port)
                               : asprintf(&spec, "%s", port)) == -1)
                    return -1;
                if (network_flag(rq->net, 'p', spec) == -1) {
                    http_fail(r);
                    return -1;
                }
            }
        }
    }
    return bad ? -1 : 0;
}

void
api_container_create(struct http_req *r, char **args)
{
    struct container *c = calloc(1, sizeof(*c));
    struct run_request *rq = calloc(1, sizeof(*rq));
    json_object *body, *o;
    int hold;
    char name[128];

    (void)args;
    if (!c || !rq) {
        http_error(r, 500, "out of memory");
        goto out;
    }
    body = http_body_json(r);
    if (!body)
        goto out;
    container_init(c);
    if (http_query(r, "name", name, sizeof(name)) && *name) {
        const char *n = name[0] == '/' ? name + 1 : name;
        if (!mc_valid_name(n)) {
            http_error(r, 400,
                       "Invalid container name (%s): use letters, "
                       "digits, '_', '.', '-'",
                       n);
            json_object_put(body);
            goto out;
        }
        snprintf(c->name, sizeof(c->name), "%.63s", n);
    }
    if (parse_create(r, body, c, rq) == -1) {
        json_object_put(body);
        goto out;
    }
    json_object_put(body);
    /* The image's layers stay until the record names them (rmi waits). */
    hold = store_hold(false);
    if (hold == -1 || run_prepare(c, rq) == -1 || container_create(c) == -1) {
        if (hold != -1)
            store_release(hold);
        if (!strcmp(mc_get_error_code(), "no_such_image")) {
            /* 404 makes the CLI try a pull (api_image_create says no). */
            http_error(r, 404, "No such image: %s", rq->image);
            ct_clear_error();
        } else {
            http_fail(r);
        }
        goto out;
    }
    store_release(hold);
    o = json_object_new_object();
    json_object_object_add(o, "Id", json_object_new_string(c->id));
    json_object_object_add(o, "Warnings", json_object_new_array());
    http_json(r, 201, o);
out:
    /* The strings are the record's now, or nobody's: a short-lived leak
     * per create is not worth tracking each one (they are small). */
    free(rq);
    free(c);
}

/* ---- pending: attach and wait that come before start ------------------- */

struct pending {
    char id[MC_ID_LEN + 1];
    struct pending *next;
};

static pthread_mutex_t pend_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pend_cond = PTHREAD_COND_INITIALIZER;
static struct pending *pend_list;
static unsigned pend_gen;

static void
pending_add(struct pending *p, const char *id)
{
    snprintf(p->id, sizeof(p->id), "%s", id);
    pthread_mutex_lock(&pend_lock);
    p->next = pend_list;
    pend_list = p;
    pthread_mutex_unlock(&pend_lock);
}

/* Gone: connected to the monitor, or given up. Safe to call twice. */
static void
pending_remove(struct pending *p)
{
    pthread_mutex_lock(&pend_lock);
    for (struct pending **q = &pend_list; *q; q = &(*q)->next)
        if (*q == p) {
            *q = p->next;
            break;
        }
    pend_gen++;
    pthread_cond_broadcast(&pend_cond);
    pthread_mutex_unlock(&pend_lock);
}

static int
pending_count(const char *id)
{
    int n = 0;

    pthread_mutex_lock(&pend_lock);
    for (struct pending *p = pend_list; p; p = p->next)
        n += !strcmp(p->id, id);
    pthread_mutex_unlock(&pend_lock);
    return n;
}

/* Changes of the pending list (or a start) are counted (pend_gen): a
 * waiter reads the count before it looks, and sleeps only if nothing
 * changed since — a wake-up that comes while it looks is not lost. */
static unsigned
pending_gen(void)
{
    unsigned g;

    pthread_mutex_lock(&pend_lock);
    g = pend_gen;
    pthread_mutex_unlock(&pend_lock);
    return g;
}

/* Wait up to ms for a change after `seen`. */
static void
pending_wait(unsigned seen, int ms)
{
    struct timespec t;

    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += (long)ms * 1000000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    pthread_mutex_lock(&pend_lock);
    if (pend_gen == seen)
        pthread_cond_timedwait(&pend_cond, &pend_lock, &t);
    pthread_mutex_unlock(&pend_lock);
}

static void
pending_wake(void)
{
    pthread_mutex_lock(&pend_lock);
    pend_gen++;
    pthread_cond_broadcast(&pend_cond);
    pthread_mutex_unlock(&pend_lock);
}

/* Connect to c's monitor with request (as ctl_connect), waiting for it
 * when it is not there yet: a monitor holds the lock a moment before its
 * socket listens, and a created container has none until start. -1 when
 * the client went away or the container is gone (removed, or its start
 * failed). */
static int
connect_when_up(struct http_req *r, struct container *c, const char *request)
{
    for (;;) {
        struct container now;
        unsigned seen = pending_gen();
        bool created;
        int fd;
        if (container_monitor_alive(c)) {
            fd = ctl_connect(c, "%s", request);
            if (fd >= 0)
                return fd;
            ct_clear_error();
        }
        if (http_client_gone(r))
            return -1;
        if (state_load(c->id, &now) == -1) {
            ct_clear_error();
            return -1;
        }
        /* No monitor, and none to come: it ran, and it is over. */
        created = !strcmp(now.status, ST_CREATED);
        if (!created && !container_monitor_alive(&now)) {
            state_free(&now);
            return -1;
        }
        state_free(&now);
        pending_wait(seen, 20);
    }
}

/* ---- start ------------------------------------------------------------- */

int
api_start_child(const char *id, bool hold)
{
    struct container c;

    if (container_find(id, &c) == -1)
        return -1;
    c.stopped_by_user = false;
    c.hold = hold;
    return container_start(&c, true);
}

void
api_container_start(struct http_req *r, char **args)
{
    struct container c;
    int waiting;

    if (api_find(r, args[0], &c) == -1)
        return;
    if (is_live(&c)) {
        http_respond(r, 304, NULL, "", 0); /* as Docker: started already */
        state_free(&c);
        return;
    }
    waiting = pending_count(c.id);
    c.stopped_by_user = false;
    c.hold = waiting > 0; /* attach and wait first, then it runs */
    if (api_in_child(c.hold ? "start-hold" : "start", c.id, -1, NULL, NULL) !=
        0) {
        http_fail(r);
        state_free(&c);
        return;
    }
    if (c.hold) {
        json_object *ok;
        pending_wake();
        for (int i = 0; i < 100; i++) {
            unsigned seen = pending_gen();
            if (pending_count(c.id) == 0)
                break;
            pending_wait(seen, 50);
        }
        ok = ctl_call(&c, "start");
        if (!ok) {
            if (!strcmp(mc_get_error_code(), "command_not_found")) {
                /* The CLI turns this phrase into exit status 127. */
                http_error(r, 400, "executable file not found: %s",
                           ct_error_message());
                ct_clear_error();
            } else {
                http_fail(r);
            }
            state_free(&c);
            return;
        }
        json_object_put(ok);
    }
    http_respond(r, 204, NULL, "", 0);
    state_free(&c);
}

/* ---- wait -------------------------------------------------------------- */

/* Read the monitor's answer {"exit_code":N}, or -1 if the client went
 * away (or the monitor did: then the record says). */
static int
read_exit(struct http_req *r, int fd, int *code)
{
    char line[512];

    for (;;) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {r->fd, POLLRDHUP, 0}};
        if (poll(p, 2, -1) == -1 && errno != EINTR)
            return -1;
        if (p[1].revents)
            return -1;
        if (p[0].revents)
            break;
    }
    if (ctl_read_line(fd, line, sizeof(line)) > 0) {
        json_object *o = json_tokener_parse(line), *v;
        if (o && json_object_object_get_ex(o, "exit_code", &v)) {
            *code = json_object_get_int(v);
            json_object_put(o);
            return 0;
        }
        json_object_put(o);
    }
    return 1; /* no answer: look at the record */
}

void
api_container_wait(struct http_req *r, char **args)
{
    struct container c;
    struct pending p;
    char cond[32] = "not-running", out[128];
    bool removed, next_exit, registered = false, exited = false;
    int code = 0;

    if (api_find(r, args[0], &c) == -1)
        return;
    http_query(r, "condition", cond, sizeof(cond));
    removed = !strcmp(cond, "removed");
    next_exit = !strcmp(cond, "next-exit");
    if (!removed && !next_exit && strcmp(cond, "not-running") && *cond) {
        http_error(r, 400,
                   "bad condition '%s': not-running, next-exit or "
                   "removed",
                   cond);
        state_free(&c);
        return;
    }
    code = c.exit_code;
    /* Before the headers: a start that comes after them must see us. */
    if (!container_monitor_alive(&c) && (removed || next_exit)) {
        pending_add(&p, c.id);
        registered = true;
    }
    if (http_stream_begin(r, 200, "application/json") == -1)
        goto out;
    for (;;) {
        struct container now;
        unsigned seen = pending_gen();
        bool alive;
        if (!exited && container_monitor_alive(&c)) {
            int fd = connect_when_up(r, &c, removed ? "wait removed" : "wait");
            int rc;
            /* Connected (the monitor takes requests in the order they
             * connect): start may let the container go now. */
            if (registered)
                pending_remove(&p);
            registered = false;
            rc = fd == -1 ? 1 : read_exit(r, fd, &code);
            if (fd != -1)
                close(fd);
            if (rc == -1 || (fd == -1 && http_client_gone(r)))
                goto out; /* the client went away */
            exited = true;
            if (rc == 0 && !removed)
                break; /* the monitor's answer is the exit code */
        }
        /* What the record says now; gone means removed. */
        if (state_load(c.id, &now) == -1) {
            ct_clear_error();
            break;
        }
        alive = container_monitor_alive(&now);
        if (!alive && (exited || !(removed || next_exit)))
            code = now.exit_code;
        state_free(&now);
        if (!alive && !removed && (exited || !next_exit))
            break; /* not running (any more) */
        if (http_client_gone(r))
            goto out;
        pending_wait(seen, 100);
    }
    snprintf(out, sizeof(out), "{\"Error\":null,\"StatusCode\":%d}\n", code);
    http_stream_write(r, out, strlen(out));
out:
    if (registered)
        pending_remove(&p);
    state_free(&c);
}

/* ---- attach ------------------------------------------------------------ */

/* Copy both ways between the client and the monitor until the container's
 * output ends (or the client goes). The client's half-close ends only its
 * input: `docker run` closes its side for writing and still reads. */
static void
relay(int client, int mon, bool input, const char *early, size_t nearly)
{
    char buf[32768];
    bool in_open = true;

    if (input && nearly > 0)
        http_send_all(mon, early, nearly);
    for (;;) {
        struct pollfd p[2] = {{mon, POLLIN, 0},
                              {client, in_open ? POLLIN : 0, 0}};
        ssize_t n;

        if (poll(p, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents & (POLLHUP | POLLERR))
            break; /* gone for good */
        if (p[0].revents) {
            n = read(mon, buf, sizeof(buf));
            if (n <= 0)
                break; /* the container is done */
            if (http_send_all(client, buf, (size_t)n) == -1)
                break;
        }
        if (p[1].revents & POLLIN) {
            n = read(client, buf, sizeof(buf));
            if (n <= 0) {
                in_open = false;
                if (input)
                    shutdown(mon, SHUT_WR);
            } else if (input && http_send_all(mon, buf, (size_t)n) == -1) {
                in_open = false;
            }
        }
    }
    shutdown(client, SHUT_WR);
}

void
api_container_attach(struct http_req *r, char **args)
{
    struct container c;
    struct pending p;
    bool input = http_query_bool(r, "stdin", false), registered = false;
    char line[512];
    int mon, fd;

    if (api_find(r, args[0], &c) == -1)
        return;
    if (!container_monitor_alive(&c)) {
        if (strcmp(c.status, ST_CREATED)) {
            http_error(r, 409,
                       "You cannot attach to a stopped container, "
                       "start it first");
            state_free(&c);
            return;
        }
        pending_add(&p, c.id); /* start will wait for us */
        registered = true;
    }
    /* dockerode sends its options as a body: read it away. */
    if (r->content_length > 0 || r->chunked) {
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        http_body_to_fd(r, null);
        close(null);
    }
    fd = http_hijack(r,
                     c.tty ? "application/vnd.docker.raw-stream"
                           : "application/vnd.docker.multiplexed-stream");
    mon = connect_when_up(r, &c,
                          !input      ? "attach"
                              : c.tty ? "attach stdin"
                                      : "attach stdin-once");
    if (mon == -1 || ctl_read_line(mon, line, sizeof(line)) == -1) {
        ct_clear_error();
        if (mon != -1)
            close(mon);
        goto out;
    }
    if (registered)
        pending_remove(&p);
    registered = false;
    relay(fd, mon, input, r->buf + r->off, r->have - r->off);
    close(mon);
out:
    if (registered)
        pending_remove(&p);
    state_free(&c);
}

/* ---- logs -------------------------------------------------------------- */

struct log_out {
    struct http_req *r;
    bool tty;
};

static int
log_chunk(void *arg, int stream, const char *text, size_t len)
{
    struct log_out *o = arg;
    char buf[16384 + 256];

    if (o->tty)
        return http_stream_write(o->r, text, len);
    /* Docker's frame: stream, three zeros, the length big-endian. */
    if (len > sizeof(buf) - 8)
        len = sizeof(buf) - 8;
    ctl_frame_header((unsigned char *)buf, stream, len);
    memcpy(buf + 8, text, len);
    return http_stream_write(o->r, buf, len + 8);
}

void
api_container_logs(struct http_req *r, char **args)
{
    struct log_query q = {.tail = -1};
    struct log_out o = {.r = r};
    struct container c;
    char v[64];

    if (api_find(r, args[0], &c) == -1)
        return;
    o.tty = c.tty;
    q.follow = http_query_bool(r, "follow", false);
    q.timestamps = http_query_bool(r, "timestamps", false);
    q.no_stdout = !http_query_bool(r, "stdout", false);
    q.no_stderr = !http_query_bool(r, "stderr", false);
    if (q.no_stdout && q.no_stderr) {
        http_error(r, 400,
                   "Bad parameters: you must choose at least one "
                   "stream");
        goto out;
    }
    if ((http_query(r, "tail", v, sizeof(v)) &&
         logs_parse_tail(v, &q.tail) == -1) ||
        (http_query(r, "since", v, sizeof(v)) && strcmp(v, "0") &&
         logs_parse_time(v, &q.since) == -1) ||
        (http_query(r, "until", v, sizeof(v)) && strcmp(v, "0") &&
         logs_parse_time(v, &q.until) == -1)) {
        http_fail(r);
        goto out;
    }
    if (c.log.none) {
        http_error(r, 501,
                   "configured logging driver does not support "
                   "reading (--log-driver none)");
        goto out;
    }
    if (http_stream_begin(
            r, 200,
            c.tty ? "application/vnd.docker.raw-stream"
                  : "application/vnd.docker.multiplexed-stream") == -1)
        goto out;
    logs_read(&c, &q, log_chunk, &o, r->fd);
    ct_clear_error();
out:
    state_free(&c);
}

/* ---- top, stats -------------------------------------------------------- */

void
api_container_top(struct http_req *r, char **args)
{
    struct container c;
    json_object *o;

    if (api_find(r, args[0], &c) == -1)
        return;
    o = top_json(&c);
    if (o)
        http_json(r, 200, o);
    else
        http_fail(r);
    state_free(&c);
}

/* All cpu time the host spent, in ns: /proc/stat's first line. */
static uint64_t
system_cpu_ns(void)
{
    char buf[512];
    unsigned long long v[10] = {0}, sum = 0;

    if (ct_read_file("/proc/stat", buf, sizeof(buf)) > 0)
        sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
               &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    for (int i = 0; i < 8; i++)
        sum += v[i];
    return sum * (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
}

static json_object *
cpu_object(const struct cgroup_stats *s, uint64_t system)
{
    json_object *o = json_object_new_object(), *u = json_object_new_object();

    json_object_object_add(u, "total_usage",
                           json_object_new_int64((int64_t)s->cpu_usec * 1000));
    json_object_object_add(u, "usage_in_kernelmode", json_object_new_int64(0));
    json_object_object_add(u, "usage_in_usermode", json_object_new_int64(0));
    json_object_object_add(o, "cpu_usage", u);
    json_object_object_add(o, "system_cpu_usage",
                           json_object_new_int64((int64_t)system));
    json_object_object_add(
        o, "online_cpus",
        json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
    return o;
}

/* Docker's stats object: what `docker stats` reads (SUMMARY.md). */
static json_object *
stats_json(const struct container *c, const struct cgroup_stats *a,
           uint64_t sys_a, int64_t t_a, const struct cgroup_stats *b,
           uint64_t sys_b, int64_t t_b)
{
    json_object *o = json_object_new_object(), *m = json_object_new_object();
    json_object *ms = json_object_new_object(), *p = json_object_new_object();
    json_object *blk = json_object_new_object(), *io = json_object_new_array();
    json_object *net = json_object_new_object(),
                *eth = json_object_new_object();
    uint64_t rx, tx, limit = b->mem_limit ? b->mem_limit : stats_host_memory();
    char name[80];
    const char *ops[2] = {"read", "write"};
    uint64_t vals[2] = {b->blk_read, b->blk_write};

    json_object_object_add(o, "read", time_string(t_b));
    json_object_object_add(o, "preread", time_string(t_a));
    json_object_object_add(o, "cpu_stats", cpu_object(b, sys_b));
    json_object_object_add(o, "precpu_stats", cpu_object(a, sys_a));
    json_object_object_add(m, "usage",
                           json_object_new_int64((int64_t)b->mem_usage));
    json_object_object_add(m, "limit", json_object_new_int64((int64_t)limit));
    json_object_object_add(ms, "inactive_file", json_object_new_int64(0));
    json_object_object_add(m, "stats", ms);
    json_object_object_add(o, "memory_stats", m);
    json_object_object_add(p, "current",
                           json_object_new_int64((int64_t)b->pids));
    json_object_object_add(p, "limit",
                           json_object_new_int64((int64_t)c->limits.pids));
    json_object_object_add(o, "pids_stats", p);
    for (int i = 0; i < 2; i++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "major", json_object_new_int(0));
        json_object_object_add(e, "minor", json_object_new_int(0));
        json_object_object_add(e, "op", json_object_new_string(ops[i]));
        json_object_object_add(e, "value",
                               json_object_new_int64((int64_t)vals[i]));
        json_object_array_add(io, e);
    }
    json_object_object_add(blk, "io_service_bytes_recursive", io);
    json_object_object_add(o, "blkio_stats", blk);
    stats_net_io(c, &rx, &tx);
    json_object_object_add(eth, "rx_bytes", json_object_new_int64((int64_t)rx));
    json_object_object_add(eth, "tx_bytes", json_object_new_int64((int64_t)tx));
    json_object_object_add(net, "lo", eth);
    json_object_object_add(o, "networks", net);
    snprintf(name, sizeof(name), "/%s", c->name);
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "id", json_object_new_string(c->id));
    return o;
}

void
api_container_stats(struct http_req *r, char **args)
{
    struct container c;
    struct cgroup_stats a = {0}, b = {0};
    uint64_t sys_a, sys_b;
    int64_t t_a, t_b;
    bool stream = http_query_bool(r, "stream", true);
    bool started = false;

    if (api_find(r, args[0], &c) == -1)
        return;
    if (!is_live(&c)) {
        http_error(r, 409, "container %s is not running", c.name);
        state_free(&c);
        return;
    }
    sys_a = system_cpu_ns();
    t_a = mc_now_ns();
    cgroups_stats(&c, &a);
    do {
        struct timespec gap = {0, (stream ? 1000 : 200) * 1000000L};
        json_object *o;
        const char *s;
        nanosleep(&gap, NULL);
        sys_b = system_cpu_ns();
        t_b = mc_now_ns();
        if (cgroups_stats(&c, &b) == -1) {
            ct_clear_error();
            break;
        }
        o = stats_json(&c, &a, sys_a, t_a, &b, sys_b, t_b);
        if (!stream) {
            http_json(r, 200, o);
            break;
        }
        if (!started && http_stream_begin(r, 200, "application/json") == -1) {
            json_object_put(o);
            break;
        }
        started = true;
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        if (http_stream_write(r, s, strlen(s)) == -1 ||
            http_stream_write(r, "\n", 1) == -1) {
            json_object_put(o);
            break;
        }
        json_object_put(o);
        a = b;
        sys_a = sys_b;
        t_a = t_b;
    } while (!http_client_gone(r));
    if (!r->status)
        http_error(r, 409, "container %s is not running", c.name);
    state_free(&c);
}

/* ---- stop, kill, restart, pause, unpause, rename, resize --------------- */

/* One request line to the monitor, answered 204, or an error. */
static void
ask_monitor(struct http_req *r, struct container *c, const char *request,
            const char *not_running)
{
    json_object *o;

    if (!is_live(c)) {
        http_error(r, 409, "%s: container %s is not running", not_running,
                   c->name);
        return;
    }
    o = ctl_call(c, "%s", request);
    if (!o) {
        http_fail(r);
        return;
    }
    json_object_put(o);
    http_respond(r, 204, NULL, "", 0);
}

void
api_container_stop(struct http_req *r, char **args)
{
    struct container c;
    char t[32] = "10";
    uint64_t secs;
    json_object *o;

    if (api_find(r, args[0], &c) == -1)
        return;
    http_query(r, "t", t, sizeof(t));
    if (ct_parse_u64(t, &secs) == -1 || secs > 86400) {
        http_error(r, 400, "bad t '%s': give seconds", t);
    } else if (!is_live(&c)) {
        http_respond(r, 304, NULL, "", 0); /* stopped already */
    } else if (!strcmp(container_real_status(&c), ST_PAUSED)) {
        http_error(r, 409, "container %s is paused: unpause it first", c.name);
    } else if (!(o = ctl_call(&c, "stop %d", (int)secs))) {
        http_fail(r);
    } else {
        json_object_put(o);
        container_wait_gone(&c);
        http_respond(r, 204, NULL, "", 0);
    }
    state_free(&c);
}

void
api_container_kill(struct http_req *r, char **args)
{
    struct container c;
    char s[32] = "KILL", req[32], what[128];
    int sig;

    if (api_find(r, args[0], &c) == -1)
        return;
    http_query(r, "signal", s, sizeof(s));
    sig = parse_signal(*s ? s : "KILL");
    snprintf(what, sizeof(what), "Cannot kill container: %s", args[0]);
    if (sig < 0) {
        http_error(r, 400, "bad signal '%s'", s);
    } else if (!is_live(&c)) {
        http_error(r, 409, "%s: container %s is not running", what, c.name);
    } else {
        json_object *o;
        snprintf(req, sizeof(req), "kill %d", sig);
        o = ctl_call(&c, "%s", req);
        if (!o) {
            http_fail(r);
        } else {
            json_object_put(o);
            /* As dockerd: after SIGKILL the answer waits for the end, so
             * a `docker rm` right after finds the container stopped. */
            if (sig == SIGKILL)
                container_wait_gone(&c);
            http_respond(r, 204, NULL, "", 0);
        }
    }
    state_free(&c);
}

void
api_container_pause(struct http_req *r, char **args)
{
    struct container c;

    if (api_find(r, args[0], &c) == -1)
        return;
    ask_monitor(r, &c, "pause", "Cannot pause");
    state_free(&c);
}

void
api_container_unpause(struct http_req *r, char **args)
{
    struct container c;

    if (api_find(r, args[0], &c) == -1)
        return;
    ask_monitor(r, &c, "unpause", "Cannot unpause");
    state_free(&c);
}

void
api_container_resize(struct http_req *r, char **args)
{
    struct container c;
    char h[16] = "", w[16] = "", req[64];

    if (api_find(r, args[0], &c) == -1)
        return;
    http_query(r, "h", h, sizeof(h));
    http_query(r, "w", w, sizeof(w));
    snprintf(req, sizeof(req), "resize %d %d", atoi(h), atoi(w));
    ask_monitor(r, &c, req, "Cannot resize");
    state_free(&c);
}

void
api_container_restart(struct http_req *r, char **args)
{
    struct container c;
    char t[32] = "10";
    uint64_t secs = 10;

    if (api_find(r, args[0], &c) == -1)
        return;
    http_query(r, "t", t, sizeof(t));
    if (ct_parse_u64(t, &secs) == -1 || secs > 86400) {
        http_error(r, 400, "bad t '%s': give seconds", t);
        state_free(&c);
        return;
    }
    if (is_live(&c)) {
        json_object *o = ctl_call(&c, "stop %d", (int)secs);
        json_object_put(o);
        ct_clear_error();
        container_wait_gone(&c);
    }
    state_free(&c);
    if (api_find(r, args[0], &c) == -1) /* --rm removed it */
        return;
    c.stopped_by_user = false;
    if (api_in_child("start", c.id, -1, NULL, NULL) != 0)
        http_fail(r);
    else
        http_respond(r, 204, NULL, "", 0);
    state_free(&c);
}

void
api_container_rename(struct http_req *r, char **args)
{
    struct container c;
    char name[128];

    if (api_find(r, args[0], &c) == -1)
        return;
    if (!http_query(r, "name", name, sizeof(name)) || !mc_valid_name(name))
        http_error(r, 400, "Invalid container name '%s'", name);
    else if (container_rename(&c, name) == -1)
        http_fail(r);
    else
        http_respond(r, 204, NULL, "", 0);
    state_free(&c);
}

/* ---- DELETE /containers/ID --------------------------------------------- */

void
api_container_delete(struct http_req *r, char **args)
{
    bool force = http_query_bool(r, "force", false);
    bool volumes = http_query_bool(r, "v", false);
    struct container c;

    if (api_find(r, args[0], &c) == -1)
        return;
    state_free(&c);
    if (container_remove(args[0], force, volumes) == -1) {
        if (!strcmp(mc_get_error_code(), "container_running")) {
            http_error(r, 409,
                       "You cannot remove a running container %s. Stop "
                       "the container before attempting removal or "
                       "force remove",
                       args[0]);
            ct_clear_error();
        } else {
            http_fail(r);
        }
        return;
    }
    http_respond(r, 204, NULL, "", 0);
}
