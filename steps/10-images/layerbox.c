/*
 * 10-images: an image is a list of layers, each named by a hash of what it
 * holds; a build makes one layer per step and skips the steps it made
 * before.
 *
 * Step 07 ran a container on one read-only image with its own upper
 * directory. Here the image itself is made of such directories, stacked:
 * a layer is a directory of what one step changed, with overlay's marks
 * for deletions (a 0/0 character device with the deleted name: a
 * whiteout) and for replaced directories (trusted.overlay.opaque = "y").
 *
 *   content addressing   a layer's name is the sha256 of a listing of its
 *                        tree (path, type, mode, owner, size, content):
 *                        the same files are the same layer, stored once,
 *                        whoever made them; a name can be checked
 *   an image             the layers' names, bottom first, "L1:L2:L3" (as
 *                        the OCI image config lists rootfs.diff_ids);
 *                        overlay wants them top first
 *   a build              each line of a recipe (FROM, RUN, COPY) is a
 *                        step: RUN's container writes to an upper dir, and
 *                        that upper dir *is* the new layer
 *   the cache            a step's key is a hash of the image before it,
 *                        the line, and for COPY the files' digest: if the
 *                        store has that key, the step is skipped. Change a
 *                        file under COPY and that step and every one after
 *                        it run again; none before does
 *   whiteouts            `find` answers "which layer shows this path?"
 *                        by hand, as overlay does: top first; a whiteout
 *                        hides the name in every layer below; an opaque
 *                        directory hides what is below it
 *
 * minictr does the same with real formats (src/store.c, src/build.c):
 * layers are named by the sha256 of their tar (the OCI diff_id), and
 * `minictr build` reads a Dockerfile. This tool keeps only the ideas.
 *
 * Calls, from step 05 (src/lib/pivot_root.c): ct_mount,
 * ct_make_mounts_private, ct_mount_proc_sys, ct_pivot_to_cwd. The
 * overlay is step 07's.
 *
 * Read: Documentation/filesystems/overlayfs.rst, the OCI image spec
 *       (config.md: rootfs.diff_ids; layer.md: whiteouts), openat2(2).
 * Try:  printf 'FROM build/images/busybox\nRUN echo hi > /hi\nRUN rm /etc/hostname\n' > /tmp/recipe
 *       sudo bin/layerbox build /tmp/recipe; sudo bin/layerbox build /tmp/recipe
 *       IMG=$(sudo bin/layerbox build /tmp/recipe | sed -n 's/^image: //p')
 *       sudo bin/layerbox find $IMG etc/hostname; sudo bin/layerbox find $IMG hi
 * See:  the second build says "Using cache" for every step and makes no
 *       container; /etc/hostname is deleted by a whiteout in layer 3.
 */
#include "ct.h"
#include "pivot_root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_LAYERS 64
#define HEX_LEN 64 /* a sha256, in hex */

/* An image: its layers, bottom first. */
struct image {
    char layer[MAX_LAYERS][HEX_LEN + 1];
    int n;
};

static char store[1024]; /* layers/, cache/, tmp/ */
static char tmp_dir[1100]; /* this run's work; removed at exit */

/* ---- the store --------------------------------------------------------- */

static void
remove_tmp(void)
{
    if (tmp_dir[0])
        ct_rm_rf(tmp_dir);
}

/* STORE/layers, STORE/cache and a work directory of our own. */
static void
open_store(void)
{
    static const char *const dirs[] = {"layers", "cache", "tmp"};
    char path[PATH_MAX + 16];

    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", store, dirs[i]);
        if (ct_mkdir_p(path, 0700) == -1)
            die_errno("mkdir '%s'", path);
    }
    snprintf(tmp_dir, sizeof(tmp_dir), "%s/tmp/%d", store, getpid());
    if (mkdir(tmp_dir, 0700) == -1)
        die_errno("mkdir '%s'", tmp_dir);
    atexit(remove_tmp);
}

static void
layer_path(const char *hex, char *buf, size_t size)
{
    snprintf(buf, size, "%s/layers/%s", store, hex);
}

/* "L1:L2:L3" (bottom first) into img; each must be in the store. */
static void
parse_image(const char *s, struct image *img)
{
    char buf[MAX_LAYERS * (HEX_LEN + 1) + 1], *save = NULL, path[PATH_MAX];

    img->n = 0;
    snprintf(buf, sizeof(buf), "%s", s);
    for (char *p = strtok_r(buf, ":", &save); p;
         p = strtok_r(NULL, ":", &save)) {
        layer_path(p, path, sizeof(path));
        if (strlen(p) != HEX_LEN || strspn(p, "0123456789abcdef") != HEX_LEN ||
            access(path, F_OK) == -1)
            die_input("no layer '%s' in the store '%s'", p, store);
        if (img->n == MAX_LAYERS)
            die_input("more than %d layers", MAX_LAYERS);
        snprintf(img->layer[img->n++], HEX_LEN + 1, "%s", p);
    }
}

static void
print_image(FILE *out, const struct image *img)
{
    for (int i = 0; i < img->n; i++)
        fprintf(out, "%s%s", i ? ":" : "", img->layer[i]);
}

/* ---- content addressing: a layer's name is a hash of its tree ----------- */

static void
hex_digest(struct sha256_ctx *h, char hex[HEX_LEN + 1])
{
    uint8_t d[SHA256_DIGEST_SIZE];

    sha256_digest(h, sizeof(d), d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The sha256 of a file's bytes, into hex. */
static void
hash_file(int dirfd, const char *name, char hex[HEX_LEN + 1])
{
    struct sha256_ctx h;
    char buf[1 << 16];
    ssize_t n;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd == -1)
        die_errno("open '%s'", name);
    sha256_init(&h);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        sha256_update(&h, (size_t)n, (const uint8_t *)buf);
    if (n == -1)
        die_errno("read '%s'", name);
    close(fd);
    hex_digest(&h, hex);
}

/* What an entry is, as one letter: f file, d directory, D opaque
 * directory (trusted.overlay.opaque = "y": it hides what the layers below
 * have there), l symlink, w whiteout (a 0/0 character device: deleted).
 * what gets a file's sha256 or a link's target ("-" for the others). */
static char
entry_kind(int dirfd, const char *name, const struct stat *st, char *what,
           size_t size)
{
    char v[2], proc[64];
    int fd;
    bool opaque;

    snprintf(what, size, "-");
    if (S_ISREG(st->st_mode)) {
        hash_file(dirfd, name, what);
        return 'f';
    }
    if (S_ISLNK(st->st_mode)) {
        ssize_t len = readlinkat(dirfd, name, what, size - 1);
        what[len > 0 ? len : 0] = '\0';
        return 'l';
    }
    if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0))
        return 'w';
    if (!S_ISDIR(st->st_mode))
        return '?'; /* devices, fifos: a layer should not have them */
    fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    opaque = fd != -1 && getxattr(proc, "trusted.overlay.opaque", v, 1) == 1 &&
        v[0] == 'y';
    if (fd != -1)
        close(fd);
    return opaque ? 'D' : 'd';
}

/* Feed one line per entry below dirfd into h: "path kind mode uid:gid
 * size what". Times are left out: the same files copied at another time
 * are the same layer. */
static void
hash_tree(struct sha256_ctx *h, int dirfd, const char *prefix)
{
    struct dirent **list;
    int n;

    /* LAB 10.1: one line per entry, in an order that does not depend on the disk */
    n = scandirat(dirfd, ".", &list, NULL, by_name);
    if (n == -1)
        die_errno("read the directory '%s'", *prefix ? prefix : ".");
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        char path[PATH_MAX], what[PATH_MAX], line[3 * PATH_MAX];
        struct stat st;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "",
                     name);
            if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
                die_errno("stat '%s'", path);
            snprintf(line, sizeof(line), "%s %c %04o %u:%u %lld %s\n", path,
                     entry_kind(dirfd, name, &st, what, sizeof(what)),
                     st.st_mode & 07777, st.st_uid, st.st_gid,
                     S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL, what);
            sha256_update(h, strlen(line), (const uint8_t *)line);
            if (S_ISDIR(st.st_mode)) {
                int sub =
                    openat(dirfd, name,
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub == -1)
                    die_errno("open '%s'", path);
                hash_tree(h, sub, path);
                close(sub);
            }
        }
        free(list[i]);
    }
    free(list);
    /* END LAB */
}

/* The layer ID of the directory dir. */
static void
layer_digest(const char *dir, char hex[HEX_LEN + 1])
{
    struct sha256_ctx h;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd == -1)
        die_errno("open '%s'", dir);
    sha256_init(&h);
    hash_tree(&h, fd, "");
    close(fd);
    hex_digest(&h, hex);
}

/* A directory of ours (under tmp/) becomes layers/HEX. When the store
 * has that layer already, the same files were stored before: ours goes. */
static void
commit_layer(const char *dir, char hex[HEX_LEN + 1])
{
    char path[PATH_MAX];

    layer_digest(dir, hex);
    layer_path(hex, path, sizeof(path));
    ct_trace(NULL, "rename(\"%s\", \"%s\")", dir, path);
    if (rename(dir, path) == -1) {
        if (errno != EEXIST && errno != ENOTEMPTY)
            die_errno("rename '%s' to '%s'", dir, path);
        ct_rm_rf(dir); /* content addressing: it is there already */
    }
}

/* ---- copying files into a new layer ------------------------------------ */

/* Copy the entry sname of sdir to dname in ddir, with its mode, owner and
 * times; whiteouts and opaque marks too (an `add` of a layer directory). */
static void
copy_tree(int sdir, const char *sname, int ddir, const char *dname)
{
    struct stat st;
    struct timespec t[2];
    char target[PATH_MAX], buf[1 << 16];
    ssize_t n;
    int in, out;

    if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) == -1)
        die_errno("stat '%s'", sname);
    t[0] = st.st_atim;
    t[1] = st.st_mtim;
    if (S_ISDIR(st.st_mode)) {
        struct dirent *e;
        DIR *d;
        char v[2], proc[64];
        if (mkdirat(ddir, dname, 0700) == -1 && errno != EEXIST)
            die_errno("mkdir '%s'", dname);
        in = openat(sdir, sname,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        out = openat(ddir, dname,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (in == -1 || out == -1 || !(d = fdopendir(dup(in))))
            die_errno("open the directory '%s'", sname);
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                copy_tree(in, e->d_name, out, e->d_name);
        closedir(d);
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", in);
        if (getxattr(proc, "trusted.overlay.opaque", v, 1) == 1)
            fsetxattr(out, "trusted.overlay.opaque", "y", 1, 0);
        close(in);
    } else if (S_ISREG(st.st_mode)) {
        in = openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        out =
            openat(ddir, dname,
                   O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (in == -1 || out == -1)
            die_errno("copy '%s'", sname);
        while ((n = read(in, buf, sizeof(buf))) > 0)
            if (write(out, buf, (size_t)n) != n)
                die_errno("write '%s'", dname);
        close(in);
    } else if (S_ISLNK(st.st_mode)) {
        n = readlinkat(sdir, sname, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = '\0';
        if (n == -1 || symlinkat(target, ddir, dname) == -1)
            die_errno("symlink '%s'", dname);
        fchownat(ddir, dname, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
        utimensat(ddir, dname, t, AT_SYMLINK_NOFOLLOW);
        return;
    } else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        if (mknodat(ddir, dname, S_IFCHR | 0, makedev(0, 0)) == -1)
            die_errno("mknod the whiteout '%s'", dname);
        return;
    } else {
        fprintf(stderr,
                "layerbox: skipped '%s': not a file, directory or "
                "symlink\n",
                sname);
        return;
    }
    if (fchown(out, st.st_uid, st.st_gid) == -1 ||
        fchmod(out, st.st_mode & 07777) == -1)
        die_errno("chown, chmod '%s'", dname);
    futimens(out, t);
    close(out);
}

/* `layerbox add DIR`: a copy of DIR becomes a layer. */
static void
add_dir(const char *dir, char hex[HEX_LEN + 1])
{
    char copy[PATH_MAX + 80];
    int src = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int dst = open(tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (src == -1)
        die_input_errno("open the directory '%s'", dir);
    snprintf(copy, sizeof(copy), "%s/add", tmp_dir);
    copy_tree(src, ".", dst, "add");
    close(src);
    close(dst);
    commit_layer(copy, hex);
}

/* ---- which layer shows a path ------------------------------------------ */

/* Does layer hex have rel, and what is it? 0 when it has, -1 when not. */
static int
stat_in_layer(const char *hex, const char *rel, struct stat *st)
{
    char path[PATH_MAX];
    struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
    int root, fd;

    layer_path(hex, path, sizeof(path));
    root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    /* openat2(2): a symlink on the way means the name is not a path
     * through directories in this layer */
    fd = root == -1 ? -1
                    : (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
    if (root != -1)
        close(root);
    if (fd == -1 || fstat(fd, st) == -1) {
        if (fd != -1)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static bool
is_opaque_in_layer(const char *hex, const char *rel)
{
    char path[PATH_MAX * 2], v[2];

    layer_path(hex, path, sizeof(path));
    strncat(path, "/", sizeof(path) - strlen(path) - 1);
    strncat(path, rel, sizeof(path) - strlen(path) - 1);
    return lgetxattr(path, "trusted.overlay.opaque", v, 1) == 1 && v[0] == 'y';
}

/* Where the image shows rel ("etc/hostname"): the index of the top-most
 * layer that has it, as overlay looks it up; -1 when it does not show,
 * with the reason in why. */
static int
find_in_image(const struct image *img, const char *rel, char *why, size_t size)
{
    snprintf(why, size, "in no layer");
    /* LAB 10.2: top layer first; a whiteout or a file on the way hides it, an opaque dir hides what is below */
    for (int i = img->n - 1; i >= 0; i--) {
        char part[PATH_MAX];
        struct stat st;
        bool opaque = false;
        /* every directory on the way, then rel itself */
        for (const char *s = rel;; s++) {
            if (*s != '/' && *s)
                continue;
            snprintf(part, sizeof(part), "%.*s", (int)(s - rel), rel);
            if (stat_in_layer(img->layer[i], part, &st) == 0) {
                if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
                    snprintf(why, size,
                             "deleted by a whiteout '%s' in layer %d", part,
                             i + 1);
                    return -1;
                }
                if (*s && !S_ISDIR(st.st_mode)) {
                    snprintf(why, size, "hidden by the file '%s' in layer %d",
                             part, i + 1);
                    return -1;
                }
                if (!*s)
                    return i;
                opaque = opaque || is_opaque_in_layer(img->layer[i], part);
            }
            if (!*s)
                break;
        }
        if (opaque) {
            snprintf(why, size, "hidden below an opaque directory in layer %d",
                     i + 1);
            return -1;
        }
    }
    /* END LAB */
    return -1;
}

/* ---- a container on the image's layers --------------------------------- */

struct container {
    const struct image *img;
    char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
    char **argv;
};

/* overlay's lowerdir= for the image: its layers' directories, ':' between
 * them, in the order overlay wants. */
static void
lowerdir(const struct image *img, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    /* LAB 10.3: the image lists its layers bottom first; overlay wants the top one first */
    for (int i = img->n - 1; i >= 0; i--) {
        char path[PATH_MAX];
        layer_path(img->layer[i], path, sizeof(path));
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ":" : "",
                                path);
    }
    /* END LAB */
}

/* In the new namespaces: the overlay, a /dev of our own (a write to
 * /dev/null must not land in the layer) with the host's null, zero,
 * random and urandom bound in, /proc, pivot_root, exec. */
static int
child_main(void *arg)
{
    static const char *const devices[] = {"null", "zero", "random", "urandom"};
    struct container *c = arg;
    char opts[16384], node[64];
    size_t len;

    if (ct_make_mounts_private() == -1)
        goto fail;
    snprintf(opts, sizeof(opts), "lowerdir=");
    len = strlen(opts);
    lowerdir(c->img, opts + len, sizeof(opts) - len);
    len = strlen(opts);
    snprintf(opts + len, sizeof(opts) - len, ",upperdir=%s,workdir=%s",
             c->upper, c->work);
    /* mount(2) takes one page of options: about 40 layers here (minictr
     * passes more one by one, with fsconfig's "lowerdir+") */
    if (strlen(opts) >= 4096) {
        errno = E2BIG;
        ct_fail_errno("mount overlay: %d layers are too many", c->img->n);
        goto fail;
    }
    if (ct_mount("overlay", c->merged, "overlay", 0, opts, NULL) == -1 ||
        chdir(c->merged) == -1 ||
        ct_mount("tmpfs", "dev", "tmpfs", MS_NOSUID, "mode=755", NULL) == -1)
        goto fail;
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        snprintf(node, sizeof(node), "/dev/%s", devices[i]);
        if (close(open(node + 1, O_CREAT | O_WRONLY | O_CLOEXEC, 0666)) == -1 ||
            ct_mount(node, node + 1, NULL, MS_BIND, NULL, NULL) == -1)
            goto fail;
    }
    if (ct_mount_proc_sys() == -1 || ct_pivot_to_cwd() == -1)
        goto fail;
    fflush(NULL);
    execvp(c->argv[0], c->argv);
    ct_fail_errno("exec '%s'", c->argv[0]);
fail:
    ct_report();
    fflush(NULL);
    _exit(errno == ENOENT ? 127 : 126);
}

/* Run argv on img, writing to a new upper directory under tmp/. Returns
 * the exit status; c->upper holds what it changed. */
static int
run_container(const struct image *img, char **argv, struct container *c)
{
    static char stack[1 << 20] __attribute__((aligned(16)));
    static int seq;
    char dir[1200];
    int status;
    pid_t pid;

    *c = (struct container){.img = img, .argv = argv};
    snprintf(dir, sizeof(dir), "%s/run%d", tmp_dir, seq++);
    snprintf(c->upper, sizeof(c->upper), "%s/upper", dir);
    snprintf(c->work, sizeof(c->work), "%s/work", dir);
    snprintf(c->merged, sizeof(c->merged), "%s/merged", dir);
    if (mkdir(dir, 0700) == -1 || mkdir(c->upper, 0755) == -1 ||
        mkdir(c->work, 0700) == -1 || mkdir(c->merged, 0755) == -1)
        die_errno("mkdir '%s/...'", dir);
    ct_trace("unshare --mount --uts --ipc --net --pid --fork",
             "clone(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET "
             "| CLONE_NEWPID | SIGCHLD)");
    fflush(NULL);
    pid = clone(child_main, stack + sizeof(stack),
                CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
                    CLONE_NEWPID | SIGCHLD,
                c);
    if (pid == -1)
        die_errno("clone");
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            die_errno("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- the build: a recipe, one layer per step, and the cache ------------- */

/* The step's key: what the step starts from, what it does, and for COPY
 * what it copies. */
static void
cache_key(const struct image *parent, const char *line, const char *content,
          char key[HEX_LEN + 1])
{
    struct sha256_ctx h;

    sha256_init(&h);
    /* LAB 10.4: hash the image before the step, the line, and what COPY copies */
    for (int i = 0; i < parent->n; i++)
        sha256_update(&h, HEX_LEN + 1, (const uint8_t *)parent->layer[i]);
    sha256_update(&h, strlen(line) + 1, (const uint8_t *)line);
    sha256_update(&h, strlen(content) + 1, (const uint8_t *)content);
    /* END LAB */
    hex_digest(&h, key);
}

/* cache/KEY holds the image the step ended with. */
static bool
cache_get(const char *key, struct image *img)
{
    char path[PATH_MAX], line[MAX_LAYERS * (HEX_LEN + 1) + 2];

    snprintf(path, sizeof(path), "%s/cache/%s", store, key);
    if (ct_read_file(path, line, sizeof(line)) <= 0)
        return false;
    parse_image(line, img);
    return true;
}

static void
cache_put(const char *key, const struct image *img)
{
    char path[PATH_MAX], part[PATH_MAX + 16];
    FILE *f;

    snprintf(path, sizeof(path), "%s/cache/%s", store, key);
    snprintf(part, sizeof(part), "%s.tmp", path);
    f = fopen(part, "we");
    if (!f)
        die_errno("create '%s'", part);
    print_image(f, img);
    fputc('\n', f);
    if (fclose(f) == EOF || rename(part, path) == -1)
        die_errno("write '%s'", path);
}

/* COPY SRC DEST: SRC (in the recipe's directory: openat2 RESOLVE_BENEATH
 * refuses a path out of it, as step 04 taught) into a new layer, at
 * DEST. To know whether the files changed, they are copied first: the
 * new layer's ID, a digest of exactly what is copied, goes into the
 * step's key. (minictr hashes them where they are, and copies only when
 * the cache has no such step.) */
static void
copy_step(int ctx, const char *src, const char *dest, char *layer_dir,
          size_t size, char content[HEX_LEN + 1])
{
    struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    char parent[PATH_MAX], path[PATH_MAX + 80], leaf[PATH_MAX];
    const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
    const char *slash = strrchr(dest, '/');
    int s, d;

    snprintf(parent, sizeof(parent), "%.*s", (int)(base - src), src);
    s = (int)syscall(SYS_openat2, ctx, *parent ? parent : ".", &how,
                     sizeof(how));
    if (s == -1 || !strcmp(base, ".."))
        die_input_errno("COPY '%s' (a path in the recipe's directory)", src);
    if (fstatat(s, *base ? base : ".", &(struct stat){0}, AT_SYMLINK_NOFOLLOW))
        die_input_errno("COPY '%s'", src);
    snprintf(layer_dir, size, "%s/copy", tmp_dir);
    snprintf(path, sizeof(path), "%s/%.*s", layer_dir,
             (int)(slash ? slash - dest : 0), dest);
    if (ct_mkdir_p(path, 0755) == -1)
        die_errno("mkdir '%s'", path);
    /* DEST/ keeps the source's name; a directory's files go into it */
    snprintf(leaf, sizeof(leaf), "%s",
             slash && !slash[1] ? (*base ? base : ".")
                 : slash        ? slash + 1
                                : dest);
    d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d == -1)
        die_errno("open '%s'", path);
    copy_tree(s, *base ? base : ".", d, leaf);
    close(s);
    close(d);
    layer_digest(layer_dir, content);
}

static int
build(const char *recipe)
{
    char dir[PATH_MAX], line[4096];
    struct image img = {0};
    FILE *f = fopen(recipe, "re");
    int lineno = 0, step = 0, nsteps = 0, ctx;

    if (!f)
        die_input_errno("open the recipe '%s'", recipe);
    while (fgets(line, sizeof(line), f))
        nsteps += line[strspn(line, " \t")] != '#' &&
            line[strspn(line, " \t\n")] != '\0';
    rewind(f);
    snprintf(dir, sizeof(dir), "%s", recipe);
    *(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
    ctx = open(*dir ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    while (fgets(line, sizeof(line), f)) {
        char key[HEX_LEN + 1], content[HEX_LEN + 1] = "", hex[HEX_LEN + 1];
        char word[16] = "", *arg, layer_dir[PATH_MAX];
        struct image before = img;
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[strspn(line, " \t")] == '#' || !line[strspn(line, " \t")])
            continue;
        sscanf(line, "%15s", word);
        arg = line + strspn(line, " \t") + strlen(word);
        arg += strspn(arg, " \t");
        printf("Step %d/%d : %s\n", ++step, nsteps, line);
        if (!strcmp(word, "FROM")) { /* a directory, an image, or scratch */
            struct stat st;
            img.n = 0;
            if (!strcmp(arg, "scratch")) {
            } else if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
                add_dir(arg, hex);
                snprintf(img.layer[img.n++], HEX_LEN + 1, "%s", hex);
            } else {
                parse_image(arg, &img);
            }
            printf(" ---> %d layer%s\n", img.n, img.n == 1 ? "" : "s");
            continue;
        }
        if (step == 1)
            die_input("%s:%d: the first step is FROM", recipe, lineno);
        if (strcmp(word, "RUN") && strcmp(word, "COPY"))
            die_input("%s:%d: unknown instruction '%s' (FROM, RUN, COPY)",
                      recipe, lineno, word);
        if (!strcmp(word, "COPY")) { /* the files first: the key needs them */
            char src[PATH_MAX], dest[PATH_MAX];
            if (sscanf(arg, "%4095s %4095s", src, dest) != 2 || dest[0] != '/')
                die_input("%s:%d: COPY SRC /DEST", recipe, lineno);
            copy_step(ctx, src, dest + 1, layer_dir, sizeof(layer_dir),
                      content);
        }
        cache_key(&before, line, content, key);
        if (cache_get(key, &img)) {
            printf(" ---> Using cache\n");
            if (content[0])
                ct_rm_rf(layer_dir);
        } else if (!strcmp(word, "COPY")) {
            commit_layer(layer_dir, hex);
            snprintf(img.layer[img.n++], HEX_LEN + 1, "%s", hex);
        } else { /* RUN: its upper directory is the new layer */
            struct container c;
            if (before.n == 0)
                die_input("%s:%d: RUN needs an image to run on (FROM DIR)",
                          recipe, lineno);
            char *argv[] = {"/bin/sh", "-c", arg, NULL};
            int status;
            printf(" ---> Running in a container\n");
            fflush(stdout);
            status = run_container(&before, argv, &c);
            if (status != 0) {
                fprintf(stderr, "layerbox: %s:%d: the command returned %d\n",
                        recipe, lineno, status);
                exit(status);
            }
            commit_layer(c.upper, hex);
            if (img.n == MAX_LAYERS)
                die_input("more than %d layers", MAX_LAYERS);
            snprintf(img.layer[img.n++], HEX_LEN + 1, "%s", hex);
        }
        cache_put(key, &img);
        printf(" ---> %.12s\n", img.layer[img.n - 1]);
    }
    fclose(f);
    close(ctx);
    printf("image: ");
    print_image(stdout, &img);
    printf("\n");
    return 0;
}

/* ---- main -------------------------------------------------------------- */

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: layerbox [--store DIR] [--trace] add DIR\n"
            "       layerbox [--store DIR] [--trace] build RECIPE\n"
            "       layerbox [--store DIR] find IMAGE PATH\n"
            "       layerbox [--store DIR] [--trace] run IMAGE CMD [ARG...]\n"
            "\n"
            "An image is its layers' IDs, bottom first: L1:L2:L3. Each ID is "
            "the\nsha256 of a listing of the layer's files.\n"
            "\n"
            "  add DIR       a copy of DIR becomes a layer; prints its ID\n"
            "  build RECIPE  FROM DIR|IMAGE|scratch, then RUN CMD and COPY "
            "SRC /DEST\n"
            "                lines: one layer a step, cached; prints "
            "\"image: ...\"\n"
            "  find IMAGE PATH  the layer that shows PATH (its file on the "
            "host),\n"
            "                or why none does (a whiteout, an opaque "
            "directory)\n"
            "  run IMAGE CMD    run CMD in a container on the layers\n"
            "  --store DIR   where layers/, cache/ and tmp/ are (default\n"
            "                $MINICTR_STATE/layerbox)\n");
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, NULL, 's'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    char hex[HEX_LEN + 1], why[PATH_MAX + 128];
    struct image img;
    int opt, i;

    ct_prog = "layerbox";
    snprintf(store, sizeof(store), "%s/layerbox", ct_state_dir());
    while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (opt) {
        case 's': snprintf(store, sizeof(store), "%s", optarg); break;
        case 't': ct_tracing = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return CT_EXIT_USAGE;
        }
    }
    if (optind >= argc)
        die_usage("give a command: add, build, find or run");
    if (!strcmp(argv[optind], "add") && argc - optind == 2) {
        open_store();
        add_dir(argv[optind + 1], hex);
        printf("%s\n", hex);
        return 0;
    }
    if (!strcmp(argv[optind], "build") && argc - optind == 2) {
        open_store();
        return build(argv[optind + 1]);
    }
    if (!strcmp(argv[optind], "find") && argc - optind == 3) {
        char path[PATH_MAX * 2];
        const char *rel = argv[optind + 2];
        parse_image(argv[optind + 1], &img);
        while (*rel == '/')
            rel++;
        i = find_in_image(&img, rel, why, sizeof(why));
        if (i < 0) {
            fprintf(stderr, "layerbox: /%s: %s\n", rel, why);
            return 1;
        }
        layer_path(img.layer[i], path, sizeof(path));
        printf("%s/%s\n", path, rel); /* layer i + 1 */
        return 0;
    }
    if (!strcmp(argv[optind], "run") && argc - optind >= 3) {
        struct container c;
        open_store();
        parse_image(argv[optind + 1], &img);
        return run_container(&img, argv + optind + 2, &c);
    }
    die_usage("unknown command or wrong arguments: '%s' (see --help)",
              argv[optind]);
}
