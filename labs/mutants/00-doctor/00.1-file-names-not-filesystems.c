    /* MUTANT 00.1: the mode told from file names, not from the filesystem:
     * "cgroup.controllers at the top is v2, a unified/ directory is
     * hybrid". A name proves nothing about what is mounted there (an empty
     * unified/ on a v1 host, a tmpfs over the tree on WSL2): the worksheet
     * asks for statfs(2) because only the magic number says it. */
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
        mode = CG_V2;
    else if (access("/sys/fs/cgroup/unified", F_OK) == 0)
        mode = CG_HYBRID;
    else if (access("/sys/fs/cgroup", F_OK) == 0)
        mode = CG_V1;
