/*
 * api_system.c: the rest of the Engine API that real clients call —
 * /_ping, /version, /info, /events; images (list, inspect, history,
 * delete, tag, import with fromSrc=-, load, save, and the pull that must
 * say no); volumes; networks.
 *
 * Images are the store's (store.c): images.json names them NAME:TAG and
 * by the digest of their config, which is the ID Docker shows too.
 * Networks: listed as "none" here; a container's NetworkMode and
 * PortBindings are run's --network and -p (api.c).
 *
 * Read: https://docs.docker.com/engine/api/v1.41/ (System, Image,
 *       Volume, Network).
 * Try:  sudo DOCKER_HOST=unix:///run/minictr/docker.sock docker import \
 *         busybox.tar myimg && sudo minictr images
 * See:  the image docker imported is minictr's: the same ID in both.
 */
#include "api.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- /_ping, /version, /info ------------------------------------------- */

void
api_ping(struct http_req *r, char **args)
{
    (void)args;
    /* HEAD and GET: the CLI reads only the Api-Version header. */
    http_respond(r, 200, "text/plain; charset=utf-8", "OK", 2);
}

void
api_version(struct http_req *r, char **args)
{
    json_object *o = json_object_new_object(), *p = json_object_new_object();
    json_object *comps = json_object_new_array(),
                *eng = json_object_new_object();
    json_object *det = json_object_new_object();
    struct utsname u;

    (void)args;
    uname(&u);
    json_object_object_add(p, "Name", json_object_new_string("minictr"));
    json_object_object_add(o, "Platform", p);
    json_object_object_add(det, "ApiVersion",
                           json_object_new_string(API_VERSION));
    json_object_object_add(det, "MinAPIVersion",
                           json_object_new_string(API_MIN_VERSION));
    json_object_object_add(det, "Os", json_object_new_string("linux"));
    json_object_object_add(det, "KernelVersion",
                           json_object_new_string(u.release));
    json_object_object_add(det, "Arch", json_object_new_string("amd64"));
    json_object_object_add(det, "GitCommit", json_object_new_string("minictr"));
    json_object_object_add(det, "GoVersion",
                           json_object_new_string("none (C)"));
    json_object_object_add(det, "BuildTime",
                           json_object_new_string(__DATE__ " " __TIME__));
    json_object_object_add(det, "Experimental",
                           json_object_new_string("false"));
    json_object_object_add(eng, "Name", json_object_new_string("Engine"));
    json_object_object_add(eng, "Version", json_object_new_string("0.1.0"));
    json_object_object_add(eng, "Details", det);
    json_object_array_add(comps, eng);
    json_object_object_add(o, "Components", comps);
    json_object_object_add(o, "Version", json_object_new_string("0.1.0"));
    json_object_object_add(o, "ApiVersion",
                           json_object_new_string(API_VERSION));
    json_object_object_add(o, "MinAPIVersion",
                           json_object_new_string(API_MIN_VERSION));
    json_object_object_add(o, "GitCommit", json_object_new_string("minictr"));
    json_object_object_add(o, "GoVersion", json_object_new_string("none (C)"));
    json_object_object_add(o, "Os", json_object_new_string("linux"));
    json_object_object_add(o, "Arch", json_object_new_string("amd64"));
    json_object_object_add(o, "KernelVersion",
                           json_object_new_string(u.release));
    json_object_object_add(o, "BuildTime",
                           json_object_new_string(__DATE__ " " __TIME__));
    http_json(r, 200, o);
}

struct counts {
    int all, running, paused, stopped;
};

static int
count_one(struct container *c, void *arg)
{
    struct counts *n = arg;
    const char *s = container_real_status(c);

    n->all++;
    if (!strcmp(s, ST_RUNNING) || !strcmp(s, ST_RESTARTING))
        n->running++;
    else if (!strcmp(s, ST_PAUSED))
        n->paused++;
    else
        n->stopped++;
    return 0;
}

static int
count_images(void)
{
    json_object *idx = store_index_read(), *images;
    int n = 0;

    ct_clear_error();
    if (idx && json_object_object_get_ex(idx, "images", &images))
        n = json_object_object_length(images);
    json_object_put(idx);
    return n;
}

void
api_info(struct http_req *r, char **args)
{
    json_object *o = json_object_new_object(), *sw = json_object_new_object();
    struct counts n = {0};
    struct utsname u;
    const char *mode = cgroups_mode();

    (void)args;
    uname(&u);
    state_each(count_one, &n);
    json_object_object_add(o, "ID", json_object_new_string("minictr"));
    json_object_object_add(o, "Containers", json_object_new_int(n.all));
    json_object_object_add(o, "ContainersRunning",
                           json_object_new_int(n.running));
    json_object_object_add(o, "ContainersPaused",
                           json_object_new_int(n.paused));
    json_object_object_add(o, "ContainersStopped",
                           json_object_new_int(n.stopped));
    json_object_object_add(o, "Images", json_object_new_int(count_images()));
    json_object_object_add(o, "Driver", json_object_new_string("overlay"));
    json_object_object_add(o, "DockerRootDir",
                           json_object_new_string(mc_lib_dir()));
    json_object_object_add(o, "KernelVersion",
                           json_object_new_string(u.release));
    json_object_object_add(o, "OperatingSystem",
                           json_object_new_string("minictr"));
    json_object_object_add(o, "OSType", json_object_new_string("linux"));
    json_object_object_add(o, "Architecture",
                           json_object_new_string(u.machine));
    json_object_object_add(
        o, "NCPU", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
    json_object_object_add(o, "MemTotal",
                           json_object_new_int64((int64_t)stats_host_memory()));
    json_object_object_add(o, "Name", json_object_new_string(u.nodename));
    json_object_object_add(o, "ServerVersion", json_object_new_string("0.1.0"));
    json_object_object_add(o, "CgroupDriver",
                           json_object_new_string("cgroupfs"));
    json_object_object_add(
        o, "CgroupVersion",
        json_object_new_string(!strcmp(mode, "v2") ? "2" : "1"));
    json_object_object_add(o, "DefaultRuntime",
                           json_object_new_string("minictr"));
    json_object_object_add(sw, "LocalNodeState",
                           json_object_new_string("inactive"));
    json_object_object_add(o, "Swarm", sw);
    http_json(r, 200, o);
}

/* ---- /events ----------------------------------------------------------- */

static int
event_chunk(void *arg, const char *line)
{
    struct http_req *r = arg;

    if (http_stream_write(r, line, strlen(line)) == -1 ||
        http_stream_write(r, "\n", 1) == -1)
        return -1;
    return 0;
}

/* filters={"type":{"container":true},"event":["start"]} (1.12: lists) */
static int
event_filters(struct http_req *r, struct event_query *q, const char *json)
{
    json_object *f = json_tokener_parse(json);

    if (!f || !json_object_is_type(f, json_type_object)) {
        json_object_put(f);
        http_error(r, 400, "filters: not a JSON object");
        return -1;
    }
    json_object_object_foreach(f, key, val)
    {
        const char *v = NULL;
        if (json_object_is_type(val, json_type_array) &&
            json_object_array_length(val) > 0)
            v = json_object_get_string(json_object_array_get_idx(val, 0));
        else if (json_object_is_type(val, json_type_object)) {
            json_object_object_foreach(val, k, ignored)
            {
                (void)ignored;
                v = k;
                break;
            }
        }
        if (v && events_parse_filter(q, key, v) == -1) {
            json_object_put(f);
            http_fail(r);
            return -1;
        }
    }
    json_object_put(f);
    return 0;
}

void
api_events(struct http_req *r, char **args)
{
    struct event_query q = {0};
    char v[2048];

    (void)args;
    if ((http_query(r, "since", v, sizeof(v)) && *v &&
         logs_parse_time(v, &q.since) == -1) ||
        (http_query(r, "until", v, sizeof(v)) && *v &&
         logs_parse_time(v, &q.until) == -1)) {
        http_fail(r);
        return;
    }
    if (http_query(r, "filters", v, sizeof(v)) && *v &&
        event_filters(r, &q, v) == -1)
        return;
    if (http_stream_begin(r, 200, "application/json") == -1)
        return;
    events_follow(&q, event_chunk, r, r->fd);
    ct_clear_error();
}

/* ---- images ------------------------------------------------------------ */

/* The store (store.c) names images NAME:TAG and by the digest of their
 * config, as Docker does: the IDs here are the real ones. */

bool
api_image_name(const char *ref, char *buf, size_t size)
{
    static const char *const prefixes[] = {"docker.io/library/", "docker.io/",
                                           "library/"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (!strncmp(ref, prefixes[i], strlen(prefixes[i]))) {
            ref += strlen(prefixes[i]);
            break;
        }
    snprintf(buf, size, "%s", ref);
    return *buf != '\0' && !strchr(buf, '/');
}

/* NAME[:TAG], sha256:ID or an ID prefix -> "sha256:HEX"; "" if none. */
static bool
resolve(json_object *idx, const char *ref, char id[72])
{
    char name[400];

    id[0] = '\0';
    if (!idx || !api_image_name(ref, name, sizeof(name)) ||
        store_resolve(idx, name, id) == -1) {
        ct_clear_error();
        id[0] = '\0';
        return false;
    }
    return true;
}

void
api_image_id(const char *name, char *buf, size_t size)
{
    json_object *idx = store_index_read();
    char id[72];

    ct_clear_error();
    resolve(idx, name ? name : "", id);
    snprintf(buf, size, "%s", id);
    json_object_put(idx);
}

/* The sum of the image's layers (images.json keeps each layer's size). */
static int64_t
image_size(json_object *idx, const char *id)
{
    json_object *images, *entry, *layers, *sizes, *l, *v;
    int64_t total = 0;

    if (!json_object_object_get_ex(idx, "images", &images) ||
        !json_object_object_get_ex(images, id, &entry) ||
        !json_object_object_get_ex(entry, "layers", &layers))
        return 0;
    json_object_object_get_ex(idx, "layers", &sizes);
    for (size_t i = 0; i < json_object_array_length(layers); i++)
        if (json_object_object_get_ex(json_object_array_get_idx(layers, i),
                                      "diff_id", &v) &&
            json_object_object_get_ex(sizes, json_object_get_string(v), &l) &&
            json_object_object_get_ex(l, "size", &v))
            total += json_object_get_int64(v);
    return total;
}

/* The config's "created" (RFC 3339) as Unix seconds; 0 if none. */
static int64_t
created_seconds(json_object *config)
{
    json_object *v;
    struct tm tm = {0};

    if (!config || !json_object_object_get_ex(config, "created", &v) ||
        !strptime(json_object_get_string(v), "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return (int64_t)timegm(&tm);
}

static json_object *
image_summary(json_object *idx, const char *id, bool full)
{
    json_object *o = json_object_new_object(), *tags = json_object_new_array();
    json_object *refs, *config = store_image_config(id), *v;
    int64_t size = image_size(idx, id);

    ct_clear_error();
    if (json_object_object_get_ex(idx, "refs", &refs)) {
        json_object_object_foreach(refs, ref, val)
        {
            if (!strcmp(json_object_get_string(val), id))
                json_object_array_add(tags, json_object_new_string(ref));
        }
    }
    json_object_object_add(o, "Id", json_object_new_string(id));
    json_object_object_add(o, "RepoTags", tags);
    json_object_object_add(o, "RepoDigests", json_object_new_array());
    json_object_object_add(o, "Size", json_object_new_int64(size));
    json_object_object_add(o, "VirtualSize", json_object_new_int64(size));
    if (!full) {
        json_object_object_add(o, "Labels", json_object_new_object());
        json_object_object_add(o, "ParentId", json_object_new_string(""));
        json_object_object_add(o, "Created",
                               json_object_new_int64(created_seconds(config)));
        json_object_object_add(o, "SharedSize", json_object_new_int64(-1));
        json_object_object_add(o, "Containers", json_object_new_int64(-1));
    } else {
        json_object *rootfs = json_object_new_object();
        json_object_object_add(
            o, "Created",
            config && json_object_object_get_ex(config, "created", &v)
                ? json_object_get(v)
                : json_object_new_string(""));
        json_object_object_add(o, "Os", json_object_new_string("linux"));
        json_object_object_add(o, "Architecture",
                               json_object_new_string("amd64"));
        json_object_object_add(
            o, "Config",
            config && json_object_object_get_ex(config, "config", &v)
                ? json_object_get(v)
                : json_object_new_object());
        json_object_object_add(rootfs, "Type",
                               json_object_new_string("layers"));
        if (config && json_object_object_get_ex(config, "rootfs", &v) &&
            json_object_object_get_ex(v, "diff_ids", &v))
            json_object_object_add(rootfs, "Layers", json_object_get(v));
        json_object_object_add(o, "RootFS", rootfs);
    }
    json_object_put(config);
    return o;
}

void
api_images_list(struct http_req *r, char **args)
{
    json_object *all = json_object_new_array();
    json_object *idx = store_index_read(), *images;

    (void)args;
    ct_clear_error();
    if (idx && json_object_object_get_ex(idx, "images", &images)) {
        json_object_object_foreach(images, id, entry)
        {
            (void)entry;
            json_object_array_add(all, image_summary(idx, id, false));
        }
    }
    json_object_put(idx);
    http_json(r, 200, all);
}

/* The image a path names (id gets its ID) and the index, or a 404 sent
 * and NULL. */
static json_object *
find_image(struct http_req *r, const char *ref, char id[72])
{
    json_object *idx = store_index_read();

    if (!resolve(idx, ref, id)) {
        json_object_put(idx);
        http_error(r, 404, "No such image: %s", ref);
        return NULL;
    }
    return idx;
}

void
api_image_inspect(struct http_req *r, char **args)
{
    char id[72];
    json_object *idx = find_image(r, args[0], id);

    if (!idx)
        return;
    http_json(r, 200, image_summary(idx, id, true));
    json_object_put(idx);
}

/* The config's history, newest first, as `docker history` reads it. */
void
api_image_history(struct http_req *r, char **args)
{
    char id[72];
    json_object *idx = find_image(r, args[0], id), *config, *history, *v;
    json_object *a;
    int n;

    if (!idx)
        return;
    a = json_object_new_array();
    config = store_image_config(id);
    ct_clear_error();
    if (!config || !json_object_object_get_ex(config, "history", &history) ||
        !json_object_is_type(history, json_type_array))
        history = NULL;
    n = history ? (int)json_object_array_length(history) : 0;
    for (int i = n - 1; i >= 0; i--) {
        json_object *h = json_object_array_get_idx(history, (size_t)i);
        json_object *o = json_object_new_object();
        struct tm tm = {0};
        int64_t when = 0;
        if (json_object_object_get_ex(h, "created", &v) &&
            strptime(json_object_get_string(v), "%Y-%m-%dT%H:%M:%S", &tm))
            when = (int64_t)timegm(&tm);
        json_object_object_add(
            o, "Id", json_object_new_string(i == n - 1 ? id : "<missing>"));
        json_object_object_add(o, "Created", json_object_new_int64(when));
        json_object_object_add(
            o, "CreatedBy",
            json_object_new_string(
                json_object_object_get_ex(h, "created_by", &v)
                    ? json_object_get_string(v)
                    : ""));
        json_object_object_add(o, "Tags", json_object_new_array());
        json_object_object_add(
            o, "Size",
            json_object_new_int64(i == n - 1 ? image_size(idx, id) : 0));
        json_object_object_add(
            o, "Comment",
            json_object_new_string(json_object_object_get_ex(h, "comment", &v)
                                       ? json_object_get_string(v)
                                       : ""));
        json_object_array_add(a, o);
    }
    json_object_put(config);
    json_object_put(idx);
    http_json(r, 200, a);
}

void
api_image_delete(struct http_req *r, char **args)
{
    char id[72], name[400];
    json_object *idx = find_image(r, args[0], id), *a, *o;

    if (!idx)
        return;
    json_object_put(idx);
    api_image_name(args[0], name, sizeof(name));
    if (image_remove(name) == -1) {
        http_fail(r);
        return;
    }
    a = json_object_new_array();
    o = json_object_new_object();
    json_object_object_add(o, "Untagged", json_object_new_string(name));
    json_object_array_add(a, o);
    o = json_object_new_object();
    json_object_object_add(o, "Deleted", json_object_new_string(id));
    json_object_array_add(a, o);
    http_json(r, 200, a);
}

/* One line of a progress stream (import, pull): {"status": ...} or the
 * error that ends it, {"errorDetail": {"message"}, "error"}. */
static void
progress(struct http_req *r, const char *key, const char *msg)
{
    json_object *o = json_object_new_object();
    const char *s;

    if (!strcmp(key, "error")) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "message", json_object_new_string(msg));
        json_object_object_add(o, "errorDetail", d);
    }
    json_object_object_add(o, key, json_object_new_string(msg));
    s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    http_stream_write(r, s, strlen(s));
    http_stream_write(r, "\r\n", 2);
    json_object_put(o);
}

/* A query value, url-decoded in place ('+' is a space). */
static void
url_decode(char *s)
{
    char *o = s;

    for (char *c = s; *c; c++) {
        unsigned x;
        if (*c == '%' && sscanf(c + 1, "%2x", &x) == 1) {
            *o++ = (char)x;
            c += 2;
        } else {
            *o++ = *c == '+' ? ' ' : *c;
        }
    }
    *o = '\0';
}

/* The request body into a file of ours, tmp (in MINICTR_ROOT, where the
 * store is: the same filesystem). 0, or -1 with the answer sent. */
static int
body_to_file(struct http_req *r, char *tmp, size_t size, const char *what)
{
    int fd;

    snprintf(tmp, size, "%s/.upload-%d.tar", mc_lib_dir(), gettid());
    ct_mkdir_p(mc_lib_dir(), 0700);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd == -1) {
        ct_fail_errno("open '%s'", tmp);
        http_fail(r);
        return -1;
    }
    if (http_body_to_fd(r, fd) <= 0) {
        close(fd);
        unlink(tmp);
        http_error(r, 400, "no %s in the request body", what);
        return -1;
    }
    close(fd);
    return 0;
}

/* POST /images/create: fromSrc=- imports the body (a tarball, what
 * `docker import` sends); fromImage=X would pull, which minictr cannot:
 * the answer is a stream whose last line is the error (the CLI prints it,
 * exit 125). */
void
api_image_create(struct http_req *r, char **args)
{
    char src[64] = "", repo[256] = "", tag[64] = "", from[512] = "";
    char name[300], tmp[4300], ref[400], change[1024], id[80];
    json_object *cfg;

    (void)args;
    http_query(r, "fromSrc", src, sizeof(src));
    http_query(r, "repo", repo, sizeof(repo));
    http_query(r, "tag", tag, sizeof(tag));
    if (!*src) {
        http_query(r, "fromImage", from, sizeof(from));
        if (http_stream_begin(r, 200, "application/json") == -1)
            return;
        snprintf(tmp, sizeof(tmp),
                 "minictr cannot pull images (no registry here): import %s "
                 "first (docker import FILE.tar %s, or minictr import)",
                 from, from);
        progress(r, "error", tmp);
        return;
    }
    if (strcmp(src, "-")) {
        http_error(r, 400,
                   "fromSrc=%s: minictr imports the request body only "
                   "(fromSrc=-)",
                   src);
        return;
    }
    snprintf(ref, sizeof(ref), "%s%s%s", repo, *tag ? ":" : "", tag);
    if (!*repo || !api_image_name(ref, name, sizeof(name)) ||
        store_parse_ref(name, tmp, sizeof(tmp)) == -1) {
        ct_clear_error();
        http_error(r, 400,
                   "repo '%s': give a name for the image (letters, "
                   "digits, '_', '.', '-'; tag latest)",
                   ref);
        return;
    }
    cfg = json_object_new_object();
    /* changes=CMD ["sh"] (docker import -c), one or more */
    for (const char *p = r->query; (p = strstr(p, "changes=")); p += 8) {
        size_t len = strcspn(p + 8, "&");
        snprintf(change, sizeof(change), "%.*s", (int)len, p + 8);
        url_decode(change);
        if (image_apply_change(cfg, change) == -1) {
            json_object_put(cfg);
            http_fail(r);
            return;
        }
    }
    if (body_to_file(r, tmp, sizeof(tmp), "tarball") == -1) {
        json_object_put(cfg);
        return;
    }
    if (image_import(tmp, name, cfg, id) == -1) {
        unlink(tmp);
        json_object_put(cfg);
        http_fail(r);
        return;
    }
    unlink(tmp);
    json_object_put(cfg);
    if (http_stream_begin(r, 200, "application/json") == -1)
        return;
    progress(r, "status", id);
}

/* ---- load, save, tag --------------------------------------------------- */

/* Run `minictr ARGS...`: this program again, for load and save, whose
 * work (a 2 MB state, the store's locks, lines on stdout) belongs to a
 * process of its own. posix_spawn: a fork of a threaded server must exec
 * at once (serve.c's header). Its stdout and stderr come back in out and
 * err (memfds, read from the start); returns its exit status, -1 if it
 * did not run. */
static int
run_self(char *const argv[], char *out, size_t outsize, char *err,
         size_t errsize)
{
    posix_spawn_file_actions_t fa;
    int fo = memfd_create("minictr-out", MFD_CLOEXEC);
    int fe = memfd_create("minictr-err", MFD_CLOEXEC);
    int st = -1, rc = -1;
    pid_t pid;

    *out = *err = '\0';
    if (fo == -1 || fe == -1) {
        ct_fail_errno("memfd_create");
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fo, 1);
    posix_spawn_file_actions_adddup2(&fa, fe, 2);
    rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        errno = rc;
        rc = -1;
        ct_fail_errno("posix_spawn /proc/self/exe");
        goto out;
    }
    while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
        ;
    rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    for (int k = 0; k < 2; k++) {
        char *buf = k ? err : out;
        size_t size = k ? errsize : outsize;
        ssize_t n = pread(k ? fe : fo, buf, size - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
    }
out:
    if (fo != -1)
        close(fo);
    if (fe != -1)
        close(fe);
    return rc;
}

/* The last "minictr: ..." line of a failed run, for the client. */
static const char *
last_error(char *err)
{
    char *line = NULL, *save;

    for (char *l = strtok_r(err, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save))
        if (strncmp(l, "hint:", 5))
            line = l;
    if (line && !strncmp(line, "minictr: ", 9))
        line += 9;
    return line ? line : "failed";
}

/* POST /images/load (docker load): the body is a docker-save archive or a
 * tar of an OCI layout; `minictr load` checks and unpacks it, and its
 * "Loaded image: ..." lines become the answer's stream. */
void
api_image_load(struct http_req *r, char **args)
{
    char tmp[4300], out[8192], err[4096];
    char *argv[] = {"minictr", "load", "-i", tmp, NULL};
    int rc;

    (void)args;
    if (body_to_file(r, tmp, sizeof(tmp), "archive") == -1)
        return;
    rc = run_self(argv, out, sizeof(out), err, sizeof(err));
    unlink(tmp);
    if (rc != 0) {
        if (rc == -1)
            http_fail(r);
        else
            http_error(r, rc == MC_EXIT_RUNNER ? 400 : 500, "%s",
                       last_error(err));
        return;
    }
    if (http_stream_begin(r, 200, "application/json") == -1)
        return;
    for (char *save, *l = strtok_r(out, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        char line[1100];
        snprintf(line, sizeof(line), "%.1000s\n", l);
        progress(r, "stream", line);
    }
}

/* GET /images/get?names=A&names=B and GET /images/NAME/get (docker save):
 * `minictr save` writes the archive (an OCI layout that is a docker-save
 * archive too), which then goes out as the body. */
void
api_image_get(struct http_req *r, char **args)
{
    char tmp[4300], out[1024], err[4096], names[16][400], buf[65536];
    char *argv[24] = {"minictr", "save", "-o", tmp};
    int n = 4, fd, rc;
    ssize_t got;

    snprintf(tmp, sizeof(tmp), "%s/.save-%d.tar", mc_lib_dir(), gettid());
    if (args[0])
        argv[n++] = args[0];
    for (const char *p = r->query; p && (p = strstr(p, "names=")) && n < 20;
         p += 6) {
        char *o = names[n - 4];
        size_t len = strcspn(p + 6, "&");
        snprintf(o, 400, "%.*s", (int)len, p + 6);
        url_decode(o);
        argv[n++] = o;
    }
    argv[n] = NULL;
    if (n == 4) {
        http_error(r, 400, "no image named (names=IMAGE)");
        return;
    }
    for (int i = 4; i < n; i++) {
        char name[400];
        api_image_name(argv[i], name, sizeof(name));
        snprintf(names[i - 4], sizeof(names[0]), "%s", name);
        argv[i] = names[i - 4];
    }
    unlink(tmp);
    rc = run_self(argv, out, sizeof(out), err, sizeof(err));
    if (rc != 0) {
        unlink(tmp);
        if (rc == -1)
            http_fail(r);
        else
            http_error(r,
                       strstr(err, "no such image") || strstr(err, "No such")
                           ? 404
                           : 500,
                       "%s", last_error(err));
        return;
    }
    fd = open(tmp, O_RDONLY | O_CLOEXEC);
    unlink(tmp);
    if (fd == -1) {
        ct_fail_errno("open '%s'", tmp);
        http_fail(r);
        return;
    }
    if (http_stream_begin(r, 200, "application/x-tar") == 0)
        while ((got = read(fd, buf, sizeof(buf))) > 0)
            if (http_stream_write(r, buf, (size_t)got) == -1)
                break;
    close(fd);
}

/* POST /images/NAME/tag?repo=R&tag=T (docker tag). */
void
api_image_tag(struct http_req *r, char **args)
{
    char repo[300] = "", tag[100] = "", src[400], dst[420];

    http_query(r, "repo", repo, sizeof(repo));
    http_query(r, "tag", tag, sizeof(tag));
    if (!*repo) {
        http_error(r, 400, "repo: give the new name");
        return;
    }
    api_image_name(args[0], src, sizeof(src));
    snprintf(dst, sizeof(dst), "%s%s%s", repo, *tag ? ":" : "", tag);
    if (image_tag(src, dst) == -1) {
        http_fail(r);
        return;
    }
    http_respond(r, 201, "application/json", "", 0);
}

/* ---- volumes ----------------------------------------------------------- */

void
api_volumes_list(struct http_req *r, char **args)
{
    json_object *o = json_object_new_object(), *all = json_object_new_array();
    char dir[4096];
    DIR *d;
    struct dirent *e;

    (void)args;
    snprintf(dir, sizeof(dir), "%s/volumes", mc_lib_dir());
    d = opendir(dir);
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && mc_valid_name(e->d_name))
            json_object_array_add(all, volume_json(e->d_name));
    if (d)
        closedir(d);
    json_object_object_add(o, "Volumes", all);
    json_object_object_add(o, "Warnings", NULL);
    http_json(r, 200, o);
}

void
api_volume_create(struct http_req *r, char **args)
{
    json_object *body = http_body_json(r), *v;
    char path[4096], name[80];

    (void)args;
    if (!body)
        return;
    if (json_object_object_get_ex(body, "Name", &v) &&
        *json_object_get_string(v)) {
        snprintf(name, sizeof(name), "%s", json_object_get_string(v));
    } else {
        unsigned char raw[16];
        if (getentropy(raw, sizeof(raw)) == -1) {
            http_error(r, 500, "getentropy failed");
            json_object_put(body);
            return;
        }
        for (int i = 0; i < 16; i++)
            snprintf(name + 2 * i, 3, "%02x", raw[i]);
    }
    json_object_put(body);
    if (volume_path(name, true, path, sizeof(path)) == -1)
        http_fail(r);
    else
        http_json(r, 201, volume_json(name));
}

void
api_volume_inspect(struct http_req *r, char **args)
{
    char path[4096];

    if (volume_path(args[0], false, path, sizeof(path)) == -1) {
        ct_clear_error();
        http_error(r, 404, "get %s: no such volume", args[0]);
        return;
    }
    http_json(r, 200, volume_json(args[0]));
}

void
api_volume_delete(struct http_req *r, char **args)
{
    if (volume_remove(args[0]) == -1) {
        if (!strcmp(mc_get_error_code(), "no_such_volume")) {
            ct_clear_error();
            http_error(r, 404, "get %s: no such volume", args[0]);
        } else {
            http_fail(r);
        }
        return;
    }
    http_respond(r, 204, NULL, "", 0);
}

/* ---- networks ---------------------------------------------------------- */

static json_object *
none_network(void)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "Name", json_object_new_string("none"));
    json_object_object_add(o, "Id", json_object_new_string("none"));
    json_object_object_add(o, "Driver", json_object_new_string("null"));
    json_object_object_add(o, "Scope", json_object_new_string("local"));
    json_object_object_add(o, "Containers", json_object_new_object());
    return o;
}

/* A bridge network of networks.c, as Docker shows one. */
static json_object *
bridge_network(const struct network *n)
{
    json_object *o = json_object_new_object(), *ipam = json_object_new_object();
    json_object *cfgs = json_object_new_array(),
                *cfg = json_object_new_object();
    char subnet[32], gw[16], when[64];
    struct in_addr a;

    a.s_addr = htonl(n->subnet);
    snprintf(subnet, sizeof(subnet), "%s/%d", inet_ntoa(a), n->prefix);
    a.s_addr = htonl(n->gateway);
    snprintf(gw, sizeof(gw), "%s", inet_ntoa(a));
    mc_format_time(n->created_ns, when, sizeof(when));
    json_object_object_add(o, "Name", json_object_new_string(n->name));
    json_object_object_add(o, "Id", json_object_new_string(n->id));
    json_object_object_add(o, "Created", json_object_new_string(when));
    json_object_object_add(o, "Driver", json_object_new_string("bridge"));
    json_object_object_add(o, "Scope", json_object_new_string("local"));
    json_object_object_add(cfg, "Subnet", json_object_new_string(subnet));
    json_object_object_add(cfg, "Gateway", json_object_new_string(gw));
    json_object_array_add(cfgs, cfg);
    json_object_object_add(ipam, "Driver", json_object_new_string("default"));
    json_object_object_add(ipam, "Config", cfgs);
    json_object_object_add(o, "IPAM", ipam);
    json_object_object_add(o, "Containers", json_object_new_object());
    json_object_object_add(o, "Options", json_object_new_object());
    json_object_object_add(o, "Labels", json_object_new_object());
    return o;
}

static int
add_network(struct network *n, void *arg)
{
    json_object_array_add(arg, bridge_network(n));
    return 0;
}

void
api_networks_list(struct http_req *r, char **args)
{
    json_object *a = json_object_new_array();

    (void)args;
    json_object_array_add(a, none_network());
    network_each(add_network, a);
    ct_clear_error();
    http_json(r, 200, a);
}

struct net_query {
    const char *key; /* a name, an id or its start */
    json_object *found;
};

static int
match_network(struct network *n, void *arg)
{
    struct net_query *q = arg;

    if (strcmp(n->name, q->key) && strncmp(n->id, q->key, strlen(q->key)))
        return 0;
    q->found = bridge_network(n);
    return 1;
}

void
api_network_inspect(struct http_req *r, char **args)
{
    struct net_query q = {.key = args[0]};

    if (!strcmp(args[0], "none")) {
        http_json(r, 200, none_network());
        return;
    }
    if (*args[0])
        network_each(match_network, &q);
    ct_clear_error();
    if (q.found)
        http_json(r, 200, q.found);
    else
        http_error(r, 404, "network %s not found", args[0]);
}

/* ---- not yet ----------------------------------------------------------- */

/* Routes the CLI has and the API not yet: image push; networks (create,
 * connect); build; cp (archive); diff (changes). A clear 501, so a client
 * says what is missing. */
void
api_not_yet(struct http_req *r, char **args)
{
    const char *what = strstr(r->path, "/networks")
        ? "network create and connect (minictr network does them)"
        : strstr(r->path, "/build") ? "build (minictr build does it)"
        : strstr(r->path, "/archive")
        ? "docker cp through the API (minictr cp does it)"
        : strstr(r->path, "/changes") ? "docker diff"
                                      : "image push (minictr has no registry)";

    (void)args;
    http_error(r, 501, "minictr serve has no %s %s yet: %s", r->method, r->path,
               what);
}
