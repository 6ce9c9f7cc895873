/*
 * nl.c: frame, send and read rtnetlink messages. See nl.h for the
 * contracts, and steps/09-network/netbox.c for the requests themselves.
 */
#include "ct.h"
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/veth.h>

/* nl_put marks a message that did not fit with this length. */
#define NL_FULL UINT32_MAX

/* Sequence numbers: one counter for every request this process sends. */
static uint32_t last_seq;

int
nl_open(void)
{
    return nl_open_protocol(NETLINK_ROUTE);
}

int
nl_open_protocol(int protocol)
{
    int one = 1;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);

    if (fd == -1)
        return -1;
    /* netlink(7): NETLINK_EXT_ACK adds the kernel's reason in words to an
     * error ("Nexthop has invalid gateway"); NETLINK_CAP_ACK leaves our
     * request out of the error, which we sent and need not read back.
     * Both are only nice to have: kernels before 4.12 lack the first. */
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    return fd;
}

/* rtnetlink(7): after the header and the family struct come attributes,
 * each one {length, type, value}, padded to 4 bytes. Returns the
 * attribute, so that the caller can close it as a nest; NULL (EMSGSIZE)
 * when full. */
struct rtattr *
nl_put(struct nlmsghdr *h, size_t cap, int type, const void *data, size_t len)
{
    size_t at = NLMSG_ALIGN(h->nlmsg_len);
    struct rtattr *a = (struct rtattr *)((char *)h + at);

    if (h->nlmsg_len == NL_FULL || at + RTA_SPACE(len) > cap) {
        h->nlmsg_len = NL_FULL;
        errno = EMSGSIZE;
        return NULL;
    }
    a->rta_type = (unsigned short)type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len > 0)
        memcpy(RTA_DATA(a), data, len);
    h->nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
    return a;
}

void
nl_nest_end(struct nlmsghdr *h, struct rtattr *nest)
{
    if (nest && h->nlmsg_len != NL_FULL)
        nest->rta_len =
            (unsigned short)((char *)h + h->nlmsg_len - (char *)nest);
}

void
nl_parse(const struct nlmsghdr *h, size_t fixed, struct rtattr **tb, int max)
{
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(fixed);
    struct rtattr *a =
        (struct rtattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(fixed));

    memset(tb, 0, sizeof(*tb) * (size_t)max);
    for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type < max)
            tb[a->rta_type] = a;
}

/* ---- --trace: a message, decoded -------------------------------------- */

/* How to print an attribute's value: a string, a number, an IPv4 address,
 * a nest of attributes, or a nest that starts with its own ifinfomsg
 * (veth's peer). The tables list only what minictr sends. */
enum value { V_STR, V_U32, V_IN4, V_NEST, V_LINK_NEST };
struct attr_name {
    unsigned short type;
    const char *name;
    enum value value;
    const struct attr_name *nest;
};

static const struct attr_name link_attrs[];
/* IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { [devconf index] = value } } } */
static const struct attr_name inet_conf_attrs[] = {
    {IPV4_DEVCONF_ROUTE_LOCALNET, "ROUTE_LOCALNET", V_U32, NULL},
    {0, NULL, 0, NULL},
};
static const struct attr_name inet_attrs[] = {
    {IFLA_INET_CONF, "IFLA_INET_CONF", V_NEST, inet_conf_attrs},
    {0, NULL, 0, NULL},
};
static const struct attr_name af_attrs[] = {
    {AF_INET, "AF_INET", V_NEST, inet_attrs},
    {0, NULL, 0, NULL},
};
static const struct attr_name veth_attrs[] = {
    {VETH_INFO_PEER, "VETH_INFO_PEER", V_LINK_NEST, link_attrs},
    {0, NULL, 0, NULL},
};
static const struct attr_name info_attrs[] = {
    {IFLA_INFO_KIND, "IFLA_INFO_KIND", V_STR, NULL},
    {IFLA_INFO_DATA, "IFLA_INFO_DATA", V_NEST, veth_attrs},
    {0, NULL, 0, NULL},
};
static const struct attr_name link_attrs[] = {
    {IFLA_IFNAME, "IFLA_IFNAME", V_STR, NULL},
    {IFLA_MTU, "IFLA_MTU", V_U32, NULL},
    {IFLA_MASTER, "IFLA_MASTER", V_U32, NULL},
    {IFLA_LINKINFO, "IFLA_LINKINFO", V_NEST, info_attrs},
    {IFLA_NET_NS_PID, "IFLA_NET_NS_PID", V_U32, NULL},
    {IFLA_NET_NS_FD, "IFLA_NET_NS_FD", V_U32, NULL},
    {IFLA_AF_SPEC, "IFLA_AF_SPEC", V_NEST, af_attrs},
    {0, NULL, 0, NULL},
};
static const struct attr_name addr_attrs[] = {
    {IFA_ADDRESS, "IFA_ADDRESS", V_IN4, NULL},
    {IFA_LOCAL, "IFA_LOCAL", V_IN4, NULL},
    {IFA_LABEL, "IFA_LABEL", V_STR, NULL},
    {IFA_BROADCAST, "IFA_BROADCAST", V_IN4, NULL},
    {0, NULL, 0, NULL},
};
static const struct attr_name route_attrs[] = {
    {RTA_DST, "RTA_DST", V_IN4, NULL},
    {RTA_OIF, "RTA_OIF", V_U32, NULL},
    {RTA_GATEWAY, "RTA_GATEWAY", V_IN4, NULL},
    {RTA_PREFSRC, "RTA_PREFSRC", V_IN4, NULL},
    {RTA_TABLE, "RTA_TABLE", V_U32, NULL},
    {0, NULL, 0, NULL},
};

/* Append to buf (of size, holding *n bytes) as snprintf would. */
static void add(char *buf, size_t size, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void
add(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
    va_list ap;

    if (*n >= size)
        return;
    va_start(ap, fmt);
    *n += (size_t)vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
}

static void
add_ifinfomsg(char *buf, size_t size, size_t *n, const struct ifinfomsg *i)
{
    add(buf, size, n, "ifinfomsg{index=%d flags=%s change=%s}", i->ifi_index,
        i->ifi_flags & IFF_UP ? "UP" : "0",
        i->ifi_change & IFF_UP ? "UP" : "0");
}

/* Each attribute as NAME[rta_len]=value, nests in braces. */
static void
add_attrs(char *buf, size_t size, size_t *n, const struct rtattr *a, int len,
          const struct attr_name *names)
{
    for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        const struct attr_name *an = names;
        const void *v = RTA_DATA(a);
        int vlen = (int)RTA_PAYLOAD(a);
        char ip[INET_ADDRSTRLEN];

        while (an->name && an->type != a->rta_type)
            an++;
        if (!an->name) {
            add(buf, size, n, " type%u[%u]", a->rta_type, a->rta_len);
            continue;
        }
        add(buf, size, n, " %s[%u]", an->name, a->rta_len);
        if (an->value == V_STR)
            add(buf, size, n, "=\"%.*s\"", (int)strnlen(v, (size_t)vlen),
                (const char *)v);
        else if (an->value == V_U32 && vlen == 4)
            add(buf, size, n, "=%u", *(const uint32_t *)v);
        else if (an->value == V_IN4 && vlen == 4)
            add(buf, size, n, "=%s", inet_ntop(AF_INET, v, ip, sizeof(ip)));
        else if (an->value == V_NEST) {
            add(buf, size, n, "{");
            add_attrs(buf, size, n, v, vlen, an->nest);
            add(buf, size, n, " }");
        } else if (an->value == V_LINK_NEST &&
                   vlen >= (int)sizeof(struct ifinfomsg)) {
            add(buf, size, n, "{");
            add_ifinfomsg(buf, size, n, v);
            add_attrs(
                buf, size, n,
                (const struct rtattr *)((const char *)v +
                                        NLMSG_ALIGN(sizeof(struct ifinfomsg))),
                vlen - (int)NLMSG_ALIGN(sizeof(struct ifinfomsg)), an->nest);
            add(buf, size, n, " }");
        }
    }
}

/* "RTM_NEWLINK len=52 seq=1 flags=REQUEST|ACK|CREATE|EXCL ifinfomsg{...}
 * IFLA_IFNAME[12]="br0" IFLA_LINKINFO[16]{ IFLA_INFO_KIND[11]="bridge" }" */
static void
describe(const struct nlmsghdr *h, char *buf, size_t size)
{
    static const struct {
        int flag;
        const char *name;
    } flags[] = {
        {NLM_F_REQUEST, "REQUEST"}, {NLM_F_ACK, "ACK"},
        {NLM_F_CREATE, "CREATE"},   {NLM_F_EXCL, "EXCL"},
        {NLM_F_REPLACE, "REPLACE"}, {NLM_F_DUMP, "DUMP"},
    };
    static const char *types[] = {
        [RTM_NEWLINK] = "RTM_NEWLINK",   [RTM_DELLINK] = "RTM_DELLINK",
        [RTM_GETLINK] = "RTM_GETLINK",   [RTM_NEWADDR] = "RTM_NEWADDR",
        [RTM_DELADDR] = "RTM_DELADDR",   [RTM_GETADDR] = "RTM_GETADDR",
        [RTM_NEWROUTE] = "RTM_NEWROUTE", [RTM_DELROUTE] = "RTM_DELROUTE",
        [RTM_GETROUTE] = "RTM_GETROUTE",
    };
    const void *body = NLMSG_DATA(h);
    const char *sep = "";
    size_t n = 0, fixed;
    const struct attr_name *names;
    int t = h->nlmsg_type;

    add(buf, size, &n, "%s len=%u seq=%u flags=",
        t < (int)(sizeof(types) / sizeof(types[0])) && types[t] ? types[t]
                                                                : "RTM_?",
        h->nlmsg_len, h->nlmsg_seq);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        /* A GET's bits mean DUMP where a NEW's mean CREATE, EXCL... */
        if ((t & 3) == 2 && i >= 2 && i <= 4)
            continue;
        if ((h->nlmsg_flags & flags[i].flag) == flags[i].flag) {
            add(buf, size, &n, "%s%s", sep, flags[i].name);
            sep = "|";
        }
    }
    add(buf, size, &n, "\n         ");
    if (t >= RTM_NEWLINK && t <= RTM_SETLINK) {
        add_ifinfomsg(buf, size, &n, body);
        fixed = sizeof(struct ifinfomsg), names = link_attrs;
    } else if (t >= RTM_NEWADDR && t <= RTM_GETADDR) {
        const struct ifaddrmsg *a = body;
        add(buf, size, &n, "ifaddrmsg{family=%u prefixlen=%u index=%u}",
            a->ifa_family, a->ifa_prefixlen, a->ifa_index);
        fixed = sizeof(struct ifaddrmsg), names = addr_attrs;
    } else if (t >= RTM_NEWROUTE && t <= RTM_GETROUTE) {
        const struct rtmsg *r = body;
        add(buf, size, &n,
            "rtmsg{family=%u dst_len=%u table=%u protocol=%u scope=%u "
            "type=%u}",
            r->rtm_family, r->rtm_dst_len, r->rtm_table, r->rtm_protocol,
            r->rtm_scope, r->rtm_type);
        fixed = sizeof(struct rtmsg), names = route_attrs;
    } else {
        return;
    }
    add_attrs(buf, size, &n,
              (const struct rtattr *)((const char *)body + NLMSG_ALIGN(fixed)),
              (int)h->nlmsg_len - (int)NLMSG_LENGTH(fixed), names);
}

static void
trace_message(const struct nlmsghdr *h, const char *shell)
{
    char line[2048];

    if (!ct_tracing)
        return;
    describe(h, line, sizeof(line));
    ct_trace(shell, "%s", line);
}

/* ---- talking ---------------------------------------------------------- */

/* An NLMSG_ERROR: 0 is the ACK; -errno a refusal, maybe with the kernel's
 * reason as an NLMSGERR_ATTR_MSG attribute after the nlmsgerr. */
static int
read_ack(const struct nlmsghdr *r)
{
    static char hint[256];
    const struct nlmsgerr *e = NLMSG_DATA(r);

    if (r->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
        errno = EBADMSG;
        return -1;
    }
    if (e->error == 0)
        return 0;
    if ((r->nlmsg_flags & NLM_F_ACK_TLVS) && (r->nlmsg_flags & NLM_F_CAPPED)) {
        struct rtattr *tb[NLMSGERR_ATTR_MAX + 1];

        /* nlmsgerr is followed by TLVs laid out like rtattrs. */
        nl_parse(r, sizeof(*e), tb, NLMSGERR_ATTR_MAX + 1);
        if (tb[NLMSGERR_ATTR_MSG]) {
            snprintf(hint, sizeof(hint), "the kernel says: %s",
                     (const char *)RTA_DATA(tb[NLMSGERR_ATTR_MSG]));
            ct_set_hint(hint);
        }
    }
    errno = -e->error;
    return -1;
}

/* Read answers until the NLMSG_ERROR that answers our seq. */
static int
read_ack_of(int fd, uint32_t seq)
{
    static char buf[8192];

    for (;;) {
        ssize_t got = recv(fd, buf, sizeof(buf), 0);
        int len = (int)got;

        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1)
            return -1;
        for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, len);
             r = NLMSG_NEXT(r, len))
            if (r->nlmsg_seq == seq && r->nlmsg_type == NLMSG_ERROR)
                return read_ack(r);
        /* anything else answers someone else's request: skip it */
    }
}

/* Number the request (with `flags` added), trace it, send it whole. */
static int
send_request(int fd, struct nlmsghdr *h, int flags, const char *shell)
{
    ssize_t n;

    if (h->nlmsg_len == NL_FULL) {
        errno = EMSGSIZE;
        return -1;
    }
    h->nlmsg_flags |= (unsigned short)(NLM_F_REQUEST | flags);
    h->nlmsg_seq = ++last_seq;
    trace_message(h, shell);
    ct_set_hint(NULL);
    do
        n = send(fd, h, h->nlmsg_len, 0);
    while (n == -1 && errno == EINTR);
    if (n != (ssize_t)h->nlmsg_len) {
        if (n >= 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

int
nl_talk(int fd, struct nlmsghdr *h, const char *shell)
{
    if (send_request(fd, h, NLM_F_ACK, shell) == -1)
        return -1;
    return read_ack_of(fd, h->nlmsg_seq);
}

int
nl_dump(int fd, struct nlmsghdr *h,
        int (*each)(const struct nlmsghdr *answer, void *arg), void *arg,
        const char *shell)
{
    static char buf[32768]; /* the kernel sends dumps in pieces this big */
    int rc = 0;

    if (send_request(fd, h, NLM_F_DUMP, shell) == -1)
        return -1;
    for (;;) {
        ssize_t got = recv(fd, buf, sizeof(buf), 0);
        int len = (int)got;

        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1)
            return -1;
        for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, len);
             r = NLMSG_NEXT(r, len)) {
            if (r->nlmsg_seq != h->nlmsg_seq)
                continue;
            if (r->nlmsg_type == NLMSG_DONE)
                return rc;
            if (r->nlmsg_type == NLMSG_ERROR)
                return read_ack(r) == -1 ? -1 : rc;
            if (!rc)
                rc = each(r, arg); /* non-zero: read on, call no more */
        }
    }
}

/* ---- nftables: batches ------------------------------------------------- */

/* "NFT_MSG_NEWRULE len=.. seq=.. flags=... table="t" chain="output"
 * expressions{ payload cmp meta cmp payload cmp immediate immediate nat }":
 * the names of the parts, for --trace. */
static void
describe_nft(const struct nlmsghdr *h, char *buf, size_t size)
{
    static const char *const types[] = {
        [NFT_MSG_NEWTABLE] = "NFT_MSG_NEWTABLE",
        [NFT_MSG_DELTABLE] = "NFT_MSG_DELTABLE",
        [NFT_MSG_NEWCHAIN] = "NFT_MSG_NEWCHAIN",
        [NFT_MSG_NEWRULE] = "NFT_MSG_NEWRULE",
    };
    int t = h->nlmsg_type & 0xff;
    size_t n = 0;
    const struct rtattr *a =
        (const struct rtattr *)((const char *)NLMSG_DATA(h) +
                                NLMSG_ALIGN(sizeof(struct nfgenmsg)));
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(struct nfgenmsg));

    add(buf, size, &n, "%s len=%u seq=%u nfgenmsg{family=%u}",
        t < (int)(sizeof(types) / sizeof(types[0])) && types[t] ? types[t]
                                                                : "NFT_MSG_?",
        h->nlmsg_len, h->nlmsg_seq,
        ((const struct nfgenmsg *)NLMSG_DATA(h))->nfgen_family);
    /* Every message here names its table first (NFTA_*_TABLE or
     * NFTA_TABLE_NAME, both type 1), then a chain (type 2 in a rule, 3 in
     * a chain); a rule's expressions are a list of nests. */
    for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        int type = a->rta_type & NLA_TYPE_MASK;
        const char *v = RTA_DATA(a);

        if (type == 1 || (t == NFT_MSG_NEWRULE && type == NFTA_RULE_CHAIN) ||
            (t == NFT_MSG_NEWCHAIN && type == NFTA_CHAIN_NAME))
            add(buf, size, &n, " %s=\"%.*s\"", type == 1 ? "table" : "chain",
                (int)strnlen(v, RTA_PAYLOAD(a)), v);
        if (t == NFT_MSG_NEWRULE && type == NFTA_RULE_EXPRESSIONS) {
            const struct rtattr *e = RTA_DATA(a);
            int elen = (int)RTA_PAYLOAD(a);

            add(buf, size, &n, "\n         expressions{");
            for (; RTA_OK(e, elen); e = RTA_NEXT(e, elen)) {
                /* NFTA_LIST_ELEM { NFTA_EXPR_NAME "payload", ... } */
                const struct rtattr *name = RTA_DATA(e);
                if (RTA_PAYLOAD(e) >= RTA_LENGTH(1))
                    add(buf, size, &n, " %.*s",
                        (int)strnlen(RTA_DATA(name), RTA_PAYLOAD(name)),
                        (const char *)RTA_DATA(name));
            }
            add(buf, size, &n, " }");
        }
    }
}

int
nl_talk_batch(int fd, struct nlmsghdr **msgs, int n, const char *const *shells)
{
    enum { MAX = 64 };
    struct {
        struct nlmsghdr h;
        struct nfgenmsg g;
    } begin = {0}, end;
    struct iovec iov[MAX + 2];
    struct msghdr mh = {.msg_iov = iov};
    static char buf[8192];
    uint32_t first;
    int answered = 0, err = 0;
    size_t total = 0;
    ssize_t sent;

    if (n > MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    /* nfnetlink(7)'s frame: BEGIN names the subsystem the batch is for. */
    begin.h.nlmsg_len = NLMSG_LENGTH(sizeof(begin.g));
    begin.h.nlmsg_type = NFNL_MSG_BATCH_BEGIN;
    begin.h.nlmsg_flags = NLM_F_REQUEST;
    begin.h.nlmsg_seq = ++last_seq;
    begin.g.res_id = htons(NFNL_SUBSYS_NFTABLES);
    end = begin;
    end.h.nlmsg_type = NFNL_MSG_BATCH_END;
    iov[0] = (struct iovec){&begin, begin.h.nlmsg_len};
    first = last_seq + 1;
    for (int i = 0; i < n; i++) {
        char line[2048];
        if (msgs[i]->nlmsg_len == NL_FULL) {
            errno = EMSGSIZE;
            return -1;
        }
        msgs[i]->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        msgs[i]->nlmsg_seq = ++last_seq;
        if (ct_tracing) {
            describe_nft(msgs[i], line, sizeof(line));
            ct_trace(shells ? shells[i] : NULL, "%s", line);
        }
        iov[i + 1] = (struct iovec){msgs[i], msgs[i]->nlmsg_len};
    }
    end.h.nlmsg_seq = ++last_seq;
    iov[n + 1] = (struct iovec){&end, end.h.nlmsg_len};
    mh.msg_iovlen = (size_t)n + 2;
    for (int i = 0; i < n + 2; i++)
        total += iov[i].iov_len;
    ct_set_hint(NULL);
    /* One sendmsg: the kernel reads the whole batch from one buffer. */
    do
        sent = sendmsg(fd, &mh, 0);
    while (sent == -1 && errno == EINTR);
    if (sent != (ssize_t)total) {
        if (sent >= 0)
            errno = EIO;
        return -1;
    }
    /* The kernel answers every message (our ACKs, its errors) at once,
     * after the whole batch; an error about the frame itself answers
     * BEGIN's or END's number. */
    while (answered < n) {
        ssize_t got = recv(fd, buf, sizeof(buf), err ? MSG_DONTWAIT : 0);
        int len = (int)got;

        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1)
            break;
        for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, len);
             r = NLMSG_NEXT(r, len)) {
            if (r->nlmsg_type != NLMSG_ERROR || r->nlmsg_seq < first - 1 ||
                r->nlmsg_seq > end.h.nlmsg_seq)
                continue;
            if (r->nlmsg_seq >= first && r->nlmsg_seq < end.h.nlmsg_seq)
                answered++;
            else
                answered = n; /* the frame was refused: nothing follows */
            if (read_ack(r) == -1 && !err)
                err = errno;
        }
    }
    if (err) {
        errno = err;
        return -1;
    }
    return answered == n ? 0 : -1;
}
