/*
 * minictr-unpack: the part of the image store that reads and writes tars.
 *
 *   minictr-unpack SOURCE DIR         unpack the tarball SOURCE (tar, gz,
 *                                     xz, zst...) or copy the directory
 *                                     SOURCE into the empty directory DIR
 *   minictr-unpack --canonical SOURCE DIR
 *                                     the same, and name the result by the
 *                                     tar layertar.c makes of DIR (import)
 *   minictr-unpack --tar DIR FILE     write DIR as a layer tar (save)
 *
 * What it prints on stdout, one line: "DIFF_ID BLOB_DIGEST SIZE" after an
 * unpack — the sha256 of the plain tar (the OCI image spec's diff_id),
 * the sha256 of SOURCE's bytes as they were stored (compressed or not:
 * the digest the manifest names), and the bytes of file data written;
 * "DIGEST SIZE" after --tar. minictr compares them with what the
 * manifest and the image config say.
 *
 * It is a program of its own so that `minictr run` never loads libarchive:
 * libarchive brings libxml2, ICU and libstdc++ with it (19 libraries, about
 * 2 ms and 3.5 MB at every start), and only the store needs it. minictr
 * runs it with fork and exec and reads its output.
 *
 * Step 04 writes the safe unpacker out by hand, to teach it. Here the same
 * checks come from libarchive's own safety options: no `..` in a path
 * (hard-link targets too), no absolute paths, never write through a
 * symlink; device nodes are skipped. Step 04's corpus of malicious
 * tarballs is refused by both (tests/04-tar-runner.bats and
 * tests/minictr-run.bats). One difference: tarbox skips a bad entry and
 * runs the rest, an image refuses the whole tarball — an image with a hole
 * in it is worse than none.
 *
 * A layer tar says "this file was deleted" with the OCI layer spec's
 * whiteouts: an empty file .wh.NAME deletes NAME from the layers below,
 * .wh..wh..opq hides everything below in its directory. overlayfs says the
 * same with a 0/0 character device NAME and the extended attribute
 * trusted.overlay.opaque = "y" on the directory (step 07), so that is what
 * lands on disk; layertar.c turns them back.
 *
 * A user's import runs it inside the user's own user namespace (images.c),
 * so what it makes belongs to the ids the map names: the tarball's root is
 * the user, its uid 1000 the user's /etc/subuid START+999. A directory's
 * files owned by ids outside that map (host root's, most often) show as the
 * overflow id 65534, which no new file may get: they become root's.
 *
 * Exit: 0 done, 3 a corrupt, truncated or refused archive, 1 anything
 * else; the reason is the last line on stderr, warnings start "warning:".
 *
 * Read: archive_read(3), archive_write_disk(3), archive_read_disk(3), the
 * OCI image spec's layer.md, overlayfs.rst ("whiteouts and opaque
 * directories").
 */
#include "ct.h"
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

static bool bad_archive;
static uint64_t content_bytes; /* file data written: the layer's size */

/* ---- reading: two hashes on the way in --------------------------------- */

/* A layer blob is read once. Its bytes are hashed as they come off the
 * disk (the blob digest), decompressed by one libarchive reader (the
 * "raw" format: the whole stream as one entry), hashed again (the
 * diff_id), and only then read as a tar by a second reader. */
struct source {
    int fd;
    struct sha256_ctx blob; /* the stored bytes */
    struct archive *plain; /* the decompressing reader */
    struct sha256_ctx diff; /* the plain tar's bytes */
    char buf[1 << 17];
    char pbuf[1 << 17];
};

static la_ssize_t
read_stored(struct archive *a, void *arg, const void **buf)
{
    struct source *s = arg;
    ssize_t n;

    do
        n = read(s->fd, s->buf, sizeof(s->buf));
    while (n == -1 && errno == EINTR);
    if (n == -1) {
        archive_set_error(a, errno, "read: %s", strerror(errno));
        return -1;
    }
    sha256_update(&s->blob, (size_t)n, (const uint8_t *)s->buf);
    *buf = s->buf;
    return n;
}

static la_ssize_t
read_plain(struct archive *a, void *arg, const void **buf)
{
    struct source *s = arg;
    la_ssize_t n = archive_read_data(s->plain, s->pbuf, sizeof(s->pbuf));

    if (n < 0) {
        archive_set_error(a, archive_errno(s->plain), "%s",
                          archive_error_string(s->plain));
        return -1;
    }
    sha256_update(&s->diff, (size_t)n, (const uint8_t *)s->pbuf);
    *buf = s->pbuf;
    return n;
}

/* ---- whiteouts: OCI's names into overlay's form ------------------------ */

/* Directories a .wh..wh..opq marked: made opaque once everything is on
 * disk (the marker may come before the files of its own directory). */
static char **opaque_dirs;
static size_t nopaque;

/* An entry named .wh.SOMETHING: 1 when it was handled (the caller skips
 * it), 0 when e now describes overlay's whiteout (a 0/0 character device
 * with the deleted file's name) for the caller to write, -1 refused. */
static int
whiteout_entry(struct archive_entry *e, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *name = base + strlen(OCI_WHITEOUT_PREFIX);
    size_t dirlen = (size_t)(base - path);
    char target[4096];

    if (!strcmp(base, OCI_OPAQUE_MARKER)) {
        opaque_dirs = realloc(opaque_dirs, (nopaque + 1) * sizeof(char *));
        opaque_dirs[nopaque++] = strndup(path, dirlen ? dirlen - 1 : 0);
        return 1;
    }
    if (!strncmp(name, ".wh.", 4)) {
        /* AUFS's own (.wh..wh.plnk, .wh..wh.aufs): not a deletion */
        fprintf(stderr, "warning: skipped '%s'\n", path);
        return 1;
    }
    /* ".wh." or ".wh.." or ".wh..." would delete the directory itself or
     * its parent: a layer may only delete names inside a directory. */
    if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
        bad_archive = true;
        return ct_fail("refused entry '%s': a whiteout that escapes its "
                       "directory",
                       path);
    }
    snprintf(target, sizeof(target), "%.*s%s", (int)dirlen, path, name);
    archive_entry_set_pathname(e, target);
    archive_entry_set_filetype(e, AE_IFCHR);
    archive_entry_set_perm(e, 0);
    archive_entry_set_rdev(e, 0);
    archive_entry_set_size(e, 0);
    archive_entry_set_hardlink(e, NULL);
    archive_entry_set_symlink(e, NULL);
    return 0;
}

/* openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS: the kernel
 * itself refuses a path that leaves root or passes a symlink. */
static int
open_beneath(int root, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)flags | O_CLOEXEC | O_NOFOLLOW,
        .resolve =
            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* Are we in a user namespace (a user's store)? Outside one, uid_map is
 * the identity "0 0 4294967295". */
static bool
in_user_namespace(void)
{
    static int in = -1; /* asked for each entry: read once */
    char buf[64];

    if (in == -1)
        in = ct_read_file("/proc/self/uid_map", buf, sizeof(buf)) > 0 &&
            !strstr(buf, "4294967295");
    return in;
}

/* Mark each remembered directory opaque (making it if no entry did). */
static int
apply_opaque_dirs(void)
{
    int root = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC), rc = 0;

    for (size_t i = 0; i < nopaque && rc == 0; i++) {
        const char *dir = *opaque_dirs[i] ? opaque_dirs[i] : ".";
        int fd = open_beneath(root, dir, O_RDONLY | O_DIRECTORY);
        if (fd == -1 && errno == ENOENT && ct_mkdir_p(dir, 0755) == 0)
            fd = open_beneath(root, dir, O_RDONLY | O_DIRECTORY);
        if (fd == -1) {
            bad_archive = true;
            rc = ct_fail_errno("opaque directory '%s'", dir);
        } else if (!in_user_namespace() &&
                   fsetxattr(fd, OVERLAY_OPAQUE_XATTR, "y", 1, 0) == -1) {
            rc = ct_fail_errno("setxattr '%s' %s", dir, OVERLAY_OPAQUE_XATTR);
        } else if (fsetxattr(fd, OVERLAY_USER_OPAQUE_XATTR, "y", 1, 0) == -1) {
            rc = ct_fail_errno("setxattr '%s' %s", dir,
                               OVERLAY_USER_OPAQUE_XATTR);
        }
        if (fd != -1)
            close(fd);
    }
    close(root);
    return rc;
}

/* ---- writing entries to disk ------------------------------------------- */

/* The uid and gid an unmapped owner shows as in a user namespace, or -1
 * outside one. */
static long
overflow_id(const char *file)
{
    char buf[64];

    if (!in_user_namespace())
        return -1;
    return ct_read_file(file, buf, sizeof(buf)) > 0 ? atol(buf) : 65534;
}

/* Copy every entry of `in` to disk under the current directory. */
static int
copy_entries(struct archive *in, struct archive *out)
{
    struct archive_entry *e;
    int r;

    while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK ||
           r == ARCHIVE_WARN) {
        char path[4096];
        const char *base;
        const void *block;
        size_t len;
        la_int64_t off;
        mode_t type = archive_entry_filetype(e);

        snprintf(path, sizeof(path), "%s", archive_entry_pathname(e));
        if (type == AE_IFBLK || type == AE_IFCHR) {
            /* Device nodes stay out of images: a container needs none of
             * its own (it gets a minimal /dev). */
            fprintf(stderr, "warning: skipped device node '%s'\n", path);
            continue;
        }
        base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        if (!strncmp(base, OCI_WHITEOUT_PREFIX, 4)) {
            int w = whiteout_entry(e, path);
            if (w == -1)
                return -1;
            if (w == 1)
                continue;
        }
        if (archive_write_header(out, e) != ARCHIVE_OK) {
            bad_archive = true;
            return ct_fail("refused entry '%s': %s", path,
                           archive_error_string(out));
        }
        if (archive_entry_filetype(e) == AE_IFREG)
            content_bytes += (uint64_t)archive_entry_size(e);
        while ((r = archive_read_data_block(in, &block, &len, &off)) ==
               ARCHIVE_OK)
            if (archive_write_data_block(out, block, len, off) != ARCHIVE_OK) {
                bad_archive = true;
                return ct_fail("write '%s': %s", path,
                               archive_error_string(out));
            }
        if (r != ARCHIVE_EOF) {
            bad_archive = true;
            return ct_fail("read '%s': %s", path, archive_error_string(in));
        }
        if (archive_write_finish_entry(out) != ARCHIVE_OK) {
            bad_archive = true;
            return ct_fail("finish '%s': %s", path, archive_error_string(out));
        }
    }
    if (r != ARCHIVE_EOF) {
        bad_archive = true;
        return ct_fail("%s (corrupt or truncated?)", archive_error_string(in));
    }
    return 0;
}

/* Keep only the extended attributes a layer keeps, and overlay's opaque
 * mark: a container's upper directory also holds overlay's bookkeeping
 * (trusted.overlay.origin, .impure), which means nothing in a layer. */
static void
filter_xattrs(struct archive_entry *e)
{
    struct {
        char *name;
        void *value;
        size_t size;
    } keep[64];
    const char *name;
    const void *value;
    size_t size, n = 0;
    bool opaque = false;

    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
        if (!strcmp(name, OVERLAY_OPAQUE_XATTR) ||
            !strcmp(name, OVERLAY_USER_OPAQUE_XATTR)) {
            opaque = opaque || (size == 1 && *(const char *)value == 'y');
        } else if (n < 64 && layer_keeps_xattr(name)) {
            keep[n].name = strdup(name);
            keep[n].value = malloc(size ? size : 1);
            memcpy(keep[n].value, value, size);
            keep[n++].size = size;
        }
    archive_entry_xattr_clear(e);
    for (size_t i = 0; i < n; i++) {
        archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value,
                                      keep[i].size);
        free(keep[i].name);
        free(keep[i].value);
    }
    /* An opaque directory, marked as apply_opaque_dirs marks them: a
     * container's upper has one of the two (userxattr or not). */
    if (opaque && !in_user_namespace())
        archive_entry_xattr_add_entry(e, OVERLAY_OPAQUE_XATTR, "y", 1);
    if (opaque)
        archive_entry_xattr_add_entry(e, OVERLAY_USER_OPAQUE_XATTR, "y", 1);
}

/* Copy a directory tree: archive_read_disk walks it and hands us its
 * entries as if they came from a tarball, so one writer serves both. A
 * 0/0 character device is overlay's whiteout (a container's upper
 * directory has them) and is kept; other device nodes are not. */
static int
copy_dir(struct archive *out, const char *source)
{
    struct archive *in = archive_read_disk_new();
    size_t prefix = strlen(source);
    long nobody_uid = overflow_id("/proc/sys/kernel/overflowuid");
    long nobody_gid = overflow_id("/proc/sys/kernel/overflowgid");
    int rc = 0, unmapped = 0;

    archive_read_disk_set_symlink_physical(in);
    archive_read_disk_set_standard_lookup(in);
    if (archive_read_disk_open(in, source) != ARCHIVE_OK) {
        rc = ct_fail("read '%s': %s", source, archive_error_string(in));
        goto out;
    }
    for (;;) {
        struct archive_entry *e = archive_entry_new();
        const char *path;
        mode_t type;
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
        type = archive_entry_filetype(e);
        if ((type == AE_IFBLK || type == AE_IFCHR) &&
            !(type == AE_IFCHR && archive_entry_rdev(e) == 0)) {
            fprintf(stderr, "warning: skipped device node '%s'\n", path);
            path = "";
        }
        if (*path) {
            archive_entry_set_pathname(e, path);
            archive_entry_set_mtime(e, archive_entry_mtime(e), 0);
            filter_xattrs(e);
            if (nobody_uid >= 0 &&
                (archive_entry_uid(e) == nobody_uid ||
                 archive_entry_gid(e) == nobody_gid)) {
                if (archive_entry_uid(e) == nobody_uid)
                    archive_entry_set_uid(e, 0);
                if (archive_entry_gid(e) == nobody_gid)
                    archive_entry_set_gid(e, 0);
                unmapped++;
            }
            if (archive_write_header(out, e) != ARCHIVE_OK) {
                rc = ct_fail("copy '%s': %s", path, archive_error_string(out));
            } else if (type == AE_IFREG && archive_entry_size(e) > 0) {
                char buf[65536];
                la_ssize_t n;
                content_bytes += (uint64_t)archive_entry_size(e);
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
    if (unmapped)
        fprintf(stderr,
                "warning: %d files of '%s' belong to ids your user "
                "namespace does not map (host root's?): they are root's "
                "in the image\n",
                unmapped, source);
    archive_read_free(in);
    return rc;
}

/* ---- the three jobs ---------------------------------------------------- */

/* Unpack a tarball into the current directory; diff and blob get its two
 * digests. */
static int
unpack_tar(const char *source, struct archive *out, char diff[72],
           char blob[72])
{
    static struct source s;
    struct archive *tar = archive_read_new();
    struct archive_entry *e;
    int rc = 0;

    s.fd = open(source, O_RDONLY | O_CLOEXEC);
    sha256_init(&s.blob);
    sha256_init(&s.diff);
    s.plain = archive_read_new();
    archive_read_support_filter_all(s.plain);
    archive_read_support_format_raw(s.plain);
    archive_read_support_format_tar(tar);
    archive_read_support_format_empty(tar);
    if (s.fd == -1) {
        bad_archive = true;
        rc = ct_fail_errno("open '%s'", source);
    } else if (archive_read_open(s.plain, &s, NULL, read_stored, NULL) !=
                   ARCHIVE_OK ||
               archive_read_next_header(s.plain, &e) != ARCHIVE_OK) {
        bad_archive = true;
        rc = ct_fail("open '%s': %s", source, archive_error_string(s.plain));
    } else if (archive_read_open(tar, &s, NULL, read_plain, NULL) !=
               ARCHIVE_OK) {
        bad_archive = true;
        rc = ct_fail("open '%s': %s", source, archive_error_string(tar));
    } else {
        rc = copy_entries(tar, out);
    }
    /* The digests cover every byte, also what follows the tar's end
     * (its zero blocks, the compressor's trailer). */
    if (rc == 0) {
        const void *buf;
        la_ssize_t n;
        while ((n = read_plain(tar, &s, &buf)) > 0)
            ;
        while (n == 0 && (n = read_stored(tar, &s, &buf)) > 0)
            ;
        if (n < 0) {
            bad_archive = true;
            rc = ct_fail("read '%s': %s", source, archive_error_string(tar));
        }
    }
    archive_read_free(tar);
    archive_read_free(s.plain);
    if (s.fd != -1)
        close(s.fd);
    digest_string(&s.diff, diff);
    digest_string(&s.blob, blob);
    return rc;
}

/* Unpack a tarball, or copy a directory, into the current directory. */
static int
unpack(const char *source, bool is_dir, char diff[72], char blob[72])
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
    strcpy(diff, "-");
    strcpy(blob, "-");
    if (is_dir)
        rc = copy_dir(out, source);
    else
        rc = unpack_tar(source, out, diff, blob);
    if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
        rc = ct_fail("%s", archive_error_string(out));
    archive_write_free(out);
    if (rc == 0)
        rc = apply_opaque_dirs();
    return rc;
}

/* The layer tar of dir, into fd (-1: only hash it). */
static int
tar_dir(const char *dir, int fd, char digest[72], uint64_t *bytes)
{
    struct sha256_ctx hash;
    struct archive *out;
    int rc;

    sha256_init(&hash);
    *bytes = 0;
    out = layer_tar_writer(fd, &hash, bytes);
    if (!out)
        return -1;
    rc = layer_tar(dir, out);
    archive_write_free(out);
    digest_string(&hash, digest);
    return rc;
}

static int
usage(void)
{
    fprintf(stderr,
            "usage: minictr-unpack [--canonical] SOURCE DIR\n"
            "       minictr-unpack --tar DIR FILE\n");
    return CT_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
    char diff[72], blob[72], source[4096];
    bool canonical = false;
    struct stat st;
    uint64_t bytes;

    ct_prog = "minictr-unpack";
    if (argc == 4 && !strcmp(argv[1], "--tar")) {
        int fd = open(argv[3], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd == -1) {
            ct_fail_errno("create '%s'", argv[3]);
        } else if (tar_dir(argv[2], fd, diff, &bytes) == 0 && fsync(fd) == 0 &&
                   close(fd) == 0) {
            printf("%s %" PRIu64 "\n", diff, bytes);
            return 0;
        }
        fprintf(stderr, "%s\n", ct_error_message());
        return CT_EXIT_FAILURE;
    }
    if (argc == 4 && !strcmp(argv[1], "--canonical")) {
        canonical = true;
        argv++;
        argc--;
    }
    if (argc != 3)
        return usage();
    /* SOURCE is opened after the chdir into DIR: make it absolute. */
    if (!realpath(argv[1], source) || stat(source, &st) == -1 ||
        chdir(argv[2]) == -1) {
        ct_fail_errno("open '%s'", access(argv[1], F_OK) ? argv[1] : argv[2]);
    } else if (unpack(source, S_ISDIR(st.st_mode), diff, blob) == 0 &&
               (!canonical || tar_dir(".", -1, diff, &bytes) == 0)) {
        printf("%s %s %" PRIu64 "\n", diff, blob, content_bytes);
        return 0;
    }
    fprintf(stderr, "%s\n", ct_error_message());
    return bad_archive ? CT_EXIT_INPUT : CT_EXIT_FAILURE;
}
