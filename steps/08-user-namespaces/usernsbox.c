/*
 * 08-user-namespaces: run a command as root of a new user namespace, which
 * is you outside it, no sudo needed.
 *
 * Every container so far ran as the host's real root: an escape from it was
 * a host-root escape. A user namespace has ids and capabilities of its own.
 * Its uid 0 is, outside, whatever uid its map says (/proc/PID/uid_map: here
 * yours), and the capabilities root has inside count only for what the
 * namespace owns (its mounts, hostname, network), never for the host's
 * files, devices or kernel. Any user may make one, and then mount,
 * pivot_root and run a container in it: rootless podman, in one file.
 *
 * The child is cloned into the user namespace and the others at once, and
 * waits on a pipe while the parent writes its maps: one line, written
 * directly ("0 1000 1": you are root inside, no other id exists there), or,
 * when /etc/subuid gives you a range, 65536 ids more through the setuid
 * helpers newuidmap and newgidmap. Then the child builds step 05's container
 * the way an unprivileged user must: an overlay with `userxattr` on a tmpfs,
 * a /dev of bind mounts of the host's device nodes (mknod is EPERM), devpts
 * with a gid that is mapped.
 *
 * Calls, from step 05 (src/lib/pivot_root.c, the same code as
 * steps/05-pivot-root/pivotbox.c): ct_mount, ct_make_dir, ct_make_link,
 * ct_make_mounts_private, ct_mount_proc_sys, ct_pivot_to_cwd and
 * ct_mask_proc; and ct_find_in_path (src/lib/ct.c), a PATH lookup.
 * Everything else is here.
 *
 * Read: user_namespaces(7), newuidmap(1), newgidmap(1), subuid(5),
 *       capabilities(7) (user namespaces), clone(2), mount(2),
 *       Documentation/filesystems/overlayfs.rst (userxattr).
 * Try:  (as yourself, no sudo, on an image of your own)
 *       rootfs-scripts/busybox.sh ~/img
 *       bin/usernsbox --trace ~/img /bin/sh -c 'id; cat /proc/self/uid_map'
 *       bin/usernsbox ~/img sleep 9 & sleep 1
 *       grep -E '^(Uid|CapEff)' /proc/$(pgrep -P $!)/status
 * See:  uid=0 inside and "0 1000 1" in uid_map; outside, the same process
 *       has Uid 1000 and every capability, in a user namespace of its own.
 */
#include "ct.h"
#include "pivot_root.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Step 05's six namespaces, and the user namespace that owns them. */
#define CLONE_NS \
    (CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | \
     CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)

#define MAX_VOLUMES 8
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

enum map_mode {
    MAP_AUTO, /* range when we have one and the helpers, else single */
    MAP_SINGLE, /* 0 -> our uid, written by us: nothing else is mapped */
    MAP_RANGE, /* 0 -> our uid, 1..N -> our /etc/subuid range: helpers */
};

/* A range of ids outside from /etc/subuid or /etc/subgid; count 0: none. */
struct id_range {
    uint64_t start, count;
};

/* -v HOST:CTR: HOST made absolute, CTR relative to the new root. */
struct volume {
    char host[PATH_MAX];
    const char *target;
};

/* Everything parent and child need to know, filled in before the clone. */
struct box {
    enum map_mode map;
    const char *hostname; /* --hostname, or NULL to keep the copied one */
    char root[PATH_MAX]; /* ROOTFS, made absolute: the overlay's lower */
    char **argv; /* the command to run */
    struct volume volumes[MAX_VOLUMES];
    int nvolumes;
    uid_t uid; /* who we are outside: root inside */
    gid_t gid;
    struct id_range subuid, subgid; /* MAP_RANGE: ids 1..count inside */
    char newuidmap[PATH_MAX], newgidmap[PATH_MAX]; /* the helpers */
    int go[2]; /* the parent writes one byte: "your maps are written" */
};

/* The device nodes of step 05. Inside a user namespace mknod(2) is EPERM
 * even for root (a device node would open the host's hardware), so each is
 * the host's own node, bind-mounted onto an empty file. */
static const char *const devices[] = {
    "null", "zero", "full", "random", "urandom", "tty",
};

static const char *const dev_links[][2] = {
    {"/proc/self/fd", "dev/fd"},       {"/proc/self/fd/0", "dev/stdin"},
    {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
    {"pts/ptmx", "dev/ptmx"},
};

static void
usage(void)
{
    printf("usage: usernsbox [OPTIONS] ROOTFS COMMAND [ARG...]\n"
           "Run COMMAND as root of a new user namespace, which is you outside\n"
           "it, and as PID 1 of new mount, uts, ipc, pid, net and cgroup\n"
           "namespaces, on an overlay of ROOTFS (dev, proc, sys and tmp must\n"
           "be directories in it). No sudo needed.\n\n"
           "  --map single     map only you, to root (uid_map written here)\n"
           "  --map range      and your /etc/subuid, /etc/subgid ranges as\n"
           "                   ids 1..N inside (through newuidmap, newgidmap)\n"
           "  --map auto       range if you have one and newuidmap, else\n"
           "                   single (the default)\n"
           "  -v, --volume HOST:CTR  bind-mount HOST at CTR (up to %d)\n"
           "  --hostname NAME  set the hostname inside\n"
           "  --trace          print each kernel call and its shell command\n\n"
           "ROOTFS is not changed: the container's changes go to a tmpfs.\n"
           "Exit status: the command's; 128+N when signal N killed it; 127\n"
           "not found, 126 cannot run; 1 setup failed; 2 usage; 3 ROOTFS or\n"
           "a volume unusable, or --map range without a range or newuidmap.\n",
           MAX_VOLUMES);
}

/* ---- parse and check: before any namespace exists ---------------------- */

static void
parse_volume(struct box *box, char *spec)
{
    struct volume *v = &box->volumes[box->nvolumes];
    char *target = strchr(spec, ':');

    if (box->nvolumes == MAX_VOLUMES)
        die_usage("at most %d volumes", MAX_VOLUMES);
    if (!target || target == spec || target[1] != '/')
        die_usage("--volume '%s': want HOST:CTR, CTR absolute", spec);
    *target++ = '\0';
    if (!realpath(spec, v->host))
        die_input_errno("resolve volume '%s'", spec);
    while (*target == '/')
        target++;
    if (!*target || strstr(target, ".."))
        die_usage("--volume: CTR must be a path below / without '..'");
    v->target = target;
    box->nvolumes++;
}

static void
parse_args(int argc, char **argv, struct box *box)
{
    enum { OPT_MAP = 256, OPT_HOSTNAME, OPT_TRACE, OPT_HELP };
    static const struct option options[] = {
        {"map", required_argument, NULL, OPT_MAP},
        {"volume", required_argument, NULL, 'v'},
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"trace", no_argument, NULL, OPT_TRACE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int opt;

    opterr = 0; /* we print our own messages */
    /* "+": stop at the first non-option, so COMMAND's flags stay its own. */
    while ((opt = getopt_long(argc, argv, "+:v:", options, NULL)) != -1) {
        switch (opt) {
        case OPT_MAP:
            if (!strcmp(optarg, "single"))
                box->map = MAP_SINGLE;
            else if (!strcmp(optarg, "range"))
                box->map = MAP_RANGE;
            else if (!strcmp(optarg, "auto"))
                box->map = MAP_AUTO;
            else
                die_usage("--map '%s': use single, range or auto", optarg);
            break;
        case 'v': parse_volume(box, optarg); break;
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
    if (!realpath(argv[optind], box->root))
        die_input_errno("resolve root directory '%s'", argv[optind]);
    box->argv = argv + optind + 1;
}

/* subuid(5), subgid(5): lines "NAME:START:COUNT" (or "UID:START:COUNT")
 * that root wrote (useradd does, for each new user) to say which ids
 * outside a user may map. Returns our first range, or count 0. */
static struct id_range
read_subid_range(const char *file, const char *name, unsigned id)
{
    struct id_range r = {0, 0};
    char line[512], num[16], *who, *start, *count, *save;
    FILE *f = fopen(file, "re");

    snprintf(num, sizeof(num), "%u", id);
    while (f && fgets(line, sizeof(line), f)) {
        who = strtok_r(line, ":\n", &save);
        start = strtok_r(NULL, ":\n", &save);
        count = strtok_r(NULL, ":\n", &save);
        if (!who || !start || !count ||
            (strcmp(who, num) && (!name || strcmp(who, name))))
            continue;
        if (ct_parse_u64(start, &r.start) == 0 &&
            ct_parse_u64(count, &r.count) == 0 && r.count > 0)
            break;
        r.count = 0;
    }
    if (f)
        fclose(f);
    return r;
}

/* Pick the map (auto: range if we can), and check ROOTFS and volumes. */
static void
check_args(struct box *box)
{
    static const char *const mount_points[] = {"dev", "proc", "sys", "tmp"};
    struct passwd *pw = getpwuid(getuid());
    const char *name = pw ? pw->pw_name : NULL;
    char path[PATH_MAX + 8];
    struct stat st;
    bool helpers;

    box->uid = getuid();
    box->gid = getgid();
    box->subuid = read_subid_range("/etc/subuid", name, box->uid);
    box->subgid = read_subid_range("/etc/subgid", name, box->uid);
    /* newuidmap lives in /usr/bin: found where execvp would find it */
    helpers = ct_find_in_path("newuidmap", box->newuidmap, PATH_MAX) &&
        ct_find_in_path("newgidmap", box->newgidmap, PATH_MAX);
    if (box->map == MAP_RANGE && !helpers)
        die_input("--map range needs newuidmap and newgidmap: install the "
                  "uidmap package (sudo apt-get install uidmap)");
    if (box->map == MAP_RANGE && (!box->subuid.count || !box->subgid.count))
        die_input("--map range: /etc/subuid or /etc/subgid has no range for "
                  "'%s' (uid %u); root can add one: sudo usermod "
                  "--add-subuids 100000-165535 --add-subgids 100000-165535 %s",
                  name ? name : "?", (unsigned)box->uid, name ? name : "USER");
    if (box->map == MAP_AUTO)
        box->map = helpers && box->subuid.count && box->subgid.count
            ? MAP_RANGE
            : MAP_SINGLE;
    if (box->uid == 0)
        warnx_ct("you are root: root inside is uid 0 outside too, and has "
                 "the host's files; run usernsbox as a user to see the point");
    if (box->hostname &&
        (!*box->hostname || strlen(box->hostname) > HOST_NAME_MAX))
        die_usage("--hostname must be 1 to %d characters", HOST_NAME_MAX);
    if (stat(box->root, &st) == -1 || !S_ISDIR(st.st_mode))
        die_input("root '%s' is not a directory", box->root);
    for (size_t i = 0; i < N_OF(mount_points); i++) {
        snprintf(path, sizeof(path), "%s/%s", box->root, mount_points[i]);
        if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
            die_input("'%s' is missing: make it (mkdir) to mount /%s there",
                      path, mount_points[i]);
    }
}

/* ---- the child: runs inside the new namespaces ------------------------- */

/* Leave the child after a failure recorded with ct_fail_errno (_exit:
 * the parent's exit handlers and stdio buffers are not ours). */
static noreturn void
child_exit(int status)
{
    ct_report();
    fflush(stdout);
    _exit(status);
}

/* Until the parent has written our maps we are nobody (65534) in here:
 * our uid maps to nothing, so a file we create would have no owner
 * (EOVERFLOW), and a program we exec would start with no capabilities at
 * all, since it would not be run by uid 0. So wait for the parent's byte;
 * end of file without it means the parent died or gave up: stop. */
static void
wait_for_maps(struct box *box)
{
    char go;

    close(box->go[1]);
    /* LAB 08.3: wait for the parent's byte before doing anything else */
    if (read(box->go[0], &go, 1) != 1)
        _exit(1);
    /* END LAB */
    close(box->go[0]);
}

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

/* The container's root: step 07's overlay, with ROOTFS as the read-only
 * lower layer. Two things differ without host root. The upper layer cannot
 * keep overlayfs's notes in trusted.* xattrs (host root only), so
 * `userxattr` puts them in user.overlay.*. And it lives on a tmpfs mounted
 * on ROOTFS/tmp, in our mount namespace only: the image on disk is not
 * touched, and when the namespace goes, the container's changes go too.
 * A file of ROOTFS owned by an id outside our map cannot be copied up
 * (EOVERFLOW): the new copy would have no owner we can name. */
static int
mount_rootfs(const struct box *box)
{
    static const char *const dirs[] = {"upper", "work", "root"};
    char tmp[PATH_MAX + 8], dir[PATH_MAX + 16], opts[3 * PATH_MAX + 64];
    char shell[sizeof(opts) + sizeof(dir) + 32];

    snprintf(tmp, sizeof(tmp), "%s/tmp", box->root);
    snprintf(shell, sizeof(shell), "mount -t tmpfs -o mode=755 tmpfs %s", tmp);
    if (ct_mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755",
                 shell) == -1)
        return -1;
    for (size_t i = 0; i < N_OF(dirs); i++) {
        snprintf(dir, sizeof(dir), "%s/%s", tmp, dirs[i]);
        if (ct_make_dir(dir) == -1)
            return -1;
    }
    snprintf(opts, sizeof(opts),
             "lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr",
             box->root, tmp, tmp);
    snprintf(shell, sizeof(shell), "mount -t overlay -o %s overlay %s", opts,
             dir);
    if (ct_mount("overlay", dir, "overlay", 0, opts, shell) == -1)
        return -1;
    snprintf(shell, sizeof(shell), "cd %s", dir);
    ct_trace(shell, "chdir(\"%s\")", dir);
    if (chdir(dir) == -1)
        return ct_fail_errno("chdir to '%s'", dir);
    return 0;
}

/* An empty file or directory to mount on, as the mounted thing is one. */
static int
make_mount_point(const char *path, bool dir)
{
    int fd;

    if (access(path, F_OK) == 0)
        return 0;
    if (dir)
        return ct_make_dir(path);
    ct_trace(NULL, "open(\"%s\", O_CREAT|O_EXCL, 0666)", path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd == -1)
        return ct_fail_errno("create mount point '%s'", path);
    close(fd);
    return 0;
}

/* A bind mount shows a host directory inside, with the host's owners:
 * what we own outside is root's inside, what root owns outside is nobody's
 * (65534), and root inside may not write it, since none of its
 * capabilities count for an id its namespace cannot map. */
static int
mount_volumes(const struct box *box)
{
    char shell[2 * PATH_MAX + 32];
    struct stat st;

    for (int i = 0; i < box->nvolumes; i++) {
        const struct volume *v = &box->volumes[i];

        if (stat(v->host, &st) == -1)
            return ct_fail_errno("stat volume '%s'", v->host);
        if (make_mount_point(v->target, S_ISDIR(st.st_mode)) == -1)
            return -1;
        snprintf(shell, sizeof(shell), "mount --rbind %s %s", v->host,
                 v->target);
        if (ct_mount(v->host, v->target, NULL, MS_BIND | MS_REC, NULL, shell) ==
            -1)
            return -1;
    }
    return 0;
}

/* The host's node /dev/NAME, bind-mounted on an empty file dev/NAME. It
 * opens: the bind is of the host's devtmpfs, which was mounted by the
 * host's root. (Our own tmpfs under it is nodev: no node on a filesystem
 * mounted in a user namespace opens.) */
static int
bind_device(const char *name)
{
    char host[64], path[64], shell[sizeof(host) + 2 * sizeof(path) + 32];

    snprintf(host, sizeof(host), "/dev/%s", name);
    snprintf(path, sizeof(path), "dev/%s", name);
    snprintf(shell, sizeof(shell), "touch %s && mount --bind %s %s", path, host,
             path);
    if (make_mount_point(path, false) == -1)
        return -1;
    return ct_mount(host, path, NULL, MS_BIND, NULL, shell);
}

/* Step 05's /dev, without mknod: a tmpfs with the host's six harmless
 * nodes bound into it, a devpts of our own, /dev/shm and the links. The
 * pty group is gid 5 ("tty"), but devpts takes gid=5 only if gid 5 is in
 * our map (a range map); with a single id it stays our gid 0. */
static int
mount_dev(const struct box *box)
{
    char opts[80], shell[160];

    /* LAB 08.4: a tmpfs /dev with the host's nodes bound in, pts, shm */
    if (ct_mount("tmpfs", "dev", "tmpfs",
                 MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=755,size=65536k",
                 "mount -t tmpfs -o nosuid,noexec,mode=755 tmpfs dev") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(devices); i++)
        if (bind_device(devices[i]) == -1)
            return -1;
    /* END LAB */
    snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620%s",
             box->map == MAP_RANGE && box->subgid.count >= 5 ? ",gid=5" : "");
    snprintf(shell, sizeof(shell), "mount -t devpts -o %s devpts dev/pts",
             opts);
    if (ct_make_dir("dev/pts") == -1 ||
        ct_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, opts,
                 shell) == -1)
        return -1;
    if (ct_make_dir("dev/shm") == -1 ||
        ct_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=1777,size=65536k",
                 "mount -t tmpfs -o nosuid,nodev,noexec,mode=1777 shm "
                 "dev/shm") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(dev_links); i++)
        if (ct_make_link(dev_links[i][0], dev_links[i][1]) == -1)
            return -1;
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

/* What clone() starts: PID 1 of the new pid namespace, with every
 * capability in the new user namespace, and (once the maps are written)
 * uid 0 there. Step 05's order: the root and what goes in it, the pivot,
 * the masks. Each mount is allowed because our user namespace owns the
 * mount namespace; proc and sysfs because it owns the pid and network
 * namespaces too, and the host's are still fully visible (before the
 * pivot). */
static int
child_main(void *arg)
{
    struct box *box = arg;

    /* prctl(2): if usernsbox dies, the kernel kills the command too. */
    ct_trace(NULL, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
        ct_fail_errno("prctl PR_SET_PDEATHSIG");
        child_exit(1);
    }
    wait_for_maps(box);
    if (set_hostname(box) == -1 || ct_make_mounts_private() == -1 ||
        mount_rootfs(box) == -1 || mount_volumes(box) == -1 ||
        mount_dev(box) == -1 || ct_mount_proc_sys() == -1 ||
        ct_pivot_to_cwd() == -1 || ct_mask_proc() == -1)
        child_exit(1);
    exec_command(box->argv);
}

/* ---- the parent: start the child, write its maps, let it go ------------ */

/* user_namespaces(7), "User and group ID mappings": each line of
 * /proc/PID/uid_map is "ID-INSIDE ID-OUTSIDE COUNT". Without CAP_SETUID
 * out here (as a user) the kernel takes one line only, mapping our own
 * uid; and for gid_map, only after "deny" went to /proc/PID/setgroups,
 * or we could drop a group that a file denies access to (mode 0705) with
 * setgroups(2) inside. Each file is written once. `unshare --user
 * --map-root-user` writes the same three. */
static int
write_proc(pid_t pid, const char *file, const char *text)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    if (ct_write_file(path, "%s", text) == -1)
        return ct_fail_errno("write '%s' to '%s'", text, path);
    return 0;
}

static int
map_single(const struct box *box, pid_t pid)
{
    char uid_line[32], gid_line[32];

    snprintf(uid_line, sizeof(uid_line), "0 %u 1", (unsigned)box->uid);
    snprintf(gid_line, sizeof(gid_line), "0 %u 1", (unsigned)box->gid);
    /* LAB 08.1: deny setgroups, then map our uid and gid to 0 */
    if (write_proc(pid, "setgroups", "deny") == -1 ||
        write_proc(pid, "uid_map", uid_line) == -1 ||
        write_proc(pid, "gid_map", gid_line) == -1)
        return -1;
    /* END LAB */
    return 0;
}

/* Run a helper (fork, exec, wait); 0 if it exited 0, else -1 recorded. */
static int
run_helper(char *const argv[])
{
    char shell[256] = "";
    int status;
    pid_t pid;

    for (int i = 0; argv[i]; i++)
        snprintf(shell + strlen(shell), sizeof(shell) - strlen(shell), "%s%s",
                 i ? " " : "", i ? argv[i] : strrchr(argv[0], '/') + 1);
    ct_trace(shell, "fork(), execv(\"%s\", argv), waitpid()", argv[0]);
    fflush(stdout);
    pid = fork();
    if (pid == -1)
        return ct_fail_errno("fork for '%s'", argv[0]);
    if (pid == 0) {
        execv(argv[0], argv);
        fprintf(stderr, "usernsbox: exec '%s' failed: %s\n", argv[0],
                ct_errno_name(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid '%s'", argv[0]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ct_set_hint("it prints why above; it maps only what /etc/subuid "
                    "and /etc/subgid give you, and your own id");
        return ct_fail("'%s' failed (status %d)", shell,
                       WIFEXITED(status) ? WEXITSTATUS(status) : 128);
    }
    return 0;
}

/* newuidmap(1) and newgidmap(1) are setuid root: they have the
 * CAP_SETUID out here that we lack, and use it only for what root allowed
 * us in /etc/subuid and /etc/subgid (and our own id). Ours is podman's
 * layout, "0 UID 1" and "1 START COUNT": root inside is still us, and ids
 * 1..COUNT inside are ids nobody else has outside. With a subgid range,
 * newgidmap leaves setgroups allowed: groups inside are real groups. */
static int
map_range(struct box *box, pid_t pid)
{
    char p[16], uid[16], gid[16], us[24], uc[24], gs[24], gc[24];

    snprintf(p, sizeof(p), "%d", (int)pid);
    snprintf(uid, sizeof(uid), "%u", (unsigned)box->uid);
    snprintf(gid, sizeof(gid), "%u", (unsigned)box->gid);
    snprintf(us, sizeof(us), "%" PRIu64, box->subuid.start);
    snprintf(uc, sizeof(uc), "%" PRIu64, box->subuid.count);
    snprintf(gs, sizeof(gs), "%" PRIu64, box->subgid.start);
    snprintf(gc, sizeof(gc), "%" PRIu64, box->subgid.count);
    /* LAB 08.2: newuidmap PID 0 UID 1 1 START COUNT, then newgidmap */
    char *uidmap[] = {box->newuidmap, p, "0", uid, "1", "1", us, uc, NULL};
    char *gidmap[] = {box->newgidmap, p, "0", gid, "1", "1", gs, gc, NULL};
    if (run_helper(uidmap) == -1 || run_helper(gidmap) == -1)
        return -1;
    /* END LAB */
    return 0;
}

static double
now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Returns the child's pid, or -1 (recorded with ct_fail). */
static pid_t
start_child(struct box *box)
{
    /* clone(2) without CLONE_VM copies our memory, as fork(2) does, on the
     * stack we give it (stacks grow down: we pass the top). */
    static char stack[1024 * 1024] __attribute__((aligned(16)));
    double t0, t1;
    pid_t pid;

    if (pipe2(box->go, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2");
    ct_trace("unshare --user --mount --uts --ipc --pid --fork --net --cgroup",
             "clone(child_main, stack, CLONE_NEWUSER|CLONE_NEWNS|"
             "CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET|"
             "CLONE_NEWCGROUP|SIGCHLD, box)");
    fflush(stdout); /* or the child inherits a copy of unwritten output */
    t0 = now_ms();
    pid = clone(child_main, stack + sizeof(stack), CLONE_NS | SIGCHLD, box);
    if (pid == -1)
        return ct_fail_errno("clone into a new user namespace");
    t1 = now_ms();
    close(box->go[0]);
    /* The child waits for us: write its maps, then let it go. If they
     * cannot be written, it must not run. */
    if ((box->map == MAP_SINGLE ? map_single(box, pid) : map_range(box, pid)) ==
        -1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(box->go[1]);
        return -1;
    }
    ct_trace(NULL, "clone took %.3f ms, the %s map %.3f ms", t1 - t0,
             box->map == MAP_SINGLE ? "single-id" : "range", now_ms() - t1);
    /* A child that died already makes write fail with EPIPE: waitpid
     * will tell how it died. */
    signal(SIGPIPE, SIG_IGN);
    if (write(box->go[1], "g", 1) != 1 && errno != EPIPE)
        ct_fail_errno("write to the child's sync pipe");
    close(box->go[1]);
    return pid;
}

/* The command's status, or 128 + the signal that killed it, as a shell.
 * Nothing to undo on the host: every mount went with the namespace. */
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

int
main(int argc, char **argv)
{
    struct box box = {0};
    pid_t pid;
    int status;

    ct_prog = "usernsbox";
    parse_args(argc, argv, &box);
    check_args(&box);
    pid = start_child(&box);
    status = pid == -1 ? -1 : wait_child(pid);
    if (status == -1) {
        ct_report();
        return CT_EXIT_FAILURE;
    }
    return status;
}
