    /* MUTANT 09.2: the peer made in the box's namespace, but with no
     * name: "eth0 is what a container's link is called anyway". The
     * kernel names it after a pattern (veth0), and nothing in the box
     * is called eth0. */
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "veth", sizeof("veth"));
    data = nl_put(&req.h, sizeof(req), IFLA_INFO_DATA, NULL, 0);
    peer_attr =
        nl_put(&req.h, sizeof(req), VETH_INFO_PEER, &peer, sizeof(peer));
    nl_put(&req.h, sizeof(req), IFLA_NET_NS_FD, &netns, sizeof(netns));
    nl_nest_end(&req.h, peer_attr);
    nl_nest_end(&req.h, data);
    nl_nest_end(&req.h, info);
