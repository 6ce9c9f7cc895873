/*
 * privileges.c: what root inside may still do, as step 06-privileges
 * limits it: Docker's default capabilities (from the bounding set too),
 * no_new_privs, a seccomp filter modelled on Docker's default profile,
 * a device filter on cgroup v2, and no inherited file descriptors.
 *
 * Read: capabilities(7), prctl(2) PR_SET_NO_NEW_PRIVS, seccomp(2),
 *       seccomp_rule_add(3), bpf(2) BPF_PROG_TYPE_CGROUP_DEVICE.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

/* Docker's default capabilities: enough for a normal root's daily work
 * (chown, binding port 80, setuid to a user), nothing that changes the
 * kernel (SYS_ADMIN, SYS_MODULE, SYS_TIME, NET_ADMIN...). */
static const int docker_caps[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,           CAP_FOWNER,
    CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,           CAP_SETUID,
    CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
    CAP_KILL,    CAP_AUDIT_WRITE,
};

uint64_t
caps_default(void)
{
    uint64_t set = 0;
    for (size_t i = 0; i < sizeof(docker_caps) / sizeof(int); i++)
        set |= 1ULL << docker_caps[i];
    return set;
}

static int
last_cap(void)
{
    /* cap_max_bits: what the running kernel knows, not the headers. */
    return (int)cap_max_bits() - 1;
}

uint64_t
caps_all(void)
{
    return (1ULL << (last_cap() + 1)) - 1;
}

int
caps_parse(const char *name)
{
    char buf[64];
    cap_value_t cap;

    if (strncasecmp(name, "CAP_", 4) == 0)
        name += 4;
    if (strlen(name) + 5 > sizeof(buf))
        return -1;
    snprintf(buf, sizeof(buf), "cap_%s", name);
    for (char *p = buf; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    if (cap_from_name(buf, &cap) == -1 || cap > last_cap())
        return -1;
    return cap;
}

/* Capabilities: drop from the bounding set first (no execve can ever get
 * them back), then switch user, then set what is left. */
static int
drop_bounding(uint64_t keep)
{
    for (int cap = 0; cap <= last_cap(); cap++)
        if (!(keep & (1ULL << cap)) && cap_drop_bound(cap) == -1)
            return ct_fail_errno("cap_drop_bound(%s)", cap_to_name(cap));
    return 0;
}

static int
set_caps(uint64_t keep)
{
    cap_t caps = cap_init(); /* all clear */
    cap_value_t list[64];
    int n = 0, rc = 0;

    for (int cap = 0; cap <= last_cap(); cap++)
        if (keep & (1ULL << cap))
            list[n++] = cap;
    if (!caps)
        return ct_fail_errno("cap_init");
    if (n &&
        (cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) == -1 ||
         cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) == -1))
        rc = ct_fail_errno("cap_set_flag");
    else if (cap_set_proc(caps) == -1)
        rc = ct_fail_errno("cap_set_proc");
    cap_free(caps);
    if (rc == 0 && CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() == -1)
        rc = ct_fail_errno("cap_reset_ambient");
    return rc;
}

/* Docker's profile allows ~300 calls and denies the rest; a denylist of
 * what it denies reads better here and blocks the same dangerous calls.
 * Foreign architectures (x32, i386 entry points) are killed: libseccomp's
 * default bad-arch action. */
static const char *const denied[] = {
    "acct",
    "add_key",
    "bpf",
    "clock_adjtime",
    "clock_settime",
    "create_module",
    "delete_module",
    "finit_module",
    "fsconfig",
    "fsmount",
    "fsopen",
    "fspick",
    "get_kernel_syms",
    "init_module",
    "ioperm",
    "iopl",
    "kcmp",
    "kexec_file_load",
    "kexec_load",
    "keyctl",
    "lookup_dcookie",
    "mount",
    "mount_setattr",
    "move_mount",
    "name_to_handle_at",
    "nfsservctl",
    "open_by_handle_at",
    "open_tree",
    "perf_event_open",
    "pivot_root",
    "process_vm_readv",
    "process_vm_writev",
    "quotactl",
    "reboot",
    "request_key",
    "setns",
    "settimeofday",
    "swapoff",
    "swapon",
    "sysfs",
    "_sysctl",
    "umount",
    "umount2",
    "unshare",
    "uselib",
    "userfaultfd",
    "ustat",
    "vm86",
    "vm86old",
};

static int
load_seccomp(bool no_new_privs)
{
    static const unsigned long ns_flags[] = {
        CLONE_NEWNS,  CLONE_NEWUTS,  CLONE_NEWIPC,    CLONE_NEWPID,
        CLONE_NEWNET, CLONE_NEWUSER, CLONE_NEWCGROUP,
    };
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc = 0;

    if (!ctx)
        return ct_fail("seccomp_init failed");
    /* libseccomp sets no_new_privs itself unless told not to; without it,
     * loading needs CAP_SYS_ADMIN, which we still have at this point. */
    if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, no_new_privs) < 0)
        goto fail;
    for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
        int nr = seccomp_syscall_resolve_name(denied[i]);
        if (nr != __NR_SCMP_ERROR &&
            seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) < 0)
            goto fail;
    }
    /* clone with a namespace flag: EPERM. clone3 passes its flags in
     * memory a filter cannot read: ENOSYS makes libc fall back to clone. */
    for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++)
        if (seccomp_rule_add(
                ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i])) < 0)
            goto fail;
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) <
            0 ||
        /* TIOCSTI and TIOCLINUX push keystrokes into a terminal. */
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                         SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, TIOCSTI)) <
            0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                         SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, TIOCLINUX)) <
            0)
        goto fail;
    ct_trace(NULL,
             "seccomp_load(deny %zu calls, clone with namespace "
             "flags, TIOCSTI)",
             sizeof(denied) / sizeof(denied[0]));
    if (seccomp_load(ctx) < 0) {
        errno = EINVAL;
        rc = ct_fail_errno("seccomp_load");
    }
    seccomp_release(ctx);
    return rc;
fail:
    seccomp_release(ctx);
    return ct_fail("seccomp_rule_add failed");
}

static void
close_range_compat(unsigned first, unsigned last)
{
    if (first > last)
        return;
    if (syscall(SYS_close_range, first, last, 0) == -1)
        for (unsigned fd = first; fd <= last && fd < 1024; fd++)
            close((int)fd);
}

static void
close_above_stderr(int keep)
{
    if (keep < 3) {
        close_range_compat(3, ~0U);
        return;
    }
    close_range_compat(3, (unsigned)keep - 1);
    close_range_compat((unsigned)keep + 1, ~0U);
}

int
privileges_apply(struct container *c)
{
    uint64_t keep = c->caps;

    /* MKNOD is harmless only while the device cgroup denies the host's
     * devices; without one, root inside could mknod the disk. In a user
     * namespace mknod is EPERM whatever the capabilities say. */
    if (!c->device_cgroup && c->userns.mode == USERNS_HOST &&
        (keep & (1ULL << CAP_MKNOD))) {
        fprintf(stderr,
                "minictr: warning: no device cgroup here: dropping "
                "CAP_MKNOD\n");
        keep &= ~(1ULL << CAP_MKNOD);
    }
    ct_trace("capsh --drop=...",
             "cap_drop_bound for every capability "
             "not kept");
    if (drop_bounding(keep) == -1)
        return -1;
    /* no_new_privs: execve can never grant privileges again (no setuid
     * bits, no file capabilities). Needed for seccomp without SYS_ADMIN. */
    if (c->no_new_privs) {
        ct_trace("setpriv --no-new-privs", "prctl(PR_SET_NO_NEW_PRIVS, 1)");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
            return ct_fail_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    if (c->seccomp && load_seccomp(c->no_new_privs) == -1)
        return -1;
    if (c->user_set) {
        ct_trace("setpriv --reuid --regid --clear-groups",
                 "setgroups(0); setgid(%u); setuid(%u)", c->gid, c->uid);
        if (setgroups(0, NULL) == -1 || setgid(c->gid) == -1 ||
            setuid(c->uid) == -1)
            return ct_fail_errno("switch to user %u:%u", c->uid, c->gid);
    }
    /* A non-root user ends with no capabilities at all, as in Docker. */
    if (set_caps(c->user_set && c->uid != 0 ? 0 : keep) == -1)
        return -1;
    /* CVE-2024-21626: a descriptor inherited from the runner is a way
     * out. Close everything above stderr (close_range: Linux 5.9), but
     * the error pipe to minictr, which is close-on-exec: the command
     * never sees it. */
    ct_trace(NULL, "close_range(3, ~0U, 0)");
    close_above_stderr(c->keep_fd);
    return 0;
}

/* cgroup v2 has no devices.allow file: a small BPF program decides each
 * open and mknod of a device. Allow the same few as on v1. */
int
privileges_device_filter(const char *cgroup_dir)
{
    static const struct {
        unsigned major;
        int minor; /* -1: any */
    } allow[] = {{1, 3}, {1, 5}, {1, 7}, {1, 8},   {1, 9},
                 {5, 0}, {5, 1}, {5, 2}, {136, -1}};
    struct bpf_insn prog[4 + 9 * 6 + 2];
    int n = 0, prog_fd, cg_fd, rc;
    union bpf_attr attr;

#define INSN(c, d, s, o, i) \
    prog[n++] = (struct bpf_insn){ \
        .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)}
    /* r2 = type (1 block, 2 char), r3 = major, r4 = minor */
    INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0);
    INSN(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
    INSN(BPF_LDX | BPF_W | BPF_MEM, 3, 1, 4, 0);
    INSN(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 8, 0);
    for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++) {
        int any = allow[i].minor < 0;
        /* if type != char or major != M or minor != m: next rule */
        INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, any ? 3 : 4, BPF_DEVCG_DEV_CHAR);
        INSN(BPF_JMP | BPF_JNE | BPF_K, 3, 0, any ? 2 : 3, (int)allow[i].major);
        if (!any)
            INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 2, allow[i].minor);
        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
        INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
    INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
    INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
#undef INSN

    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)prog;
    attr.insn_cnt = (uint32_t)n;
    attr.license = (uint64_t)(uintptr_t) "MIT";
    ct_trace(NULL, "bpf(BPF_PROG_LOAD, CGROUP_DEVICE, %d insns)", n);
    prog_fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
    if (prog_fd == -1)
        return -1;
    cg_fd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg_fd == -1) {
        close(prog_fd);
        return -1;
    }
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)cg_fd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    ct_trace(NULL, "bpf(BPF_PROG_ATTACH, '%s', BPF_CGROUP_DEVICE)", cgroup_dir);
    rc = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr));
    close(cg_fd);
    close(prog_fd); /* the attachment keeps the program alive */
    return rc == -1 ? -1 : 0;
}
