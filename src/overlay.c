/*
 * overlay.c: the container's root, as step 07-overlay makes it.
 *
 * The image is the read-only lower layer; the container writes to its own
 * upper directory, and overlayfs shows the two as one tree (merged). A
 * second container from the same image copies nothing. The mount is made
 * inside the container's mount namespace, so it disappears with the
 * container even if minictr is killed: only the directories remain, and
 * `minictr rm` removes those.
 *
 * In a user namespace (a user's container, --userns auto) root inside may
 * not write overlayfs's notes into trusted.* xattrs (host root only), so
 * `userxattr` puts them in user.overlay.*: without it, removing a
 * directory of the image fails with EIO (step 08). With --userns auto the
 * layers are idmapped copies (userns.c): the image at DIR/lower, and DIR
 * itself, which the child works in ("." below).
 *
 * Read: overlayfs documentation (filesystems/overlayfs.rst), mount(2).
 */
#include "minictr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

int
overlay_prepare(struct container *c)
{
    static const char *const subdirs[] = {"upper", "work", "merged", "lower"};
    char path[4200];

    ct_trace(NULL, "mkdir -p %s/{upper,work,merged}", c->dir);
    if (ct_mkdir_p(c->dir, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", c->dir);
    /* lower: where --userns auto attaches the idmapped image */
    for (size_t i = 0; i < (c->userns.mode == USERNS_AUTO ? 4 : 3); i++) {
        snprintf(path, sizeof(path), "%s/%s", c->dir, subdirs[i]);
        if (mkdir(path, 0755) == -1)
            return ct_fail_errno("mkdir '%s'", path);
    }
    return 0;
}

const char *
overlay_dir(const struct container *c)
{
    return c->userns.mode == USERNS_AUTO ? "." : c->dir;
}

static int
mount_overlay(struct container *c, bool volatile_upper)
{
    const char *dir = overlay_dir(c);
    const char *lower = c->userns.mode == USERNS_AUTO ? "./lower" : c->rootfs;
    char opts[8192 + 64], merged[4200];
    int n;

    /* The lowerdir option cannot hold ':' or ',' unescaped, and the whole
     * option string must fit in one page. */
    if (strpbrk(c->rootfs, ":,") || strpbrk(c->dir, ":,"))
        return ct_fail("the path '%s' has ':' or ',', which overlay options "
                       "cannot hold",
                       strpbrk(c->rootfs, ":,") ? c->rootfs : c->dir);
    n = snprintf(opts, sizeof(opts),
                 "lowerdir=%s,upperdir=%s/upper,workdir=%s/work%s%s", lower,
                 dir, dir, volatile_upper ? ",volatile" : "",
                 c->userns.mode != USERNS_HOST ? ",userxattr" : "");
    if (n >= 4096) {
        errno = E2BIG;
        return ct_fail_errno("overlay options for '%s'", c->rootfs);
    }
    snprintf(merged, sizeof(merged), "%s/merged", dir);
    if (ct_tracing) {
        char shell[8192 + 4300];
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
overlay_mount(struct container *c)
{
    /* --rm: the upper dir is thrown away at exit, so nothing needs to
     * reach the disk: "volatile" (Linux 5.10) skips the syncfs overlayfs
     * does at unmount, which otherwise flushes the whole host filesystem
     * every time a container ends. Older kernels refuse it: mount again
     * without. */
    if (!c->remove)
        return mount_overlay(c, false);
    if (mount_overlay(c, true) == 0)
        return 0;
    if (ct_error_errno() != EINVAL)
        return -1;
    ct_clear_error();
    return mount_overlay(c, false);
}

int
overlay_remove(const char *dir)
{
    if (!dir[0])
        return 0;
    ct_trace(NULL, "rm -rf %s", dir);
    return userns_rm_rf(dir); /* a user's: in its user namespace */
}
