/*
 * inet.c: CIDR, addresses and a byte relay. See inet.h.
 */
#include "ct.h"
#include "inet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
ct_parse_cidr(const char *s, int min, int max, uint32_t *network, int *prefix)
{
    char addr[INET_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    struct in_addr in;
    uint64_t len;
    uint32_t mask;

    if (!slash || (size_t)(slash - s) >= sizeof(addr)) {
        errno = EINVAL;
        return -1;
    }
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    /* inet_pton(3) takes only dotted quads (no "10.89", no "010.1.1.1"). */
    if (inet_pton(AF_INET, addr, &in) != 1 ||
        ct_parse_u64(slash + 1, &len) == -1 || len < (uint64_t)min ||
        len > (uint64_t)max || len > 32) {
        errno = EINVAL;
        return -1;
    }
    mask = len ? ~0u << (32 - len) : 0;
    *network = ntohl(in.s_addr) & mask;
    *prefix = (int)len;
    if (ntohl(in.s_addr) & ~mask) {
        errno = EADDRNOTAVAIL;
        return -1;
    }
    return 0;
}

const char *
ct_ip_str(uint32_t addr, char *buf)
{
    struct in_addr in = {.s_addr = htonl(addr)};

    return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

void
ct_relay(int a, int b)
{
    int fds[2] = {a, b};
    struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    char buf[65536];

    /* poll(2) skips an entry whose fd is negative: a side that ended. */
    while (p[0].fd != -1 || p[1].fd != -1) {
        if (poll(p, 2, -1) == -1 && errno != EINTR)
            return;
        for (int i = 0; i < 2; i++) {
            ssize_t n;

            if (p[i].fd == -1 || !p[i].revents)
                continue;
            n = read(fds[i], buf, sizeof(buf));
            if (n <= 0) {
                shutdown(fds[1 - i], SHUT_WR);
                p[i].fd = -1;
            } else if (send(fds[1 - i], buf, (size_t)n, MSG_NOSIGNAL) != n) {
                return; /* short or failed: the other side is gone */
            }
        }
    }
}
