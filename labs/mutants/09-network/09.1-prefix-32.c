    /* MUTANT 09.1: every address a /32 ("one address, so 32 bits"). The
     * prefix says which addresses are on the link: with /32 none but our
     * own is, no subnet route is made, and the gateway is unreachable. */
    areq.ifa.ifa_family = AF_INET;
    areq.ifa.ifa_prefixlen = 32;
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
