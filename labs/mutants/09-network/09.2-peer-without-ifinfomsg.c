    /* MUTANT 09.2: VETH_INFO_PEER opened as a plain nest. Its value must
     * start with the peer's own ifinfomsg: without it the kernel reads
     * our first 16 bytes of attributes as that struct, and the peer's
     * name and namespace are lost (it becomes vethN, on the host side). */
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
    info = nl_put(&req.h, sizeof(req), IFLA_LINKINFO, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_INFO_KIND, "veth", sizeof("veth"));
    data = nl_put(&req.h, sizeof(req), IFLA_INFO_DATA, NULL, 0);
    peer_attr = nl_put(&req.h, sizeof(req), VETH_INFO_PEER, NULL, 0);
    nl_put(&req.h, sizeof(req), IFLA_IFNAME, "eth0", sizeof("eth0"));
    nl_put(&req.h, sizeof(req), IFLA_NET_NS_FD, &netns, sizeof(netns));
    nl_nest_end(&req.h, peer_attr);
    nl_nest_end(&req.h, data);
    nl_nest_end(&req.h, info);
    (void)peer;
