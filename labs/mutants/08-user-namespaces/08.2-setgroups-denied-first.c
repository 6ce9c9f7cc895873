// clang-format off
    /* MUTANT 08.2: "deny" written to setgroups before the helpers, as the
     * single map needs. newgidmap maps the range anyway, but setgroups
     * stays denied: the 65536 gids are there and no process inside may
     * join or leave a group (su, login, apt's _apt user all fail). */
    char *uidmap[] = {box->newuidmap, p, "0", uid, "1", "1", us, uc, NULL};
    char *gidmap[] = {box->newgidmap, p, "0", gid, "1", "1", gs, gc, NULL};
    if (write_proc(pid, "setgroups", "deny") == -1 ||
        run_helper(uidmap) == -1 || run_helper(gidmap) == -1)
        return -1;
