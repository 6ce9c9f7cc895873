    /* MUTANT 09.3: the box's own address as the gateway ("the default
     * route goes out through me"). A gateway is the next hop, another
     * host on the link: here the bridge's address. */
    uint32_t self = htonl(b->addr);

    req.rt.rtm_family = AF_INET;
    req.rt.rtm_dst_len = 0;
    req.rt.rtm_table = RT_TABLE_MAIN;
    req.rt.rtm_protocol = RTPROT_BOOT;
    req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
    req.rt.rtm_type = RTN_UNICAST;
    nl_put(&req.h, sizeof(req), RTA_GATEWAY, &self, sizeof(self));
    nl_put(&req.h, sizeof(req), RTA_OIF, &oif, sizeof(oif));
    (void)gw;
    return talk(net, b->nl, &req.h, shell);
