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
 * Read: pivot_root(2), mount_namespaces(7), proc(5), devpts in
 *       filesystems/devpts.rst, user_namespaces(7).
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

static int
mount_all(struct container *c, const char *root)
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

int
rootfs_setup(struct container *c)
{
    char root[4200];
    bool userns = c->userns.mode != USERNS_HOST;
    /* devpts takes gid=5 only when gid 5 is mapped (not with one id) */
    bool gid5 = !userns || c->userns.mode == USERNS_AUTO ||
        (c->userns.helpers && c->userns.gid.n > 1 &&
         c->userns.gid.count[1] >= 5);

    snprintf(root, sizeof(root), "%s/merged", overlay_dir(c));
    if (mount_etc_files(c, root) == -1 || mount_all(c, root) == -1)
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
