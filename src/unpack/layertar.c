/*
 * layertar.c: a layer directory back into a tar, the same bytes every time.
 *
 * A layer is named by the sha256 of its tar (the OCI image spec's
 * diff_id). `minictr save` writes a layer as a tar again, and a layer made
 * here (import, build) is named by hashing the tar it would be saved as.
 * So the tar of a directory must depend only on what is in it, never on
 * when or by whom it is written — reproducible builds' rules for tar:
 *
 *   order     names sorted bytewise (readdir's order is the filesystem's)
 *   owners    numeric uid and gid only, no user or group names
 *   times     mtime in whole seconds; no atime, no ctime (which change on
 *             every read or chmod)
 *   format    ustar, with a pax header only where ustar cannot hold a
 *             value (a long name, a big uid, an extended attribute)
 *   links     a file with several names: the first name (sorted) carries
 *             the data, the others are hard links to it
 *
 * Overlay's whiteouts become the OCI layer spec's: a 0/0 character device
 * NAME becomes an empty file .wh.NAME, and a directory marked opaque
 * (trusted.overlay.opaque = "y") gets an empty .wh..wh..opq right after
 * its own entry. Other device nodes and sockets are left out, as unpack.c
 * leaves them out: a container gets its own /dev.
 *
 * Read: tar(5) (the ustar and pax formats), archive_write(3),
 * https://reproducible-builds.org/docs/archives/, the OCI image spec's
 * layer.md ("Whiteouts").
 */
#include "ct.h"
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

void
digest_string(struct sha256_ctx *ctx, char out[72])
{
    uint8_t d[SHA256_DIGEST_SIZE];

    sha256_digest(ctx, sizeof(d), d);
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

/* ---- the writer: every byte hashed ------------------------------------- */

struct sink {
    int fd;
    struct sha256_ctx *hash;
    uint64_t *bytes;
};

static la_ssize_t
sink_write(struct archive *a, void *arg, const void *buf, size_t len)
{
    struct sink *s = arg;
    size_t done = 0;

    sha256_update(s->hash, len, buf);
    *s->bytes += len;
    while (s->fd != -1 && done < len) {
        ssize_t n = write(s->fd, (const char *)buf + done, len - done);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            archive_set_error(a, errno, "write: %s", strerror(errno));
            return -1;
        }
        done += (size_t)n;
    }
    return (la_ssize_t)len;
}

static int
sink_close(struct archive *a, void *arg)
{
    (void)a;
    free(arg);
    return ARCHIVE_OK;
}

struct archive *
layer_tar_writer(int fd, struct sha256_ctx *hash, uint64_t *bytes)
{
    struct archive *out = archive_write_new();
    struct sink *s = calloc(1, sizeof(*s));

    s->fd = fd;
    s->hash = hash;
    s->bytes = bytes;
    /* pax "restricted": plain ustar headers unless a value needs more.
     * One 512-byte block at a time, no padding of the end to 10 KiB. */
    archive_write_set_format_pax_restricted(out);
    archive_write_add_filter_none(out);
    archive_write_set_bytes_per_block(out, 512);
    archive_write_set_bytes_in_last_block(out, 1);
    if (archive_write_open(out, s, NULL, sink_write, sink_close) !=
        ARCHIVE_OK) {
        ct_fail("tar writer: %s", archive_error_string(out));
        archive_write_free(out);
        return NULL;
    }
    return out;
}

/* ---- one directory, sorted --------------------------------------------- */

bool
layer_keeps_xattr(const char *name)
{
    return strncmp(name, "trusted.overlay.", 16) != 0 &&
        strncmp(name, "user.overlay.", 13) != 0 &&
        strcmp(name, "security.selinux") != 0;
}

/* Files seen with more than one name: (dev, ino) -> the first name. */
struct link {
    dev_t dev;
    ino_t ino;
    char *path;
};
struct walk {
    struct archive *out;
    char full[PATH_MAX]; /* root/rel, for the path-based calls */
    size_t root_len;
    struct link *links;
    size_t nlinks;
};

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The extended attributes worth keeping, sorted by name. */
static void
add_xattrs(struct walk *w, struct archive_entry *e)
{
    char names[65536], value[65536], *list[512];
    ssize_t len = llistxattr(w->full, names, sizeof(names));
    size_t n = 0;

    for (char *p = names; len > 0 && p < names + len && n < 512;
         p += strlen(p) + 1)
        if (layer_keeps_xattr(p))
            list[n++] = p;
    qsort(list, n, sizeof(list[0]), cmp_str);
    for (size_t i = 0; i < n; i++) {
        ssize_t vlen = lgetxattr(w->full, list[i], value, sizeof(value));
        if (vlen >= 0)
            archive_entry_xattr_add_entry(e, list[i], value, (size_t)vlen);
    }
}

/* An entry with only what a layer keeps of st. */
static struct archive_entry *
new_entry(const char *path, const struct stat *st, mode_t type, mode_t perm)
{
    struct archive_entry *e = archive_entry_new();

    archive_entry_set_pathname(e, path);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, perm);
    archive_entry_set_uid(e, st->st_uid);
    archive_entry_set_gid(e, st->st_gid);
    archive_entry_set_mtime(e, st->st_mtim.tv_sec, 0);
    return e;
}

/* An empty file that stands for a whiteout: .wh.NAME or .wh..wh..opq. */
static int
write_marker(struct walk *w, const char *path, const struct stat *st)
{
    struct archive_entry *e = new_entry(path, st, AE_IFREG, 0);
    int r = archive_write_header(w->out, e);

    archive_entry_free(e);
    if (r != ARCHIVE_OK)
        return ct_fail("tar '%s': %s", path, archive_error_string(w->out));
    return 0;
}

static int
write_data(struct walk *w, const char *rel, int64_t size)
{
    char buf[65536];
    int fd = open(w->full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int64_t left = size;

    if (fd == -1)
        return ct_fail_errno("open '%s'", w->full);
    while (left > 0) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return n == 0 ? ct_fail("'%s' shrank while it was read", rel)
                          : ct_fail_errno("read '%s'", w->full);
        }
        if (n > left)
            n = (ssize_t)left; /* grew meanwhile: the header said size */
        if (archive_write_data(w->out, buf, (size_t)n) < 0) {
            close(fd);
            return ct_fail("tar '%s': %s", rel, archive_error_string(w->out));
        }
        left -= n;
    }
    close(fd);
    return 0;
}

static int walk_dir(struct walk *w, const char *rel);

/* One name below the root: rel is "etc/passwd" (no leading slash). */
static int
write_one(struct walk *w, const char *rel, const char *name)
{
    struct stat st;
    struct archive_entry *e;
    char path[PATH_MAX], target[PATH_MAX], opq[8];
    mode_t type;
    int rc = 0;

    if (lstat(w->full, &st) == -1)
        return ct_fail_errno("lstat '%s'", w->full);
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        /* overlay's whiteout NAME -> OCI's .wh.NAME, beside it */
        snprintf(path, sizeof(path), "%.*s%s%s", (int)(name - rel), rel,
                 OCI_WHITEOUT_PREFIX, name);
        return write_marker(w, path, &st);
    }
    if (S_ISREG(st.st_mode))
        type = AE_IFREG;
    else if (S_ISDIR(st.st_mode))
        type = AE_IFDIR;
    else if (S_ISLNK(st.st_mode))
        type = AE_IFLNK;
    else if (S_ISFIFO(st.st_mode))
        type = AE_IFIFO;
    else
        return 0; /* devices, sockets: see the header comment */

    e = new_entry(rel, &st, type, st.st_mode & 07777);
    if (type == AE_IFLNK) {
        ssize_t n = readlink(w->full, target, sizeof(target) - 1);
        if (n == -1) {
            archive_entry_free(e);
            return ct_fail_errno("readlink '%s'", w->full);
        }
        target[n] = '\0';
        archive_entry_set_symlink(e, target);
    }
    if (type == AE_IFREG && st.st_nlink > 1) {
        for (size_t i = 0; i < w->nlinks; i++)
            if (w->links[i].dev == st.st_dev && w->links[i].ino == st.st_ino)
                archive_entry_set_hardlink(e, w->links[i].path);
        if (!archive_entry_hardlink(e)) {
            w->links = realloc(w->links, (w->nlinks + 1) * sizeof(*w->links));
            w->links[w->nlinks++] =
                (struct link){st.st_dev, st.st_ino, strdup(rel)};
        }
    }
    if (type == AE_IFREG && !archive_entry_hardlink(e))
        archive_entry_set_size(e, st.st_size);
    add_xattrs(w, e);
    if (archive_write_header(w->out, e) != ARCHIVE_OK)
        rc = ct_fail("tar '%s': %s", rel, archive_error_string(w->out));
    else if (type == AE_IFREG && !archive_entry_hardlink(e))
        rc = write_data(w, rel, st.st_size);
    archive_entry_free(e);
    if (rc == 0 && type == AE_IFDIR) {
        /* overlay's opaque directory -> OCI's marker, first inside it */
        ssize_t n = lgetxattr(w->full, OVERLAY_OPAQUE_XATTR, opq, sizeof(opq));
        if (n != 1) /* a user's layer, or a container's userxattr upper */
            n = lgetxattr(w->full, OVERLAY_USER_OPAQUE_XATTR, opq, sizeof(opq));
        snprintf(path, sizeof(path), "%s/%s", rel, OCI_OPAQUE_MARKER);
        if (n == 1 && opq[0] == 'y')
            rc = write_marker(w, path, &st);
        if (rc == 0)
            rc = walk_dir(w, rel);
    }
    return rc;
}

/* Every name in the directory root/rel, sorted ("" is the root itself). */
static int
walk_dir(struct walk *w, const char *rel)
{
    struct dirent **names;
    size_t full_len = strlen(w->full);
    int n = scandir(w->full, &names, NULL, by_name), rc = 0;

    if (n == -1)
        return ct_fail_errno("read directory '%s'", w->full);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char child[PATH_MAX];
        if (rc == 0 && strcmp(name, ".") && strcmp(name, "..")) {
            int len = snprintf(child, sizeof(child), "%s%s%s", rel,
                               *rel ? "/" : "", name);
            if ((size_t)len >= sizeof(child) ||
                full_len + 1 + strlen(name) >= sizeof(w->full)) {
                rc = ct_fail("path too long below '%s'", w->full);
            } else {
                snprintf(w->full + full_len, sizeof(w->full) - full_len, "/%s",
                         name);
                rc = write_one(w, child, child + len - strlen(name));
                w->full[full_len] = '\0';
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int
layer_tar(const char *root, struct archive *out)
{
    struct walk w = {.out = out};
    int rc;

    if (strlen(root) >= sizeof(w.full))
        return ct_fail("path too long: '%s'", root);
    snprintf(w.full, sizeof(w.full), "%s", root);
    w.root_len = strlen(root);
    rc = walk_dir(&w, "");
    if (rc == 0 && archive_write_close(out) != ARCHIVE_OK)
        rc = ct_fail("tar: %s", archive_error_string(out));
    for (size_t i = 0; i < w.nlinks; i++)
        free(w.links[i].path);
    free(w.links);
    return rc;
}
