/*
 * inet.h: the plain IPv4 parts of networking, shared by step 09 and the
 * runner: subnets written as CIDR, addresses printed, and a relay that
 * copies a TCP connection's bytes both ways (a published port's proxy).
 * Netlink is in nl.h.
 */
#ifndef INET_H
#define INET_H

#include <stdint.h>

/* Parse an IPv4 CIDR, "10.89.0.0/24", into the network (host byte order)
 * and the prefix length, which must be from min to max. Returns 0; or -1
 * with errno EINVAL (not an IPv4 CIDR, or a prefix out of range), or
 * EADDRNOTAVAIL when host bits are set ("10.89.0.5/24", which Docker
 * refuses too): *network then holds the network meant (10.89.0.0). */
int ct_parse_cidr(const char *s, int min, int max, uint32_t *network,
                  int *prefix);

/* "10.89.0.2" for an address in host byte order, in buf (16 bytes). */
const char *ct_ip_str(uint32_t addr, char *buf);

/* Copy bytes from a to b and from b to a until both have ended. When one
 * side ends, the other is told with shutdown(SHUT_WR), so that a client
 * which stops sending still reads the last answer. Returns when both are
 * done or either fails; closes neither. */
void ct_relay(int a, int b);

#endif
