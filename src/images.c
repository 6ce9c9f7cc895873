/*
 * images.c: `minictr import`, `images`, `rmi`, `tag`, `history`, `image
 * prune` — the commands that show and change what the store holds.
 *
 * An image is a config and an ordered list of layers (store.c draws the
 * store). `import` makes a one-layer image from what `docker export`
 * gives, a tarball or a directory, unpacked by minictr-unpack into a
 * temporary directory that becomes the layer when all went well; `import
 * --change 'CMD ["sh"]'` writes the image's defaults into its OCI image
 * config ({"config": {"Cmd", "Entrypoint", "Env", "WorkingDir",
 * "User"}}): what `run IMAGE` uses when its own flags do not say. `load`
 * and `save` (load.c, save.c) bring images with many layers in and out.
 *
 * Removing is the collector's job: `rmi` takes a name away, and an image
 * left with no name and no container goes, and with it each layer and
 * blob no other image or container uses. `image prune` does the same for
 * every image without a name (-a: every image no container uses).
 *
 * Read: rename(2), flock(2), src/store.c, src/unpack/unpack.c.
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool
mc_valid_name(const char *name)
{
    size_t len = strlen(name);
    return len > 0 && len < 64 && name[0] != '.' && name[0] != '-' &&
        strspn(name,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_.-") == len;
}

/* ---- what `run` asks: the image's layers and defaults ----------------- */

/* run asks for the layers, then the defaults, of one image: read it once. */
static struct store_image *
cached_image(const char *name)
{
    static struct store_image img;
    static char loaded[400];

    if (loaded[0] && !strcmp(loaded, name))
        return &img;
    store_image_free(&img);
    loaded[0] = '\0';
    if (store_image_load(name, &img) == -1)
        return NULL;
    snprintf(loaded, sizeof(loaded), "%s", name);
    return &img;
}

int
image_rootfs(const char *name, char *buf, size_t size)
{
    struct store_image *img = cached_image(name);

    if (!img)
        return -1;
    return store_image_lowerdir(img, buf, size);
}

/* ---- image defaults: import --change --------------------------------- */

/* CMD ["a", "b"] (the exec form: JSON) or CMD a b (the shell form: run by
 * /bin/sh -c), as a Dockerfile reads them. */
static json_object *
command_form(const char *arg)
{
    json_object *a;

    if (arg[0] == '[') {
        a = json_tokener_parse(arg);
        if (!a || !json_object_is_type(a, json_type_array)) {
            json_object_put(a);
            return NULL;
        }
        for (size_t i = 0; i < json_object_array_length(a); i++)
            if (!json_object_is_type(json_object_array_get_idx(a, i),
                                     json_type_string)) {
                json_object_put(a);
                return NULL;
            }
        return a;
    }
    a = json_object_new_array();
    json_object_array_add(a, json_object_new_string("/bin/sh"));
    json_object_array_add(a, json_object_new_string("-c"));
    json_object_array_add(a, json_object_new_string(arg));
    return a;
}

/* One --change line into the config object. */
static int
apply_change(json_object *cfg, const char *change)
{
    char word[32] = "";
    const char *arg;
    json_object *v, *env;

    sscanf(change, "%31s", word);
    for (char *p = word; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    arg = change + strcspn(change, " \t");
    arg += strspn(arg, " \t");
    if (!*arg)
        return mc_usage_error("--change '%s': %s needs an argument", change,
                              word);
    if (!strcmp(word, "CMD") || !strcmp(word, "ENTRYPOINT")) {
        v = command_form(arg);
        if (!v)
            return mc_usage_error("--change '%s': give %s [\"prog\", "
                                  "\"arg\"] or %s prog arg",
                                  change, word, word);
        json_object_object_add(cfg, !strcmp(word, "CMD") ? "Cmd" : "Entrypoint",
                               v);
    } else if (!strcmp(word, "ENV")) {
        char kv[4096];
        const char *eq = strchr(arg, '='), *sp = strpbrk(arg, " \t");
        if (eq && (!sp || eq < sp))
            snprintf(kv, sizeof(kv), "%s", arg); /* ENV K=V */
        else if (sp) /* ENV K V */
            snprintf(kv, sizeof(kv), "%.*s=%s", (int)(sp - arg), arg,
                     sp + strspn(sp, " \t"));
        else
            return mc_usage_error("--change '%s': give ENV KEY=VALUE", change);
        if (!json_object_object_get_ex(cfg, "Env", &env)) {
            env = json_object_new_array();
            json_object_object_add(cfg, "Env", env);
        }
        json_object_array_add(env, json_object_new_string(kv));
    } else if (!strcmp(word, "WORKDIR")) {
        if (arg[0] != '/')
            return mc_usage_error("--change '%s': WORKDIR takes an absolute "
                                  "path",
                                  change);
        json_object_object_add(cfg, "WorkingDir", json_object_new_string(arg));
    } else if (!strcmp(word, "USER")) {
        json_object_object_add(cfg, "User", json_object_new_string(arg));
    } else if (!strcmp(word, "EXPOSE")) {
        /* EXPOSE 80 443/udp: {"80/tcp": {}, "443/udp": {}} */
        json_object *ports;
        char buf[1024];
        if (!json_object_object_get_ex(cfg, "ExposedPorts", &ports)) {
            ports = json_object_new_object();
            json_object_object_add(cfg, "ExposedPorts", ports);
        }
        snprintf(buf, sizeof(buf), "%s", arg);
        for (char *p = strtok(buf, " \t"); p; p = strtok(NULL, " \t")) {
            char key[64], *end;
            unsigned long port = strtoul(p, &end, 10);
            if (port == 0 || port > 65535 ||
                (*end && strcmp(end, "/tcp") && strcmp(end, "/udp")))
                return mc_usage_error("--change '%s': EXPOSE takes PORT or "
                                      "PORT/tcp, PORT/udp",
                                      change);
            snprintf(key, sizeof(key), "%lu%s", port, *end ? end : "/tcp");
            json_object_object_add(ports, key, json_object_new_object());
        }
    } else {
        return mc_usage_error("--change '%s': minictr knows CMD, ENTRYPOINT, "
                              "ENV, WORKDIR, USER and EXPOSE",
                              change);
    }
    return 0;
}

static char **
string_list(json_object *cfg, const char *key)
{
    json_object *a;
    char **list;
    size_t n;

    if (!json_object_object_get_ex(cfg, key, &a) ||
        !json_object_is_type(a, json_type_array))
        return NULL;
    n = json_object_array_length(a);
    list = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        list[i] =
            strdup(json_object_get_string(json_object_array_get_idx(a, i)));
    return list;
}

int
image_config_load(const char *name, struct image_config *ic)
{
    struct store_image *img = cached_image(name);
    json_object *cfg, *v;

    memset(ic, 0, sizeof(*ic));
    if (!img)
        return -1;
    if (json_object_object_get_ex(img->config, "config", &cfg) &&
        json_object_is_type(cfg, json_type_object)) {
        ic->entrypoint = string_list(cfg, "Entrypoint");
        ic->cmd = string_list(cfg, "Cmd");
        ic->env = string_list(cfg, "Env");
        if (json_object_object_get_ex(cfg, "WorkingDir", &v) &&
            json_object_is_type(v, json_type_string))
            ic->workdir = strdup(json_object_get_string(v));
        if (json_object_object_get_ex(cfg, "User", &v) &&
            json_object_is_type(v, json_type_string))
            ic->user = strdup(json_object_get_string(v));
        if (json_object_object_get_ex(cfg, "ExposedPorts", &v) &&
            json_object_is_type(v, json_type_object)) {
            size_t n = 0;
            ic->exposed = calloc((size_t)json_object_object_length(v) + 1,
                                 sizeof(char *));
            json_object_object_foreach(v, key, val)
            {
                (void)val;
                ic->exposed[n++] = strdup(key);
            }
        }
    }
    return 0;
}

/* ---- import ------------------------------------------------------------ */

/* The OCI image config of an imported image: its defaults (cfg) and one
 * history entry, as `docker import` writes. */
static json_object *
import_config(json_object *cfg, const char *source)
{
    json_object *o = json_object_new_object(), *history, *h;
    char now[64], by[4200];

    mc_format_time(mc_now_ns(), now, sizeof(now));
    json_object_object_add(o, "architecture", json_object_new_string("amd64"));
    json_object_object_add(o, "os", json_object_new_string("linux"));
    json_object_object_add(o, "created", json_object_new_string(now));
    json_object_object_add(o, "config", json_object_get(cfg));
    history = json_object_new_array();
    h = json_object_new_object();
    snprintf(by, sizeof(by), "minictr import %s", source);
    json_object_object_add(h, "created", json_object_new_string(now));
    json_object_object_add(h, "created_by", json_object_new_string(by));
    json_object_object_add(h, "comment",
                           json_object_new_string("imported from a tarball "
                                                  "or a directory"));
    json_object_array_add(history, h);
    json_object_object_add(o, "history", history);
    return o;
}

int
cmd_import(int argc, char **argv)
{
    char tmp[4200], abs_source[4096], ref[400], result[256], id[72];
    const char *source;
    struct store_layer layer = {0};
    json_object *cfg = json_object_new_object(), *config;
    uint64_t size = 0;
    struct stat st;
    int hold, rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf(
                "usage: minictr import [-c|--change 'CMD [\"sh\"]']... "
                "FILE.tar[.gz|.xz|.zst]|DIR NAME[:TAG]\n"
                "  --change: CMD, ENTRYPOINT, ENV K=V, WORKDIR /dir, USER u, "
                "EXPOSE 80 53/udp\n");
            return 0;
        }
    }
    /* --change INSTRUCTION, -c INSTRUCTION, --change=INSTRUCTION */
    for (;;) {
        const char *change;
        int used;
        if (argc > 2 &&
            (!strcmp(argv[1], "-c") || !strcmp(argv[1], "--change"))) {
            change = argv[2];
            used = 2;
        } else if (argc > 1 && !strncmp(argv[1], "--change=", 9)) {
            change = argv[1] + 9;
            used = 1;
        } else {
            break;
        }
        if (apply_change(cfg, change) == -1)
            return -1;
        argc -= used;
        argv += used;
    }
    if (argc != 3) {
        mc_error_code("usage");
        return ct_fail("usage: minictr import [--change INSTRUCTION]... "
                       "FILE.tar[.gz|.xz|.zst]|DIR NAME[:TAG]");
    }
    source = argv[1];
    if (store_parse_ref(argv[2], ref, sizeof(ref)) == -1)
        return -1;
    if (stat(source, &st) == -1) {
        mc_error_code("no_such_file");
        return ct_fail_errno("import '%s'", source);
    }
    if (!realpath(source, abs_source))
        return ct_fail_errno("realpath '%s'", source);
    hold = store_hold(false);
    if (hold == -1 || store_tmpdir("import", tmp, sizeof(tmp)) == -1)
        return -1;
    /* Unpack into a temporary directory, then rename it into place: a
     * failure half-way leaves nothing that looks like a layer. The layer
     * is named by the tar `save` will write of it (--canonical). */
    rc = store_unpack((const char *[]){"--canonical", abs_source, tmp, NULL},
                      result, sizeof(result));
    if (rc == 0 &&
        sscanf(result, "%71s %*s %" SCNu64, layer.diff_id, &size) != 2)
        rc = ct_fail("minictr-unpack said '%s'", result);
    if (rc == -1) {
        char what[4200];
        userns_rm_rf(tmp);
        store_release(hold);
        snprintf(what, sizeof(what), "import '%s'", source);
        return store_fail_context(what);
    }
    rc = store_adopt_layer(tmp, layer.diff_id, size);
    if (rc == -1)
        userns_rm_rf(tmp);
    config = import_config(cfg, abs_source);
    json_object_put(cfg);
    if (rc == 0)
        rc = store_commit_image(ref, config, &layer, 1, abs_source, id);
    json_object_put(config);
    store_release(hold);
    if (rc == 0)
        printf("%s\n", id); /* as docker import */
    return rc;
}

/* ---- sizes and times, as Docker prints them ---------------------------- */

/* go-units' HumanSizeWithPrecision(size, 3): 1000-based, "4.26MB". */
static void
human_size(uint64_t n, char *buf, size_t size)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = (double)n;
    int u = 0;

    while (v >= 1000 && u < 5) {
        v /= 1000;
        u++;
    }
    snprintf(buf, size, "%.3g%s", v, units[u]);
}

static void
created_ago(json_object *config, char *buf, size_t size)
{
    json_object *v;
    int64_t t;

    if (!json_object_object_get_ex(config, "created", &v) ||
        (t = mc_parse_time(json_object_get_string(v))) <= 0) {
        snprintf(buf, size, "N/A");
        return;
    }
    human_duration(mc_now_ns() - t, buf, size);
    strncat(buf, " ago", size - strlen(buf) - 1);
}

/* ---- images ------------------------------------------------------------ */

static int
cmp_ref(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t
layer_size(json_object *idx, const char *diff_id)
{
    json_object *layers, *l, *v;

    if (json_object_object_get_ex(idx, "layers", &layers) &&
        json_object_object_get_ex(layers, diff_id, &l) &&
        json_object_object_get_ex(l, "size", &v))
        return (uint64_t)json_object_get_int64(v);
    return 0;
}

/* An image's size: the sum of its layers. Each layer not yet in `seen`
 * also counts into *unique (the store's total, shared layers once). */
static uint64_t
image_size(json_object *idx, json_object *entry, json_object *seen,
           uint64_t *unique)
{
    json_object *layers, *v;
    uint64_t total = 0;

    if (!json_object_object_get_ex(entry, "layers", &layers))
        return 0;
    for (size_t i = 0; i < json_object_array_length(layers); i++) {
        const char *d;
        uint64_t n;
        if (!json_object_object_get_ex(json_object_array_get_idx(layers, i),
                                       "diff_id", &v))
            continue;
        d = json_object_get_string(v);
        n = layer_size(idx, d);
        total += n;
        if (seen && !json_object_object_get_ex(seen, d, NULL)) {
            json_object_object_add(seen, d, NULL);
            *unique += n;
        }
    }
    return total;
}

/* One row of `images`: ref is "NAME:TAG", or NULL for an image without a
 * name (<none>). */
static void
image_row(json_object *idx, const char *ref, const char *id, bool quiet,
          json_object *seen, uint64_t *unique, json_object *out)
{
    json_object *images, *entry, *config, *v;
    char name[300] = "<none>", tag[200] = "<none>", ago[64], sz[32];
    uint64_t size;

    if (!json_object_object_get_ex(idx, "images", &images) ||
        !json_object_object_get_ex(images, id, &entry))
        return;
    if (ref) {
        const char *colon = strrchr(ref, ':');
        snprintf(name, sizeof(name), "%.*s", (int)(colon - ref), ref);
        snprintf(tag, sizeof(tag), "%s", colon + 1);
    }
    size = image_size(idx, entry, seen, unique);
    if (quiet) {
        printf("%.12s\n", id + 7);
        return;
    }
    config = store_image_config(id);
    if (out) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(name));
        json_object_object_add(o, "tag", json_object_new_string(tag));
        json_object_object_add(o, "id", json_object_new_string(id));
        if (config && json_object_object_get_ex(config, "created", &v))
            json_object_object_add(o, "created", json_object_get(v));
        json_object_object_add(o, "size", json_object_new_int64((int64_t)size));
        if (json_object_object_get_ex(entry, "source", &v))
            json_object_object_add(o, "source", json_object_get(v));
        if (config && json_object_object_get_ex(config, "rootfs", &v) &&
            json_object_object_get_ex(v, "diff_ids", &v))
            json_object_object_add(o, "layers", json_object_get(v));
        json_object_array_add(out, o);
    } else {
        created_ago(config, ago, sizeof(ago));
        human_size(size, sz, sizeof(sz));
        printf("%-24s %-10s %-14.12s %-23s %s\n", name, tag, id + 7, ago, sz);
    }
    json_object_put(config);
}

int
cmd_images(int argc, char **argv)
{
    json_object *idx, *refs, *images, *seen = json_object_new_object();
    json_object *out = mc_json ? json_object_new_array() : NULL;
    bool quiet = false;
    uint64_t unique = 0;
    int nimages = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr [--json] images [-q]\n\n"
                   "Lists images: REPOSITORY, TAG, IMAGE ID (the first 12 "
                   "of the config's\nsha256), CREATED and SIZE (the sum of "
                   "its layers). The last line counts\nthe space they take "
                   "on disk, each shared layer once.\n");
            return 0;
        }
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
            quiet = true;
        else
            return mc_usage_error("images: unknown option '%s'", argv[i]);
    }
    idx = store_index_read();
    if (!idx)
        return -1;
    json_object_object_get_ex(idx, "refs", &refs);
    json_object_object_get_ex(idx, "images", &images);
    if (!quiet && !out)
        printf("%-24s %-10s %-14s %-23s %s\n", "REPOSITORY", "TAG", "IMAGE ID",
               "CREATED", "SIZE");
    {
        /* names sorted, as Docker's (newest first) would need the times */
        size_t n = (size_t)json_object_object_length(refs), k = 0;
        const char **sorted = calloc(n + 1, sizeof(char *));
        json_object_object_foreach(refs, ref, id)
        {
            (void)id;
            sorted[k++] = ref;
        }
        qsort(sorted, k, sizeof(char *), cmp_ref);
        for (size_t i = 0; i < k; i++) {
            json_object *rid;
            json_object_object_get_ex(refs, sorted[i], &rid);
            image_row(idx, sorted[i], json_object_get_string(rid), quiet, seen,
                      &unique, out);
        }
        free(sorted);
    }
    /* images with no name left (an older build of a tag): <none> */
    json_object_object_foreach(images, id, entry)
    {
        bool named = false;
        (void)entry;
        json_object_object_foreach(refs, ref, rid)
        {
            (void)ref;
            named = named || !strcmp(json_object_get_string(rid), id);
        }
        if (!named)
            image_row(idx, NULL, id, quiet, seen, &unique, out);
        nimages++;
    }
    if (out) {
        printf(
            "%s\n",
            json_object_to_json_string_ext(
                out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(out);
    } else if (!quiet) {
        char sz[32];
        human_size(unique, sz, sizeof(sz));
        printf("%d image%s, %d layer%s: %s on disk (a shared layer counted "
               "once)\n",
               nimages, nimages == 1 ? "" : "s",
               json_object_object_length(seen),
               json_object_object_length(seen) == 1 ? "" : "s", sz);
    }
    json_object_put(seen);
    json_object_put(idx);
    return 0;
}

/* ---- removing: rmi and image prune ------------------------------------- */

/* What containers use: each one's lower directories (c->rootfs). A layer
 * a container stands on stays, whatever happens to its image's names. */
struct users {
    char **roots;
    size_t n;
};

static int
collect_root(struct container *c, void *arg)
{
    struct users *u = arg;

    u->roots = realloc(u->roots, (u->n + 1) * sizeof(char *));
    u->roots[u->n++] = strdup(c->rootfs);
    return 0;
}

static bool
layer_in_use(const struct users *u, const char *diff_id)
{
    for (size_t i = 0; i < u->n; i++)
        if (strstr(u->roots[i], diff_id + 7))
            return true;
    return false;
}

/* Does a container stand on exactly this image's layers? */
static bool
image_in_use(const struct users *u, const char *id)
{
    struct store_image img;
    char lower[MC_ROOTFS_MAX];
    bool used = false;

    if (store_image_load(id, &img) == -1) {
        ct_clear_error();
        return false;
    }
    if (store_image_lowerdir(&img, lower, sizeof(lower)) == 0)
        for (size_t i = 0; i < u->n && !used; i++)
            used = !strcmp(u->roots[i], lower);
    else
        ct_clear_error();
    store_image_free(&img);
    return used;
}

/* What one collection removes, decided under images.lock, done after
 * images.json no longer names it. */
struct collect {
    struct users users;
    char **args; /* rmi: the names given */
    int nargs;
    bool prune, all; /* image prune [-a] */
    char **paths; /* layer directories and blobs to remove */
    size_t npaths;
    uint64_t reclaimed;
    char log[16384]; /* "Untagged: ...", "Deleted: ..." */
    size_t loglen;
};

static void
say(struct collect *c, const char *word, const char *what)
{
    c->loglen += (size_t)snprintf(
        c->log + c->loglen, sizeof(c->log) - c->loglen, "%s: %s\n", word, what);
    if (c->loglen >= sizeof(c->log))
        c->loglen = sizeof(c->log) - 1;
}

static void
remove_later(struct collect *c, const char *path)
{
    c->paths = realloc(c->paths, (c->npaths + 1) * sizeof(char *));
    c->paths[c->npaths++] = strdup(path);
}

static bool
has_name(json_object *refs, const char *id)
{
    json_object_object_foreach(refs, ref, v)
    {
        (void)ref;
        if (!strcmp(json_object_get_string(v), id))
            return true;
    }
    return false;
}

/* Is this digest a layer blob or the config of an image still here? */
static bool
blob_in_use(json_object *images, const char *digest)
{
    json_object_object_foreach(images, id, entry)
    {
        json_object *layers, *v;
        if (!strcmp(id, digest))
            return true;
        if (!json_object_object_get_ex(entry, "layers", &layers))
            continue;
        for (size_t i = 0; i < json_object_array_length(layers); i++)
            if (json_object_object_get_ex(json_object_array_get_idx(layers, i),
                                          "blob", &v) &&
                !strcmp(json_object_get_string(v), digest))
                return true;
    }
    return false;
}

/* After images went: every layer no image and no container uses, every
 * blob no image names, and whatever is on disk but not in the index (a
 * crash between rename and index). */
static void
collect_garbage(json_object *idx, struct collect *c)
{
    json_object *images, *layers;
    char path[4200];
    DIR *d;
    struct dirent *e;

    json_object_object_get_ex(idx, "images", &images);
    json_object_object_get_ex(idx, "layers", &layers);
    {
        json_object *used = json_object_new_object();
        json_object_object_foreach(images, id, entry)
        {
            json_object *list, *v;
            (void)id;
            json_object_object_get_ex(entry, "layers", &list);
            for (size_t i = 0; list && i < json_object_array_length(list); i++)
                if (json_object_object_get_ex(
                        json_object_array_get_idx(list, i), "diff_id", &v))
                    json_object_object_add(used, json_object_get_string(v),
                                           NULL);
        }
        char *gone[4096];
        size_t ngone = 0;
        json_object_object_foreach(layers, diff, l)
        {
            (void)l;
            if (!json_object_object_get_ex(used, diff, NULL) &&
                !layer_in_use(&c->users, diff) && ngone < 4096)
                gone[ngone++] = strdup(diff);
        }
        for (size_t i = 0; i < ngone; i++) {
            c->reclaimed += layer_size(idx, gone[i]);
            store_layer_path(gone[i], path, sizeof(path));
            remove_later(c, path);
            say(c, "Deleted layer", gone[i]);
            json_object_object_del(layers, gone[i]);
            free(gone[i]);
        }
        json_object_put(used);
    }
    store_path(path, sizeof(path), "layers");
    d = opendir(path);
    while (d && (e = readdir(d)) != NULL) {
        char digest[300];
        snprintf(digest, sizeof(digest), "sha256:%s", e->d_name);
        if (e->d_name[0] != '.' && strcmp(e->d_name, "empty") &&
            !json_object_object_get_ex(layers, digest, NULL) &&
            !layer_in_use(&c->users, digest)) {
            store_path(path, sizeof(path), "layers/%s", e->d_name);
            remove_later(c, path);
        }
    }
    if (d)
        closedir(d);
    store_path(path, sizeof(path), "blobs/sha256");
    d = opendir(path);
    while (d && (e = readdir(d)) != NULL) {
        char digest[300];
        struct stat st;
        snprintf(digest, sizeof(digest), "sha256:%s", e->d_name);
        if (e->d_name[0] == '.' || blob_in_use(images, digest))
            continue;
        store_path(path, sizeof(path), "blobs/sha256/%s", e->d_name);
        if (stat(path, &st) == 0)
            c->reclaimed += (uint64_t)st.st_size;
        remove_later(c, path);
    }
    if (d)
        closedir(d);
}

static int
remove_images(json_object *idx, void *arg)
{
    struct collect *c = arg;
    json_object *refs, *images;
    char id[72], ref[400], *gone[1024];
    size_t ngone = 0;

    json_object_object_get_ex(idx, "refs", &refs);
    json_object_object_get_ex(idx, "images", &images);
    for (int i = 0; i < c->nargs; i++) {
        bool by_name;
        if (store_resolve(idx, c->args[i], id) == -1)
            return -1;
        by_name = store_parse_ref(c->args[i], ref, sizeof(ref)) == 0 &&
            json_object_object_get_ex(refs, ref, NULL);
        ct_clear_error();
        if (by_name) {
            json_object_object_del(refs, ref);
            if (has_name(refs, id)) { /* another name keeps it */
                say(c, "Untagged", ref);
                continue;
            }
        } else if (has_name(refs, id)) {
            mc_error_code("image_in_use");
            return ct_fail("image %.19s has names: remove them (minictr "
                           "rmi NAME:TAG), or give a name",
                           id);
        }
        if (image_in_use(&c->users, id)) {
            mc_error_code("image_in_use");
            return ct_fail("image '%s' is used by a container: 'minictr ps "
                           "-a', then 'minictr rm'",
                           c->args[i]);
        }
        if (by_name)
            say(c, "Untagged", ref);
        if (ngone < 1024)
            gone[ngone++] = strdup(id);
        json_object_object_del(images, id);
    }
    if (c->prune) {
        json_object_object_foreach(images, pid, entry)
        {
            (void)entry;
            if ((c->all || !has_name(refs, pid)) &&
                !image_in_use(&c->users, pid) && ngone < 1024)
                gone[ngone++] = strdup(pid);
        }
        for (size_t i = 0; i < ngone; i++) {
            /* -a: the names of an image that goes go with it */
            char *names[256];
            size_t nn = 0;
            json_object_object_foreach(refs, r, v)
            {
                if (!strcmp(json_object_get_string(v), gone[i]) && nn < 256)
                    names[nn++] = strdup(r);
            }
            for (size_t k = 0; k < nn; k++) {
                say(c, "Untagged", names[k]);
                json_object_object_del(refs, names[k]);
                free(names[k]);
            }
            json_object_object_del(images, gone[i]);
        }
    }
    for (size_t i = 0; i < ngone; i++) {
        say(c, "Deleted", gone[i]);
        free(gone[i]);
    }
    collect_garbage(idx, c);
    return 0;
}

/* rmi and image prune: decide under the locks, then remove. */
static int
collect(struct collect *c)
{
    int hold = store_hold(true), rc;

    if (hold == -1)
        return -1;
    state_each(collect_root, &c->users);
    rc = store_index_update(remove_images, c);
    if (rc == 0) {
        for (size_t i = 0; i < c->npaths; i++) {
            ct_trace(NULL, "rm -rf %s", c->paths[i]);
            if (userns_rm_rf(c->paths[i]) == -1)
                fprintf(stderr, "minictr: warning: remove '%s': %s\n",
                        c->paths[i], strerror(errno));
        }
        /* nothing is being made now (we hold gc.lock): tmp/ is litter */
        char tmp[4200];
        store_path(tmp, sizeof(tmp), "tmp");
        userns_rm_rf(tmp);
        fputs(c->log, stdout);
    }
    store_release(hold);
    for (size_t i = 0; i < c->npaths; i++)
        free(c->paths[i]);
    for (size_t i = 0; i < c->users.n; i++)
        free(c->users.roots[i]);
    free(c->paths);
    free(c->users.roots);
    return rc;
}

int
cmd_rmi(int argc, char **argv)
{
    static struct collect c;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr rmi IMAGE...\n\n"
               "Removes each name; an image left with no name and no "
               "container goes, and\nwith it each layer no other image or "
               "container uses.\n");
        return 0;
    }
    if (argc < 2)
        return mc_usage_error("usage: minictr rmi IMAGE...");
    c.args = argv + 1;
    c.nargs = argc - 1;
    return collect(&c);
}

static int
cmd_image_prune(int argc, char **argv)
{
    static struct collect c;
    char sz[32];

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr image prune [-a] [-f]\n\n"
                   "Removes images without a name (-a: every image no "
                   "container uses), the\nlayers and blobs no image uses, "
                   "and what an interrupted load left.\n");
            return 0;
        }
        if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all"))
            c.all = true;
        else if (strcmp(argv[i], "-f") && strcmp(argv[i], "--force"))
            return mc_usage_error("image prune: unknown option '%s'", argv[i]);
    }
    c.prune = true;
    if (collect(&c) == -1)
        return -1;
    human_size(c.reclaimed, sz, sizeof(sz));
    printf("Total reclaimed space: %s\n", sz);
    return 0;
}

/* ---- tag --------------------------------------------------------------- */

struct tag_args {
    const char *src, *dst;
};

static int
add_tag(json_object *idx, void *arg)
{
    struct tag_args *t = arg;
    json_object *refs;
    char id[72];

    if (store_resolve(idx, t->src, id) == -1)
        return -1;
    json_object_object_get_ex(idx, "refs", &refs);
    json_object_object_add(refs, t->dst, json_object_new_string(id));
    return 0;
}

int
cmd_tag(int argc, char **argv)
{
    char dst[400];
    struct tag_args t = {NULL, dst};

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr tag SOURCE[:TAG] TARGET[:TAG]\n");
        return 0;
    }
    if (argc != 3)
        return mc_usage_error("usage: minictr tag SOURCE[:TAG] TARGET[:TAG]");
    t.src = argv[1];
    if (store_parse_ref(argv[2], dst, sizeof(dst)) == -1)
        return -1;
    return store_index_update(add_tag, &t);
}

/* ---- history ----------------------------------------------------------- */

int
cmd_history(int argc, char **argv)
{
    struct store_image img;
    json_object *history, *v, *idx;
    bool no_trunc = false;
    const char *name = NULL;
    int layer, n;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr history [--no-trunc] IMAGE\n\n"
                   "The config's history, newest first: what made each "
                   "layer, and its size\n(0B for steps that only changed "
                   "the config).\n");
            return 0;
        }
        if (!strcmp(argv[i], "--no-trunc"))
            no_trunc = true;
        else if (argv[i][0] == '-' || name)
            return mc_usage_error("usage: minictr history [--no-trunc] IMAGE");
        else
            name = argv[i];
    }
    if (!name)
        return mc_usage_error("usage: minictr history [--no-trunc] IMAGE");
    if (store_image_load(name, &img) == -1)
        return -1;
    idx = store_index_read(); /* the layers' sizes */
    if (!json_object_object_get_ex(img.config, "history", &history) ||
        !json_object_is_type(history, json_type_array))
        history = NULL;
    n = history ? (int)json_object_array_length(history) : 0;
    /* History entries that made a layer take the layers in order; the
     * others (empty_layer: ENV, CMD...) have none. */
    layer = 0;
    for (int i = 0; i < n; i++) {
        json_object *h = json_object_array_get_idx(history, (size_t)i);
        if (!(json_object_object_get_ex(h, "empty_layer", &v) &&
              json_object_get_boolean(v)))
            layer++;
    }
    if (layer != img.nlayers)
        n = 0; /* a history that does not match: show the layers alone */
    printf("%-14s %-23s %-45s %-9s %s\n", "IMAGE", "CREATED", "CREATED BY",
           "SIZE", "COMMENT");
    layer = img.nlayers;
    for (int i = (n ? n : img.nlayers) - 1; i >= 0; i--) {
        json_object *h =
            n ? json_object_array_get_idx(history, (size_t)i) : NULL;
        bool empty = h && json_object_object_get_ex(h, "empty_layer", &v) &&
            json_object_get_boolean(v);
        const char *by = "", *comment = "";
        char ago[64] = "N/A", sz[32], cut[64];
        uint64_t size = 0;
        if (!empty) {
            layer--;
            size = idx ? layer_size(idx, img.layers[layer].diff_id) : 0;
        }
        if (h) {
            if (json_object_object_get_ex(h, "created_by", &v))
                by = json_object_get_string(v);
            if (json_object_object_get_ex(h, "comment", &v))
                comment = json_object_get_string(v);
            created_ago(h, ago, sizeof(ago));
        }
        human_size(size, sz, sizeof(sz));
        if (!no_trunc && strlen(by) > 45)
            snprintf(cut, sizeof(cut), "%.42s...", by);
        else
            snprintf(cut, sizeof(cut), "%.60s", by);
        printf("%-14.12s %-23s %-45s %-9s %s\n",
               i == (n ? n : img.nlayers) - 1 ? img.id + 7 : "<missing>", ago,
               no_trunc ? by : cut, sz, comment);
    }
    json_object_put(idx);
    store_image_free(&img);
    return 0;
}

/* ---- image inspect, and `image SUBCOMMAND` ----------------------------- */

/* As `docker image inspect`: the ID, the names, the config, and where the
 * layers are (GraphDriver.Data.LowerDir, top first). */
static int
cmd_image_inspect(int argc, char **argv)
{
    json_object *arr = json_object_new_array();
    int rc = 0;

    if (argc < 2)
        return mc_usage_error("usage: minictr image inspect IMAGE...");
    for (int i = 1; i < argc && rc == 0; i++) {
        static struct store_image img;
        static char lower[MC_ROOTFS_MAX];
        json_object *o, *idx, *refs, *tags, *gd, *data;
        if (store_image_load(argv[i], &img) == -1 ||
            store_image_lowerdir(&img, lower, sizeof(lower)) == -1) {
            rc = -1;
            break;
        }
        o = json_object_new_object();
        tags = json_object_new_array();
        idx = store_index_read();
        if (idx && json_object_object_get_ex(idx, "refs", &refs)) {
            json_object_object_foreach(refs, ref, v)
            {
                if (!strcmp(json_object_get_string(v), img.id))
                    json_object_array_add(tags, json_object_new_string(ref));
            }
        }
        json_object_object_add(o, "Id", json_object_new_string(img.id));
        json_object_object_add(o, "RepoTags", tags);
        json_object_object_add(o, "Config", json_object_get(img.config));
        gd = json_object_new_object();
        data = json_object_new_object();
        json_object_object_add(data, "LowerDir", json_object_new_string(lower));
        json_object_object_add(gd, "Name", json_object_new_string("overlay"));
        json_object_object_add(gd, "Data", data);
        json_object_object_add(o, "GraphDriver", gd);
        json_object_array_add(arr, o);
        json_object_put(idx);
        store_image_free(&img);
    }
    if (rc == 0)
        printf(
            "%s\n",
            json_object_to_json_string_ext(
                arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
    return rc;
}

int
cmd_image(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } subs[] = {
        {"ls", cmd_images},     {"list", cmd_images},
        {"rm", cmd_rmi},        {"prune", cmd_image_prune},
        {"tag", cmd_tag},       {"history", cmd_history},
        {"load", cmd_load},     {"save", cmd_save},
        {"import", cmd_import}, {"inspect", cmd_image_inspect},
    };

    if (argc < 2 || !strcmp(argv[1], "--help")) {
        printf("usage: minictr image ls|rm|prune|tag|history|inspect|load|"
               "save|import ...\n");
        return argc < 2 ? mc_usage_error("image: give a subcommand") : 0;
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].fn(argc - 1, argv + 1);
    return mc_usage_error("image: unknown subcommand '%s'", argv[1]);
}
