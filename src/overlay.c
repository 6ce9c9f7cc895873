/*
 * overlay.c: the container's root, as step 07-overlay makes it.
 *
 * The image's layers are the read-only lower directories, top first; the
 * container writes to its own upper directory, and overlayfs shows them
 * all as one tree (merged). A second container from the same image copies
 * nothing, and neither does a second image on the same base layers. The mount is made
 * inside the container's mount namespace, so it disappears with the
 * container even if minictr is killed: only the directories remain, and
 * `minictr rm` removes those.
 *
 * The options of mount(2) must fit in one page (4 KiB), which is about 40
 * layers of /var/lib/minictr/layers/HEX. A longer list goes through the new
 * mount API instead, one layer at a time (fsconfig "lowerdir+", Linux 6.8).
 *
 * In a user namespace (a user's container, --userns auto) root inside may
 * not write overlayfs's notes into trusted.* xattrs (host root only), so
 * `userxattr` puts them in user.overlay.*: without it, removing a
 * directory of the image fails with EIO (step 08); a user's layers carry
 * their opaque directories so too. With --userns auto the layers are
 * idmapped copies (userns.c): layer N at DIR/lower/N, and DIR itself,
 * which the child works in ("." below).
 *
 * Read: overlayfs documentation (filesystems/overlayfs.rst), mount(2),
 * fsopen(2), fsconfig(2), fsmount(2), move_mount(2).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

int
overlay_prepare(struct container *c)
{
    static const char *const subdirs[] = {"upper", "work", "merged", "lower"};
    char path[4200];

    ct_trace(NULL, "mkdir -p %s/{upper,work,merged}", c->dir);
    if (ct_mkdir_p(c->dir, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", c->dir);
    for (size_t i = 0; i < (c->userns.mode == USERNS_AUTO ? 4 : 3); i++) {
        snprintf(path, sizeof(path), "%s/%s", c->dir, subdirs[i]);
        if (mkdir(path, 0755) == -1)
            return ct_fail_errno("mkdir '%s'", path);
    }
    /* lower/0, lower/1...: where --userns auto attaches the idmapped
     * layers, top first */
    for (int i = 0; c->userns.mode == USERNS_AUTO && i < overlay_layers(c);
         i++) {
        snprintf(path, sizeof(path), "%s/lower/%d", c->dir, i);
        if (mkdir(path, 0755) == -1)
            return ct_fail_errno("mkdir '%s'", path);
    }
    return 0;
}

int
overlay_layers(const struct container *c)
{
    char layer[4200];
    int n = 0;

    for (const char *p = c->rootfs; p; n++)
        p = overlay_next_layer(p, layer, sizeof(layer));
    return c->rootfs[0] ? n : 0;
}

const char *
overlay_next_layer(const char *p, char *layer, size_t size)
{
    size_t n = 0;

    /* split at an unescaped ':', unescape */
    for (; *p && *p != ':' && n < size - 1; p++) {
        if (*p == '\\' && p[1])
            p++;
        layer[n++] = *p;
    }
    layer[n] = '\0';
    return *p == ':' ? p + 1 : NULL;
}

const char *
overlay_dir(const struct container *c)
{
    return c->userns.mode == USERNS_AUTO ? "." : c->dir;
}

/* More lower directories than one page of options holds: the new mount
 * API takes them one fsconfig(2) call each ("lowerdir+", Linux 6.8), so
 * only overlayfs' own limit of 500 layers is left. */
static int
mount_overlay_fsconfig(const char *lowerdir, const char *dir,
                       const char *merged, const char *flags)
{
    char path[4200], layer[4200], flag[32];
    const char *p = lowerdir;
    int fs, mnt, rc = -1;

    ct_trace(NULL,
             "fsopen(\"overlay\"), fsconfig(\"lowerdir+\", ...) for "
             "each layer, fsmount, move_mount to \"%s\"",
             merged);
    fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fs == -1)
        return ct_fail_errno("fsopen overlay (the options are longer than a "
                             "page: Linux 6.8 takes layers one by one)");
    while (p && *p) {
        p = overlay_next_layer(p, layer, sizeof(layer));
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", layer,
                    0) == -1) {
            ct_fail_errno("fsconfig lowerdir+ '%s'", layer);
            goto out;
        }
    }
    snprintf(path, sizeof(path), "%s/upper", dir);
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", path, 0) ==
        -1) {
        ct_fail_errno("fsconfig upperdir '%s'", path);
        goto out;
    }
    snprintf(path, sizeof(path), "%s/work", dir);
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", path, 0) ==
        -1) {
        ct_fail_errno("fsconfig workdir '%s'", path);
        goto out;
    }
    /* ",volatile,userxattr": flags, one call each */
    for (const char *f = flags; *f;) {
        size_t n = strcspn(++f, ",");
        snprintf(flag, sizeof(flag), "%.*s", (int)n, f);
        f += n;
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, flag, NULL, 0) == -1) {
            ct_fail_errno("fsconfig %s", flag);
            goto out;
        }
    }
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == -1) {
        ct_fail_errno("fsconfig overlay on '%s'", merged);
        goto out;
    }
    mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
    if (mnt == -1) {
        ct_fail_errno("fsmount overlay");
        goto out;
    }
    if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, merged,
                MOVE_MOUNT_F_EMPTY_PATH) == -1)
        ct_fail_errno("move_mount overlay to '%s'", merged);
    else
        rc = 0;
    close(mnt);
out:
    close(fs);
    return rc;
}

/* lowerdir is overlay's already: the image's layers, top first, ':'
 * between them, and ':', ',' and '\\' inside a path escaped by a
 * backslash (store_image_lowerdir, overlay_escape). dir holds upper and
 * work. */
static int
mount_overlay(const struct container *c, const char *lowerdir, const char *dir,
              const char *merged, bool volatile_upper)
{
    char opts[MC_ROOTFS_MAX + 8500], flags[32];
    int n;

    if (strpbrk(c->dir, ":,\\"))
        return ct_fail("the path '%s' has ':', ',' or '\\', which overlay "
                       "options cannot hold",
                       c->dir);
    snprintf(flags, sizeof(flags), "%s%s", volatile_upper ? ",volatile" : "",
             c->userns.mode != USERNS_HOST ? ",userxattr" : "");
    n = snprintf(opts, sizeof(opts),
                 "lowerdir=%s,upperdir=%s/upper,workdir=%s/work%s", lowerdir,
                 dir, dir, flags);
    /* mount(2) copies one page of options and cuts the rest: a longer
     * string would mount fewer layers, or fail with a puzzling ELOOP. */
    if (n >= 4096)
        return mount_overlay_fsconfig(lowerdir, dir, merged, flags);
    if (ct_tracing) {
        char shell[sizeof(opts) + 4300];
        snprintf(shell, sizeof(shell), "mount -t overlay overlay -o %s %s",
                 opts, merged);
        ct_trace(shell, "mount(\"overlay\", \"%s\", \"overlay\", 0, \"%s\")",
                 merged, opts);
    }
    if (mount("overlay", merged, "overlay", 0, opts) == -1)
        return ct_fail_errno("mount overlay on '%s'", merged);
    return 0;
}

int
overlay_mount_at(const struct container *c, const char *merged)
{
    return mount_overlay(c, c->rootfs, c->dir, merged, false);
}

int
overlay_mount(struct container *c)
{
    char merged[4200], lower[MC_ROOTFS_MAX];
    const char *dir = overlay_dir(c);
    size_t len = 0;

    /* --userns auto: the idmapped layers, attached at ./lower/N */
    snprintf(lower, sizeof(lower), "%s", c->rootfs);
    for (int i = 0; c->userns.mode == USERNS_AUTO && i < overlay_layers(c); i++)
        len += (size_t)snprintf(lower + len, sizeof(lower) - len,
                                "%s./lower/%d", i ? ":" : "", i);

    /* --rm: the upper dir is thrown away at exit, so nothing needs to
     * reach the disk: "volatile" (Linux 5.10) skips the syncfs overlayfs
     * does at unmount, which otherwise flushes the whole host filesystem
     * every time a container ends. Older kernels refuse it: mount again
     * without. */
    snprintf(merged, sizeof(merged), "%s/merged", dir);
    if (!c->remove)
        return mount_overlay(c, lower, dir, merged, false);
    if (mount_overlay(c, lower, dir, merged, true) == 0)
        return 0;
    if (ct_error_errno() != EINVAL)
        return -1;
    ct_clear_error();
    return mount_overlay(c, lower, dir, merged, false);
}

/* Open rel ("etc/passwd") as overlay would show it over the lower
 * directories in lowerdir, before any container is mounted: the first
 * layer from the top that has it, unless a whiteout of it or an opaque
 * directory above it in a higher layer hides the lower ones. Never
 * follows a symlink (open_in_root). Returns an O_PATH fd, or -1. */
int
overlay_open_lower(const char *lowerdir, const char *rel)
{
    const char *p = lowerdir;
    char layer[4200];

    while (p && *p) {
        int root, fd;
        struct stat st;
        bool hidden = false;
        p = overlay_next_layer(p, layer, sizeof(layer));
        root = open(layer, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root == -1)
            continue;
        fd = open_in_root(root, rel, false, false);
        if (fd != -1 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
            st.st_rdev == 0) {
            close(fd); /* a whiteout: deleted in this layer */
            fd = -1;
            hidden = true;
        }
        /* Below an opaque directory of this layer, nothing lower shows. */
        for (const char *s = strchr(rel, '/'); fd == -1 && !hidden && s;
             s = strchr(s + 1, '/')) {
            char dir[4200], v[4];
            int dfd;
            snprintf(dir, sizeof(dir), "%.*s", (int)(s - rel), rel);
            dfd = open_in_root(root, dir, false, false);
            if (dfd == -1)
                break;
            snprintf(layer, sizeof(layer), "/proc/self/fd/%d", dfd);
            /* a user's layers mark it in user.* only (userxattr) */
            hidden =
                (getxattr(layer, "trusted.overlay.opaque", v, sizeof(v)) == 1 ||
                 getxattr(layer, "user.overlay.opaque", v, sizeof(v)) == 1) &&
                v[0] == 'y';
            close(dfd);
        }
        close(root);
        if (fd != -1 || hidden)
            return fd;
    }
    errno = ENOENT;
    return -1;
}

int
overlay_remove(const char *dir)
{
    if (!dir[0])
        return 0;
    ct_trace(NULL, "rm -rf %s", dir);
    if (userns_rm_rf(dir) == -1) /* a user's: in its user namespace */
        return ct_fail_errno("remove '%s'", dir);
    return 0;
}
