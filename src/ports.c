/*
 * ports.c: published ports, -p [IP:][HOST:]CTR[/tcp|/udp], as Docker's.
 *
 * A published port is two things (see nat.c for the measurements):
 *
 *   a socket of the monitor's, bound on HOST (IP: 0.0.0.0 unless given),
 *       made before the container: a port in use fails the start with
 *       nothing made, and while the container runs no other program can
 *       take the port. It listens, and it is a proxy: each connection
 *       that reaches it is relayed to the container's CTR by the monitor,
 *       in its one poll loop, through a socket the monitor makes inside
 *       the container's network namespace (setns(2): it then connects to
 *       the container over the container's own loopback, no route and no
 *       NAT needed). That is Docker's docker-proxy, without the process.
 *   a DNAT rule (nat.c), unless MINICTR_USERLAND_PROXY=1: connections
 *       made on the host itself (to 127.0.0.1:HOST, or any address of the
 *       host) are rewritten by the kernel to go straight to the container,
 *       so they never reach the proxy and cost no copy through the
 *       monitor. What comes from other machines still reaches the proxy:
 *       DNAT for them would need forwarding (ip_forward=1), which minictr
 *       never turns on.
 *
 * UDP has no connections: the proxy keeps a flow per client address (a
 * socket inside the container, connected to CTR), and forgets it after
 * 90 s without a datagram (Docker's timeout), a deadline in the poll.
 *
 * The sockets live and die with the monitor: kill -9 leaves no listener.
 *
 * Read: socket(7), tcp(7), udp(7), setns(2), shutdown(2).
 */
#include "minictr.h"

#include "inet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNS 64 /* TCP connections relayed at once */
#define MAX_FLOWS 64 /* UDP clients at once */
#define FLOW_IDLE_MS (90 * 1000)
#define BUF 16384

/* ---- parse and print --------------------------------------------------- */

/* A port number, 1 to 65535, filling the string. */
static int
parse_port(const char *s, uint16_t *port)
{
    uint64_t v;

    if (ct_parse_u64(s, &v) == -1 || v < 1 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

int
ports_parse(const char *s, struct port_spec *p)
{
    char buf[128], *parts[3], *proto, *colon;
    struct in_addr in;
    int n = 1;

    memset(p, 0, sizeof(*p));
    p->proto = IPPROTO_TCP;
    if (strlen(s) >= sizeof(buf) || !*s)
        goto bad;
    strcpy(buf, s);
    proto = strchr(buf, '/');
    if (proto) {
        *proto++ = '\0';
        if (!strcmp(proto, "udp"))
            p->proto = IPPROTO_UDP;
        else if (strcmp(proto, "tcp") != 0)
            return mc_usage_error("bad -p '%s': the protocol is tcp or udp", s);
    }
    /* IP:HOST:CTR, HOST:CTR or CTR, from the right. */
    parts[0] = buf;
    while (n < 3 && (colon = strchr(parts[n - 1], ':'))) {
        *colon = '\0';
        parts[n++] = colon + 1;
    }
    if (strchr(parts[n - 1], ':') || buf[0] == '[')
        return mc_usage_error("bad -p '%s': IPv6 addresses are not "
                              "supported (minictr's networks are IPv4)",
                              s);
    if (strchr(s, '-'))
        return mc_usage_error("bad -p '%s': port ranges are not supported: "
                              "give one -p per port",
                              s);
    if (parse_port(parts[n - 1], &p->ctr_port) == -1)
        return mc_usage_error("bad -p '%s': the container port '%s' is not "
                              "a port number from 1 to 65535",
                              s, parts[n - 1]);
    if (n >= 2 && *parts[n - 2] && parse_port(parts[n - 2], &p->host_port))
        return mc_usage_error("bad -p '%s': the host port '%s' is not a "
                              "port number from 1 to 65535",
                              s, parts[n - 2]);
    if (n == 3) {
        if (inet_pton(AF_INET, parts[0], &in) != 1)
            return mc_usage_error("bad -p '%s': '%s' is not an IPv4 address", s,
                                  parts[0]);
        p->host_ip = ntohl(in.s_addr);
    }
    return 0;
bad:
    return mc_usage_error("bad -p '%s': give [IP:][HOST:]CTR[/tcp|/udp], "
                          "such as 8080:80 or 127.0.0.1:8080:80",
                          s);
}

void
ports_format(const struct container *c, char *buf, size_t size)
{
    size_t len = 0;
    char ip[INET_ADDRSTRLEN];

    buf[0] = '\0';
    for (int i = 0; i < c->net.nports && len < size; i++) {
        const struct port_spec *p = &c->net.ports[i];
        len += (size_t)snprintf(buf + len, size - len, "%s%s:%u->%u/%s",
                                i ? ", " : "", ct_ip_str(p->host_ip, ip),
                                p->host_port, p->ctr_port,
                                p->proto == IPPROTO_UDP ? "udp" : "tcp");
    }
}

/* ---- the sockets ------------------------------------------------------- */

/* A TCP connection being relayed: dir 0 carries the client's bytes to
 * the container, dir 1 the answers back. */
struct conn {
    int fd[2]; /* [0]: the client, [1]: ours inside the container */
    bool connecting; /* fd[1]'s connect has not finished */
    char buf[2][BUF];
    size_t len[2];
    bool eof[2]; /* the sender of dir d has sent everything */
    bool shut[2]; /* and we passed that on (shutdown SHUT_WR) */
};

/* A UDP client: its datagrams go out on fd, answers back to `from`. */
struct flow {
    int fd;
    int port; /* which published port */
    struct sockaddr_in from;
    int64_t last_ms;
};

struct ports {
    int fd[MC_MAX_PORTS]; /* bound on each host port */
    struct port_spec spec[MC_MAX_PORTS];
    int n;
    int self_netns; /* the monitor's own network namespace */
    struct conn *conns[MAX_CONNS];
    int nconns;
    struct flow flows[MAX_FLOWS];
    int nflows;
};

struct ports *
ports_open(struct container *c)
{
    struct ports *ps = calloc(1, sizeof(*ps));
    char ip[INET_ADDRSTRLEN];
    int one = 1;

    if (!ps) {
        ct_fail_errno("calloc");
        return NULL;
    }
    ps->self_netns = -1;
    for (int i = 0; i < c->net.nports; i++) {
        struct port_spec *p = &c->net.ports[i];
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons(p->host_port),
                                 .sin_addr.s_addr = htonl(p->host_ip)};
        socklen_t len = sizeof(sa);
        bool udp = p->proto == IPPROTO_UDP;
        int fd = socket(
            AF_INET,
            (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

        ps->fd[ps->n++] = fd;
        if (fd == -1) {
            ct_fail_errno("socket for -p");
            goto fail;
        }
        if (ct_tracing) {
            char shell[128];
            snprintf(shell, sizeof(shell),
                     "socat %s-LISTEN:%u,bind=%s,fork ...", udp ? "UDP" : "TCP",
                     p->host_port, ct_ip_str(p->host_ip, ip));
            ct_trace(shell, "socket(AF_INET, %s); bind(%s:%u)%s",
                     udp ? "SOCK_DGRAM" : "SOCK_STREAM", ip, p->host_port,
                     udp ? "" : "; listen");
        }
        /* socket(7): a port whose last connections linger in TIME_WAIT
         * may be bound again at once; one that another socket listens on
         * may not. */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
            if (errno == EADDRINUSE)
                mc_error_code("port_in_use");
            ct_fail_errno("bind %s:%u/%s for -p", ct_ip_str(p->host_ip, ip),
                          p->host_port, udp ? "udp" : "tcp");
            goto fail;
        }
        if (!udp && listen(fd, 128) == -1) {
            ct_fail_errno("listen on %s:%u", ip, p->host_port);
            goto fail;
        }
        /* -p 80: the kernel picked a free port; say which. */
        if (!p->host_port && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
            p->host_port = ntohs(sa.sin_port);
        ps->spec[i] = *p;
    }
    if (c->net.nports) {
        ps->self_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (ps->self_netns == -1) {
            ct_fail_errno("open '/proc/self/ns/net'");
            goto fail;
        }
    }
    return ps;
fail:
    ports_close(ps);
    return NULL;
}

/* socket(2) inside the container's network namespace: setns there, make
 * it, setns back. The socket stays where it was made. */
static int
socket_inside(struct ports *ps, int netns, int type)
{
    int fd, err;

    if (setns(netns, CLONE_NEWNET) == -1)
        return -1;
    fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    err = errno;
    if (setns(ps->self_netns, CLONE_NEWNET) == -1)
        warnx_ct("setns back to the monitor's network namespace failed: %s",
                 ct_errno_name(errno));
    errno = err;
    return fd;
}

static void
close_conn(struct ports *ps, int i)
{
    struct conn *k = ps->conns[i];

    close(k->fd[0]);
    if (k->fd[1] >= 0)
        close(k->fd[1]);
    free(k);
    ps->conns[i] = ps->conns[--ps->nconns];
}

/* A client on TCP port i: connect a socket of ours, inside, to CTR. */
static void
accept_conn(struct ports *ps, int i, int netns, const struct container *c)
{
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons(ps->spec[i].ctr_port),
                             .sin_addr.s_addr = htonl(c->net.ip)};
    int fd = accept4(ps->fd[i], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    struct conn *k;

    if (fd == -1)
        return;
    if (ps->nconns == MAX_CONNS || netns < 0 || !(k = calloc(1, sizeof(*k)))) {
        close(fd); /* the client sees the connection closed */
        return;
    }
    k->fd[0] = fd;
    k->fd[1] = socket_inside(ps, netns, SOCK_STREAM);
    if (k->fd[1] == -1 ||
        (connect(k->fd[1], (struct sockaddr *)&to, sizeof(to)) == -1 &&
         errno != EINPROGRESS)) {
        ps->conns[ps->nconns++] = k;
        close_conn(ps, ps->nconns - 1);
        return;
    }
    k->connecting = true;
    ps->conns[ps->nconns++] = k;
}

/* Move what can be moved in direction d; false when the connection is
 * over (both directions done) or broken. */
static bool
relay(struct conn *k, int d, short rev)
{
    int from = k->fd[d], to = k->fd[1 - d];

    if ((rev & (POLLIN | POLLHUP | POLLERR)) && !k->eof[d] && k->len[d] < BUF) {
        ssize_t n = recv(from, k->buf[d] + k->len[d], BUF - k->len[d], 0);
        if (n > 0)
            k->len[d] += (size_t)n;
        else if (n == 0)
            k->eof[d] = true;
        else if (errno != EAGAIN && errno != EINTR)
            return false;
    }
    if (k->len[d]) {
        ssize_t w = send(to, k->buf[d], k->len[d], MSG_NOSIGNAL);
        if (w > 0) {
            memmove(k->buf[d], k->buf[d] + w, k->len[d] - (size_t)w);
            k->len[d] -= (size_t)w;
        } else if (w == -1 && errno != EAGAIN && errno != EINTR) {
            return false;
        }
    }
    /* Its sender is done and all of it is through: pass the end on, so a
     * client that stops sending still reads the last answer. */
    if (k->eof[d] && !k->len[d] && !k->shut[d]) {
        shutdown(to, SHUT_WR);
        k->shut[d] = true;
    }
    return !(k->shut[0] && k->shut[1]);
}

/* A datagram from a client on UDP port i: to its flow (made if new). */
static void
udp_in(struct ports *ps, int i, int netns, const struct container *c)
{
    struct sockaddr_in from,
        to = {.sin_family = AF_INET,
              .sin_port = htons(ps->spec[i].ctr_port),
              .sin_addr.s_addr = htonl(c->net.ip)};
    socklen_t len = sizeof(from);
    static char buf[65536];
    ssize_t n = recvfrom(ps->fd[i], buf, sizeof(buf), 0,
                         (struct sockaddr *)&from, &len);
    struct flow *f = NULL;

    if (n < 0)
        return;
    for (int k = 0; k < ps->nflows && !f; k++)
        if (ps->flows[k].port == i &&
            ps->flows[k].from.sin_addr.s_addr == from.sin_addr.s_addr &&
            ps->flows[k].from.sin_port == from.sin_port)
            f = &ps->flows[k];
    if (!f) {
        int fd;
        if (ps->nflows == MAX_FLOWS || netns < 0)
            return; /* dropped, as a full queue drops */
        fd = socket_inside(ps, netns, SOCK_DGRAM);
        if (fd == -1)
            return;
        if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1) {
            close(fd);
            return;
        }
        f = &ps->flows[ps->nflows++];
        *f = (struct flow){fd, i, from, 0};
    }
    f->last_ms = mc_monotonic_ms();
    send(f->fd, buf, (size_t)n, MSG_NOSIGNAL);
}

/* An answer from the container to a UDP client. */
static void
udp_out(struct ports *ps, struct flow *f)
{
    static char buf[65536];
    ssize_t n = recv(f->fd, buf, sizeof(buf), 0);

    if (n < 0)
        return;
    f->last_ms = mc_monotonic_ms();
    sendto(ps->fd[f->port], buf, (size_t)n, MSG_NOSIGNAL,
           (struct sockaddr *)&f->from, sizeof(f->from));
}

/* ---- in the monitor's poll loop ---------------------------------------- */

int
ports_poll_fds(struct ports *ps, struct pollfd *p, int max)
{
    int n = 0;

    if (!ps)
        return 0;
    for (int i = 0; i < ps->n && n < max; i++)
        p[n++] = (struct pollfd){ps->fd[i], POLLIN, 0};
    for (int i = 0; i < ps->nconns && n + 2 <= max; i++) {
        struct conn *k = ps->conns[i];
        /* Read a side while its buffer has room, write one while the
         * other side's buffer holds bytes for it. */
        for (int d = 0; d < 2; d++) {
            short ev = 0;
            if (d == 1 && k->connecting)
                ev = POLLOUT; /* connect(2) ends when it is writable */
            else if (!k->connecting || d == 0) {
                if (!k->connecting && !k->eof[d] && k->len[d] < BUF)
                    ev |= POLLIN;
                if (!k->connecting && k->len[1 - d])
                    ev |= POLLOUT;
            }
            p[n++] = (struct pollfd){k->fd[d], ev, 0};
        }
    }
    for (int i = 0; i < ps->nflows && n < max; i++)
        p[n++] = (struct pollfd){ps->flows[i].fd, POLLIN, 0};
    return n;
}

void
ports_handle(struct ports *ps, const struct pollfd *p, int n, int netns,
             const struct container *c)
{
    int at = 0, nports, nconns, nflows;
    int64_t now = mc_monotonic_ms();
    bool done[MAX_CONNS] = {false};

    if (!ps)
        return;
    /* What poll saw, in the order ports_poll_fds put it; what we add or
     * close meanwhile is handled in the next round. */
    nports = ps->n < n ? ps->n : n;
    nconns = ps->nconns;
    nflows = ps->nflows;
    for (int i = 0; i < nports; i++, at++) {
        if (!(p[at].revents & POLLIN))
            continue;
        if (ps->spec[i].proto == IPPROTO_UDP)
            udp_in(ps, i, netns, c);
        else
            accept_conn(ps, i, netns, c);
    }
    for (int i = 0; i < nconns && at + 2 <= n; i++, at += 2) {
        struct conn *k = ps->conns[i];
        if (k->connecting && p[at + 1].revents) {
            int err = 0;
            socklen_t len = sizeof(err);
            getsockopt(k->fd[1], SOL_SOCKET, SO_ERROR, &err, &len);
            if (err) {
                done[i] = true;
                continue;
            }
            k->connecting = false;
        }
        if (k->connecting)
            continue;
        if (!relay(k, 0, p[at].revents) || !relay(k, 1, p[at + 1].revents))
            done[i] = true;
    }
    for (int i = nconns - 1; i >= 0; i--)
        if (done[i])
            close_conn(ps, i);
    for (int i = 0; i < nflows && at < n; i++, at++)
        if (p[at].revents & POLLIN)
            udp_out(ps, &ps->flows[i]);
    for (int i = ps->nflows - 1; i >= 0; i--)
        if (now - ps->flows[i].last_ms >= FLOW_IDLE_MS) {
            close(ps->flows[i].fd);
            ps->flows[i] = ps->flows[--ps->nflows];
        }
}

int64_t
ports_deadline(const struct ports *ps)
{
    int64_t next = 0;

    for (int i = 0; ps && i < ps->nflows; i++)
        if (!next || ps->flows[i].last_ms + FLOW_IDLE_MS < next)
            next = ps->flows[i].last_ms + FLOW_IDLE_MS;
    return next;
}

void
ports_close(struct ports *ps)
{
    if (!ps)
        return;
    for (int i = 0; i < ps->n; i++)
        if (ps->fd[i] >= 0)
            close(ps->fd[i]);
    while (ps->nconns)
        close_conn(ps, ps->nconns - 1);
    for (int i = 0; i < ps->nflows; i++)
        close(ps->flows[i].fd);
    if (ps->self_netns >= 0)
        close(ps->self_netns);
    free(ps);
}
