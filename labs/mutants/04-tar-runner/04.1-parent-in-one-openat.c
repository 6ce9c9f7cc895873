// tests: chain of symlinks
    /* MUTANT 04.1: the parent directory is opened in one call,
     * openat(root, "a/canary", O_NOFOLLOW). O_NOFOLLOW looks only at the
     * *last* component: 'a' is followed (a -> b -> ..), and the entry
     * lands in the host's canary directory. The walk must open one
     * component at a time. */
    size_t len;
    char *slash;

    if (name[0] == '/') {
        *why = "absolute path";
        return -1;
    }
    for (comp = copy; (comp = strstr(comp, "..")); comp += 2)
        if ((comp == copy || comp[-1] == '/') &&
            (comp[2] == '\0' || comp[2] == '/')) {
            *why = "path leaves the root";
            return -1;
        }
    len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    slash = strrchr(copy, '/');
    if (!slash) {
        strcpy(leaf, strcmp(copy, ".") ? copy : "");
    } else {
        *slash = '\0';
        strcpy(leaf, strcmp(slash + 1, ".") ? slash + 1 : "");
        fd = openat(u->root_fd, copy, flags);
        if (fd == -1 && errno == ENOENT) {
            /* mkdir -p the parents the tar left out */
            for (comp = copy; (comp = strchr(comp + 1, '/'));) {
                *comp = '\0';
                mkdirat(u->root_fd, copy, 0755);
                *comp = '/';
            }
            mkdirat(u->root_fd, copy, 0755);
            fd = openat(u->root_fd, copy, flags);
        }
        if (fd == -1) {
            *why = errno == ELOOP || errno == ENOTDIR
                ? "a parent is a symlink or not a directory "
                  "(tarbox never follows links while unpacking)"
                : strerror(errno);
            return -1;
        }
    }
    (void)next;
    (void)save;
