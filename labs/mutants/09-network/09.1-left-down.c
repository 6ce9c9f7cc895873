    /* MUTANT 09.1: the address, but the link is never switched on
     * ("an address makes it work"). A link that is down sends nothing, and
     * the kernel makes no route over it. */
    areq.ifa.ifa_family = AF_INET;
    areq.ifa.ifa_prefixlen = (unsigned char)net->prefix;
    areq.ifa.ifa_index = (unsigned)index;
    nl_put(&areq.h, sizeof(areq), IFA_LOCAL, &a, sizeof(a));
    nl_put(&areq.h, sizeof(areq), IFA_ADDRESS, &a, sizeof(a));
    if (talk(net, nl, &areq.h, add_shell) == -1)
        return -1;
    (void)lreq;
    (void)up_shell;
