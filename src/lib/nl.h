/*
 * nl.h: rtnetlink, the socket `ip` talks to the kernel through, in a few
 * small helpers shared by step 09 and the runner.
 *
 * A request is one zeroed struct on the stack: the netlink header, the
 * family struct (ifinfomsg for links, ifaddrmsg for addresses, rtmsg for
 * routes) and room for the attributes that follow it:
 *
 *     struct {
 *         struct nlmsghdr h;
 *         struct ifinfomsg ifi;
 *         char attrs[256];
 *     } req = {0};
 *     struct rtattr *info;
 *
 *     req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
 *     req.h.nlmsg_type = RTM_NEWLINK;
 *     req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
 *     nl_put(&req.h, sizeof(req), IFLA_IFNAME, "br0", 4);
 *     info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
 *     nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "bridge", 7);
 *     nl_nest_end(&req.h, info);
 *     nl_talk(fd, &req.h, "ip link add br0 type bridge");
 *
 * The request bodies themselves live where they are taught
 * (steps/09-network/netbox.c); this file only frames, sends and reads.
 * A dump (NLM_F_DUMP: all links, all addresses, all routes) is read
 * with nl_dump; tests/probe/probe.c has a dump of its own, kept apart so
 * that it checks our code. nftables (NETLINK_NETFILTER) takes its
 * requests in batches: nl_talk_batch.
 *
 * Read: netlink(7), rtnetlink(7); iproute2's lib/libnetlink.c.
 */
#ifndef NL_H
#define NL_H

#include <stddef.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* An rtnetlink socket in the caller's network namespace (a socket stays
 * in the namespace it was made in, wherever its owner goes later), with
 * extended ACKs: the kernel then says in words why it refused a request.
 * Returns the fd (O_CLOEXEC), or -1 with errno set. */
int nl_open(void);

/* The same for another netlink protocol: NETLINK_NETFILTER for nftables. */
int nl_open_protocol(int protocol);

/* Append attribute {length, type, value} to the message h (whose buffer
 * holds cap bytes), padded to 4 bytes. Returns the attribute, so that the
 * caller can close it as a nest with nl_nest_end. When it does not fit:
 * NULL (errno EMSGSIZE), and the message is marked so that nl_talk
 * refuses to send it: callers need not check every nl_put. */
struct rtattr *nl_put(struct nlmsghdr *h, size_t cap, int type,
                      const void *data, size_t len);

/* Close a nest opened by nl_put: its length becomes everything from the
 * nest's start to the end of the message so far. NULL is ignored. */
void nl_nest_end(struct nlmsghdr *h, struct rtattr *nest);

/* Send request h and wait for its answer: adds NLM_F_REQUEST | NLM_F_ACK
 * and a sequence number, so that the kernel always answers with an
 * NLMSG_ERROR (0 = done); replies to other requests are skipped. With
 * --trace, prints the message, decoded, beside `shell` (the ip command
 * that sends the same; may be NULL). Returns 0, or -1 with errno set from
 * the kernel's answer; the kernel's own words, when it gave some, become
 * the hint of the next die_errno/ct_fail_errno. */
int nl_talk(int fd, struct nlmsghdr *h, const char *shell);

/* Ask for a dump: h is a GET request (RTM_GETROUTE with an rtmsg of family
 * AF_INET, say); NLM_F_REQUEST | NLM_F_DUMP are added. The kernel answers
 * with one message per object and ends with NLMSG_DONE, which plays the
 * ACK's part; each(answer, arg) is called for every object and stops the
 * dump early by returning non-zero. Traced like nl_talk. Returns 0 (or
 * what each returned), or -1 with errno set. */
int nl_dump(int fd, struct nlmsghdr *h,
            int (*each)(const struct nlmsghdr *answer, void *arg), void *arg,
            const char *shell);

/* nftables changes are transactions: messages between a BATCH_BEGIN and a
 * BATCH_END, which the kernel applies all together or not at all. Sends
 * msgs[0..n-1] (each built with nl_put on a header and a struct nfgenmsg,
 * nlmsg_type (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_...) in one sendmsg,
 * each with NLM_F_ACK, and reads an answer for each. --trace prints each
 * message beside shells[i], the nft command that does the same (shells
 * may be NULL). Returns 0,
 * or -1 with errno from the first refusal (the whole batch is then
 * undone by the kernel). */
int nl_talk_batch(int fd, struct nlmsghdr **msgs, int n,
                  const char *const *shells);

/* The attributes of a message, after its family struct of `fixed` bytes:
 * fills tb[type] for each type below max (the last one wins), NULL for
 * the others. */
void nl_parse(const struct nlmsghdr *h, size_t fixed, struct rtattr **tb,
              int max);

#endif
