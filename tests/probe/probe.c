/*
 * probe: report, in a form tests can parse, what a process sees from inside
 * a jail or container. Static, so it runs in any root, even one without a
 * libc.
 *
 *   probe                     every fact below, one "key=value" per line
 *   probe id|ns|caps|mounts|cgroup|fds    one group of facts
 *   probe net                 links, IPv4 addresses and routes of this
 *                             network namespace, from rtnetlink dumps:
 *                             link=INDEX NAME up|down master=N iflink=N
 *                                  flags=0xIFF_FLAGS
 *                             addr=INDEX LOCAL/PREFIX [peer=ADDRESS]
 *                             route=DST/LEN via GATEWAY dev INDEX
 *                             (not part of "all")
 *   probe open PATH           try to open PATH for reading
 *   probe write PATH          try to open PATH for writing and write a byte
 *   probe read PATH           print how many bytes PATH reads
 *   probe syscall NAME        try a call a container should not make
 *                             (keyctl add_key unshare userns mount
 *                             mount-dir umount pivot_root chroot reboot
 *                             bpf perf_event_open userfaultfd kexec_load
 *                             init_module swapon setns tiocsti tiocsti64
 *                             tioclinux clone3 clone-userns: clone(2)
 *                             with CLONE_NEWUSER)
 *   probe mknod PATH b|c MAJOR MINOR
 *   probe thread              start a thread (pthread_create) and join it
 *   probe spawn               start a child with posix_spawn (this probe
 *                             again: "probe exit 0") and wait for it
 *   probe udp-echo PORT       answer each UDP datagram to 0.0.0.0:PORT with
 *                             "udp:" and what it said (busybox nc has no
 *                             UDP); runs until killed
 *   probe exit N              exit with status N
 *
 * Attempts print "KEY=OK" or "KEY=ENAME" and exit 0 on success, 1 on
 * failure. Facts come from syscalls where one exists (capget, prctl,
 * uname) and from /proc where only /proc knows ("unavailable" without it).
 *
 * mount and mount-dir tell seccomp's wall from the capability's.
 * mount(2) first looks up its target, then checks CAP_SYS_ADMIN; a
 * seccomp filter answers before either. So "mount" (a target that does not
 * exist) says ENOENT without the capability and EPERM only under a filter;
 * "mount-dir" (target "/", which exists) says EPERM for either wall, and
 * EINVAL when both let it through (its flags contradict each other).
 *
 * thread and spawn show what glibc (2.34 and later) does with clone3: it
 * makes threads and posix_spawn children (also system() and popen()) with
 * clone3 and falls back to clone only on ENOSYS; fork uses clone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int
result(const char *key, long rc)
{
    if (rc == -1) {
        const char *name = strerrorname_np(errno);
        printf("%s=%s\n", key, name ? name : "E?");
        return 1;
    }
    printf("%s=OK\n", key);
    return 0;
}

/* Print each line of a /proc file as "key=line". */
static void
print_lines(const char *key, const char *path)
{
    char line[4096];
    FILE *f = fopen(path, "re");

    if (!f) {
        printf("%s=unavailable\n", key);
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        printf("%s=%s\n", key, line);
    }
    fclose(f);
}

static void
facts_id(void)
{
    struct utsname u;

    uname(&u);
    printf("hostname=%s\n", u.nodename);
    printf("pid=%d\nppid=%d\n", getpid(), getppid());
    printf("uid=%u\neuid=%u\ngid=%u\negid=%u\n", getuid(), geteuid(), getgid(),
           getegid());
    print_lines("uid_map", "/proc/self/uid_map");
    print_lines("gid_map", "/proc/self/gid_map");
}

static void
facts_ns(void)
{
    static const char *const types[] = {"uts", "pid",    "mnt",  "ipc",
                                        "net", "cgroup", "user", "time"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        char path[64];
        struct stat st;

        snprintf(path, sizeof(path), "/proc/self/ns/%s", types[i]);
        if (stat(path, &st) == 0)
            printf("ns.%s=%lu\n", types[i], (unsigned long)st.st_ino);
        else
            printf("ns.%s=unavailable\n", types[i]);
    }
}

static void
facts_caps(void)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    unsigned long long bnd = 0;
    int last = 40;
    char buf[16];
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");

    if (f && fgets(buf, sizeof(buf), f))
        last = atoi(buf);
    if (f)
        fclose(f);
    if (syscall(SYS_capget, &hdr, d) == 0) {
#define CAP64(field) ((unsigned long long)d[1].field << 32 | d[0].field)
        printf("cap_eff=%016llx\ncap_prm=%016llx\ncap_inh=%016llx\n",
               CAP64(effective), CAP64(permitted), CAP64(inheritable));
    }
    for (int c = 0; c <= last; c++)
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
            bnd |= 1ULL << c;
    printf("cap_bnd=%016llx\n", bnd);
    printf("no_new_privs=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("seccomp=%d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
}

/* Open file descriptors, found without /proc: F_GETFD on each number. */
static void
facts_fds(void)
{
    printf("fds=");
    for (int fd = 0, first = 1; fd < 1024; fd++) {
        if (fcntl(fd, F_GETFD) == -1)
            continue;
        printf(first ? "%d" : ",%d", fd);
        first = 0;
    }
    printf("\n");
}

/* Mount point, type and options of each mount, from mountinfo. */
static void
facts_mounts(void)
{
    char line[4096], mnt[1024], opts[512], rest[2048];
    FILE *f = fopen("/proc/self/mountinfo", "re");

    if (!f) {
        printf("mount=unavailable\n");
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *sep = strstr(line, " - ");
        if (!sep ||
            sscanf(line, "%*s %*s %*s %*s %1023s %511s", mnt, opts) != 2)
            continue;
        rest[0] = '\0';
        sscanf(sep + 3, "%2047s", rest);
        printf("mount=%s %s %s\n", mnt, rest, opts);
    }
    fclose(f);
}

/* One rtnetlink dump (netlink(7)): a GET request with NLM_F_DUMP, answered
 * by one message per object, then NLMSG_DONE. Independent of src/lib, so
 * that it checks the tools instead of sharing their mistakes. */
static void
dump(int fd, int type, void (*each)(struct nlmsghdr *))
{
    struct {
        struct nlmsghdr h;
        struct rtmsg r; /* the largest family struct asked for here */
    } req = {{NLMSG_LENGTH(sizeof(struct rtmsg)), (unsigned short)type,
              NLM_F_REQUEST | NLM_F_DUMP, (unsigned)type, 0},
             {.rtm_family = AF_INET}};
    static char buf[32768];

    if (send(fd, &req, req.h.nlmsg_len, 0) == -1)
        return;
    for (;;) {
        int len = (int)recv(fd, buf, sizeof(buf), 0);

        if (len <= 0)
            return;
        for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len);
             h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
                return;
            each(h);
        }
    }
}

/* The attributes after a family struct of `fixed` bytes, by type. */
static void
attrs(struct nlmsghdr *h, size_t fixed, struct rtattr **tb, int max)
{
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(fixed);
    struct rtattr *a = (void *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(fixed));

    memset(tb, 0, sizeof(*tb) * (size_t)max);
    for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type < max)
            tb[a->rta_type] = a;
}

static const char *
in4(struct rtattr *a, char *buf)
{
    return a ? inet_ntop(AF_INET, RTA_DATA(a), buf, INET_ADDRSTRLEN) : "-";
}

static unsigned
u32(struct rtattr *a)
{
    return a ? *(unsigned *)RTA_DATA(a) : 0;
}

static void
net_link(struct nlmsghdr *h)
{
    struct ifinfomsg *i = NLMSG_DATA(h);
    struct rtattr *tb[IFLA_MAX + 1];

    attrs(h, sizeof(*i), tb, IFLA_MAX + 1);
    printf("link=%d %s %s master=%u iflink=%u flags=0x%x\n", i->ifi_index,
           tb[IFLA_IFNAME] ? (char *)RTA_DATA(tb[IFLA_IFNAME]) : "?",
           i->ifi_flags & IFF_UP ? "up" : "down", u32(tb[IFLA_MASTER]),
           tb[IFLA_LINK] ? u32(tb[IFLA_LINK]) : (unsigned)i->ifi_index,
           i->ifi_flags);
}

static void
net_addr(struct nlmsghdr *h)
{
    struct ifaddrmsg *a = NLMSG_DATA(h);
    struct rtattr *tb[IFA_MAX + 1];
    char l[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN];

    attrs(h, sizeof(*a), tb, IFA_MAX + 1);
    printf("addr=%u %s/%u", a->ifa_index, in4(tb[IFA_LOCAL], l),
           a->ifa_prefixlen);
    if (strcmp(l, in4(tb[IFA_ADDRESS], p)))
        printf(" peer=%s", p);
    printf("\n");
}

static void
net_route(struct nlmsghdr *h)
{
    struct rtmsg *r = NLMSG_DATA(h);
    struct rtattr *tb[RTA_MAX + 1];
    char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

    attrs(h, sizeof(*r), tb, RTA_MAX + 1);
    if (r->rtm_table != RT_TABLE_MAIN)
        return; /* the local table: the kernel's own */
    printf("route=%s/%u via %s dev %u\n",
           tb[RTA_DST] ? in4(tb[RTA_DST], d) : "0.0.0.0", r->rtm_dst_len,
           in4(tb[RTA_GATEWAY], g), u32(tb[RTA_OIF]));
}

static void
facts_net(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

    if (fd == -1) {
        printf("net=unavailable\n");
        return;
    }
    dump(fd, RTM_GETLINK, net_link);
    dump(fd, RTM_GETADDR, net_addr);
    dump(fd, RTM_GETROUTE, net_route);
    close(fd);
}

static int
try_syscall(const char *name)
{
    long rc;

    /* Each call is made with arguments that are harmless if it is
     * allowed: a missing path, an invalid flag, a bad descriptor. Allowed,
     * it fails with ENOENT/EINVAL/EBADF/EFAULT; blocked, with EPERM. */
    if (!strcmp(name, "keyctl"))
        rc = syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -999, 0);
    else if (!strcmp(name, "add_key"))
        rc = syscall(SYS_add_key, "user", "probe", NULL, 0, -999);
    else if (!strcmp(name, "unshare"))
        rc = unshare(CLONE_NEWNS);
    else if (!strcmp(name, "userns"))
        rc = unshare(CLONE_NEWUSER);
    else if (!strcmp(name, "mount"))
        rc = mount("none", "/nonexistent-probe", "tmpfs", 0, NULL);
    else if (!strcmp(name, "mount-dir"))
        /* Two propagation types at once: EINVAL once past the checks. */
        rc = mount(NULL, "/", NULL, MS_SHARED | MS_PRIVATE, NULL);
    else if (!strcmp(name, "umount"))
        rc = umount2("/nonexistent-probe", 0);
    else if (!strcmp(name, "pivot_root"))
        rc = syscall(SYS_pivot_root, "/nonexistent-probe", "/nonexistent");
    else if (!strcmp(name, "chroot"))
        rc = chroot("/nonexistent-probe");
    else if (!strcmp(name, "reboot"))
        rc = syscall(SYS_reboot, 0, 0, 0, NULL); /* bad magic: EINVAL */
    else if (!strcmp(name, "bpf"))
        rc = syscall(SYS_bpf, -1, NULL, 0);
    else if (!strcmp(name, "perf_event_open"))
        rc = syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
    else if (!strcmp(name, "userfaultfd"))
        rc = syscall(SYS_userfaultfd, -1);
    else if (!strcmp(name, "kexec_load"))
        rc = syscall(SYS_kexec_load, 0, 0, NULL, -1L);
    else if (!strcmp(name, "init_module"))
        rc = syscall(SYS_init_module, NULL, 0, "");
    else if (!strcmp(name, "swapon"))
        rc = syscall(SYS_swapon, "/nonexistent-probe", 0);
    else if (!strcmp(name, "setns"))
        rc = setns(-1, 0);
    else if (!strcmp(name, "tiocsti")) {
        char c = 0;
        rc = ioctl(-1, TIOCSTI, &c); /* a bad fd: EBADF if allowed */
    } else if (!strcmp(name, "tiocsti64")) {
        /* TIOCSTI with high bits set, which the kernel ignores (the
         * command is an int): a filter must compare the low 32 bits. */
        char c = 0;
        rc = syscall(SYS_ioctl, -1, (unsigned long)TIOCSTI | (1UL << 32), &c);
    } else if (!strcmp(name, "tioclinux")) {
        char c = 0;
        rc = ioctl(-1, TIOCLINUX, &c); /* reads the console: EBADF here */
    } else if (!strcmp(name, "clone-userns")) {
        /* A user namespace needs no capability: only a filter on clone's
         * flags refuses it. The child exits at once. */
        rc =
            syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
        if (rc == 0)
            _exit(0);
        if (rc > 0) {
            waitpid((pid_t)rc, NULL, 0);
            rc = 0;
        }
    } else if (!strcmp(name, "clone3")) {
        rc = syscall(SYS_clone3, NULL, 0); /* size 0: EINVAL if allowed */
    } else {
        fprintf(stderr, "probe: unknown syscall '%s'\n", name);
        return 2;
    }
    return result(name, rc);
}

static int
try_write(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd == -1 || write(fd, "1", 1) == -1)
        return result("write", -1);
    close(fd);
    return result("write", 0);
}

static int
try_read(const char *path)
{
    char buf[65536];
    long total = 0;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd == -1)
        return result("read", -1);
    while ((n = read(fd, buf, sizeof(buf))) > 0 && total < (1L << 20))
        total += n;
    close(fd);
    if (n == -1)
        return result("read", -1);
    printf("read=OK\nbytes=%ld\n", total);
    return 0;
}

static int
try_mknod(char **argv)
{
    mode_t type = argv[1][0] == 'b' ? S_IFBLK : S_IFCHR;
    dev_t dev = makedev(atoi(argv[2]), atoi(argv[3]));
    return result("mknod", mknod(argv[0], type | 0600, dev));
}

static void *
thread_main(void *arg)
{
    return arg;
}

/* pthread_create returns its error instead of setting errno. */
static int
try_thread(void)
{
    pthread_t t;
    int err = pthread_create(&t, NULL, thread_main, NULL);

    if (err) {
        errno = err;
        return result("thread", -1);
    }
    pthread_join(t, NULL);
    return result("thread", 0);
}

/* posix_spawn this probe again ("probe exit 0"), or argv0 where there is
 * no /proc; like pthread_create, it returns its error. */
static int
try_spawn(const char *argv0)
{
    extern char **environ;
    char *args[] = {"probe", "exit", "0", NULL};
    const char *self =
        access("/proc/self/exe", X_OK) == 0 ? "/proc/self/exe" : argv0;
    int status, err;
    pid_t pid;

    err = posix_spawn(&pid, self, NULL, NULL, args, environ);
    if (err) {
        errno = err;
        return result("spawn", -1);
    }
    if (waitpid(pid, &status, 0) == -1)
        return result("spawn", -1);
    return result("spawn", 0);
}

static int
udp_echo(const char *port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(port))};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    char buf[2048] = "udp:";

    if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
        return result("udp-echo", -1);
    for (;;) {
        struct sockaddr_in from;
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(fd, buf + 4, sizeof(buf) - 4, 0,
                             (struct sockaddr *)&from, &len);
        if (n >= 0)
            sendto(fd, buf, (size_t)n + 4, 0, (struct sockaddr *)&from, len);
    }
}

int
main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    int all = !strcmp(what, "all");

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 2 && !strcmp(what, "open"))
        return result("open", open(argv[2], O_RDONLY | O_CLOEXEC));
    if (argc > 2 && !strcmp(what, "write"))
        return try_write(argv[2]);
    if (argc > 2 && !strcmp(what, "read"))
        return try_read(argv[2]);
    if (argc > 2 && !strcmp(what, "syscall"))
        return try_syscall(argv[2]);
    if (argc > 5 && !strcmp(what, "mknod"))
        return try_mknod(argv + 2);
    if (!strcmp(what, "thread"))
        return try_thread();
    if (!strcmp(what, "spawn"))
        return try_spawn(argv[0]);
    if (argc > 2 && !strcmp(what, "exit"))
        return atoi(argv[2]);
    if (argc > 2 && !strcmp(what, "udp-echo"))
        return udp_echo(argv[2]);
    if (all || !strcmp(what, "id"))
        facts_id();
    if (all || !strcmp(what, "ns"))
        facts_ns();
    if (all || !strcmp(what, "caps"))
        facts_caps();
    if (all || !strcmp(what, "fds"))
        facts_fds();
    if (all || !strcmp(what, "cgroup"))
        print_lines("cgroup", "/proc/self/cgroup");
    if (all || !strcmp(what, "mounts"))
        facts_mounts();
    if (!strcmp(what, "net"))
        facts_net();
    return 0;
}
