    /* MUTANT 09.3: the gateway in host byte order. On x86 10.77.5.65
     * goes out as 65.5.77.10: no link reaches it, and the kernel says so. */
    uint32_t gw_host = net->gateway;

    req.rt.rtm_family = AF_INET;
    req.rt.rtm_dst_len = 0;
    req.rt.rtm_table = RT_TABLE_MAIN;
    req.rt.rtm_protocol = RTPROT_BOOT;
    req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
    req.rt.rtm_type = RTN_UNICAST;
    nl_put(&req.h, sizeof(req), RTA_GATEWAY, &gw_host, sizeof(gw_host));
    nl_put(&req.h, sizeof(req), RTA_OIF, &oif, sizeof(oif));
    (void)gw;
    return talk(net, b->nl, &req.h, shell);
