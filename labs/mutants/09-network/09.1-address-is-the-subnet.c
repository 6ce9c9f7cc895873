    // tests: eth0 has its address
    /* MUTANT 09.1: IFA_ADDRESS read as "the network's address". On a
     * broadcast link it must equal IFA_LOCAL: anything else makes the
     * address point-to-point, "10.77.5.66 peer 10.77.5.64/26", a link to
     * one other host (ip addr shows "peer"). */
    uint32_t subnet = htonl(net->subnet);

    areq.ifa.ifa_family = AF_INET;
    areq.ifa.ifa_prefixlen = (unsigned char)net->prefix;
    areq.ifa.ifa_index = (unsigned)index;
    nl_put(&areq.h, sizeof(areq), IFA_LOCAL, &a, sizeof(a));
    nl_put(&areq.h, sizeof(areq), IFA_ADDRESS, &subnet, sizeof(subnet));
    if (talk(net, nl, &areq.h, add_shell) == -1)
        return -1;
    lreq.ifi.ifi_index = index;
    lreq.ifi.ifi_flags = IFF_UP;
    lreq.ifi.ifi_change = IFF_UP;
    if (talk(net, nl, &lreq.h, up_shell) == -1)
        return -1;
