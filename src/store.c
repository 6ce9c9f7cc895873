/*
 * store.c: the image store — layers unpacked once, named by their digest.
 *
 * An image is an OCI image config (Cmd, Env, ..., and rootfs.diff_ids: the
 * sha256 of each layer's plain tar, bottom first) plus those layers. A
 * layer is a directory, unpacked once and shared by every image that has
 * it; a container's root is overlay with all of its image's layers as
 * lower directories, top first, and its own upper (overlay.c, step 07).
 * Everything lives in $MINICTR_ROOT (default /var/lib/minictr):
 *
 *   layers/HEX/         a layer, HEX its diff_id, in overlay's on-disk form
 *                       (a deleted file is a 0/0 character device, an
 *                       opaque directory has trusted.overlay.opaque = "y")
 *   blobs/sha256/HEX    content, named by the sha256 of its bytes: image
 *                       configs (their digest is the image ID) and the
 *                       layer blobs `load` read (kept, so that `save`
 *                       gives back the same bytes); as containerd keeps a
 *                       content store beside its snapshots
 *   images.json         what names what: {"refs": {"busybox:latest":
 *                       "sha256:ID"}, "images": {ID: {"layers": [...]}},
 *                       "layers": {DIFF_ID: {"size": N}}}
 *   tmp/                work in progress, renamed into place when done
 *
 * Blobs and layers never change once in place, so only images.json needs
 * a lock: it is read, changed and replaced by rename(2) under
 * images.lock. A second lock, gc.lock, keeps the collector (rmi, image
 * prune) out while something is being made or used: makers (load, import,
 * build, run) hold it shared, removers exclusive.
 *
 * How load, save and build use it (their files are load.c, save.c, and
 * the build):
 *
 *   store_hold(false)                     gc.lock shared, for the whole job
 *   store_unpack(args, result)            minictr-unpack, one tar or dir
 *   store_put_layer_from_dir(dir, diff)   a directory (a container's upper
 *                                         dir) becomes a layer
 *   store_commit_image(ref, config, layers, n, source, id)
 *                                         the config gets rootfs.diff_ids,
 *                                         is written as a blob, ref names it
 *   store_image_load(ref, &img)           an image's config and layers
 *   store_image_lowerdir(&img, buf)       "L_top:...:L_base" for overlay
 *   store_release(fd)
 *
 * Read: flock(2), rename(2), the OCI image spec (config.md, layer.md).
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- digests ----------------------------------------------------------- */

void
store_digest(struct sha256_ctx *ctx, char out[72])
{
    uint8_t d[SHA256_DIGEST_SIZE];

    sha256_digest(ctx, sizeof(d), d);
    strcpy(out, "sha256:");
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

void
store_digest_bytes(const void *data, size_t len, char out[72])
{
    struct sha256_ctx ctx;

    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    store_digest(&ctx, out);
}

/* ---- paths and locks --------------------------------------------------- */

void
store_path(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(buf, size, "%s/", mc_lib_dir());

    va_start(ap, fmt);
    vsnprintf(buf + n, size - (size_t)n, fmt, ap);
    va_end(ap);
}

/* The directory of a layer: layers/HEX for "sha256:HEX". */
void
store_layer_path(const char *diff_id, char *buf, size_t size)
{
    store_path(buf, size, "layers/%s", diff_id + 7);
}

bool
store_valid_digest(const char *d)
{
    return !strncmp(d, "sha256:", 7) && strlen(d) == 71 &&
        strspn(d + 7, "0123456789abcdef") == 64;
}

static int
lock_file(const char *name, int how)
{
    char path[4200];
    int fd;

    store_path(path, sizeof(path), "%s", "");
    if (ct_mkdir_p(path, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", path);
    store_path(path, sizeof(path), "%s", name);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1)
        return ct_fail_errno("open '%s'", path);
    while (flock(fd, how) == -1) {
        if (errno != EINTR) {
            close(fd);
            return ct_fail_errno("flock '%s'", path);
        }
    }
    return fd;
}

int
store_hold(bool exclusive)
{
    return lock_file("gc.lock", exclusive ? LOCK_EX : LOCK_SH);
}

void
store_release(int fd)
{
    if (fd >= 0)
        close(fd); /* the lock goes with the last fd */
}

/* ---- images.json ------------------------------------------------------- */

static json_object *
child(json_object *o, const char *key, json_type type)
{
    json_object *v;

    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, type))
        return v;
    v = type == json_type_array ? json_object_new_array()
                                : json_object_new_object();
    json_object_object_add(o, key, v);
    return v;
}

/* The index, or an empty one when the store is new. */
json_object *
store_index_read(void)
{
    char path[4200];
    json_object *o;

    store_path(path, sizeof(path), "images.json");
    if (access(path, F_OK) == -1)
        o = json_object_new_object();
    else if (!(o = json_object_from_file(path)) ||
             !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        ct_fail("'%s' is not JSON: %s", path, json_util_get_last_err());
        return NULL;
    }
    child(o, "refs", json_type_object);
    child(o, "images", json_type_object);
    child(o, "layers", json_type_object);
    return o;
}

/* Replace images.json: a temporary file, then rename. */
static int
index_write(json_object *idx)
{
    char path[4200], tmp[4300];

    store_path(path, sizeof(path), "images.json");
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, getpid());
    if (json_object_to_file_ext(tmp, idx,
                                JSON_C_TO_STRING_PRETTY |
                                    JSON_C_TO_STRING_NOSLASHESCAPE) == -1) {
        unlink(tmp);
        return ct_fail("write '%s': %s", tmp, json_util_get_last_err());
    }
    if (rename(tmp, path) == -1) {
        unlink(tmp);
        return ct_fail_errno("rename '%s' to '%s'", tmp, path);
    }
    return 0;
}

/* Read, change (fn), write, under images.lock. fn returns -1 to leave the
 * index as it was. */
int
store_index_update(int (*fn)(json_object *idx, void *arg), void *arg)
{
    int fd = lock_file("images.lock", LOCK_EX), rc = -1;
    json_object *idx;

    if (fd == -1)
        return -1;
    idx = store_index_read();
    if (idx && fn(idx, arg) == 0)
        rc = index_write(idx);
    json_object_put(idx);
    close(fd);
    return rc;
}

/* ---- names: NAME[:TAG] ------------------------------------------------- */

/* Docker's references, a little simplified: a name of lowercase or
 * uppercase letters, digits, '.', '_', '-' and '/' (and a registry's
 * "host:port/" in front), then an optional ":TAG" (letters, digits, '_',
 * '.', '-'; at most 128). buf gets "NAME:TAG", tag "latest" by default. */
int
store_parse_ref(const char *s, char *buf, size_t size)
{
    const char *colon = strrchr(s, ':');
    const char *tag = "latest";
    size_t nlen = strlen(s), tlen;

    if (colon && !strchr(colon, '/')) {
        tag = colon + 1;
        nlen = (size_t)(colon - s);
    }
    tlen = strlen(tag);
    if (nlen == 0 || nlen > 255 || tlen == 0 || tlen > 128 || s[0] == '.' ||
        s[0] == '-' || s[0] == '/' || s[nlen - 1] == '/' ||
        strspn(s,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_.-/:") < nlen ||
        strstr(s, "//") || strstr(s, "..") || tag[0] == '.' || tag[0] == '-' ||
        strspn(tag,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_.-") != tlen) {
        mc_error_code("usage");
        return ct_fail("bad image name '%s': give NAME[:TAG] (letters, "
                       "digits, '_', '.', '-', '/')",
                       s);
    }
    if (memchr(s, ':', nlen) &&
        (!memchr(s, '/', nlen) ||
         (char *)memchr(s, ':', nlen) > (char *)memchr(s, '/', nlen))) {
        mc_error_code("usage");
        return ct_fail("bad image name '%s': ':' only before the tag or in "
                       "a registry's host:port/",
                       s);
    }
    /* Docker Hub's names, as `docker images` shows them: the familiar
     * "busybox" for docker.io/library/busybox, "me/app" for
     * docker.io/me/app. */
    if (!strncmp(s, "docker.io/", 10) && nlen > 10) {
        s += 10;
        nlen -= 10;
        if (!strncmp(s, "library/", 8) && nlen > 8) {
            s += 8;
            nlen -= 8;
        }
    }
    snprintf(buf, size, "%.*s:%s", (int)nlen, s, tag);
    return 0;
}

/* The image ID that s names: a reference, a full "sha256:ID", or a
 * unique prefix of an ID (as `docker rmi 3f2a`). */
int
store_resolve(json_object *idx, const char *s, char id[72])
{
    json_object *refs = child(idx, "refs", json_type_object);
    json_object *images = child(idx, "images", json_type_object);
    json_object *v;
    char ref[400], legacy[4200];
    const char *hex = strncmp(s, "sha256:", 7) ? s : s + 7;
    size_t hlen = strlen(hex);
    int found = 0;

    if (store_parse_ref(s, ref, sizeof(ref)) == 0 &&
        json_object_object_get_ex(refs, ref, &v)) {
        snprintf(id, 72, "%s", json_object_get_string(v));
        return 0;
    }
    ct_clear_error();
    if (hlen >= 1 && hlen <= 64 && strspn(hex, "0123456789abcdef") == hlen) {
        json_object_object_foreach(images, key, val)
        {
            (void)val;
            if (!strncmp(key + 7, hex, hlen)) {
                snprintf(id, 72, "%s", key);
                found++;
            }
        }
        if (found == 1)
            return 0;
        if (found > 1) {
            mc_error_code("no_such_image");
            return ct_fail("'%s' is the start of %d image IDs: give more "
                           "of it",
                           s, found);
        }
    }
    mc_error_code("no_such_image");
    /* minictr before the store kept an image as images/NAME/rootfs */
    store_path(legacy, sizeof(legacy), "images/%s/rootfs", s);
    if (mc_valid_name(s) && access(legacy, F_OK) == 0)
        ct_set_hint("that image is in the old layout of minictr (one "
                    "directory, images/NAME/rootfs): remove that directory "
                    "and import it again");
    else
        ct_set_hint("import it first: minictr import FILE.tar NAME, or "
                    "minictr load -i IMAGE.tar (the built-in one: minictr "
                    "import build/images/busybox busybox)");
    return ct_fail("no image '%s' (see 'minictr images')", s);
}

/* ---- an image ---------------------------------------------------------- */

/* Read blobs/sha256/HEX, the config of an image in the store. */
json_object *
store_image_config(const char *id)
{
    char path[4200];
    json_object *o;

    store_path(path, sizeof(path), "blobs/sha256/%s", id + 7);
    o = json_object_from_file(path);
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        ct_fail("image %.19s: its config '%s' is missing or not JSON", id,
                path);
        return NULL;
    }
    return o;
}

int
store_image_load(const char *ref, struct store_image *img)
{
    json_object *idx = store_index_read(), *entry, *layers;
    int rc = -1;

    /* Zeroed as far as it is used: all 125 layer slots are 31 KB, and
     * zeroing them would make them resident in every process of ours (a
     * detached monitor keeps what `run` touched). */
    img->id[0] = '\0';
    img->config = NULL;
    img->nlayers = 0;
    if (!idx)
        return -1;
    if (store_resolve(idx, ref, img->id) == -1)
        goto out;
    if (!json_object_object_get_ex(child(idx, "images", json_type_object),
                                   img->id, &entry) ||
        !json_object_object_get_ex(entry, "layers", &layers) ||
        !json_object_is_type(layers, json_type_array)) {
        ct_fail("images.json: image %s has no layer list", img->id);
        goto out;
    }
    img->nlayers = (int)json_object_array_length(layers);
    if (img->nlayers > MC_MAX_LAYERS) {
        ct_fail("image %s has %d layers, more than %d", img->id, img->nlayers,
                MC_MAX_LAYERS);
        goto out;
    }
    for (int i = 0; i < img->nlayers; i++) {
        json_object *l = json_object_array_get_idx(layers, (size_t)i), *v;
        struct store_layer *sl = &img->layers[i];
        memset(sl, 0, sizeof(*sl));
        if (json_object_object_get_ex(l, "diff_id", &v))
            snprintf(sl->diff_id, sizeof(sl->diff_id), "%s",
                     json_object_get_string(v));
        if (json_object_object_get_ex(l, "blob", &v))
            snprintf(sl->blob, sizeof(sl->blob), "%s",
                     json_object_get_string(v));
        if (json_object_object_get_ex(l, "mediaType", &v))
            snprintf(sl->media_type, sizeof(sl->media_type), "%s",
                     json_object_get_string(v));
        if (json_object_object_get_ex(l, "blobSize", &v))
            sl->blob_size = (uint64_t)json_object_get_int64(v);
        if (!store_valid_digest(sl->diff_id)) {
            ct_fail("images.json: image %s, layer %d: bad diff_id", img->id, i);
            goto out;
        }
    }
    img->config = store_image_config(img->id);
    if (img->config)
        rc = 0;
out:
    json_object_put(idx);
    return rc;
}

void
store_image_free(struct store_image *img)
{
    json_object_put(img->config);
    img->config = NULL;
}

/* overlayfs reads ':' between lower directories and ',' between options,
 * each escaped by a backslash when part of a path (overlayfs.rst). */
int
overlay_escape(const char *path, char *buf, size_t size)
{
    size_t n = 0;

    for (const char *p = path; *p; p++) {
        if (n + 3 > size)
            return -1;
        if (*p == ':' || *p == ',' || *p == '\\')
            buf[n++] = '\\';
        buf[n++] = *p;
    }
    buf[n] = '\0';
    return 0;
}

int
store_image_lowerdir(const struct store_image *img, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = '\0';
    /* overlay's first lower directory is the top one: the last layer. */
    for (int i = img->nlayers - 1; i >= 0; i--) {
        char path[4200], esc[8400];
        store_layer_path(img->layers[i].diff_id, path, sizeof(path));
        if (overlay_escape(path, esc, sizeof(esc)) == -1 ||
            n + strlen(esc) + 2 > size) {
            errno = E2BIG;
            return ct_fail_errno("the lower directories of image %.19s",
                                 img->id);
        }
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ":" : "", esc);
    }
    if (img->nlayers == 0) {
        /* overlay needs a lower directory: an image with no layers (FROM
         * scratch) gets an empty one */
        char path[4200];
        store_path(path, sizeof(path), "layers/empty");
        if (ct_mkdir_p(path, 0755) == -1)
            return ct_fail_errno("mkdir '%s'", path);
        snprintf(buf, size, "%s", path);
    }
    return 0;
}

/* ---- minictr-unpack ---------------------------------------------------- */

/* Run minictr-unpack (it sits beside this program) with args; its one
 * line of stdout goes into result. Its warnings are passed on; the last
 * line of its stderr is the error. */
int
store_unpack(const char *const *args, char *result, size_t size)
{
    char self[4096], helper[4200], err[8192], *line, *last = NULL;
    const char *argv[8] = {"minictr-unpack"};
    int out[2], errp[2], status, nargs = 1;
    size_t len = 0, rlen = 0;
    ssize_t n;
    pid_t pid;

    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n == -1)
        return ct_fail_errno("readlink /proc/self/exe");
    self[n] = '\0';
    snprintf(helper, sizeof(helper), "%.*s/minictr-unpack",
             (int)(strrchr(self, '/') - self), self);
    if (access(helper, X_OK) == -1) {
        ct_set_hint("build it: make bin/minictr-unpack (it must sit beside "
                    "minictr)");
        return ct_fail_errno("find the unpacker '%s'", helper);
    }
    while (args[nargs - 1] && nargs < 7) {
        argv[nargs] = args[nargs - 1];
        nargs++;
    }
    argv[nargs] = NULL;
    ct_trace(NULL, "fork, execve(\"%s\", [\"%s\", \"%s\", ...])", helper,
             argv[1], argv[2] ? argv[2] : "");
    if (pipe2(out, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2");
    if (pipe2(errp, O_CLOEXEC) == -1) {
        close(out[0]);
        close(out[1]);
        return ct_fail_errno("pipe2");
    }
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        return ct_fail_errno("fork");
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(errp[1], 2);
        /* A user's layers are unpacked as root of a user namespace with
         * the user's map: their files belong to the ids its containers
         * map (userns.c). */
        if (geteuid() != 0 && userns_enter(NULL) == -1) {
            ct_report();
            _exit(CT_EXIT_FAILURE);
        }
        execv(helper, (char *const *)argv);
        fprintf(stderr, "exec '%s' failed: %s\n", helper, strerror(errno));
        _exit(CT_EXIT_FAILURE);
    }
    close(out[1]);
    close(errp[1]);
    /* Its stdout is one short line; read it first, then all of stderr. */
    while (rlen < size - 1 &&
           (n = read(out[0], result + rlen, size - 1 - rlen)) > 0)
        rlen += (size_t)n;
    result[rlen] = '\0';
    result[strcspn(result, "\n")] = '\0';
    while (len < sizeof(err) - 1 &&
           (n = read(errp[0], err + len, sizeof(err) - 1 - len)) > 0)
        len += (size_t)n;
    err[len] = '\0';
    close(out[0]);
    close(errp[0]);
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    for (line = strtok(err, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "warning: ", 9))
            fprintf(stderr, "minictr: %s\n", line + 9);
        else
            last = line;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    mc_error_code(WIFEXITED(status) && WEXITSTATUS(status) == CT_EXIT_INPUT
                      ? "bad_archive"
                      : "failed");
    if (geteuid() != 0 && last &&
        (strstr(last, "Couldn't visit") || strstr(last, "ermission denied")))
        ct_set_hint("as a user you import what you can read: a tarball, or "
                    "a directory you made (rootfs-scripts/busybox.sh ~/img)");
    else if (geteuid() != 0 && last && strstr(last, "Can't set"))
        ct_set_hint("the image has files owned by ids your user namespace "
                    "does not map: ask root for a /etc/subuid and "
                    "/etc/subgid range (sudo usermod --add-subuids "
                    "100000-165535 --add-subgids 100000-165535 USER)");
    return ct_fail("%s", last ? last : "minictr-unpack failed");
}

/* Put "what: " in front of the error recorded (the first error is the
 * one kept, so it is taken out and recorded again). Returns -1. */
int
store_fail_context(const char *what)
{
    char msg[1024], hint[512];
    int err = ct_error_errno();

    snprintf(msg, sizeof(msg), "%s: %s", what, ct_error_message());
    snprintf(hint, sizeof(hint), "%s", ct_error_hint());
    ct_clear_error();
    ct_restore_error(msg, err, hint[0] ? hint : NULL);
    return -1;
}

/* A new directory of our own under tmp/, for work in progress. */
int
store_tmpdir(const char *what, char *buf, size_t size)
{
    static int seq;

    store_path(buf, size, "tmp");
    if (ct_mkdir_p(buf, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", buf);
    store_path(buf, size, "tmp/%s-%d-%d", what, getpid(), seq++);
    if (mkdir(buf, 0755) == -1)
        return ct_fail_errno("mkdir '%s'", buf);
    return 0;
}

/* ---- making layers and images ----------------------------------------- */

struct add_layer {
    const char *diff_id;
    uint64_t size;
};

static int
add_layer_entry(json_object *idx, void *arg)
{
    struct add_layer *a = arg;
    json_object *layers = child(idx, "layers", json_type_object), *l;

    if (json_object_object_get_ex(layers, a->diff_id, &l))
        return 0;
    l = json_object_new_object();
    json_object_object_add(l, "size", json_object_new_int64((int64_t)a->size));
    json_object_object_add(layers, a->diff_id, l);
    return 0;
}

/* Move an unpacked layer (a directory of ours under tmp/) into place as
 * layers/HEX; when that layer is there already, the new copy goes. */
int
store_adopt_layer(const char *tmpdir, const char *diff_id, uint64_t size)
{
    char path[4200];
    struct add_layer a = {diff_id, size};

    store_path(path, sizeof(path), "layers");
    if (ct_mkdir_p(path, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", path);
    store_layer_path(diff_id, path, sizeof(path));
    ct_trace(NULL, "rename(\"%s\", \"%s\")", tmpdir, path);
    if (rename(tmpdir, path) == -1) {
        if (errno != EEXIST && errno != ENOTEMPTY)
            return ct_fail_errno("rename '%s' to '%s'", tmpdir, path);
        userns_rm_rf(tmpdir); /* the same content, already in the store */
    }
    return store_index_update(add_layer_entry, &a);
}

int
store_put_layer_from_dir(const char *dir, char diff_id[72])
{
    char tmp[4200], result[256], blob[72];
    const char *args[] = {"--canonical", dir, tmp, NULL};
    uint64_t size = 0;

    if (store_tmpdir("layer", tmp, sizeof(tmp)) == -1)
        return -1;
    if (store_unpack(args, result, sizeof(result)) == -1 ||
        sscanf(result, "%71s %71s %" SCNu64, diff_id, blob, &size) != 3 ||
        !store_valid_digest(diff_id)) {
        if (!*ct_error_message())
            ct_fail("minictr-unpack said '%s', not a digest", result);
        userns_rm_rf(tmp);
        return -1;
    }
    if (store_adopt_layer(tmp, diff_id, size) == -1) {
        userns_rm_rf(tmp);
        return -1;
    }
    return 0;
}

/* Write bytes as blobs/sha256/HEX (a temporary file, then rename); digest
 * gets "sha256:HEX". */
int
store_put_blob_bytes(const void *data, size_t len, char digest[72])
{
    char path[4200], tmp[4300];
    int fd;

    store_digest_bytes(data, len, digest);
    store_path(path, sizeof(path), "blobs/sha256");
    if (ct_mkdir_p(path, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", path);
    store_path(path, sizeof(path), "blobs/sha256/%s", digest + 7);
    if (access(path, F_OK) == 0)
        return 0; /* the same bytes: nothing to do */
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1)
        return ct_fail_errno("create '%s'", tmp);
    if (write(fd, data, len) != (ssize_t)len || close(fd) == -1) {
        unlink(tmp);
        return ct_fail_errno("write '%s'", tmp);
    }
    if (rename(tmp, path) == -1) {
        unlink(tmp);
        return ct_fail_errno("rename '%s'", tmp);
    }
    return 0;
}

struct commit {
    const char *ref;
    const char *id;
    const char *source;
    const struct store_layer *layers;
    int n;
};

static int
add_image_entry(json_object *idx, void *arg)
{
    struct commit *c = arg;
    json_object *images = child(idx, "images", json_type_object);
    json_object *known = child(idx, "layers", json_type_object);
    json_object *entry, *list;
    char created[64];

    for (int i = 0; i < c->n; i++)
        if (!json_object_object_get_ex(known, c->layers[i].diff_id, NULL)) {
            return ct_fail("layer %.19s is not in the store (put it first)",
                           c->layers[i].diff_id);
        }
    if (!json_object_object_get_ex(images, c->id, &entry)) {
        entry = json_object_new_object();
        mc_format_time(mc_now_ns(), created, sizeof(created));
        json_object_object_add(entry, "stored",
                               json_object_new_string(created));
        json_object_object_add(
            entry, "source",
            json_object_new_string(c->source ? c->source : ""));
        list = json_object_new_array();
        for (int i = 0; i < c->n; i++) {
            const struct store_layer *l = &c->layers[i];
            json_object *o = json_object_new_object();
            json_object_object_add(o, "diff_id",
                                   json_object_new_string(l->diff_id));
            if (l->blob[0]) {
                json_object_object_add(o, "blob",
                                       json_object_new_string(l->blob));
                json_object_object_add(o, "mediaType",
                                       json_object_new_string(l->media_type));
                json_object_object_add(
                    o, "blobSize",
                    json_object_new_int64((int64_t)l->blob_size));
            }
            json_object_array_add(list, o);
        }
        json_object_object_add(entry, "layers", list);
        json_object_object_add(images, c->id, entry);
    }
    if (c->ref && *c->ref)
        json_object_object_add(child(idx, "refs", json_type_object), c->ref,
                               json_object_new_string(c->id));
    return 0;
}

int
store_record_image(const char *ref, const char *id,
                   const struct store_layer *layers, int n, const char *source)
{
    struct commit c = {ref, id, source, layers, n};
    char full[400];

    if (ref && *ref) {
        if (store_parse_ref(ref, full, sizeof(full)) == -1)
            return -1;
        c.ref = full;
    }
    return store_index_update(add_image_entry, &c);
}

int
store_commit_image(const char *ref, json_object *config,
                   const struct store_layer *layers, int n, const char *source,
                   char id[72])
{
    json_object *rootfs = json_object_new_object(), *ids;
    const char *bytes;
    char full[400];

    if (ref && *ref && store_parse_ref(ref, full, sizeof(full)) == -1)
        return -1;
    if (n > MC_MAX_LAYERS)
        return ct_fail("an image has at most %d layers, not %d", MC_MAX_LAYERS,
                       n);
    ids = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(ids, json_object_new_string(layers[i].diff_id));
    json_object_object_add(rootfs, "type", json_object_new_string("layers"));
    json_object_object_add(rootfs, "diff_ids", ids);
    json_object_object_add(config, "rootfs", rootfs);
    bytes = json_object_to_json_string_ext(
        config, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (store_put_blob_bytes(bytes, strlen(bytes), id) == -1)
        return -1;
    return store_record_image(ref, id, layers, n, source);
}
