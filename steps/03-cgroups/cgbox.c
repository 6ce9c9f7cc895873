/*
 * 03-cgroups: run a command in a cgroup of its own, under memory, cpu and
 * pids limits, and report what the limits did to it.
 *
 * Read: cgroups(7), the kernel's Documentation/admin-guide/cgroup-v2.rst
 *       (v1: cgroup-v1/memory.rst, cgroup-v1/pids.rst,
 *       scheduler/sched-bwc.rst), prctl(2) (PR_SET_CHILD_SUBREAPER),
 *       pidfd_open(2).
 * Try:  sudo bin/cgbox --memory 64m dd if=/dev/zero of=/dev/null bs=200M
 *       sudo bin/cgbox --trace --pids 32 --cpus 0.5 cat /proc/self/cgroup
 * See:  dd is killed at 64 MiB (exit status 137) and the report counts one
 *       OOM kill; cat's cgroup is .../minictr-cgbox-PID (v1) or
 *       /minictr/cgbox-PID (v2); --trace shows each mkdir and each
 *       "echo VALUE > FILE" that sets a limit.
 *
 * A cgroup is a directory in a cgroup filesystem: mkdir makes one, writing
 * to its files sets limits and moves processes in, reading them tells what
 * happened, rmdir removes it. cgroup v1 has one tree per controller
 * (/sys/fs/cgroup/memory, /sys/fs/cgroup/pids, ...); cgroup v2 has one tree
 * for all of them (/sys/fs/cgroup). "Hybrid" hosts mount both, and each
 * controller lives in exactly one. cgbox finds each controller where it
 * is usable and makes one directory in each tree it uses.
 */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CPU_PERIOD_USEC 100000 /* the kernel's default period: 100 ms */

enum ctl { MEMORY, CPU, CPUACCT, PIDS, NCTL };

/* A controller's name as a v1 hierarchy and as a v2 controller. v2 has no
 * cpuacct: every v2 cgroup counts its cpu time in cpu.stat (NULL: no
 * controller needed). */
static const char *const v1_name[NCTL] = {"memory", "cpu", "cpuacct", "pids"};
static const char *const v2_name[NCTL] = {"memory", "cpu", NULL, "pids"};

struct limits {
    uint64_t memory; /* bytes; 0: no limit */
    uint64_t cpu_quota; /* usec of cpu time per CPU_PERIOD_USEC; 0: none */
    uint64_t pids; /* tasks; 0: no limit */
};

/* One cgroup tree (a v1 hierarchy, or the v2 tree) and our cgroup in it. */
struct tree {
    char rel[1024]; /* our cgroup as /proc/PID/cgroup names it */
    char dir[1024]; /* where it is: mount point + rel */
    char mount[1024];
    dev_t dev; /* the mount's device: co-mounted controllers share it */
    bool v2;
    bool made; /* we created dir, so we remove it */
};

struct box {
    struct tree trees[NCTL];
    int ntrees;
    struct tree *of[NCTL]; /* the tree holding each controller, or NULL */
    const char *mode; /* "v1", "v2" or "hybrid" */
};

/* What happened, from the cgroup's own counters; -1 when not known. */
struct report {
    int status; /* waitpid status of the command */
    int exit_code; /* what cgbox exits with */
    int64_t wall_usec;
    int64_t mem_peak, mem_hits, oom_kills;
    int64_t cpu_usec, periods, throttled, throttled_usec;
    int64_t pids_hits;
};

static volatile sig_atomic_t child_pid; /* 0 until the command runs */
static volatile sig_atomic_t got_signal;

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: cgbox [OPTIONS] COMMAND [ARG...]\n"
            "Run COMMAND in a new cgroup under limits; when it ends, report\n"
            "peak memory, cpu time, throttling, OOM kills and pids-limit\n"
            "hits, and remove the cgroup. Exits with COMMAND's status.\n"
            "\n"
            "  -m, --memory SIZE   memory limit, e.g. 64m (swap off too)\n"
            "  -c, --cpus N        cpu limit in CPUs, e.g. 0.5 (min 0.01)\n"
            "  -p, --pids N        at most N tasks (processes and threads)\n"
            "  -j, --json          report as one line of JSON\n"
            "  -o, --output FILE   write the report to FILE, not stderr\n"
            "      --trace         print each kernel call and its shell twin\n"
            "  -h, --help          this help\n");
}

/* ---- where each controller lives --------------------------------------- */

/* Is path in a filesystem of this type? statfs(2)'s f_type tells cgroup v1
 * (CGROUP_SUPER_MAGIC) from cgroup v2 (CGROUP2_SUPER_MAGIC) from the tmpfs
 * that holds the v1 mount points. */
static bool
is_fs(const char *path, long magic)
{
    struct statfs sf;
    char shell[PATH_MAX + 32];

    snprintf(shell, sizeof(shell), "stat -f -c %%T %s", path);
    ct_trace(shell, "statfs(\"%s\")", path);
    return statfs(path, &sf) == 0 && sf.f_type == magic;
}

/* Is word an item of list (items split by spaces or commas)? */
static bool
has_word(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
        bool starts = p == list || p[-1] == ' ' || p[-1] == ',';
        bool ends = p[n] == '\0' || p[n] == ' ' || p[n] == ',' || p[n] == '\n';
        if (starts && ends)
            return true;
    }
    return false;
}

/* Does the v2 tree mounted at mount offer controller name? Its root's
 * cgroup.controllers lists what it has: on a hybrid host, only what no v1
 * hierarchy took. */
static bool
v2_offers(const char *mount, const char *name)
{
    char path[PATH_MAX], buf[512];

    if (!name)
        return true;
    snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
    return ct_read_file(path, buf, sizeof(buf)) >= 0 && has_word(buf, name);
}

/* Our own cgroup in the v1 hierarchy of controller name, from
 * /proc/self/cgroup, whose lines read "4:memory:/user.slice". */
static int
self_cgroup(const char *name, char *out, size_t size)
{
    char line[PATH_MAX + 128];
    FILE *f = fopen("/proc/self/cgroup", "re");
    int rc = -1;

    if (!f)
        return -1;
    while (rc == -1 && fgets(line, sizeof(line), f)) {
        char *ctls = strchr(line, ':'), *path;
        if (!ctls || !(path = strchr(++ctls, ':')))
            continue;
        *path++ = '\0';
        path[strcspn(path, "\n")] = '\0';
        if (has_word(ctls, name)) {
            snprintf(out, size, "%s", strcmp(path, "/") ? path : "");
            rc = 0;
        }
    }
    fclose(f);
    return rc;
}

/* The tree mounted at mount, added to the box on first use. On v1 our
 * cgroup goes below the one we are in (as runc does: our supervisor may
 * have put us there to limit us); on v2 below a parent of our own,
 * /minictr (see make_v2_parent). */
static struct tree *
add_tree(struct box *b, const char *mount, bool v2, const char *name)
{
    struct tree *t;
    struct stat st;
    char self[512] = "", dir[sizeof(t->dir)];

    if (stat(mount, &st) == -1)
        return NULL;
    for (int i = 0; i < b->ntrees; i++)
        if (b->trees[i].dev == st.st_dev) /* cpu,cpuacct mounted together */
            return &b->trees[i];
    t = &b->trees[b->ntrees++];
    snprintf(t->mount, sizeof(t->mount), "%s", mount);
    t->dev = st.st_dev;
    t->v2 = v2;
    if (v2) {
        snprintf(t->rel, sizeof(t->rel), "/minictr/cgbox-%d", (int)getpid());
    } else {
        if (self_cgroup(name, self, sizeof(self)) == 0) {
            /* In a container the hierarchy may be mounted at our own
             * cgroup: then the mount point itself is where we are. */
            snprintf(dir, sizeof(dir), "%s%s", mount, self);
            if (stat(dir, &st) == -1)
                self[0] = '\0';
        }
        snprintf(t->rel, sizeof(t->rel), "%s/minictr-cgbox-%d", self,
                 (int)getpid());
    }
    snprintf(dir, sizeof(dir), "%s%s", mount, t->rel);
    memcpy(t->dir, dir, sizeof(dir));
    return t;
}

/* Find where each controller is usable. Pure v2: /sys/fs/cgroup is
 * cgroup2 and has them all. v1 or hybrid: /sys/fs/cgroup/NAME is a v1
 * hierarchy, or else the v2 tree at /sys/fs/cgroup/unified offers it.
 * A controller we are asked to limit must exist: say which one is missing. */
static void
find_trees(struct box *b, const struct limits *lim)
{
    bool pure_v2 = is_fs(CGROUP_ROOT, CGROUP2_SUPER_MAGIC);
    bool hybrid =
        !pure_v2 && is_fs(CGROUP_ROOT "/unified", CGROUP2_SUPER_MAGIC);
    const char *v2_mount = pure_v2 ? CGROUP_ROOT
        : hybrid                   ? CGROUP_ROOT "/unified"
                                   : NULL;
    bool wanted[NCTL] = {lim->memory != 0, lim->cpu_quota != 0, false,
                         lim->pids != 0};

    b->mode = pure_v2 ? "v2" : hybrid ? "hybrid" : "v1";
    for (int c = 0; c < NCTL; c++) {
        char mount[PATH_MAX];

        snprintf(mount, sizeof(mount), "%s/%s", CGROUP_ROOT, v1_name[c]);
        if (!pure_v2 && is_fs(mount, CGROUP_SUPER_MAGIC))
            b->of[c] = add_tree(b, mount, false, v1_name[c]);
        else if (v2_mount && v2_offers(v2_mount, v2_name[c]))
            b->of[c] = add_tree(b, v2_mount, true, NULL);
        if (!b->of[c] && wanted[c]) {
            ct_set_hint(pure_v2 ? "cgroup v2: the controller must be listed "
                                  "in /sys/fs/cgroup/cgroup.controllers "
                                  "(run bin/doctor)"
                                : "look for a cgroup mount of it (grep "
                                  "cgroup /proc/mounts), or run bin/doctor");
            die("the %s controller is not available on this host: no "
                "cgroup v1 hierarchy at '%s' and no cgroup v2 tree that "
                "offers it",
                v1_name[c], mount);
        }
    }
    if (b->ntrees == 0)
        die("no cgroup filesystem found under '%s' (run bin/doctor)",
            CGROUP_ROOT);
}

/* ---- create the cgroup and set the limits ------------------------------ */

/* --trace: the call on path, and the shell command that does the same. */
static void
trace_cmd(const char *call, const char *cmd, const char *path)
{
    char shell[PATH_MAX + 16];

    snprintf(shell, sizeof(shell), "%s %s", cmd, path);
    ct_trace(shell, "%s(\"%s\")", call, path);
}

/* Write "+name" to dir/cgroup.subtree_control for each controller of tree
 * t that is not enabled there yet. */
static int
enable_controllers(const struct box *b, const struct tree *t, const char *dir)
{
    char path[PATH_MAX], have[512] = "", want[128] = "";

    snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
    if (ct_read_file(path, have, sizeof(have)) == -1)
        return ct_fail_errno("read '%s'", path);
    for (int c = 0; c < NCTL; c++)
        if (b->of[c] == t && v2_name[c] && !has_word(have, v2_name[c]))
            snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s+%s",
                     want[0] ? " " : "", v2_name[c]);
    if (want[0] && ct_write_file(path, "%s", want) == -1)
        return ct_fail_errno("write '%s' to '%s'", want, path);
    return 0;
}

/* cgroup v2 gives a controller to a cgroup only if its parent enabled it
 * in cgroup.subtree_control, and so on up to the root. And a cgroup that
 * enables controllers for its children may hold no processes itself (the
 * no-internal-processes rule; the root is exempt): so our cgroups hang
 * below /minictr, a parent of our own that never holds a process. */
static int
make_v2_parent(const struct box *b, const struct tree *t)
{
    char parent[PATH_MAX];

    snprintf(parent, sizeof(parent), "%s/minictr", t->mount);
    if (enable_controllers(b, t, t->mount) == -1)
        return -1;
    trace_cmd("mkdir", "mkdir", parent);
    if (mkdir(parent, 0755) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir '%s'", parent);
    return enable_controllers(b, t, parent);
}

/* mkdir(2) in a cgroup filesystem makes a cgroup, its files included. */
static int
make_cgroup_dir(const struct box *b, struct tree *t)
{
    for (int tries = 0;; tries++) {
        if (t->v2 && make_v2_parent(b, t) == -1)
            return -1;
        trace_cmd("mkdir", "mkdir", t->dir);
        if (mkdir(t->dir, 0755) == 0)
            break;
        /* Another cgbox may have removed /minictr just now: once more. */
        if (errno != ENOENT || !t->v2 || tries == 3)
            return ct_fail_errno("mkdir '%s'", t->dir);
    }
    t->made = true;
    return 0;
}

/* Write value to FILE in our cgroup of tree t. */
static int
set_file(const struct tree *t, const char *file, const char *value)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", t->dir, file);
    if (ct_write_file(path, "%s", value) == -1)
        return ct_fail_errno("write '%s' to '%s'", value, path);
    return 0;
}

static bool
has_file(const struct tree *t, const char *file)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", t->dir, file);
    return access(path, F_OK) == 0;
}

/* Make our cgroup in every tree and write the limits into its files.
 * Returns 0, or -1 (ct_fail) leaving what was made marked for removal. */
static int
create_box(struct box *b, const struct limits *lim)
{
    char val[64];
    struct tree *t;

    /* LAB 03.1: create the cgroup and write the limits */
    for (int i = 0; i < b->ntrees; i++)
        if (make_cgroup_dir(b, &b->trees[i]) == -1)
            return -1;
    if (lim->memory) {
        t = b->of[MEMORY];
        snprintf(val, sizeof(val), "%" PRIu64, lim->memory);
        /* Swap off too: else the kernel swaps the excess out instead of
         * OOM-killing, and the limit only slows the command down. v1's
         * memsw is memory + swap: equal to the limit means no swap. */
        if (t->v2) {
            if (set_file(t, "memory.max", val) == -1 ||
                (has_file(t, "memory.swap.max") &&
                 set_file(t, "memory.swap.max", "0") == -1))
                return -1;
        } else {
            if (set_file(t, "memory.limit_in_bytes", val) == -1 ||
                (has_file(t, "memory.memsw.limit_in_bytes") &&
                 set_file(t, "memory.memsw.limit_in_bytes", val) == -1))
                return -1;
        }
    }
    /* A quota of Q usec per period of P usec: at most Q/P CPUs. */
    if (lim->cpu_quota) {
        t = b->of[CPU];
        if (t->v2) {
            snprintf(val, sizeof(val), "%" PRIu64 " %d", lim->cpu_quota,
                     CPU_PERIOD_USEC);
            if (set_file(t, "cpu.max", val) == -1)
                return -1;
        } else {
            snprintf(val, sizeof(val), "%" PRIu64, lim->cpu_quota);
            if (set_file(t, "cpu.cfs_period_us", "100000") == -1 ||
                set_file(t, "cpu.cfs_quota_us", val) == -1)
                return -1;
        }
    }
    if (lim->pids) {
        snprintf(val, sizeof(val), "%" PRIu64, lim->pids);
        if (set_file(b->of[PIDS], "pids.max", val) == -1)
            return -1;
    }
    /* END LAB */
    return 0;
}

/* ---- run the command inside it ----------------------------------------- */

/* How the child failed, sent to the parent over a pipe. */
struct child_error {
    int err; /* errno */
    int tree; /* JOIN: which tree; -1: exec */
};

/* Forward a signal to the command, which then ends and cgbox cleans up.
 * kill(2) is async-signal-safe; cgbox itself never dies of it. */
static void
on_signal(int sig)
{
    got_signal = sig;
    if (child_pid > 0)
        kill(child_pid, sig);
}

static void
catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction sa = {.sa_handler = on_signal};

    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

static noreturn void
child_fail(int err_fd, int tree, int exit_code)
{
    struct child_error e = {errno, tree};

    /* If even this write fails, the exit status still tells. */
    if (write(err_fd, &e, sizeof(e)) != (ssize_t)sizeof(e))
        _exit(exit_code);
    _exit(exit_code);
}

/* In the child: join our cgroup in every tree, then become the command.
 * Joining before exec means not one instruction of the command runs
 * outside the limits. Children inherit the cgroup, so all the command
 * forks stays inside too. */
static noreturn void
child_main(const struct box *b, char **argv, int err_fd)
{
    char path[PATH_MAX];
    sigset_t none;

    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    /* LAB 03.2: move this process into the cgroup */
    for (int i = 0; i < b->ntrees; i++) {
        snprintf(path, sizeof(path), "%s/cgroup.procs", b->trees[i].dir);
        if (ct_write_file(path, "%d", (int)getpid()) == -1)
            child_fail(err_fd, i, 1);
    }
    /* END LAB */

    ct_trace(NULL, "execvp(\"%s\", ...)", argv[0]);
    execvp(argv[0], argv);
    child_fail(err_fd, -1, errno == ENOENT ? 127 : 126);
}

static int64_t
usec_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000000 +
        (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* Fork, let the child join the cgroup and exec, wait for it. Returns 0
 * with r->status set, or -1 (ct_fail) with r->exit_code set. */
static int
run_command(const struct box *b, char **argv, struct report *r)
{
    struct child_error e;
    struct timespec t0;
    sigset_t block, old;
    int fds[2], st;
    ssize_t n;
    pid_t pid, w;

    r->exit_code = CT_EXIT_FAILURE;
    /* prctl(2): orphans of the command are re-parented to us, not to
     * init, so we can reap what we kill at the end. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
        return ct_fail_errno("prctl(PR_SET_CHILD_SUBREAPER)");
    /* The pipe closes by itself when exec succeeds (O_CLOEXEC): a read
     * of 0 bytes means "running"; otherwise it carries the error. */
    if (pipe2(fds, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2");
    /* Hold signals until child_pid is set, so none is lost in between. */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    sigprocmask(SIG_BLOCK, &block, &old);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ct_trace(NULL, "fork()");
    pid = fork();
    if (pid == -1) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return ct_fail_errno("fork");
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(b, argv, fds[1]);
    }
    child_pid = pid;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(fds[1]);
    while ((n = read(fds[0], &e, sizeof(e))) == -1 && errno == EINTR)
        ;
    close(fds[0]);

    /* Reap everything until the command itself has ended. */
    while ((w = waitpid(-1, &st, 0)) != pid)
        if (w == -1 && errno != EINTR)
            return ct_fail_errno("waitpid");
    child_pid = 0;
    r->wall_usec = usec_since(&t0);
    r->status = st;
    if (n == (ssize_t)sizeof(e)) {
        r->exit_code = WEXITSTATUS(st);
        errno = e.err;
        if (e.tree >= 0)
            return ct_fail_errno("write %d to '%s/cgroup.procs'", (int)pid,
                                 b->trees[e.tree].dir);
        if (e.err == ENOENT)
            ct_set_hint("no such program: check its name and $PATH");
        return ct_fail_errno("exec '%s'", argv[0]);
    }
    r->exit_code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
    return 0;
}

/* ---- read the report --------------------------------------------------- */

/* A number from FILE in our cgroup of tree t, or -1. */
static int64_t
read_num(const struct tree *t, const char *file)
{
    char path[PATH_MAX], buf[64];
    uint64_t v;

    snprintf(path, sizeof(path), "%s/%s", t->dir, file);
    trace_cmd("read", "cat", path);
    if (ct_read_file(path, buf, sizeof(buf)) == -1 || ct_parse_u64(buf, &v))
        return -1;
    return (int64_t)v;
}

/* The number after "key " in a flat-keyed FILE such as cpu.stat, or -1. */
static int64_t
read_key(const struct tree *t, const char *file, const char *key)
{
    char path[PATH_MAX], buf[4096];
    size_t n = strlen(key);

    snprintf(path, sizeof(path), "%s/%s", t->dir, file);
    trace_cmd("read", "cat", path);
    if (ct_read_file(path, buf, sizeof(buf)) == -1)
        return -1;
    for (char *line = buf; line; line = strchr(line, '\n')) {
        line += *line == '\n';
        if (!strncmp(line, key, n) && line[n] == ' ')
            return strtoll(line + n + 1, NULL, 10);
    }
    return -1;
}

static int64_t
ns_to_usec(int64_t ns)
{
    return ns < 0 ? -1 : ns / 1000;
}

/* Read what the limits did from the cgroup's counters (before rmdir makes
 * them go away). v1 and v2 keep the same facts in different files. */
static void
read_report(const struct box *b, struct report *r)
{
    const struct tree *t;

    /* LAB 03.3: read what the limits did */
    if ((t = b->of[MEMORY]) && t->v2) {
        r->mem_peak = read_num(t, "memory.peak"); /* Linux 5.19+ */
        r->mem_hits = read_key(t, "memory.events", "max");
        r->oom_kills = read_key(t, "memory.events", "oom_kill");
    } else if (t) {
        r->mem_peak = read_num(t, "memory.max_usage_in_bytes");
        /* With swap accounting, memsw (memory + swap) fails first. */
        r->mem_hits = read_num(t, "memory.failcnt");
        if (read_num(t, "memory.memsw.failcnt") > r->mem_hits)
            r->mem_hits = read_num(t, "memory.memsw.failcnt");
        r->oom_kills = read_key(t, "memory.oom_control", "oom_kill");
    }
    if ((t = b->of[CPU]) && t->v2) {
        r->periods = read_key(t, "cpu.stat", "nr_periods");
        r->throttled = read_key(t, "cpu.stat", "nr_throttled");
        r->throttled_usec = read_key(t, "cpu.stat", "throttled_usec");
    } else if (t) {
        r->periods = read_key(t, "cpu.stat", "nr_periods");
        r->throttled = read_key(t, "cpu.stat", "nr_throttled");
        r->throttled_usec =
            ns_to_usec(read_key(t, "cpu.stat", "throttled_time"));
    }
    if ((t = b->of[CPUACCT]) && t->v2)
        r->cpu_usec = read_key(t, "cpu.stat", "usage_usec");
    else if (t)
        r->cpu_usec = ns_to_usec(read_num(t, "cpuacct.usage"));
    if ((t = b->of[PIDS]))
        r->pids_hits = read_key(t, "pids.events", "max");
    /* END LAB */
}

/* ---- remove it, always ------------------------------------------------- */

/* Is pid in the cgroup that /proc/PID/cgroup names rel? */
static bool
in_cgroup(pid_t pid, const char *rel)
{
    char path[64], line[PATH_MAX + 128];
    bool found = false;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
    if (!(f = fopen(path, "re")))
        return false;
    while (!found && fgets(line, sizeof(line), f)) {
        char *p = strchr(line, ':');
        line[strcspn(line, "\n")] = '\0';
        found = p && (p = strchr(p + 1, ':')) && !strcmp(p + 1, rel);
    }
    fclose(f);
    return found;
}

/* SIGKILL pid if it is still in our cgroup. Between reading cgroup.procs
 * and kill(2), pid may have exited and its number gone to a process that
 * is not ours. A pidfd (pidfd_open(2)) pins one process: check that one,
 * then signal that one. */
static void
kill_if_ours(pid_t pid, const char *rel)
{
    char shell[32];
    int fd = (int)syscall(SYS_pidfd_open, pid, 0); /* always close-on-exec */

    if (fd == -1)
        return; /* gone already */
    if (in_cgroup(pid, rel)) {
        snprintf(shell, sizeof(shell), "kill -KILL %d", (int)pid);
        ct_trace(shell, "pidfd_send_signal(pidfd of %d, SIGKILL)", (int)pid);
        syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
    }
    close(fd);
}

/* Kill every process left in our cgroup of tree t: what the command left
 * running (daemons, a fork bomb's leftovers). They are all ours. */
static void
kill_leftovers(const struct tree *t)
{
    char path[PATH_MAX];
    FILE *f;
    int pid;

    /* LAB 03.4: kill what the command left in the cgroup */
    /* v2, Linux 5.14+: one write kills them all, even mid-fork. */
    snprintf(path, sizeof(path), "%s/cgroup.kill", t->dir);
    if (t->v2 && access(path, F_OK) == 0) {
        if (ct_write_file(path, "1") == -1)
            warnx_ct("write '1' to '%s': %s", path, ct_errno_name(errno));
        return;
    }
    /* Else one by one; the caller repeats until the cgroup is empty. */
    snprintf(path, sizeof(path), "%s/cgroup.procs", t->dir);
    trace_cmd("read", "cat", path);
    if (!(f = fopen(path, "re")))
        return;
    while (fscanf(f, "%d", &pid) == 1)
        kill_if_ours(pid, t->rel);
    fclose(f);
    /* END LAB */
}

/* Remove our cgroup in every tree. rmdir(2) fails with EBUSY while
 * processes are in it; they are ours: kill them, reap them, try again.
 * Returns 0, or -1 after warning about what could not be removed. */
static int
remove_box(struct box *b)
{
    struct timespec nap = {0, 10 * 1000 * 1000}; /* 10 ms */
    char parent[PATH_MAX];
    int rc = 0;

    for (int i = b->ntrees - 1; i >= 0; i--) {
        struct tree *t = &b->trees[i];

        if (t->made) {
            trace_cmd("rmdir", "rmdir", t->dir);
            for (int tries = 0; rmdir(t->dir) == -1; tries++) {
                if (errno != EBUSY || tries == 1000) { /* 10 s */
                    warnx_ct("rmdir '%s' failed: %s", t->dir,
                             ct_errno_name(errno));
                    rc = -1;
                    break;
                }
                kill_leftovers(t);
                while (waitpid(-1, NULL, WNOHANG) > 0)
                    ;
                nanosleep(&nap, NULL);
            }
            t->made = access(t->dir, F_OK) == 0;
        }
        /* v2: the shared parent goes when the last cgbox leaves it (and
         * when our mkdir failed after making it). */
        snprintf(parent, sizeof(parent), "%s/minictr", t->mount);
        if (t->v2 && rmdir(parent) == 0)
            trace_cmd("rmdir", "rmdir", parent);
    }
    /* Reap the killed: the last ones may still be dying. */
    for (int tries = 0; tries < 1000; tries++) {
        pid_t w = waitpid(-1, NULL, WNOHANG);
        if (w == -1 && errno == ECHILD)
            break;
        if (w <= 0)
            nanosleep(&nap, NULL);
    }
    return rc;
}

/* ---- tell what happened ------------------------------------------------ */

static const char *
fmt_mib(char *buf, size_t size, int64_t bytes)
{
    if (bytes < 0)
        return "n/a";
    snprintf(buf, size, "%.1f MiB", (double)bytes / (1024 * 1024));
    return buf;
}

static const char *
fmt_sec(char *buf, size_t size, int64_t usec)
{
    if (usec < 0)
        return "n/a";
    snprintf(buf, size, "%.2f s", (double)usec / 1e6);
    return buf;
}

static const char *
fmt_num(char *buf, size_t size, int64_t v)
{
    if (v < 0)
        return "n/a";
    snprintf(buf, size, "%" PRId64, v);
    return buf;
}

static void
print_text(FILE *out, const struct report *r, const struct limits *lim,
           const char *cmd)
{
    char a[32], b[32], c[32], d[32];

    if (WIFSIGNALED(r->status))
        fprintf(out, "cgbox: '%s' was killed by SIG%s (status %d)", cmd,
                sigabbrev_np(WTERMSIG(r->status)), r->exit_code);
    else
        fprintf(out, "cgbox: '%s' exited with status %d", cmd, r->exit_code);
    fprintf(out, " after %s\n", fmt_sec(a, sizeof(a), r->wall_usec));
    fprintf(out,
            "  memory: peak %s, limit %s; hit the limit %s times, "
            "OOM kills %s\n",
            fmt_mib(a, sizeof(a), r->mem_peak),
            lim->memory ? fmt_mib(b, sizeof(b), (int64_t)lim->memory) : "none",
            fmt_num(c, sizeof(c), r->mem_hits),
            fmt_num(d, sizeof(d), r->oom_kills));
    fprintf(out, "  cpu:    used %s", fmt_sec(a, sizeof(a), r->cpu_usec));
    if (lim->cpu_quota)
        fprintf(out, ", limit %.2f CPUs",
                (double)lim->cpu_quota / CPU_PERIOD_USEC);
    fprintf(out, "; throttled in %s of %s periods, for %s\n",
            fmt_num(a, sizeof(a), r->throttled),
            fmt_num(b, sizeof(b), r->periods),
            fmt_sec(c, sizeof(c), r->throttled_usec));
    fprintf(out, "  pids:   limit %s; forks refused at the limit: %s\n",
            lim->pids ? fmt_num(a, sizeof(a), (int64_t)lim->pids) : "none",
            fmt_num(b, sizeof(b), r->pids_hits));
}

/* "key":N, or "key":null when not known. */
static void
json_num(FILE *out, const char *key, int64_t v, const char *after)
{
    if (v < 0)
        fprintf(out, "\"%s\":null%s", key, after);
    else
        fprintf(out, "\"%s\":%" PRId64 "%s", key, v, after);
}

static void
print_json(FILE *out, const struct report *r, const struct limits *lim,
           const struct box *b)
{
    fprintf(out, "{\"cgroup\":\"%s\",", b->mode);
    json_num(out, "exit_code", r->exit_code, ",");
    json_num(out, "signal", WIFSIGNALED(r->status) ? WTERMSIG(r->status) : -1,
             ",");
    json_num(out, "wall_usec", r->wall_usec, ",\"memory\":{");
    json_num(out, "limit", lim->memory ? (int64_t)lim->memory : -1, ",");
    json_num(out, "peak", r->mem_peak, ",");
    json_num(out, "limit_hits", r->mem_hits, ",");
    json_num(out, "oom_kills", r->oom_kills, "},\"cpu\":{");
    json_num(out, "quota_usec", lim->cpu_quota ? (int64_t)lim->cpu_quota : -1,
             ",");
    json_num(out, "period_usec", CPU_PERIOD_USEC, ",");
    json_num(out, "usage_usec", r->cpu_usec, ",");
    json_num(out, "nr_periods", r->periods, ",");
    json_num(out, "nr_throttled", r->throttled, ",");
    json_num(out, "throttled_usec", r->throttled_usec, "},\"pids\":{");
    json_num(out, "limit", lim->pids ? (int64_t)lim->pids : -1, ",");
    json_num(out, "limit_hits", r->pids_hits, "}}\n");
}

/* ---- main -------------------------------------------------------------- */

/* Parse the options into lim; returns the index of the command. */
static int
parse_args(int argc, char **argv, struct limits *lim, bool *json,
           const char **output)
{
    static const struct option opts[] = {
        {"memory", required_argument, NULL, 'm'},
        {"cpus", required_argument, NULL, 'c'},
        {"pids", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"trace", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t cpus;
    int opt;

    while ((opt = getopt_long(argc, argv, "+m:c:p:jo:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            if (ct_parse_size(optarg, &lim->memory) == -1)
                die_usage("--memory: '%s' is not a size (try 64m, 512k, 1g)",
                          optarg);
            if (lim->memory == 0)
                die_usage("--memory must be more than 0");
            break;
        case 'c':
            if (ct_parse_millionths(optarg, &cpus) == -1)
                die_usage("--cpus: '%s' is not a number of CPUs (try 0.5)",
                          optarg);
            lim->cpu_quota = cpus / (1000000 / CPU_PERIOD_USEC);
            if (cpus == 0)
                die_usage("--cpus must be more than 0");
            if (lim->cpu_quota < 1000)
                die_usage("--cpus %s is below 0.01 (the kernel's minimum "
                          "quota: 1 ms per period)",
                          optarg);
            break;
        case 'p':
            if (ct_parse_u64(optarg, &lim->pids) == -1 || lim->pids == 0)
                die_usage("--pids: '%s' is not a number of tasks (1 or more)",
                          optarg);
            break;
        case 'j': *json = true; break;
        case 'o': *output = optarg; break;
        case 'T': ct_tracing = true; break;
        case 'h': usage(stdout); exit(0);
        default: die_usage("unknown option");
        }
    }
    if (optind >= argc)
        die_usage("no command given");
    return optind;
}

int
main(int argc, char **argv)
{
    struct limits lim = {0};
    struct box box = {0};
    struct report rep = {.mem_peak = -1,
                         .mem_hits = -1,
                         .oom_kills = -1,
                         .cpu_usec = -1,
                         .periods = -1,
                         .throttled = -1,
                         .throttled_usec = -1,
                         .pids_hits = -1};
    const char *output = NULL;
    bool json = false;
    FILE *out = stderr;
    char **cmd;

    ct_prog = "cgbox";
    cmd = argv + parse_args(argc, argv, &lim, &json, &output);
    if (output && !(out = fopen(output, "we")))
        die_input_errno("open '%s'", output);
    find_trees(&box, &lim);
    catch_signals();

    /* From here on, every way out removes the cgroup. */
    if (create_box(&box, &lim) == -1) {
        remove_box(&box);
        ct_report();
        return CT_EXIT_FAILURE;
    }
    if (got_signal) {
        remove_box(&box);
        return 128 + got_signal;
    }
    if (run_command(&box, cmd, &rep) == -1) {
        remove_box(&box);
        ct_report();
        return rep.exit_code;
    }
    read_report(&box, &rep);
    remove_box(&box);

    if (json)
        print_json(out, &rep, &lim, &box);
    else
        print_text(out, &rep, &lim, cmd[0]);
    if (out != stderr)
        fclose(out);
    return rep.exit_code;
}
