// tests: each compression
    /* MUTANT 04.1: the walk closes the fd it leaves, including the
     * root's own fd (u->root_fd) the first time it goes down a level:
     * every later entry then fails with EBADF. Close only what the walk
     * opened (the teacher notes' first common error). */
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
        close(fd);
        if (sub == -1)
            return -1;
        fd = sub;
    }
