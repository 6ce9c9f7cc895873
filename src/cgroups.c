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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

int
cgroups_plan(struct container *c)
{
    const char *mode = cgroups_mode();
    const struct limits *l = &c->limits;

    if (c->userns.mode == USERNS_ROOTLESS)
        return plan_rootless(c);
    c->ncgroups = 0;
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
    const struct limits *l = &c->limits;
    char value[64], shared[512], top[512], swap[600];

    /* BASE/minictr/minictr-ID: BASE is /sys/fs/cgroup, or for a user the
     * cgroup delegated to it */
    parent_dir(dir, shared, sizeof(shared));
    parent_dir(shared, top, sizeof(top));
    if (v2_enable(top, l) == -1)
        return -1;
    /* /sys/fs/cgroup/minictr is shared by every container (and cgbox),
     * and whoever leaves it empty removes it: if it vanishes between our
     * two mkdirs, make it again. */
    for (int tries = 0;; tries++) {
        if (mkdir(shared, 0755) == -1 && errno != EEXIST)
            return ct_fail_errno("mkdir cgroup '%s'", shared);
        if (v2_enable(shared, l) == -1)
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
        c->device_cgroup = privileges_device_filter(v2) == 0;
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

int
cgroups_remove_dirs(char (*dirs)[512], int n)
{
    int left = 0;

    for (int i = n - 1; i >= 0; i--) {
        struct timespec pause = {0, 5 * 1000 * 1000};
        if (!dirs[i][0])
            continue;
        ct_trace(NULL, "rmdir %s", dirs[i]);
        /* rmdir fails with EBUSY while a process, or a dying one, is
         * still in the cgroup: kill and retry for up to two seconds. A
         * frozen one is thawed first, or it cannot die. */
        for (int tries = 0;
             rmdir(dirs[i]) == -1 && errno == EBUSY && tries < 400; tries++) {
            char path[600];
            snprintf(path, sizeof(path), "%s/cgroup.freeze", dirs[i]);
            ct_write_file(path, "0");
            snprintf(path, sizeof(path), "%s/freezer.state", dirs[i]);
            ct_write_file(path, "THAWED");
            kill_all(dirs[i]);
            nanosleep(&pause, NULL);
        }
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
    cgroups_remove_dirs(c->cgroups, c->ncgroups);
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
