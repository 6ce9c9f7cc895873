// clang-format off
    /* MUTANT 08.2: newuidmap only; the gids were forgotten. gid_map stays
     * empty: every gid inside is the overflow gid 65534, and files cannot
     * be created (their group would have no id outside). */
    (void)gid;
    (void)gs;
    (void)gc;
    char *uidmap[] = {box->newuidmap, p, "0", uid, "1", "1", us, uc, NULL};
    if (run_helper(uidmap) == -1)
        return -1;
