/*
 * cp.c: `minictr cp NAME:PATH HOSTPATH` and `minictr cp HOSTPATH
 * NAME:PATH` — files out of and into a container, safely.
 *
 * The danger is step 04's, the other way round: a path inside the
 * container is the container's to shape. If /data is a symlink to /etc,
 * `cp file web:/data/x` done with plain paths on the host writes the
 * host's /etc/x (CVE-2018-15664, CVE-2019-14271 were this, in docker cp).
 * So every path inside is resolved by the kernel *inside the container's
 * root*: openat2(2) with RESOLVE_IN_ROOT treats the root we give it as
 * "/" for absolute symlinks and stops ".." there, and
 * RESOLVE_NO_MAGICLINKS refuses /proc/self/root-like jumps. Below that,
 * every file is made with *at() calls relative to a directory we hold,
 * never following a symlink (O_NOFOLLOW).
 *
 * Which root? A running container's is /proc/PID/root (its own mount
 * namespace, volumes included). A stopped one has no mounts: we make a
 * private mount namespace of our own, mount its overlay there, and hold
 * its lock meanwhile so that nobody starts it under us.
 *
 * As Docker: directories copy recursively with their modes; what comes
 * out is owned by you; what goes in is owned by root (-a keeps the
 * owners). Device nodes, FIFOs and sockets are skipped with a warning.
 *
 * In a user namespace (step 08) "root" is the container's: a user's cp
 * joins its user namespace (setns), or for a stopped one makes a namespace
 * with the same map, so that the files its ids own can be read and made.
 * Root writing into a running --userns auto container makes files as the
 * container's root (setfsuid START): its layers are idmapped, and host uid
 * 0 has no owner there.
 *
 * Read: openat2(2) RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS; step 04;
 *       setfsuid(2).
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool archive_mode; /* -a: keep uid and gid */
/* -a with a running --userns auto container: its ids as the host sees
 * them are START higher than inside (in: +START, out: -START). */
static int64_t id_shift;

static uid_t
shift_id(uint32_t id)
{
    int64_t to = (int64_t)id + id_shift;
    return to >= 0 && to < UINT32_MAX ? (uid_t)to : (uid_t)id;
}

/* Open `path` inside the root rootfd; the last part is not followed
 * (O_NOFOLLOW) unless it is ".". */
static int
open_inside(int rootfd, const char *path, int flags, mode_t mode)
{
    struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
                           .mode = flags & O_CREAT ? mode : 0,
                           .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Say so, once, when the path would have left the root through a
 * symlink: RESOLVE_BENEATH refuses what RESOLVE_IN_ROOT confined. */
static void
note_escape(int rootfd, const char *path)
{
    struct open_how how = {.flags = O_PATH | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    /* An absolute path is "beneath" nothing: look it up as relative. */
    const char *rel = path + strspn(path, "/");
    int fd =
        (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof(how));

    if (fd == -1 && errno == EXDEV)
        fprintf(stderr,
                "minictr: note: a symlink on the way of '%s' points out of "
                "the container; it was followed inside the container's "
                "root, as the container itself sees it\n",
                path);
    if (fd != -1)
        close(fd);
}

/* ".." is refused outright: it means nothing good in a container path. */
static int
check_path(const char *path)
{
    char buf[PATH_MAX];

    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = strtok(buf, "/"); p; p = strtok(NULL, "/"))
        if (!strcmp(p, "..")) {
            mc_error_code("bad_path");
            ct_set_hint("give the path as the container sees it, from its /");
            return ct_fail("'%s': '..' is not allowed in a container path",
                           path);
        }
    return 0;
}

/* ---- the copy ---------------------------------------------------------- */

static int copy_tree(int sfd, const char *sname, int ddir, const char *dname,
                     bool inward);

static int
copy_file(int sfd, const char *sname, const struct stat *st, int ddir,
          const char *dname)
{
    int in = openat(sfd, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int out;
    ssize_t n;
    char buf[65536];
    int rc = 0;

    if (in == -1)
        return ct_fail_errno("open '%s'", sname);
    /* O_NOFOLLOW: a symlink of that name is not written through. */
    unlinkat(ddir, dname, 0);
    out = openat(ddir, dname,
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 st->st_mode & 07777);
    if (out == -1) {
        close(in);
        return ct_fail_errno("create '%s'", dname);
    }
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = ct_fail_errno("write '%s'", dname);
            break;
        }
    if (n == -1)
        rc = ct_fail_errno("read '%s'", sname);
    fchmod(out, st->st_mode & 07777);
    if (archive_mode)
        fchown(out, shift_id(st->st_uid), shift_id(st->st_gid));
    close(in);
    close(out);
    return rc;
}

static int
copy_symlink(int sfd, const char *sname, const struct stat *st, int ddir,
             const char *dname)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(sfd, sname, target, sizeof(target) - 1);

    if (n == -1)
        return ct_fail_errno("readlink '%s'", sname);
    target[n] = '\0';
    unlinkat(ddir, dname, 0);
    if (symlinkat(target, ddir, dname) == -1)
        return ct_fail_errno("symlink '%s'", dname);
    if (archive_mode)
        fchownat(ddir, dname, shift_id(st->st_uid), shift_id(st->st_gid),
                 AT_SYMLINK_NOFOLLOW);
    return 0;
}

static int
copy_dir(int sfd, const char *sname, const struct stat *st, int ddir,
         const char *dname, bool inward)
{
    int src =
        openat(sfd, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int dst, rc = 0;
    DIR *d;
    struct dirent *e;

    if (src == -1)
        return ct_fail_errno("open directory '%s'", sname);
    if (mkdirat(ddir, dname, 0700) == -1 && errno != EEXIST) {
        close(src);
        return ct_fail_errno("mkdir '%s'", dname);
    }
    dst = openat(ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dst == -1) {
        close(src);
        return ct_fail_errno("open directory '%s' (a symlink there is not "
                             "followed)",
                             dname);
    }
    d = fdopendir(src);
    while (rc == 0 && d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            rc = copy_tree(dirfd(d), e->d_name, dst, e->d_name, inward);
    if (d)
        closedir(d);
    fchmod(dst, st->st_mode & 07777);
    if (archive_mode)
        fchown(dst, shift_id(st->st_uid), shift_id(st->st_gid));
    close(dst);
    return rc;
}

static int
copy_tree(int sfd, const char *sname, int ddir, const char *dname, bool inward)
{
    struct stat st;

    if (fstatat(sfd, sname, &st, AT_SYMLINK_NOFOLLOW) == -1)
        return ct_fail_errno("stat '%s'", sname);
    if (S_ISREG(st.st_mode))
        return copy_file(sfd, sname, &st, ddir, dname);
    if (S_ISLNK(st.st_mode))
        return copy_symlink(sfd, sname, &st, ddir, dname);
    if (S_ISDIR(st.st_mode))
        return copy_dir(sfd, sname, &st, ddir, dname, inward);
    fprintf(stderr,
            "minictr: warning: skipped '%s': not a file, directory "
            "or symlink\n",
            sname);
    return 0;
}

/* ---- the container's root ---------------------------------------------- */

/* A stopped container: its overlay, in a mount namespace of our own. */
static int
mount_stopped(const struct container *c, char *root, size_t size)
{
    snprintf(root, size, "%s/merged", c->dir);
    ct_trace("unshare --mount", "unshare(CLONE_NEWNS)");
    if (unshare(CLONE_NEWNS) == -1)
        return ct_fail_errno("unshare(CLONE_NEWNS)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make / private");
    return overlay_mount_at(c, root);
}

/* A user's running container: into its user namespace, as its root. */
static int
join_user_namespace(const struct container *c)
{
    int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);

    ct_trace("nsenter --target PID --user", "setns(pidfd, CLONE_NEWUSER)");
    if (pidfd == -1 || setns(pidfd, CLONE_NEWUSER) == -1) {
        int err = errno;
        if (pidfd != -1)
            close(pidfd);
        errno = err;
        return ct_fail_errno("join the user namespace of '%s'", c->name);
    }
    close(pidfd);
    return userns_become_root(c);
}

/* Root into a running --userns auto container: files are made as its
 * root (START outside). The capabilities that read any host file leave
 * the effective set when fsuid leaves 0 (setfsuid(2)): raise them again. */
static int
as_container_root(const struct container *c)
{
    cap_t caps;
    int rc = 0;

    ct_trace(NULL, "setfsgid(%u); setfsuid(%u)", c->userns.gid.outside[0],
             c->userns.uid.outside[0]);
    setfsgid(c->userns.gid.outside[0]);
    setfsuid(c->userns.uid.outside[0]);
    caps = cap_get_proc();
    if (!caps || cap_fill(caps, CAP_EFFECTIVE, CAP_PERMITTED) == -1 ||
        cap_set_proc(caps) == -1)
        rc = ct_fail_errno("raise the capabilities again after setfsuid");
    cap_free(caps);
    return rc;
}

/* Split "NAME:PATH"; NULL when s is a host path. */
static char *
container_part(char *s)
{
    char *colon = strchr(s, ':');

    if (!colon || s[0] == '/' || s[0] == '.' || colon == s)
        return NULL;
    *colon = '\0';
    return colon + 1;
}

static const char *
base_name(const char *path)
{
    const char *slash;
    size_t len = strlen(path);

    while (len > 1 && path[len - 1] == '/')
        len--;
    slash = memrchr(path, '/', len);
    return slash ? slash + 1 : path;
}

/* Split path into its parent (opened with `opener`) and its last part. */
static int
open_parent(int rootfd, const char *path, char *leaf, size_t size)
{
    char parent[PATH_MAX];
    const char *b = base_name(path);
    size_t plen = (size_t)(b - path);

    snprintf(leaf, size, "%.*s", (int)strcspn(b, "/"), b);
    snprintf(parent, sizeof(parent), "%.*s", (int)plen, path);
    if (!parent[0])
        snprintf(parent, sizeof(parent), ".");
    return rootfd >= 0 ? open_inside(rootfd, parent, O_RDONLY | O_DIRECTORY, 0)
                       : open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Copy from (sfd-relative `src`) to `dst`, which is a directory (then
 * into it, under the source's name) or a new name. dst is opened inside
 * the root rootfd, or on the host when rootfd is -1. */
static int
copy_to(int sroot, const char *src, int droot, const char *dst, bool inward)
{
    char leaf[NAME_MAX + 1], sleaf[NAME_MAX + 1];
    int sdir, ddir, rc;
    struct stat st;
    int probe = droot >= 0 ? open_inside(droot, dst, O_PATH, 0)
                           : open(dst, O_PATH | O_CLOEXEC);
    bool into = probe != -1 && fstat(probe, &st) == 0 && S_ISDIR(st.st_mode);

    sdir = open_parent(sroot, src, sleaf, sizeof(sleaf));
    if (sdir == -1) {
        mc_error_code("no_such_file");
        if (probe != -1)
            close(probe);
        return ct_fail_errno("copy from '%s'", src);
    }
    if (into) {
        ddir = probe;
        snprintf(leaf, sizeof(leaf), "%s", sleaf);
    } else {
        if (probe != -1)
            close(probe);
        ddir = open_parent(droot, dst, leaf, sizeof(leaf));
        if (ddir == -1) {
            close(sdir);
            mc_error_code("no_such_file");
            return ct_fail_errno("copy to '%s' (its directory must exist)",
                                 dst);
        }
    }
    if (!strcmp(sleaf, ".") || !sleaf[0])
        snprintf(sleaf, sizeof(sleaf), ".");
    rc = copy_tree(sdir, sleaf, ddir, leaf, inward);
    close(sdir);
    close(ddir);
    return rc;
}

int
mc_copy_contents(int from, int to, bool keep_owner)
{
    DIR *d = fdopendir(dup(from));
    struct dirent *e;
    int rc = 0;

    archive_mode = keep_owner;
    while (rc == 0 && d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            rc = copy_tree(dirfd(d), e->d_name, to, e->d_name, true);
    if (d)
        closedir(d);
    return rc;
}

int
cmd_cp(int argc, char **argv)
{
    static struct container c;
    char *src, *dst, *csrc, *cdst, root[4300];
    int first = 1, rootfd, lock = -1, rc;

    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr cp [-a] NAME:PATH HOSTPATH\n"
               "       minictr cp [-a] HOSTPATH NAME:PATH\n");
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "-a")) {
        archive_mode = true;
        first = 2;
    }
    if (argc - first != 2)
        return mc_usage_error("usage: minictr cp [-a] NAME:PATH HOSTPATH, or "
                              "HOSTPATH NAME:PATH");
    src = argv[first];
    dst = argv[first + 1];
    csrc = container_part(src);
    cdst = container_part(dst);
    if (!!csrc == !!cdst)
        return mc_usage_error("%s",
                              "one side of cp is NAME:PATH, the other a "
                              "path on the host");
    if (check_path(csrc ? csrc : cdst) == -1 ||
        container_find(csrc ? src : dst, &c) == -1)
        return -1;
    if (!strcmp(container_real_status(&c), ST_RUNNING) ||
        !strcmp(container_real_status(&c), ST_PAUSED)) {
        bool in_auto = c.userns.mode == USERNS_AUTO && c.userns.uid.n > 0;
        if (c.userns.mode == USERNS_ROOTLESS && join_user_namespace(&c) == -1)
            return -1;
        if (in_auto && cdst && as_container_root(&c) == -1)
            return -1;
        if (in_auto)
            id_shift = (cdst ? 1 : -1) * (int64_t)c.userns.uid.outside[0];
        snprintf(root, sizeof(root), "/proc/%d/root", c.pid);
    } else {
        struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        char path[4096];
        if (state_path(path, sizeof(path), c.id, ".lock") == -1)
            return -1;
        lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (lock == -1 || fcntl(lock, F_OFD_SETLK, &lk) == -1) {
            mc_error_code("container_running");
            return ct_fail("container '%s' is starting: try again", c.name);
        }
        /* a user's: in a user namespace with the container's map */
        if ((c.userns.mode == USERNS_ROOTLESS && userns_enter(&c) == -1) ||
            mount_stopped(&c, root, sizeof(root)) == -1)
            return -1;
    }
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd == -1)
        return ct_fail_errno("open the container's root '%s'", root);
    note_escape(rootfd, csrc ? csrc : cdst);
    ct_trace(NULL, "openat2(root, \"%s\", RESOLVE_IN_ROOT)",
             csrc ? csrc : cdst);
    rc = csrc ? copy_to(rootfd, csrc, -1, dst, false)
              : copy_to(-1, src, rootfd, cdst, true);
    close(rootfd);
    if (lock != -1)
        close(lock);
    return rc;
}
