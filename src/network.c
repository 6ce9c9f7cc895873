/*
 * network.c: containers on a bridge, as step 09-network wires its boxes
 * (steps/09-network/netbox.c shows each request in full, with its why).
 *
 * A network is a bridge in the host's network namespace, as Docker's
 * docker0: a switch in software that holds the gateway address. A
 * container on it gets a veth pair, a cable, whose one end is made
 * straight inside the container's namespace as eth0 (IFLA_NET_NS_FD)
 * and whose other end, mctr-ID10 (its name is in the record from
 * `create` on), is plugged into the bridge. eth0 gets the leased address
 * (networks.c) and a default route via the gateway. Containers on one
 * bridge then reach each other with no routing and no NAT: minictr never
 * turns on ip_forward, so a container reaches the host and its neighbours
 * on the bridge, not the outside world (Docker adds forwarding and a
 * masquerade rule for that).
 *
 * Every request goes over rtnetlink, framed by src/lib/nl.c; --trace
 * prints each one beside its ip command.
 *
 * What cleans itself up: a veth pair goes when either end's namespace
 * does, so when the container's last process ends, the kernel unplugs it
 * (a little later: namespaces are torn down in the background). The
 * monitor still deletes the host end when the container ends, so that
 * nothing lingers, and `rm` and the collector do when a monitor was
 * killed. The bridge stays, as docker0 does, until `network rm`.
 *
 * Read: rtnetlink(7), veth(4), network_namespaces(7), ip-link(8),
 *       ip-address(8), ip-route(8).
 */
#include "minictr.h"

#include "inet.h"
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* One request on the stack: the header, the family struct, attributes. */
struct req {
    struct nlmsghdr h;
    union {
        struct ifinfomsg ifi; /* links */
        struct ifaddrmsg ifa; /* addresses */
        struct rtmsg rt; /* routes */
    };
    char attrs[256];
};

static int
talk(int fd, struct nlmsghdr *h, const char *shell)
{
    if (nl_talk(fd, h, shell) == -1)
        return ct_fail_errno("netlink request '%s'", shell);
    return 0;
}

/* ip link del NAME: deleting one end of a veth deletes the pair. */
static int
link_del(int fd, const char *name)
{
    struct req req = {0};
    char shell[64];

    snprintf(shell, sizeof(shell), "ip link del %s", name);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_DELLINK;
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    if (nl_talk(fd, &req.h, shell) == -1 && errno != ENODEV)
        return ct_fail_errno("netlink request '%s'", shell);
    return 0;
}

/* ip link set INDEX [master M] up; with `localnet`, also the bridge's
 * route_localnet (nat.c says why), as IFLA_AF_SPEC { AF_INET {
 * IFLA_INET_CONF { [IPV4_DEVCONF_ROUTE_LOCALNET] = 1 } } }: the
 * per-link IPv4 settings of /proc/sys/net/ipv4/conf/LINK, over netlink. */
static int
link_up(int fd, int index, int master, bool localnet, const char *shell)
{
    struct req req = {0};
    uint32_t m = (uint32_t)master, one = 1;

    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_NEWLINK;
    req.ifi.ifi_index = index;
    req.ifi.ifi_flags = IFF_UP;
    req.ifi.ifi_change = IFF_UP;
    if (master)
        nl_put(&req.h, sizeof(req), IFLA_MASTER, &m, sizeof(m));
    if (localnet) {
        struct rtattr *af = nl_put(&req.h, sizeof(req), IFLA_AF_SPEC, NULL, 0);
        struct rtattr *in = nl_put(&req.h, sizeof(req), AF_INET, NULL, 0);
        struct rtattr *conf =
            nl_put(&req.h, sizeof(req), IFLA_INET_CONF, NULL, 0);
        nl_put(&req.h, sizeof(req), IPV4_DEVCONF_ROUTE_LOCALNET, &one,
               sizeof(one));
        nl_nest_end(&req.h, conf);
        nl_nest_end(&req.h, in);
        nl_nest_end(&req.h, af);
    }
    return talk(fd, &req.h, shell);
}

/* ip addr add ADDR/PREFIX brd + dev INDEX */
static int
addr_add(int fd, int index, uint32_t addr, int prefix, const char *shell)
{
    struct req req = {0};
    uint32_t a = htonl(addr), brd = htonl(addr | ~(~0u << (32 - prefix)));

    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
    req.h.nlmsg_type = RTM_NEWADDR;
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    req.ifa.ifa_family = AF_INET;
    req.ifa.ifa_prefixlen = (unsigned char)prefix;
    req.ifa.ifa_index = (unsigned)index;
    nl_put(&req.h, sizeof(req), IFA_LOCAL, &a, sizeof(a));
    nl_put(&req.h, sizeof(req), IFA_ADDRESS, &a, sizeof(a));
    nl_put(&req.h, sizeof(req), IFA_BROADCAST, &brd, sizeof(brd));
    return talk(fd, &req.h, shell);
}

/* ---- the bridge -------------------------------------------------------- */

/* The bridge's IPv4 address (SIOCGIFADDR), 0 when it has none. */
static uint32_t
bridge_address(const char *name)
{
    struct ifreq ifr = {0};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    uint32_t addr = 0;

    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (fd >= 0 && ioctl(fd, SIOCGIFADDR, &ifr) == 0)
        addr = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
    if (fd >= 0)
        close(fd);
    return addr;
}

/* ip link add BRIDGE type bridge */
static int
bridge_add(int fd, const char *name)
{
    struct req req = {0};
    struct rtattr *info;
    char shell[64];

    snprintf(shell, sizeof(shell), "ip link add %s type bridge", name);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_NEWLINK;
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "bridge", sizeof("bridge"));
    nl_nest_end(&req.h, info);
    if (nl_talk(fd, &req.h, shell) == -1 && errno != EEXIST)
        return ct_fail_errno("netlink request '%s'", shell);
    return 0; /* EEXIST: made by a network create at the same moment */
}

int
net_bridge_up(const struct network *n)
{
    char shell[128], ip[INET_ADDRSTRLEN], why[256];
    uint32_t have = 0;
    int fd, index, rc = -1;

    /* Made already (the common case): one ioctl says it is ours. */
    if (if_nametoindex(n->bridge) && (have = bridge_address(n->bridge))) {
        if (have == n->gateway)
            return 0;
        mc_error_code("subnet_overlap");
        ct_set_hint("another minictr store (MINICTR_ROOT) uses this network "
                    "namespace, or someone gave the bridge another address");
        return ct_fail("the bridge '%s' of network '%s' has the address %s, "
                       "not the gateway %s",
                       n->bridge, n->name, ct_ip_str(have, ip),
                       ct_ip_str(n->gateway, why));
    }
    /* New (or missing after a reboot): the host's routes may have
     * changed since the network was made (a VPN, Docker's docker0). */
    rc = net_route_overlap(n->subnet, n->prefix, n->bridge, why, sizeof(why));
    if (rc != 0) {
        if (rc == 1) {
            mc_error_code("subnet_overlap");
            ct_fail("network '%s' (%s/%d) overlaps %s", n->name,
                    ct_ip_str(n->subnet, ip), n->prefix, why);
        }
        return -1;
    }
    rc = -1;
    fd = nl_open();
    if (fd == -1)
        return ct_fail_errno("socket AF_NETLINK NETLINK_ROUTE");
    if (bridge_add(fd, n->bridge) == -1)
        goto out;
    index = (int)if_nametoindex(n->bridge);
    if (!index) {
        ct_fail_errno("find the bridge '%s'", n->bridge);
        goto out;
    }
    snprintf(shell, sizeof(shell), "ip addr add %s/%d brd + dev %s",
             ct_ip_str(n->gateway, ip), n->prefix, n->bridge);
    if (addr_add(fd, index, n->gateway, n->prefix, shell) == -1)
        goto out;
    snprintf(shell, sizeof(shell),
             "ip link set %s up; sysctl net.ipv4.conf.%s.route_localnet=1",
             n->bridge, n->bridge);
    if (link_up(fd, index, 0, true, shell) == -1 ||
        nat_guard(n->bridge, true) == -1)
        goto out;
    rc = 0;
out:
    if (rc == -1)
        link_del(fd, n->bridge); /* the first error is the one kept */
    close(fd);
    return rc;
}

int
net_bridge_remove(const struct network *n)
{
    int fd = nl_open(), rc;

    if (fd == -1)
        return ct_fail_errno("socket AF_NETLINK NETLINK_ROUTE");
    nat_guard(n->bridge, false);
    rc = link_del(fd, n->bridge);
    close(fd);
    return rc;
}

/* ---- a container ------------------------------------------------------- */

/* ip link add VETH type veth peer name eth0 netns PID: the peer's nest
 * starts with an ifinfomsg of its own, and IFLA_NET_NS_FD puts it straight
 * into the container's namespace. */
static int
veth_add(int fd, const struct container *c, int netns, const char *shell)
{
    struct req req = {0};
    struct ifinfomsg peer = {0};
    struct rtattr *info, *data, *peer_attr;
    uint32_t ns = (uint32_t)netns;

    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
    req.h.nlmsg_type = RTM_NEWLINK;
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, c->net.veth,
           strlen(c->net.veth) + 1);
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "veth", sizeof("veth"));
    data = nl_put(&req.h, sizeof(req), IFLA_INFO_DATA, NULL, 0);
    peer_attr =
        nl_put(&req.h, sizeof(req), VETH_INFO_PEER, &peer, sizeof(peer));
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, "eth0", sizeof("eth0"));
    nl_put(&req.h, sizeof(req), IFLA_NET_NS_FD, &ns, sizeof(ns));
    nl_nest_end(&req.h, peer_attr);
    nl_nest_end(&req.h, data);
    nl_nest_end(&req.h, info);
    return nl_talk(fd, &req.h, shell);
}

/* ip route add default via GATEWAY dev eth0 */
static int
route_default(int fd, int eth0, uint32_t gateway, const char *shell)
{
    struct req req = {0};
    uint32_t gw = htonl(gateway), oif = (uint32_t)eth0;

    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
    req.h.nlmsg_type = RTM_NEWROUTE;
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    req.rt.rtm_family = AF_INET;
    req.rt.rtm_table = RT_TABLE_MAIN;
    req.rt.rtm_protocol = RTPROT_BOOT;
    req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
    req.rt.rtm_type = RTN_UNICAST;
    nl_put(&req.h, sizeof(req), RTA_GATEWAY, &gw, sizeof(gw));
    nl_put(&req.h, sizeof(req), RTA_OIF, &oif, sizeof(oif));
    return talk(fd, &req.h, shell);
}

/* setns(2) into the container's namespace for a netlink socket there
 * (and eth0's index), then back: the socket stays where it was made. */
static int
socket_inside(int netns, int *eth0)
{
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1;
    int err;

    if (self == -1)
        return ct_fail_errno("open '/proc/self/ns/net'");
    ct_trace("nsenter --net=/proc/PID/ns/net", "setns(%d, CLONE_NEWNET)",
             netns);
    if (setns(netns, CLONE_NEWNET) == -1) {
        close(self);
        return ct_fail_errno("setns into the container's network namespace");
    }
    fd = nl_open();
    *eth0 = (int)if_nametoindex("eth0");
    err = errno;
    if (setns(self, CLONE_NEWNET) == -1)
        die_errno("setns back to the monitor's network namespace");
    close(self);
    errno = err;
    if (fd == -1 || !*eth0) {
        if (fd >= 0)
            close(fd);
        return ct_fail_errno("%s in the container",
                             fd == -1 ? "netlink socket" : "find eth0");
    }
    return fd;
}

int
net_plug(struct container *c, int netns)
{
    char shell[160], in[48], ip[INET_ADDRSTRLEN];
    int fd = nl_open(), inside = -1, bridge, eth0 = 0, rc = -1;

    if (fd == -1)
        return ct_fail_errno("socket AF_NETLINK NETLINK_ROUTE");
    bridge = (int)if_nametoindex(c->net.bridge);
    if (!bridge) {
        ct_fail_errno("find the bridge '%s'", c->net.bridge);
        goto out;
    }
    snprintf(shell, sizeof(shell),
             "ip link add %s type veth peer name eth0 netns %d", c->net.veth,
             (int)c->pid);
    /* A restart: the last run's pair may not be gone yet (its namespace
     * is torn down in the background). Delete it, and once more. */
    if (veth_add(fd, c, netns, shell) == -1 &&
        (errno != EEXIST || link_del(fd, c->net.veth) == -1 ||
         veth_add(fd, c, netns, shell) == -1)) {
        ct_fail_errno("netlink request '%s'", shell);
        goto out;
    }
    snprintf(shell, sizeof(shell), "ip link set %s master %s up", c->net.veth,
             c->net.bridge);
    if (link_up(fd, (int)if_nametoindex(c->net.veth), bridge, false, shell) ==
        -1)
        goto out;
    inside = socket_inside(netns, &eth0);
    if (inside == -1)
        goto out;
    snprintf(in, sizeof(in), "nsenter -t %d -n ", (int)c->pid);
    snprintf(shell, sizeof(shell), "%sip addr add %s/%d brd + dev eth0", in,
             ct_ip_str(c->net.ip, ip), c->net.prefix);
    if (addr_add(inside, eth0, c->net.ip, c->net.prefix, shell) == -1)
        goto out;
    snprintf(shell, sizeof(shell), "%sip link set eth0 up", in);
    if (link_up(inside, eth0, 0, false, shell) == -1)
        goto out;
    snprintf(shell, sizeof(shell), "%sip route add default via %s dev eth0", in,
             ct_ip_str(c->net.gateway, ip));
    rc = route_default(inside, eth0, c->net.gateway, shell);
out:
    if (inside >= 0)
        close(inside);
    close(fd);
    return rc;
}

void
net_unplug(const struct container *c)
{
    bool had = *ct_error_message();
    int fd;

    if (!c->net.veth[0] || c->net.mode != NET_BRIDGE ||
        !if_nametoindex(c->net.veth))
        return; /* gone: the usual case after the monitor's clean-up */
    fd = nl_open();
    if (fd >= 0) {
        link_del(fd, c->net.veth);
        close(fd);
    }
    if (!had)
        ct_clear_error(); /* the container has ended: nothing to say */
}

/* ---- the host's routes ------------------------------------------------- */

struct overlap {
    uint32_t subnet;
    int prefix;
    const char *except;
    char *why;
    size_t size;
};

/* One route of the dump: does it cover any of our subnet? */
static int
check_route(const struct nlmsghdr *h, void *arg)
{
    const struct rtmsg *r = NLMSG_DATA(h);
    struct overlap *o = arg;
    struct rtattr *tb[RTA_MAX + 1];
    char dev[IF_NAMESIZE] = "?", ip[INET_ADDRSTRLEN];
    uint32_t dst = 0, mask;
    int p;

    if (h->nlmsg_type != RTM_NEWROUTE || r->rtm_family != AF_INET ||
        r->rtm_dst_len == 0 || r->rtm_table != RT_TABLE_MAIN ||
        r->rtm_type != RTN_UNICAST)
        return 0; /* the default route, local and broadcast ones: not ours */
    nl_parse(h, sizeof(*r), tb, RTA_MAX + 1);
    if (tb[RTA_DST])
        memcpy(&dst, RTA_DATA(tb[RTA_DST]), sizeof(dst));
    dst = ntohl(dst);
    if (tb[RTA_OIF])
        if_indextoname(*(unsigned *)RTA_DATA(tb[RTA_OIF]), dev);
    if (o->except && !strcmp(dev, o->except))
        return 0; /* the network's own bridge */
    p = r->rtm_dst_len < o->prefix ? r->rtm_dst_len : o->prefix;
    mask = ~0u << (32 - p);
    if ((dst & mask) != (o->subnet & mask))
        return 0;
    snprintf(o->why, o->size, "the host's route %s/%u dev %s",
             ct_ip_str(dst, ip), r->rtm_dst_len, dev);
    return 1;
}

int
net_route_overlap(uint32_t subnet, int prefix, const char *except, char *why,
                  size_t size)
{
    struct {
        struct nlmsghdr h;
        struct rtmsg rt;
    } req = {0};
    struct overlap o = {subnet, prefix, except, why, size};
    int fd = nl_open(), rc;

    if (fd == -1)
        return ct_fail_errno("socket AF_NETLINK NETLINK_ROUTE");
    /* ip route show: a dump of every IPv4 route, as Docker checks a new
     * network's subnet against them. */
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
    req.h.nlmsg_type = RTM_GETROUTE;
    req.rt.rtm_family = AF_INET;
    rc = nl_dump(fd, &req.h, check_route, &o, "ip route show");
    if (rc == -1)
        ct_fail_errno("netlink request 'ip route show'");
    close(fd);
    return rc;
}
