/*
 * pivot_root.c: the container's filesystem, as step 05-pivot-root builds
 * it, plus volumes, tmpfs mounts and --read-only.
 *
 * In the child, in its own mount namespace, with the overlay mounted:
 *   1. bind the container's own /etc/hosts, /etc/hostname and
 *      /etc/resolv.conf (networks.c writes them), then the volumes into
 *      the new root, and tmpfs mounts (targets resolved inside it, never
 *      through a symlink)
 *   2. pivot_root into it and detach the old root: the host's tree is gone
 *      from this mount namespace, not just out of sight as with chroot
 *   3. a fresh /proc with runc's masked and read-only paths, a read-only
 *      /sys, and a minimal /dev (a tmpfs with six nodes and its own devpts)
 *   4. --read-only: remount the root read-only
 *
 * In a user namespace (step 08) two things differ. mknod is EPERM, so /dev
 * holds the host's own six nodes, bind-mounted onto empty files. And the
 * kernel lets root there mount proc and sysfs only while the host's are
 * fully visible in its mount namespace ("mount_too_revealing"), so /dev,
 * /proc and /sys are mounted before the pivot; the masks come after it.
 * With --userns auto the volumes are idmapped trees from the monitor.
 *
 * An OCI container (config.json, c->spec) gets what its config lists
 * instead, in runc's order: / made rslave, the root bound onto itself, the
 * config's mounts in order (each target resolved inside the root, its
 * symlinks too, never out of it: openat2 RESOLVE_IN_ROOT), the default
 * devices and the config's, the createRuntime hooks (spawn_sync_hooks),
 * pivot_root (chroot without a mount namespace), then its sysctls (while
 * /proc/sys is writable), its masked and read-only paths, and the root's
 * propagation.
 *
 * Read: pivot_root(2), mount_namespaces(7), proc(5), devpts in
 *       filesystems/devpts.rst, user_namespaces(7), openat2(2),
 *       runtime-spec config.md "Mounts" and config-linux.md "Devices".
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <stdint.h>
#include <unistd.h>

static int
do_mount(const char *src, const char *dst, const char *type,
         unsigned long flags, const char *data)
{
    ct_trace(NULL, "mount(\"%s\", \"%s\", \"%s\", %#lx, \"%s\")",
             src ? src : "", dst, type ? type : "", flags, data ? data : "");
    if (mount(src, dst, type, flags, data) == -1)
        return ct_fail_errno("mount %s on '%s'", type ? type : src, dst);
    return 0;
}

/* Open the path `rel` inside the root rootfd, never following a symlink:
 * an image with /data -> /etc must not turn `-v x:/data` into a mount on
 * the host's /etc (the CVE-2018-15664 family). `create`: make missing
 * directories on the way, and the last part too (an empty file when
 * `file`). Returns an O_PATH fd, or -1 with errno. */
int
open_in_root(int rootfd, const char *rel, bool create, bool file)
{
    char buf[4096], *save = NULL, *part, *next;
    int fd = dup(rootfd);

    snprintf(buf, sizeof(buf), "%s", rel);
    for (part = strtok_r(buf, "/", &save); part && fd != -1; part = next) {
        int sub;
        next = strtok_r(NULL, "/", &save);
        if (!strcmp(part, "..") || !strcmp(part, ".")) {
            close(fd);
            errno = EINVAL;
            return -1;
        }
        if (create && !next && file) {
            sub = openat(fd, part, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                         0644);
        } else if (!next && !create) {
            sub = openat(fd, part, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        } else {
            if (create && mkdirat(fd, part, 0755) == -1 && errno != EEXIST) {
                close(fd);
                return -1;
            }
            sub =
                openat(fd, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        close(fd);
        fd = sub;
    }
    return fd;
}

/* Attach the detached mount `tree` on the target we opened inside the
 * root, read-only first when asked. */
static int
attach(int tree, bool ro, int target_fd, const char *what, const char *ctr)
{
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    int rc = 0;

    if (ro &&
        syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
                &attr, sizeof(attr)) == -1)
        rc = ct_fail_errno("mount_setattr read-only on '%s'", what);
    else if (syscall(SYS_move_mount, tree, "", target_fd, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == -1)
        rc = ct_fail_errno("move_mount '%s' to '%s'", what, ctr);
    close(tree);
    return rc;
}

/* -v HOST:CTR[:ro] and named volumes: clone the host tree as a detached
 * mount (open_tree), make it read-only before anyone can see it
 * (mount_setattr), and attach it on the target (move_mount). No path is
 * looked up twice, so nothing can be swapped in between. */
static int
bind_mount(const char *host, const struct mount_spec *m, int target_fd)
{
    int tree;

    ct_trace(m->ro ? "mount --bind -o ro HOST CTR" : "mount --bind HOST CTR",
             "open_tree(\"%s\"); %smove_mount(.., \"%s\")", host,
             m->ro ? "mount_setattr(RDONLY); " : "", m->target);
    tree = (int)syscall(SYS_open_tree, AT_FDCWD, host,
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree == -1)
        return ct_fail_errno("open_tree '%s'", host);
    return attach(tree, m->ro, target_fd, host, m->target);
}

/* --tmpfs CTR[:size=..]: a new tmpfs made with fsopen/fsconfig/fsmount,
 * nosuid, nodev and noexec as Docker's. */
static int
tmpfs_mount(const struct mount_spec *m, int target_fd)
{
    char size[32], mode[16];
    int fs, tree;

    snprintf(size, sizeof(size), "%llu", (unsigned long long)m->size);
    snprintf(mode, sizeof(mode), "%o", m->mode ? m->mode : 01777);
    ct_trace("mount -t tmpfs -o nosuid,nodev,noexec tmpfs CTR",
             "fsopen(\"tmpfs\"); fsmount; move_mount(.., \"%s\")", m->target);
    fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs == -1)
        return ct_fail_errno("fsopen tmpfs for '%s'", m->target);
    if ((m->size &&
         syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", size, 0) ==
             -1) ||
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", mode, 0) == -1 ||
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) ==
            -1 ||
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == -1) {
        close(fs);
        return ct_fail_errno("fsconfig tmpfs for '%s'", m->target);
    }
    tree =
        (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    close(fs);
    if (tree == -1)
        return ct_fail_errno("fsmount tmpfs for '%s'", m->target);
    return attach(tree, m->ro, target_fd, "tmpfs", m->target);
}

/* /etc/hosts, /etc/hostname, /etc/resolv.conf: the container's own
 * files (containers/ID/), bound over the image's as Docker does, and
 * read-only with --read-only. A missing one is made. A symlink there (an
 * image's resolv.conf -> ../run/systemd/resolve/stub-resolv.conf) is
 * replaced by an empty file in the container's upper layer first: a
 * mount on a symlink would follow it, maybe out of the root. */
static int
mount_etc_files(struct container *c, const char *root)
{
    static const char *const files[] = {"hosts", "hostname", "resolv.conf"};
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int etc = rootfd == -1 ? -1 : open_in_root(rootfd, "etc", true, false);
    int rc = 0;

    if (rootfd >= 0)
        close(rootfd);
    if (etc == -1)
        return ct_fail_errno("open /etc in the container (a symlink on the "
                             "way is refused)");
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && rc == 0; i++) {
        struct mount_spec m = {.type = MOUNT_BIND, .ro = c->read_only};
        char host[4200], target[32];
        struct stat st;
        int fd;

        snprintf(host, sizeof(host), "%s/%s", c->dir, files[i]);
        snprintf(target, sizeof(target), "/etc/%s", files[i]);
        if (access(host, F_OK) == -1)
            continue; /* a container from before minictr wrote them */
        fd = openat(etc, files[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
            close(fd);
            fd = -1;
            if (unlinkat(etc, files[i], 0) == -1) {
                rc = ct_fail_errno("replace the symlink '%s'", target);
                break;
            }
        }
        if (fd == -1)
            fd = openat(etc, files[i],
                        O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                        0644);
        if (fd == -1) {
            rc = ct_fail_errno("make '%s' in the container", target);
            break;
        }
        m.source = host;
        m.target = target;
        rc = bind_mount(host, &m, fd);
        close(fd);
    }
    close(etc);
    return rc;
}

/* As Docker: a volume that is still empty gets what the image has at the
 * path it is mounted on (its files, modes and owners), once. With
 * --userns auto it is written through its idmapped tree (tree, else -1),
 * so that what lands on disk has the ids it has inside. */
static int
fill_volume(const char *host, int target_fd, int tree)
{
    int vol = tree != -1
        ? openat(tree, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        : open(host, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int src, rc = 0;
    DIR *d;
    struct dirent *e;
    bool empty = true;

    if (vol == -1)
        return ct_fail_errno("open volume '%s'", host);
    d = fdopendir(dup(vol));
    while (d && empty && (e = readdir(d)) != NULL)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    /* target_fd is O_PATH: reopen it to read the directory. */
    src =
        empty ? openat(target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (src != -1) {
        ct_trace(NULL, "copy the image's '%s' into the new volume", host);
        rc = mc_copy_contents(src, vol, true);
        close(src);
    }
    close(vol);
    return rc;
}

int
rootfs_mount_volumes(struct container *c, const char *root)
{
    int rootfd, rc = 0;

    if (c->nmounts == 0)
        return 0;
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd == -1)
        return ct_fail_errno("open '%s'", root);
    for (int i = 0; i < c->nmounts && rc == 0; i++) {
        struct mount_spec *m = &c->mounts[i];
        char host[4096];
        struct stat st = {.st_mode = S_IFDIR};
        int fd;

        /* --userns auto: the monitor made an idmapped tree of it */
        bool tree = c->userns.mode == USERNS_AUTO && m->type != MOUNT_TMPFS;

        if (m->type == MOUNT_VOLUME && !tree &&
            volume_path(m->source, false, host, sizeof(host)) == -1) {
            rc = -1;
            break;
        }
        if (m->type == MOUNT_BIND || tree)
            snprintf(host, sizeof(host), "%s", m->source);
        if (m->type != MOUNT_TMPFS &&
            (tree ? fstat(c->mount_fds[i], &st) : stat(host, &st)) == -1) {
            rc = ct_fail_errno("volume source '%s'", host);
            break;
        }
        fd = open_in_root(rootfd, m->target, true, !S_ISDIR(st.st_mode));
        if (fd == -1) {
            rc = ct_fail_errno("volume target '%s' in the container (a "
                               "symlink on the way is refused)",
                               m->target);
            break;
        }
        if (m->type == MOUNT_VOLUME &&
            fill_volume(host, fd, tree ? c->mount_fds[i] : -1) == -1) {
            close(fd);
            rc = -1;
            break;
        }
        rc = m->type == MOUNT_TMPFS ? tmpfs_mount(m, fd)
            : tree ? attach(c->mount_fds[i], false, fd, host, m->target)
                   : bind_mount(host, m, fd);
        close(fd);
    }
    close(rootfd);
    return rc;
}

static int pivot(const char *root);

int
rootfs_bind(int rootfd, const char *from, const char *rel, bool ro)
{
    struct mount_spec m = {.type = MOUNT_BIND, .ro = ro, .target = (char *)rel};
    struct stat st;
    int fd, rc;

    if (stat(from, &st) == -1)
        return ct_fail_errno("stat '%s'", from);
    fd = open_in_root(rootfd, rel, true, !S_ISDIR(st.st_mode));
    if (fd == -1)
        return ct_fail_errno("'%s' in the root (a symlink on the way is "
                             "refused)",
                             rel);
    m.source = (char *)from;
    rc = bind_mount(from, &m, fd);
    close(fd);
    return rc;
}

int
rootfs_pivot(const char *root)
{
    return pivot(root);
}

/* pivot_root(".", "."): the new root goes to "/", the old one is stacked
 * on top of it, and umount2(MNT_DETACH) takes the old one away. */
static int
pivot(const char *root)
{
    ct_trace("cd ROOT && pivot_root . . && umount -l .", "pivot_root(\"%s\")",
             root);
    if (chdir(root) == -1)
        return ct_fail_errno("chdir '%s'", root);
    if (syscall(SYS_pivot_root, ".", ".") == -1)
        return ct_fail_errno("pivot_root to '%s'", root);
    if (umount2(".", MNT_DETACH) == -1)
        return ct_fail_errno("umount2 the old root");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir /");
    return 0;
}

/* runc's lists: paths that leak host facts read empty, paths that change
 * the kernel are read-only. */
static const char *const masked[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
};
static const char *const read_only[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* proc on ROOT/proc, a read-only sysfs on ROOT/sys: after the pivot ROOT
 * is "", in a user namespace the new root before it. */
static int
mount_proc_sys(const char *root)
{
    const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    char proc[4300], sys[4300];

    snprintf(proc, sizeof(proc), "%s/proc", root);
    snprintf(sys, sizeof(sys), "%s/sys", root);
    mkdir(proc, 0555);
    mkdir(sys, 0555);
    if (do_mount("proc", proc, "proc", safe, NULL) == -1 ||
        do_mount("sysfs", sys, "sysfs", safe | MS_RDONLY, NULL) == -1)
        return -1;
    return 0;
}

static int
mask_proc(void)
{
    struct stat st;

    for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
        if (lstat(masked[i], &st) == -1)
            continue; /* not on this kernel */
        if (S_ISDIR(st.st_mode)
                ? do_mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL)
                : do_mount("/dev/null", masked[i], NULL, MS_BIND, NULL))
            return -1;
    }
    for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
        if (lstat(read_only[i], &st) == -1)
            continue;
        /* The remount keeps proc's nosuid, nodev, noexec (it would
         * clear them; in a user namespace they may not be cleared). */
        if (do_mount(read_only[i], read_only[i], NULL, MS_BIND | MS_REC,
                     NULL) == -1 ||
            do_mount(NULL, read_only[i], NULL,
                     MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | MS_NOSUID |
                         MS_NODEV | MS_NOEXEC,
                     NULL) == -1)
            return -1;
    }
    return 0;
}

/* A tmpfs ROOT/dev with the six harmless nodes, a private devpts (its own
 * pty numbers, not the host's) and /dev/shm: not the host's /dev. The
 * nodes are made (mknod), or in a user namespace (`bind`) the host's own
 * bound onto empty files: they open, since the bind is of the host's
 * devtmpfs; a node on our tmpfs would not (nodev, forced there). The pty
 * group is gid 5 (tty) when that is mapped. */
static int
mount_dev(const char *root, bool bind, bool gid5)
{
    static const struct {
        const char *name;
        unsigned major, minor;
    } nodes[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                 {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
        {"pts/ptmx", "ptmx"},
    };
    char dev[4300], path[4400];

    snprintf(dev, sizeof(dev), "%s/dev", root);
    mkdir(dev, 0755);
    if (do_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC,
                 "mode=755,size=65536k") == -1)
        return -1;
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        char host[64];
        int fd;
        snprintf(path, sizeof(path), "%s/%s", dev, nodes[i].name);
        snprintf(host, sizeof(host), "/dev/%s", nodes[i].name);
        if (bind) {
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd == -1)
                return ct_fail_errno("create '%s'", path);
            close(fd);
            if (do_mount(host, path, NULL, MS_BIND, NULL) == -1)
                return -1;
        } else if (mknod(path, S_IFCHR | 0666,
                         makedev(nodes[i].major, nodes[i].minor)) == -1 ||
                   chmod(path, 0666) == -1) {
            return ct_fail_errno("mknod '%s'", path);
        }
    }
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dev, links[i][1]);
        if (symlink(links[i][0], path) == -1)
            return ct_fail_errno("symlink '%s'", path);
    }
    snprintf(path, sizeof(path), "%s/pts", dev);
    if (mkdir(path, 0755) == -1 ||
        do_mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
                 gid5 ? "newinstance,ptmxmode=0666,mode=0620,gid=5"
                      : "newinstance,ptmxmode=0666,mode=0620") == -1)
        return ct_fail_errno("devpts on '%s'", path);
    snprintf(path, sizeof(path), "%s/shm", dev);
    if (mkdir(path, 01777) == -1 ||
        do_mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=1777,size=65536k") == -1)
        return ct_fail_errno("shm on '%s'", path);
    return 0;
}

/* Before the pivot, paths in the new root are looked up from the host's
 * "/": an image whose /dev is a symlink would put our mounts outside it.
 * dev, proc and sys must be real directories (made when missing). */
static int
check_mount_points(const char *root)
{
    static const char *const dirs[] = {"dev", "proc", "sys"};
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

    if (rootfd == -1)
        return ct_fail_errno("open '%s'", root);
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        fd = open_in_root(rootfd, dirs[i], true, false);
        if (fd == -1) {
            close(rootfd);
            return ct_fail_errno("/%s in the image (a symlink is refused)",
                                 dirs[i]);
        }
        close(fd);
    }
    close(rootfd);
    return 0;
}

static int spec_rootfs_setup(struct container *c);

int
rootfs_setup(struct container *c)
{
    char root[4200];
    bool userns = c->userns.mode != USERNS_HOST;
    /* devpts takes gid=5 only when gid 5 is mapped (not with one id) */
    bool gid5 = !userns || c->userns.mode == USERNS_AUTO ||
        (c->userns.helpers && c->userns.gid.n > 1 &&
         c->userns.gid.count[1] >= 5);

    if (c->spec)
        return spec_rootfs_setup(c);
    snprintf(root, sizeof(root), "%s/merged", overlay_dir(c));
    if (mount_etc_files(c, root) == -1 || rootfs_mount_volumes(c, root) == -1)
        return -1;
    if (!userns) { /* step 05's order */
        if (pivot(root) == -1 || mount_dev("", false, gid5) == -1 ||
            mount_proc_sys("") == -1)
            return -1;
    } else if (check_mount_points(root) == -1 ||
               mount_dev(root, true, gid5) == -1 ||
               mount_proc_sys(root) == -1 || pivot(root) == -1) {
        return -1; /* step 08's: before the host's /proc goes */
    }
    if (mask_proc() == -1)
        return -1;
    if (c->workdir) {
        int root_fd = open("/", O_PATH | O_CLOEXEC);
        int fd =
            root_fd == -1 ? -1 : open_in_root(root_fd, c->workdir, true, false);
        if (root_fd != -1)
            close(root_fd);
        if (fd == -1)
            return ct_fail_errno("workdir '%s'", c->workdir);
        close(fd);
    }
    if (c->read_only &&
        do_mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == -1)
        return -1;
    return 0;
}

/* ---- an OCI container's root (config.json) ----------------------------- */

#ifndef RESOLVE_IN_ROOT
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif
struct open_how_compat {
    uint64_t flags, mode, resolve;
};

/* openat2(2) with RESOLVE_IN_ROOT: rel resolved as if rootfd were "/",
 * symlinks and ".." included, so nothing can lead out of the root. */
static int
open_beneath(int rootfd, const char *rel, int flags)
{
    struct open_how_compat how = {.flags = (uint64_t)(flags | O_CLOEXEC),
                                  .resolve =
                                      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

    return (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how,
                        sizeof(how));
}

/* The target of a mount or a device inside the root: made when missing
 * (its parents as directories, itself as a directory or, for `file`, an
 * empty file), each step resolved inside the root. An O_PATH fd, or -1
 * with errno. */
static int
spec_target(int rootfd, const char *dest, bool file)
{
    char rel[4096];
    size_t len = 0;

    while (*dest == '/')
        dest++;
    for (;;) {
        size_t n = strcspn(dest + len, "/");
        bool last = dest[len + n] == '\0' ||
            dest[len + n + strspn(dest + len + n, "/")] == '\0';
        int fd, parent;

        if (len + n >= sizeof(rel)) {
            errno = ENAMETOOLONG;
            return -1;
        }
        snprintf(rel, sizeof(rel), "%.*s", (int)(len + n), dest);
        fd = open_beneath(rootfd, rel, O_PATH);
        if (fd == -1 && errno == ENOENT) {
            char parent_rel[4096];
            snprintf(parent_rel, sizeof(parent_rel), "%.*s", (int)len, dest);
            parent = open_beneath(rootfd, parent_rel, O_PATH | O_DIRECTORY);
            if (parent == -1)
                return -1;
            snprintf(rel, sizeof(rel), "%.*s", (int)n, dest + len);
            if (last && file) {
                int f = openat(parent, rel,
                               O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
                if (f != -1)
                    close(f);
            } else {
                mkdirat(parent, rel, 0755);
            }
            close(parent);
            snprintf(rel, sizeof(rel), "%.*s", (int)(len + n), dest);
            fd = open_beneath(rootfd, rel, O_PATH);
        }
        if (fd == -1 || last)
            return fd;
        close(fd);
        len += n;
        len += strspn(dest + len, "/");
    }
}

static void
fd_path(char *buf, size_t size, int fd)
{
    snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* A cgroup mount: what the container may see of the cgroup tree. On a
 * cgroup2 host, cgroup2 itself (in a cgroup namespace it shows the
 * container's own cgroup as its root). On v1 and hybrid, a tmpfs with one
 * mount per hierarchy, as runc makes it: each a fresh mount of the
 * hierarchy, so that in the container's cgroup namespace it starts at the
 * container's cgroup. */
static int
mount_cgroup(const struct spec_mount *m, int rootfd, int under)
{
    unsigned long flags = m->flags & ~(MS_RDONLY | MS_BIND | MS_REC);
    char target[64], line[4096];
    FILE *f;
    int rc = 0, target_fd;

    fd_path(target, sizeof(target), under);
    if (!strcmp(cgroups_mode(), "v2"))
        return do_mount("cgroup2", target, "cgroup2", m->flags & ~MS_BIND,
                        NULL);
    if (do_mount("tmpfs", target, "tmpfs", flags, "mode=755") == -1)
        return -1;
    /* `under` is the directory below the tmpfs now: look it up again. */
    target_fd = spec_target(rootfd, m->destination, false);
    if (target_fd == -1)
        return ct_fail_errno("the cgroup tmpfs '%s'", m->destination);
    f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return ct_fail_errno("open /proc/self/mountinfo");
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        char mnt[1024], fstype[64], opts[1024], sub[1100], *sep, *name;
        int fd;
        if (!(sep = strstr(line, " - ")) ||
            sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2 ||
            strncmp(mnt, "/sys/fs/cgroup/", 15) != 0 ||
            (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")) ||
            !cgroups_mount_reachable(line, mnt))
            continue;
        name = mnt + 15;
        snprintf(sub, sizeof(sub), "%s/%s", m->destination, name);
        fd = openat(target_fd, name, O_PATH | O_CLOEXEC);
        if (fd == -1 && mkdirat(target_fd, name, 0755) == 0)
            fd = openat(target_fd, name, O_PATH | O_CLOEXEC);
        if (fd == -1) {
            rc = ct_fail_errno("mkdir '%s'", sub);
            break;
        }
        fd_path(target, sizeof(target), fd);
        /* the controllers of the hierarchy: its options but rw/ro etc. */
        {
            char data[1024] = "";
            size_t len = 0;
            char *save = NULL;
            for (char *o = strtok_r(opts, ",", &save); o;
                 o = strtok_r(NULL, ",", &save))
                if (strcmp(o, "rw") && strcmp(o, "ro"))
                    len += (size_t)snprintf(data + len, sizeof(data) - len,
                                            "%s%s", len ? "," : "", o);
            rc = do_mount("cgroup", target, fstype, flags | MS_RDONLY,
                          strcmp(fstype, "cgroup2") ? data : NULL);
        }
        close(fd);
    }
    fclose(f);
    fd_path(target, sizeof(target), target_fd);
    if (rc == 0 && (m->flags & MS_RDONLY))
        rc = do_mount(NULL, target, NULL, MS_REMOUNT | MS_RDONLY | flags,
                      "mode=755");
    close(target_fd);
    return rc;
}

/* One entry of config.json's mounts. tmpfs mounts asked read-only are
 * made writable first (devices go into /dev) and remounted at the end. */
static int
spec_mount_one(struct container *c, int rootfd, const struct spec_mount *m)
{
    unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    bool is_tmpfs = m->type && !strcmp(m->type, "tmpfs");
    char target[64];
    struct stat st = {.st_mode = S_IFDIR};
    int fd, rc = 0;

    (void)c;
    if (m->bind && (!m->source || stat(m->source, &st) == -1))
        return ct_fail_errno("bind mount source '%s' for '%s'",
                             m->source ? m->source : "", m->destination);
    fd = spec_target(rootfd, m->destination, !S_ISDIR(st.st_mode));
    if (fd == -1)
        return ct_fail_errno("mount target '%s' in the container",
                             m->destination);
    fd_path(target, sizeof(target), fd);
    if (m->bind)
        rc = do_mount(m->source, target, NULL,
                      MS_BIND | (m->recursive ? MS_REC : 0), NULL);
    else if (!strcmp(m->type, "cgroup"))
        rc = mount_cgroup(m, rootfd, fd);
    else
        rc = do_mount(m->source ? m->source : m->type, target, m->type,
                      is_tmpfs ? flags & ~MS_RDONLY : flags, m->data);
    close(fd);
    if (rc == -1 || (!(m->bind && flags) && !m->propagation))
        return rc;
    /* fd named the directory under the new mount: look the path up again
     * to reach the mount itself. A bind mount takes its flags only from a
     * remount; then the propagation. */
    fd = spec_target(rootfd, m->destination, !S_ISDIR(st.st_mode));
    if (fd == -1)
        return ct_fail_errno("mount target '%s' in the container",
                             m->destination);
    fd_path(target, sizeof(target), fd);
    if (m->bind && flags)
        rc = do_mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | flags, NULL);
    if (rc == 0 && m->propagation)
        rc = do_mount(NULL, target, NULL, m->propagation, NULL);
    close(fd);
    return rc;
}

/* The devices every container has (runtime-spec config-linux.md "Default
 * Devices"), and config.json's own. With a user namespace mknod is not
 * allowed: the host's node is bind-mounted instead, as runc does. */
static int
make_device(struct container *c, int rootfd, const struct spec_device *d)
{
    mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
    mode_t mode = d->mode ? d->mode : 0666;
    char target[64];
    int fd, rc = 0;

    if (namespaces_has(c, CLONE_NEWUSER)) {
        fd = spec_target(rootfd, d->path, true);
        if (fd == -1)
            return ct_fail_errno("device '%s' in the container", d->path);
        fd_path(target, sizeof(target), fd);
        rc = do_mount(d->path, target, NULL, MS_BIND, NULL);
        close(fd);
        return rc;
    }
    {
        const char *slash = strrchr(d->path, '/');
        char dir[4096];
        int parent;
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - d->path), d->path);
        parent = spec_target(rootfd, dir, false);
        if (parent == -1)
            return ct_fail_errno("directory of device '%s'", d->path);
        fd = open_beneath(parent, "", O_RDONLY | O_DIRECTORY);
        close(parent);
        if (fd == -1)
            return ct_fail_errno("directory of device '%s'", d->path);
        ct_trace(NULL, "mknod(\"%s\", %c %lld:%lld)", d->path, d->type,
                 (long long)d->major, (long long)d->minor);
        unlinkat(fd, slash + 1, 0); /* a node from the image: ours wins */
        if (mknodat(fd, slash + 1, type | mode,
                    type == S_IFIFO ? 0
                                    : makedev((unsigned)d->major,
                                              (unsigned)d->minor)) == -1 ||
            fchmodat(fd, slash + 1, mode, 0) == -1 ||
            fchownat(fd, slash + 1, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) == -1)
            rc = ct_fail_errno("mknod '%s' in the container", d->path);
        close(fd);
    }
    return rc;
}

static int
spec_devices(struct container *c, int rootfd)
{
    static const struct spec_device defaults[] = {
        {"/dev/null", 'c', 1, 3, 0666, 0, 0},
        {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
        {"/dev/full", 'c', 1, 7, 0666, 0, 0},
        {"/dev/random", 'c', 1, 8, 0666, 0, 0},
        {"/dev/urandom", 'c', 1, 9, 0666, 0, 0},
        {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
    };
    static const char *const links[][2] = {
        {"/proc/self/fd", "dev/fd"},       {"/proc/self/fd/0", "dev/stdin"},
        {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
        {"pts/ptmx", "dev/ptmx"},
    };
    const struct oci_spec *s = c->spec;
    int dev;

    /* A /dev bound from the host brings its own nodes. */
    for (int i = 0; i < s->nmounts; i++)
        if (!strcmp(s->mounts[i].destination, "/dev") && s->mounts[i].bind)
            return 0;
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        bool mine = false;
        for (int j = 0; j < s->ndevices; j++)
            mine |= !strcmp(s->devices[j].path, defaults[i].path);
        if (!mine && make_device(c, rootfd, &defaults[i]) == -1)
            return -1;
    }
    for (int i = 0; i < s->ndevices; i++)
        if (make_device(c, rootfd, &s->devices[i]) == -1)
            return -1;
    dev = spec_target(rootfd, "/dev", false);
    if (dev == -1)
        return ct_fail_errno("/dev in the container");
    {
        int d = open_beneath(dev, "", O_RDONLY | O_DIRECTORY);
        close(dev);
        if (d == -1)
            return ct_fail_errno("/dev in the container");
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
            unlinkat(d, links[i][1] + 4, 0);
            if (symlinkat(links[i][0], d, links[i][1] + 4) == -1 &&
                errno != EEXIST) {
                close(d);
                return ct_fail_errno("symlink '/%s'", links[i][1]);
            }
        }
        close(d);
    }
    return 0;
}

/* runc's rootfsParentMountPrivate: the mount that holds the root must
 * not be shared, or pivot_root refuses (and our bind would propagate to
 * the host). Its mount point is the longest mountinfo entry that is a
 * prefix of the root. */
static int
parent_mount_private(const char *root)
{
    char line[4096], best[4096] = "/";
    size_t best_len = 1;
    FILE *f = fopen("/proc/self/mountinfo", "re");

    if (!f)
        return ct_fail_errno("open /proc/self/mountinfo");
    while (fgets(line, sizeof(line), f)) {
        char mnt[4096];
        size_t n;
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
            continue;
        n = strlen(mnt);
        if (n > best_len && !strncmp(root, mnt, n) &&
            (root[n] == '/' || root[n] == '\0')) {
            snprintf(best, sizeof(best), "%s", mnt);
            best_len = n;
        }
    }
    fclose(f);
    return do_mount(NULL, best, NULL, MS_PRIVATE, NULL);
}

/* After pivot_root: masked paths read as empty (a read-only tmpfs on a
 * directory, /dev/null on a file), read-only paths are remounted so. */
static int
spec_paths(const struct oci_spec *s)
{
    struct stat st;

    for (char **p = s->masked_paths; p && *p; p++) {
        if (lstat(*p, &st) == -1)
            continue; /* not on this kernel */
        if (S_ISDIR(st.st_mode)
                ? do_mount("tmpfs", *p, "tmpfs", MS_RDONLY, NULL)
                : do_mount("/dev/null", *p, NULL, MS_BIND, NULL))
            return -1;
    }
    for (char **p = s->readonly_paths; p && *p; p++) {
        if (lstat(*p, &st) == -1)
            continue;
        if (do_mount(*p, *p, NULL, MS_BIND | MS_REC, NULL) == -1 ||
            do_mount(NULL, *p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC,
                     NULL) == -1)
            return -1;
    }
    return 0;
}

/* linux.sysctl: kernel.domainname -> /proc/sys/kernel/domainname, in the
 * container's own /proc. */
static int
spec_sysctl(const struct oci_spec *s)
{
    for (char **kv = s->sysctl; kv && *kv; kv++) {
        char path[512];
        const char *eq = strchr(*kv, '=');
        size_t n = snprintf(path, sizeof(path), "/proc/sys/%.*s",
                            (int)(eq - *kv), *kv);
        for (size_t i = 10; i < n && i < sizeof(path); i++)
            if (path[i] == '.')
                path[i] = '/';
        if (ct_write_file(path, "%s", eq + 1) == -1)
            return ct_fail_errno("sysctl %.*s (write '%s')", (int)(eq - *kv),
                                 *kv, path);
    }
    return 0;
}

/* Into the root: pivot_root(2) with a mount namespace of its own
 * (--no-pivot: move the root onto / and chroot, as runc's msMoveRoot);
 * without one, a chroot only: pivot_root would move the host's root. */
static int
spec_enter_root(struct container *c)
{
    const char *root = c->spec->root;

    if (chdir(root) == -1)
        return ct_fail_errno("chdir '%s'", root);
    if (!namespaces_has(c, CLONE_NEWNS) || c->spec->no_pivot) {
        if (namespaces_has(c, CLONE_NEWNS) &&
            do_mount(root, "/", NULL, MS_MOVE, NULL) == -1)
            return -1;
        ct_trace("chroot .", "chroot(\".\")");
        if (chroot(".") == -1)
            return ct_fail_errno("chroot '%s'", root);
        return chdir("/") == -1 ? ct_fail_errno("chdir /") : 0;
    }
    ct_trace("cd ROOT && pivot_root . . && umount -l .", "pivot_root(\"%s\")",
             root);
    if (syscall(SYS_pivot_root, ".", ".") == -1)
        return ct_fail_errno("pivot_root to '%s'", root);
    /* The old root, stacked on ours: a slave first, so that taking it
     * away never reaches the host's mounts, whatever / propagates. */
    if (do_mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) == -1)
        return -1;
    if (umount2(".", MNT_DETACH) == -1)
        return ct_fail_errno("umount2 the old root");
    return chdir("/") == -1 ? ct_fail_errno("chdir /") : 0;
}

static int
spec_rootfs_setup(struct container *c)
{
    const struct oci_spec *s = c->spec;
    bool own_mounts = namespaces_has(c, CLONE_NEWNS);
    int rootfd, rc = 0;

    /* The root must be a mount point for pivot_root: bind it onto
     * itself (on a private parent). Without a mount namespace every mount
     * here lands on the host, where delete takes them away again. */
    if (own_mounts &&
        (parent_mount_private(s->root) == -1 ||
         do_mount(s->root, s->root, NULL, MS_BIND | MS_REC, NULL) == -1))
        return -1;
    rootfd = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd == -1)
        return ct_fail_errno("open the root '%s'", s->root);
    for (int i = 0; rc == 0 && i < s->nmounts; i++)
        rc = spec_mount_one(c, rootfd, &s->mounts[i]);
    if (rc == 0)
        rc = spec_devices(c, rootfd);
    close(rootfd);
    if (rc == -1 || spawn_sync_hooks(c) == -1 || spec_enter_root(c) == -1 ||
        spec_sysctl(s) == -1 || spec_paths(s) == -1)
        return -1;
    /* tmpfs mounts asked read-only, made writable for the devices. */
    for (int i = 0; i < s->nmounts; i++) {
        const struct spec_mount *m = &s->mounts[i];
        if (!m->bind && m->type && !strcmp(m->type, "tmpfs") &&
            (m->flags & MS_RDONLY) &&
            do_mount(NULL, m->destination, NULL,
                     MS_REMOUNT | (m->flags & ~(MS_BIND | MS_REC)),
                     m->data) == -1)
            return -1;
    }
    if (s->root_readonly &&
        do_mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == -1)
        return -1;
    if (own_mounts && s->rootfs_propagation &&
        do_mount(NULL, "/", NULL, s->rootfs_propagation, NULL) == -1)
        return -1;
    if (c->workdir) {
        int root_fd = open("/", O_PATH | O_CLOEXEC);
        int fd = root_fd == -1 ? -1 : spec_target(root_fd, c->workdir, false);
        if (root_fd != -1)
            close(root_fd);
        if (fd == -1)
            return ct_fail_errno("process.cwd '%s'", c->workdir);
        close(fd);
    }
    return 0;
}

void
rootfs_unmount_below(const char *root)
{
    char line[4096], mounts[64][4096];
    size_t len = strlen(root);
    int n = 0;
    FILE *f = fopen("/proc/self/mountinfo", "re");

    if (!f || !len)
        return;
    while (n < 64 && fgets(line, sizeof(line), f))
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mounts[n]) == 1 &&
            !strncmp(mounts[n], root, len) &&
            (mounts[n][len] == '/' || mounts[n][len] == '\0'))
            n++;
    fclose(f);
    /* deepest (last mounted) first */
    for (int i = n - 1; i >= 0; i--) {
        ct_trace(NULL, "umount2(\"%s\", MNT_DETACH)", mounts[i]);
        umount2(mounts[i], MNT_DETACH);
    }
}
