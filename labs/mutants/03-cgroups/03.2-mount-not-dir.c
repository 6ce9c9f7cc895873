    /* MUTANT 03.2: the tree's mount point where our cgroup's directory
     * belongs (two fields side by side in struct tree): the command is
     * moved to the root cgroup of each hierarchy, out of every limit and
     * out of the cgroup its own supervisor put it in. */
    for (int i = 0; i < b->ntrees; i++) {
        snprintf(path, sizeof(path), "%s/cgroup.procs", b->trees[i].mount);
        if (ct_write_file(path, "%d", (int)getpid()) == -1)
            child_fail(err_fd, i, 1);
    }
