    /* MUTANT 09.2: IFLA_INFO_DATA never closed. Its length stays that of
     * an empty attribute (4), so the peer's nest is read as a sibling of
     * IFLA_INFO_KIND inside IFLA_LINKINFO, and the veth has no peer
     * description. */
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "veth", sizeof("veth"));
    data = nl_put(&req.h, sizeof(req), IFLA_INFO_DATA, NULL, 0);
    peer_attr =
        nl_put(&req.h, sizeof(req), VETH_INFO_PEER, &peer, sizeof(peer));
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, "eth0", sizeof("eth0"));
    nl_put(&req.h, sizeof(req), IFLA_NET_NS_FD, &netns, sizeof(netns));
    nl_nest_end(&req.h, peer_attr);
    nl_nest_end(&req.h, info);
    (void)data;
