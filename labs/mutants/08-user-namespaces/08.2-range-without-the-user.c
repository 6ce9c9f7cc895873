// clang-format off
    /* MUTANT 08.2: only the subordinate range, "0 START COUNT", as the
     * newuidmap example in many blog posts. Root inside is then START
     * outside, but the child itself still runs as our uid, which is in no
     * line of the map: it is nobody inside, and can create no file. */
    (void)uid;
    (void)gid;
    char *uidmap[] = {box->newuidmap, p, "0", us, uc, NULL};
    char *gidmap[] = {box->newgidmap, p, "0", gs, gc, NULL};
    if (run_helper(uidmap) == -1 || run_helper(gidmap) == -1)
        return -1;
