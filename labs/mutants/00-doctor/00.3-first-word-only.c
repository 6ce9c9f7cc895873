    /* MUTANT 00.3: sscanf("%s") reads one word: only the first controller
     * of the list is marked v2. Right where the tree offers one controller
     * (hugetlb on a hybrid host), wrong on every v2 laptop. */
    char path[128], buf[512], word[32];
    snprintf(path, sizeof(path), "%s/cgroup.controllers", cg2_mount);
    if (ct_read_file(path, buf, sizeof(buf)) >= 0 &&
        sscanf(buf, "%31s", word) == 1) {
        struct controller *c = find_controller(word);
        if (c)
            c->v2 = true;
    }
