    // tests: eth0 has its address
    /* MUTANT 09.1: the prefix hard-coded as /24, the default subnet's. Any
     * other --subnet gets a wrong idea of which addresses are on the link
     * (a /26 box thinks 10.77.5.1 is its neighbour). */
    areq.ifa.ifa_family = AF_INET;
    areq.ifa.ifa_prefixlen = 24;
    areq.ifa.ifa_index = (unsigned)index;
    nl_put(&areq.h, sizeof(areq), IFA_LOCAL, &a, sizeof(a));
    nl_put(&areq.h, sizeof(areq), IFA_ADDRESS, &a, sizeof(a));
    if (talk(net, nl, &areq.h, add_shell) == -1)
        return -1;
    lreq.ifi.ifi_index = index;
    lreq.ifi.ifi_flags = IFF_UP;
    lreq.ifi.ifi_change = IFF_UP;
    if (talk(net, nl, &lreq.h, up_shell) == -1)
        return -1;
