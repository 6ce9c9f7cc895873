/*
 * hints.c: the table of classic traps.
 *
 * When a call fails, die_errno looks here for a line that explains what
 * usually causes that errno for that kind of call. A row matches when the
 * errno is equal and `what` (the message, e.g. "mount proc on '/proc'")
 * contains the row's keyword; rows are tried in order, so specific rows
 * come before general ones. A NULL keyword matches any call.
 *
 * Add a row when a student hits a trap the message alone does not explain.
 */
#include "ct.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

struct hint {
    int err;
    const char *keyword;
    const char *text;
};

static const struct hint hints[] = {
    /* cgroups */
    {EBUSY, "subtree_control",
     "a cgroup with processes in it cannot enable controllers for its "
     "children (cgroup v2's no-internal-processes rule): move the processes "
     "into a leaf cgroup first"},
    {ENOENT, "cgroup",
     "that cgroup file is missing: the controller is not enabled for this "
     "cgroup (v2: check cgroup.subtree_control of the parent) or the host "
     "uses another cgroup version (run bin/doctor)"},
    {EOPNOTSUPP, "cgroup",
     "this controller or file is not supported here (run bin/doctor to see "
     "the cgroup mode and usable controllers)"},
    {EINVAL, "cpu.max", "cpu.max takes '<quota> <period>' in microseconds"},
    {EBUSY, "rmdir", "the cgroup still has processes in it; kill them first"},
    {EINVAL, "pids.max",
     "pids.max takes 'max' or a number of tasks from 0 to 4194304 (the "
     "kernel's PID_MAX_LIMIT on 64-bit machines)"},
    {EBUSY, "cgroup.procs",
     "cgroup v2 puts no process into a cgroup that enables controllers for "
     "its children (the no-internal-processes rule): use a leaf cgroup"},
    {EEXIST, "cgbox-",
     "a cgroup of that name is left over from a cgbox that was killed "
     "(SIGKILL leaves no chance to clean up): rmdir it"},
    /* mounts */
    {EINVAL, "pivot_root",
     "pivot_root needs the new root to be a mount point (bind-mount it onto "
     "itself), not on a shared mount (make / private first), and put_old "
     "to be below it"},
    {EBUSY, "pivot_root",
     "the new root is on the mount being replaced: bind-mount it onto "
     "itself first"},
    {ENOSPC, "mount",
     "for mount, ENOSPC means a limit was exceeded (mount namespaces or "
     "fs.mount-max), not a full disk"},
    {EINVAL, "overlay",
     "overlayfs refused its options (dmesg says why): upperdir and workdir "
     "must be on one filesystem that is not overlayfs itself and supports "
     "trusted.* xattrs and d_type, and workdir must be empty"},
    {ELOOP, "overlay",
     "overlapping layers: an upperdir or workdir inside a lowerdir (or the "
     "other way round), or a layer in use by another overlay"},
    {ENODEV, "mount",
     "the kernel does not know this filesystem type: load its module "
     "(e.g. modprobe overlay)"},
    {EPERM, "mount",
     "mounting needs CAP_SYS_ADMIN in the mount namespace's owning user "
     "namespace: run as root (sudo)"},
    {EBUSY, "umount",
     "something still uses that mount (a process's cwd "
     "or an open file); MNT_DETACH detaches it lazily"},
    /* chroot */
    {EPERM, "chroot",
     "chroot(2) needs CAP_SYS_CHROOT: run it as root (sudo); as root, see "
     "if something dropped it (CapEff in /proc/self/status)"},
    /* user namespaces: the maps */
    {EPERM, "setgroups",
     "setgroups is written before gid_map, and once: 'deny' cannot be "
     "taken back, and after gid_map it cannot be written at all"},
    {EPERM, "gid_map",
     "a user may write one line to gid_map, mapping its own gid, and only "
     "after 'deny' went to setgroups; a range needs newgidmap (package "
     "uidmap) and /etc/subgid; each map is written once"},
    {EPERM, "uid_map",
     "a user may write one line to uid_map, mapping its own uid; a range "
     "needs newuidmap (package uidmap) and /etc/subuid; each map is "
     "written once"},
    {EOVERFLOW, NULL,
     "an id outside the user namespace's map: a file owned by an unmapped "
     "id cannot be copied up or chowned, and an unmapped process can "
     "create none; own the image with mapped ids (copy it as yourself)"},
    /* namespaces */
    {EPERM, "user",
     "user namespaces may be restricted: check sysctl "
     "kernel.unprivileged_userns_clone (Debian) and "
     "kernel.apparmor_restrict_unprivileged_userns (Ubuntu 24.04)"},
    {ENOSPC, "clone",
     "a namespace limit was reached: see /proc/sys/user/max_*_namespaces"},
    {ENOSPC, "unshare",
     "a namespace limit was reached: see /proc/sys/user/max_*_namespaces"},
    {ECHILD, "waitpid",
     "a child made by clone() without SIGCHLD in its flags is a 'clone' "
     "child: waitpid does not see it unless given __WALL (add SIGCHLD to "
     "the flags)"},
    {EINVAL, "unshare",
     "the kernel may lack this namespace type, or unshare(CLONE_NEWUSER) "
     "was called in a threaded process"},
    /* exec */
    {ENOENT, "exec",
     "the program, or its ELF interpreter (the dynamic loader), is missing "
     "inside the root: for a dynamic binary copy its libraries too "
     "(see step 01)"},
    {EACCES, "exec",
     "the file is not executable (chmod +x), or it sits on a noexec mount"},
    {ENOEXEC, "exec",
     "the file is not a program this kernel can run (not "
     "ELF for this machine, and no #! line)"},
    /* seccomp and capabilities */
    {EACCES, "seccomp",
     "installing a seccomp filter needs no_new_privs or CAP_SYS_ADMIN"},
    {EPERM, "cap", "changing capabilities needs CAP_SETPCAP: run as root"},
    {EPERM, "mknod",
     "making a device node needs CAP_MKNOD (not given inside a user "
     "namespace) and a device cgroup that allows the device"},
    {EPERM, "BPF_PROG",
     "loading and attaching BPF programs needs CAP_SYS_ADMIN (or CAP_BPF), "
     "and an outer seccomp filter (a container) may refuse bpf(2)"},
    {EINVAL, "BPF_PROG",
     "the kernel's verifier refused the program, or this kernel lacks "
     "cgroup BPF (CONFIG_CGROUP_BPF)"},
    /* network */
    {EADDRINUSE, "bind",
     "another program listens on that port already (ss -ltnp shows which): "
     "pick another host port"},
    {EADDRNOTAVAIL, "bind 127.0.0.1",
     "this network namespace has no 127.0.0.1: its loopback is down "
     "(ip link set lo up)"},
    {EOPNOTSUPP, "type veth",
     "the kernel lacks veth (modprobe veth, or CONFIG_VETH)"},
    {EOPNOTSUPP, "type bridge",
     "the kernel lacks the bridge (modprobe bridge, or CONFIG_BRIDGE)"},
    {EOPNOTSUPP, "ip route",
     "rtnetlink hands a request to the address family its family struct "
     "names: is rtm_family AF_INET?"},
    {EOPNOTSUPP, "ip addr",
     "rtnetlink hands a request to the address family its family struct "
     "names: is ifa_family AF_INET?"},
    {EEXIST, "ip link add",
     "a link of that name exists already in this network namespace"},
    {ENETUNREACH, "route add",
     "the gateway is on no subnet of a link that is up: is the link up, "
     "with an address on the gateway's subnet?"},
    {ENODEV, "ip link",
     "no link of that name or index in this network namespace"},
    {ECONNREFUSED, "connect",
     "nothing listens on that address and port (yet?)"},
    /* files */
    {ENOSPC, "unpack",
     "the filesystem the tarball is unpacked on is full: free space, or "
     "unpack somewhere bigger (tarbox --dir DIR)"},
    {EROFS, NULL, "that filesystem is mounted read-only"},
    {ENOTDIR, NULL, "a component of the path is not a directory"},
    {ELOOP, NULL,
     "too many symbolic links, or a symlink where none is "
     "allowed (O_NOFOLLOW)"},
    {EXDEV, NULL, "the paths are on different filesystems (mounts)"},
    /* general */
    {EPERM, NULL, "this needs root: run it with sudo"},
    {EACCES, NULL,
     "permission denied: run it with sudo, or check the "
     "file's mode and owner"},
};

const char *
ct_errno_hint(int err, const char *what)
{
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
        const struct hint *h = &hints[i];
        if (h->err != err)
            continue;
        if (h->keyword && (!what || !strstr(what, h->keyword)))
            continue;
        /* "run it with sudo" is no help to someone who is root already. */
        if ((err == EPERM || err == EACCES) && !h->keyword && geteuid() == 0)
            return err == EPERM ? "the kernel refused even root: a "
                                  "namespace, seccomp filter or security "
                                  "module (AppArmor, SELinux) may forbid it"
                                : NULL;
        return h->text;
    }
    return NULL;
}
