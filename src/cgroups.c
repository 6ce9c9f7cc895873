/*
 * cgroups.c: the container's limits, as step 03-cgroups sets them, on
 * cgroup v2, v1 and hybrid hosts.
 *
 *   v2      one directory: /sys/fs/cgroup/minictr/minictr-ID, a cgroup of
 *           our own, with the controllers enabled in subtree_control on
 *           the way down (no process ever sits in /sys/fs/cgroup/minictr:
 *           the no-internal-processes rule).
 *   v1      one directory per controller, below the cgroup minictr itself
 *           is in for that controller (as runc does), named minictr-ID.
 *   hybrid  v1 controllers at /sys/fs/cgroup/NAME and a cgroup2 tree
 *           beside them: each controller is used where it is attached.
 *
 * Only the controllers a flag asks for are made, so a container without
 * limits costs one directory (devices, which keeps MKNOD harmless).
 *
 * Read: cgroups(7), Documentation/admin-guide/cgroup-v2.rst.
 */
#include "minictr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

const char *
cgroups_mode(void)
{
    static const char *mode; /* asked three times a run: look once */
    struct statfs fs;

    if (mode)
        return mode;
    if (statfs(CGROUP_ROOT, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        mode = "v2";
    else if (statfs(CGROUP_ROOT "/unified", &fs) == 0 &&
             fs.f_type == CGROUP2_SUPER_MAGIC)
        mode = "hybrid";
    else
        mode = "v1";
    return mode;
}

/* Where the v1 hierarchy with `controller` is mounted, from mountinfo:
 * "... /sys/fs/cgroup/memory ... - cgroup cgroup rw,memory". */
static int
v1_mount_point(const char *controller, char *buf, size_t size, char *root,
               size_t root_size)
{
    char line[4096];
    FILE *f = fopen("/proc/self/mountinfo", "re");
    int found = -1;

    if (!f)
        return -1;
    while (found == -1 && fgets(line, sizeof(line), f)) {
        char mnt[1024], fstype[64], opts[1024], subtree[1024];
        char *sep = strstr(line, " - ");

        /* Field 4 is the subtree of the hierarchy mounted there: "/" on a
         * host, our own cgroup inside a container's view of cgroupfs. */
        if (!sep ||
            sscanf(line, "%*s %*s %*s %1023s %1023s", subtree, mnt) != 2 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2 ||
            strcmp(fstype, "cgroup") != 0)
            continue;
        for (char *o = strtok(opts, ","); o; o = strtok(NULL, ","))
            if (!strcmp(o, controller)) {
                snprintf(buf, size, "%s", mnt);
                snprintf(root, root_size, "%s", subtree);
                found = 0;
                break;
            }
    }
    fclose(f);
    return found;
}

/* Our own cgroup in the v1 hierarchy of `controller`, from
 * /proc/self/cgroup lines "4:memory:/process_api/abc". */
static int
v1_own_path(const char *controller, char *buf, size_t size)
{
    char line[4096];
    FILE *f = fopen("/proc/self/cgroup", "re");
    int found = -1;

    if (!f)
        return -1;
    while (found == -1 && fgets(line, sizeof(line), f)) {
        char *list = strchr(line, ':'), *path;
        if (!list || !(path = strchr(++list, ':')))
            continue;
        *path++ = '\0';
        path[strcspn(path, "\n")] = '\0';
        for (char *o = strtok(list, ","); o; o = strtok(NULL, ","))
            if (!strcmp(o, controller)) {
                snprintf(buf, size, "%s", path);
                found = 0;
                break;
            }
    }
    fclose(f);
    return found;
}

static int
add_dir(struct container *c, const char *path)
{
    ct_trace(NULL, "mkdir %s", path);
    if (mkdir(path, 0755) == -1)
        return ct_fail_errno("mkdir cgroup '%s'", path);
    snprintf(c->cgroups[c->ncgroups++], sizeof(c->cgroups[0]), "%s", path);
    return 0;
}

static int
write_limit(const char *dir, const char *file, const char *value)
{
    char path[4096];

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >=
        sizeof(path)) {
        errno = ENAMETOOLONG;
        return ct_fail_errno("cgroup path '%s'", dir);
    }
    if (ct_write_file(path, "%s", value) == -1)
        return ct_fail_errno("write '%s' to cgroup file '%s'", value, path);
    return 0;
}

/* v1: a directory below our own cgroup in the controller's hierarchy. */
static int
v1_make(struct container *c, const char *controller, char *dir, size_t size)
{
    char mnt[1024], own[1024], root[1024];
    const char *below;
    size_t len;

    if (v1_mount_point(controller, mnt, sizeof(mnt), root, sizeof(root)) ==
            -1 ||
        v1_own_path(controller, own, sizeof(own)) == -1) {
        mc_error_code("no_such_controller");
        return ct_fail("the cgroup controller '%s' is not available here "
                       "(run bin/doctor)",
                       controller);
    }
    /* Our path is relative to the hierarchy's root; the mount shows the
     * subtree `root` of it: take that part off (runc does the same). */
    len = strcmp(root, "/") ? strlen(root) : 0;
    below = strncmp(own, root, len) == 0 ? own + len : own;
    snprintf(dir, size, "%s%s/minictr-%s", mnt, strcmp(below, "/") ? below : "",
             c->id);
    return add_dir(c, dir);
}

/* The devices the container may open (and mknod): the harmless few, as
 * Docker allows. Everything else, the host's disks above all, is denied. */
static const char *const allowed_devices[] = {
    "c 1:3 rwm", /* /dev/null */
    "c 1:5 rwm", /* /dev/zero */
    "c 1:7 rwm", /* /dev/full */
    "c 1:8 rwm", /* /dev/random */
    "c 1:9 rwm", /* /dev/urandom */
    "c 5:0 rwm", /* /dev/tty */
    "c 5:1 rwm", /* /dev/console */
    "c 5:2 rwm", /* /dev/ptmx */
    "c 136:* rwm", /* /dev/pts/N */
};

static int
create_v1(struct container *c)
{
    char dir[4096], value[64];
    struct limits *l = &c->limits;

    if (v1_make(c, "devices", dir, sizeof(dir)) == 0) {
        if (write_limit(dir, "devices.deny", "a") == -1)
            return -1;
        for (size_t i = 0; i < sizeof(allowed_devices) / sizeof(char *); i++)
            if (write_limit(dir, "devices.allow", allowed_devices[i]) == -1)
                return -1;
        c->device_cgroup = true;
    } else {
        ct_clear_error();
    }
    if (l->memory) {
        char swap[4200];
        if (v1_make(c, "memory", dir, sizeof(dir)) == -1)
            return -1;
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->memory);
        if (write_limit(dir, "memory.limit_in_bytes", value) == -1)
            return -1;
        /* memory+swap = memory: no swap. Present only with swap
         * accounting (swapaccount=1). */
        snprintf(swap, sizeof(swap), "%s/memory.memsw.limit_in_bytes", dir);
        if (access(swap, F_OK) == 0 &&
            write_limit(dir, "memory.memsw.limit_in_bytes", value) == -1)
            return -1;
    }
    if (l->cpus_millionths) {
        if (v1_make(c, "cpu", dir, sizeof(dir)) == -1 ||
            write_limit(dir, "cpu.cfs_period_us", "100000") == -1)
            return -1;
        snprintf(value, sizeof(value), "%llu",
                 (unsigned long long)(l->cpus_millionths / 10));
        if (write_limit(dir, "cpu.cfs_quota_us", value) == -1)
            return -1;
    }
    if (l->pids) {
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->pids);
        if (v1_make(c, "pids", dir, sizeof(dir)) == -1 ||
            write_limit(dir, "pids.max", value) == -1)
            return -1;
    }
    return 0;
}

/* v2: enable the controllers we need in `dir`'s subtree_control. */
static int
v2_enable(const char *dir, const struct limits *l)
{
    char path[700], have[512], want[128] = "";

    snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
    if (ct_read_file(path, have, sizeof(have)) == -1)
        return ct_fail_errno("read '%s'", path);
    if (l->memory)
        strcat(want, " +memory");
    if (l->cpus_millionths)
        strcat(want, " +cpu");
    if (l->pids)
        strcat(want, " +pids");
    for (char *w = strtok(want, " "); w; w = strtok(NULL, " "))
        if (!strstr(have, w + 1)) {
            mc_error_code("no_such_controller");
            return ct_fail("the cgroup controller '%s' is not enabled in "
                           "'%s' (run bin/doctor)",
                           w + 1, dir);
        }
    snprintf(want, sizeof(want), "%s%s%s", l->memory ? "+memory " : "",
             l->cpus_millionths ? "+cpu " : "", l->pids ? "+pids" : "");
    if (!want[0])
        return 0;
    return write_limit(dir, "cgroup.subtree_control", want);
}

static int
create_v2(struct container *c)
{
    char dir[512], value[64];
    struct limits *l = &c->limits;

    if (v2_enable(CGROUP_ROOT, l) == -1)
        return -1;
    snprintf(dir, sizeof(dir), CGROUP_ROOT "/minictr/minictr-%s", c->id);
    /* /sys/fs/cgroup/minictr is shared by every container (and cgbox),
     * and whoever leaves it empty removes it: if it vanishes between our
     * two mkdirs, make it again. */
    for (int tries = 0;; tries++) {
        if (mkdir(CGROUP_ROOT "/minictr", 0755) == -1 && errno != EEXIST)
            return ct_fail_errno("mkdir cgroup '%s'", CGROUP_ROOT "/minictr");
        if (v2_enable(CGROUP_ROOT "/minictr", l) == -1)
            return -1;
        ct_trace(NULL, "mkdir %s", dir);
        if (mkdir(dir, 0755) == 0)
            break;
        if (errno != ENOENT || tries == 3)
            return ct_fail_errno("mkdir cgroup '%s'", dir);
    }
    snprintf(c->cgroups[c->ncgroups++], sizeof(c->cgroups[0]), "%s", dir);
    if (l->memory) {
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->memory);
        if (write_limit(dir, "memory.max", value) == -1)
            return -1;
        if (access("/sys/fs/cgroup/minictr/memory.swap.max", F_OK) == 0 &&
            write_limit(dir, "memory.swap.max", "0") == -1)
            return -1;
    }
    if (l->cpus_millionths) {
        snprintf(value, sizeof(value), "%llu 100000",
                 (unsigned long long)(l->cpus_millionths / 10));
        if (write_limit(dir, "cpu.max", value) == -1)
            return -1;
    }
    if (l->pids) {
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->pids);
        if (write_limit(dir, "pids.max", value) == -1)
            return -1;
    }
    /* Devices on v2 are limited by a BPF program (privileges.c). */
    c->device_cgroup = privileges_device_filter(dir) == 0;
    if (!c->device_cgroup)
        warnx_ct("cannot attach the device filter to '%s': %s", dir,
                 ct_errno_name(errno));
    return 0;
}

int
cgroups_create(struct container *c)
{
    int rc;

    c->ncgroups = 0;
    rc = !strcmp(cgroups_mode(), "v2") ? create_v2(c) : create_v1(c);
    if (rc == -1)
        cgroups_destroy(c);
    return rc;
}

int
cgroups_join(struct container *c)
{
    if (c->in_cgroup)
        return 0;
    for (int i = 0; i < c->ncgroups; i++) {
        char path[600];
        snprintf(path, sizeof(path), "%s/cgroup.procs", c->cgroups[i]);
        /* "0" is the writing process itself. */
        if (ct_write_file(path, "0") == -1)
            return ct_fail_errno("join cgroup '%s'", path);
    }
    return 0;
}

/* Kill every process left in dir (they are the container's). */
static void
kill_all(const char *dir)
{
    char path[600], pids[8192];

    snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
    if (access(path, F_OK) == 0 && ct_write_file(path, "1") == 0)
        return;
    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    if (ct_read_file(path, pids, sizeof(pids)) <= 0)
        return;
    for (char *p = strtok(pids, "\n"); p; p = strtok(NULL, "\n"))
        kill((pid_t)atoi(p), SIGKILL);
}

void
cgroups_remove_dirs(char (*dirs)[512], int n)
{
    for (int i = n - 1; i >= 0; i--) {
        struct timespec pause = {0, 5 * 1000 * 1000};
        ct_trace(NULL, "rmdir %s", dirs[i]);
        /* rmdir fails with EBUSY while a process, or a dying one, is
         * still in the cgroup: kill and retry for up to two seconds. */
        for (int tries = 0;
             rmdir(dirs[i]) == -1 && errno == EBUSY && tries < 400; tries++) {
            kill_all(dirs[i]);
            nanosleep(&pause, NULL);
        }
    }
    if (!strcmp(cgroups_mode(), "v2"))
        rmdir(CGROUP_ROOT "/minictr"); /* only when no other container */
}

void
cgroups_destroy(struct container *c)
{
    cgroups_remove_dirs(c->cgroups, c->ncgroups);
    c->ncgroups = 0;
}

uint64_t
cgroups_oom_kills(struct container *c)
{
    for (int i = 0; i < c->ncgroups; i++) {
        static const char *const files[] = {"memory.events",
                                            "memory.oom_control"};
        for (int f = 0; f < 2; f++) {
            char path[600], buf[1024], *p;
            snprintf(path, sizeof(path), "%s/%s", c->cgroups[i], files[f]);
            if (ct_read_file(path, buf, sizeof(buf)) == -1)
                continue;
            p = strstr(buf, "oom_kill ");
            if (p)
                return strtoull(p + 9, NULL, 10);
        }
    }
    return 0;
}
