// tests: '\.\.' in a name
    /* MUTANT 04.1: '..' is refused only at the start of the name
     * (strncmp(name, "../", 3)). 'etc/../../canary/pwned' climbs out all
     * the same: the walk opens 'etc', then '..' (the root), then '..'
     * again: the root's parent, on the host. Every component must be
     * checked, not only the first. */
    if (name[0] == '/') {
        *why = "absolute path";
        return -1;
    }
    if (strncmp(name, "../", 3) == 0 || strcmp(name, "..") == 0) {
        *why = "path leaves the root";
        return -1;
    }
    for (comp = strtok_r(copy, "/", &save); comp; comp = next) {
        int sub;

        next = strtok_r(NULL, "/", &save);
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
