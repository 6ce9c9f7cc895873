/*
 * 05-pivot-root: run a command in new namespaces on a root it cannot climb
 * out of, with a minimal /dev and a /proc whose dangerous corners are
 * masked or read-only, as runc and Docker set them up.
 *
 * Steps 02 and 04 used chroot(2), which changes where "/" resolves for one
 * process and nothing else: the host's root is still mounted, and a root
 * process that chroots again can walk back to it (step 01's escape).
 * pivot_root(2) swaps the root *mount* of the whole mount namespace; once
 * the old root is detached there is nothing left to climb back to. Then we
 * build what runc builds: a /dev of six devices (not the host's disks), a
 * fresh /proc with its host secrets masked, and a read-only /sys.
 *
 * Read: pivot_root(2), mount_namespaces(7), mount(2) (MS_BIND, MS_REMOUNT),
 *       umount2(2) (MNT_DETACH), mknod(2), proc(5), sysfs(5), and the
 *       kernel's Documentation/filesystems/devpts.rst.
 * Try:  sudo bin/pivotbox --trace build/images/busybox /bin/sh -c \
 *           'cat /proc/self/mountinfo; ls /dev; wc -c /proc/keys'
 * See:  "/" is the image directory and no mount of the host's "/" is left;
 *       /dev holds a dozen entries; /proc/keys reads empty.
 */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* All six namespaces of step 02, always. */
#define ALL_NS \
    (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | \
     CLONE_NEWCGROUP)

/* Everything parent and child need to know, filled in by parse_args. */
struct box {
    const char *hostname; /* --hostname, or NULL to keep the copied one */
    char root[PATH_MAX]; /* ROOTFS, made absolute: it becomes "/" */
    char **argv; /* the command to run */
    int go[2]; /* the parent writes one byte: "go ahead" */
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

static void
usage(void)
{
    printf("usage: pivotbox [OPTIONS] ROOTFS COMMAND [ARG...]\n"
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
    /* "+": stop at the first non-option, so `pivotbox DIR ls -l` keeps
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
    /* LAB 05.1: a tmpfs /dev with six devices, pts, shm and the links */
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
    /* END LAB */
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
    /* LAB 05.2: pivot_root into ".", detach the old root, cd to / */
    ct_trace("pivot_root . .", "pivot_root(\".\", \".\")");
    if (pivot_root(".", ".") == -1)
        return ct_fail_errno("pivot_root into the new root");
    ct_trace("umount -l .", "umount2(\".\", MNT_DETACH)");
    if (umount2(".", MNT_DETACH) == -1)
        return ct_fail_errno("umount the old root");
    ct_trace("cd /", "chdir(\"/\")");
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to the new '/'");
    /* END LAB */
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
    /* LAB 05.3: mask runc's masked paths, make its read-only paths ro */
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        if (mask_path(masked_paths[i]) == -1)
            return -1;
    for (size_t i = 0; i < N_OF(readonly_paths); i++)
        if (make_readonly(readonly_paths[i]) == -1)
            return -1;
    /* END LAB */
    return 0;
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
 * the pivot, then the masks (which use the new /dev/null). */
static int
child_main(void *arg)
{
    struct box *box = arg;
    char go;

    /* prctl(2): if pivotbox dies (Ctrl-C, kill -9), the kernel kills the
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

    if (set_hostname(box) == -1 || make_mounts_private() == -1 ||
        bind_root(box) == -1 || mount_dev() == -1 || mount_proc_sys() == -1 ||
        pivot_to_root() == -1 || mask_proc() == -1)
        child_exit(1);
    exec_command(box->argv);
}

/* ---- the parent: start the child, let it go, wait for it --------------- */

static pid_t
start_child(struct box *box)
{
    /* clone(2) without CLONE_VM copies our memory, as fork(2) does, but it
     * starts the child on the stack we give it. Stacks grow down on every
     * architecture we run on, so we pass the top of this array. */
    static char stack[1024 * 1024] __attribute__((aligned(16)));
    pid_t pid;

    if (pipe2(box->go, O_CLOEXEC) == -1)
        die_errno("pipe2");
    ct_trace("unshare --uts --pid --fork --mount --ipc --net --cgroup",
             "clone(child_main, stack, CLONE_NEWUTS|CLONE_NEWPID|"
             "CLONE_NEWNS|CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWCGROUP|SIGCHLD, "
             "box)");
    fflush(stdout); /* or the child inherits a copy of unwritten output */
    pid = clone(child_main, stack + sizeof(stack), ALL_NS | SIGCHLD, box);
    if (pid == -1)
        die_errno("clone into new namespaces");
    close(box->go[0]);
    /* The child waits here for us. Step 06 puts it in a device cgroup at
     * this point; this step just lets it go. */
    if (write(box->go[1], "g", 1) != 1)
        die_errno("write to the child's sync pipe");
    close(box->go[1]);
    return pid;
}

/* Wait for the command and turn its end into our exit status, as a shell
 * does: its own status, or 128 + the signal that killed it. Nothing to
 * clean up on the host: every mount was made in the child's mount
 * namespace, and goes away with its last process. */
static int
wait_child(pid_t pid)
{
    int status;

    ct_trace(NULL, "waitpid(%d, &status, 0)", (int)pid);
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            die_errno("waitpid %d", (int)pid);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

int
main(int argc, char **argv)
{
    struct box box = {0};

    ct_prog = "pivotbox";
    parse_args(argc, argv, &box);
    check_args(&box);
    return wait_child(start_child(&box));
}
