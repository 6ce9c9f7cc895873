/*
 * minictr-unpack: the part of `minictr import` that reads archives.
 *
 *   minictr-unpack SOURCE DIR     unpack the tarball SOURCE (tar, gz, xz,
 *                                 zst...) or copy the directory SOURCE
 *                                 into the empty directory DIR
 *
 * It is a program of its own so that `minictr run` never loads libarchive:
 * libarchive brings libxml2, ICU and libstdc++ with it (19 libraries, about
 * 2 ms and 3.5 MB at every start), and only import needs it. minictr
 * import runs it with fork and exec and reads its stderr.
 *
 * Step 04 writes the safe unpacker out by hand, to teach it. Here the same
 * checks come from libarchive's own safety options: no `..` in a path
 * (hard-link targets too), no absolute paths, never write through a
 * symlink; device nodes are skipped. Step 04's corpus of malicious
 * tarballs is refused by both (tests/04-tar-runner.bats and
 * tests/minictr-run.bats). One difference: tarbox skips a bad entry and
 * runs the rest, an image import refuses the whole tarball — an image with
 * a hole in it is worse than none.
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
 * Read: archive_read(3), archive_write_disk(3), archive_read_disk(3).
 */
#include "ct.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool bad_archive;

/* The uid and gid an unmapped owner shows as in a user namespace, or -1
 * outside one (the identity map "0 0 4294967295"). */
static long
overflow_id(const char *file)
{
    char buf[64];

    if (ct_read_file("/proc/self/uid_map", buf, sizeof(buf)) > 0 &&
        strstr(buf, "4294967295"))
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
        const char *path = archive_entry_pathname(e);
        const void *block;
        size_t len;
        la_int64_t off;
        mode_t type = archive_entry_filetype(e);

        if (type == AE_IFBLK || type == AE_IFCHR) {
            /* Device nodes stay out of images: a container needs none of
             * its own (it gets a minimal /dev). */
            fprintf(stderr, "warning: skipped device node '%s'\n", path);
            continue;
        }
        if (archive_write_header(out, e) != ARCHIVE_OK) {
            bad_archive = true;
            return ct_fail("refused entry '%s': %s", path,
                           archive_error_string(out));
        }
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

/* Copy a directory tree: archive_read_disk walks it and hands us its
 * entries as if they came from a tarball, so one writer serves both. */
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
    if (unmapped)
        fprintf(stderr,
                "warning: %d files of '%s' belong to ids your user "
                "namespace does not map (host root's?): they are root's "
                "in the image\n",
                unmapped, source);
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
            bad_archive = true;
            rc = ct_fail("open '%s': %s", source, archive_error_string(in));
        } else {
            rc = copy_entries(in, out);
        }
        archive_read_free(in);
    }
    if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
        rc = ct_fail("%s", archive_error_string(out));
    archive_write_free(out);
    return rc;
}

int
main(int argc, char **argv)
{
    struct stat st;

    ct_prog = "minictr-unpack";
    if (argc != 3) {
        fprintf(stderr, "usage: minictr-unpack SOURCE DIR\n");
        return CT_EXIT_USAGE;
    }
    if (stat(argv[1], &st) == -1 || chdir(argv[2]) == -1) {
        ct_fail_errno("open '%s'", stat(argv[1], &st) ? argv[1] : argv[2]);
    } else if (unpack(argv[1], S_ISDIR(st.st_mode)) == 0) {
        return 0;
    }
    fprintf(stderr, "%s\n", ct_error_message());
    return bad_archive ? CT_EXIT_INPUT : CT_EXIT_FAILURE;
}
