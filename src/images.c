/*
 * images.c: `minictr import`, `images`, `rmi` — an image is a directory.
 *
 * An image is what step 04 unpacks from a `docker export` tarball, kept in
 * MINICTR_ROOT/images/NAME/rootfs (default /var/lib/minictr) and used
 * read-only as the lower layer of every container made from it (step 07).
 *
 * Step 04 writes the safe unpacker out by hand, to teach it. Here the same
 * checks come from libarchive's own safety options: no `..` in a path
 * (hard-link targets too), no absolute paths, never write through a
 * symlink; device nodes are skipped. Step 04's corpus of malicious
 * tarballs is refused by both (tests/04-tar-runner.bats and
 * tests/minictr-run.bats). One difference: tarbox skips a bad entry and
 * runs the rest, an image import refuses the whole tarball — an image with
 * a hole in it is worse than none. It unpacks into a temporary directory
 * renamed into place at the end, so a corrupt or truncated tarball leaves
 * nothing behind.
 *
 * Read: archive_read(3), archive_write_disk(3), archive_read_disk(3).
 */
#include "minictr.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool
valid_name(const char *name)
{
    size_t len = strlen(name);
    return len > 0 && len < 64 && name[0] != '.' &&
        strspn(name,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_.-") == len;
}

int
image_rootfs(const char *name, char *buf, size_t size)
{
    struct stat st;

    if (!valid_name(name)) {
        mc_error_code("no_such_image");
        return ct_fail("bad image name '%s'", name);
    }
    snprintf(buf, size, "%s/images/%s/rootfs", mc_lib_dir(), name);
    if (stat(buf, &st) == -1 || !S_ISDIR(st.st_mode)) {
        mc_error_code("no_such_image");
        ct_set_hint("import it first: minictr import FILE.tar NAME (the "
                    "built-in one: minictr import build/images/busybox "
                    "busybox)");
        return ct_fail("no image '%s' (see 'minictr images')", name);
    }
    return 0;
}

/* Copy every entry of `in` to disk under the current directory. */
static int
copy_entries(struct archive *in, struct archive *out, const char *source)
{
    struct archive_entry *e;
    int r;

    while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK ||
           r == ARCHIVE_WARN) {
        const char *path = archive_entry_pathname(e);
        const void *block;
        size_t len;
        la_int64_t off;
        mode_t type = archive_entry_filetype(e);

        if (type == AE_IFBLK || type == AE_IFCHR) {
            /* Device nodes stay out of images: a container needs none of
             * its own (it gets a minimal /dev). */
            fprintf(stderr, "minictr: import: skipped device node '%s'\n",
                    path);
            continue;
        }
        if (archive_write_header(out, e) != ARCHIVE_OK) {
            mc_error_code("bad_archive");
            return ct_fail("import '%s': refused entry '%s': %s", source, path,
                           archive_error_string(out));
        }
        while ((r = archive_read_data_block(in, &block, &len, &off)) ==
               ARCHIVE_OK)
            if (archive_write_data_block(out, block, len, off) != ARCHIVE_OK) {
                mc_error_code("bad_archive");
                return ct_fail("import '%s': write '%s': %s", source, path,
                               archive_error_string(out));
            }
        if (r != ARCHIVE_EOF) {
            mc_error_code("bad_archive");
            return ct_fail("import '%s': read '%s': %s", source, path,
                           archive_error_string(in));
        }
        if (archive_write_finish_entry(out) != ARCHIVE_OK) {
            mc_error_code("bad_archive");
            return ct_fail("import '%s': finish '%s': %s", source, path,
                           archive_error_string(out));
        }
    }
    if (r != ARCHIVE_EOF) {
        mc_error_code("bad_archive");
        return ct_fail("import '%s': %s (corrupt or truncated?)", source,
                       archive_error_string(in));
    }
    return 0;
}

/* Copy a directory tree: archive_read_disk walks it and hands us its
 * entries as if they came from a tarball, so one writer serves both. */
static int
copy_dir(struct archive *out, const char *source)
{
    struct archive *in = archive_read_disk_new();
    size_t prefix = strlen(source);
    int rc = 0;

    archive_read_disk_set_symlink_physical(in);
    archive_read_disk_set_standard_lookup(in);
    if (archive_read_disk_open(in, source) != ARCHIVE_OK) {
        rc = ct_fail("read '%s': %s", source, archive_error_string(in));
        goto out;
    }
    for (;;) {
        struct archive_entry *e = archive_entry_new();
        const char *path;
        int r = archive_read_next_header2(in, e);

        if (r == ARCHIVE_EOF) {
            archive_entry_free(e);
            break;
        }
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            archive_entry_free(e);
            rc = ct_fail("read '%s': %s", source, archive_error_string(in));
            break;
        }
        archive_read_disk_descend(in);
        /* "/abs/source/bin/sh" is written as "bin/sh". */
        path = archive_entry_pathname(e) + prefix;
        while (*path == '/')
            path++;
        if (*path) {
            archive_entry_set_pathname(e, path);
            if (archive_write_header(out, e) != ARCHIVE_OK) {
                rc = ct_fail("copy '%s': %s", path, archive_error_string(out));
            } else if (archive_entry_size(e) > 0) {
                char buf[65536];
                la_ssize_t n;
                while ((n = archive_read_data(in, buf, sizeof(buf))) > 0)
                    if (archive_write_data(out, buf, (size_t)n) < 0) {
                        rc = ct_fail("copy '%s': %s", path,
                                     archive_error_string(out));
                        break;
                    }
            }
            archive_write_finish_entry(out);
        }
        archive_entry_free(e);
        if (rc)
            break;
    }
out:
    archive_read_free(in);
    return rc;
}

/* Unpack a tarball, or copy a directory, into the current directory. */
static int
unpack(const char *source, bool is_dir)
{
    struct archive *out = archive_write_disk_new();
    int rc;

    archive_write_disk_set_options(
        out,
        ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_OWNER |
            ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
            ARCHIVE_EXTRACT_XATTR);
    archive_write_disk_set_standard_lookup(out);
    if (is_dir) {
        rc = copy_dir(out, source);
    } else {
        struct archive *in = archive_read_new();
        archive_read_support_filter_all(in);
        archive_read_support_format_tar(in);
        if (archive_read_open_filename(in, source, 65536) != ARCHIVE_OK) {
            mc_error_code("bad_archive");
            rc = ct_fail("open '%s': %s", source, archive_error_string(in));
        } else {
            rc = copy_entries(in, out, source);
        }
        archive_read_free(in);
    }
    if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
        rc = ct_fail("import '%s': %s", source, archive_error_string(out));
    archive_write_free(out);
    return rc;
}

static int
write_meta(const char *dir, const char *name, const char *source)
{
    char path[4300];
    json_object *o = json_object_new_object();
    int rc;

    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "source", json_object_new_string(source));
    json_object_object_add(o, "created",
                           json_object_new_int64((int64_t)time(NULL)));
    snprintf(path, sizeof(path), "%s/image.json", dir);
    rc = json_object_to_file_ext(
        path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    json_object_put(o);
    return rc == -1 ? ct_fail("write '%s'", path) : 0;
}

int
cmd_import(int argc, char **argv)
{
    char images[4096], tmp[4200], final[4200], rootfs[4300], cwd[4096];
    char abs_source[4096];
    const char *source, *name;
    struct stat st;
    int rc;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr import FILE.tar[.gz|.xz|.zst]|DIR NAME\n");
        return 0;
    }
    if (argc != 3) {
        mc_error_code("usage");
        return ct_fail("usage: minictr import FILE.tar[.gz|.xz|.zst]|DIR "
                       "NAME");
    }
    source = argv[1];
    name = argv[2];
    if (!valid_name(name)) {
        mc_error_code("usage");
        return ct_fail("bad image name '%s': letters, digits, '_', '.', "
                       "'-'",
                       name);
    }
    if (stat(source, &st) == -1) {
        mc_error_code("no_such_file");
        return ct_fail_errno("import '%s'", source);
    }
    snprintf(images, sizeof(images), "%s/images", mc_lib_dir());
    snprintf(final, sizeof(final), "%s/%s", images, name);
    if (access(final, F_OK) == 0) {
        mc_error_code("image_exists");
        return ct_fail("image '%s' exists: 'minictr rmi %s' first", name, name);
    }
    snprintf(tmp, sizeof(tmp), "%s/.import-%s-%d", images, name, getpid());
    snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp);
    if (!realpath(source, abs_source))
        return ct_fail_errno("realpath '%s'", source);
    if (!getcwd(cwd, sizeof(cwd)))
        return ct_fail_errno("getcwd");
    if (ct_mkdir_p(rootfs, 0755) == -1)
        return ct_fail_errno("mkdir '%s'", rootfs);
    /* Unpack into a temporary directory, then rename it into place: a
     * failure half-way leaves nothing that looks like an image. */
    if (chdir(rootfs) == -1) {
        rc = ct_fail_errno("chdir '%s'", rootfs);
    } else {
        rc = unpack(abs_source, S_ISDIR(st.st_mode));
        if (chdir(cwd) == -1 && rc == 0)
            rc = ct_fail_errno("chdir '%s'", cwd);
    }
    if (rc == 0)
        rc = write_meta(tmp, name, abs_source);
    if (rc == 0 && rename(tmp, final) == -1)
        rc = ct_fail_errno("rename '%s' to '%s'", tmp, final);
    if (rc == -1) {
        ct_rm_rf(tmp);
        return -1;
    }
    printf("%s\n", name);
    return 0;
}

int
cmd_images(int argc, char **argv)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    bool first = true;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr [--json] images\n");
        return 0;
    }
    snprintf(dir, sizeof(dir), "%s/images", mc_lib_dir());
    if (mc_json)
        printf("[");
    else
        printf("%-24s %s\n", "NAME", "SOURCE");
    d = opendir(dir);
    while (d && (e = readdir(d)) != NULL) {
        char meta[4400];
        json_object *o, *src;
        if (e->d_name[0] == '.')
            continue;
        snprintf(meta, sizeof(meta), "%s/%s/image.json", dir, e->d_name);
        o = json_object_from_file(meta);
        if (!o)
            continue;
        if (mc_json) {
            printf(
                "%s%s", first ? "" : ",",
                json_object_to_json_string_ext(
                    o,
                    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        } else {
            json_object_object_get_ex(o, "source", &src);
            printf("%-24s %s\n", e->d_name, json_object_get_string(src));
        }
        first = false;
        json_object_put(o);
    }
    if (d)
        closedir(d);
    if (mc_json)
        printf("]\n");
    return 0;
}

/* Is a container (of any status) made from this rootfs? */
static int
uses_rootfs(struct json_object *o, void *arg)
{
    json_object *v;
    return json_object_object_get_ex(o, "rootfs", &v) &&
        !strcmp(json_object_get_string(v), arg);
}

int
cmd_rmi(int argc, char **argv)
{
    char rootfs[4096], dir[4096];

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr rmi NAME\n");
        return 0;
    }
    if (argc != 2) {
        mc_error_code("usage");
        return ct_fail("usage: minictr rmi NAME");
    }
    if (image_rootfs(argv[1], rootfs, sizeof(rootfs)) == -1)
        return -1;
    if (state_each(uses_rootfs, rootfs)) {
        mc_error_code("image_in_use");
        return ct_fail("image '%s' is used by a container: 'minictr ps -a', "
                       "then 'minictr rm'",
                       argv[1]);
    }
    snprintf(dir, sizeof(dir), "%s/images/%s", mc_lib_dir(), argv[1]);
    if (ct_rm_rf(dir) == -1)
        return ct_fail_errno("remove '%s'", dir);
    printf("%s\n", argv[1]);
    return 0;
}
