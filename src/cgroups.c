/*
 * cgroups.c: the container's cgroups, as step 03-cgroups makes them, on
 * cgroup v2, v1 and hybrid hosts; and what `pause`, `top` and `stats`
 * read and write there.
 *
 *   v2      one directory: /sys/fs/cgroup/minictr/minictr-ID, a cgroup of
 *           our own, with the controllers enabled in subtree_control on
 *           the way down (no process ever sits in /sys/fs/cgroup/minictr:
 *           the no-internal-processes rule).
 *   hybrid  v1 controllers at /sys/fs/cgroup/NAME and a cgroup2 tree at
 *           /sys/fs/cgroup/unified. The container always gets a directory
 *           in the cgroup2 tree, below the cgroup minictr is in: it is
 *           cloned straight into it (clone3, no migration), a BPF program
 *           there limits devices, cgroup.freeze pauses it, cgroup.kill
 *           ends it. A v1 directory is made only for a limit asked for
 *           (-m, --cpus, --pids-limit: those controllers are v1 here).
 *   v1      one directory per controller, below the cgroup minictr itself
 *           is in for that controller (as runc does), named minictr-ID:
 *           devices and freezer always, the others for limits.
 *
 * Why hybrid is done so: moving a process into a v1 cgroup makes the
 * kernel wait for an RCU grace period (cgroup_attach_task takes a
 * percpu rwsem for writing: 10-15 ms on this 2-cpu VM, more than the rest
 * of a start). A process born in its cgroup2 cgroup (CLONE_INTO_CGROUP)
 * pays nothing, and BPF device programs work on the cgroup2 tree even
 * while the devices controller is bound to v1. So the common case, a
 * container without limits, starts without any migration.
 *
 * Names first: cgroups_plan writes the directories into the container's
 * record before cgroups_create makes them, so `rm` finds each one.
 *
 * An OCI container (config.json) is placed as runc places one: in every
 * hierarchy, at linux.cgroupsPath — an absolute path from each
 * hierarchy's root (containerd gives /default/ID), a relative one below
 * our own cgroup there, and without one at minictr-ID below our own —
 * and linux.resources are written into the files of each controller
 * (memory.limit_in_bytes on v1, memory.max on v2, and so on).
 *
 * A user without root may make cgroups only where root delegated a
 * directory to it (one the user owns): a systemd login does that for a
 * desktop session, a teacher can by hand (README "Without sudo"). Where
 * none is, a user's containers run without a cgroup, as podman's do: no
 * limits (asking for one is an error with the fix), no pause.
 *
 * Read: cgroups(7), Documentation/admin-guide/cgroup-v2.rst ("Freezer",
 *       "cgroup.kill"), Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst.
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

const char *
cgroups_mode(void)
{
    static const char *mode; /* asked several times a run: look once */
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

/* Where the hierarchy is mounted, from mountinfo: a v1 hierarchy with
 * `controller` ("... /sys/fs/cgroup/memory ... - cgroup cgroup
 * rw,memory"), or with controller NULL the cgroup2 one. `root` gets
 * field 4, the subtree of the hierarchy mounted there: "/" on a host, our
 * own cgroup inside a container's view of cgroupfs. */
/* mountinfo, read once a process: a start asks for mount points a few
 * times, and each read makes the kernel print every mount (0.1 ms a read
 * here, with 21 mounts; a host with hundreds of mounts pays more). */
static const char *
mountinfo(void)
{
    static char *text;
    size_t len = 0, cap = 16384;
    FILE *f;

    if (text)
        return text;
    f = fopen("/proc/self/mountinfo", "re");
    text = f ? malloc(cap) : NULL;
    while (text) {
        char *bigger;
        len += fread(text + len, 1, cap - 1 - len, f);
        if (len < cap - 1)
            break; /* all of it */
        bigger = realloc(text, cap *= 2);
        if (!bigger)
            free(text);
        text = bigger;
    }
    if (text)
        text[len] = '\0';
    if (f)
        fclose(f);
    return text;
}

static int
mount_point(const char *controller, char *buf, size_t size, char *root,
            size_t root_size)
{
    char line[4096];
    const char *p = mountinfo();
    int found = -1;

    if (!p)
        return -1;
    while (found == -1 && *p) {
        char mnt[1024], fstype[64], opts[1024], subtree[1024], *sep;
        size_t n = strcspn(p, "\n");

        snprintf(line, sizeof(line), "%.*s", (int)n, p);
        p += n + (p[n] == '\n');
        sep = strstr(line, " - ");

        if (!sep ||
            sscanf(line, "%*s %*s %*s %1023s %1023s", subtree, mnt) != 2 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
            continue;
        if (!controller) {
            if (strcmp(fstype, "cgroup2") == 0) {
                snprintf(buf, size, "%s", mnt);
                snprintf(root, root_size, "%s", subtree);
                found = 0;
            }
            continue;
        }
        if (strcmp(fstype, "cgroup") != 0)
            continue;
        for (char *save, *o = strtok_r(opts, ",", &save); o;
             o = strtok_r(NULL, ",", &save))
            if (!strcmp(o, controller)) {
                snprintf(buf, size, "%s", mnt);
                snprintf(root, root_size, "%s", subtree);
                found = 0;
                break;
            }
    }
    return found;
}

/* Our own cgroup in the hierarchy of `controller` (NULL: cgroup2), from
 * /proc/self/cgroup lines "4:memory:/process_api/abc" and "0::/". */
static int
own_path(const char *controller, char *buf, size_t size)
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
        if (!controller) {
            if (!strncmp(line, "0:", 2) && !*list) { /* "0::PATH" */
                snprintf(buf, size, "%s", path);
                found = 0;
            }
            continue;
        }
        for (char *save, *o = strtok_r(list, ",", &save); o;
             o = strtok_r(NULL, ",", &save))
            if (!strcmp(o, controller)) {
                snprintf(buf, size, "%s", path);
                found = 0;
                break;
            }
    }
    fclose(f);
    return found;
}

/* The directory minictr-ID below our own cgroup in one hierarchy. */
static int
below_own(const char *controller, const char *id, char *dir, size_t size)
{
    char mnt[1024], own[1024], root[1024];
    const char *below;
    size_t len;

    if (mount_point(controller, mnt, sizeof(mnt), root, sizeof(root)) == -1 ||
        own_path(controller, own, sizeof(own)) == -1) {
        mc_error_code("no_such_controller");
        return ct_fail("the cgroup controller '%s' is not available here "
                       "(run bin/doctor)",
                       controller ? controller : "cgroup2");
    }
    /* Our path is relative to the hierarchy's root; the mount shows the
     * subtree `root` of it: take that part off (runc does the same). */
    len = strcmp(root, "/") ? strlen(root) : 0;
    below = strncmp(own, root, len) == 0 ? own + len : own;
    if ((size_t)snprintf(dir, size, "%s%s/minictr-%s", mnt,
                         strcmp(below, "/") ? below : "", id) >= size) {
        errno = ENAMETOOLONG;
        return ct_fail_errno("cgroup path below '%s%s'", mnt, below);
    }
    return 0;
}

static int
plan(struct container *c, const char *controller)
{
    if (c->ncgroups == MC_MAX_CGROUPS)
        return ct_fail("too many cgroups");
    return below_own(controller, c->id, c->cgroups[c->ncgroups++],
                     sizeof(c->cgroups[0]));
}

/* ---- a user's cgroups: where root delegated one ----------------------- */

static bool
delegated_to_us(const char *dir)
{
    struct stat st;
    return stat(dir, &st) == 0 && st.st_uid == geteuid() &&
        access(dir, W_OK) == 0;
}

/* The delegated directory in one hierarchy (controller NULL: cgroup2), or
 * "". cgroup2: the highest cgroup at or above ours that is ours, with no
 * gap, since a process may move only below a common ancestor whose
 * cgroup.procs the mover may write (cgroup-v2.rst, "Delegation
 * Containment"). v1 has no such rule: our own cgroup if it is ours, else
 * the hierarchy's minictr-USER that root made for us. */
static void
delegated(const char *controller, char *buf, size_t size)
{
    char mnt[1024], own[1024], root[1024], dir[2048];
    struct passwd *pw;
    const char *below;
    size_t len;

    buf[0] = '\0';
    if (mount_point(controller, mnt, sizeof(mnt), root, sizeof(root)) == -1 ||
        own_path(controller, own, sizeof(own)) == -1)
        return;
    len = strcmp(root, "/") ? strlen(root) : 0;
    below = strncmp(own, root, len) == 0 ? own + len : own;
    snprintf(dir, sizeof(dir), "%s%s", mnt, strcmp(below, "/") ? below : "");
    if (delegated_to_us(dir)) {
        char *slash;
        while (!controller && (slash = strrchr(dir, '/')) != NULL &&
               (size_t)(slash - dir) > strlen(mnt)) {
            *slash = '\0';
            if (!delegated_to_us(dir)) {
                *slash = '/';
                break;
            }
        }
        snprintf(buf, size, "%s", dir);
    } else if (controller && (pw = getpwuid(geteuid())) != NULL) {
        snprintf(dir, sizeof(dir), "%s/minictr-%s", mnt, pw->pw_name);
        if (delegated_to_us(dir))
            snprintf(buf, size, "%s", dir);
    }
}

/* Said once (a mark in the state directory), as podman warns. */
static void
warn_no_cgroups_once(void)
{
    char path[4200];
    int fd;

    if (userns_make_state_dir() == -1) {
        ct_clear_error();
        return;
    }
    snprintf(path, sizeof(path), "%s/.no-cgroup-warned", mc_state_dir());
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd == -1)
        return;
    close(fd);
    warnx_ct("no cgroup is delegated to you here: your containers run "
             "without limits (--memory, --cpus and --pids-limit say so) "
             "and cannot be paused; 'bin/doctor' shows how root delegates "
             "one (said once)");
}

/* Plan BASE/minictr-ID. */
static void
plan_below(struct container *c, const char *base)
{
    char path[sizeof(c->cgroups[0])];

    snprintf(path, sizeof(path), "%.400s/minictr-%.64s", base, c->id);
    memcpy(c->cgroups[c->ncgroups++], path, sizeof(path));
}

static int
plan_rootless(struct container *c)
{
    static const struct {
        const char *controller, *flag;
    } limits[] = {
        {"memory", "--memory"}, {"cpu", "--cpus"}, {"pids", "--pids-limit"}};
    const bool want[] = {c->limits.memory > 0, c->limits.cpus_millionths > 0,
                         c->limits.pids > 0};
    const char *mode = cgroups_mode();
    char d[2048];

    c->ncgroups = 0;
    if (strcmp(mode, "v1") != 0) {
        delegated(NULL, d, sizeof(d));
        /* v2: DIR/minictr/minictr-ID, as root's below /sys/fs/cgroup */
        if (d[0] && !strcmp(mode, "v2"))
            strcat(d, "/minictr");
        if (d[0])
            plan_below(c, d);
    }
    for (size_t i = 0; i < 3; i++) {
        bool v1 = strcmp(mode, "v2") != 0;
        if (!want[i] || (!v1 && c->ncgroups))
            continue;
        if (v1)
            delegated(limits[i].controller, d, sizeof(d));
        if (!v1 || !d[0]) {
            mc_error_code("no_such_controller");
            ct_set_hint(v1 ? "root runs, once: sudo mkdir "
                             "/sys/fs/cgroup/CONTROLLER/minictr-$USER && sudo "
                             "chown -R $USER "
                             "/sys/fs/cgroup/CONTROLLER/minictr-$USER (for "
                             "memory, cpu, pids, freezer; README 'Without "
                             "sudo')"
                           : "a systemd login delegates your session's "
                             "cgroup (a desktop terminal); without one, see "
                             "README 'Without sudo'");
            return ct_fail("%s needs the %s cgroup controller, and no %s "
                           "cgroup is delegated to you",
                           limits[i].flag, limits[i].controller,
                           limits[i].controller);
        }
        plan_below(c, d);
    }
    /* pause: cgroup.freeze above, or a delegated v1 freezer */
    if (!cgroups_v2_dir(c) && strcmp(mode, "v2") != 0) {
        delegated("freezer", d, sizeof(d));
        if (d[0])
            plan_below(c, d);
    }
    if (c->ncgroups == 0)
        warn_no_cgroups_once();
    return 0;
}

static int spec_plan(struct container *c);
static int spec_create(struct container *c);

/* The controllers a container needs: those of its limits, and for a pod
 * all three, whichever it has itself, because it hands them down to its
 * services' cgroups (svc.c), each with limits of its own. */
static struct limits
wanted(const struct container *c)
{
    struct limits l = c->limits;

    if (c->pod) {
        l.memory |= 1;
        l.cpus_millionths |= 1;
        l.pids |= 1;
    }
    return l;
}

int
cgroups_plan(struct container *c)
{
    const char *mode = cgroups_mode();
    const struct limits want = wanted(c), *l = &want;

    if (c->userns.mode == USERNS_ROOTLESS)
        return plan_rootless(c);
    c->ncgroups = 0;
    if (c->spec)
        return spec_plan(c);
    if (!strcmp(mode, "v2")) {
        snprintf(c->cgroups[0], sizeof(c->cgroups[0]),
                 CGROUP_ROOT "/minictr/minictr-%s", c->id);
        c->ncgroups = 1;
        return 0;
    }
    /* hybrid: the cgroup2 directory first (cgroups_v2_dir); v1: devices
     * and freezer. */
    if (!strcmp(mode, "hybrid")
            ? plan(c, NULL) == -1
            : plan(c, "devices") == -1 || plan(c, "freezer") == -1)
        return -1;
    if ((l->memory && plan(c, "memory") == -1) ||
        (l->cpus_millionths && plan(c, "cpu") == -1) ||
        (l->pids && plan(c, "pids") == -1))
        return -1;
    return 0;
}

const char *
cgroups_v2_dir(const struct container *c)
{
    if (c->ncgroups == 0 || !strcmp(cgroups_mode(), "v1"))
        return NULL;
    /* hybrid: a user's first cgroup may be a v1 one (none delegated in
     * the cgroup2 tree) */
    if (c->userns.mode == USERNS_ROOTLESS &&
        !strcmp(cgroups_mode(), "hybrid") &&
        strncmp(c->cgroups[0], CGROUP_ROOT "/unified/", 23) != 0)
        return NULL;
    return c->cgroups[0];
}

/* The planned v1 directory of `controller`, or NULL. */
static const char *
v1_dir(const struct container *c, const char *controller)
{
    char mnt[1024], root[1024];
    size_t len;

    if (mount_point(controller, mnt, sizeof(mnt), root, sizeof(root)) == -1)
        return NULL;
    len = strlen(mnt);
    for (int i = 0; i < c->ncgroups; i++)
        if (!strncmp(c->cgroups[i], mnt, len) && c->cgroups[i][len] == '/')
            return c->cgroups[i];
    return NULL;
}

static int
make_dir(const char *path)
{
    ct_trace(NULL, "mkdir %s", path);
    /* EEXIST: left by a start that was killed; it is ours (the record
     * names it) and empty, or rmdir would have removed it. */
    if (mkdir(path, 0755) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir cgroup '%s'", path);
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

/* The v1 limits (and on pure v1 the devices list), in the planned
 * directories. */
static int
create_v1(struct container *c)
{
    const struct limits *l = &c->limits;
    const char *dir;
    char value[64];

    for (int i = cgroups_v2_dir(c) ? 1 : 0; i < c->ncgroups; i++)
        if (make_dir(c->cgroups[i]) == -1)
            return -1;
    if ((dir = v1_dir(c, "devices")) != NULL && !cgroups_v2_dir(c)) {
        if (write_limit(dir, "devices.deny", "a") == -1)
            return -1;
        for (size_t i = 0; i < sizeof(allowed_devices) / sizeof(char *); i++)
            if (write_limit(dir, "devices.allow", allowed_devices[i]) == -1)
                return -1;
        c->device_cgroup = true;
    }
    if (l->memory && (dir = v1_dir(c, "memory")) != NULL) {
        char swap[4200];
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
    if (l->cpus_millionths && (dir = v1_dir(c, "cpu")) != NULL) {
        if (write_limit(dir, "cpu.cfs_period_us", "100000") == -1)
            return -1;
        snprintf(value, sizeof(value), "%llu",
                 (unsigned long long)(l->cpus_millionths / 10));
        if (write_limit(dir, "cpu.cfs_quota_us", value) == -1)
            return -1;
    }
    if (l->pids && (dir = v1_dir(c, "pids")) != NULL) {
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->pids);
        if (write_limit(dir, "pids.max", value) == -1)
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
    for (char *save, *w = strtok_r(want, " ", &save); w;
         w = strtok_r(NULL, " ", &save))
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

/* dir without its last part: /sys/fs/cgroup/minictr/minictr-ID ->
 * /sys/fs/cgroup/minictr. */
static void
parent_dir(const char *dir, char *buf, size_t size)
{
    const char *slash = strrchr(dir, '/');
    snprintf(buf, size, "%.*s", slash ? (int)(slash - dir) : 0, dir);
}

static int
create_v2(struct container *c)
{
    const char *dir = c->cgroups[0];
    const struct limits *l = &c->limits, want = wanted(c);
    char value[64], shared[512], top[512], swap[600];

    /* BASE/minictr/minictr-ID: BASE is /sys/fs/cgroup, or for a user the
     * cgroup delegated to it */
    parent_dir(dir, shared, sizeof(shared));
    parent_dir(shared, top, sizeof(top));
    if (v2_enable(top, &want) == -1)
        return -1;
    /* /sys/fs/cgroup/minictr is shared by every container (and cgbox),
     * and whoever leaves it empty removes it: if it vanishes between our
     * two mkdirs, make it again. */
    for (int tries = 0;; tries++) {
        if (mkdir(shared, 0755) == -1 && errno != EEXIST)
            return ct_fail_errno("mkdir cgroup '%s'", shared);
        if (v2_enable(shared, &want) == -1)
            return -1;
        ct_trace(NULL, "mkdir %s", dir);
        if (mkdir(dir, 0755) == 0 || errno == EEXIST)
            break;
        if (errno != ENOENT || tries == 3)
            return ct_fail_errno("mkdir cgroup '%s'", dir);
    }
    if (l->memory) {
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->memory);
        if (write_limit(dir, "memory.max", value) == -1)
            return -1;
        snprintf(swap, sizeof(swap), "%s/memory.swap.max", shared);
        if (access(swap, F_OK) == 0 &&
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
    return 0;
}

int
cgroups_create(struct container *c)
{
    const char *v2 = cgroups_v2_dir(c);
    int rc;

    if (c->spec) {
        rc = spec_create(c);
        if (rc == -1)
            cgroups_destroy(c);
        return rc;
    }
    if (c->ncgroups == 0) /* a user's, where nothing is delegated */
        return 0;
    if (!strcmp(cgroups_mode(), "v2"))
        rc = create_v2(c);
    else
        rc = (v2 ? make_dir(v2) : 0) == -1 ? -1 : create_v1(c);
    /* Devices on a cgroup2 directory are limited by a BPF program
     * (privileges.c): on v2, and on hybrid hosts' unified tree. A user
     * may not load one; in its user namespace mknod is EPERM anyway. */
    if (rc == 0 && v2 && c->userns.mode != USERNS_ROOTLESS) {
        c->device_cgroup = privileges_device_filter(v2, NULL, 0) == 0;
        if (!c->device_cgroup)
            warnx_ct("cannot attach the device filter to '%s': %s", v2,
                     ct_errno_name(errno));
    }
    if (rc == -1)
        cgroups_destroy(c);
    return rc;
}

int
cgroups_join_pid(const struct container *c, pid_t pid, bool skip_first)
{
    for (int i = skip_first ? 1 : 0; i < c->ncgroups; i++) {
        char path[600];
        snprintf(path, sizeof(path), "%s/cgroup.procs", c->cgroups[i]);
        /* "0" is the writing process itself. */
        if (ct_write_file(path, "%d", (int)pid) == -1)
            return ct_fail_errno("join cgroup '%s'", path);
    }
    return 0;
}

int
cgroups_join(struct container *c)
{
    /* Born in the cgroup2 one (clone3): only the v1 ones are left. */
    return cgroups_join_pid(c, 0, c->in_cgroup);
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
    for (char *save, *p = strtok_r(pids, "\n", &save); p;
         p = strtok_r(NULL, "\n", &save))
        kill((pid_t)atoi(p), SIGKILL);
}

/* rmdir dir, and with `below` first what is in it: a pod's services and
 * its manager, which svc.c made inside the cgroups the record names (a
 * container's own has nothing below: no readdir on its way out). */
static void
remove_tree(const char *dir, bool below, int depth)
{
    struct timespec pause = {0, 5 * 1000 * 1000};
    DIR *d = below && depth < 2 ? opendir(dir) : NULL;
    struct dirent *e;

    while (d && (e = readdir(d)) != NULL) {
        char sub[1024];
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%.500s/%.255s", dir, e->d_name);
        remove_tree(sub, below, depth + 1);
    }
    if (d)
        closedir(d);
    ct_trace(NULL, "rmdir %s", dir);
    /* rmdir fails with EBUSY while a process, or a dying one, is still
     * in the cgroup: kill and retry for up to two seconds. A frozen one
     * is thawed first, or it cannot die. */
    for (int tries = 0; rmdir(dir) == -1 && errno == EBUSY && tries < 400;
         tries++) {
        char path[1100];
        snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
        ct_write_file(path, "0");
        snprintf(path, sizeof(path), "%s/freezer.state", dir);
        ct_write_file(path, "THAWED");
        kill_all(dir);
        nanosleep(&pause, NULL);
    }
}

int
cgroups_remove_dirs(char (*dirs)[512], int n, bool pod)
{
    int left = 0;

    for (int i = n - 1; i >= 0; i--) {
        if (!dirs[i][0])
            continue;
        remove_tree(dirs[i], pod, 0);
        if (access(dirs[i], F_OK) == 0)
            left++; /* still there: its name must stay in the record */
    }
    /* v2: BASE/minictr too, only when no other container is in it */
    if (n > 0 && !strcmp(cgroups_mode(), "v2")) {
        char shared[512];
        parent_dir(dirs[0], shared, sizeof(shared));
        if (!strcmp(strrchr(shared, '/') ? strrchr(shared, '/') : "",
                    "/minictr"))
            rmdir(shared);
    }
    return left;
}

void
cgroups_destroy(struct container *c)
{
    cgroups_remove_dirs(c->cgroups, c->ncgroups, c->pod);
    /* The parents config.json's path needed: only if empty now (another
     * container may sit below /default too). */
    for (int i = c->spec ? c->spec->ncgroup_parents - 1 : -1; i >= 0; i--)
        rmdir(c->spec->cgroup_parents[i]);
}

uint64_t
cgroups_oom_kills(const struct container *c)
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

/* ---- a pod's services (svc.c) ----------------------------------------- */

/* One write to the file `name` in the directory dir (an fd). */
static int
write_at(int dir, const char *name, const char *value)
{
    int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
    ssize_t n;

    if (fd == -1)
        return -1;
    n = write(fd, value, strlen(value));
    close(fd);
    return n == (ssize_t)strlen(value) ? 0 : -1;
}

static bool
is_cgroup2(int fd)
{
    struct statfs fs;
    return fstatfs(fd, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

int
cgroups_pod_manager(int pod)
{
    static const char *const names[] = {"memory", "cpu", "pids"};
    char have[512] = "";
    int dir, fd;
    ssize_t n;

    if (!is_cgroup2(pod))
        return 0; /* v1 has no such rule: we stay where we are */
    /* cgroup v2's no-internal-processes rule: a cgroup that hands its
     * controllers down to children may hold no process itself. So the
     * manager leaves the pod's cgroup for a leaf of its own first. */
    if (mkdirat(pod, "manager", 0755) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir cgroup 'manager' in the pod's");
    dir = openat(pod, "manager", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir == -1 || write_at(dir, "cgroup.procs", "0") == -1) {
        if (dir != -1)
            close(dir);
        return ct_fail_errno("move the service manager to cgroup 'manager'");
    }
    close(dir);
    fd = openat(pod, "cgroup.controllers", O_RDONLY | O_CLOEXEC);
    n = fd == -1 ? -1 : read(fd, have, sizeof(have) - 1);
    if (fd != -1)
        close(fd);
    have[n > 0 ? n : 0] = '\0';
    for (size_t i = 0; i < 3; i++) {
        char plus[16];
        snprintf(plus, sizeof(plus), "+%s", names[i]);
        if (strstr(have, names[i]) &&
            write_at(pod, "cgroup.subtree_control", plus) == -1)
            return ct_fail_errno("write '%s' to the pod's "
                                 "cgroup.subtree_control",
                                 plus);
    }
    return 0;
}

int
cgroups_child(int pod, const char *name, const struct limits *l)
{
    bool v2 = is_cgroup2(pod);
    const char *mem = v2 ? "memory.max" : "memory.limit_in_bytes";
    char value[64];
    int fd;

    ct_trace(NULL, "mkdir POD_CGROUP/%s", name);
    if (mkdirat(pod, name, 0755) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir cgroup '%s' in the pod's", name);
    fd = openat(pod, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1)
        return ct_fail_errno("open cgroup '%s'", name);
    /* Each limit in the files this hierarchy has: a v1 directory holds
     * one controller's, cgroup2 all of them. */
    if (l->memory && faccessat(fd, mem, F_OK, 0) == 0) {
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->memory);
        if (write_at(fd, mem, value) == -1)
            goto fail;
        /* no swap, as -m: the limit is the limit */
        write_at(fd, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
                 v2 ? "0" : value);
    }
    if (l->cpus_millionths && v2 && faccessat(fd, "cpu.max", F_OK, 0) == 0) {
        snprintf(value, sizeof(value), "%llu 100000",
                 (unsigned long long)(l->cpus_millionths / 10));
        if (write_at(fd, "cpu.max", value) == -1)
            goto fail;
    } else if (l->cpus_millionths &&
               faccessat(fd, "cpu.cfs_quota_us", F_OK, 0) == 0) {
        snprintf(value, sizeof(value), "%llu",
                 (unsigned long long)(l->cpus_millionths / 10));
        if (write_at(fd, "cpu.cfs_period_us", "100000") == -1 ||
            write_at(fd, "cpu.cfs_quota_us", value) == -1)
            goto fail;
    }
    if (l->pids && faccessat(fd, "pids.max", F_OK, 0) == 0) {
        snprintf(value, sizeof(value), "%llu", (unsigned long long)l->pids);
        if (write_at(fd, "pids.max", value) == -1)
            goto fail;
    }
    return fd;
fail:
    ct_fail_errno("write the limits of cgroup '%s'", name);
    close(fd);
    return -1;
}

/* ---- pause: the freezer ------------------------------------------------ */

/* cgroup2's cgroup.freeze: write 1, then wait until cgroup.events says
 * "frozen 1" (the kernel notifies a change of that file to poll(2)).
 * v1's freezer.state: write FROZEN, read until it is no longer FREEZING. */
int
cgroups_freeze(const struct container *c, bool freeze)
{
    /* LAB life.4: write the freezer's file, then wait until it is done */
    const char *v2 = cgroups_v2_dir(c), *v1;
    char path[600], buf[256];
    const char *want = freeze ? "frozen 1" : "frozen 0";

    if (v2) {
        int fd;
        if (write_limit(v2, "cgroup.freeze", freeze ? "1" : "0") == -1)
            return -1;
        snprintf(path, sizeof(path), "%s/cgroup.events", v2);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd == -1)
            return ct_fail_errno("open '%s'", path);
        for (int tries = 0; tries < 100; tries++) {
            struct pollfd p = {fd, POLLPRI, 0};
            ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
            buf[n > 0 ? n : 0] = '\0';
            if (strstr(buf, want))
                break;
            poll(&p, 1, 50);
        }
        close(fd);
        if (!strstr(buf, want))
            return ct_fail("the freezer of '%s' did not get to '%s'", v2, want);
        return 0;
    }
    v1 = v1_dir(c, "freezer");
    if (!v1) {
        mc_error_code("no_such_controller");
        return ct_fail("no freezer cgroup for this container%s",
                       c->userns.mode == USERNS_ROOTLESS
                           ? ": a user's container has one only where root "
                             "delegated a cgroup to the user (bin/doctor "
                             "shows how)"
                           : "");
    }
    if (write_limit(v1, "freezer.state", freeze ? "FROZEN" : "THAWED") == -1)
        return -1;
    snprintf(path, sizeof(path), "%s/freezer.state", v1);
    for (int tries = 0; tries < 500; tries++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        if (ct_read_file(path, buf, sizeof(buf)) > 0 &&
            strcmp(buf, "FREEZING") != 0)
            return 0;
        nanosleep(&t, NULL); /* v1 has no notification: look again */
    }
    return ct_fail("the freezer of '%s' is still FREEZING", v1);
    /* END LAB */
}

bool
cgroups_frozen(const struct container *c)
{
    const char *v2 = cgroups_v2_dir(c), *v1 = v1_dir(c, "freezer");
    char path[600], buf[256];

    if (v2) {
        snprintf(path, sizeof(path), "%s/cgroup.events", v2);
        return ct_read_file(path, buf, sizeof(buf)) > 0 &&
            strstr(buf, "frozen 1");
    }
    snprintf(path, sizeof(path), "%s/freezer.state", v1 ? v1 : "");
    return v1 && ct_read_file(path, buf, sizeof(buf)) > 0 &&
        strcmp(buf, "THAWED") != 0;
}

/* ---- top and stats ----------------------------------------------------- */

/* The cgroup whose cgroup.procs lists every process of the container. */
static const char *
procs_dir(const struct container *c)
{
    const char *v2 = cgroups_v2_dir(c);
    return v2 ? v2 : v1_dir(c, "devices");
}

/* No cgroup (a user's container where nothing is delegated): the
 * processes whose pid namespace is the one of its PID 1. */
static int
pids_in_namespace(const struct container *c, pid_t *pids, int max)
{
    char path[64], want[64], have[64];
    struct dirent *e;
    ssize_t len;
    DIR *d;
    int n = 0;

    snprintf(path, sizeof(path), "/proc/%d/ns/pid", c->pid);
    len = c->pid > 0 ? readlink(path, want, sizeof(want) - 1) : -1;
    if (len <= 0)
        return ct_fail("container '%s' has no cgroup, and no PID 1 now",
                       c->name);
    want[len] = '\0';
    d = opendir("/proc");
    while (d && n < max && (e = readdir(d)) != NULL) {
        int pid = atoi(e->d_name);
        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
        len = readlink(path, have, sizeof(have) - 1);
        if (len > 0 && (size_t)len == strlen(want) &&
            !strncmp(have, want, (size_t)len))
            pids[n++] = pid;
    }
    if (d)
        closedir(d);
    return n;
}

int
cgroups_pids(const struct container *c, pid_t *pids, int max)
{
    const char *dir = procs_dir(c);
    char path[600];
    FILE *f;
    int n = 0, pid;

    if (!dir && c->ncgroups == 0 && c->userns.mode == USERNS_ROOTLESS)
        return pids_in_namespace(c, pids, max);
    if (!dir)
        return ct_fail("container '%s' has no cgroup", c->name);
    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    f = fopen(path, "re");
    if (!f)
        return ct_fail_errno("open '%s'", path);
    while (n < max && fscanf(f, "%d", &pid) == 1)
        pids[n++] = pid;
    fclose(f);
    return n;
}

/* "key value" from a file such as cpu.stat or memory.stat. */
static uint64_t
read_key(const char *dir, const char *file, const char *key)
{
    char path[600], buf[8192], *p;
    size_t len = strlen(key);

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (ct_read_file(path, buf, sizeof(buf)) <= 0)
        return 0;
    for (p = buf; p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (!strncmp(p, key, len) && p[len] == ' ')
            return strtoull(p + len + 1, NULL, 10);
    }
    return 0;
}

static uint64_t
read_number(const char *dir, const char *file)
{
    char path[600], buf[64];

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (ct_read_file(path, buf, sizeof(buf)) <= 0 || !strcmp(buf, "max"))
        return 0;
    return strtoull(buf, NULL, 10);
}

/* Summed over the processes, where no cgroup counts it: resident memory
 * (VmRSS) and block i/o (/proc/PID/io). */
static void
sum_processes(const struct container *c, struct cgroup_stats *s, bool mem)
{
    pid_t pids[1024];
    int n = cgroups_pids(c, pids, 1024);

    ct_clear_error();
    for (int i = 0; i < n; i++) {
        char path[64], buf[4096], *p;
        snprintf(path, sizeof(path), "/proc/%d/status", pids[i]);
        if (mem && ct_read_file(path, buf, sizeof(buf)) > 0 &&
            (p = strstr(buf, "VmRSS:")))
            s->mem_usage += strtoull(p + 6, NULL, 10) * 1024;
        snprintf(path, sizeof(path), "/proc/%d/io", pids[i]);
        if (ct_read_file(path, buf, sizeof(buf)) > 0) {
            if ((p = strstr(buf, "read_bytes: ")))
                s->blk_read += strtoull(p + 12, NULL, 10);
            if ((p = strstr(buf, "\nwrite_bytes: ")))
                s->blk_write += strtoull(p + 14, NULL, 10);
        }
    }
}

int
cgroups_stats(const struct container *c, struct cgroup_stats *s)
{
    const char *v2 = cgroups_v2_dir(c), *dir;
    bool pure_v2 = !strcmp(cgroups_mode(), "v2");
    char path[600], buf[65536];

    memset(s, 0, sizeof(*s));
    if (!procs_dir(c) && c->ncgroups > 0)
        return ct_fail("container '%s' has no cgroup", c->name);
    /* cpu: cgroup2's cpu.stat counts always (usage_usec), controller or
     * not; on pure v1, cpuacct would, so sum the processes' times. */
    if (v2)
        s->cpu_usec = read_key(v2, "cpu.stat", "usage_usec");
    /* memory: cgroup2's memory.current, or a v1 memory cgroup (made for
     * -m); else the processes' resident memory. */
    if (pure_v2 && v2) {
        s->mem_usage = read_number(v2, "memory.current");
        s->mem_limit = read_number(v2, "memory.max");
        s->mem_from_cgroup = true;
    } else if ((dir = v1_dir(c, "memory")) != NULL) {
        s->mem_usage = read_number(dir, "memory.usage_in_bytes");
        s->mem_limit = c->limits.memory;
        s->mem_from_cgroup = true;
    }
    /* pids: every thread counts, as pids.current does (without a cgroup:
     * the processes). */
    dir = v2 ? v2 : procs_dir(c);
    if (!dir) {
        pid_t pids[1024];
        int n = cgroups_pids(c, pids, 1024);
        s->pids = n > 0 ? (uint64_t)n : 0;
    }
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "/nonexistent",
             v2 ? "cgroup.threads" : "tasks");
    if (dir && ct_read_file(path, buf, sizeof(buf)) > 0) {
        s->pids = 1;
        for (char *p = buf; (p = strchr(p, '\n')); p++)
            s->pids++;
    }
    if (pure_v2 && v2) {
        /* io.stat: "8:0 rbytes=... wbytes=..." per device */
        snprintf(path, sizeof(path), "%s/io.stat", v2);
        if (ct_read_file(path, buf, sizeof(buf)) > 0)
            for (char *p = buf; (p = strstr(p, "rbytes=")); p++) {
                char *w = strstr(p, "wbytes=");
                s->blk_read += strtoull(p + 7, NULL, 10);
                if (w)
                    s->blk_write += strtoull(w + 7, NULL, 10);
            }
        if (!s->pids)
            s->pids = read_number(v2, "pids.current");
    }
    if (!s->mem_from_cgroup || !pure_v2) {
        uint64_t r = s->blk_read, w = s->blk_write;
        sum_processes(c, s, !s->mem_from_cgroup);
        if (pure_v2) { /* io.stat counted it already */
            s->blk_read = r;
            s->blk_write = w;
        }
    }
    if (!v2) { /* pure v1: cpu from the processes (what is left of them) */
        pid_t pids[1024];
        int n = cgroups_pids(c, pids, 1024);
        long tick = sysconf(_SC_CLK_TCK);
        for (int i = 0; i < n; i++) {
            char stat[1024], *p;
            unsigned long long ut, st;
            snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
            if (ct_read_file(path, stat, sizeof(stat)) <= 0 ||
                !(p = strrchr(stat, ')')) ||
                sscanf(p + 2,
                       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                       "%llu %llu",
                       &ut, &st) != 2)
                continue;
            s->cpu_usec += (ut + st) * 1000000ULL / (unsigned long long)tick;
        }
    }
    return 0;
}

/* ---- an OCI container's cgroups (config.json) -------------------------- */

/* The hierarchy a v1 mount holds, by its super options ("rw,cpu" ->
 * "cpu", "rw,xattr,name=systemd" -> "name=systemd"), or NULL. */
static const char *
v1_controller(char *opts)
{
    static const char *const known[] = {
        "cpuset",  "cpu",     "cpuacct", "blkio",      "memory",
        "devices", "freezer", "net_cls", "perf_event", "net_prio",
        "hugetlb", "pids",    "rdma",    "misc"};
    char *save = NULL;

    for (char *o = strtok_r(opts, ",", &save); o;
         o = strtok_r(NULL, ",", &save)) {
        if (!strncmp(o, "name=", 5))
            return o;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            if (!strcmp(o, known[i]))
                return o;
    }
    return NULL;
}

/* cgroupsPath in one hierarchy: absolute from its mount, or relative
 * below our own cgroup in it. */
static int
spec_dir(struct container *c, const char *controller, const char *mnt,
         const char *root)
{
    const char *path = c->spec->cgroups_path;
    char own[1024] = "/", rel[600];
    const char *below = "";
    size_t len;

    if (c->ncgroups == MC_MAX_CGROUPS)
        return ct_fail("too many cgroup hierarchies");
    if ((!path && strcmp(cgroups_mode(), "v2")) || (path && path[0] != '/')) {
        if (own_path(controller, own, sizeof(own)) == -1) {
            mc_error_code("no_such_controller");
            return ct_fail("no cgroup of ours in the '%s' hierarchy",
                           controller ? controller : "cgroup2");
        }
        len = strcmp(root, "/") ? strlen(root) : 0;
        below = strncmp(own, root, len) == 0 ? own + len : own;
        if (!strcmp(below, "/"))
            below = "";
    }
    if (path)
        snprintf(rel, sizeof(rel), "%s%s", path[0] == '/' ? "" : "/", path);
    else if (!strcmp(cgroups_mode(), "v2")) /* a tree of our own, as run's */
        snprintf(rel, sizeof(rel), "/minictr/minictr-%s", c->spec->id);
    else
        snprintf(rel, sizeof(rel), "/minictr-%s", c->spec->id);
    if ((size_t)snprintf(c->cgroups[c->ncgroups], sizeof(c->cgroups[0]),
                         "%s%s%s", mnt, below, rel) >= sizeof(c->cgroups[0])) {
        errno = ENAMETOOLONG;
        return ct_fail_errno("linux.cgroupsPath '%s'", rel);
    }
    /* The parents that are not there yet: made, and taken away again. */
    for (char *p = strchr(c->cgroups[c->ncgroups] + strlen(mnt) + 1, '/'); p;
         p = strchr(p + 1, '/')) {
        struct oci_spec *s = c->spec;
        char parent[512];
        snprintf(parent, sizeof(parent), "%.*s",
                 (int)(p - c->cgroups[c->ncgroups]), c->cgroups[c->ncgroups]);
        if (access(parent, F_OK) == 0)
            continue;
        if (s->ncgroup_parents ==
            (int)(sizeof(s->cgroup_parents) / sizeof(s->cgroup_parents[0])))
            return ct_fail("linux.cgroupsPath '%s' is too deep", rel);
        snprintf(s->cgroup_parents[s->ncgroup_parents++],
                 sizeof(s->cgroup_parents[0]), "%s", parent);
    }
    c->ncgroups++;
    return 0;
}

/* Is the mount of this mountinfo line the one its path reaches? Not when
 * a later mount hides it: a sandbox that mounts a tmpfs on /sys/fs/cgroup
 * and the hierarchies on it again (tests/worksheet.sh, which leaves out
 * name=systemd) shows each one twice, the first under the tmpfs. statx's
 * mount id says which (Linux 5.8); before it, the device. */
bool
cgroups_mount_reachable(const char *line, const char *mnt)
{
    unsigned int id, major, minor;
    struct statx stx;
    struct stat st;

    if (sscanf(line, "%u %*s %u:%u", &id, &major, &minor) != 3)
        return false;
    if (statx(AT_FDCWD, mnt, 0, STATX_MNT_ID, &stx) == 0 &&
        (stx.stx_mask & STATX_MNT_ID))
        return stx.stx_mnt_id == id;
    return stat(mnt, &st) == 0 && st.st_dev == makedev(major, minor);
}

static int
spec_plan(struct container *c)
{
    char line[4096], mnt[1024], root[1024];
    FILE *f;
    int rc = 0;

    c->spec->ncgroup_parents = 0;
    if (strcmp(cgroups_mode(), "v1") &&
        (mount_point(NULL, mnt, sizeof(mnt), root, sizeof(root)) == -1 ||
         spec_dir(c, NULL, mnt, root) == -1))
        return ct_error_message()[0] ? -1 : ct_fail("no cgroup2 mount found");
    if (!strcmp(cgroups_mode(), "v2"))
        return 0;
    f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return ct_fail_errno("open /proc/self/mountinfo");
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        char fstype[64], opts[1024], *sep = strstr(line, " - ");
        const char *ctl;
        if (!sep || sscanf(line, "%*s %*s %*s %1023s %1023s", root, mnt) != 2 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2 ||
            strcmp(fstype, "cgroup") || strncmp(mnt, CGROUP_ROOT "/", 15))
            continue;
        if ((ctl = v1_controller(opts)) == NULL)
            continue;
        if (!cgroups_mount_reachable(line, mnt))
            continue;
        rc = spec_dir(c, ctl, mnt, root);
    }
    fclose(f);
    return rc;
}

/* A file of the container's cgroup for `controller` (NULL: cgroup2). */
static int spec_write(const struct container *c, const char *controller,
                      const char *file, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int
spec_write(const struct container *c, const char *controller, const char *file,
           const char *key, const char *fmt, ...)
{
    const char *dir = controller ? v1_dir(c, controller) : cgroups_v2_dir(c);
    char value[256], path[700];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (!dir) {
        mc_error_code("no_such_controller");
        return ct_fail("%s: this host has no '%s' cgroup hierarchy", key,
                       controller);
    }
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (access(path, F_OK) == -1) {
        mc_error_code("no_such_controller");
        return ct_fail("%s: the cgroup file '%s' is not on this host", key,
                       path);
    }
    return write_limit(dir, file, value);
}

/* A v1 cpuset cgroup starts with no cpus and no memory nodes, and takes
 * no process until it has some: copy its parent's, down from the top. */
static int
cpuset_fill(const char *dir)
{
    static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
    char path[700], parent[600], buf[256];

    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[f]);
        if (ct_read_file(path, buf, sizeof(buf)) > 0)
            continue;
        snprintf(parent, sizeof(parent), "%s", dir);
        *strrchr(parent, '/') = '\0';
        if (cpuset_fill(parent) == -1)
            return -1;
        snprintf(path, sizeof(path), "%s/%s", parent, files[f]);
        if (ct_read_file(path, buf, sizeof(buf)) <= 0 ||
            write_limit(dir, files[f], buf) == -1)
            return -1;
    }
    return 0;
}

/* v2: every controller the container's ancestors have, enabled in their
 * subtree_control from the root down (as runc does), so that its own
 * directory has the files linux.resources names. Best effort: a parent
 * with processes in it refuses (the no-internal-processes rule), and a
 * file missing then says which. */
static void
spec_enable_v2(const struct container *c)
{
    const char *leaf = c->cgroups[0];

    for (const char *p = leaf + strlen(CGROUP_ROOT); p && *p;
         p = strchr(p + 1, '/')) {
        char dir[512], path[600], have[512], *save = NULL;
        snprintf(dir, sizeof(dir), "%.*s", (int)(p - leaf), leaf);
        snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
        if (ct_read_file(path, have, sizeof(have)) <= 0)
            continue;
        snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
        for (char *w = strtok_r(have, " ", &save); w;
             w = strtok_r(NULL, " ", &save))
            ct_write_file(path, "+%s", w);
    }
}

static void
device_line(const struct device_rule *r, char *buf, size_t size)
{
    char major[24] = "*", minor[24] = "*";

    if (r->major >= 0)
        snprintf(major, sizeof(major), "%lld", (long long)r->major);
    if (r->minor >= 0)
        snprintf(minor, sizeof(minor), "%lld", (long long)r->minor);
    if (r->type == 'a')
        snprintf(buf, size, "a");
    else
        snprintf(buf, size, "%c %s:%s %s", r->type, major, minor, r->access);
}

/* The devices every container may use, after config.json's rules (runc
 * appends the same): the default devices and ptys. */
static const struct device_rule default_rules[] = {
    {true, 'c', 1, 3, "rwm"},    {true, 'c', 1, 5, "rwm"},
    {true, 'c', 1, 7, "rwm"},    {true, 'c', 1, 8, "rwm"},
    {true, 'c', 1, 9, "rwm"},    {true, 'c', 5, 0, "rwm"},
    {true, 'c', 5, 1, "rwm"},    {true, 'c', 5, 2, "rwm"},
    {true, 'c', 136, -1, "rwm"},
};

static int
spec_devices(struct container *c)
{
    const struct spec_resources *r = &c->spec->res;
    int n = r->ndevices, nd = sizeof(default_rules) / sizeof(default_rules[0]);
    struct device_rule all[300];
    const char *dir = v1_dir(c, "devices");

    if (n + nd + c->spec->ndevices > 300)
        return ct_fail("linux.resources.devices: more than 300 rules");
    memcpy(all, r->devices, sizeof(all[0]) * (size_t)n);
    memcpy(all + n, default_rules, sizeof(default_rules));
    /* linux.devices are the container's to use: allowed too, as runc. */
    for (int i = 0; i < c->spec->ndevices; i++) {
        const struct spec_device *d = &c->spec->devices[i];
        if (d->type == 'p')
            continue;
        all[n + nd++] = (struct device_rule){true, d->type == 'b' ? 'b' : 'c',
                                             d->major, d->minor, "rwm"};
    }
    if (dir) {
        for (int i = 0; i < n + nd; i++) {
            char line[64];
            device_line(&all[i], line, sizeof(line));
            if (write_limit(dir,
                            all[i].allow ? "devices.allow" : "devices.deny",
                            line) == -1)
                return -1;
        }
        c->device_cgroup = true;
        return 0;
    }
    if (!cgroups_v2_dir(c))
        return 0;
    if (privileges_device_filter(cgroups_v2_dir(c), all, n + nd) == -1)
        return ct_fail_errno("attach the device filter (linux.resources."
                             "devices) to '%s'",
                             cgroups_v2_dir(c));
    c->device_cgroup = true;
    return 0;
}

/* linux.resources, into the files of each controller: v1's names, or
 * v2's, whichever this host has (hugetlb: cgroup2 on a hybrid host). */
static int
spec_resources(struct container *c)
{
    const struct spec_resources *r = &c->spec->res;
    bool v2 = !strcmp(cgroups_mode(), "v2");
    const char *M = "linux.resources.memory", *C = "linux.resources.cpu";
    int rc = 0;

#define W(ctl, v1file, v2file, key, ...) \
    (rc == 0 ? (rc = spec_write(c, v2 ? NULL : ctl, v2 ? v2file : v1file, key, \
                                __VA_ARGS__)) \
             : rc)
    if (r->mem_limit.set)
        W("memory", "memory.limit_in_bytes", "memory.max", M, "%lld",
          (long long)r->mem_limit.v);
    if (r->mem_reservation.set)
        W("memory", "memory.soft_limit_in_bytes", "memory.low", M, "%lld",
          (long long)r->mem_reservation.v);
    if (r->mem_swap.set && !v2)
        W("memory", "memory.memsw.limit_in_bytes", "", M, "%lld",
          (long long)r->mem_swap.v);
    if (r->mem_swap.set && v2)
        W(NULL, "", "memory.swap.max", M, "%lld",
          (long long)(r->mem_swap.v - (r->mem_limit.set ? r->mem_limit.v : 0)));
    /* kernel memory limits are gone from Linux 6.x: nothing to set */
    if (r->mem_kernel_tcp.set && !v2)
        W("memory", "memory.kmem.tcp.limit_in_bytes", "", M, "%lld",
          (long long)r->mem_kernel_tcp.v);
    if (r->mem_swappiness.set && !v2)
        W("memory", "memory.swappiness", "", M, "%lld",
          (long long)r->mem_swappiness.v);
    if (r->mem_disable_oom && !v2)
        W("memory", "memory.oom_control", "", M, "1");
    if (r->cpu_shares.set && !v2)
        W("cpu", "cpu.shares", "", C, "%lld", (long long)r->cpu_shares.v);
    if (r->cpu_shares.set && v2) /* runc's mapping of 2..262144 to 1..10000 */
        W(NULL, "", "cpu.weight", C, "%lld",
          1 + ((long long)r->cpu_shares.v - 2) * 9999 / 262142);
    if (r->cpu_period.set && !v2)
        W("cpu", "cpu.cfs_period_us", "", C, "%lld",
          (long long)r->cpu_period.v);
    if (r->cpu_quota.set && !v2)
        W("cpu", "cpu.cfs_quota_us", "", C, "%lld", (long long)r->cpu_quota.v);
    if ((r->cpu_quota.set || r->cpu_period.set) && v2) {
        char quota[32] = "max";
        if (r->cpu_quota.set && r->cpu_quota.v > 0)
            snprintf(quota, sizeof(quota), "%lld", (long long)r->cpu_quota.v);
        W(NULL, "", "cpu.max", C, "%s %lld", quota,
          (long long)(r->cpu_period.set ? r->cpu_period.v : 100000));
    }
    if (r->cpu_rt_period.set)
        W("cpu", "cpu.rt_period_us", "cpu.rt_period_us", C, "%lld",
          (long long)r->cpu_rt_period.v);
    if (r->cpu_rt_runtime.set)
        W("cpu", "cpu.rt_runtime_us", "cpu.rt_runtime_us", C, "%lld",
          (long long)r->cpu_rt_runtime.v);
    if (r->cpus)
        W("cpuset", "cpuset.cpus", "cpuset.cpus", C, "%s", r->cpus);
    if (r->mems)
        W("cpuset", "cpuset.mems", "cpuset.mems", C, "%s", r->mems);
    if (r->pids_limit.set) {
        if (r->pids_limit.v > 0)
            W("pids", "pids.max", "pids.max", "linux.resources.pids", "%lld",
              (long long)r->pids_limit.v);
        else
            W("pids", "pids.max", "pids.max", "linux.resources.pids", "max");
    }
    if (r->blkio_weight.set)
        W("blkio", "blkio.weight", "io.weight", "linux.resources.blockIO",
          "%lld", (long long)r->blkio_weight.v);
    if (r->blkio_leaf_weight.set && !v2)
        W("blkio", "blkio.leaf_weight", "", "linux.resources.blockIO", "%lld",
          (long long)r->blkio_leaf_weight.v);
    {
        static const char *const v1files[5] = {
            "blkio.weight_device", "blkio.throttle.read_bps_device",
            "blkio.throttle.write_bps_device",
            "blkio.throttle.read_iops_device",
            "blkio.throttle.write_iops_device"};
        static const char *const v2keys[5] = {"", "rbps", "wbps", "riops",
                                              "wiops"};
        for (int l = 0; l < 5; l++)
            for (int i = 0; i < r->nblkio[l]; i++) {
                const struct throttle *t = &r->blkio[l][i];
                if (v2 && l == 0)
                    W(NULL, "", "io.weight", "linux.resources.blockIO",
                      "%lld:%lld %llu", (long long)t->major,
                      (long long)t->minor, (unsigned long long)t->rate);
                else if (v2)
                    W(NULL, "", "io.max", "linux.resources.blockIO",
                      "%lld:%lld %s=%llu", (long long)t->major,
                      (long long)t->minor, v2keys[l],
                      (unsigned long long)t->rate);
                else
                    W("blkio", v1files[l], "", "linux.resources.blockIO",
                      "%lld:%lld %llu", (long long)t->major,
                      (long long)t->minor, (unsigned long long)t->rate);
            }
    }
    for (int i = 0; i < r->nhugepages; i++) {
        char v1file[96], v2file[96];
        bool on_v2 = v2 || (cgroups_v2_dir(c) && !v1_dir(c, "hugetlb"));
        snprintf(v1file, sizeof(v1file), "hugetlb.%s.limit_in_bytes",
                 r->hugepages[i].page_size);
        snprintf(v2file, sizeof(v2file), "hugetlb.%s.max",
                 r->hugepages[i].page_size);
        if (rc == 0)
            rc =
                spec_write(c, on_v2 ? NULL : "hugetlb", on_v2 ? v2file : v1file,
                           "linux.resources.hugepageLimits", "%llu",
                           (unsigned long long)r->hugepages[i].limit);
    }
    if (r->net_class_id.set)
        W("net_cls", "net_cls.classid", "", "linux.resources.network", "%lld",
          (long long)r->net_class_id.v);
    for (int i = 0; i < r->nnet_priorities; i++)
        W("net_prio", "net_prio.ifpriomap", "", "linux.resources.network",
          "%s %u", r->net_priorities[i].name, r->net_priorities[i].priority);
#undef W
    return rc;
}

static int
spec_create(struct container *c)
{
    const struct oci_spec *s = c->spec;
    const char *cpuset;

    for (int i = 0; i < s->ncgroup_parents; i++)
        if (make_dir(s->cgroup_parents[i]) == -1)
            return -1;
    for (int i = 0; i < c->ncgroups; i++)
        if (make_dir(c->cgroups[i]) == -1)
            return -1;
    if ((cpuset = v1_dir(c, "cpuset")) != NULL && cpuset_fill(cpuset) == -1)
        return ct_fail_errno("copy cpuset.cpus and cpuset.mems into '%s'",
                             cpuset);
    if (!strcmp(cgroups_mode(), "v2"))
        spec_enable_v2(c);
    if (spec_resources(c) == -1 || spec_devices(c) == -1)
        return -1;
    return 0;
}
