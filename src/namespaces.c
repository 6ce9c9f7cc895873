/*
 * namespaces.c: the container's own view of the machine, as step
 * 02-namespaces makes it.
 *
 * minictr clones straight into new mount, uts, ipc, pid and net namespaces
 * (one clone(2) call, no helper process; a user namespace too for a user's
 * container and with --userns auto, see userns.c); the child then joins its
 * cgroups and only after that makes its cgroup namespace, so that inside,
 * its own cgroup is "/". The network namespace holds only a loopback
 * device, which is down when the namespace is made: it is brought up, as
 * Docker does for --network none, so 127.0.0.1 works inside; on a bridge
 * network the monitor adds eth0 (network.c). --network host makes no
 * network namespace: the container uses the host's.
 *
 * Read: namespaces(7), clone(2), cgroup_namespaces(7), netdevice(7).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* With a user namespace (a user's container, --userns auto) it comes in
 * the same clone and owns the others: root inside has its capabilities
 * for them, not for the host (user_namespaces(7)). */
int
namespaces_clone_flags(const struct container *c)
{
    int flags = 0;

    if (!c->spec)
        return CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID |
            (c->net.mode == NET_HOST ? 0 : CLONE_NEWNET) |
            (c->userns.mode != USERNS_HOST ? CLONE_NEWUSER : 0);
    /* The new ones; a cgroup namespace comes after the cgroups are
     * joined (namespaces_enter), so that inside, its own cgroup is "/". */
    for (int i = 0; i < c->spec->nns; i++)
        if (!c->spec->ns[i].path && c->spec->ns[i].type != CLONE_NEWCGROUP)
            flags |= c->spec->ns[i].type;
    return flags;
}

/* Is namespace `type` the container's own (new or joined), or the
 * host's? */
bool
namespaces_has(const struct container *c, int type)
{
    if (!c->spec)
        return type == CLONE_NEWUSER ? c->userns.mode != USERNS_HOST
            : type == CLONE_NEWNET   ? c->net.mode != NET_HOST
                                     : true;
    for (int i = 0; i < c->spec->nns; i++)
        if (c->spec->ns[i].type == type)
            return true;
    return false;
}

static bool
is_new(const struct container *c, int type)
{
    if (!c->spec)
        return namespaces_has(c, type);
    for (int i = 0; i < c->spec->nns; i++)
        if (c->spec->ns[i].type == type)
            return !c->spec->ns[i].path;
    return false;
}

/* setns(2) into the namespace at path, checking it is of that type. */
static int
join_path(const char *path, int type)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd == -1)
        return ct_fail_errno("open namespace '%s'", path);
    ct_trace("nsenter --TYPE=PATH", "setns(\"%s\", %#x)", path, type);
    if (setns(fd, type) == -1) {
        int err = errno;
        close(fd);
        errno = err;
        return ct_fail_errno("setns into '%s'%s", path,
                             err == EINVAL ? " (not a namespace of that type)"
                                           : "");
    }
    close(fd);
    return 0;
}

int
namespaces_join_pid(const struct container *c)
{
    for (int i = 0; c->spec && i < c->spec->nns; i++)
        if (c->spec->ns[i].type == CLONE_NEWPID && c->spec->ns[i].path)
            return join_path(c->spec->ns[i].path, CLONE_NEWPID);
    return 0;
}

/* The child, first thing: every namespace to join by path but the pid
 * one (the parent joined that). All are opened before the first setns,
 * while every path still resolves in the host's mount namespace. */
static int
join_paths(const struct container *c)
{
    int fds[8], types[8], n = 0, rc = 0;

    for (int i = 0; i < c->spec->nns; i++) {
        const struct spec_ns *ns = &c->spec->ns[i];
        if (!ns->path || ns->type == CLONE_NEWPID)
            continue;
        fds[n] = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fds[n] == -1) {
            rc = ct_fail_errno("open namespace '%s'", ns->path);
            break;
        }
        types[n++] = ns->type;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        ct_trace("nsenter --TYPE=PATH", "setns(fd, %#x)", types[i]);
        if (setns(fds[i], types[i]) == -1)
            rc = ct_fail_errno("setns into a namespace of type %#x given by "
                               "path",
                               types[i]);
    }
    for (int i = 0; i < n; i++)
        close(fds[i]);
    return rc;
}

/* clone3(2) with CLONE_INTO_CGROUP (Linux 5.7, a cgroup2 cgroup: on v2,
 * or the unified tree of a hybrid host): the child is born in its
 * cgroup, so it never has to move there. Moving a process between cgroups
 * makes the kernel wait for an RCU grace period (milliseconds on a busy
 * machine); this is how crun starts containers. glibc has no clone3
 * wrapper: called by number, it returns like fork (struct clone3_args:
 * minictr.h). */
pid_t
namespaces_clone_into_cgroup(struct container *c)
{
    struct clone3_args args = {.exit_signal = SIGCHLD};
    const char *dir = cgroups_v2_dir(c);
    int fd;
    pid_t pid;

    c->in_cgroup = false;
    if (!dir)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1)
        return -1;
    args.flags = (uint64_t)namespaces_clone_flags(c) | CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)fd;
    fflush(NULL);
    pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
    close(fd);
    if (pid >= 0)
        c->in_cgroup = true; /* in the child too: it need not join */
    return pid;
}

/* ip link set lo up: SIOCSIFFLAGS on any socket of this namespace. */
static int
loopback_up(void)
{
    struct ifreq ifr = {.ifr_name = "lo"};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = 0;

    ct_trace("ip link set lo up", "ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP)");
    if (fd == -1)
        return ct_fail_errno("socket for the loopback device");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
        rc = ct_fail_errno("ioctl(SIOCGIFFLAGS) on 'lo'");
    ifr.ifr_flags |= IFF_UP;
    if (rc == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
        rc = ct_fail_errno("ioctl(SIOCSIFFLAGS) on 'lo'");
    close(fd);
    return rc;
}

/* An OCI container: only what its config.json asks for. Without a mount
 * namespace of its own, "/" is the host's, and its propagation is left
 * alone. */
static int
enter_spec(struct container *c)
{
    unsigned long prop = c->spec->rootfs_propagation;

    if (join_paths(c) == -1)
        return -1;
    if (is_new(c, CLONE_NEWCGROUP)) {
        ct_trace("unshare --cgroup", "unshare(CLONE_NEWCGROUP)");
        if (unshare(CLONE_NEWCGROUP) == -1)
            return ct_fail_errno("unshare(CLONE_NEWCGROUP)");
    }
    /* runc's default is rslave: mounts from the host still come in,
     * ours never go out. The root's own bind mount is made private
     * later (pivot_root.c), or pivot_root would refuse a shared one. */
    if (namespaces_has(c, CLONE_NEWNS) &&
        mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) == -1)
        return ct_fail_errno("set the propagation of / (rootfsPropagation)");
    if (c->hostname) {
        if (!namespaces_has(c, CLONE_NEWUTS))
            return ct_fail("hostname '%s' needs a uts namespace of the "
                           "container's own (linux.namespaces)",
                           c->hostname);
        if (sethostname(c->hostname, strlen(c->hostname)) == -1)
            return ct_fail_errno("sethostname '%s'", c->hostname);
    }
    return is_new(c, CLONE_NEWNET) ? loopback_up() : 0;
}

int
namespaces_enter(struct container *c)
{
    if (c->spec)
        return enter_spec(c);
    ct_trace("unshare --cgroup", "unshare(CLONE_NEWCGROUP)");
    if (unshare(CLONE_NEWCGROUP) == -1)
        return ct_fail_errno("unshare(CLONE_NEWCGROUP)");
    /* Our mounts must not propagate to the host, where / may be shared
     * (systemd makes it so): private first, before any mount. */
    ct_trace("mount --make-rprivate /",
             "mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make / private");
    if (ct_tracing) {
        char shell[128];
        snprintf(shell, sizeof(shell), "hostname %s", c->hostname);
        ct_trace(shell, "sethostname(\"%s\")", c->hostname);
    }
    if (sethostname(c->hostname, strlen(c->hostname)) == -1)
        return ct_fail_errno("sethostname '%s'", c->hostname);
    return c->net.mode == NET_HOST ? 0 : loopback_up(); /* not the host's */
}
