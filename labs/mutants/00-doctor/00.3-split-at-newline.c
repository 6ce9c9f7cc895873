    /* MUTANT 00.3: the list split at "\n" (the teacher notes' error): the
     * names are on one line, separated by spaces, so "cpu io memory pids"
     * is one unknown word and no controller is marked v2. A tree with a
     * single controller (hugetlb) hides the bug. */
    char path[128], buf[512];
    snprintf(path, sizeof(path), "%s/cgroup.controllers", cg2_mount);
    if (ct_read_file(path, buf, sizeof(buf)) >= 0) {
        char *save = NULL;
        for (char *w = strtok_r(buf, "\n", &save); w;
             w = strtok_r(NULL, "\n", &save)) {
            struct controller *c = find_controller(w);
            if (c)
                c->v2 = true;
        }
    }
