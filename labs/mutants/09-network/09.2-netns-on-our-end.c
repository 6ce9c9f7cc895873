    /* MUTANT 09.2: IFLA_NET_NS_FD in the outer message, not in the peer.
     * It then moves *our* end (mctr09-v...) into the box, and the peer,
     * named eth0, stays on the host side: the cable is plugged in the
     * wrong way round. */
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    nl_put(&req.h, sizeof(req), IFLA_NET_NS_FD, &netns, sizeof(netns));
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "veth", sizeof("veth"));
    data = nl_put(&req.h, sizeof(req), IFLA_INFO_DATA, NULL, 0);
    peer_attr =
        nl_put(&req.h, sizeof(req), VETH_INFO_PEER, &peer, sizeof(peer));
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, "eth0", sizeof("eth0"));
    nl_nest_end(&req.h, peer_attr);
    nl_nest_end(&req.h, data);
    nl_nest_end(&req.h, info);
