    /* MUTANT 09.1: the address in host byte order (addr, not htonl(addr)).
     * Netlink carries addresses as on the wire, big-endian: on x86 the box
     * gets 66.5.77.10 instead of 10.77.5.66. */
    areq.ifa.ifa_family = AF_INET;
    areq.ifa.ifa_prefixlen = (unsigned char)net->prefix;
    areq.ifa.ifa_index = (unsigned)index;
    nl_put(&areq.h, sizeof(areq), IFA_LOCAL, &addr, sizeof(addr));
    nl_put(&areq.h, sizeof(areq), IFA_ADDRESS, &addr, sizeof(addr));
    if (talk(net, nl, &areq.h, add_shell) == -1)
        return -1;
    lreq.ifi.ifi_index = index;
    lreq.ifi.ifi_flags = IFF_UP;
    lreq.ifi.ifi_change = IFF_UP;
    if (talk(net, nl, &lreq.h, up_shell) == -1)
        return -1;
