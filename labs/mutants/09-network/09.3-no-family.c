    /* MUTANT 09.3: everything but rtm_family. rtnetlink hands a request to
     * the address family it names; AF_UNSPEC has no routes of its own. */
    req.rt.rtm_dst_len = 0;
    req.rt.rtm_table = RT_TABLE_MAIN;
    req.rt.rtm_protocol = RTPROT_BOOT;
    req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
    req.rt.rtm_type = RTN_UNICAST;
    nl_put(&req.h, sizeof(req), RTA_GATEWAY, &gw, sizeof(gw));
    nl_put(&req.h, sizeof(req), RTA_OIF, &oif, sizeof(oif));
    return talk(net, b->nl, &req.h, shell);
