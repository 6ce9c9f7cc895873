/*
 * nat.c: published ports as nftables rules, over netlink: minictr never
 * runs `nft` (--trace prints each message beside the nft command that
 * sends the same).
 *
 * A connection made on the host to 127.0.0.1:8080 becomes one to the
 * container's 172.17.0.2:80 inside the kernel: a rule on the "output"
 * hook rewrites the destination of its first packet (DNAT), conntrack
 * remembers the rewrite, and every later packet, and every answer, is
 * rewritten the same way. No process copies a byte. Measured here
 * (bench/minictr-net.sh): a 1-byte echo round trip through the DNAT rule
 * costs 1.1-1.3 times the direct veth path's, the monitor's proxy
 * (ports.c) about twice: two more sockets, two more wake-ups per round
 * trip. So for connections from the host itself,
 * minictr adds these rules; MINICTR_USERLAND_PROXY=1 leaves them out, and
 * everything goes through the proxy (rootless minictr will have to: it
 * cannot add rules to the host's namespace).
 *
 * Three things make DNAT work from 127.0.0.1, and each is a trap:
 *   - a packet with a loopback source may leave through a real link only
 *     where the link's route_localnet is 1: network.c sets it on our
 *     bridges, and on nothing else;
 *   - the container would answer 127.0.0.1 on its own loopback: a
 *     masquerade rule gives such packets the bridge's address as source;
 *   - route_localnet also lets packets *to* 127.0.0.0/8 come in on the
 *     bridge, so a container could reach the host's 127.0.0.1 services
 *     (the kube-proxy bug, CVE-2020-8558): the network's own table drops
 *     them, before anything else looks at them.
 *
 *   table ip minictr-ID12 {            one per container, owned (below)
 *     chain output { type nat hook output priority -100;
 *       ip daddr 127.0.0.1 tcp dport 8080 dnat to 172.17.0.2:80
 *       fib daddr type local tcp dport 8081 dnat to 172.17.0.2:81 } (0.0.0.0)
 *     chain postrouting { type nat hook postrouting priority 100;
 *       ip saddr 127.0.0.0/8 ip daddr 172.17.0.2 masquerade } }
 *   table ip minictr-net-mctr0 {       one per network, with its bridge
 *     chain prerouting { type filter hook prerouting priority -300;
 *       iifname "mctr0" ip daddr 127.0.0.0/8 drop }
 *     chain forward { ... }  (see nat_guard: no routing between networks) }
 *
 * A container's table is made with NFT_TABLE_F_OWNER (Linux 5.12): it
 * belongs to the netlink socket that made it, which the monitor keeps
 * open, and the kernel deletes it when that socket closes — even when
 * the monitor is killed with kill -9.
 *
 * Rules as bytes: a rule is a list of expressions that run on a few
 * registers. `ip daddr 127.0.0.1` is "payload: load 4 bytes at offset 16
 * of the network header into register 1" then "cmp: register 1 equals
 * 7f000001"; `dnat to A:P` is two "immediate" loads and a "nat". Every
 * number is big-endian (network order). nft --debug=netlink prints the
 * same lists for the rules it sends.
 *
 * Read: nft(8), the nftables wiki's "Netlink" pages, nf_tables.h,
 *       Documentation/networking/ip-sysctl.rst (route_localnet).
 */
#include "minictr.h"

#include "inet.h"
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_ipv4.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_MSGS (3 + 2 * MC_MAX_PORTS)

/* One nftables message: header, nfgenmsg (the family: ip), attributes. */
struct msg {
    struct nlmsghdr h;
    struct nfgenmsg g;
    char attrs[1024];
};

/* A batch being built, with the nft command of each message. */
struct batch {
    struct msg msgs[MAX_MSGS];
    char shells[MAX_MSGS][256];
    int n;
    char table[64];
};

static struct msg *add_msg(struct batch *b, int type, int flags,
                           const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static struct msg *
add_msg(struct batch *b, int type, int flags, const char *fmt, ...)
{
    struct msg *m = &b->msgs[b->n];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b->shells[b->n++], sizeof(b->shells[0]), fmt, ap);
    va_end(ap);
    memset(m, 0, sizeof(*m));
    m->h.nlmsg_len = NLMSG_LENGTH(sizeof(m->g));
    m->h.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | type;
    m->h.nlmsg_flags = (unsigned short)flags;
    m->g.nfgen_family = NFPROTO_IPV4;
    m->g.version = NFNETLINK_V0;
    return m;
}

static struct rtattr *
put(struct msg *m, int type, const void *data, size_t len)
{
    return nl_put(&m->h, sizeof(*m), type, data, len);
}

static void
put_str(struct msg *m, int type, const char *s)
{
    put(m, type, s, strlen(s) + 1);
}

static void
put_be32(struct msg *m, int type, uint32_t v)
{
    v = htonl(v);
    put(m, type, &v, sizeof(v));
}

static struct rtattr *
nest(struct msg *m, int type)
{
    return put(m, type | NLA_F_NESTED, NULL, 0);
}

static void
end(struct msg *m, struct rtattr *a)
{
    nl_nest_end(&m->h, a);
}

/* Send the batch on fd; the error names the first command refused. */
static int
send_batch(int fd, struct batch *b)
{
    struct nlmsghdr *hs[MAX_MSGS];
    const char *shells[MAX_MSGS];

    for (int i = 0; i < b->n; i++) {
        hs[i] = &b->msgs[i].h;
        shells[i] = b->shells[i];
    }
    if (nl_talk_batch(fd, hs, b->n, shells) == -1)
        return ct_fail_errno("netlink request '%s'%s", b->shells[0],
                             b->n > 1 ? " and the rest of its batch" : "");
    return 0;
}

/* ---- tables, chains ---------------------------------------------------- */

static void
add_table(struct batch *b, uint32_t flags)
{
    struct msg *m = add_msg(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL,
                            "nft add table ip %s%s", b->table,
                            flags ? " '{ flags owner; }'" : "");

    put_str(m, NFTA_TABLE_NAME, b->table);
    if (flags)
        put_be32(m, NFTA_TABLE_FLAGS, flags);
}

/* A base chain: one that a netfilter hook calls. */
static void
add_chain(struct batch *b, const char *name, const char *type, int hook,
          int priority)
{
    struct msg *m = add_msg(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE,
                            "nft add chain ip %s %s '{ type %s hook %s "
                            "priority %d; }'",
                            b->table, name, type, name, priority);
    struct rtattr *h;

    put_str(m, NFTA_CHAIN_TABLE, b->table);
    put_str(m, NFTA_CHAIN_NAME, name);
    h = nest(m, NFTA_CHAIN_HOOK);
    put_be32(m, NFTA_HOOK_HOOKNUM, (uint32_t)hook);
    put_be32(m, NFTA_HOOK_PRIORITY, (uint32_t)priority);
    end(m, h);
    put_str(m, NFTA_CHAIN_TYPE, type);
}

/* ---- rules: lists of expressions --------------------------------------- */

/* A rule for chain; its expressions go between rule_begin and rule_end. */
struct rule {
    struct msg *m;
    struct rtattr *list;
};

static struct rule
rule_begin(struct batch *b, const char *chain, const char *shell)
{
    struct rule r;

    r.m = add_msg(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
                  "nft add rule ip %s %s %s", b->table, chain, shell);
    put_str(r.m, NFTA_RULE_TABLE, b->table);
    put_str(r.m, NFTA_RULE_CHAIN, chain);
    r.list = nest(r.m, NFTA_RULE_EXPRESSIONS);
    return r;
}

static void
rule_end(struct rule r)
{
    end(r.m, r.list);
}

/* NFTA_LIST_ELEM { NFTA_EXPR_NAME "cmp", NFTA_EXPR_DATA { ... } }: open
 * an expression; *data is its data nest, closed by expr_end. */
static struct rtattr *
expr(struct rule r, const char *name, struct rtattr **data)
{
    struct rtattr *elem = nest(r.m, NFTA_LIST_ELEM);

    put_str(r.m, NFTA_EXPR_NAME, name);
    *data = nest(r.m, NFTA_EXPR_DATA);
    return elem;
}

static void
expr_end(struct rule r, struct rtattr *elem, struct rtattr *data)
{
    end(r.m, data);
    end(r.m, elem);
}

/* payload load LEN bytes @ BASE header + OFFSET => register 1 */
static void
load_payload(struct rule r, uint32_t base, uint32_t offset, uint32_t len)
{
    struct rtattr *d, *e = expr(r, "payload", &d);

    put_be32(r.m, NFTA_PAYLOAD_DREG, NFT_REG_1);
    put_be32(r.m, NFTA_PAYLOAD_BASE, base);
    put_be32(r.m, NFTA_PAYLOAD_OFFSET, offset);
    put_be32(r.m, NFTA_PAYLOAD_LEN, len);
    expr_end(r, e, d);
}

/* meta load KEY => register 1 (l4proto, iifname) */
static void
load_meta(struct rule r, uint32_t key)
{
    struct rtattr *d, *e = expr(r, "meta", &d);

    put_be32(r.m, NFTA_META_DREG, NFT_REG_1);
    put_be32(r.m, NFTA_META_KEY, key);
    expr_end(r, e, d);
}

/* fib daddr type => register 1: the kind of the destination address as
 * the routing table sees it (RTN_LOCAL: one of this host's). */
static void
load_fib_daddr_type(struct rule r)
{
    struct rtattr *d, *e = expr(r, "fib", &d);

    put_be32(r.m, NFTA_FIB_DREG, NFT_REG_1);
    put_be32(r.m, NFTA_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
    put_be32(r.m, NFTA_FIB_FLAGS, NFTA_FIB_F_DADDR);
    expr_end(r, e, d);
}

/* cmp eq (or neq) register 1 VALUE: the rule goes on only if true. */
static void
cmp(struct rule r, uint32_t op, const void *value, size_t len)
{
    struct rtattr *v, *d, *e = expr(r, "cmp", &d);

    put_be32(r.m, NFTA_CMP_SREG, NFT_REG_1);
    put_be32(r.m, NFTA_CMP_OP, op);
    v = nest(r.m, NFTA_CMP_DATA);
    put(r.m, NFTA_DATA_VALUE, value, len);
    end(r.m, v);
    expr_end(r, e, d);
}

static void
cmp_eq(struct rule r, const void *value, size_t len)
{
    cmp(r, NFT_CMP_EQ, value, len);
}

/* immediate register REG = VALUE */
static void
immediate(struct rule r, uint32_t reg, const void *value, size_t len)
{
    struct rtattr *v, *d, *e = expr(r, "immediate", &d);

    put_be32(r.m, NFTA_IMMEDIATE_DREG, reg);
    v = nest(r.m, NFTA_IMMEDIATE_DATA);
    put(r.m, NFTA_DATA_VALUE, value, len);
    end(r.m, v);
    expr_end(r, e, d);
}

/* ip daddr ADDR (or, for 0.0.0.0, fib daddr type local) PROTO dport PORT */
static void
match_port(struct rule r, const struct port_spec *p)
{
    uint32_t daddr = htonl(p->host_ip), local = RTN_LOCAL;
    uint16_t port = htons(p->host_port);
    uint8_t proto = p->proto;

    if (p->host_ip) {
        load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
        cmp_eq(r, &daddr, sizeof(daddr));
    } else {
        load_fib_daddr_type(r);
        cmp_eq(r, &local, sizeof(local)); /* a host-order number */
    }
    load_meta(r, NFT_META_L4PROTO);
    cmp_eq(r, &proto, sizeof(proto));
    load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2); /* dport */
    cmp_eq(r, &port, sizeof(port));
}

/* ... dnat to IP:PORT: the address into register 1, the port into
 * register 2, and nat reads them. */
static void
dnat_rule(struct batch *b, const struct port_spec *p, uint32_t ctr_ip)
{
    char shell[160], hip[INET_ADDRSTRLEN], cip[INET_ADDRSTRLEN];
    const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
    uint32_t addr = htonl(ctr_ip);
    uint16_t port = htons(p->ctr_port);
    struct rtattr *d, *e;
    struct rule r;

    if (p->host_ip)
        snprintf(shell, sizeof(shell), "ip daddr %s %s dport %u dnat to %s:%u",
                 ct_ip_str(p->host_ip, hip), proto, p->host_port,
                 ct_ip_str(ctr_ip, cip), p->ctr_port);
    else
        snprintf(shell, sizeof(shell),
                 "fib daddr type local %s dport %u dnat to %s:%u", proto,
                 p->host_port, ct_ip_str(ctr_ip, cip), p->ctr_port);
    r = rule_begin(b, "output", shell);
    match_port(r, p);
    immediate(r, NFT_REG_1, &addr, sizeof(addr));
    immediate(r, NFT_REG_2, &port, sizeof(port));
    e = expr(r, "nat", &d);
    put_be32(r.m, NFTA_NAT_TYPE, NFT_NAT_DNAT);
    put_be32(r.m, NFTA_NAT_FAMILY, NFPROTO_IPV4);
    put_be32(r.m, NFTA_NAT_REG_ADDR_MIN, NFT_REG_1);
    put_be32(r.m, NFTA_NAT_REG_PROTO_MIN, NFT_REG_2);
    put_be32(r.m, NFTA_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
    expr_end(r, e, d);
    rule_end(r);
}

/* ip saddr 127.0.0.0/8 ip daddr CTR masquerade: a /8 is its first byte. */
static void
masquerade_rule(struct batch *b, uint32_t ctr_ip)
{
    char shell[128], ip[INET_ADDRSTRLEN];
    uint8_t loopback = 127;
    uint32_t addr = htonl(ctr_ip);
    struct rtattr *d, *e;
    struct rule r;

    snprintf(shell, sizeof(shell),
             "ip saddr 127.0.0.0/8 ip daddr %s masquerade",
             ct_ip_str(ctr_ip, ip));
    r = rule_begin(b, "postrouting", shell);
    load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 1);
    cmp_eq(r, &loopback, sizeof(loopback));
    load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
    cmp_eq(r, &addr, sizeof(addr));
    e = expr(r, "masq", &d);
    expr_end(r, e, d);
    rule_end(r);
}

/* ---- a container's table ----------------------------------------------- */

static void
table_name(const struct container *c, char *buf, size_t size)
{
    snprintf(buf, size, "minictr-%.12s", c->id);
}

static void
build_table(struct batch *b, const struct container *c, uint32_t flags)
{
    b->n = 0;
    add_table(b, flags);
    add_chain(b, "output", "nat", NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST);
    add_chain(b, "postrouting", "nat", NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC);
    for (int i = 0; i < c->net.nports; i++)
        dnat_rule(b, &c->net.ports[i], c->net.ip);
    masquerade_rule(b, c->net.ip);
}

int
nat_publish(const struct container *c)
{
    static struct batch b;
    int fd = nl_open_protocol(NETLINK_NETFILTER);

    if (fd == -1)
        return ct_fail_errno("socket AF_NETLINK NETLINK_NETFILTER");
    table_name(c, b.table, sizeof(b.table));
    build_table(&b, c, NFT_TABLE_F_OWNER);
    if (send_batch(fd, &b) == 0)
        return fd;
    /* Before Linux 5.12 there is no owner flag: a table of our own all
     * the same, deleted by the monitor, or by rm after a kill -9. */
    if (ct_error_errno() == EOPNOTSUPP) {
        ct_clear_error();
        build_table(&b, c, 0);
        if (send_batch(fd, &b) == 0)
            return fd;
    }
    close(fd);
    return -1;
}

static void
delete_table(int fd, const char *table)
{
    static struct batch b;
    struct msg *m;
    bool had = *ct_error_message();

    snprintf(b.table, sizeof(b.table), "%s", table);
    b.n = 0;
    m = add_msg(&b, NFT_MSG_DELTABLE, 0, "nft delete table ip %s", table);
    put_str(m, NFTA_TABLE_NAME, table);
    if (send_batch(fd, &b) == -1 && !had && ct_error_errno() == ENOENT)
        ct_clear_error(); /* gone already: what we wanted */
}

void
nat_unpublish(const struct container *c, int fd)
{
    char table[64];
    bool had = *ct_error_message();
    int own = -1;

    if (c->net.mode != NET_BRIDGE || !c->net.nports || c->net.userland_proxy)
        return;
    if (fd < 0)
        fd = own = nl_open_protocol(NETLINK_NETFILTER);
    if (fd >= 0) {
        table_name(c, table, sizeof(table));
        delete_table(fd, table);
    }
    if (own >= 0)
        close(own);
    if (!had)
        ct_clear_error(); /* the container has ended: nothing to say */
}

/* ---- a network's guard ------------------------------------------------- */

/* immediate verdict register = drop: the packet is dropped, no other rule
 * (of ours or anyone's) sees it. */
static void
drop(struct rule r)
{
    struct rtattr *d, *e = expr(r, "immediate", &d), *v, *c;

    put_be32(r.m, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
    v = nest(r.m, NFTA_IMMEDIATE_DATA);
    c = nest(r.m, NFTA_DATA_VERDICT);
    put_be32(r.m, NFTA_VERDICT_CODE, NF_DROP);
    end(r.m, c);
    end(r.m, v);
    expr_end(r, e, d);
}

/* iifname (or oifname) KEY1 is BRIDGE and KEY2 is not: forwarded between
 * the bridge and another link. Names are compared as all 16 bytes. */
static void
forward_rule(struct batch *b, const char *bridge, uint32_t key1, uint32_t key2)
{
    char name[IFNAMSIZ] = {0}, shell[96];
    const char *k1 = key1 == NFT_META_IIFNAME ? "iifname" : "oifname";
    const char *k2 = key2 == NFT_META_IIFNAME ? "iifname" : "oifname";
    struct rule r;

    snprintf(name, sizeof(name), "%s", bridge);
    snprintf(shell, sizeof(shell), "%s \"%s\" %s != \"%s\" drop", k1, bridge,
             k2, bridge);
    r = rule_begin(b, "forward", shell);
    load_meta(r, key1);
    cmp_eq(r, name, sizeof(name));
    load_meta(r, key2);
    cmp(r, NFT_CMP_NEQ, name, sizeof(name));
    drop(r);
    rule_end(r);
}

/* The network's table: what makes a bridge of ours safe to have.
 *   route_localnet lets packets to 127.0.0.0/8 in from the bridge (see
 *   the top of this file): drop them, first thing (priority raw).
 *   A host with ip_forward=1 (Docker's sets it) would route between our
 *   bridges, and between a bridge and the world: a container would reach
 *   the containers of another network. Drop what is forwarded into or
 *   out of the bridge, as Docker's isolation chains do; what stays on the
 *   bridge (container to container) is switched, not forwarded.
 *
 *   table ip minictr-net-mctr0 {
 *     chain prerouting { type filter hook prerouting priority -300;
 *       iifname "mctr0" ip daddr 127.0.0.0/8 drop }
 *     chain forward { type filter hook forward priority 0;
 *       iifname "mctr0" oifname != "mctr0" drop
 *       oifname "mctr0" iifname != "mctr0" drop } } */
int
nat_guard(const char *bridge, bool add)
{
    static struct batch b;
    char name[IFNAMSIZ] = {0}, shell[96];
    uint8_t loopback = 127;
    struct rule r;
    int fd = nl_open_protocol(NETLINK_NETFILTER), rc = 0;

    if (fd == -1)
        return ct_fail_errno("socket AF_NETLINK NETLINK_NETFILTER");
    snprintf(b.table, sizeof(b.table), "minictr-net-%s", bridge);
    if (!add) {
        delete_table(fd, b.table);
        close(fd);
        return 0;
    }
    b.n = 0;
    add_table(&b, 0);
    add_chain(&b, "prerouting", "filter", NF_INET_PRE_ROUTING, NF_IP_PRI_RAW);
    add_chain(&b, "forward", "filter", NF_INET_FORWARD, NF_IP_PRI_FILTER);
    snprintf(name, sizeof(name), "%s", bridge);
    snprintf(shell, sizeof(shell), "iifname \"%s\" ip daddr 127.0.0.0/8 drop",
             bridge);
    r = rule_begin(&b, "prerouting", shell);
    load_meta(r, NFT_META_IIFNAME);
    cmp_eq(r, name, sizeof(name));
    load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 1);
    cmp_eq(r, &loopback, sizeof(loopback));
    drop(r);
    rule_end(r);
    forward_rule(&b, bridge, NFT_META_IIFNAME, NFT_META_OIFNAME);
    forward_rule(&b, bridge, NFT_META_OIFNAME, NFT_META_IIFNAME);
    if (send_batch(fd, &b) == -1) {
        if (ct_error_errno() == EEXIST)
            ct_clear_error(); /* made by someone at the same moment */
        else
            rc = -1;
    }
    close(fd);
    return rc;
}
