/*
 * 09-network: boxes on a bridge that ping each other and talk TCP, and a
 * port of one of them published on the host's 127.0.0.1.
 *
 * Step 02's network namespace is an empty room: one loopback device, down.
 * This step wires rooms together as Docker's bridge network does. A veth
 * pair is a cable: what goes in at one end comes out at the other. One end
 * is made straight inside the box's namespace as eth0; the other is
 * plugged into a bridge, a switch in software, which holds the gateway
 * address. Each box gets an address on a private subnet and a default
 * route via the gateway; boxes on one bridge then reach each other with
 * no routing and no NAT. All of it goes over rtnetlink, the socket `ip`
 * talks through: a request is one message, a header, a family struct and
 * attributes {length, type, value}, some nested. --trace prints each one,
 * decoded, beside the ip command that sends the same.
 *
 * Where the bridge is. Docker makes docker0 and its veths' host ends in
 * the host's own network namespace. netbox first makes the socket of a
 * published port (-p) on the host's 127.0.0.1, then moves itself into a
 * new network namespace, "the host side", and builds the bridge there:
 * the host's links and routes never change, and every link netbox made
 * goes with it, even after kill -9. A socket stays in the namespace it was
 * made in: the published port keeps listening on the real 127.0.0.1, and
 * the proxy behind it makes its socket inside the box's namespace.
 *
 * Where the code is. Framing and sending messages (nl_put, nl_nest_end,
 * nl_talk) is in src/lib/nl.c, CIDR parsing and the proxy's byte relay in
 * src/lib/inet.c: the runner will use them too. Each request body is here,
 * because its bytes are the lesson. The box is step 02's, shortened: new
 * net, uts, pid and mount namespaces, / private, a fresh /proc, chroot.
 *
 * Read: rtnetlink(7), netlink(7), veth(4), network_namespaces(7), setns(2),
 *       ip-link(8), ip-address(8), ip-route(8).
 * Try:  sudo bin/netbox --trace --box 'nc -l -p 80 -e echo hi' \
 *           build/images/busybox sh -c 'ping -c1 10.89.0.2; nc 10.89.0.2 80'
 *       sudo bin/netbox -v -p 8080:80 --box 'httpd -f -p 80 -h /etc' \
 *           build/images/busybox sleep 60 &
 *       wget -qO- 127.0.0.1:8080/passwd; ip link
 * See:  box2 reaches box1 at 10.89.0.2; the host reaches box1's port 80 on
 *       127.0.0.1:8080; and the host's `ip link` shows nothing new.
 */
#include "ct.h"
#include "inet.h"
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/veth.h>

#define DEFAULT_SUBNET "10.89.0.0/24"
#define MAX_BOXES 9 /* the host ends are mctr09-vID-1 ... -9 */
#define MAX_PROXIES 32 /* connections relayed at once */

struct net;

struct box {
    struct net *net;
    int n; /* box N: hostname boxN, address subnet + N + 1 */
    char **argv; /* its command */
    char *sh_c[4]; /* --box CMD: sh -c CMD */
    pid_t pid; /* 0 once reaped */
    int status; /* how it ended, as a shell says it */
    int go[2]; /* we write one byte when its network is ready */
    int netns; /* /proc/PID/ns/net, or -1 */
    int nl; /* a netlink socket made inside that namespace */
    int eth0; /* eth0's index in there */
    char veth[IFNAMSIZ]; /* the host end, once made; "" before */
    uint32_t addr; /* host byte order, as all addresses here */
};

struct net {
    uint32_t subnet, gateway; /* 10.89.0.0 and 10.89.0.1 */
    int prefix; /* 24 */
    char id[8]; /* our pid in base 36: names are ours, and this run's */
    char bridge[IFNAMSIZ];
    bool made_bridge;
    int bridge_index;
    const char *root;
    int host_side; /* our own network namespace, once we moved */
    int nl; /* a netlink socket there */
    int listener; /* 127.0.0.1:host_port in the host's namespace, or -1 */
    int host_port, box_port;
    struct box boxes[MAX_BOXES];
    int nboxes;
    pid_t proxies[MAX_PROXIES];
    int requests; /* netlink requests sent, for -v */
    double nl_ms; /* and the time they took, answers included */
    bool verbose;
    int sfd; /* signals, as reads */
    sigset_t old_mask;
};

/* One request on the stack: the header, the family struct (one of
 * three), and room for the attributes that follow it. */
struct req {
    struct nlmsghdr h;
    union {
        struct ifinfomsg ifi; /* links */
        struct ifaddrmsg ifa; /* addresses */
        struct rtmsg rt; /* routes */
    };
    char attrs[256];
};

static void
usage(void)
{
    printf(
        "usage: netbox [OPTIONS] ROOTFS CMD [ARG...]\n"
        "Run CMD in a box on a bridge (as root): its own network namespace,\n"
        "an eth0 with an address on a private subnet, a default route.\n\n"
        "  --box CMD       start another box first, running 'sh -c CMD'\n"
        "                  (box1, box2, ... in order; CMD's box is last)\n"
        "  --subnet CIDR   default " DEFAULT_SUBNET ": the bridge is .1,\n"
        "                  box1 .2, box2 .3, ... (9 boxes at most)\n"
        "  -p, --publish HOST:BOX  box1's TCP port BOX on 127.0.0.1:HOST\n"
        "  -v, --verbose   say what was made: names, addresses, pids, time\n"
        "  --trace         print each kernel call and its shell command\n"
        "\nExit status: CMD's own (128+N if signal N killed it; 130 or 143\n"
        "when netbox gets SIGINT or SIGTERM); 127 not found, 126 cannot run;\n"
        "1 setup failed (e.g. HOST port in use); 2 usage (e.g. a bad CIDR\n"
        "or port); 3 bad ROOTFS.\n");
}

/* ---- parse and check: before anything is made -------------------------- */

/* "10.89.0.0/24", as docker network create --subnet takes it. */
static void
parse_subnet(struct net *net, const char *s)
{
    char ip[INET_ADDRSTRLEN];

    if (ct_parse_cidr(s, 8, 30, &net->subnet, &net->prefix) == 0) {
        net->gateway = net->subnet + 1;
        return;
    }
    if (errno == EADDRNOTAVAIL)
        die_usage("--subnet '%s' has host bits set: did you mean %s/%d?", s,
                  ct_ip_str(net->subnet, ip), net->prefix);
    die_usage("--subnet '%s' is not an IPv4 CIDR like " DEFAULT_SUBNET
              " (prefix length 8 to 30)",
              s);
}

/* -p HOST:BOX, as docker run -p, for TCP on 127.0.0.1 only. */
static void
parse_publish(struct net *net, const char *s)
{
    char *end = NULL;
    unsigned long host = 0, box = 0;

    if (*s >= '0' && *s <= '9')
        host = strtoul(s, &end, 10);
    if (end && *end == ':' && end[1] >= '0' && end[1] <= '9')
        box = strtoul(end + 1, &end, 10);
    if (!host || !box || *end || host > 65535 || box > 65535)
        die_usage("-p '%s' is not HOST:BOX, two TCP ports from 1 to 65535", s);
    net->host_port = (int)host;
    net->box_port = (int)box;
}

static struct box *
add_box(struct net *net, char **argv)
{
    struct box *b = &net->boxes[net->nboxes];

    if (net->nboxes == MAX_BOXES)
        die_usage("at most %d boxes", MAX_BOXES);
    *b = (struct box){net, ++net->nboxes, .argv = argv, .netns = -1};
    return b;
}

static void
parse_args(struct net *net, int argc, char **argv)
{
    enum { OPT_BOX = 256, OPT_SUBNET, OPT_TRACE, OPT_HELP };
    static const struct option options[] = {
        {"box", required_argument, NULL, OPT_BOX},
        {"subnet", required_argument, NULL, OPT_SUBNET},
        {"publish", required_argument, NULL, 'p'},
        {"verbose", no_argument, NULL, 'v'},
        {"trace", no_argument, NULL, OPT_TRACE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct box *b;
    int opt;

    parse_subnet(net, DEFAULT_SUBNET);
    opterr = 0;
    /* "+": stop at ROOTFS, so that CMD's own flags stay CMD's. */
    while ((opt = getopt_long(argc, argv, "+:p:v", options, NULL)) != -1) {
        switch (opt) {
        case OPT_BOX:
            b = add_box(net, NULL);
            b->argv = b->sh_c;
            b->sh_c[0] = "/bin/sh", b->sh_c[1] = "-c", b->sh_c[2] = optarg;
            break;
        case OPT_SUBNET: parse_subnet(net, optarg); break;
        case 'p': parse_publish(net, optarg); break;
        case 'v': net->verbose = true; break;
        case OPT_TRACE: ct_tracing = true; break;
        case OPT_HELP: usage(); exit(0);
        case ':': die_usage("option '%s' needs a value", argv[optind - 1]);
        default: die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind < 2)
        die_usage("need ROOTFS and CMD");
    net->root = argv[optind];
    add_box(net, argv + optind + 1);
}

static void
check_args(struct net *net)
{
    char proc[PATH_MAX];
    struct stat st;
    /* .0 is the network, .1 the bridge, the last one the broadcast */
    uint64_t room = (1ull << (32 - net->prefix)) - 3;

    if ((uint64_t)net->nboxes > room)
        die_usage("--subnet /%d has room for %llu box%s, not %d", net->prefix,
                  (unsigned long long)room, room == 1 ? "" : "es", net->nboxes);
    if (stat(net->root, &st) == -1)
        die_input_errno("stat ROOTFS '%s'", net->root);
    snprintf(proc, sizeof(proc), "%s/proc", net->root);
    if (!S_ISDIR(st.st_mode) || stat(proc, &st) == -1 || !S_ISDIR(st.st_mode))
        die_input("ROOTFS '%s' is not a directory with a proc/ in it",
                  net->root);
    for (int i = 0; i < net->nboxes; i++)
        net->boxes[i].addr = net->subnet + 2 + (uint32_t)i;
}

/* ---- the host side: a listening socket, then a namespace of our own ---- */

/* signalfd(2): block before the first clone, or a SIGTERM that comes in
 * between kills us with links made and nobody to delete them. From then
 * on a signal is a read in run()'s poll; the boxes restore the old mask.
 * A shell starts background jobs with SIGINT ignored: we want it, so it
 * goes back to the default (which, blocked, means "wait in sfd"). */
static void
block_signals(struct net *net)
{
    static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    sigset_t mask;

    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
        sigaddset(&mask, stops[i]);
        signal(stops[i], SIG_DFL); /* an ignored signal never reaches sfd */
    }
    sigprocmask(SIG_BLOCK, &mask, &net->old_mask);
    net->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (net->sfd == -1)
        die_errno("signalfd");
    signal(SIGPIPE, SIG_IGN); /* a box that died: EPIPE on its go pipe */
}

/* The published port's socket, made first: in the host's namespace (it
 * stays there when we leave), and before anything else exists, so that a
 * port in use fails with nothing to undo. */
static void
listen_on_host(struct net *net)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)net->host_port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char shell[256], ip[INET_ADDRSTRLEN];
    int one = 1;

    net->listener = -1;
    if (!net->host_port)
        return;
    snprintf(shell, sizeof(shell),
             "socat TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork "
             "EXEC:'nsenter -t BOX1 -n socat STDIO TCP:%s:%d'",
             net->host_port, ct_ip_str(net->boxes[0].addr, ip), net->box_port);
    ct_trace(shell, "socket(AF_INET, SOCK_STREAM); bind(127.0.0.1:%d); listen",
             net->host_port);
    net->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (net->listener == -1)
        die_errno("socket for -p");
    /* socket(7): a port whose last connections linger in TIME_WAIT may be
     * bound again at once; a port someone listens on may not. */
    setsockopt(net->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(net->listener, (struct sockaddr *)&sa, sizeof(sa)) == -1)
        die_errno("bind 127.0.0.1:%d for -p", net->host_port);
    if (listen(net->listener, 64) == -1)
        die_errno("listen on 127.0.0.1:%d", net->host_port);
}

/* network_namespaces(7): unshare(CLONE_NEWNET) moves us into a new, empty
 * network namespace, the host side: every link made from here on is in
 * it. Names say whose they are and which run: mctr09-br<id> and
 * mctr09-v<id>-<n>, id our pid in base 36 (5 characters at most); at most
 * 15 characters, since IFNAMSIZ (16) counts the final NUL. */
static void
become_host_side(struct net *net)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char rev[8];
    int n = 0;

    for (unsigned long p = (unsigned long)getpid(); p; p /= 36)
        rev[n++] = digits[p % 36];
    for (int i = 0; i < n; i++)
        net->id[i] = rev[n - 1 - i];
    snprintf(net->bridge, sizeof(net->bridge), "mctr09-br%.5s", net->id);
    ct_trace("unshare --net", "unshare(CLONE_NEWNET)");
    if (unshare(CLONE_NEWNET) == -1)
        die_errno("unshare CLONE_NEWNET (a network namespace for the bridge)");
    net->host_side = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (net->host_side == -1)
        die_errno("open '/proc/self/ns/net'");
    net->nl = nl_open();
    if (net->nl == -1)
        die_errno("socket AF_NETLINK NETLINK_ROUTE");
}

/* Milliseconds since t0 (CLOCK_MONOTONIC), for -v. */
static double
ms_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
        (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Send one request; when the kernel refuses it, say which one. */
static int
talk(struct net *net, int nl, struct nlmsghdr *h, const char *shell)
{
    struct timespec t0;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = nl_talk(nl, h, shell);
    net->nl_ms += ms_since(&t0);
    net->requests++;
    return rc == -1 ? ct_fail_errno("netlink request '%s'", shell) : 0;
}

/* ip-address(8), ip-link(8): give link `index` (called `name` in the
 * namespace of socket nl) the address addr/prefix, then switch it on.
 * `in` says, for the trace, how a shell gets there ("nsenter -t PID -n "). */
static int
address_link(struct net *net, int nl, int index, const char *name,
             uint32_t addr, const char *in)
{
    struct req areq = {0};
    struct req lreq = {0};
    uint32_t a = htonl(addr);
    char add_shell[128], up_shell[128], ip[INET_ADDRSTRLEN];

    snprintf(add_shell, sizeof(add_shell), "%sip addr add %s/%d dev %s", in,
             ct_ip_str(addr, ip), net->prefix, name);
    snprintf(up_shell, sizeof(up_shell), "%sip link set %s up", in, name);
    areq.h.nlmsg_len = NLMSG_LENGTH(sizeof(areq.ifa));
    areq.h.nlmsg_type = RTM_NEWADDR;
    areq.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    lreq.h.nlmsg_len = NLMSG_LENGTH(sizeof(lreq.ifi));
    lreq.h.nlmsg_type = RTM_NEWLINK; /* no NLM_F_CREATE: change a link */
    /* LAB 09.1: the address (ifaddrmsg, IFA_LOCAL, IFA_ADDRESS), then up */
    areq.ifa.ifa_family = AF_INET;
    areq.ifa.ifa_prefixlen = (unsigned char)net->prefix;
    areq.ifa.ifa_index = (unsigned)index;
    /* IFA_LOCAL is this end's own address. IFA_ADDRESS is the other end's
     * on a point-to-point link (ip addr add A peer B); on a broadcast link
     * such as ours it is the same address. The kernel makes the subnet's
     * route (10.89.0.0/24 dev eth0) from IFA_ADDRESS and the prefix. */
    nl_put(&areq.h, sizeof(areq), IFA_LOCAL, &a, sizeof(a));
    nl_put(&areq.h, sizeof(areq), IFA_ADDRESS, &a, sizeof(a));
    if (talk(net, nl, &areq.h, add_shell) == -1)
        return -1;
    lreq.ifi.ifi_index = index;
    lreq.ifi.ifi_flags = IFF_UP;
    lreq.ifi.ifi_change = IFF_UP; /* change this flag, leave the others */
    if (talk(net, nl, &lreq.h, up_shell) == -1)
        return -1;
    /* END LAB */
    return 0;
}

/* ip-link(8) "type bridge": a switch in software. A frame that comes in
 * on one port goes out on the port where its destination was last seen.
 * The bridge holds the gateway address: it is the host side's "NIC" on
 * the boxes' subnet, as docker0 holds 172.17.0.1. */
static int
add_bridge(struct net *net)
{
    struct req req = {0};
    struct rtattr *info;
    char shell[64];

    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_NEWLINK;
    /* CREATE: make the link; EXCL: fail if one of that name exists. */
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, net->bridge,
           strlen(net->bridge) + 1);
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "bridge", sizeof("bridge"));
    nl_nest_end(&req.h, info);
    snprintf(shell, sizeof(shell), "ip link add %s type bridge", net->bridge);
    if (talk(net, net->nl, &req.h, shell) == -1)
        return -1;
    net->made_bridge = true;
    net->bridge_index = (int)if_nametoindex(net->bridge);
    if (!net->bridge_index)
        return ct_fail_errno("find the bridge '%s'", net->bridge);
    return address_link(net, net->nl, net->bridge_index, net->bridge,
                        net->gateway, "");
}

/* ---- a box: step 02's, waiting for its network ------------------------- */

static noreturn void
box_die(struct box *b, const char *what, int status)
{
    ct_fail_errno("box%d: %s", b->n, what);
    ct_report();
    fflush(stdout);
    _exit(status);
}

/* What clone() starts: PID 1 of the box, in its new namespaces. */
static int
box_main(void *arg)
{
    struct box *b = arg;
    char proc[PATH_MAX], name[16], what[PATH_MAX + 16], go;
    int err;

    /* Die with netbox; restore the signals netbox blocked, and SIGPIPE. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
        box_die(b, "prctl PR_SET_PDEATHSIG", 1);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &b->net->old_mask, NULL);
    close(b->go[1]);
    if (read(b->go[0], &go, 1) != 1)
        _exit(1); /* netbox failed or died before our network was ready */
    close(b->go[0]);
    snprintf(proc, sizeof(proc), "%s/proc", b->net->root);
    snprintf(name, sizeof(name), "box%d", b->n);
    ct_trace("mount --make-rprivate /; mount -t proc proc ROOTFS/proc; "
             "chroot ROOTFS; hostname boxN",
             "box%d: mount(MS_REC|MS_PRIVATE), mount(\"proc\"), chroot, "
             "sethostname, execvp(\"%s\")",
             b->n, b->argv[0]);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        box_die(b, "make '/' private", 1);
    snprintf(what, sizeof(what), "mount proc on '%s'", proc);
    if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) ==
        -1)
        box_die(b, what, 1);
    if (chroot(b->net->root) == -1 || chdir("/") == -1)
        box_die(b, "chroot into ROOTFS", 1);
    if (sethostname(name, strlen(name)) == -1)
        box_die(b, "sethostname", 1);
    fflush(stdout);
    execvp(b->argv[0], b->argv);
    err = errno;
    snprintf(what, sizeof(what), "exec '%s'", b->argv[0]);
    errno = err;
    box_die(b, what, err == ENOENT ? 127 : 126);
}

/* clone(2) into new net, uts, pid and mount namespaces; the box waits on
 * its go pipe while we plug it in from outside. */
static int
start_box(struct box *b)
{
    static char stack[256 * 1024] __attribute__((aligned(16)));
    int flags = CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS;
    char path[64];

    if (pipe2(b->go, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2");
    ct_trace("unshare --net --uts --pid --fork --mount",
             "clone(box_main, stack, CLONE_NEWNET|CLONE_NEWUTS|CLONE_NEWPID|"
             "CLONE_NEWNS|SIGCHLD, box%d)",
             b->n);
    fflush(stdout);
    b->pid = clone(box_main, stack + sizeof(stack), flags | SIGCHLD, b);
    if (b->pid == -1) {
        b->pid = 0;
        return ct_fail_errno("clone box%d into new namespaces", b->n);
    }
    close(b->go[0]);
    /* namespaces(7): the open file is a handle on the box's namespace. */
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)b->pid);
    b->netns = open(path, O_RDONLY | O_CLOEXEC);
    if (b->netns == -1)
        return ct_fail_errno("open '%s'", path);
    return 0;
}

/* veth(4): a pair made in one request. Its outer message describes our
 * end; the peer is described inside three nests, and its value starts
 * with an ifinfomsg of its own, as a whole link message's does:
 *
 *   ifinfomsg  IFLA_IFNAME "mctr09-vID-N"
 *              IFLA_LINKINFO { IFLA_INFO_KIND "veth"
 *                              IFLA_INFO_DATA { VETH_INFO_PEER {
 *                                  ifinfomsg  IFLA_IFNAME "eth0"
 *                                             IFLA_NET_NS_FD fd } } }
 *
 * IFLA_NET_NS_FD in the peer makes eth0 straight inside the box's
 * namespace: no name of ours ever clashes with one in there. */
static int
add_veth(struct net *net, struct box *b)
{
    struct req req = {0};
    struct ifinfomsg peer = {0};
    struct rtattr *info, *data, *peer_attr;
    uint32_t netns = (uint32_t)b->netns;
    char name[IFNAMSIZ], shell[128];

    snprintf(name, sizeof(name), "mctr09-v%.5s-%c", net->id, '0' + b->n);
    snprintf(shell, sizeof(shell),
             "ip link add %s type veth peer name eth0 netns %d", name,
             (int)b->pid);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_NEWLINK;
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    /* LAB 09.2: our end's name, then the three nests around the peer */
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "veth", sizeof("veth"));
    data = nl_put(&req.h, sizeof(req), IFLA_INFO_DATA, NULL, 0);
    peer_attr =
        nl_put(&req.h, sizeof(req), VETH_INFO_PEER, &peer, sizeof(peer));
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, "eth0", sizeof("eth0"));
    nl_put(&req.h, sizeof(req), IFLA_NET_NS_FD, &netns, sizeof(netns));
    nl_nest_end(&req.h, peer_attr);
    nl_nest_end(&req.h, data);
    nl_nest_end(&req.h, info);
    /* END LAB */
    if (talk(net, net->nl, &req.h, shell) == -1)
        return -1;
    memcpy(b->veth, name, sizeof(name));
    return 0;
}

/* ip-link(8) "master": plug our end into the bridge (it becomes a bridge
 * port, /sys/class/net/VETH/master) and switch it on. ifi_index 0 and
 * IFLA_IFNAME: the kernel finds the link by its name. */
static int
set_link(struct net *net, int nl, const char *name, int master,
         const char *shell)
{
    struct req req = {0};
    uint32_t m = (uint32_t)master;

    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_NEWLINK;
    req.ifi.ifi_flags = IFF_UP;
    req.ifi.ifi_change = IFF_UP;
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    if (master)
        nl_put(&req.h, sizeof(req), IFLA_MASTER, &m, sizeof(m));
    return talk(net, nl, &req.h, shell);
}

/* setns(2): to change the box's namespace we need a netlink socket made
 * inside it. Step in, make the socket and look up eth0's index there,
 * step back out: the socket stays where it was made. */
static int
enter_box_netns(struct net *net, struct box *b)
{
    char shell[48];
    int err;

    snprintf(shell, sizeof(shell), "nsenter -t %d -n", (int)b->pid);
    ct_trace(shell, "setns(%d, CLONE_NEWNET)", b->netns);
    if (setns(b->netns, CLONE_NEWNET) == -1)
        return ct_fail_errno("setns into box%d's network namespace", b->n);
    b->nl = nl_open();
    b->eth0 = (int)if_nametoindex("eth0");
    err = errno;
    if (setns(net->host_side, CLONE_NEWNET) == -1)
        die_errno("setns back to the host side");
    errno = err;
    if (b->nl == -1)
        return ct_fail_errno("socket AF_NETLINK inside box%d", b->n);
    if (!b->eth0)
        return ct_fail_errno("find eth0 in box%d (is the veth's peer "
                             "made in the box's namespace, named eth0?)",
                             b->n);
    return 0;
}

/* ip-route(8): once eth0 is up with its address, the kernel has made the
 * subnet's route itself (10.89.0.0/24 dev eth0 scope link). Everything
 * else goes to the gateway: 0.0.0.0/0 via 10.89.0.1. */
static int
add_default_route(struct net *net, struct box *b, const char *in)
{
    struct req req = {0};
    uint32_t gw = htonl(net->gateway), oif = (uint32_t)b->eth0;
    char shell[128], ip[INET_ADDRSTRLEN];

    snprintf(shell, sizeof(shell), "%sip route add default via %s dev eth0", in,
             ct_ip_str(net->gateway, ip));
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
    req.h.nlmsg_type = RTM_NEWROUTE;
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    /* LAB 09.3: an rtmsg for 0.0.0.0/0 in table main, gateway, device */
    req.rt.rtm_family = AF_INET;
    req.rt.rtm_dst_len = 0; /* no RTA_DST and length 0: the default */
    req.rt.rtm_table = RT_TABLE_MAIN;
    req.rt.rtm_protocol = RTPROT_BOOT; /* who made it: ip's default */
    req.rt.rtm_scope = RT_SCOPE_UNIVERSE; /* via a gateway: the world */
    req.rt.rtm_type = RTN_UNICAST;
    nl_put(&req.h, sizeof(req), RTA_GATEWAY, &gw, sizeof(gw));
    nl_put(&req.h, sizeof(req), RTA_OIF, &oif, sizeof(oif));
    return talk(net, b->nl, &req.h, shell);
    /* END LAB */
}

/* One box's network, from outside, in the order ip would do it. */
static int
plug_in_box(struct net *net, struct box *b)
{
    char shell[128], in[48];

    if (start_box(b) == -1 || add_veth(net, b) == -1)
        return -1;
    snprintf(shell, sizeof(shell), "ip link set %s master %s up", b->veth,
             net->bridge);
    if (set_link(net, net->nl, b->veth, net->bridge_index, shell) == -1 ||
        enter_box_netns(net, b) == -1)
        return -1;
    snprintf(in, sizeof(in), "nsenter -t %d -n ", (int)b->pid);
    snprintf(shell, sizeof(shell), "%sip link set lo up", in);
    if (set_link(net, b->nl, "lo", 0, shell) == -1 ||
        address_link(net, b->nl, b->eth0, "eth0", b->addr, in) == -1)
        return -1;
    return add_default_route(net, b, in);
}

/* The bridge, then each box plugged in; only when all are ready does any
 * box start its command, so a failure leaves no command run. */
static int
set_up_network(struct net *net)
{
    struct timespec t0;
    char ip[INET_ADDRSTRLEN];
    double ms;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (add_bridge(net) == -1)
        return -1;
    for (int i = 0; i < net->nboxes; i++)
        if (plug_in_box(net, &net->boxes[i]) == -1)
            return -1;
    ms = ms_since(&t0);
    for (int i = 0; net->verbose && i < net->nboxes; i++)
        fprintf(stderr, "netbox: box%d: pid %d, eth0 %s/%d, host end %s\n",
                net->boxes[i].n, (int)net->boxes[i].pid,
                ct_ip_str(net->boxes[i].addr, ip), net->prefix,
                net->boxes[i].veth);
    if (net->verbose)
        fprintf(stderr,
                "netbox: bridge %s %s/%d in netbox's namespace (nsenter -t "
                "%d -n ip link): ready in %.2f ms, %d requests in %.2f ms\n",
                net->bridge, ct_ip_str(net->gateway, ip), net->prefix,
                (int)getpid(), ms, net->requests, net->nl_ms);
    for (int i = 0; i < net->nboxes; i++) {
        struct box *b = &net->boxes[i];
        if (write(b->go[1], "g", 1) != 1 && errno != EPIPE)
            return ct_fail_errno("write to box%d's go pipe", b->n);
        close(b->go[1]);
    }
    return 0;
}

/* ---- the published port: a proxy per connection ------------------------ */

/* setns(2) once more, now for a socket: made inside box1's namespace, it
 * stays there when we step back out, and its connect() reaches box1's
 * port from inside, over the box's own loopback. No route, no NAT. */
static int
connect_in_box(struct net *net, struct box *b)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)net->box_port),
                             .sin_addr.s_addr = htonl(b->addr)};
    int fd;

    /* LAB 09.4: a socket made in the box's namespace, connected to BOX */
    if (setns(b->netns, CLONE_NEWNET) == -1)
        return ct_fail_errno("setns into box%d's network namespace", b->n);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return ct_fail_errno("socket inside box%d", b->n);
    if (setns(net->host_side, CLONE_NEWNET) == -1)
        return ct_fail_errno("setns back to the host side");
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
        return ct_fail_errno("connect to box%d's port %d", b->n, net->box_port);
    return fd;
    /* END LAB */
}

/* A connection on the published port: a child connects it to box1 and
 * relays, so one slow client never holds up netbox or the others. */
static void
proxy_connection(struct net *net)
{
    int client = accept4(net->listener, NULL, NULL, SOCK_CLOEXEC), slot = 0;
    pid_t parent = getpid(), pid;

    if (client == -1)
        return;
    while (slot < MAX_PROXIES && net->proxies[slot])
        slot++;
    if (slot == MAX_PROXIES) {
        warnx_ct("%d connections at once: refusing one", MAX_PROXIES);
        close(client);
        return;
    }
    pid = fork();
    if (pid == 0) {
        int fd;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1); /* netbox is gone already */
        sigprocmask(SIG_SETMASK, &net->old_mask, NULL);
        fd = connect_in_box(net, &net->boxes[0]);
        if (fd == -1) {
            ct_report();
            _exit(1);
        }
        ct_relay(client, fd);
        _exit(0);
    }
    if (pid == -1)
        warnx_ct("fork for a connection on 127.0.0.1:%d failed: %s",
                 net->host_port, ct_errno_name(errno));
    else
        net->proxies[slot] = pid;
    close(client);
}

/* ---- run, then undo ---------------------------------------------------- */

/* waitpid(2) until nothing is left to reap: one SIGCHLD may stand for
 * several children. */
static void
reap(struct net *net)
{
    pid_t pid;
    int st;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        for (int i = 0; i < net->nboxes; i++)
            if (net->boxes[i].pid == pid) {
                net->boxes[i].pid = 0;
                net->boxes[i].status =
                    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
            }
        for (int i = 0; i < MAX_PROXIES; i++)
            if (net->proxies[i] == pid)
                net->proxies[i] = 0;
    }
}

/* One poll over signals and the published port, until the last box (the
 * one running CMD) ends, or SIGINT, SIGTERM or SIGHUP comes. */
static int
run(struct net *net)
{
    struct box *last = &net->boxes[net->nboxes - 1];
    struct signalfd_siginfo si;

    for (;;) {
        struct pollfd p[2] = {{net->sfd, POLLIN, 0},
                              {net->listener, POLLIN, 0}};

        if (poll(p, 2, -1) == -1 && errno != EINTR)
            die_errno("poll");
        if (p[1].revents & POLLIN)
            proxy_connection(net);
        if (!(p[0].revents & POLLIN) ||
            read(net->sfd, &si, sizeof(si)) != sizeof(si))
            continue;
        if (si.ssi_signo != SIGCHLD)
            return 128 + (int)si.ssi_signo;
        reap(net);
        if (!last->pid)
            return last->status;
    }
}

/* ip link del: deleting one end of a veth deletes the pair. */
static void
del_link(struct net *net, const char *name)
{
    struct req req = {0};
    char shell[64];

    snprintf(shell, sizeof(shell), "ip link del %s", name);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_DELLINK;
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    if (nl_talk(net->nl, &req.h, shell) == -1 && errno != ENODEV)
        warnx_ct("ip link del %s failed: %s", name, ct_errno_name(errno));
}

/* Undo on every way out: the boxes and proxies are killed (a box's PID 1
 * ignores SIGTERM), then each veth and the bridge deleted. What kill -9
 * of netbox leaves: nothing either. The boxes and proxies die with it
 * (PR_SET_PDEATHSIG), a namespace dies with its last process and open
 * file, and its links die with it; a veth pair goes when either end's
 * namespace does. Docker's links live in the host's namespace, which
 * never dies: that is why dockerd must clean up after a crash. */
static void
teardown(struct net *net)
{
    for (int i = 0; i < MAX_PROXIES; i++)
        if (net->proxies[i] > 0 && kill(net->proxies[i], SIGKILL) == 0)
            waitpid(net->proxies[i], NULL, 0);
    for (int i = 0; i < net->nboxes; i++)
        if (net->boxes[i].pid > 0 && kill(net->boxes[i].pid, SIGKILL) == 0)
            waitpid(net->boxes[i].pid, NULL, 0);
    for (int i = 0; i < net->nboxes; i++)
        if (net->boxes[i].veth[0])
            del_link(net, net->boxes[i].veth);
    if (net->made_bridge)
        del_link(net, net->bridge);
}

int
main(int argc, char **argv)
{
    struct net net = {0};
    int status;

    ct_prog = "netbox";
    parse_args(&net, argc, argv);
    check_args(&net);
    block_signals(&net);
    listen_on_host(&net);
    become_host_side(&net);
    if (set_up_network(&net) == -1) {
        teardown(&net);
        ct_report();
        return CT_EXIT_FAILURE;
    }
    status = run(&net);
    teardown(&net);
    return status;
}
