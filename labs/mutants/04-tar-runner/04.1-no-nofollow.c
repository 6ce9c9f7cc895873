// tests: symlink|chain|replace
    /* MUTANT 04.1: the walk opens each parent without O_NOFOLLOW. An
     * earlier entry 'link -> /host/dir' then turns 'link/pwned' into a
     * file written on the host: the symlink is followed while unpacking,
     * outside the root (CVE-2021-32760, the first tar CVE of all). */
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
        sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sub == -1 && errno == ENOENT && mkdirat(fd, comp, 0755) == 0)
            sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sub == -1)
            *why = strerror(errno);
        if (fd != u->root_fd)
            close(fd);
        if (sub == -1)
            return -1;
        fd = sub;
    }
    (void)flags;
