/*
 * 00-doctor: is this machine ready for the workshop? Check the kernel, each
 * namespace type, user-namespace limits, the cgroup mode and controllers,
 * overlayfs, seccomp, the libraries and busybox, and what the grader needs
 * (bats and its libraries, python3, xz, zstd, the built-in image), and
 * explain every missing piece with a fix.
 *
 * Read: namespaces(7), unshare(2), cgroups(7), statfs(2), seccomp(2),
 *       prctl(2), dlopen(3), proc(5) (/proc/self/mountinfo, /proc/cgroups).
 * Try:  sudo bin/doctor; bin/doctor --json | python3 -m json.tool
 * See:  one line per check: ok, warn or FAIL, a name, what was found, and
 *       for warn and FAIL an indented "fix:" line. Exit 0 means ready.
 */
#include "ct.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* Where Debian's bats-support, bats-assert and bats-file live, and where
 * tests/lib/common.bash loads them from. */
#define BATS_LIBDIR "/usr/lib/bats"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* Linux 5.6; older headers lack it */
#endif

/* ---- the report ------------------------------------------------------- */

enum status { OK, WARN, FAIL };
static const char *const status_word[] = {"ok", "warn", "FAIL"};

/* One line of the report. Names have no spaces, so `awk '{print $2}'` finds
 * them; the detail says what was found, the fix what to do about it. */
struct check {
    enum status status;
    char name[24];
    char detail[1100];
    char fix[384];
};

static struct check checks[40];
static int n_checks;

/* Add a check to the report; its fix is set with set_fix. */
static struct check *add_check(enum status status, const char *name,
                               const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_fix(struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct check *
add_check(enum status status, const char *name, const char *fmt, ...)
{
    struct check *c = &checks[n_checks < 39 ? n_checks++ : 39];
    va_list ap;

    c->status = status;
    snprintf(c->name, sizeof(c->name), "%s", name);
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
    va_end(ap);
    c->fix[0] = '\0';
    return c;
}

static void
set_fix(struct check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->fix, sizeof(c->fix), fmt, ap);
    va_end(ap);
}

/* ---- who and what ----------------------------------------------------- */

static bool is_root;
static struct utsname uts;

static void
check_root(void)
{
    is_root = geteuid() == 0;
    if (is_root) {
        add_check(OK, "root", "running as root (uid 0)");
        return;
    }
    struct check *c = add_check(FAIL, "root",
                                "running as uid %u, not root: the workshop "
                                "tools need root, and some checks below "
                                "could only be tried part way",
                                (unsigned)geteuid());
    set_fix(c,
            "run the workshop tools, and this doctor, with sudo: "
            "sudo bin/doctor");
}

/* Namespaces arrived over many releases; the last we use (cgroup) in 4.6,
 * and the time namespace in 5.6. */
static void
check_kernel(void)
{
    int major = 0, minor = 0;

    uname(&uts);
    sscanf(uts.release, "%d.%d", &major, &minor);
    int version = major * 1000 + minor;
    if (version < 4006) {
        struct check *c = add_check(FAIL, "kernel",
                                    "%s (%s): older than 4.6, which brought "
                                    "cgroup namespaces",
                                    uts.release, uts.machine);
        set_fix(c, "boot a newer kernel (any distribution from 2020 on)");
    } else if (version < 5006) {
        struct check *c = add_check(WARN, "kernel",
                                    "%s (%s): older than 5.6 (no time "
                                    "namespace, fewer cgroup v2 features)",
                                    uts.release, uts.machine);
        set_fix(c, "the workshop works; a 5.6 or newer kernel shows more");
    } else {
        add_check(OK, "kernel", "%s (%s)", uts.release, uts.machine);
    }
}

/* ---- namespaces -------------------------------------------------------- */

struct ns_type {
    const char *name; /* as in /proc/self/ns/ */
    int flag; /* for unshare(2) */
    const char *flag_name;
    const char *option; /* of unshare(1) */
    const char *config; /* the kernel option that builds it */
    bool required; /* a step uses it */
};

static const struct ns_type ns_types[] = {
    {"uts", CLONE_NEWUTS, "CLONE_NEWUTS", "--uts", "CONFIG_UTS_NS", true},
    {"ipc", CLONE_NEWIPC, "CLONE_NEWIPC", "--ipc", "CONFIG_IPC_NS", true},
    {"pid", CLONE_NEWPID, "CLONE_NEWPID", "--pid", "CONFIG_PID_NS", true},
    {"net", CLONE_NEWNET, "CLONE_NEWNET", "--net", "CONFIG_NET_NS", true},
    {"mnt", CLONE_NEWNS, "CLONE_NEWNS", "--mount", "(always built)", true},
    {"cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "--cgroup", "CONFIG_CGROUPS",
     true},
    {"user", CLONE_NEWUSER, "CLONE_NEWUSER", "--user", "CONFIG_USER_NS", true},
    {"time", CLONE_NEWTIME, "CLONE_NEWTIME", "--time", "CONFIG_TIME_NS", false},
};

/*
 * Try to make a namespace of one type in a forked child, so that nothing
 * changes for us. Returns 0 when unshare(2) worked, else its errno.
 * Without root, a new user namespace comes first: inside it we hold every
 * capability, which is how rootless containers make the others.
 */
static int
try_unshare(const struct ns_type *ns)
{
    int status;

    char shell[64];
    snprintf(shell, sizeof(shell), "unshare %s%s true",
             is_root ? "" : "--user --map-root-user ", ns->option);
    ct_trace(shell, "fork(); unshare(%s%s) in the child",
             is_root ? "" : "CLONE_NEWUSER|", ns->flag_name);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == -1)
        die_errno("fork a child to try the %s namespace", ns->name);
    if (pid == 0) {
        /* LAB 00.2: try to make the namespace with unshare(2) */
        int flags = is_root ? ns->flag : CLONE_NEWUSER | ns->flag;
        if (unshare(flags) == -1)
            _exit(errno);
        /* END LAB */
        _exit(0);
    }
    if (waitpid(pid, &status, 0) == -1)
        die_errno("wait for the child that tried the %s namespace", ns->name);
    if (!WIFEXITED(status))
        return EINTR;
    /* A student copy whose child reached an unfinished LAB: stop here. */
    if (WEXITSTATUS(status) == CT_EXIT_LAB_TODO)
        exit(CT_EXIT_LAB_TODO);
    return WEXITSTATUS(status);
}

static void
check_namespace(const struct ns_type *ns)
{
    char name[24], path[64];
    struct check *c;

    snprintf(name, sizeof(name), "ns-%s", ns->name);
    snprintf(path, sizeof(path), "/proc/self/ns/%s", ns->name);
    /* Each type the kernel was built with shows up as a link here. */
    if (access(path, F_OK) == -1) {
        c = add_check(ns->required ? FAIL : WARN, name,
                      "%s is missing: this kernel has no %s namespace", path,
                      ns->name);
        set_fix(c,
                "boot a kernel built with %s=y (every distribution "
                "kernel is)",
                ns->config);
        return;
    }
    int err = try_unshare(ns);
    if (err == 0) {
        if (is_root || ns->flag == CLONE_NEWUSER)
            add_check(OK, name, "unshare(%s) works", ns->flag_name);
        else
            add_check(OK, name, "unshare(CLONE_NEWUSER|%s) works",
                      ns->flag_name);
        return;
    }
    if (!is_root && (err == EPERM || err == EACCES || err == ENOSPC)) {
        c = add_check(WARN, name,
                      "%s exists; could not try it without root "
                      "(user namespaces refused: %s)",
                      path, ct_errno_name(err));
        set_fix(c, "run this doctor with sudo to try it");
        return;
    }
    c = add_check(ns->required ? FAIL : WARN, name,
                  "%s exists, but unshare(%s) failed: %s (%s)", path,
                  ns->flag_name, ct_errno_name(err), strerror(err));
    if (err == ENOSPC)
        set_fix(c,
                "raise the limit: sudo sysctl -w user.max_%s_namespaces"
                "=10000",
                ns->name);
    else
        set_fix(c,
                "try 'sudo unshare %s true'; a security module or a "
                "container around you may forbid it (run on the host)",
                ns->option);
}

/* Read a one-line /proc/sys file into buf, or "absent" when it is not
 * there (the knob belongs to another distribution's kernel). */
static const char *
read_sysctl(const char *path, char *buf, size_t size)
{
    if (ct_read_file(path, buf, size) < 0)
        snprintf(buf, size, "absent");
    return buf;
}

/*
 * Can an unprivileged user make a user namespace? That is what step 08
 * (rootless) needs. Three knobs decide, and then we simply try it as
 * nobody (uid 65534) in a child.
 */
static void
check_userns(void)
{
    char max[32], debian[32], ubuntu[32];
    int status;

    read_sysctl("/proc/sys/user/max_user_namespaces", max, sizeof(max));
    read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", debian,
                sizeof(debian));
    read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
                ubuntu, sizeof(ubuntu));

    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == -1)
        die_errno("fork a child to try a user namespace");
    if (pid == 0) {
        /* Root drops to nobody first, so that we test what a user gets. */
        if (is_root &&
            (setgroups(0, NULL) == -1 || setresgid(65534, 65534, 65534) == -1 ||
             setresuid(65534, 65534, 65534) == -1))
            _exit(errno);
        _exit(unshare(CLONE_NEWUSER) == -1 ? errno : 0);
    }
    if (waitpid(pid, &status, 0) == -1)
        die_errno("wait for the child that tried a user namespace");
    int err = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;

    char detail[256];
    snprintf(detail, sizeof(detail),
             "user.max_user_namespaces=%s, "
             "kernel.unprivileged_userns_clone=%s, "
             "kernel.apparmor_restrict_unprivileged_userns=%s",
             max, debian, ubuntu);
    if (err == 0) {
        add_check(OK, "userns", "%s; a user without privileges can make one",
                  detail);
        return;
    }
    struct check *c = add_check(WARN, "userns",
                                "%s; a user without privileges cannot make "
                                "one (%s): rootless containers (step 08) "
                                "need it",
                                detail, ct_errno_name(err));
    if (strcmp(max, "0") == 0)
        set_fix(c, "sudo sysctl -w user.max_user_namespaces=15000");
    else if (strcmp(debian, "0") == 0)
        set_fix(c, "sudo sysctl -w kernel.unprivileged_userns_clone=1");
    else if (strcmp(ubuntu, "1") == 0)
        set_fix(c,
                "sudo sysctl -w "
                "kernel.apparmor_restrict_unprivileged_userns=0 (or an "
                "AppArmor profile that allows userns for bin/*)");
    else
        set_fix(c,
                "a security module or a container around you forbids "
                "it: run the workshop on a VM or host of your own");
}

/* ---- rootless: minictr without sudo (step 08) ------------------------- */

/* subuid(5): "NAME:START:COUNT" lines. The first range of `name` (or of
 * uid `id`) into *start, *count; the name of another user whose range
 * overlaps it into other (or ""). Returns false when there is none. */
static bool
subid_range(const char *file, const char *name, unsigned id,
            unsigned long *start, unsigned long *count, char *other,
            size_t size)
{
    char line[512], who[256], num[16];
    unsigned long s, n;
    bool found = false;
    FILE *f = fopen(file, "re");

    snprintf(num, sizeof(num), "%u", id);
    other[0] = '\0';
    for (int pass = 0; f && pass < 2; pass++) {
        rewind(f);
        while (fgets(line, sizeof(line), f))
            if (sscanf(line, "%255[^:]:%lu:%lu", who, &s, &n) == 3 && n) {
                bool ours = !strcmp(who, name) || !strcmp(who, num);
                if (pass == 0 && ours && !found) {
                    *start = s;
                    *count = n;
                    found = true;
                } else if (pass == 1 && found && !ours && s < *start + *count &&
                           *start < s + n) {
                    snprintf(other, size, "%s", who);
                }
            }
    }
    if (f)
        fclose(f);
    return found;
}

/* Found in PATH (where minictr looks) and setuid root, or with file
 * capabilities: newuidmap maps only what /etc/subuid allows, but needs
 * root's power for that. */
static const char *
find_setuid_helper(const char *name, char *path, size_t size, bool *setuid)
{
    struct stat st;

    if (!ct_find_in_path(name, path, size) || stat(path, &st) == -1)
        return NULL;
    *setuid = (st.st_mode & S_ISUID) && st.st_uid == 0;
    if (!*setuid)
        *setuid = getxattr(path, "security.capability", NULL, 0) > 0;
    return path;
}

/* A cgroup the user owns: root delegated it (a systemd login does for a
 * desktop session; a teacher by hand). */
static bool
owned_cgroup(const char *dir, uid_t uid)
{
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid;
}

/*
 * Can this user run `minictr` without sudo? The user: us, or with sudo the
 * one who called it ($SUDO_USER). User namespaces are the "userns" check
 * above; here the rest: a /etc/subuid and /etc/subgid range of its own (or
 * only one id is mapped: images with files of other owners do not import),
 * newuidmap and newgidmap to write it, a delegated cgroup (or no limits and
 * no pause), /dev/net/tun (for the networks of a later step). As root,
 * also root's own range for `minictr run --userns auto`.
 */
static void
check_rootless(void)
{
    const char *sudo_user = getenv("SUDO_USER");
    struct passwd *pw = !is_root  ? getpwuid(geteuid())
        : sudo_user && *sudo_user ? getpwnam(sudo_user)
                                  : NULL;
    unsigned long us = 0, uc = 0, gs = 0, gc = 0;
    char other[256], path[512], dir[512], found[2048] = "";
    bool uidmap_ok = true, setuid = false;
    struct statfs fs;
    struct check *c;

    if (is_root) {
        bool u = subid_range("/etc/subuid", "root", 0, &us, &uc, other,
                             sizeof(other));
        if (u && uc >= 65536 && !other[0] &&
            subid_range("/etc/subgid", "root", 0, &gs, &gc, other,
                        sizeof(other)) &&
            gc >= 65536 && !other[0]) {
            add_check(OK, "userns-auto",
                      "root has %lu subordinate ids from %lu: %lu "
                      "containers with --userns auto at once",
                      uc, us, (uc < gc ? uc : gc) / 65536);
        } else {
            c = add_check(WARN, "userns-auto",
                          other[0] ? "root's range in /etc/subuid or "
                                     "/etc/subgid overlaps the range of '%s'"
                                   : "root has no range of 65536 ids or more "
                                     "in /etc/subuid and /etc/subgid%s",
                          other[0] ? other : "");
            set_fix(c,
                    "sudo usermod --add-subuids 1000000-1655359 "
                    "--add-subgids 1000000-1655359 root (for minictr run "
                    "--userns auto)");
        }
    }
    if (!pw || pw->pw_uid == 0)
        return; /* root, not under sudo: no user to check */
    /* 1. a range of its own, in both files, overlapping nobody's */
    bool u = subid_range("/etc/subuid", pw->pw_name, pw->pw_uid, &us, &uc,
                         other, sizeof(other));
    bool overlap = other[0] != '\0';
    bool g = subid_range("/etc/subgid", pw->pw_name, pw->pw_uid, &gs, &gc,
                         other + strlen(other), sizeof(other) - strlen(other));
    overlap = overlap || other[0];
    if (u && g && !overlap) {
        add_check(OK, "subid-range",
                  "%s has uids %lu-%lu and gids %lu-%lu of its own",
                  pw->pw_name, us, us + uc - 1, gs, gs + gc - 1);
    } else {
        c = add_check(WARN, "subid-range",
                      overlap ? "the range of %s overlaps the range of '%s' "
                                "in /etc/subuid or /etc/subgid"
                              : "%s has no range in /etc/subuid and "
                                "/etc/subgid%s: its containers map one id "
                                "only (images whose files have other owners "
                                "do not import)",
                      pw->pw_name, overlap ? other : "");
        set_fix(c,
                "sudo usermod --add-subuids 100000-165535 --add-subgids "
                "100000-165535 %s (a block no other user has)",
                pw->pw_name);
    }
    /* 2. the helpers that write it */
    for (int i = 0; i < 2; i++) {
        const char *name = i ? "newgidmap" : "newuidmap";
        bool there = find_setuid_helper(name, path, sizeof(path), &setuid);
        uidmap_ok = uidmap_ok && there && setuid;
        snprintf(found + strlen(found), sizeof(found) - strlen(found),
                 "%s%s %s", i ? ", " : "", name,
                 !there       ? "missing"
                     : setuid ? path
                              : "not setuid");
    }
    if (uidmap_ok) {
        add_check(OK, "newuidmap", "%s (setuid root)", found);
    } else {
        c = add_check(u && g ? WARN : OK, "newuidmap", "%s", found);
        set_fix(c,
                "sudo apt-get install uidmap (or: sudo chmod u+s "
                "/usr/bin/newuidmap /usr/bin/newgidmap)");
    }
    /* 3. a delegated cgroup: v2 the systemd user service, or one root made */
    found[0] = '\0';
    if (statfs("/sys/fs/cgroup", &fs) == 0 &&
        fs.f_type == CGROUP2_SUPER_MAGIC) {
        snprintf(dir, sizeof(dir),
                 "/sys/fs/cgroup/user.slice/user-%u.slice/user@%u.service",
                 (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
        if (!owned_cgroup(dir, pw->pw_uid))
            snprintf(dir, sizeof(dir), "/sys/fs/cgroup/minictr-%s",
                     pw->pw_name);
        if (owned_cgroup(dir, pw->pw_uid))
            snprintf(found, sizeof(found), "%s", dir);
    } else {
        static const char *const ctls[] = {"memory", "cpu", "pids", "freezer"};
        for (size_t i = 0; i < sizeof(ctls) / sizeof(ctls[0]); i++) {
            snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/minictr-%s", ctls[i],
                     pw->pw_name);
            if (owned_cgroup(dir, pw->pw_uid))
                snprintf(found + strlen(found), sizeof(found) - strlen(found),
                         "%s%s", found[0] ? ", " : "", ctls[i]);
        }
    }
    if (found[0]) {
        add_check(OK, "cgroup-user", "delegated to %s: %s", pw->pw_name, found);
    } else {
        c = add_check(WARN, "cgroup-user",
                      "no cgroup is delegated to %s: its containers run "
                      "without limits, and pause needs one",
                      pw->pw_name);
        if (statfs("/sys/fs/cgroup", &fs) == 0 &&
            fs.f_type == CGROUP2_SUPER_MAGIC)
            set_fix(c,
                    "a systemd login delegates user@UID.service; else: sudo "
                    "mkdir -p /sys/fs/cgroup/minictr-%s/shell && sudo chown "
                    "-R %s /sys/fs/cgroup/minictr-%s, and put the user's "
                    "shell in .../shell/cgroup.procs",
                    pw->pw_name, pw->pw_name, pw->pw_name);
        else
            set_fix(c,
                    "for c in memory cpu pids freezer; do sudo mkdir "
                    "/sys/fs/cgroup/$c/minictr-%s; sudo chown -R %s "
                    "/sys/fs/cgroup/$c/minictr-%s; done",
                    pw->pw_name, pw->pw_name, pw->pw_name);
    }
    /* 4. /dev/net/tun: a user's networks (slirp4netns, pasta) need it */
    struct stat st;
    if (stat("/dev/net/tun", &st) == 0 && S_ISCHR(st.st_mode) &&
        (st.st_mode & 0006) == 0006) {
        add_check(OK, "net-tun", "/dev/net/tun is there, mode %03o",
                  (unsigned)st.st_mode & 0777);
    } else {
        c = add_check(WARN, "net-tun",
                      "/dev/net/tun is %s: a user's container networks "
                      "(a later step) need it",
                      access("/dev/net/tun", F_OK) ? "missing"
                                                   : "not open to all");
        set_fix(c, "sudo modprobe tun (and: sudo chmod 0666 /dev/net/tun)");
    }
}

/* ---- cgroups ----------------------------------------------------------- */

enum cgroup_mode { CG_NONE, CG_V1, CG_HYBRID, CG_V2 };
static const char *const mode_word[] = {"none", "v1", "hybrid", "v2"};

static enum cgroup_mode cg_mode;
static char cg2_mount[64]; /* where cgroup2 is mounted, or "" */

/* What we know of each controller the kernel has (/proc/cgroups). */
struct controller {
    char name[32];
    int hierarchy; /* v1 hierarchy id, 0 when not on a v1 one */
    bool enabled; /* 0 after cgroup_disable=NAME on the command line */
    char v1_mount[256]; /* where its v1 hierarchy is mounted, or "" */
    char v1_root[256]; /* which cgroup that mount shows as its root */
    bool v2; /* offered by the cgroup2 root (cgroup.controllers) */
};

static struct controller ctrls[32];
static int n_ctrls;
static const char *const needed[] = {"memory", "cpu", "pids"};

/*
 * cgroups(7): on v2 /sys/fs/cgroup *is* the cgroup2 filesystem. On v1 and
 * hybrid it is a tmpfs holding one mount per v1 hierarchy; hybrid adds a
 * cgroup2 at /sys/fs/cgroup/unified. statfs(2) tells filesystems apart by
 * their magic number (stat -f -c %T shows its name).
 */
static enum cgroup_mode
detect_cgroup_mode(void)
{
    enum cgroup_mode mode = CG_NONE;

    ct_trace("stat -f -c %T /sys/fs/cgroup", "statfs(\"/sys/fs/cgroup\")");
    /* LAB 00.1: tell v1, hybrid and v2 apart with statfs(2) */
    struct statfs st;
    if (statfs("/sys/fs/cgroup", &st) == 0) {
        if (st.f_type == CGROUP2_SUPER_MAGIC) {
            mode = CG_V2;
        } else if (st.f_type == TMPFS_MAGIC) {
            mode = CG_V1;
            if (statfs("/sys/fs/cgroup/unified", &st) == 0 &&
                st.f_type == CGROUP2_SUPER_MAGIC)
                mode = CG_HYBRID;
        }
    }
    /* END LAB */
    return mode;
}

static struct controller *
find_controller(const char *name)
{
    for (int i = 0; i < n_ctrls; i++)
        if (strcmp(ctrls[i].name, name) == 0)
            return &ctrls[i];
    /* v2's "io" is v1's "blkio", the name /proc/cgroups keeps: where no
     * v1 hierarchy holds it, it goes by its v2 name. */
    if (strcmp(name, "io") == 0) {
        struct controller *c = find_controller("blkio");
        if (c && !c->v1_mount[0])
            snprintf(c->name, sizeof(c->name), "io");
        return c;
    }
    return NULL;
}

/* /proc/cgroups: "name hierarchy num_cgroups enabled", one per line. */
static void
read_proc_cgroups(void)
{
    char line[256];
    FILE *f = fopen("/proc/cgroups", "re");

    if (!f)
        return;
    while (fgets(line, sizeof(line), f) && n_ctrls < 32) {
        struct controller *c = &ctrls[n_ctrls];
        int num, enabled;
        if (line[0] == '#' ||
            sscanf(line, "%31s %d %d %d", c->name, &c->hierarchy, &num,
                   &enabled) != 4)
            continue;
        c->enabled = enabled == 1;
        n_ctrls++;
    }
    fclose(f);
}

/*
 * proc(5), /proc/self/mountinfo: "... ROOT MOUNTPOINT OPTS ... - TYPE SOURCE
 * SUPEROPTS". A v1 hierarchy is a mount of type cgroup whose super options
 * name its controllers ("rw,memory" or "rw,cpu,cpuacct"). A mount hidden
 * under a later one is still listed, so statfs(2) checks that the path
 * really leads to a cgroup filesystem.
 */
static void
find_v1_mounts(void)
{
    char line[1024], root[256], mnt[256], type[32], opts[256];
    FILE *f = fopen("/proc/self/mountinfo", "re");

    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *tail = strstr(line, " - ");
        if (!tail || sscanf(line, "%*s %*s %*s %255s %255s", root, mnt) != 2 ||
            sscanf(tail, " - %31s %*s %255s", type, opts) != 2 ||
            strcmp(type, "cgroup") != 0)
            continue;
        struct statfs st;
        if (statfs(mnt, &st) == -1 || st.f_type != CGROUP_SUPER_MAGIC)
            continue;
        char *save = NULL;
        for (char *o = strtok_r(opts, ",", &save); o;
             o = strtok_r(NULL, ",", &save)) {
            struct controller *c = find_controller(o);
            if (c && !c->v1_mount[0]) {
                snprintf(c->v1_mount, sizeof(c->v1_mount), "%s", mnt);
                snprintf(c->v1_root, sizeof(c->v1_root), "%s", root);
            }
        }
    }
    fclose(f);
}

/* The cgroup2 root lists in cgroup.controllers what it can hand down. */
static void
read_v2_controllers(void)
{
    if (!cg2_mount[0])
        return;
    /* LAB 00.3: read which controllers the cgroup2 root offers */
    char path[128], buf[512];
    snprintf(path, sizeof(path), "%s/cgroup.controllers", cg2_mount);
    if (ct_read_file(path, buf, sizeof(buf)) >= 0) {
        char *save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w;
             w = strtok_r(NULL, " ", &save)) {
            struct controller *c = find_controller(w);
            if (c)
                c->v2 = true;
        }
    }
    /* END LAB */
}

/* "memory cpu pids" from the controllers that pass `test`. */
static void
list_controllers(char *buf, size_t size,
                 bool (*test)(const struct controller *))
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < n_ctrls && len < size; i++)
        if (test(&ctrls[i]))
            len += snprintf(buf + len, size - len, "%s%s", len ? " " : "",
                            ctrls[i].name);
}

static bool
is_v1(const struct controller *c)
{
    return c->enabled && c->v1_mount[0] && !c->v2;
}

static bool
is_v2(const struct controller *c)
{
    return c->enabled && c->v2;
}

static bool
is_unused(const struct controller *c)
{
    return c->enabled && !is_v1(c) && !is_v2(c);
}

static bool
is_disabled(const struct controller *c)
{
    return !c->enabled;
}

static void
check_cgroup_mode(void)
{
    cg_mode = detect_cgroup_mode();
    if (cg_mode == CG_V2)
        snprintf(cg2_mount, sizeof(cg2_mount), "/sys/fs/cgroup");
    else if (cg_mode == CG_HYBRID)
        snprintf(cg2_mount, sizeof(cg2_mount), "/sys/fs/cgroup/unified");

    static const char *const what[] = {
        "nothing usable is mounted at /sys/fs/cgroup",
        "one hierarchy per controller group in /sys/fs/cgroup/*",
        "v1 hierarchies in /sys/fs/cgroup/* and cgroup2 at "
        "/sys/fs/cgroup/unified",
        "one unified cgroup2 tree at /sys/fs/cgroup",
    };
    if (cg_mode == CG_NONE) {
        struct check *c = add_check(FAIL, "cgroup-mode", "none: %s", what[0]);
        set_fix(c,
                "sudo mount -t cgroup2 none /sys/fs/cgroup (systemd "
                "does this at boot)");
        return;
    }
    add_check(OK, "cgroup-mode", "%s: %s", mode_word[cg_mode], what[cg_mode]);
}

/* Which controllers can a step use: v1 mounts, the v2 root, or neither. */
static void
check_cgroup_controllers(void)
{
    char v1[256], v2[256], unused[256], disabled[256], missing[64] = "";
    size_t len = 0;

    read_proc_cgroups();
    if (cg_mode == CG_V1 || cg_mode == CG_HYBRID)
        find_v1_mounts();
    read_v2_controllers();
    list_controllers(v1, sizeof(v1), is_v1);
    list_controllers(v2, sizeof(v2), is_v2);
    list_controllers(unused, sizeof(unused), is_unused);
    list_controllers(disabled, sizeof(disabled), is_disabled);

    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        struct controller *c = find_controller(needed[i]);
        if (!c || (!is_v1(c) && !is_v2(c)))
            len += snprintf(missing + len, sizeof(missing) - len, "%s%s",
                            len ? " " : "", needed[i]);
    }
    char detail[1100];
    snprintf(detail, sizeof(detail),
             "v1: %s; v2: %s; not mounted: %s; disabled: %s", v1[0] ? v1 : "-",
             v2[0] ? v2 : "-", unused[0] ? unused : "-",
             disabled[0] ? disabled : "-");
    if (!missing[0]) {
        add_check(OK, "cgroup-ctrl", "%s", detail);
        return;
    }
    struct check *c =
        add_check(FAIL, "cgroup-ctrl", "%s; missing: %s", detail, missing);
    if (disabled[0])
        set_fix(c,
                "remove cgroup_disable=... from the kernel command line "
                "(Raspberry Pi: add cgroup_enable=memory cgroup_memory=1 "
                "to cmdline.txt) and reboot");
    else if (cg_mode == CG_V2)
        set_fix(c,
                "the cgroup2 root does not offer them: they are bound "
                "to a v1 hierarchy, or the kernel lacks them");
    else
        set_fix(c,
                "mount their v1 hierarchies, e.g. sudo mkdir "
                "/sys/fs/cgroup/memory && sudo mount -t cgroup -o memory "
                "cgroup /sys/fs/cgroup/memory");
}

/* Our cgroup in the hierarchy with this id (0 = v2) from /proc/self/cgroup,
 * whose lines read "ID:CONTROLLERS:PATH". */
static bool
own_cgroup(int hierarchy, char *path, size_t size)
{
    char line[512];
    int id;
    bool found = false;
    FILE *f = fopen("/proc/self/cgroup", "re");

    if (!f)
        return false;
    while (!found && fgets(line, sizeof(line), f)) {
        char *p = strchr(line, ':');
        p = p ? strchr(p + 1, ':') : NULL;
        if (!p || sscanf(line, "%d:", &id) != 1 || id != hierarchy)
            continue;
        p[strcspn(p, "\n")] = '\0';
        snprintf(path, size, "%s", p + 1);
        found = true;
    }
    fclose(f);
    return found;
}

/*
 * Where will a step create its cgroups, and may it? On v1 and hybrid, below
 * the cgroup we are in, in each hierarchy (as runc does). On v2, below the
 * root, which must enable the controllers for its children in
 * cgroup.subtree_control; a user without root needs a delegated cgroup.
 */
static void
check_cgroup_ours(void)
{
    char own[256], dir[512], detail[512] = "", buf[256];
    size_t len = 0;
    bool writable = true, enabled = true;

    if (cg_mode == CG_NONE)
        return;
    if (cg_mode == CG_V2) {
        if (!own_cgroup(0, own, sizeof(own)))
            snprintf(own, sizeof(own), "/");
        snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s", own);
        writable = access(dir, W_OK) == 0;
        if (ct_read_file("/sys/fs/cgroup/cgroup.subtree_control", buf,
                         sizeof(buf)) < 0)
            buf[0] = '\0';
        for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
            if (!strstr(buf, needed[i]))
                enabled = false;
        snprintf(detail, sizeof(detail),
                 "we are in '%s' (%s); the root enables for its children: "
                 "%s",
                 own, writable ? "writable" : "not writable",
                 buf[0] ? buf : "nothing");
    } else {
        for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
            struct controller *c = find_controller(needed[i]);
            if (!c || !is_v1(c) || !own_cgroup(c->hierarchy, own, sizeof(own)))
                continue;
            /* A mount may show a sub-cgroup as its root (in a container). */
            size_t rl = strcmp(c->v1_root, "/") ? strlen(c->v1_root) : 0;
            const char *rest = strncmp(own, c->v1_root, rl) ? own : own + rl;
            snprintf(dir, sizeof(dir), "%s%s", c->v1_mount, rest);
            bool w = access(dir, W_OK) == 0;
            writable = writable && w;
            len += snprintf(detail + len, sizeof(detail) - len, "%s%s:%s (%s)",
                            len ? ", " : "", c->name, own,
                            w ? "writable" : "not writable");
        }
        if (!detail[0]) {
            struct check *c = add_check(WARN, "cgroup-ours",
                                        "none of memory, cpu, pids is on a "
                                        "v1 hierarchy here");
            set_fix(c, "see the fix for cgroup-ctrl");
            return;
        }
    }
    if (writable && enabled) {
        add_check(OK, "cgroup-ours", "%s", detail);
        return;
    }
    struct check *c = add_check(is_root && !writable ? FAIL : WARN,
                                "cgroup-ours", "%s", detail);
    if (!is_root)
        set_fix(c, "the workshop creates cgroups as root: use sudo");
    else if (!writable)
        set_fix(c,
                "/sys/fs/cgroup is read-only here (inside a container?): "
                "run the workshop on a VM or host of your own");
    else
        set_fix(c,
                "echo '+memory +cpu +pids' | sudo tee "
                "/sys/fs/cgroup/cgroup.subtree_control");
}

/* ---- overlayfs, seccomp ------------------------------------------------ */

/* /proc/filesystems lists the types the running kernel can mount now; a
 * module not loaded yet is missing from it until the first mount. */
static void
check_overlayfs(void)
{
    char buf[4096], path[300];

    /* "nodev\toverlay" on a line of its own; ct_read_file drops the last
     * newline, so a module loaded last ends the buffer instead. */
    ssize_t len = ct_read_file("/proc/filesystems", buf, sizeof(buf));
    if (len >= 8 &&
        (strstr(buf, "\toverlay\n") ||
         strcmp(buf + len - 8, "\toverlay") == 0)) {
        add_check(OK, "overlayfs", "overlay is in /proc/filesystems");
        return;
    }
    snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", uts.release);
    bool module =
        ct_read_file(path, buf, sizeof(buf)) >= 0 && strstr(buf, "overlay.ko");
    struct check *c = add_check(
        module ? WARN : FAIL, "overlayfs",
        module ? "overlay is not loaded yet (the module exists)"
               : "overlay is not in /proc/filesystems (step 07 needs it)");
    set_fix(c,
            "sudo modprobe overlay (and add 'overlay' to "
            "/etc/modules-load.d/overlay.conf to load it at boot)");
}

/* prctl(2) PR_GET_SECCOMP: 0 = no filter on us, 2 = filtered already,
 * EINVAL = a kernel without CONFIG_SECCOMP. The actions a filter may
 * return are listed in /proc/sys/kernel/seccomp/actions_avail. */
static void
check_seccomp(void)
{
    char actions[256];
    struct check *c;

    ct_trace("grep Seccomp /proc/self/status", "prctl(PR_GET_SECCOMP)");
    int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    if (mode == -1) {
        c = add_check(FAIL, "seccomp", "prctl(PR_GET_SECCOMP) failed: %s",
                      ct_errno_name(errno));
        set_fix(c, "boot a kernel built with CONFIG_SECCOMP_FILTER=y");
        return;
    }
    if (ct_read_file("/proc/sys/kernel/seccomp/actions_avail", actions,
                     sizeof(actions)) < 0 ||
        !strstr(actions, "errno")) {
        c = add_check(FAIL, "seccomp",
                      "mode %d; no filter actions (no "
                      "/proc/sys/kernel/seccomp/actions_avail)",
                      mode);
        set_fix(c,
                "boot a kernel built with CONFIG_SECCOMP_FILTER=y "
                "(4.14 or newer)");
        return;
    }
    if (mode != 0) {
        c = add_check(WARN, "seccomp",
                      "mode %d: a seccomp filter is on us already (in a "
                      "container?); actions: %s",
                      mode, actions);
        set_fix(c,
                "filters stack, so step 06 works, but what it blocks "
                "may differ: run on a host or VM of your own");
        return;
    }
    add_check(OK, "seccomp", "mode 0 (no filter on us); actions: %s", actions);
}

/* ---- libraries and busybox --------------------------------------------- */

struct library {
    const char *check; /* name of the check */
    const char *soname;
    const char *header; /* what a step includes to build against it */
    const char *debian; /* packages, Debian/Ubuntu */
    const char *fedora; /* packages, Fedora */
};

static const struct library libraries[] = {
    {"lib-cap", "libcap.so.2", "/usr/include/sys/capability.h",
     "libcap2 libcap-dev", "libcap-devel"},
    {"lib-seccomp", "libseccomp.so.2", "/usr/include/seccomp.h",
     "libseccomp2 libseccomp-dev", "libseccomp-devel"},
    {"lib-archive", "libarchive.so.13", "/usr/include/archive.h",
     "libarchive13 libarchive-dev", "libarchive-devel"},
};

/* dlopen(3) a library by its soname, as the dynamic loader would when a
 * step starts, and check the header a step is built with. */
static void
check_library(const struct library *lib)
{
    struct check *c;
    char where[256] = "?";

    ct_trace(NULL, "dlopen(\"%s\", RTLD_NOW)", lib->soname);
    void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        c = add_check(FAIL, lib->check, "cannot load %s: %s", lib->soname,
                      dlerror());
        set_fix(c, "sudo apt-get install %s (Fedora: sudo dnf install %s)",
                lib->debian, lib->fedora);
        return;
    }
    dlinfo(handle, RTLD_DI_ORIGIN, where);
    dlclose(handle);
    if (access(lib->header, R_OK) == -1) {
        c = add_check(WARN, lib->check,
                      "%s loads (from %s), but %s is "
                      "missing: steps will not build",
                      lib->soname, where, lib->header);
        set_fix(c, "sudo apt-get install %s (Fedora: sudo dnf install %s)",
                lib->debian, lib->fedora);
        return;
    }
    add_check(OK, lib->check, "%s loads (from %s); %s present", lib->soname,
              where, lib->header);
}

/* elf(5): a static program has no PT_INTERP program header (no dynamic
 * loader). Returns 1 static, 0 dynamic, -1 not a 64-bit ELF we can read. */
static int
is_static_elf(const char *path)
{
    Elf64_Ehdr eh;
    Elf64_Phdr ph;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int result = -1;

    if (fd == -1)
        return -1;
    if (pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) &&
        memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
        eh.e_ident[EI_CLASS] == ELFCLASS64) {
        result = 1;
        for (int i = 0; i < eh.e_phnum; i++) {
            off_t off = eh.e_phoff + (off_t)i * eh.e_phentsize;
            if (pread(fd, &ph, sizeof(ph), off) != sizeof(ph))
                break;
            if (ph.p_type == PT_INTERP)
                result = 0;
        }
    }
    close(fd);
    return result;
}

/* The built-in image is Debian's busybox-static (rootfs-scripts/busybox.sh
 * takes /bin/busybox, or $BUSYBOX). */
static void
check_busybox(void)
{
    const char *path = getenv("BUSYBOX");
    struct check *c;

    if (!path || !*path)
        path = "/bin/busybox";
    int kind = access(path, X_OK) == 0 ? is_static_elf(path) : -2;
    if (kind == 1) {
        add_check(OK, "busybox", "%s is a static program", path);
        return;
    }
    if (kind == 0)
        c = add_check(FAIL, "busybox",
                      "%s is dynamically linked: the "
                      "image needs the static one",
                      path);
    else if (kind == -1)
        c = add_check(FAIL, "busybox", "%s is not a 64-bit ELF program", path);
    else
        c = add_check(FAIL, "busybox", "%s is missing", path);
    set_fix(c, "sudo apt-get install busybox-static");
}

/* ---- the grader: what make grade and make test need -------------------- */

/* The project's top directory: the first directory above this program that
 * holds GNUmakefile and labs/grade.sh (bin/doctor, or a student's
 * work/00-doctor/doctor), else the current directory. */
static void
find_project(char *dir, size_t size)
{
    char path[PATH_MAX + 32];
    ssize_t len = readlink("/proc/self/exe", dir, size - 1);

    dir[len > 0 ? len : 0] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
        snprintf(path, sizeof(path), "%s/labs/grade.sh", dir);
        if (access(path, F_OK) == 0) {
            snprintf(path, sizeof(path), "%s/GNUmakefile", dir);
            if (access(path, F_OK) == 0)
                return;
        }
    }
    snprintf(dir, size, ".");
}

/* The program NAME as the shell finds it: the first executable file of
 * that name in a directory of $PATH. */
static bool
find_in_path(const char *name, char *where, size_t size)
{
    const char *path = getenv("PATH");
    char dirs[4096];

    snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d;
         d = strtok_r(NULL, ":", &save)) {
        struct stat st;
        snprintf(where, size, "%s/%s", *d ? d : ".", name);
        if (stat(where, &st) == 0 && S_ISREG(st.st_mode) &&
            access(where, X_OK) == 0)
            return true;
    }
    return false;
}

/* make grade and make test run bats; tests/lib/common.bash loads its three
 * helper libraries from where Debian's packages put them. */
static void
check_bats(void)
{
    static const char *const libs[] = {"bats-support", "bats-assert",
                                       "bats-file"};
    char bats[PATH_MAX], path[128], missing[128] = "", pkgs[128] = "";
    size_t ml = 0, pl = 0;

    ct_trace("command -v bats; ls " BATS_LIBDIR,
             "stat(DIR/bats) for each DIR of $PATH; access(\"" BATS_LIBDIR
             "/NAME/load.bash\")");
    bool have_bats = find_in_path("bats", bats, sizeof(bats));

    if (!have_bats)
        pl += snprintf(pkgs, sizeof(pkgs), "bats");
    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s/load.bash", BATS_LIBDIR, libs[i]);
        if (access(path, R_OK) == 0)
            continue;
        ml += snprintf(missing + ml, sizeof(missing) - ml, "%s%s",
                       ml ? ", " : "", libs[i]);
        pl += snprintf(pkgs + pl, sizeof(pkgs) - pl, "%s%s", pl ? " " : "",
                       libs[i]);
    }
    if (!pkgs[0]) {
        add_check(OK, "bats",
                  "%s; bats-support, bats-assert, bats-file in " BATS_LIBDIR,
                  bats);
        return;
    }
    struct check *c = add_check(
        FAIL, "bats", "%s%s%s%s: make grade and make test cannot run",
        have_bats ? "" : "no bats in $PATH", !have_bats && ml ? "; " : "",
        missing, ml ? " missing from " BATS_LIBDIR : "");
    set_fix(c,
            "sudo apt-get install %s (rootfs-scripts/install-deps.sh --test "
            "installs all that the tests need)",
            pkgs);
}

/* Programs the tests run, beside the tools: without one, some tests of a
 * step fail, whatever the student wrote. */
struct tool {
    const char *name; /* in $PATH */
    const char *package; /* Debian/Ubuntu */
    const char *why;
};

static const struct tool test_tools[] = {
    {"python3", "python3",
     "the tests of steps 00 and 04 read JSON and craft tarballs with it"},
    {"xz", "xz-utils", "step 04's tests make .tar.xz images with it"},
    {"zstd", "zstd", "step 04's tests make .tar.zst images with it"},
};

static void
check_tool(const struct tool *t)
{
    char where[PATH_MAX], shell[64];

    snprintf(shell, sizeof(shell), "command -v %s", t->name);
    ct_trace(shell, "stat(DIR/%s) for each DIR of $PATH", t->name);
    if (find_in_path(t->name, where, sizeof(where))) {
        add_check(OK, t->name, "%s", where);
        return;
    }
    struct check *c =
        add_check(FAIL, t->name, "no %s in $PATH: %s", t->name, t->why);
    set_fix(c, "sudo apt-get install %s", t->package);
}

/* The tests run their containers on the built-in image, with the static
 * probe at /usr/bin/probe (make images; make grade and make test make it
 * first when it is missing, from busybox-static). */
static void
check_image(void)
{
    char project[PATH_MAX], image[PATH_MAX + 32], path[PATH_MAX + 64];
    struct check *c;

    find_project(project, sizeof(project));
    snprintf(image, sizeof(image), "%s/build/images/busybox", project);
    snprintf(path, sizeof(path), "%s/bin/busybox", image);
    if (access(path, X_OK) == -1) {
        c = add_check(WARN, "image",
                      "%s is missing: make grade and make test build it "
                      "first (from busybox-static)",
                      image);
        set_fix(c, "make images (in %s)", project);
        return;
    }
    snprintf(path, sizeof(path), "%s/usr/bin/probe", image);
    ct_trace("file build/images/busybox/usr/bin/probe",
             "open(\"%s\") and read its program headers", path);
    int kind = access(path, X_OK) == 0 ? is_static_elf(path) : -2;
    if (kind != 1) {
        c = add_check(FAIL, "image",
                      "%s has no static probe at /usr/bin/probe (%s): the "
                      "tests check every container with it",
                      image,
                      kind == -2      ? "missing or not executable"
                          : kind == 0 ? "dynamically linked"
                                      : "not a 64-bit ELF program");
        set_fix(c, "make -B images (in %s)", project);
        return;
    }
    add_check(OK, "image", "%s, with the probe", image);
}

/* ---- output ------------------------------------------------------------ */

static int
count(enum status status)
{
    int n = 0;
    for (int i = 0; i < n_checks; i++)
        n += checks[i].status == status;
    return n;
}

static void
print_text(void)
{
    for (int i = 0; i < n_checks; i++) {
        const struct check *c = &checks[i];
        printf("%-4s %-12s %s\n", status_word[c->status], c->name, c->detail);
        if (c->fix[0])
            printf("     fix: %s\n", c->fix);
    }
    printf("ready: %s (%d failed, %d warning%s)\n", count(FAIL) ? "no" : "yes",
           count(FAIL), count(WARN), count(WARN) == 1 ? "" : "s");
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void
json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void
json_controllers(const char *key, bool (*test)(const struct controller *))
{
    bool first = true;

    printf("\"%s\": [", key);
    for (int i = 0; i < n_ctrls; i++) {
        if (!test(&ctrls[i]))
            continue;
        printf("%s", first ? "" : ", ");
        json_string(ctrls[i].name);
        first = false;
    }
    printf("]");
}

/* One object, for a teacher who collects the results of a whole room. */
static void
print_json(void)
{
    printf("{\n  \"hostname\": ");
    json_string(uts.nodename);
    printf(",\n  \"kernel\": ");
    json_string(uts.release);
    printf(",\n  \"cgroup_mode\": \"%s\",\n  \"controllers\": {",
           mode_word[cg_mode]);
    json_controllers("v1", is_v1);
    printf(", ");
    json_controllers("v2", is_v2);
    printf(", ");
    json_controllers("not_mounted", is_unused);
    printf(", ");
    json_controllers("disabled", is_disabled);
    printf("},\n  \"root\": %s,\n  \"checks\": [\n",
           is_root ? "true" : "false");
    for (int i = 0; i < n_checks; i++) {
        const struct check *c = &checks[i];
        printf("    {\"name\": ");
        json_string(c->name);
        printf(", \"status\": \"%s\", \"detail\": ", status_word[c->status]);
        json_string(c->detail);
        printf(", \"fix\": ");
        json_string(c->fix);
        printf("}%s\n", i + 1 < n_checks ? "," : "");
    }
    printf("  ],\n  \"failed\": %d,\n  \"warnings\": %d,\n  \"ready\": %s\n}\n",
           count(FAIL), count(WARN), count(FAIL) ? "false" : "true");
}

static void
usage(void)
{
    printf("usage: %s [--json] [--trace]\n"
           "\n"
           "Check that this machine is ready for the minictr workshop: the\n"
           "kernel, each namespace type, user namespaces, the cgroup mode\n"
           "and controllers, overlayfs, seccomp, libraries and busybox, and\n"
           "what make grade and make test need (bats, python3, xz, zstd,\n"
           "the built-in image).\n"
           "Each check prints ok, warn or FAIL, and a fix for warn and FAIL.\n"
           "\n"
           "  --json    print one JSON object instead (for a teacher who\n"
           "            collects the results of a room)\n"
           "  --trace   print each kernel call with the shell command that\n"
           "            does the same\n"
           "  --help    print this and exit\n"
           "\n"
           "Exit status: 0 ready (warnings allowed), 1 something required\n"
           "is missing, 2 usage error. Run it with sudo, as the workshop.\n",
           ct_prog);
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    bool json = false;
    int opt;

    ct_prog = "doctor";
    opterr = 0; /* die_usage says it, once */
    while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
        switch (opt) {
        case 'j': json = true; break;
        case 't': ct_tracing = true; break;
        case 'h': usage(); return 0;
        default: die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        die_usage("unexpected argument '%s'", argv[optind]);

    check_root();
    check_kernel();
    for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
        check_namespace(&ns_types[i]);
    check_userns();
    check_rootless();
    check_cgroup_mode();
    check_cgroup_controllers();
    check_cgroup_ours();
    check_overlayfs();
    check_seccomp();
    for (size_t i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++)
        check_library(&libraries[i]);
    check_busybox();
    check_bats();
    for (size_t i = 0; i < sizeof(test_tools) / sizeof(test_tools[0]); i++)
        check_tool(&test_tools[i]);
    check_image();

    if (json)
        print_json();
    else
        print_text();
    return count(FAIL) ? 1 : 0;
}
