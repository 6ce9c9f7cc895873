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
    return CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID |
        (c->net.mode == NET_HOST ? 0 : CLONE_NEWNET) |
        (c->userns.mode != USERNS_HOST ? CLONE_NEWUSER : 0);
}

/* clone3(2) with CLONE_INTO_CGROUP (Linux 5.7, a cgroup2 cgroup: on v2,
 * or the unified tree of a hybrid host): the child is born in its
 * cgroup, so it never has to move there. Moving a process between cgroups
 * makes the kernel wait for an RCU grace period (milliseconds on a busy
 * machine); this is how crun starts containers. glibc has no clone3
 * wrapper: called by number, it returns like fork. */
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};

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

int
namespaces_enter(struct container *c)
{
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
