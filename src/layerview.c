/*
 * layerview.c: a stack of layers read as overlayfs shows it, by hand —
 * and the build context, read the same way but never left.
 *
 * COPY needs to look at an image before any container exists: is DEST a
 * directory there, is /bin a symlink, which files does the build stage
 * have for COPY --from? overlayfs answers that only once it is mounted.
 * Here the same rules are applied to the layer directories themselves
 * (overlayfs.rst, "whiteouts and opaque directories"):
 *
 *   top layer first        the first layer that has a name shows it
 *   a whiteout             a 0/0 character device NAME: NAME is gone, in
 *                          this layer and every one below
 *   a directory            merges with the same directory below, until a
 *                          layer where the name is not a directory
 *   an opaque directory    (trusted.overlay.opaque = "y") hides what the
 *                          layers below have in it
 *
 * one path part at a time (layers_lookup), symlinks followed inside the
 * image's root, never the host's (layers_resolve), and a directory's
 * names merged across the layers (view_list). A view of the build
 * context answers the same questions with openat2(2) RESOLVE_BENEATH:
 * the kernel refuses any path that would leave the context.
 *
 * Read: overlayfs.rst, openat2(2), path_resolution(7), symlink(7).
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* ---- lists and paths --------------------------------------------------- */
void
strs_add(struct strs *l, const char *s)
{
    l->v = realloc(l->v, sizeof(char *) * (size_t)(l->n + 1));
    l->v[l->n++] = strdup(s);
}

void
strs_free(struct strs *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    *l = (struct strs){0};
}

int
strs_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a" + "/" + "b", or "b" when a is "" (the root). */
void
path_join(char *out, size_t size, const char *a, const char *b)
{
    if (snprintf(out, size, "%s%s%s", a, *a && *b ? "/" : "", b) >= (int)size)
        out[0] = '\0'; /* too long: names nothing */
}

/* path + "/" + part, in place ("" is the root). */
void
path_append(char *path, size_t size, const char *part)
{
    size_t len = strlen(path);

    snprintf(path + len, size - len, "%s%s", len ? "/" : "", part);
}

/* ---- views: the context, or layers ------------------------------------- */

int
view_open_layers(struct view *v, const struct store_layer *layers, int n)
{
    *v = (struct view){.ctx = -1};
    for (int i = n - 1; i >= 0; i--) {
        char path[4200];
        store_layer_path(layers[i].diff_id, path, sizeof(path));
        v->layer[v->nlayers] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (v->layer[v->nlayers] == -1)
            return ct_fail_errno("open the layer '%s'", path);
        v->nlayers++;
    }
    return 0;
}

void
view_close(struct view *v)
{
    for (int i = 0; i < v->nlayers; i++)
        close(v->layer[i]);
    v->nlayers = 0;
}

/* openat2 with `resolve`: the kernel walks the path, we say how. */
int
openat2_how(int dirfd, const char *path, int flags, uint64_t resolve)
{
    struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
                           .resolve = resolve};
    return (int)syscall(SYS_openat2, dirfd, *path ? path : ".", &how,
                        sizeof(how));
}

bool
layer_is_whiteout(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == 0;
}

static bool
is_opaque(int fd)
{
    char path[64], v[4];

    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    return getxattr(path, "trusted.overlay.opaque", v, sizeof(v)) == 1 &&
        v[0] == 'y';
}

/* rel (no symlink on the way: see layers_resolve) as overlay shows it,
 * one part at a time, top layer first. Returns an O_PATH fd of the entry
 * that shows (and its stat), or -1 (ENOENT); `vis` gets the layers in
 * which it is a directory that takes part in the merged one. */
int
layers_lookup(const struct view *v, const char *rel, struct stat *out,
              bool *vis)
{
    bool cur[MC_MAX_LAYERS];
    char buf[PATH_MAX], path[PATH_MAX] = "", *save = NULL;
    int fd = -1;

    for (int i = 0; i < v->nlayers; i++)
        cur[i] = true;
    if (v->nlayers == 0) {
        errno = ENOENT;
        return -1;
    }
    snprintf(buf, sizeof(buf), "%s", rel);
    for (char *part = strtok_r(buf, "/", &save); part;
         part = strtok_r(NULL, "/", &save)) {
        bool next[MC_MAX_LAYERS] = {false};
        int top = -1;
        path_append(path, sizeof(path), part);
        if (fd != -1)
            close(fd);
        fd = -1;
        for (int i = 0; i < v->nlayers; i++) {
            struct stat st;
            int f;
            if (!cur[i])
                continue;
            /* a symlink on the way in this layer: it is not a directory
             * here, so this layer has nothing below that name */
            f = openat2_how(v->layer[i], path, O_PATH | O_NOFOLLOW,
                            RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
            if (f == -1)
                continue;
            fstat(f, &st);
            if (layer_is_whiteout(&st) || (top != -1 && !S_ISDIR(st.st_mode))) {
                close(f); /* deleted here, or a file under a directory */
                break;
            }
            if (top == -1) {
                top = i;
                fd = f;
                *out = st;
            }
            if (!S_ISDIR(st.st_mode)) /* a file: nothing below shows */
                break;
            next[i] = true;
            if (is_opaque(f)) {
                if (f != fd)
                    close(f);
                break;
            }
            if (f != fd)
                close(f);
        }
        if (top == -1) {
            errno = ENOENT;
            return -1;
        }
        memcpy(cur, next, sizeof(cur));
    }
    if (fd == -1) { /* the root itself */
        fd = openat2_how(v->layer[0], "", O_PATH, 0);
        fstat(fd, out);
    }
    if (vis)
        memcpy(vis, cur, sizeof(cur));
    return fd;
}

/* path resolved in the layers as the container would see it: each
 * symlink followed inside the image's root (an absolute target starts
 * again at the root, '..' stops there), at most 40 of them; the last
 * part too when follow_last. A missing part ends the lookups, the rest
 * is kept as written. out: without the leading '/' ("" is the root). */
int
layers_resolve(const struct view *v, const char *path, bool follow_last,
               char *out, size_t size)
{
    char todo[PATH_MAX], done[PATH_MAX] = "";
    int links = 0;
    bool missing = false;

    snprintf(todo, sizeof(todo), "%s", path);
    while (todo[0]) {
        char part[NAME_MAX + 1], rest[2 * PATH_MAX], cand[PATH_MAX];
        size_t len = strcspn(todo, "/");
        struct stat st;
        int fd;
        snprintf(part, sizeof(part), "%.*s", (int)len, todo);
        /* the rest moves to the front (memmove: it overlaps) */
        memmove(todo, todo[len] ? todo + len + 1 : todo + len,
                strlen(todo[len] ? todo + len + 1 : todo + len) + 1);
        if (!part[0] || !strcmp(part, "."))
            continue;
        if (!strcmp(part, "..")) {
            char *slash = strrchr(done, '/');
            *(slash ? slash : done) = '\0';
            continue;
        }
        path_join(cand, sizeof(cand), done, part);
        fd = missing ? -1 : layers_lookup(v, cand, &st, NULL);
        if (fd == -1) {
            missing = true;
            snprintf(done, sizeof(done), "%s", cand);
            continue;
        }
        if (S_ISLNK(st.st_mode) && (todo[0] || follow_last)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
            close(fd);
            if (n == -1 || ++links > 40) {
                errno = n == -1 ? errno : ELOOP;
                return ct_fail_errno("resolve '/%s' in the image", path);
            }
            target[n] = '\0';
            if (target[0] == '/')
                done[0] = '\0';
            snprintf(rest, sizeof(rest), "%s%s%s", target, todo[0] ? "/" : "",
                     todo);
            if (snprintf(todo, sizeof(todo), "%s", rest) >= (int)sizeof(todo)) {
                errno = ENAMETOOLONG;
                return ct_fail_errno("resolve '/%s' in the image", path);
            }
            continue;
        }
        close(fd);
        snprintf(done, sizeof(done), "%s", cand);
    }
    snprintf(out, size, "%s", done);
    return 0;
}

/* An entry of the view: an O_PATH fd of it (not followed, unless
 * `follow`: a source named in the Dockerfile is followed, inside), its
 * stat. -1 with errno: EXDEV when it would leave the context. */
int
view_open(const struct view *v, const char *rel, bool follow, struct stat *st)
{
    char canon[PATH_MAX];
    int fd;

    if (v->ctx >= 0) {
        fd = openat2_how(v->ctx, rel, O_PATH | (follow ? 0 : O_NOFOLLOW),
                         RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
        if (fd != -1 && fstat(fd, st) == -1) {
            close(fd);
            return -1;
        }
        return fd;
    }
    if (follow) {
        if (layers_resolve(v, rel, true, canon, sizeof(canon)) == -1)
            return -1;
        ct_clear_error();
        rel = canon;
    }
    return layers_lookup(v, rel, st, NULL);
}

/* The names in directory rel, sorted, as the view shows them. */
int
view_list(const struct view *v, const char *rel, struct strs *names)
{
    bool vis[MC_MAX_LAYERS];
    struct strs seen = {0}; /* "NAME\tLAYER\tWHITEOUT" */
    struct stat st;
    int fd;

    *names = (struct strs){0};
    if (v->ctx >= 0) {
        DIR *d;
        struct dirent *e;
        fd = openat2_how(v->ctx, rel, O_RDONLY | O_DIRECTORY,
                         RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
        if (fd == -1 || !(d = fdopendir(fd))) {
            if (fd != -1)
                close(fd);
            return -1;
        }
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                strs_add(names, e->d_name);
        closedir(d);
        qsort(names->v, (size_t)names->n, sizeof(char *), strs_cmp);
        return 0;
    }
    /* layers: every name of every layer that takes part, the top-most
     * one winning; a whiteout hides the name */
    char canon[PATH_MAX];
    if (layers_resolve(v, rel, true, canon, sizeof(canon)) == -1)
        return -1;
    rel = canon;
    fd = layers_lookup(v, rel, &st, vis);
    if (fd == -1)
        return -1;
    close(fd);
    for (int i = 0; i < v->nlayers; i++) {
        DIR *d;
        struct dirent *e;
        int dfd;
        if (!vis[i])
            continue;
        dfd = openat2_how(v->layer[i], rel, O_RDONLY | O_DIRECTORY,
                          RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
        if (dfd == -1 || !(d = fdopendir(dfd))) {
            if (dfd != -1)
                close(dfd);
            continue;
        }
        while ((e = readdir(d))) {
            char rec[NAME_MAX + 16];
            struct stat es;
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(rec, sizeof(rec), "%s\t%03d\t%d", e->d_name, i,
                     fstatat(dirfd(d), e->d_name, &es, AT_SYMLINK_NOFOLLOW) ==
                             0 &&
                         layer_is_whiteout(&es));
            strs_add(&seen, rec);
        }
        closedir(d);
    }
    qsort(seen.v, (size_t)seen.n, sizeof(char *), strs_cmp);
    for (int i = 0; i < seen.n; i++) {
        size_t len = strcspn(seen.v[i], "\t");
        if (i > 0 && !strncmp(seen.v[i - 1], seen.v[i], len + 1))
            continue; /* a lower layer's: the top-most one decides */
        if (seen.v[i][strlen(seen.v[i]) - 1] == '1')
            continue; /* deleted */
        seen.v[i][len] = '\0';
        strs_add(names, seen.v[i]);
    }
    strs_free(&seen);
    return 0;
}
