/*
 * pivot_root.c: step 05's pieces, for the steps after it (see
 * pivot_root.h). steps/05-pivot-root/pivotbox.c teaches each one in full;
 * this is the same code, with the same traces.
 */
#include "pivot_root.h"

#include "ct.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* What runc and Docker hide: files that leak host secrets or kernel
 * addresses (kcore, keys, timer_list) and directories of host hardware. */
static const char *const masked_paths[] = {
    "/proc/acpi",       "/proc/asound",      "/proc/interrupts",
    "/proc/kcore",      "/proc/keys",        "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap",
};

/* What they leave readable but not writable: /proc/sys is the host's
 * sysctl tree, and a write to sysrq-trigger can reboot the host. */
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* "MS_BIND|MS_REC" for the trace: the flags a student looks up in
 * mount(2), not a number. */
static const char *
mount_flag_names(unsigned long flags, char *buf, size_t size)
{
    static const struct {
        unsigned long flag;
        const char *name;
    } names[] = {
        {MS_RDONLY, "MS_RDONLY"},   {MS_NOSUID, "MS_NOSUID"},
        {MS_NODEV, "MS_NODEV"},     {MS_NOEXEC, "MS_NOEXEC"},
        {MS_REMOUNT, "MS_REMOUNT"}, {MS_BIND, "MS_BIND"},
        {MS_REC, "MS_REC"},         {MS_STRICTATIME, "MS_STRICTATIME"},
    };

    snprintf(buf, size, "0");
    for (size_t i = 0, len = 0; i < N_OF(names); i++)
        if (flags & names[i].flag)
            len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                    len ? "|" : "", names[i].name);
    return buf;
}

int
ct_mount(const char *src, const char *target, const char *type,
         unsigned long flags, const char *data, const char *shell)
{
    char names[160];

    ct_trace(shell, "mount(\"%s\", \"%s\", \"%s\", %s, \"%s\")", src, target,
             type ? type : "", mount_flag_names(flags, names, sizeof(names)),
             data ? data : "");
    if (mount(src, target, type, flags, data) == -1)
        return ct_fail_errno("mount %s on '%s'", type ? type : src, target);
    return 0;
}

int
ct_make_dir(const char *path)
{
    char shell[PATH_MAX + 16];

    snprintf(shell, sizeof(shell), "mkdir %s", path);
    ct_trace(shell, "mkdir(\"%s\", 0755)", path);
    if (mkdir(path, 0755) == -1)
        return ct_fail_errno("mkdir '%s'", path);
    return 0;
}

int
ct_make_link(const char *target, const char *path)
{
    char shell[2 * PATH_MAX + 16];

    snprintf(shell, sizeof(shell), "ln -s %s %s", target, path);
    ct_trace(shell, "symlink(\"%s\", \"%s\")", target, path);
    if (symlink(target, path) == -1)
        return ct_fail_errno("symlink '%s'", path);
    return 0;
}

/* mount_namespaces(7): a copy of a shared mount stays a peer of the
 * original; pivot_root refuses a shared root. */
int
ct_make_mounts_private(void)
{
    ct_trace("mount --make-rprivate /",
             "mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make '/' private: mount MS_REC|MS_PRIVATE");
    return 0;
}

/* proc(5) shows our pid namespace; sysfs(5) may be mounted by whoever
 * owns the network namespace, and goes read-only. */
int
ct_mount_proc_sys(void)
{
    if (ct_mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                 "mount -t proc -o nosuid,nodev,noexec proc proc") == -1)
        return -1;
    return ct_mount("sysfs", "sys", "sysfs",
                    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                    "mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys");
}

/* pivot_root(".", "."): the old root is stacked on the new one, and
 * umount2(MNT_DETACH) takes it, and all below it, out of the namespace. */
int
ct_pivot_to_cwd(void)
{
    ct_trace("pivot_root . .", "pivot_root(\".\", \".\")");
    if (syscall(SYS_pivot_root, ".", ".") == -1)
        return ct_fail_errno("pivot_root into the new root");
    ct_trace("umount -l .", "umount2(\".\", MNT_DETACH)");
    if (umount2(".", MNT_DETACH) == -1)
        return ct_fail_errno("umount the old root");
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
    return 0;
}

/* /dev/null over a file, an empty read-only tmpfs over a directory;
 * paths this kernel lacks are skipped. */
static int
mask_path(const char *path)
{
    char shell[128];
    struct stat st;

    if (stat(path, &st) == -1)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        snprintf(shell, sizeof(shell), "mount -t tmpfs -o ro tmpfs %s", path);
        return ct_mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL, shell);
    }
    snprintf(shell, sizeof(shell), "mount --bind /dev/null %s", path);
    return ct_mount("/dev/null", path, NULL, MS_BIND, NULL, shell);
}

/* A bind mount takes flags only on a remount, which must keep proc's
 * nosuid, nodev and noexec (in a user namespace they are locked). */
static int
make_readonly(const char *path)
{
    char shell[128];

    if (access(path, F_OK) == -1)
        return 0;
    snprintf(shell, sizeof(shell), "mount --bind %s %s", path, path);
    if (ct_mount(path, path, NULL, MS_BIND | MS_REC, NULL, shell) == -1)
        return -1;
    snprintf(shell, sizeof(shell), "mount -o remount,bind,ro %s", path);
    return ct_mount(path, path, NULL,
                    MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
                        MS_NOEXEC,
                    NULL, shell);
}

int
ct_mask_proc(void)
{
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        if (mask_path(masked_paths[i]) == -1)
            return -1;
    for (size_t i = 0; i < N_OF(readonly_paths); i++)
        if (make_readonly(readonly_paths[i]) == -1)
            return -1;
    return 0;
}
