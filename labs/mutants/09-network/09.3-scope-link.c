    /* MUTANT 09.3: scope link, "the gateway is on our link". The scope
     * is how far the *destination* is: a route via a gateway reaches
     * beyond the link (universe); only the subnet's own route is link. */
    req.rt.rtm_family = AF_INET;
    req.rt.rtm_dst_len = 0;
    req.rt.rtm_table = RT_TABLE_MAIN;
    req.rt.rtm_protocol = RTPROT_BOOT;
    req.rt.rtm_scope = RT_SCOPE_LINK;
    req.rt.rtm_type = RTN_UNICAST;
    nl_put(&req.h, sizeof(req), RTA_GATEWAY, &gw, sizeof(gw));
    nl_put(&req.h, sizeof(req), RTA_OIF, &oif, sizeof(oif));
    return talk(net, b->nl, &req.h, shell);
