/*
 * save.c: `minictr save -o FILE|DIR IMAGE...` — images out, for other tools.
 *
 * What it writes is an OCI image layout, and at the same time a
 * `docker save` archive (as Docker 25 writes both in one tar):
 *
 *   oci-layout          {"imageLayoutVersion": "1.0.0"}
 *   index.json          one manifest per image, with its name in
 *                       annotations (org.opencontainers.image.ref.name:
 *                       the tag, as skopeo's oci:DIR:TAG and umoci's
 *                       --image DIR:TAG look for it)
 *   manifest.json       the docker archive's list: Config, RepoTags, Layers
 *   blobs/sha256/HEX    the configs, the manifests, the layers
 *
 * A layer that was loaded is written as the very blob that came in, so
 * its digest is the one the image had elsewhere. A layer made here
 * (import, build) has no blob: minictr-unpack --tar writes it from its
 * directory, overlay's whiteouts as .wh. entries, the same bytes every
 * time (layertar.c) — and they must hash to the layer's name, its
 * diff_id, or the layer changed on disk and save refuses. The config is
 * the stored blob itself, so the image ID stays the same too: save, load
 * and save again give the same digests.
 *
 * -o DIR (an empty or new directory, or a path ending in '/') gets the
 * layout as files; any other -o FILE gets a tar of it.
 *
 * Read: the OCI image spec (image-layout.md, manifest.md, descriptor.md).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar"

static json_object *
descriptor(const char *type, const char *digest, uint64_t size)
{
    json_object *d = json_object_new_object();

    json_object_object_add(d, "mediaType", json_object_new_string(type));
    json_object_object_add(d, "digest", json_object_new_string(digest));
    json_object_object_add(d, "size", json_object_new_int64((int64_t)size));
    return d;
}

/* Docker's names for layer types, in an OCI manifest: OCI's. */
static const char *
oci_layer_type(const char *t)
{
    if (!strcmp(t, "application/vnd.docker.image.rootfs.diff.tar.gzip"))
        return MT_LAYER "+gzip";
    if (!strcmp(t, "application/vnd.docker.image.rootfs.diff.tar"))
        return MT_LAYER;
    return t;
}

/* A blob of the store into the layout: a hard link (the same
 * filesystem), else a copy. size gets its size. */
static int
put_store_blob(const char *work, const char *digest, uint64_t *size)
{
    char from[4200], to[4400], buf[1 << 16];
    struct stat st;
    int in, out;
    ssize_t n;

    store_path(from, sizeof(from), "blobs/sha256/%s", digest + 7);
    snprintf(to, sizeof(to), "%s/blobs/sha256/%s", work, digest + 7);
    if (stat(from, &st) == -1)
        return ct_fail_errno("blob %s of the store", digest);
    *size = (uint64_t)st.st_size;
    if (access(to, F_OK) == 0 || link(from, to) == 0)
        return 0;
    in = open(from, O_RDONLY | O_CLOEXEC);
    out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    while (in != -1 && out != -1 && (n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            break;
    if (in != -1)
        close(in);
    if (out == -1 || close(out) == -1 || in == -1)
        return ct_fail_errno("copy '%s' to '%s'", from, to);
    return 0;
}

/* A layer made here: its tar, written again from its directory. */
static int
put_layer_tar(const char *work, const struct store_layer *sl, uint64_t *size)
{
    char dir[4200], tmp[4400], to[4400], result[256], digest[72];

    store_layer_path(sl->diff_id, dir, sizeof(dir));
    snprintf(to, sizeof(to), "%s/blobs/sha256/%s", work, sl->diff_id + 7);
    snprintf(tmp, sizeof(tmp), "%s/blobs/sha256/.tmp-%s", work,
             sl->diff_id + 7);
    if (access(to, F_OK) == 0) {
        struct stat st;
        stat(to, &st);
        *size = (uint64_t)st.st_size;
        return 0;
    }
    if (store_unpack((const char *[]){"--tar", dir, tmp, NULL}, result,
                     sizeof(result)) == -1 ||
        sscanf(result, "%71s %" SCNu64, digest, size) != 2)
        return -1;
    if (strcmp(digest, sl->diff_id)) {
        unlink(tmp);
        return ct_fail("layer '%s' changed on disk: its tar hashes to %s, "
                       "not to its name",
                       dir, digest);
    }
    if (rename(tmp, to) == -1)
        return ct_fail_errno("rename '%s'", tmp);
    return 0;
}

/* Write bytes as a blob of the layout; digest gets its name. */
static int
put_bytes(const char *work, const char *bytes, char digest[72])
{
    char path[4400];
    size_t len = strlen(bytes);
    int fd;

    store_digest_bytes(bytes, len, digest);
    snprintf(path, sizeof(path), "%s/blobs/sha256/%s", work, digest + 7);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1)
        return ct_fail_errno("create '%s'", path);
    if (write(fd, bytes, len) != (ssize_t)len || close(fd) == -1)
        return ct_fail_errno("write '%s'", path);
    return 0;
}

static int
write_json(const char *work, const char *name, json_object *o)
{
    char path[4400];

    snprintf(path, sizeof(path), "%s/%s", work, name);
    if (json_object_to_file_ext(path, o,
                                JSON_C_TO_STRING_PLAIN |
                                    JSON_C_TO_STRING_NOSLASHESCAPE) == -1)
        return ct_fail("write '%s': %s", path, json_util_get_last_err());
    return 0;
}

/* One image into the layout: its blobs, its manifest, an entry in
 * index.json and one in manifest.json. */
static int
save_image(const char *work, const char *arg, json_object *index,
           json_object *docker)
{
    static struct store_image img;
    json_object *manifest, *layers, *desc, *ann, *entry, *paths, *tags;
    char ref[400] = "", digest[72], path[200];
    uint64_t size;
    int rc = -1;

    if (store_image_load(arg, &img) == -1)
        return -1;
    /* a name, unless the image was given by its ID */
    if (store_parse_ref(arg, ref, sizeof(ref)) == -1 ||
        !strncmp(img.id + 7, arg, strlen(arg)))
        ref[0] = '\0';
    ct_clear_error();
    manifest = json_object_new_object();
    layers = json_object_new_array();
    paths = json_object_new_array();
    json_object_object_add(manifest, "schemaVersion", json_object_new_int(2));
    json_object_object_add(manifest, "mediaType",
                           json_object_new_string(MT_MANIFEST));
    if (put_store_blob(work, img.id, &size) == -1)
        goto out;
    json_object_object_add(manifest, "config",
                           descriptor(MT_CONFIG, img.id, size));
    for (int i = 0; i < img.nlayers; i++) {
        const struct store_layer *sl = &img.layers[i];
        char blobfile[4200];
        store_path(blobfile, sizeof(blobfile), "blobs/sha256/%s",
                   sl->blob + (sl->blob[0] ? 7 : 0));
        if (sl->blob[0] && access(blobfile, F_OK) == 0) {
            if (put_store_blob(work, sl->blob, &size) == -1)
                goto out;
            json_object_array_add(
                layers,
                descriptor(oci_layer_type(sl->media_type), sl->blob, size));
            snprintf(path, sizeof(path), "blobs/sha256/%s", sl->blob + 7);
        } else {
            if (put_layer_tar(work, sl, &size) == -1)
                goto out;
            json_object_array_add(layers,
                                  descriptor(MT_LAYER, sl->diff_id, size));
            snprintf(path, sizeof(path), "blobs/sha256/%s", sl->diff_id + 7);
        }
        json_object_array_add(paths, json_object_new_string(path));
    }
    json_object_object_add(manifest, "layers", layers);
    if (put_bytes(work,
                  json_object_to_json_string_ext(
                      manifest,
                      JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                  digest) == -1)
        goto out;
    desc = descriptor(
        MT_MANIFEST, digest,
        strlen(json_object_to_json_string_ext(
            manifest,
            JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)));
    tags = json_object_new_array();
    if (ref[0]) {
        ann = json_object_new_object();
        json_object_object_add(ann, "io.containerd.image.name",
                               json_object_new_string(ref));
        json_object_object_add(ann, "org.opencontainers.image.ref.name",
                               json_object_new_string(strrchr(ref, ':') + 1));
        json_object_object_add(desc, "annotations", ann);
        json_object_array_add(tags, json_object_new_string(ref));
    }
    json_object_array_add(index, desc);
    entry = json_object_new_object();
    snprintf(path, sizeof(path), "blobs/sha256/%.64s", img.id + 7);
    json_object_object_add(entry, "Config", json_object_new_string(path));
    json_object_object_add(entry, "RepoTags", tags);
    json_object_object_add(entry, "Layers", json_object_get(paths));
    json_object_array_add(docker, entry);
    rc = 0;
out:
    json_object_put(paths);
    json_object_put(manifest);
    store_image_free(&img);
    return rc;
}

/* The layout is complete in work: put it where -o says. */
static int
deliver(const char *work, const char *out, bool as_dir)
{
    char tmp[4200], result[256];
    struct stat st;

    if (as_dir) {
        if (stat(out, &st) == 0 && rmdir(out) == -1)
            return ct_fail_errno("save into '%s' (it must be empty)", out);
        if (rename(work, out) == 0)
            return 0;
        if (errno != EXDEV)
            return ct_fail_errno("rename '%s' to '%s'", work, out);
        /* another filesystem: copy it */
        if (mkdir(out, 0755) == -1)
            return ct_fail_errno("mkdir '%s'", out);
        if (store_unpack((const char *[]){work, out, NULL}, result,
                         sizeof(result)) == -1) {
            userns_rm_rf(out);
            return -1;
        }
        return 0;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", out, getpid());
    if (store_unpack((const char *[]){"--tar", work, tmp, NULL}, result,
                     sizeof(result)) == -1) {
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, out) == -1) {
        unlink(tmp);
        return ct_fail_errno("rename '%s' to '%s'", tmp, out);
    }
    return 0;
}

int
cmd_save(int argc, char **argv)
{
    char work[4200], path[4400];
    const char *out = NULL;
    json_object *index, *docker, *layout;
    bool as_dir;
    struct stat st;
    int hold, first = 1, rc = 0;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr save -o FILE|DIR IMAGE...\n\n"
               "Writes the images as an OCI image layout that is also a "
               "docker-save\narchive: into DIR (new or empty, or a path "
               "ending in '/'), or as a tar\ninto FILE.\n");
        return 0;
    }
    if (argc >= 3 && (!strcmp(argv[1], "-o") || !strcmp(argv[1], "--output"))) {
        out = argv[2];
        first = 3;
    } else if (argc >= 2 && !strncmp(argv[1], "--output=", 9)) {
        out = argv[1] + 9;
        first = 2;
    }
    if (!out || !*out || first >= argc)
        return mc_usage_error("usage: minictr save -o FILE|DIR IMAGE... "
                              "(writing to stdout is not supported)");
    as_dir = out[strlen(out) - 1] == '/' ||
        (stat(out, &st) == 0 && S_ISDIR(st.st_mode));
    if (!as_dir && stat(out, &st) == 0 && !S_ISREG(st.st_mode))
        return mc_usage_error("save: '%s' is neither a file nor a directory",
                              out);
    hold = store_hold(false);
    if (hold == -1 || store_tmpdir("save", work, sizeof(work)) == -1)
        return -1;
    snprintf(path, sizeof(path), "%s/blobs/sha256", work);
    if (ct_mkdir_p(path, 0755) == -1)
        rc = ct_fail_errno("mkdir '%s'", path);
    index = json_object_new_array();
    docker = json_object_new_array();
    for (int i = first; i < argc && rc == 0; i++)
        rc = save_image(work, argv[i], index, docker);
    if (rc == 0) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "schemaVersion", json_object_new_int(2));
        json_object_object_add(
            o, "mediaType",
            json_object_new_string("application/vnd.oci.image.index.v1+json"));
        json_object_object_add(o, "manifests", json_object_get(index));
        layout = json_object_new_object();
        json_object_object_add(layout, "imageLayoutVersion",
                               json_object_new_string("1.0.0"));
        rc = write_json(work, "index.json", o);
        if (rc == 0)
            rc = write_json(work, "oci-layout", layout);
        if (rc == 0)
            rc = write_json(work, "manifest.json", docker);
        json_object_put(o);
        json_object_put(layout);
    }
    json_object_put(index);
    json_object_put(docker);
    if (rc == 0)
        rc = deliver(work, out, as_dir);
    userns_rm_rf(work);
    store_release(hold);
    return rc;
}
