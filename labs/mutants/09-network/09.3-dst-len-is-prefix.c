    /* MUTANT 09.3: rtm_dst_len set to the subnet's prefix ("the route's
     * prefix"). The destination is 0.0.0.0 and its length says how much
     * of it counts: 0 bits for "everywhere", 24 for "0.0.0.0/24", a
     * route that no packet ever takes. */
    req.rt.rtm_family = AF_INET;
    req.rt.rtm_dst_len = (unsigned char)net->prefix;
    req.rt.rtm_table = RT_TABLE_MAIN;
    req.rt.rtm_protocol = RTPROT_BOOT;
    req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
    req.rt.rtm_type = RTN_UNICAST;
    nl_put(&req.h, sizeof(req), RTA_GATEWAY, &gw, sizeof(gw));
    nl_put(&req.h, sizeof(req), RTA_OIF, &oif, sizeof(oif));
    return talk(net, b->nl, &req.h, shell);
