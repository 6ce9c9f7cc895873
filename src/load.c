/*
 * load.c: `minictr load -i FILE|DIR` — images from other tools.
 *
 * Two formats come in, each a directory or a tar of one:
 *
 *   an OCI image layout    oci-layout, index.json (a list of manifests),
 *   (umoci, skopeo,        blobs/sha256/HEX: each manifest names a config
 *   podman, buildah)       blob and layer blobs by digest
 *   a docker-save archive  manifest.json: [{"Config": "HEX.json",
 *                          "RepoTags": ["busybox:latest"], "Layers":
 *                          ["HEX/layer.tar", ...]}], paths, not digests
 *
 * Nothing is believed before it is hashed. Every blob must hash to the
 * digest that names it (the manifest's for layers: the bytes as stored,
 * compressed or not), and each layer, decompressed, must hash to the
 * config's rootfs.diff_ids entry for it. A digest names a file under
 * blobs/sha256/ and nothing else (it is 64 hex digits), and a docker
 * archive's paths are opened with openat2(RESOLVE_BENEATH), so nothing
 * outside the input is read. Each layer goes through minictr-unpack, the
 * safe unpacker (step 04's corpus is refused), which turns the layer
 * spec's .wh. whiteouts into overlay's.
 *
 * All of it happens in tmp/load-PID-N; only when every image checked out
 * are layers renamed into layers/ and blobs into blobs/, and images.json
 * names the images. A refused input leaves nothing behind.
 *
 * Read: the OCI image spec (image-layout.md, manifest.md, config.md,
 * layer.md), openat2(2), and `docker save`'s format (moby's
 * image/tarexport).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_JSON (16 << 20) /* a manifest or config larger is refused */
#define MAX_IMAGES 64
#define MAX_MADE 512 /* layers unpacked by one load */

/* One image of the input, as it is checked. */
struct incoming {
    char ref[400]; /* "NAME:TAG", or "" */
    char config_path[4200]; /* the config blob inside the input */
    char id[72];
    json_object *config;
    int n;
    struct store_layer layers[MC_MAX_LAYERS];
    char layer_path[MC_MAX_LAYERS][4200]; /* blob inside the input */
};

struct load {
    const char *input;
    int root; /* the layout directory (O_PATH) */
    char root_path[4200];
    char work[4200]; /* tmp/load-PID-N */
    bool from_tar; /* the layout is ours (unpacked): blobs can be moved */
    struct incoming *img[MAX_IMAGES];
    int nimg;
    int nlayers_made;
    char made_diff[MAX_MADE][72]; /* layers unpacked into work */
    char made_dir[MAX_MADE][4300];
    uint64_t made_size[MAX_MADE];
};

static int __attribute__((format(printf, 1, 2))) bad_input(const char *fmt, ...)
{
    char msg[8192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mc_error_code("bad_archive");
    return ct_fail("%s", msg);
}

/* ---- reading inside the input ------------------------------------------ */

/* openat2(2): RESOLVE_BENEATH refuses "..", an absolute path and a
 * symlink leading out of the input; RESOLVE_NO_SYMLINKS any symlink. */
static int
open_in_input(struct load *l, const char *path)
{
    struct open_how how = {
        .flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
        .resolve =
            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, l->root, path, &how, sizeof(how));

    if (fd == -1) {
        mc_error_code("bad_archive");
        if (errno == EXDEV || errno == ELOOP)
            return ct_fail("'%s' in '%s' leads outside it (a '..', an "
                           "absolute path or a symlink): refused",
                           path, l->input);
        return ct_fail_errno("open '%s' in '%s'", path, l->input);
    }
    return fd;
}

/* Read a small file of the input, hashing it: digest gets its sha256. */
static char *
read_in_input(struct load *l, const char *path, size_t *len, char digest[72])
{
    int fd = open_in_input(l, path);
    char *buf;
    size_t n = 0;
    ssize_t r;

    if (fd == -1)
        return NULL;
    buf = malloc(MAX_JSON + 1);
    while (n < MAX_JSON && (r = read(fd, buf + n, MAX_JSON - n)) > 0)
        n += (size_t)r;
    close(fd);
    if (n == MAX_JSON) {
        free(buf);
        bad_input("'%s' in '%s' is too big for a manifest or config", path,
                  l->input);
        return NULL;
    }
    buf[n] = '\0';
    store_digest_bytes(buf, n, digest);
    *len = n;
    return buf;
}

/* The sha256 of a (big) file of the input. */
static int
hash_in_input(struct load *l, const char *path, char digest[72])
{
    int fd = open_in_input(l, path);
    struct sha256_ctx ctx;
    uint8_t buf[1 << 16];
    ssize_t r;

    if (fd == -1)
        return -1;
    sha256_init(&ctx);
    while ((r = read(fd, buf, sizeof(buf))) > 0)
        sha256_update(&ctx, (size_t)r, buf);
    close(fd);
    if (r == -1)
        return ct_fail_errno("read '%s' in '%s'", path, l->input);
    store_digest(&ctx, digest);
    return 0;
}

/* Parse a JSON object out of the input; when want is not NULL, the file
 * must hash to it. */
static json_object *
json_in_input(struct load *l, const char *path, const char *want, char got[72])
{
    char digest[72];
    size_t len;
    char *buf = read_in_input(l, path, &len, got ? got : digest);
    json_object *o;

    if (!buf)
        return NULL;
    if (want && strcmp(want, got ? got : digest)) {
        free(buf);
        mc_error_code("bad_archive");
        ct_fail("'%s' in '%s': digest mismatch: it should be %s but hashes "
                "to %s",
                path, l->input, want, got ? got : digest);
        return NULL;
    }
    o = json_tokener_parse(buf);
    free(buf);
    if (!o ||
        (!json_object_is_type(o, json_type_object) &&
         !json_object_is_type(o, json_type_array))) {
        json_object_put(o);
        bad_input("'%s' in '%s' is not JSON", path, l->input);
        return NULL;
    }
    return o;
}

static const char *
get_string(json_object *o, const char *key)
{
    json_object *v;

    if (json_object_object_get_ex(o, key, &v) &&
        json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

/* A descriptor's digest -> the path of its blob: "blobs/sha256/HEX". A
 * digest that is not sha256 and 64 hex digits names nothing. */
static int
blob_path(struct load *l, const char *digest, const char *what, char *buf,
          size_t size)
{
    if (!digest || !store_valid_digest(digest))
        return bad_input("%s in '%s': not a sha256 digest (a manifest may "
                         "only name blobs under blobs/sha256/)",
                         what, l->input);
    snprintf(buf, size, "blobs/sha256/%s", digest + 7);
    return 0;
}

/* ---- the config: what the layers must hash to -------------------------- */

static int
read_config(struct load *l, struct incoming *im, const char *want)
{
    json_object *rootfs, *ids;

    im->config = json_in_input(l, im->config_path, want, im->id);
    if (!im->config)
        return -1;
    if (!json_object_object_get_ex(im->config, "rootfs", &rootfs) ||
        !json_object_object_get_ex(rootfs, "diff_ids", &ids) ||
        !json_object_is_type(ids, json_type_array))
        return bad_input("config '%s' in '%s' has no rootfs.diff_ids",
                         im->config_path, l->input);
    if ((int)json_object_array_length(ids) != im->n)
        return bad_input("config '%s' in '%s': rootfs.diff_ids and the "
                         "manifest's layers differ in number",
                         im->config_path, l->input);
    for (int i = 0; i < im->n; i++) {
        json_object *v = json_object_array_get_idx(ids, (size_t)i);
        const char *d = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string) || !store_valid_digest(d))
            return bad_input("config '%s' in '%s': a diff_id is not a "
                             "sha256 digest",
                             im->config_path, l->input);
        snprintf(im->layers[i].diff_id, 72, "%s", d);
    }
    return 0;
}

/* ---- an OCI image layout ----------------------------------------------- */

static bool
known_layer_type(const char *t)
{
    static const char *const types[] = {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (!strcmp(t, types[i]))
            return true;
    return false;
}

/* The name a descriptor in index.json gives its image: containerd's and
 * Docker's full name, or a ref.name that is one ("busybox:latest"). A
 * bare tag ("latest", as umoci and skopeo write) names no repository:
 * that image comes in without a name (`minictr tag` gives it one). */
static void
descriptor_ref(json_object *desc, char *buf, size_t size)
{
    json_object *ann;
    const char *name = NULL;

    buf[0] = '\0';
    if (!json_object_object_get_ex(desc, "annotations", &ann))
        return;
    name = get_string(ann, "io.containerd.image.name");
    if (!name) {
        name = get_string(ann, "org.opencontainers.image.ref.name");
        if (name && !strpbrk(name, ":/"))
            name = NULL;
    }
    if (name && store_parse_ref(name, buf, size) == -1) {
        ct_clear_error();
        buf[0] = '\0';
    }
}

static int
read_manifest(struct load *l, const char *digest, const char *ref)
{
    char path[200];
    json_object *m, *cfg, *layers;
    struct incoming *im;
    int rc = -1;

    if (blob_path(l, digest, "a manifest", path, sizeof(path)) == -1)
        return -1;
    m = json_in_input(l, path, digest, NULL);
    if (!m)
        return -1;
    if (l->nimg == MAX_IMAGES) {
        json_object_put(m);
        return bad_input("'%s' holds more than %d images", l->input,
                         MAX_IMAGES);
    }
    im = calloc(1, sizeof(*im));
    l->img[l->nimg++] = im;
    snprintf(im->ref, sizeof(im->ref), "%s", ref);
    if (!json_object_object_get_ex(m, "config", &cfg) ||
        !json_object_object_get_ex(m, "layers", &layers) ||
        !json_object_is_type(layers, json_type_array)) {
        bad_input("manifest %s in '%s' has no config or layers", digest,
                  l->input);
        goto out;
    }
    im->n = (int)json_object_array_length(layers);
    if (im->n > MC_MAX_LAYERS) {
        bad_input("manifest %s in '%s' has too many layers", digest, l->input);
        goto out;
    }
    for (int i = 0; i < im->n; i++) {
        json_object *d = json_object_array_get_idx(layers, (size_t)i), *v;
        struct store_layer *sl = &im->layers[i];
        const char *type = get_string(d, "mediaType");
        if (blob_path(l, get_string(d, "digest"), "a layer", im->layer_path[i],
                      sizeof(im->layer_path[i])) == -1)
            goto out;
        if (!type || !known_layer_type(type)) {
            bad_input("layer %s in '%s': unknown media type",
                      get_string(d, "digest"), l->input);
            goto out;
        }
        snprintf(sl->blob, sizeof(sl->blob), "%s", get_string(d, "digest"));
        snprintf(sl->media_type, sizeof(sl->media_type), "%s", type);
        if (json_object_object_get_ex(d, "size", &v))
            sl->blob_size = (uint64_t)json_object_get_int64(v);
    }
    if (blob_path(l, get_string(cfg, "digest"), "the config", im->config_path,
                  sizeof(im->config_path)) == -1)
        goto out;
    rc = read_config(l, im, get_string(cfg, "digest"));
out:
    json_object_put(m);
    return rc;
}

/* index.json: manifests (and, one level down, an index of platforms). */
static int
read_index(struct load *l, const char *path, const char *want, int depth)
{
    json_object *idx = json_in_input(l, path, want, NULL), *list;
    int rc = 0;

    if (!idx)
        return -1;
    if (!json_object_object_get_ex(idx, "manifests", &list) ||
        !json_object_is_type(list, json_type_array)) {
        json_object_put(idx);
        return bad_input("'%s' in '%s' has no manifests", path, l->input);
    }
    for (size_t i = 0; i < json_object_array_length(list) && rc == 0; i++) {
        json_object *d = json_object_array_get_idx(list, i), *plat;
        const char *type = get_string(d, "mediaType");
        const char *digest = get_string(d, "digest");
        char ref[400], sub[200];
        if (json_object_object_get_ex(d, "platform", &plat) &&
            (strcmp(get_string(plat, "os") ? get_string(plat, "os") : "",
                    "linux") ||
             strcmp(get_string(plat, "architecture")
                        ? get_string(plat, "architecture")
                        : "",
                    "amd64")))
            continue; /* another platform's image */
        descriptor_ref(d, ref, sizeof(ref));
        if (type && strstr(type, "image.index") && depth < 2) {
            if (blob_path(l, digest, "an index", sub, sizeof(sub)) == -1)
                rc = -1;
            else
                rc = read_index(l, sub, digest, depth + 1);
        } else {
            rc = read_manifest(l, digest, ref);
        }
    }
    json_object_put(idx);
    return rc;
}

/* ---- a docker-save archive --------------------------------------------- */

/* A path in manifest.json: relative, without "..": the kernel checks it
 * again when it is opened (RESOLVE_BENEATH). */
static int
archive_path(struct load *l, const char *p, char *buf, size_t size)
{
    if (!p || !*p || p[0] == '/' || strstr(p, "..") || strlen(p) >= size)
        return bad_input("manifest.json in '%s' names '%s': a path outside "
                         "the archive, refused",
                         l->input, p ? p : "(nothing)");
    snprintf(buf, size, "%s", p);
    return 0;
}

/* "HEX.json" or "blobs/sha256/HEX": the digest a docker archive's file
 * name claims, checked too. */
static void
claimed_digest(const char *path, char out[72])
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t hex = strspn(base, "0123456789abcdef");

    out[0] = '\0';
    if (hex == 64 && (!base[64] || !strcmp(base + 64, ".json")))
        snprintf(out, 72, "sha256:%.64s", base);
}

static int
read_docker_manifest(struct load *l)
{
    char digest[72];
    json_object *list = json_in_input(l, "manifest.json", NULL, digest);
    int rc = 0;

    if (!list)
        return -1;
    if (!json_object_is_type(list, json_type_array)) {
        json_object_put(list);
        return bad_input("manifest.json in '%s' is not a list", l->input);
    }
    for (size_t i = 0; i < json_object_array_length(list) && rc == 0; i++) {
        json_object *e = json_object_array_get_idx(list, i), *tags, *layers;
        struct incoming *im;
        char claim[72];
        if (l->nimg == MAX_IMAGES)
            return bad_input("'%s' holds more than %d images", l->input,
                             MAX_IMAGES);
        im = calloc(1, sizeof(*im));
        l->img[l->nimg++] = im;
        if (json_object_object_get_ex(e, "RepoTags", &tags) &&
            json_object_is_type(tags, json_type_array) &&
            json_object_array_length(tags) > 0 &&
            store_parse_ref(
                json_object_get_string(json_object_array_get_idx(tags, 0)),
                im->ref, sizeof(im->ref)) == -1)
            rc = -1;
        if (rc == 0 &&
            (!json_object_object_get_ex(e, "Layers", &layers) ||
             !json_object_is_type(layers, json_type_array)))
            rc = bad_input("manifest.json in '%s' has an image without "
                           "Layers",
                           l->input);
        if (rc == 0 &&
            archive_path(l, get_string(e, "Config"), im->config_path,
                         sizeof(im->config_path)) == -1)
            rc = -1;
        if (rc == 0) {
            im->n = (int)json_object_array_length(layers);
            if (im->n > MC_MAX_LAYERS)
                rc =
                    bad_input("an image in '%s' has too many layers", l->input);
        }
        for (int k = 0; rc == 0 && k < im->n; k++)
            rc = archive_path(l,
                              json_object_get_string(
                                  json_object_array_get_idx(layers, (size_t)k)),
                              im->layer_path[k], sizeof(im->layer_path[k]));
        if (rc == 0) {
            claimed_digest(im->config_path, claim);
            rc = read_config(l, im, claim[0] ? claim : NULL);
        }
    }
    json_object_put(list);
    return rc;
}

/* ---- the layers -------------------------------------------------------- */

/* What a docker archive does not say: the layer's compression, from its
 * first bytes (gzip 1f 8b, zstd 28 b5 2f fd). */
static void
sniff_type(int fd, char *buf, size_t size)
{
    unsigned char m[4] = {0};

    if (pread(fd, m, sizeof(m), 0) >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        snprintf(buf, size, "application/vnd.oci.image.layer.v1.tar+gzip");
    else if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
        snprintf(buf, size, "application/vnd.oci.image.layer.v1.tar+zstd");
    else
        snprintf(buf, size, "application/vnd.oci.image.layer.v1.tar");
}

/* Was this layer unpacked by this load already (two images sharing it)? */
static int
made_before(struct load *l, const char *diff)
{
    for (int i = 0; i < l->nlayers_made; i++)
        if (!strcmp(l->made_diff[i], diff))
            return i;
    return -1;
}

/* Unpack layer k of im (checking both digests) unless the store has the
 * very same blob already and so the layer too. */
static int
load_layer(struct load *l, struct incoming *im, int k)
{
    struct store_layer *sl = &im->layers[k];
    char dir[4300], source[8600], result[256], diff[72], blob[72], have[4200];
    uint64_t size = 0;
    struct stat st;
    int fd = open_in_input(l, im->layer_path[k]);

    if (fd == -1)
        return -1;
    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        close(fd);
        return bad_input("layer '%s' in '%s' is not a file", im->layer_path[k],
                         l->input);
    }
    if (!sl->media_type[0])
        sniff_type(fd, sl->media_type, sizeof(sl->media_type));
    if (!sl->blob_size)
        sl->blob_size = (uint64_t)st.st_size;
    close(fd);
    if (made_before(l, sl->diff_id) >= 0)
        return 0;
    store_layer_path(sl->diff_id, have, sizeof(have));
    if (sl->blob[0]) {
        char blobfile[4200];
        store_path(blobfile, sizeof(blobfile), "blobs/sha256/%s", sl->blob + 7);
        if (access(have, F_OK) == 0 && access(blobfile, F_OK) == 0) {
            /* The store has these bytes, checked when they came in, and
             * their layer: only check that the input's are the same. */
            char got[72];
            if (hash_in_input(l, im->layer_path[k], got) == -1)
                return -1;
            if (strcmp(got, sl->blob)) {
                mc_error_code("bad_archive");
                return ct_fail("layer '%s' in '%s': digest mismatch: the "
                               "manifest says %s, the blob hashes to %s",
                               im->layer_path[k], l->input, sl->blob, got);
            }
            return 0;
        }
    }
    if (l->nlayers_made == MAX_MADE)
        return bad_input("'%s' has more than %d layers", l->input, MAX_MADE);
    snprintf(dir, sizeof(dir), "%.4200s/layer-%d", l->work, l->nlayers_made);
    if (mkdir(dir, 0755) == -1)
        return ct_fail_errno("mkdir '%s'", dir);
    snprintf(source, sizeof(source), "%s/%s", l->root_path, im->layer_path[k]);
    if (store_unpack((const char *[]){source, dir, NULL}, result,
                     sizeof(result)) == -1) {
        char what[4400];
        snprintf(what, sizeof(what), "layer '%s' of '%s'", im->layer_path[k],
                 l->input);
        return store_fail_context(what);
    }
    if (sscanf(result, "%71s %71s %" SCNu64, diff, blob, &size) != 3)
        return ct_fail("minictr-unpack said '%s'", result);
    if (sl->blob[0] && strcmp(sl->blob, blob)) {
        mc_error_code("bad_archive");
        return ct_fail("layer '%s' in '%s': digest mismatch: the manifest "
                       "says %s, the blob hashes to %s",
                       im->layer_path[k], l->input, sl->blob, blob);
    }
    if (!sl->blob[0]) {
        char claim[72];
        claimed_digest(im->layer_path[k], claim);
        if (claim[0] && strcmp(claim, blob))
            return bad_input("layer '%s' in '%s': digest mismatch: its "
                             "name says one digest, its bytes hash to "
                             "another",
                             im->layer_path[k], l->input);
        snprintf(sl->blob, sizeof(sl->blob), "%s", blob);
    }
    if (strcmp(sl->diff_id, diff)) {
        mc_error_code("bad_archive");
        return ct_fail("layer '%s' in '%s': diff_id mismatch: the config "
                       "says %s, the plain tar hashes to %s",
                       im->layer_path[k], l->input, sl->diff_id, diff);
    }
    snprintf(l->made_diff[l->nlayers_made], 72, "%s", diff);
    snprintf(l->made_dir[l->nlayers_made], 4300, "%s", dir);
    l->made_size[l->nlayers_made++] = size;
    return 0;
}

/* ---- into the store ---------------------------------------------------- */

/* Copy (or, from our own unpacked tar, move) a checked blob into blobs/. */
static int
keep_blob(struct load *l, const char *rel, const char *digest)
{
    char from[8600], to[4200], tmp[4300], buf[1 << 16];
    int in, out;
    ssize_t n;

    store_path(to, sizeof(to), "blobs/sha256");
    if (ct_mkdir_p(to, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", to);
    store_path(to, sizeof(to), "blobs/sha256/%s", digest + 7);
    if (access(to, F_OK) == 0)
        return 0;
    snprintf(from, sizeof(from), "%s/%s", l->root_path, rel);
    if (l->from_tar && rename(from, to) == 0)
        return 0;
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", to, getpid());
    in = open_in_input(l, rel);
    if (in == -1)
        return -1;
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out == -1) {
        close(in);
        return ct_fail_errno("create '%s'", tmp);
    }
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) {
            n = -1;
            break;
        }
    close(in);
    if (close(out) == -1 || n < 0 || rename(tmp, to) == -1) {
        unlink(tmp);
        return ct_fail_errno("copy '%s' to '%s'", from, to);
    }
    return 0;
}

static int
commit(struct load *l)
{
    for (int i = 0; i < l->nlayers_made; i++)
        if (store_adopt_layer(l->made_dir[i], l->made_diff[i],
                              l->made_size[i]) == -1)
            return -1;
    for (int i = 0; i < l->nimg; i++) {
        struct incoming *im = l->img[i];
        for (int k = 0; k < im->n; k++)
            if (keep_blob(l, im->layer_path[k], im->layers[k].blob) == -1)
                return -1;
        if (keep_blob(l, im->config_path, im->id) == -1 ||
            store_record_image(im->ref, im->id, im->layers, im->n, l->input) ==
                -1)
            return -1;
        if (im->ref[0])
            printf("Loaded image: %s\n", im->ref);
        else
            printf("Loaded image ID: %s\n", im->id);
    }
    return 0;
}

static int
load(struct load *l)
{
    char in[4200], result[256];
    struct stat st;

    if (stat(l->input, &st) == -1) {
        mc_error_code("no_such_file");
        return ct_fail_errno("load '%s'", l->input);
    }
    if (store_tmpdir("load", l->work, sizeof(l->work)) == -1)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        if (!realpath(l->input, l->root_path))
            return ct_fail_errno("realpath '%s'", l->input);
    } else {
        /* A tar of a layout: unpacked (safely) into work/in first. */
        snprintf(in, sizeof(in), "%.4190s/in", l->work);
        if (mkdir(in, 0755) == -1)
            return ct_fail_errno("mkdir '%s'", in);
        if (!realpath(l->input, l->root_path))
            return ct_fail_errno("realpath '%s'", l->input);
        if (store_unpack((const char *[]){l->root_path, in, NULL}, result,
                         sizeof(result)) == -1)
            return store_fail_context(l->input);
        snprintf(l->root_path, sizeof(l->root_path), "%s", in);
        l->from_tar = true;
    }
    l->root = open(l->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (l->root == -1)
        return ct_fail_errno("open '%s'", l->root_path);
    if (faccessat(l->root, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
        if (faccessat(l->root, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) == -1)
            fprintf(stderr,
                    "minictr: warning: '%s' has index.json but no "
                    "oci-layout\n",
                    l->input);
        if (read_index(l, "index.json", NULL, 0) == -1)
            return -1;
    } else if (faccessat(l->root, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) ==
               0) {
        if (read_docker_manifest(l) == -1)
            return -1;
    } else {
        return bad_input("'%s' is neither an OCI image layout (index.json) "
                         "nor a docker-save archive (manifest.json)",
                         l->input);
    }
    if (l->nimg == 0)
        return bad_input("'%s' holds no image for linux/amd64", l->input);
    for (int i = 0; i < l->nimg; i++)
        for (int k = 0; k < l->img[i]->n; k++)
            if (load_layer(l, l->img[i], k) == -1)
                return -1;
    return commit(l);
}

int
cmd_load(int argc, char **argv)
{
    /* Zero, in .bss: an initializer here would put all 2 MB of it in
     * the binary's .data, and every process of ours (a detached monitor
     * too) would map pages of it in as it reads the variables beside. */
    static struct load l;
    int hold, rc;

    l.root = -1;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr load -i FILE|DIR\n\n"
               "Loads the images of an OCI image layout (a directory, or a "
               "tar of one;\nlayers plain, gzip or zstd) or of a "
               "`docker save` archive. Every digest is\nchecked; a "
               "mismatch refuses the whole input.\n");
        return 0;
    }
    if (argc == 3 && (!strcmp(argv[1], "-i") || !strcmp(argv[1], "--input")))
        l.input = argv[2];
    else if (argc == 2 && !strncmp(argv[1], "--input=", 8))
        l.input = argv[1] + 8;
    else
        return mc_usage_error("usage: minictr load -i FILE|DIR (reading "
                              "stdin is not supported)");
    hold = store_hold(false);
    if (hold == -1)
        return -1;
    rc = load(&l);
    if (l.root != -1)
        close(l.root);
    if (l.work[0])
        userns_rm_rf(l.work);
    store_release(hold);
    return rc;
}
