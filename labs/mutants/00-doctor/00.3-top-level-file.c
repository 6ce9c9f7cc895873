    /* MUTANT 00.3: /sys/fs/cgroup/cgroup.controllers, whatever the mode.
     * On a hybrid host the cgroup2 root is /sys/fs/cgroup/unified and the
     * top is a tmpfs without that file: the v2 controllers are missed
     * (the worksheet's question 1). */
    char path[128], buf[512];
    snprintf(path, sizeof(path), "/sys/fs/cgroup/cgroup.controllers");
    if (ct_read_file(path, buf, sizeof(buf)) >= 0) {
        char *save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w;
             w = strtok_r(NULL, " ", &save)) {
            struct controller *c = find_controller(w);
            if (c)
                c->v2 = true;
        }
    }
