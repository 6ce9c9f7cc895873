// tests: hard link
    /* MUTANT 04.2: the target is checked as text (no leading '/', no
     * '..' component) and then handed to linkat(2) whole. The kernel
     * follows symlinks in its parents: 'l -> /host/dir' then a hard link
     * to 'l/file' links the host's file. Checking the text is not
     * walking the path: use open_parent, as for an entry's name. */
    const char *target = archive_entry_hardlink(e);
    const char *p;

    (void)tleaf;
    (void)tdirfd;
    if (target[0] == '/') {
        *why = "absolute path";
        return 1;
    }
    for (p = target; (p = strstr(p, "..")); p += 2)
        if ((p == target || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) {
            *why = "path leaves the root";
            return 1;
        }
    r = remove_old(dirfd, leaf);
    if (r == 0)
        r = linkat(u->root_fd, target, dirfd, leaf, 0);
    if (r == -1 && errno == ENOENT) {
        *why = "the link's target is not in the archive (or not yet)";
        return 1;
    }
