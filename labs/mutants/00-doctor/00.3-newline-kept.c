    /* MUTANT 00.3: read(2) by hand, keeping the file's newline: the last
     * name is "hugetlb\n", which matches no controller, so the last
     * controller of the list is never marked v2. */
    char path[128], buf[512];
    snprintf(path, sizeof(path), "%s/cgroup.controllers", cg2_mount);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        buf[n > 0 ? n : 0] = '\0';
        char *save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w;
             w = strtok_r(NULL, " ", &save)) {
            struct controller *c = find_controller(w);
            if (c)
                c->v2 = true;
        }
    }
