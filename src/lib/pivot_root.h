/*
 * pivot_root.h: what step 05 taught, for the steps after it to call.
 *
 * steps/05-pivot-root/pivotbox.c shows these in full, with their why: a
 * traced mount(2), mkdir and symlink, making every mount private, mounting proc and sysfs,
 * pivot_root(".", ".") with the old root detached, and runc's masked and
 * read-only /proc paths. From step 08 on a step calls them from here, so
 * its own file shows only its new idea. They run in the container's child,
 * in its own mount namespace, and never die: each records its failure
 * with ct_fail_errno and returns -1, for the child to ct_report.
 */
#ifndef CT_PIVOT_ROOT_H
#define CT_PIVOT_ROOT_H

/* mount(2), traced as the call ("mount(src, target, type, MS_..., data)")
 * beside `shell`, the command that does the same. */
int ct_mount(const char *src, const char *target, const char *type,
             unsigned long flags, const char *data, const char *shell);

/* mkdir PATH (mode 0755) and ln -s TARGET PATH, traced. */
int ct_make_dir(const char *path);
int ct_make_link(const char *target, const char *path);

/* mount --make-rprivate /: no mount of ours propagates to the host. */
int ct_make_mounts_private(void);

/* A fresh proc on "proc" and a read-only sysfs on "sys", both relative
 * to the cwd (the new root, before the pivot). */
int ct_mount_proc_sys(void);

/* The cwd becomes "/": pivot_root(".", "."), the old root detached
 * (umount -l .), cd /. */
int ct_pivot_to_cwd(void);

/* After the pivot: /dev/null or an empty read-only tmpfs over each of
 * runc's masked paths, and its read-only paths remounted read-only. */
int ct_mask_proc(void);

#endif
