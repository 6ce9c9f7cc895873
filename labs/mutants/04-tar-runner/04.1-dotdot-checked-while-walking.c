// tests: '\.\.' in a name
    /* MUTANT 04.1: '..' is checked component by component during the
     * walk, so it is refused only once the walk reaches it: for
     * 'etc/../../canary/pwned' the directory 'etc' has been made by then.
     * A refused entry must leave nothing behind: check the whole name
     * before creating anything. */
    if (name[0] == '/') {
        *why = "absolute path";
        return -1;
    }
    for (comp = strtok_r(copy, "/", &save); comp; comp = next) {
        int sub;

        next = strtok_r(NULL, "/", &save);
        if (strcmp(comp, "..") == 0) {
            if (fd != u->root_fd)
                close(fd);
            *why = "path leaves the root";
            return -1;
        }
        if (strcmp(comp, ".") == 0)
            continue;
        if (!next) {
            strcpy(leaf, comp);
            break;
        }
        sub = openat(fd, comp, flags);
        if (sub == -1 && errno == ENOENT && mkdirat(fd, comp, 0755) == 0)
            sub = openat(fd, comp, flags);
        if (sub == -1)
            *why = errno == ELOOP || errno == ENOTDIR
                ? "a parent is a symlink or not a directory "
                  "(tarbox never follows links while unpacking)"
                : strerror(errno);
        if (fd != u->root_fd)
            close(fd);
        if (sub == -1)
            return -1;
        fd = sub;
    }
