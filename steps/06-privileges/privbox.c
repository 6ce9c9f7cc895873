/*
 * 06-privileges: step 05's container, and root inside it is no longer the
 * host's root: only the capabilities Docker keeps, no_new_privs, a seccomp
 * filter modelled on Docker's default profile, a device cgroup, no
 * inherited file descriptors, and a session of its own.
 *
 * Namespaces change what a process sees; they do not change what root may
 * do with what it sees. Root in step 05 can still load a kernel module,
 * mknod the host's disk and open it, reboot the host, or push characters
 * into the terminal it was started from. This step takes those powers
 * away in four layers, each catching what the others miss: capabilities
 * (what root may do at all), seccomp (which system calls exist), a device
 * cgroup (which devices may be opened), and plain hygiene (fds, session).
 *
 * Read: capabilities(7), prctl(2) (PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP),
 *       seccomp(2), seccomp_rule_add(3), close_range(2), setsid(2),
 *       ioctl_tty(2) (TIOCSTI), the kernel's admin-guide/cgroup-v1/
 *       devices.rst and bpf/prog_cgroup_device (cgroup v2), Docker's
 *       profiles/seccomp/default.json.
 * Try:  sudo bin/privbox --trace build/images/busybox /usr/bin/probe caps
 *       sudo bin/privbox build/images/busybox /usr/bin/probe syscall mount
 * See:  cap_bnd is 00000000a80425fb (14 capabilities), seccomp=2, and
 *       mount fails with EPERM; --trace shows what the filter cost.
 */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/bpf.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Step 05's six namespaces, but the cgroup one is made by the child itself
 * (unshare), after the parent has put it in its device cgroup: a cgroup
 * namespace is rooted where the process is when it is made. */
#define CLONE_NS \
    (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET)

/* How the parent can stop the container from opening devices. */
enum devcg_kind {
    DEVCG_NONE, /* no device cgroup to be had: CAP_MKNOD is dropped */
    DEVCG_V1, /* the v1 devices controller: devices.deny, devices.allow */
    DEVCG_V2, /* cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program */
};

/* Room for a cgroup directory's path: below one of ours, itself below
 * the cgroup we were started in. */
#define CG_MAX (PATH_MAX + 64)

/* Everything parent and child need to know, filled in by parse_args. */
struct box {
    const char *hostname; /* --hostname, or NULL to keep the copied one */
    char root[PATH_MAX]; /* ROOTFS, made absolute: it becomes "/" */
    char **argv; /* the command to run */
    int go[2]; /* the parent writes one byte: "go ahead" */
    enum devcg_kind devcg; /* which device cgroup the child is in */
    char cgroup[CG_MAX]; /* its directory, "" when none was made */
    char cgroup_parent[PATH_MAX]; /* v2: our "minictr" dir, to remove */
};

/* The few device nodes every program expects, and nothing else: not the
 * host's disks, not /dev/mem, not /dev/kmsg. Numbers: devices.txt in the
 * kernel's Documentation/admin-guide. */
static const struct device {
    const char *name;
    unsigned major, minor;
} devices[] = {
    {"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

/* The links programs look for (bash's <(...) needs /dev/fd), and ptmx,
 * which must be the one of our own devpts instance. */
static const char *const dev_links[][2] = {
    {"/proc/self/fd", "dev/fd"},       {"/proc/self/fd/0", "dev/stdin"},
    {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
    {"pts/ptmx", "dev/ptmx"},
};

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

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The capabilities Docker keeps by default (moby's oci/caps/defaults.go).
 * Everything else goes, from every set and from the bounding set: no
 * CAP_SYS_ADMIN (mount, most of the kernel's "root only"), no
 * CAP_SYS_MODULE, CAP_SYS_BOOT, CAP_SYS_TIME, CAP_NET_ADMIN, ... */
static const cap_value_t kept_caps[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,           CAP_FOWNER,
    CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,           CAP_SETUID,
    CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
    CAP_KILL,    CAP_AUDIT_WRITE,
};

/* System calls the filter refuses with EPERM, after Docker's default
 * profile, and why. Most already fail without the capabilities we drop;
 * the filter is the second wall, and it also shuts calls no capability
 * guards (the keyring, perf, userfaultfd, user namespaces). */
static const struct {
    const char *calls; /* names, separated by spaces */
    const char *why;
} denied_syscalls[] = {
    {"keyctl add_key request_key", "the keyring is not namespaced"},
    {"kexec_load kexec_file_load", "replace the running kernel"},
    {"init_module finit_module delete_module", "add code to the kernel"},
    {"mount umount2 pivot_root", "change the mount tree"},
    {"fsopen fsconfig fsmount fspick move_mount open_tree mount_setattr",
     "the same, with the new mount API"},
    {"unshare setns", "new namespaces: a fresh set of capabilities"},
    {"swapon swapoff", "the host's swap"},
    {"settimeofday clock_settime clock_adjtime", "the host's clock"},
    {"acct reboot", "the host's accounting and power"},
    {"bpf perf_event_open userfaultfd", "large attack surface, past exploits"},
    {"io_uring_setup io_uring_enter io_uring_register",
     "the same, and its calls bypass seccomp"},
    {"open_by_handle_at", "open any file by handle: the 'shocker' escape"},
    {"iopl ioperm", "raw I/O ports"},
    {"syslog quotactl vhangup lookup_dcookie", "host-wide kernel state"},
    {"uselib ustat sysfs _sysctl nfsservctl", "obsolete calls"},
};

/* Namespace flags clone(2) must not be given (CLONE_NEWTIME does not fit in
 * clone's flags; it comes through unshare and clone3, both refused). */
static const unsigned long clone_ns_flags[] = {
    CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
    CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

/* The devices the device cgroup lets the container create and open: ours
 * from step 05, the console, ptmx and the ptys of its devpts (136:*). */
static const struct dev_rule {
    char type; /* 'c' or 'b' */
    unsigned major;
    int minor; /* -1: any */
} allowed_devices[] = {
    {'c', 1, 3}, {'c', 1, 5}, {'c', 1, 7}, {'c', 1, 8},    {'c', 1, 9},
    {'c', 5, 0}, {'c', 5, 1}, {'c', 5, 2}, {'c', 136, -1},
};

static void
usage(void)
{
    printf("usage: privbox [OPTIONS] ROOTFS COMMAND [ARG...]\n"
           "Run COMMAND as PID 1 in new uts, pid, mount, ipc, net and cgroup\n"
           "namespaces, with ROOTFS as its root (run it as root).\n"
           "\n"
           "  --hostname NAME  set the hostname inside\n"
           "  --trace          print each kernel call and the shell\n"
           "                   command that does the same\n"
           "  --help           print this and exit\n"
           "\n"
           "ROOTFS becomes / with pivot_root, and the old root is detached.\n"
           "It gets a minimal /dev (tmpfs), a fresh /proc with runc's masked\n"
           "and read-only paths, and a read-only /sys. ROOTFS must have the\n"
           "directories dev, proc and sys; it is not changed.\n"
           "The command keeps only Docker's default capabilities, runs with\n"
           "no_new_privs, a seccomp filter after Docker's default profile,\n"
           "in a device cgroup, in a new session, with no fd above 2.\n"
           "Exit status: the command's; 128+N when signal N killed it; 127\n"
           "when it is not found, 126 when it cannot be run; 1 when setting\n"
           "up failed; 2 for a usage error; 3 when ROOTFS is unusable.\n");
}

/* ---- parse and check: before any namespace exists ---------------------- */

static void
parse_args(int argc, char **argv, struct box *box)
{
    enum { OPT_HOSTNAME = 256, OPT_TRACE, OPT_HELP };
    static const struct option options[] = {
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"trace", no_argument, NULL, OPT_TRACE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int opt;

    opterr = 0; /* we print our own messages */
    /* "+": stop at the first non-option, so `privbox DIR ls -l` keeps
     * ls's -l. */
    while ((opt = getopt_long(argc, argv, "+:", options, NULL)) != -1) {
        switch (opt) {
        case OPT_HOSTNAME: box->hostname = optarg; break;
        case OPT_TRACE: ct_tracing = true; break;
        case OPT_HELP: usage(); exit(0);
        case ':': die_usage("option '%s' needs a value", argv[optind - 1]);
        default: die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc)
        die_usage("no root directory given");
    if (optind + 1 == argc)
        die_usage("no command given");
    if (strlen(argv[optind]) >= sizeof(box->root))
        die_usage("root directory name is too long");
    strcpy(box->root, argv[optind]);
    box->argv = argv + optind + 1;
}

/* The root must be a directory with the mount points we need: we mount on
 * them but never create anything in the image. Its absolute path is what
 * we bind-mount and what mountinfo will show as the root. */
static void
check_args(struct box *box)
{
    static const char *const mount_points[] = {"dev", "proc", "sys"};
    char abs[PATH_MAX], path[PATH_MAX + 8];
    struct stat st;

    if (box->hostname &&
        (!*box->hostname || strlen(box->hostname) > HOST_NAME_MAX))
        die_usage("--hostname must be 1 to %d characters", HOST_NAME_MAX);
    if (stat(box->root, &st) == -1)
        die_input_errno("stat root directory '%s'", box->root);
    if (!S_ISDIR(st.st_mode))
        die_input("root '%s' is not a directory", box->root);
    if (!realpath(box->root, abs))
        die_input_errno("resolve root directory '%s'", box->root);
    strcpy(box->root, abs);
    for (size_t i = 0; i < N_OF(mount_points); i++) {
        snprintf(path, sizeof(path), "%s/%s", box->root, mount_points[i]);
        if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
            die_input("'%s' is missing: make it (mkdir) to mount /%s there",
                      path, mount_points[i]);
    }
}

/* ---- the child: runs inside the new namespaces ------------------------- */

/* Leave the child after a failure recorded with ct_fail_errno. _exit, not
 * exit: the child is a copy of the parent, and the parent's exit handlers
 * and stdio buffers are not the child's to run and flush. */
static noreturn void
child_exit(int status)
{
    ct_report();
    fflush(stdout);
    _exit(status);
}

/* uts_namespaces(7): the new uts namespace holds a copy of the host's
 * names; changing ours leaves the host's alone. */
static int
set_hostname(const struct box *box)
{
    char shell[HOST_NAME_MAX + 16];

    if (!box->hostname)
        return 0;
    snprintf(shell, sizeof(shell), "hostname %s", box->hostname);
    ct_trace(shell, "sethostname(\"%s\", %zu)", box->hostname,
             strlen(box->hostname));
    if (sethostname(box->hostname, strlen(box->hostname)) == -1)
        return ct_fail_errno("sethostname '%s'", box->hostname);
    return 0;
}

/* mount_namespaces(7): a copy of a shared mount stays a peer of the
 * original, so a mount below it would appear on the host too, and
 * pivot_root refuses a shared root. systemd makes / shared: make every
 * mount private, recursively, before we mount anything. */
static int
make_mounts_private(void)
{
    ct_trace("mount --make-rprivate /",
             "mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make '/' private: mount MS_REC|MS_PRIVATE");
    return 0;
}

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

/* A traced mount(2): every mount of this step goes through here. */
static int
do_mount(const char *src, const char *target, const char *type,
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

/* pivot_root(2) wants the new root to be a mount point; a directory
 * becomes one when it is bind-mounted onto itself (MS_REC takes the mounts
 * below it along). We then work inside it, with relative paths ("dev",
 * "proc"), until the pivot. */
static int
bind_root(const struct box *box)
{
    char shell[2 * PATH_MAX + 16];

    snprintf(shell, sizeof(shell), "mount --rbind %s %s", box->root, box->root);
    if (do_mount(box->root, box->root, NULL, MS_BIND | MS_REC, NULL, shell) ==
        -1)
        return -1;
    snprintf(shell, sizeof(shell), "cd %s", box->root);
    ct_trace(shell, "chdir(\"%s\")", box->root);
    if (chdir(box->root) == -1)
        return ct_fail_errno("chdir to '%s'", box->root);
    return 0;
}

/* mknod(2): a device node is only (type, major, minor); what it opens is
 * the kernel's business. chmod after, as our umask trims the 0666. */
static int
make_device(const struct device *d)
{
    char path[64], shell[128];

    snprintf(path, sizeof(path), "dev/%s", d->name);
    snprintf(shell, sizeof(shell), "mknod -m 666 %s c %u %u", path, d->major,
             d->minor);
    ct_trace(shell, "mknod(\"%s\", S_IFCHR|0666, makedev(%u, %u))", path,
             d->major, d->minor);
    if (mknod(path, S_IFCHR | 0666, makedev(d->major, d->minor)) == -1)
        return ct_fail_errno("mknod '%s'", path);
    if (chmod(path, 0666) == -1)
        return ct_fail_errno("chmod '%s'", path);
    return 0;
}

static int
make_link(const char *target, const char *path)
{
    char shell[128];

    snprintf(shell, sizeof(shell), "ln -s %s %s", target, path);
    ct_trace(shell, "symlink(\"%s\", \"%s\")", target, path);
    if (symlink(target, path) == -1)
        return ct_fail_errno("symlink '%s'", path);
    return 0;
}

static int
make_dir(const char *path)
{
    char shell[128];

    snprintf(shell, sizeof(shell), "mkdir %s", path);
    ct_trace(shell, "mkdir(\"%s\", 0755)", path);
    if (mkdir(path, 0755) == -1)
        return ct_fail_errno("mkdir '%s'", path);
    return 0;
}

/* A /dev of our own: a small tmpfs (noexec: no programs live in /dev)
 * holding only harmless devices, a private devpts instance (newinstance:
 * our own pty numbers, none of the host's /dev/pts/N) and /dev/shm. */
static int
mount_dev(void)
{
    if (do_mount("tmpfs", "dev", "tmpfs",
                 MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=755,size=65536k",
                 "mount -t tmpfs -o nosuid,noexec,mode=755 tmpfs dev") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(devices); i++)
        if (make_device(&devices[i]) == -1)
            return -1;
    if (make_dir("dev/pts") == -1 ||
        do_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620",
                 "mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 "
                 "devpts dev/pts") == -1)
        return -1;
    if (make_dir("dev/shm") == -1 ||
        do_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=1777,size=65536k",
                 "mount -t tmpfs -o nosuid,nodev,noexec,mode=1777 shm "
                 "dev/shm") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(dev_links); i++)
        if (make_link(dev_links[i][0], dev_links[i][1]) == -1)
            return -1;
    return 0;
}

/* proc(5): a fresh proc shows the processes of our pid namespace only.
 * sysfs(5): the kernel lets us mount it because we own a new network
 * namespace (it shows that namespace's interfaces); read-only, as a
 * container has no business changing the host's devices. */
static int
mount_proc_sys(void)
{
    if (do_mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                 "mount -t proc -o nosuid,nodev,noexec proc proc") == -1)
        return -1;
    return do_mount("sysfs", "sys", "sysfs",
                    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                    "mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys");
}

/* pivot_root(2) has no glibc wrapper. */
static int
pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* pivot_root(".", "."): the new root (our cwd) becomes "/", and the old
 * root is stacked on top of it at the same place. umount2 with MNT_DETACH
 * then takes the old root, and every mount below it, out of our
 * namespace: no put_old directory to make in the image or remove after. */
static int
pivot_to_root(void)
{
    ct_trace("pivot_root . .", "pivot_root(\".\", \".\")");
    if (pivot_root(".", ".") == -1)
        return ct_fail_errno("pivot_root into the new root");
    ct_trace("umount -l .", "umount2(\".\", MNT_DETACH)");
    if (umount2(".", MNT_DETACH) == -1)
        return ct_fail_errno("umount the old root");
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
    return 0;
}

/* Hide a file by bind-mounting /dev/null over it, a directory by mounting
 * an empty read-only tmpfs over it. Paths this kernel lacks are skipped. */
static int
mask_path(const char *path)
{
    char shell[128];
    struct stat st;

    if (stat(path, &st) == -1)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        snprintf(shell, sizeof(shell), "mount -t tmpfs -o ro tmpfs %s", path);
        return do_mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL, shell);
    }
    snprintf(shell, sizeof(shell), "mount --bind /dev/null %s", path);
    return do_mount("/dev/null", path, NULL, MS_BIND, NULL, shell);
}

/* A bind mount takes its flags only on a remount: bind the path onto
 * itself, then remount that bind read-only (keeping proc's nosuid, nodev,
 * noexec, which a remount would otherwise clear). */
static int
make_readonly(const char *path)
{
    char shell[128];

    if (access(path, F_OK) == -1)
        return 0;
    snprintf(shell, sizeof(shell), "mount --bind %s %s", path, path);
    if (do_mount(path, path, NULL, MS_BIND | MS_REC, NULL, shell) == -1)
        return -1;
    snprintf(shell, sizeof(shell), "mount -o remount,bind,ro %s", path);
    return do_mount(path, path, NULL,
                    MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
                        MS_NOEXEC,
                    NULL, shell);
}

static int
mask_proc(void)
{
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        if (mask_path(masked_paths[i]) == -1)
            return -1;
    for (size_t i = 0; i < N_OF(readonly_paths); i++)
        if (make_readonly(readonly_paths[i]) == -1)
            return -1;
    return 0;
}

/* ---- the child: give up privileges, the last thing before exec --------- */

/* cgroup_namespaces(7): made here, not by clone(), so that it is rooted at
 * the device cgroup the parent has just put us in: inside, the cgroup
 * shows as "/" and the host's cgroup paths stay hidden. */
static int
enter_cgroup_ns(void)
{
    ct_trace("unshare --cgroup", "unshare(CLONE_NEWCGROUP)");
    if (unshare(CLONE_NEWCGROUP) == -1)
        return ct_fail_errno("unshare CLONE_NEWCGROUP");
    return 0;
}

/* Without a device cgroup, CAP_MKNOD would let root make and open any
 * device node: then it goes too (our /dev is made before we drop it). */
static bool
is_kept(cap_value_t cap, const struct box *box)
{
    if (cap == CAP_MKNOD && box->devcg == DEVCG_NONE)
        return false;
    for (size_t i = 0; i < N_OF(kept_caps); i++)
        if (kept_caps[i] == cap)
            return true;
    return false;
}

/* capabilities(7): when root runs a program, its new permitted and
 * effective sets are its *bounding* set: the kernel treats root's
 * programs as having every file capability, then masks them. So the
 * bounding set is what limits root, and what we drop from it no exec and
 * no setuid program brings back. Then this process's own sets: effective
 * and permitted to the kept list, inheritable and ambient empty, so that
 * nothing is handed on to a non-root program either. */
static int
drop_capabilities(const struct box *box)
{
    cap_value_t kept[N_OF(kept_caps)];
    size_t n = 0;
    cap_t caps;

    for (size_t i = 0; i < N_OF(kept_caps); i++)
        if (is_kept(kept_caps[i], box))
            kept[n++] = kept_caps[i];
    ct_trace("setpriv --bounding-set=-all,+chown,+dac_override,+fsetid,"
             "+fowner,+mknod,+net_raw,+setgid,+setuid,+setfcap,+setpcap,"
             "+net_bind_service,+sys_chroot,+kill,+audit_write "
             "--inh-caps=-all --ambient-caps=-all",
             "prctl(PR_CAPBSET_DROP, cap) for %d capabilities; "
             "capset(%zu kept); prctl(PR_CAP_AMBIENT_CLEAR_ALL)",
             (int)cap_max_bits() - (int)n, n);
    /* LAB 06.1: drop the others from the bounding set, then set the sets */
    for (cap_value_t cap = 0; cap < cap_max_bits(); cap++)
        if (!is_kept(cap, box) && cap_drop_bound(cap) == -1)
            return ct_fail_errno("drop capability %d from the bounding set",
                                 (int)cap);
    caps = cap_init(); /* every flag clear: inheritable stays empty */
    if (!caps)
        return ct_fail_errno("cap_init");
    if (cap_set_flag(caps, CAP_EFFECTIVE, (int)n, kept, CAP_SET) == -1 ||
        cap_set_flag(caps, CAP_PERMITTED, (int)n, kept, CAP_SET) == -1 ||
        cap_set_proc(caps) == -1) {
        ct_fail_errno("set the process's capabilities (capset)");
        cap_free(caps);
        return -1;
    }
    cap_free(caps);
    if (cap_reset_ambient() == -1)
        return ct_fail_errno("clear the ambient capabilities");
    /* END LAB */
    return 0;
}

/* prctl(2) PR_SET_NO_NEW_PRIVS: from now on execve never grants more than
 * we have (setuid-root programs and file capabilities stop working), and
 * it is what lets a process without CAP_SYS_ADMIN load a seccomp filter.
 * It is inherited and cannot be unset. Read it back: a kernel that quietly
 * ignored it must not go unnoticed. */
static int
set_no_new_privs(void)
{
    ct_trace("setpriv --no-new-privs", "prctl(PR_SET_NO_NEW_PRIVS, 1)");
    /* LAB 06.2: set no_new_privs and check that it is set */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        return ct_fail_errno("prctl PR_SET_NO_NEW_PRIVS");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return ct_fail("no_new_privs is not set after PR_SET_NO_NEW_PRIVS");
    /* END LAB */
    return 0;
}

/* One seccomp rule: `action` for the system call `name` when the
 * comparisons in `cmp` hold. A call this architecture lacks is skipped. */
static int
add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n_cmp,
         const struct scmp_arg_cmp *cmp, int *rules)
{
    int nr = seccomp_syscall_resolve_name(name);
    int rc;

    if (nr == __NR_SCMP_ERROR)
        return 0;
    rc = seccomp_rule_add_array(ctx, action, nr, n_cmp, cmp);
    if (rc < 0) {
        errno = -rc;
        return ct_fail_errno("add a seccomp rule for %s", name);
    }
    (*rules)++;
    return 0;
}

/* The rules: Docker's profile is an allowlist of ~350 calls; ours is the
 * denylist a student can read, with the same effect on what matters. */
static int
add_seccomp_rules(scmp_filter_ctx ctx, int *rules)
{
    const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);

    /* LAB 06.3: the denied calls, clone's ns flags, clone3, TIOCSTI */
    for (size_t i = 0; i < N_OF(denied_syscalls); i++) {
        char calls[128], *name, *save;

        snprintf(calls, sizeof(calls), "%s", denied_syscalls[i].calls);
        for (name = strtok_r(calls, " ", &save); name;
             name = strtok_r(NULL, " ", &save))
            if (add_rule(ctx, eperm, name, 0, NULL, rules) == -1)
                return -1;
    }
    /* clone(2) is how every fork happens: refuse only the namespace flags,
     * one rule per flag ("flags & CLONE_NEWNS == CLONE_NEWNS"). */
    for (size_t i = 0; i < N_OF(clone_ns_flags); i++) {
        struct scmp_arg_cmp cmp =
            SCMP_A0(SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]);
        if (add_rule(ctx, eperm, "clone", 1, &cmp, rules) == -1)
            return -1;
    }
    /* clone3(2) passes its flags in a struct, which a filter cannot read.
     * ENOSYS makes glibc fall back to clone, whose flags we can check:
     * what Docker does. */
    if (add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, rules) == -1)
        return -1;
    /* TIOCSTI pushes characters into a terminal's input, as if typed;
     * TIOCLINUX can read the console. The command is an int, so compare
     * only the low 32 bits: the kernel ignores the rest, and an attacker
     * would set them to slip past a 64-bit "equal". */
    for (size_t i = 0; i < 2; i++) {
        unsigned long req = i == 0 ? TIOCSTI : TIOCLINUX;
        struct scmp_arg_cmp cmp =
            SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req);
        if (add_rule(ctx, eperm, "ioctl", 1, &cmp, rules) == -1)
            return -1;
    }
    /* END LAB */
    return 0;
}

/* seccomp(2): from here on, the kernel runs a small BPF program at every
 * system call of ours and of every descendant. libseccomp compiles the
 * rules into that program. The filter is written for the native ABI's
 * call numbers; a 32-bit call on x86_64 (int 0x80) uses other numbers and
 * would miss every rule, so a call from any other ABI kills the process.
 * Building the filter costs time at every start: we measure it. */
static int
load_seccomp(void)
{
    struct timespec t0, t1;
    scmp_filter_ctx ctx;
    int rules = 0, rc;
    long usec;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return ct_fail("seccomp_init failed");
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc < 0) {
        seccomp_release(ctx);
        errno = -rc;
        return ct_fail_errno("seccomp: set the bad-architecture action");
    }
    if (add_seccomp_rules(ctx, &rules) == -1) {
        seccomp_release(ctx);
        return -1;
    }
    rc = seccomp_load(ctx);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc < 0) {
        seccomp_release(ctx);
        errno = -rc;
        return ct_fail_errno("seccomp_load the filter");
    }
    usec =
        (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000L;
    if (ct_tracing) {
        /* How big the program is: export it to a memory file. */
        int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
        struct stat st = {0};

        if (fd != -1 && seccomp_export_bpf(ctx, fd) == 0)
            fstat(fd, &st);
        if (fd != -1)
            close(fd);
        ct_trace(NULL,
                 "seccomp(SECCOMP_SET_MODE_FILTER): %d rules, %lld BPF "
                 "instructions, built and loaded in %ld us",
                 rules, (long long)st.st_size / 8, usec);
    }
    seccomp_release(ctx);
    return 0;
}

/* setsid(2): a session of our own, with no controlling terminal. Even if
 * the filter were off, TIOCSTI on the terminal we were started from (type
 * commands into the caller's shell) now fails: it is not ours. */
static int
new_session(void)
{
    ct_trace("setsid", "setsid()");
    if (setsid() == -1)
        return ct_fail_errno("setsid");
    return 0;
}

/* Every descriptor above 2 that we were given without O_CLOEXEC would
 * reach the command: an open directory of the host is a way out of any
 * root (fchdir, openat), a socket a way to talk to the host. close_range
 * (Linux 5.9) closes them in one call; the loop is for older kernels or
 * an outer filter that refuses it. */
static void
close_inherited_fds(void)
{
    ct_trace(NULL, "close_range(3, ~0U, 0)");
    /* LAB 06.4: close every descriptor above 2 */
    if (close_range(3, ~0U, 0) == -1) {
        long max = sysconf(_SC_OPEN_MAX);

        for (long fd = 3; fd < (max > 0 ? max : 65536); fd++)
            close((int)fd);
    }
    /* END LAB */
}

/* Replace the child with the command. As a shell does: 127 when the
 * command is not found, 126 when it is found but cannot be run. */
static noreturn void
exec_command(char **argv)
{
    int err;

    ct_trace(NULL, "execvp(\"%s\", argv)", argv[0]);
    fflush(stdout);
    execvp(argv[0], argv);
    err = errno;
    ct_fail_errno("exec '%s'", argv[0]);
    child_exit(err == ENOENT ? 127 : 126);
}

/* What clone() starts: PID 1 of the new pid namespace. The mounts are made
 * in the order runc makes them: the new root and what goes inside it, then
 * the pivot, then the masks (which use the new /dev/null);
 * and last, what this step adds: giving up privileges. */
static int
child_main(void *arg)
{
    struct box *box = arg;
    char go;

    /* prctl(2): if privbox dies (Ctrl-C, kill -9), the kernel kills the
     * command too, instead of leaving it running unwatched. */
    ct_trace(NULL, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
        ct_fail_errno("prctl PR_SET_PDEATHSIG");
        child_exit(1);
    }
    /* Wait for the parent's byte. End of file without it means the parent
     * died before PR_SET_PDEATHSIG took effect: stop here. */
    close(box->go[1]);
    if (read(box->go[0], &go, 1) != 1)
        _exit(1);
    close(box->go[0]);

    if (enter_cgroup_ns() == -1 || set_hostname(box) == -1 ||
        make_mounts_private() == -1 || bind_root(box) == -1 ||
        mount_dev() == -1 || mount_proc_sys() == -1 || pivot_to_root() == -1 ||
        mask_proc() == -1 || drop_capabilities(box) == -1 ||
        set_no_new_privs() == -1 || new_session() == -1 || load_seccomp() == -1)
        child_exit(1);
    close_inherited_fds();
    exec_command(box->argv);
}

/* ---- the device cgroup: made and removed by the parent ----------------- */

/* Docker keeps CAP_MKNOD, so root inside may make any device node. What
 * stops it opening the host's disk is the device cgroup: every device but
 * the harmless few is denied, at mknod and at open. cgroup v1 has a
 * devices controller with two files; cgroup v2 instead runs a BPF program
 * attached to the cgroup. The parent sets it up before the child makes
 * its /dev, and removes it when the child is gone. */

/* Our own cgroup in the v1 hierarchy with the devices controller, from a
 * /proc/self/cgroup line such as "5:devices:/user.slice". Returns 0, or -1
 * when there is none. */
static int
own_devices_cgroup(char *out, size_t size)
{
    char buf[4096], *line, *save;

    if (ct_read_file("/proc/self/cgroup", buf, sizeof(buf)) == -1)
        return -1;
    for (line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *ctrl = strchr(line, ':'), *path;

        if (!ctrl || !(path = strchr(++ctrl, ':')))
            continue;
        *path++ = '\0';
        for (char *c = strtok(ctrl, ","); c; c = strtok(NULL, ","))
            if (!strcmp(c, "devices")) {
                snprintf(out, size, "%s", path);
                return 0;
            }
    }
    return -1;
}

static int
make_cgroup_dir(const char *path)
{
    char shell[CG_MAX + 16];

    snprintf(shell, sizeof(shell), "mkdir %s", path);
    ct_trace(shell, "mkdir(\"%s\", 0755)", path);
    if (mkdir(path, 0755) == -1 && errno != EEXIST)
        return ct_fail_errno("mkdir cgroup '%s'", path);
    return 0;
}

/* admin-guide/cgroup-v1/devices.rst: a new cgroup copies its parent's list
 * (on most hosts "a *:* rwm", everything). "a" written to devices.deny
 * empties it; each line written to devices.allow adds one device back. A
 * cgroup below our own, as runc makes it. */
static int
setup_devcg_v1(struct box *box, const char *own)
{
    char file[CG_MAX + 32];

    if (snprintf(box->cgroup, sizeof(box->cgroup),
                 "/sys/fs/cgroup/devices%s/minictr-privbox-%d",
                 strcmp(own, "/") ? own : "",
                 (int)getpid()) >= (int)sizeof(box->cgroup)) {
        box->cgroup[0] = '\0';
        return ct_fail("cgroup path below '%s' is too long", own);
    }
    if (make_cgroup_dir(box->cgroup) == -1) {
        box->cgroup[0] = '\0';
        return -1;
    }
    snprintf(file, sizeof(file), "%s/devices.deny", box->cgroup);
    if (ct_write_file(file, "a") == -1)
        return ct_fail_errno("write '%s'", file);
    snprintf(file, sizeof(file), "%s/devices.allow", box->cgroup);
    for (size_t i = 0; i < N_OF(allowed_devices); i++) {
        const struct dev_rule *r = &allowed_devices[i];
        char minor[16] = "*";

        if (r->minor >= 0)
            snprintf(minor, sizeof(minor), "%d", r->minor);
        if (ct_write_file(file, "%c %u:%s rwm", r->type, r->major, minor) == -1)
            return ct_fail_errno("write '%s'", file);
    }
    box->devcg = DEVCG_V1;
    return 0;
}

/* One eBPF instruction (linux/bpf.h has the struct but no macros). */
#define INSN(c, dst, src, o, i) \
    ((struct bpf_insn){.code = (c), \
                       .dst_reg = (dst), \
                       .src_reg = (src), \
                       .off = (o), \
                       .imm = (i)})
#define LOAD_U32(dst, field) \
    INSN(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, \
         offsetof(struct bpf_cgroup_dev_ctx, field), 0)
#define JUMP_IF_NOT(reg, value, skip) \
    INSN(BPF_JMP | BPF_JNE | BPF_K, reg, 0, skip, value)
#define SET_R0(value) INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, value)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* The program the kernel runs at each mknod or open of a device by a
 * process in the cgroup, as crun and runc generate it: r1 points to
 * {access_type, major, minor}; return 1 to allow, 0 to deny. One block
 * per allowed device: if the type, major or minor differ, jump to the
 * next block; else return 1. After the last block, return 0. */
static size_t
device_program(struct bpf_insn *p)
{
    size_t n = 0;

    p[n++] = LOAD_U32(BPF_REG_2, access_type);
    p[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
    p[n++] = LOAD_U32(BPF_REG_3, major);
    p[n++] = LOAD_U32(BPF_REG_4, minor);
    for (size_t i = 0; i < N_OF(allowed_devices); i++) {
        const struct dev_rule *r = &allowed_devices[i];
        short len = r->minor < 0 ? 4 : 5; /* instructions in this block */
        int type = r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;

        p[n++] = JUMP_IF_NOT(BPF_REG_2, type, len - 1);
        p[n++] = JUMP_IF_NOT(BPF_REG_3, (int)r->major, len - 2);
        if (r->minor >= 0)
            p[n++] = JUMP_IF_NOT(BPF_REG_4, r->minor, len - 3);
        p[n++] = SET_R0(1);
        p[n++] = EXIT;
    }
    p[n++] = SET_R0(0);
    p[n++] = EXIT;
    return n;
}

/* bpf(2) has no glibc wrapper. */
static int
sys_bpf(int cmd, union bpf_attr *attr)
{
    return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* cgroup v2: a cgroup below a "minictr" cgroup of our own, with the
 * program loaded (BPF_PROG_LOAD) and attached to it (BPF_PROG_ATTACH). The
 * cgroup holds the program; we close our descriptors. */
static int
setup_devcg_v2(struct box *box, const char *cgroot)
{
    struct bpf_insn prog[64];
    union bpf_attr attr;
    int prog_fd, cg_fd, rc;

    snprintf(box->cgroup_parent, sizeof(box->cgroup_parent), "%s/minictr",
             cgroot);
    snprintf(box->cgroup, sizeof(box->cgroup), "%s/privbox-%d",
             box->cgroup_parent, (int)getpid());
    /* Another tool may remove the shared, empty "minictr" between our two
     * mkdirs (ENOENT): then make it again. */
    for (int tries = 0;; tries++) {
        if (make_cgroup_dir(box->cgroup_parent) == -1) {
            box->cgroup_parent[0] = box->cgroup[0] = '\0';
            return -1;
        }
        ct_trace(NULL, "mkdir(\"%s\", 0755)", box->cgroup);
        if (mkdir(box->cgroup, 0755) == 0)
            break;
        if (errno != ENOENT || tries == 2) {
            ct_fail_errno("mkdir cgroup '%s'", box->cgroup);
            box->cgroup[0] = '\0';
            return -1;
        }
    }
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uintptr_t)prog;
    attr.insn_cnt = (uint32_t)device_program(prog);
    attr.license = (uintptr_t) "GPL";
    ct_trace("bpftool prog load devices.o /sys/fs/bpf/minictr type "
             "cgroup/dev",
             "bpf(BPF_PROG_LOAD, CGROUP_DEVICE, %u instructions)",
             attr.insn_cnt);
    prog_fd = sys_bpf(BPF_PROG_LOAD, &attr);
    if (prog_fd == -1)
        return ct_fail_errno("bpf BPF_PROG_LOAD the device program");
    cg_fd = open(box->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg_fd == -1) {
        close(prog_fd);
        return ct_fail_errno("open cgroup '%s'", box->cgroup);
    }
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)cg_fd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    ct_trace("bpftool cgroup attach CGROUP device pinned /sys/fs/bpf/minictr "
             "multi",
             "bpf(BPF_PROG_ATTACH, '%s', BPF_CGROUP_DEVICE)", box->cgroup);
    rc = sys_bpf(BPF_PROG_ATTACH, &attr);
    if (rc == -1)
        ct_fail_errno("bpf BPF_PROG_ATTACH to '%s'", box->cgroup);
    close(cg_fd);
    close(prog_fd);
    if (rc == -1)
        return -1;
    box->devcg = DEVCG_V2;
    return 0;
}

/* Remove the cgroups we made, once no process is left in them. The
 * "minictr" parent only if it is empty: others may use it. */
static void
remove_device_cgroup(struct box *box)
{
    char shell[CG_MAX + 16];

    if (box->cgroup[0]) {
        snprintf(shell, sizeof(shell), "rmdir %s", box->cgroup);
        ct_trace(shell, "rmdir(\"%s\")", box->cgroup);
        /* The last process may take a moment to leave after it is reaped. */
        for (int i = 0; rmdir(box->cgroup) == -1; i++) {
            if (errno != EBUSY || i == 100) {
                warnx_ct("could not remove cgroup '%s': %s", box->cgroup,
                         ct_errno_name(errno));
                break;
            }
            usleep(10000);
        }
        box->cgroup[0] = '\0';
    }
    if (box->cgroup_parent[0]) {
        ct_trace(NULL, "rmdir(\"%s\") if empty", box->cgroup_parent);
        rmdir(box->cgroup_parent);
        box->cgroup_parent[0] = '\0';
    }
}

/* Pick the device cgroup this host offers: pure cgroup v2 (most laptops),
 * the v1 devices controller (v1 and hybrid hosts), or v2 mounted beside
 * v1 without a devices controller. Where none can be had, say so and drop
 * CAP_MKNOD instead: then no device node can be made at all. */
static void
setup_device_cgroup(struct box *box)
{
    char own[PATH_MAX];
    int rc = -1;

    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
        rc = setup_devcg_v2(box, "/sys/fs/cgroup");
    else if (own_devices_cgroup(own, sizeof(own)) == 0 &&
             access("/sys/fs/cgroup/devices", F_OK) == 0)
        rc = setup_devcg_v1(box, own);
    else if (access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0)
        rc = setup_devcg_v2(box, "/sys/fs/cgroup/unified");
    else
        ct_fail("this host has no device cgroup");
    if (rc == 0)
        return;
    warnx_ct("%s; dropping CAP_MKNOD instead", ct_error_message());
    ct_clear_error();
    remove_device_cgroup(box);
    box->devcg = DEVCG_NONE;
}

/* Put the child in the cgroup before it makes its /dev. */
static int
move_to_device_cgroup(const struct box *box, pid_t pid)
{
    char file[CG_MAX + 32];

    if (box->devcg == DEVCG_NONE)
        return 0;
    snprintf(file, sizeof(file), "%s/cgroup.procs", box->cgroup);
    if (ct_write_file(file, "%d", (int)pid) == -1)
        return ct_fail_errno("write '%s'", file);
    return 0;
}

/* ---- the parent: start the child, let it go, wait for it --------------- */

static pid_t child_pid;

/* Ctrl-C, kill, a closed terminal: stop the container, so that we get to
 * remove its cgroup. (As PID 1 of its namespace, the command ignores the
 * signals it has no handler for, even SIGTERM.) */
static void
on_signal(int sig)
{
    (void)sig;
    if (child_pid > 0)
        kill(child_pid, SIGKILL);
}

static void
catch_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};

    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A child killed before it read its go byte (a SIGTERM just then)
     * must not kill us with SIGPIPE when we write it: we still have its
     * cgroup to remove. A handler, not SIG_IGN, which exec would pass on
     * to the command. */
    sigaction(SIGPIPE, &sa, NULL);
}

/* Returns the child's pid, or -1 (recorded with ct_fail). */
static pid_t
start_child(struct box *box)
{
    /* clone(2) without CLONE_VM copies our memory, as fork(2) does, but it
     * starts the child on the stack we give it. Stacks grow down on every
     * architecture we run on, so we pass the top of this array. */
    static char stack[1024 * 1024] __attribute__((aligned(16)));

    if (pipe2(box->go, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2");
    ct_trace("unshare --uts --pid --fork --mount --ipc --net",
             "clone(child_main, stack, CLONE_NEWUTS|CLONE_NEWPID|"
             "CLONE_NEWNS|CLONE_NEWIPC|CLONE_NEWNET|SIGCHLD, box)");
    fflush(stdout); /* or the child inherits a copy of unwritten output */
    child_pid =
        clone(child_main, stack + sizeof(stack), CLONE_NS | SIGCHLD, box);
    if (child_pid == -1)
        return ct_fail_errno("clone into new namespaces");
    close(box->go[0]);
    /* The child waits here for us: put it in its device cgroup before it
     * makes a single device node. If that fails, it must not run. */
    if (move_to_device_cgroup(box, child_pid) == -1) {
        kill(child_pid, SIGKILL);
        waitpid(child_pid, NULL, 0);
        close(box->go[1]);
        return -1;
    }
    if (write(box->go[1], "g", 1) != 1)
        ct_fail_errno("write to the child's sync pipe");
    close(box->go[1]);
    return child_pid;
}

/* Wait for the command and turn its end into our exit status, as a shell
 * does: its own status, or 128 + the signal that killed it. Returns -1
 * (recorded with ct_fail) if waiting fails. */
static int
wait_child(pid_t pid)
{
    int status;

    ct_trace(NULL, "waitpid(%d, &status, 0)", (int)pid);
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid %d", (int)pid);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Unlike step 05, there is something to undo on the host: the cgroup. So
 * errors come back up to here, and the cgroup goes on every path. */
int
main(int argc, char **argv)
{
    struct box box = {0};
    int status = -1;
    pid_t pid;

    ct_prog = "privbox";
    parse_args(argc, argv, &box);
    check_args(&box);
    catch_signals();
    setup_device_cgroup(&box);
    pid = start_child(&box);
    if (pid != -1)
        status = wait_child(pid);
    remove_device_cgroup(&box);
    if (status == -1) {
        ct_report();
        return CT_EXIT_FAILURE;
    }
    return status;
}
