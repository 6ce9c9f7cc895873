/*
 * api_system.c: the rest of the Engine API that real clients call —
 * /_ping, /version, /info, /events; images (list, inspect, history,
 * delete, import with fromSrc=-, and the pull that must say no); volumes;
 * networks.
 *
 * Images are minictr's (images.c): a directory per image, named as the
 * CLI names it ("busybox" for busybox:latest). Their ids are made from
 * the name (no content digest until the image layer store lands: then
 * load, save and real digests plug in here). Networks: none yet but the
 * isolated namespace with lo each container has, listed as "none"; the
 * network issue (bridge, published ports) adds its handlers beside these.
 *
 * Read: https://docs.docker.com/engine/api/v1.41/ (System, Image,
 *       Volume, Network).
 * Try:  sudo DOCKER_HOST=unix:///run/minictr/docker.sock docker import \
 *         busybox.tar myimg && sudo minictr images
 * See:  the image docker imported is minictr's: the same directory.
 */
#include "api.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
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
    char dir[4096];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s/images", mc_lib_dir());
    d = opendir(dir);
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
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

bool
api_image_name(const char *ref, char *buf, size_t size)
{
    static const char *const prefixes[] = {"docker.io/library/", "docker.io/",
                                           "library/"};
    const char *colon;

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (!strncmp(ref, prefixes[i], strlen(prefixes[i]))) {
            ref += strlen(prefixes[i]);
            break;
        }
    if (!strncmp(ref, "sha256:", 7)) {
        /* an id we gave out: find the name it was made from */
        char dir[4096], id[80];
        DIR *d;
        struct dirent *e;
        bool found = false;
        snprintf(dir, sizeof(dir), "%s/images", mc_lib_dir());
        d = opendir(dir);
        while (d && !found && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            api_image_id(e->d_name, id, sizeof(id));
            if (!strncmp(id, ref, strlen(ref))) {
                snprintf(buf, size, "%s", e->d_name);
                found = true;
            }
        }
        if (d)
            closedir(d);
        return found;
    }
    colon = strrchr(ref, ':');
    if (colon && strcmp(colon, ":latest") && !strchr(colon, '/'))
        return false;
    snprintf(buf, size, "%.*s", colon ? (int)(colon - ref) : (int)strlen(ref),
             ref);
    return *buf != '\0';
}

void
api_image_id(const char *name, char *buf, size_t size)
{
    /* FNV-1a, four ways salted: 64 hex digits that stay the same for the
     * same name. A stand-in, and said so in the README. */
    uint64_t h[4];

    for (int k = 0; k < 4; k++) {
        h[k] = 0xcbf29ce484222325ULL ^ (uint64_t)k;
        for (const char *p = name ? name : ""; *p; p++)
            h[k] = (h[k] ^ (unsigned char)*p) * 0x100000001b3ULL;
        h[k] = (h[k] ^ (uint64_t)(k + 1)) * 0x100000001b3ULL;
    }
    snprintf(buf, size, "sha256:%016llx%016llx%016llx%016llx",
             (unsigned long long)h[0], (unsigned long long)h[1],
             (unsigned long long)h[2], (unsigned long long)h[3]);
}

static _Thread_local uint64_t du_total;

static int
du_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)path;
    (void)f;
    if (flag == FTW_F)
        du_total += (uint64_t)st->st_size;
    return 0;
}

/* The image's size: image.json's, or summed once from its files. */
static int64_t
image_size(const char *name, json_object *meta)
{
    json_object *v;
    char root[4096];

    if (json_object_object_get_ex(meta, "size", &v))
        return json_object_get_int64(v);
    snprintf(root, sizeof(root), "%s/images/%s/rootfs", mc_lib_dir(), name);
    du_total = 0;
    nftw(root, du_one, 16, FTW_PHYS | FTW_MOUNT);
    return (int64_t)du_total;
}

static json_object *
image_meta(const char *name)
{
    char path[4300];

    if (!mc_valid_name(name))
        return NULL;
    snprintf(path, sizeof(path), "%s/images/%s/image.json", mc_lib_dir(), name);
    return json_object_from_file(path);
}

static json_object *
image_summary(const char *name, json_object *meta, bool full)
{
    json_object *o = json_object_new_object(), *tags = json_object_new_array();
    json_object *v;
    char id[80], tag[160];
    int64_t created = 0, size = image_size(name, meta);

    api_image_id(name, id, sizeof(id));
    snprintf(tag, sizeof(tag), "%s:latest", name);
    json_object_array_add(tags, json_object_new_string(tag));
    if (json_object_object_get_ex(meta, "created", &v))
        created = json_object_get_int64(v);
    json_object_object_add(o, "Id", json_object_new_string(id));
    json_object_object_add(o, "RepoTags", tags);
    json_object_object_add(o, "RepoDigests", json_object_new_array());
    json_object_object_add(o, "Size", json_object_new_int64(size));
    json_object_object_add(o, "VirtualSize", json_object_new_int64(size));
    json_object_object_add(o, "Labels", json_object_new_object());
    if (!full) {
        json_object_object_add(o, "ParentId", json_object_new_string(""));
        json_object_object_add(o, "Created", json_object_new_int64(created));
        json_object_object_add(o, "SharedSize", json_object_new_int64(-1));
        json_object_object_add(o, "Containers", json_object_new_int64(-1));
    } else {
        struct image_config ic;
        json_object *cfg = json_object_new_object(),
                    *rootfs = json_object_new_object();
        char when[64];
        mc_format_time(created * 1000000000LL, when, sizeof(when));
        json_object_object_add(o, "Created", json_object_new_string(when));
        json_object_object_add(o, "Os", json_object_new_string("linux"));
        json_object_object_add(o, "Architecture",
                               json_object_new_string("amd64"));
        if (image_config_load(name, &ic) == 0) {
            json_object *lists[3] = {NULL, NULL, NULL};
            char **src[3] = {ic.cmd, ic.entrypoint, ic.env};
            const char *keys[3] = {"Cmd", "Entrypoint", "Env"};
            for (int k = 0; k < 3; k++) {
                if (src[k]) {
                    lists[k] = json_object_new_array();
                    for (char **a = src[k]; *a; a++)
                        json_object_array_add(lists[k],
                                              json_object_new_string(*a));
                }
                json_object_object_add(cfg, keys[k], lists[k]);
            }
            json_object_object_add(
                cfg, "WorkingDir",
                json_object_new_string(ic.workdir ? ic.workdir : ""));
            json_object_object_add(
                cfg, "User", json_object_new_string(ic.user ? ic.user : ""));
        }
        ct_clear_error();
        json_object_object_add(o, "Config", cfg);
        json_object_object_add(rootfs, "Type",
                               json_object_new_string("layers"));
        json_object_object_add(o, "RootFS", rootfs);
    }
    return o;
}

void
api_images_list(struct http_req *r, char **args)
{
    json_object *all = json_object_new_array();
    char dir[4096];
    DIR *d;
    struct dirent *e;

    (void)args;
    snprintf(dir, sizeof(dir), "%s/images", mc_lib_dir());
    d = opendir(dir);
    while (d && (e = readdir(d)) != NULL) {
        json_object *meta;
        if (e->d_name[0] == '.' || !(meta = image_meta(e->d_name)))
            continue;
        json_object_array_add(all, image_summary(e->d_name, meta, false));
        json_object_put(meta);
    }
    if (d)
        closedir(d);
    http_json(r, 200, all);
}

/* The image named by a path, or a 404 sent. */
static json_object *
find_image(struct http_req *r, const char *ref, char *name, size_t size)
{
    json_object *meta = NULL;

    if (api_image_name(ref, name, size))
        meta = image_meta(name);
    if (!meta)
        http_error(r, 404, "No such image: %s", ref);
    return meta;
}

void
api_image_inspect(struct http_req *r, char **args)
{
    char name[128];
    json_object *meta = find_image(r, args[0], name, sizeof(name));

    if (!meta)
        return;
    http_json(r, 200, image_summary(name, meta, true));
    json_object_put(meta);
}

void
api_image_history(struct http_req *r, char **args)
{
    char name[128], id[80], by[4200];
    json_object *meta = find_image(r, args[0], name, sizeof(name)), *v;
    json_object *a, *o;

    if (!meta)
        return;
    a = json_object_new_array();
    o = json_object_new_object();
    api_image_id(name, id, sizeof(id));
    snprintf(by, sizeof(by), "minictr import %s",
             json_object_object_get_ex(meta, "source", &v)
                 ? json_object_get_string(v)
                 : "?");
    json_object_object_add(o, "Id", json_object_new_string(id));
    json_object_object_add(
        o, "Created",
        json_object_new_int64(json_object_object_get_ex(meta, "created", &v)
                                  ? json_object_get_int64(v)
                                  : 0));
    json_object_object_add(o, "CreatedBy", json_object_new_string(by));
    json_object_object_add(o, "Tags", json_object_new_array());
    json_object_object_add(o, "Size",
                           json_object_new_int64(image_size(name, meta)));
    json_object_object_add(o, "Comment", json_object_new_string("one layer"));
    json_object_array_add(a, o);
    json_object_put(meta);
    http_json(r, 200, a);
}

void
api_image_delete(struct http_req *r, char **args)
{
    char name[128], id[80];
    json_object *meta = find_image(r, args[0], name, sizeof(name)), *a, *o;

    if (!meta)
        return;
    json_object_put(meta);
    if (image_remove(name) == -1) {
        http_fail(r);
        return;
    }
    api_image_id(name, id, sizeof(id));
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
    int fd;

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
        !mc_valid_name(name)) {
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
        for (char *c = change; *c; c++)
            if (*c == '+')
                *c = ' ';
        {
            /* url-decode in place */
            char *o = change;
            for (char *c = change; *c; c++) {
                unsigned x;
                if (*c == '%' && sscanf(c + 1, "%2x", &x) == 1) {
                    *o++ = (char)x;
                    c += 2;
                } else {
                    *o++ = *c;
                }
            }
            *o = '\0';
        }
        if (image_apply_change(cfg, change) == -1) {
            json_object_put(cfg);
            http_fail(r);
            return;
        }
    }
    snprintf(tmp, sizeof(tmp), "%s/.upload-%d.tar", mc_lib_dir(), gettid());
    ct_mkdir_p(mc_lib_dir(), 0700);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd == -1) {
        json_object_put(cfg);
        ct_fail_errno("open '%s'", tmp);
        http_fail(r);
        return;
    }
    if (http_body_to_fd(r, fd) <= 0) {
        close(fd);
        unlink(tmp);
        json_object_put(cfg);
        http_error(r, 400, "no tarball in the request body");
        return;
    }
    close(fd);
    if (image_import(tmp, name, cfg) == -1) {
        unlink(tmp);
        json_object_put(cfg);
        http_fail(r);
        return;
    }
    unlink(tmp);
    json_object_put(cfg);
    if (http_stream_begin(r, 200, "application/json") == -1)
        return;
    api_image_id(name, id, sizeof(id));
    progress(r, "status", id);
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

void
api_networks_list(struct http_req *r, char **args)
{
    json_object *a = json_object_new_array();

    (void)args;
    json_object_array_add(a, none_network());
    http_json(r, 200, a);
}

void
api_network_inspect(struct http_req *r, char **args)
{
    if (strcmp(args[0], "none"))
        http_error(r, 404, "network %s not found", args[0]);
    else
        http_json(r, 200, none_network());
}

/* ---- not yet ----------------------------------------------------------- */

/* Routes that other pieces bring: the image layer store (load, save, tag,
 * push), networks (create, connect), build, cp (archive), diff (changes).
 * A clear 501 until they land, so a client says what is missing. */
void
api_not_yet(struct http_req *r, char **args)
{
    const char *what = strstr(r->path, "/networks")
        ? "networks (the network issue)"
        : strstr(r->path, "/build") ? "build (the images issue)"
        : strstr(r->path, "/archive")
        ? "docker cp through the API (minictr cp does it)"
        : strstr(r->path, "/changes")
        ? "docker diff"
        : "image load, save, tag and push (the image layer store)";

    (void)args;
    http_error(r, 501, "minictr serve has no %s %s yet: %s", r->method, r->path,
               what);
}
