    /* MUTANT 09.1: IFF_UP in ifi_flags, but ifi_change left 0. The kernel
     * takes ifi_change as "which flags this request changes"; 0 means
     * "all of them, to ifi_flags": IFF_MULTICAST and the others are
     * cleared along the way. */
    areq.ifa.ifa_family = AF_INET;
    areq.ifa.ifa_prefixlen = (unsigned char)net->prefix;
    areq.ifa.ifa_index = (unsigned)index;
    nl_put(&areq.h, sizeof(areq), IFA_LOCAL, &a, sizeof(a));
    nl_put(&areq.h, sizeof(areq), IFA_ADDRESS, &a, sizeof(a));
    if (talk(net, nl, &areq.h, add_shell) == -1)
        return -1;
    lreq.ifi.ifi_index = index;
    lreq.ifi.ifi_flags = IFF_UP;
    if (talk(net, nl, &lreq.h, up_shell) == -1)
        return -1;
