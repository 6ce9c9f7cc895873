/*
 * buildcopy.c: COPY, ADD and WORKDIR — files written into a new layer.
 *
 * A layer is only a directory of what changed (step 07), so a COPY needs
 * no container and no mount: it makes an empty directory under the
 * store's tmp/, makes in it the path to DEST as the image has it (each
 * directory the image has keeps its mode, owner and time there, so the
 * layer does not change them; a new one is 0755), writes the files into
 * it, and gives the directory to the store (store_put_layer_from_dir),
 * which names the layer by its digest. WORKDIR does the first half only.
 *
 * Two kinds of paths come from someone else:
 *
 *   the sources   the context is yours, the Dockerfile maybe not:
 *                 `COPY ../.ssh`, `COPY /etc/shadow`, or a symlink in
 *                 the context pointing out. Each source is opened with
 *                 openat2(2) RESOLVE_BENEATH from the context's fd, so
 *                 the kernel refuses (EXDEV) any path that would leave
 *                 it — by '..', by being absolute, or through a symlink
 *                 on the way (step 04's lesson; cp.c does the same with
 *                 RESOLVE_IN_ROOT). Below a source nothing is followed:
 *                 a symlink is copied as a symlink.
 *   DEST          is a path of the image: /bin may be a symlink to
 *                 usr/bin there. It is resolved as the container would
 *                 see it: the link read from the layers and followed
 *                 inside the image's root, never the host's.
 *
 * Both are views (layerview.c): the context, read with openat2(2)
 * RESOLVE_BENEATH, and a stack of layers, read as overlayfs would show
 * them. COPY --from=STAGE reads the other stage's layers that way, so a
 * multi-stage build copies exactly the files it names, and nothing else
 * of the build stage.
 *
 * The cache needs to know, before copying, whether anything changed:
 * copy_digest walks the same files and hashes their names, types, modes,
 * sizes, link targets and contents (not owners or times, as Docker). One
 * walker does both jobs.
 *
 * Read: openat2(2), overlayfs.rst ("whiteouts and opaque directories"),
 * the Dockerfile reference (COPY, ADD, .dockerignore).
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* ---- .dockerignore ----------------------------------------------------- */

/* Patterns as Docker cleans them: no leading '/', no "./", no empty
 * parts; "!" in front makes an exception. */
int
ignore_load(int ctxfd, struct ignore *ig)
{
    char line[4096];
    int fd = openat(ctxfd, ".dockerignore", O_RDONLY | O_CLOEXEC);
    FILE *f;

    *ig = (struct ignore){0};
    if (fd == -1)
        return errno == ENOENT ? 0 : ct_fail_errno("open .dockerignore");
    f = fdopen(fd, "r");
    while (fgets(line, sizeof(line), f)) {
        char *p = line, clean[4096] = "", *save = NULL;
        bool except = false;
        size_t len = strcspn(p, "\r\n");
        p[len] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        if (*p == '!') {
            except = true;
            p++;
        }
        for (char *part = strtok_r(p, "/", &save); part;
             part = strtok_r(NULL, "/", &save))
            if (strcmp(part, "."))
                path_append(clean, sizeof(clean), part);
        if (!*clean)
            continue;
        ig->pat = realloc(ig->pat, sizeof(char *) * (size_t)(ig->n + 1));
        ig->except = realloc(ig->except, sizeof(bool) * (size_t)(ig->n + 1));
        ig->pat[ig->n] = strdup(clean);
        ig->except[ig->n++] = except;
    }
    fclose(f);
    return 0;
}

/* Do the pattern's parts match the path's parts, all of them? "**"
 * matches any number of parts, the others one part each (fnmatch: '*',
 * '?', [a-z], never across a '/'). */
static bool
parts_match(char **pat, int np, char **path, int nq)
{
    if (np == 0)
        return nq == 0;
    if (!strcmp(pat[0], "**")) {
        for (int k = 0; k <= nq; k++)
            if (parts_match(pat + 1, np - 1, path + k, nq - k))
                return true;
        return false;
    }
    return nq > 0 && fnmatch(pat[0], path[0], 0) == 0 &&
        parts_match(pat + 1, np - 1, path + 1, nq - 1);
}

static int
split_parts(char *s, char **parts, int max)
{
    int n = 0;
    char *save = NULL;

    for (char *p = strtok_r(s, "/", &save); p && n < max;
         p = strtok_r(NULL, "/", &save))
        parts[n++] = p;
    return n;
}

/* Is rel (a path in the context) left out? The last pattern that
 * matches it, or one of its parent directories, decides. */
bool
ignore_match(const struct ignore *ig, const char *rel)
{
    bool out = false;
    char pbuf[PATH_MAX], *path[256];
    int nq;

    snprintf(pbuf, sizeof(pbuf), "%s", rel);
    nq = split_parts(pbuf, path, 256);
    for (int i = 0; i < ig->n; i++) {
        char buf[4096], *pat[256];
        int np;
        snprintf(buf, sizeof(buf), "%s", ig->pat[i]);
        np = split_parts(buf, pat, 256);
        for (int k = nq; k >= 1; k--)
            if (parts_match(pat, np, path, k)) {
                out = !ig->except[i];
                break;
            }
    }
    return out;
}

void
ignore_free(struct ignore *ig)
{
    for (int i = 0; i < ig->n; i++)
        free(ig->pat[i]);
    free(ig->pat);
    free(ig->except);
    *ig = (struct ignore){0};
}

bool
copy_is_dir(const struct store_layer *layers, int n, const char *path)
{
    struct view v;
    struct stat st;
    int fd = -1;

    if (view_open_layers(&v, layers, n) == 0)
        fd = view_open(&v, path[0] == '/' ? path + 1 : path, true, &st);
    view_close(&v);
    ct_clear_error();
    if (fd == -1)
        return false;
    close(fd);
    return S_ISDIR(st.st_mode);
}

/* ---- the sources: globs, the context's limits --------------------------- */

static bool
has_magic(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* at: where the source is written in the Dockerfile's line */
static int
source_fail(const struct copy_job *job, int at, const char *src, int err)
{
    if (err == EXDEV || err == ELOOP) {
        mc_error_code("bad_path");
        return df_fail(job->in, at,
                       "%s: '%s' is outside the build context (a source is "
                       "a path in CONTEXT: no '..' out of it, not absolute, "
                       "not through a symlink that leaves it)",
                       job->in->keyword, src);
    }
    mc_error_code("no_such_file");
    return df_fail(job->in, at, "%s: '%s': %s in the %s%s", job->in->keyword,
                   src, err == ENOENT ? "no such file" : strerror(err),
                   job->from_nlayers >= 0 ? "stage's files" : "build context",
                   job->from_nlayers >= 0 ? ""
                                          : " (or .dockerignore leaves "
                                            "it out)");
}

/* Expand the pattern's parts, from the directory prefix on. */
static int
glob_parts(const struct copy_job *job, int at, const struct view *v,
           const char *prefix, char **parts, int n, struct strs *out)
{
    char next[PATH_MAX];
    struct strs names;
    int rc = 0;

    if (n == 0) {
        if (v->ctx < 0 || !*prefix || !ignore_match(job->ignore, prefix))
            strs_add(out, prefix);
        return 0;
    }
    if (!has_magic(parts[0])) {
        path_join(next, sizeof(next), prefix, parts[0]);
        return glob_parts(job, at, v, next, parts + 1, n - 1, out);
    }
    if (view_list(v, prefix, &names) == -1)
        return errno == ENOENT ? 0 : source_fail(job, at, prefix, errno);
    for (int i = 0; i < names.n && rc == 0; i++)
        if (fnmatch(parts[0], names.v[i], 0) == 0) {
            path_join(next, sizeof(next), prefix, names.v[i]);
            rc = glob_parts(job, at, v, next, parts + 1, n - 1, out);
        }
    strs_free(&names);
    return rc;
}

/* Every source of the job, its globs expanded, each checked to be there
 * (and, in the context, to stay inside it). */
static int
sources(const struct copy_job *job, const struct view *v, struct strs *out)
{
    *out = (struct strs){0};
    for (char **s = job->src; *s; s++) {
        char buf[PATH_MAX], *parts[256];
        const char *p = *s;
        int n, before = out->n, at = job->src_off[s - job->src];
        if (strstr(p, "://")) {
            mc_error_code("bad_path");
            return df_fail(job->in, at,
                           "%s: '%s' is a URL: that needs the network, and "
                           "minictr build has none (fetch it first, then "
                           "COPY it)",
                           job->in->keyword, p);
        }
        if (v->ctx >= 0 && p[0] == '/')
            return source_fail(job, at, p, EXDEV);
        while (p[0] == '/')
            p++;
        snprintf(buf, sizeof(buf), "%s", p);
        n = split_parts(buf, parts, 256);
        {
            int k = 0;
            for (int i = 0; i < n; i++)
                if (strcmp(parts[i], "."))
                    parts[k++] = parts[i];
            n = k;
        }
        if (glob_parts(job, at, v, "", parts, n, out) == -1)
            return -1;
        if (out->n == before)
            return source_fail(job, at, *s, ENOENT);
        for (int i = before; i < out->n; i++) {
            struct stat st;
            int fd = view_open(v, out->v[i], true, &st);
            if (fd == -1)
                return source_fail(job, at, out->v[i], errno);
            close(fd);
            if (v->ctx < 0) { /* a stage's path: as its symlinks say */
                char canon[PATH_MAX];
                if (layers_resolve(v, out->v[i], true, canon, sizeof(canon)) ==
                    -1)
                    return -1;
                free(out->v[i]);
                out->v[i] = strdup(canon);
            }
        }
    }
    return 0;
}

/* ---- the walker: hash, or copy ----------------------------------------- */

struct walk {
    const struct copy_job *job;
    const struct view *v;
    struct sha256_ctx *hash; /* hashing; else copying */
};

static void hash_line(struct walk *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
hash_line(struct walk *w, const char *fmt, ...)
{
    char line[PATH_MAX + 256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    sha256_update(w->hash, (size_t)n + 1, (const uint8_t *)line);
}

/* What a copied entry gets: the source's mode (or --chmod), its times,
 * and root (or --chown) as owner, as Docker does. */
static void
set_meta(const struct walk *w, int fd, const struct stat *st, bool link)
{
    const struct timespec times[2] = {st->st_atim, st->st_mtim};
    uid_t uid = w->job->chown ? w->job->uid : 0;
    gid_t gid = w->job->chown ? w->job->gid : 0;

    if (link) {
        (void)!fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
        return;
    }
    (void)!fchown(fd, uid, gid);
    fchmod(fd,
           w->job->chmod >= 0 ? (mode_t)w->job->chmod : st->st_mode & 07777);
    futimens(fd, times);
}

static int
copy_bytes(int in, int out, const char *what)
{
    char buf[1 << 16];
    ssize_t n;

    /* copy_file_range(2): the kernel copies (or shares extents, on a
     * filesystem that can); a plain read/write loop where it cannot */
    while ((n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0)) > 0)
        ;
    if (n == 0)
        return 0;
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS &&
        errno != EOPNOTSUPP)
        return ct_fail_errno("copy '%s'", what);
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            return ct_fail_errno("write '%s'", what);
    return n == 0 ? 0 : ct_fail_errno("read '%s'", what);
}

static int walk_children(struct walk *w, const char *rel, int ddir);

/* One entry: rel in the view (fd, st), to dname in ddir. */
static int
walk_entry(struct walk *w, const char *rel, int fd, const struct stat *st,
           int ddir, const char *dname)
{
    char proc[64];
    int in, out, rc = 0;

    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if (S_ISREG(st->st_mode)) {
        in = open(proc, O_RDONLY | O_CLOEXEC);
        if (in == -1)
            return ct_fail_errno("open '%s'", rel);
        if (w->hash) {
            char buf[1 << 16];
            ssize_t n;
            hash_line(w, "F %s %o %lld", rel, st->st_mode & 07777,
                      (long long)st->st_size);
            while ((n = read(in, buf, sizeof(buf))) > 0)
                sha256_update(w->hash, (size_t)n, (const uint8_t *)buf);
            close(in);
            return n == 0 ? 0 : ct_fail_errno("read '%s'", rel);
        }
        /* O_EXCL after unlink: never write through what is there */
        unlinkat(ddir, dname, 0);
        out =
            openat(ddir, dname,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out == -1) {
            close(in);
            return ct_fail_errno("create '%s' in the layer", dname);
        }
        rc = copy_bytes(in, out, rel);
        set_meta(w, out, st, false);
        close(in);
        close(out);
        return rc;
    }
    if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
        if (n == -1)
            return ct_fail_errno("readlink '%s'", rel);
        target[n] = '\0';
        if (w->hash) {
            hash_line(w, "L %s %s", rel, target);
            return 0;
        }
        unlinkat(ddir, dname, 0);
        if (symlinkat(target, ddir, dname) == -1)
            return ct_fail_errno("symlink '%s' in the layer", dname);
        out = openat(ddir, dname, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (out != -1) {
            const struct timespec times[2] = {st->st_atim, st->st_mtim};
            set_meta(w, out, st, true);
            utimensat(ddir, dname, times, AT_SYMLINK_NOFOLLOW);
            close(out);
        }
        return 0;
    }
    if (S_ISDIR(st->st_mode)) {
        if (w->hash) {
            hash_line(w, "D %s %o", rel, st->st_mode & 07777);
            return walk_children(w, rel, -1);
        }
        if (mkdirat(ddir, dname, 0700) == -1 && errno != EEXIST)
            return ct_fail_errno("mkdir '%s' in the layer", dname);
        out = openat(ddir, dname,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (out == -1)
            return ct_fail_errno("open '%s' in the layer", dname);
        rc = walk_children(w, rel, out);
        set_meta(w, out, st, false); /* the time last: children touch it */
        close(out);
        return rc;
    }
    fprintf(stderr,
            "minictr: warning: %s: skipped '%s': not a file, "
            "directory or symlink\n",
            w->job->in->keyword, rel);
    return 0;
}

/* What directory rel holds, into ddir (-1 when hashing). A name that
 * .dockerignore leaves out is skipped; an excluded directory is still
 * entered when an exception ("!") could bring something back. */
static int
walk_children(struct walk *w, const char *rel, int ddir)
{
    struct strs names;
    int rc = 0;

    if (view_list(w->v, rel, &names) == -1)
        return ct_fail_errno("list '%s'", rel);
    for (int i = 0; i < names.n && rc == 0; i++) {
        char child[PATH_MAX];
        struct stat st;
        int fd;
        bool left_out;
        path_join(child, sizeof(child), rel, names.v[i]);
        left_out = w->v->ctx >= 0 && ignore_match(w->job->ignore, child);
        fd = view_open(w->v, child, false, &st);
        if (fd == -1) {
            rc = ct_fail_errno("open '%s'", child);
            break;
        }
        if (!left_out) {
            rc = walk_entry(w, child, fd, &st, ddir, names.v[i]);
        } else if (S_ISDIR(st.st_mode)) {
            bool exceptions = false;
            for (int k = 0; k < w->job->ignore->n; k++)
                exceptions = exceptions || w->job->ignore->except[k];
            if (exceptions && !w->hash) {
                int sub;
                if (mkdirat(ddir, names.v[i], 0755) == -1 && errno != EEXIST)
                    rc = ct_fail_errno("mkdir '%s'", names.v[i]);
                sub = openat(ddir, names.v[i],
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (rc == 0 && sub != -1)
                    rc = walk_children(w, child, sub);
                if (sub != -1)
                    close(sub);
            } else if (exceptions) {
                rc = walk_children(w, child, -1);
            }
        }
        close(fd);
    }
    strs_free(&names);
    return rc;
}

/* ---- the digest -------------------------------------------------------- */

int
copy_digest(struct copy_job *job, char digest[72])
{
    struct view v = {.ctx = job->ctxfd, .ignore = job->ignore};
    struct sha256_ctx ctx;
    struct walk w = {job, &v, &ctx};
    struct strs srcs;
    int rc;

    sha256_init(&ctx);
    rc = sources(job, &v, &srcs);
    for (int i = 0; rc == 0 && i < srcs.n; i++) {
        struct stat st;
        int fd = view_open(&v, srcs.v[i], true, &st);
        if (fd == -1) {
            rc = source_fail(job, job->src_off[0], srcs.v[i], errno);
            break;
        }
        hash_line(&w, "S %s", srcs.v[i]);
        rc = walk_entry(&w, srcs.v[i], fd, &st, -1, NULL);
        close(fd);
    }
    strs_free(&srcs);
    store_digest(&ctx, digest);
    return rc;
}

/* ---- the layer --------------------------------------------------------- */

/* Make the directory rel (canonical, in the image) in the layer at root,
 * each part the image has as it has it, the others 0755 (owned by
 * --chown's user, as Docker's classic builder does). Returns its fd;
 * *made counts the directories the image did not have. */
static int
make_dirs(const struct copy_job *job, const struct view *img, int root,
          const char *rel, int *made)
{
    char buf[PATH_MAX], path[PATH_MAX] = "", *save = NULL;
    int fd = dup(root);

    snprintf(buf, sizeof(buf), "%s", rel);
    for (char *part = strtok_r(buf, "/", &save); part && fd != -1;
         part = strtok_r(NULL, "/", &save)) {
        struct stat st;
        int lfd, sub;
        path_append(path, sizeof(path), part);
        lfd = layers_lookup(img, path, &st, NULL);
        if (lfd != -1 && !S_ISDIR(st.st_mode)) {
            close(lfd);
            close(fd);
            errno = ENOTDIR;
            return df_fail(job->in, job->in->args,
                           "%s: '/%s' is not a directory in the image",
                           job->in->keyword, path);
        }
        if (mkdirat(fd, part, 0755) == -1 && errno != EEXIST) {
            close(fd);
            return ct_fail_errno("mkdir '%s' in the layer", path);
        }
        sub = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        fd = sub;
        if (fd == -1)
            return ct_fail_errno("open '%s' in the layer", path);
        if (lfd != -1) {
            (void)!fchown(fd, st.st_uid, st.st_gid);
            fchmod(fd, st.st_mode & 07777);
            close(lfd);
        } else {
            (*made)++;
            (void)!fchown(fd, job->chown ? job->uid : 0,
                          job->chown ? job->gid : 0);
            fchmod(fd, 0755);
        }
    }
    return fd;
}

/* The image's times on the directories it had: set last, after the files
 * went in (which touched them). */
static void
keep_times(const struct view *img, int root, const char *rel)
{
    char buf[PATH_MAX], path[PATH_MAX] = "", *save = NULL;

    snprintf(buf, sizeof(buf), "%s", rel);
    for (char *part = strtok_r(buf, "/", &save); part;
         part = strtok_r(NULL, "/", &save)) {
        struct stat st;
        int lfd;
        path_append(path, sizeof(path), part);
        lfd = layers_lookup(img, path, &st, NULL);
        if (lfd != -1) {
            const struct timespec t[2] = {st.st_atim, st.st_mtim};
            utimensat(root, path, t, AT_SYMLINK_NOFOLLOW);
            close(lfd);
        }
    }
}

/* A local tarball for ADD: its first bytes say (tar's "ustar" at 257, or
 * a compressor's magic: gzip, bzip2, xz, zstd). */
static bool
looks_like_tar(int fd)
{
    unsigned char b[512];
    char proc[64];
    ssize_t n;
    int in;

    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    in = open(proc, O_RDONLY | O_CLOEXEC);
    if (in == -1)
        return false;
    n = read(in, b, sizeof(b));
    close(in);
    return (n >= 262 && !memcmp(b + 257, "ustar", 5)) ||
        (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) ||
        (n >= 3 && !memcmp(b, "BZh", 3)) ||
        (n >= 6 &&
         !memcmp(b,
                 "\xfd"
                 "7zXZ\0",
                 6)) ||
        (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4));
}

/* ADD's tarball, unpacked into the layer's DIR by minictr-unpack: the
 * same safe unpacker as load and import (no '..', no absolute paths,
 * nothing written through a symlink). */
static int
add_tar(const struct copy_job *job, int fd, const char *src, const char *dir)
{
    char proc[64], path[PATH_MAX], result[256];
    ssize_t n;

    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    n = readlink(proc, path, sizeof(path) - 1);
    if (n == -1)
        return ct_fail_errno("readlink '%s'", proc);
    path[n] = '\0';
    if (store_unpack((const char *[]){path, dir, NULL}, result,
                     sizeof(result)) == -1) {
        char what[PATH_MAX + 64];
        snprintf(what, sizeof(what), "%s:%d: ADD '%s'", job->in->df->name,
                 job->in->seg[0].line, src);
        return store_fail_context(what);
    }
    return 0;
}

/* Copy the sources into the layer at root: a directory's contents into
 * DEST; a file into DEST/ or as DEST; ADD's tarball unpacked into DEST. */
static int
copy_sources(struct copy_job *job, const struct view *img, int root,
             const char *layer_dir, int *made)
{
    struct view v = {.ctx = job->ctxfd, .ignore = job->ignore};
    struct walk w = {job, &v, NULL};
    struct strs srcs;
    const char *dest = job->dest + 1;
    bool slash = job->dest[strlen(job->dest) - 1] == '/';
    char canon[PATH_MAX];
    int rc = 0;

    if (job->from_nlayers >= 0 &&
        view_open_layers(&v, job->from_layers, job->from_nlayers) == -1)
        return -1;
    if (sources(job, &v, &srcs) == -1) {
        view_close(&v);
        return -1;
    }
    if (srcs.n > 1 && !slash) {
        rc = df_fail(job->in, job->in->args,
                     "%s: %d files match: the destination must be a "
                     "directory, ending with '/'",
                     job->in->keyword, srcs.n);
        goto out;
    }
    for (int i = 0; rc == 0 && i < srcs.n; i++) {
        struct stat st;
        int fd = view_open(&v, srcs.v[i], true, &st), dfd;
        bool tar =
            job->add && v.ctx >= 0 && S_ISREG(st.st_mode) && looks_like_tar(fd);
        bool into = slash || S_ISDIR(st.st_mode) || tar ||
            copy_is_dir(job->layers, job->nlayers, job->dest);
        const char *base = strrchr(srcs.v[i], '/');
        char target[PATH_MAX], leaf[NAME_MAX + 1], full[PATH_MAX];
        base = base ? base + 1 : srcs.v[i];
        if (into) {
            rc = layers_resolve(img, dest, true, target, sizeof(target));
            snprintf(leaf, sizeof(leaf), "%s", *base ? base : ".");
        } else { /* DEST is the new file's name */
            char parent[PATH_MAX];
            const char *slash_at = strrchr(dest, '/');
            snprintf(parent, sizeof(parent), "%.*s",
                     slash_at ? (int)(slash_at - dest) : 0, dest);
            snprintf(leaf, sizeof(leaf), "%s", slash_at ? slash_at + 1 : dest);
            rc = layers_resolve(img, parent, true, target, sizeof(target));
        }
        dfd = rc == 0 ? make_dirs(job, img, root, target, made) : -1;
        if (dfd == -1) {
            close(fd);
            rc = -1;
            break;
        }
        snprintf(canon, sizeof(canon), "%s", target);
        path_join(full, sizeof(full), layer_dir, target);
        if (tar)
            rc = add_tar(job, fd, srcs.v[i], full);
        else if (S_ISDIR(st.st_mode))
            rc = walk_children(&w, srcs.v[i], dfd);
        else
            rc = walk_entry(&w, srcs.v[i], fd, &st, dfd, leaf);
        close(dfd);
        close(fd);
        if (rc == 0)
            keep_times(img, root, canon);
        (*made)++;
    }
out:
    strs_free(&srcs);
    view_close(&v);
    return rc;
}

int
copy_run(struct copy_job *job, char layer[72])
{
    struct view img;
    char dir[4200], target[PATH_MAX];
    int root, made = 0, rc;

    layer[0] = '\0';
    if (store_tmpdir("copy", dir, sizeof(dir)) == -1)
        return -1;
    root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root == -1) {
        ct_rm_rf(dir);
        return ct_fail_errno("open '%s'", dir);
    }
    rc = view_open_layers(&img, job->layers, job->nlayers);
    if (rc == 0 && !job->src) { /* WORKDIR: the directory only */
        int fd;
        rc = layers_resolve(&img, job->dest + 1, true, target, sizeof(target));
        fd = rc == 0 ? make_dirs(job, &img, root, target, &made) : -1;
        if (fd == -1)
            rc = -1;
        else
            close(fd);
        if (rc == 0)
            keep_times(&img, root, target);
    } else if (rc == 0) {
        rc = copy_sources(job, &img, root, dir, &made);
    }
    view_close(&img);
    close(root);
    if (rc == 0 && made)
        rc = store_put_layer_from_dir(dir, layer);
    ct_rm_rf(dir);
    return rc;
}
