// tests: hard link
    /* MUTANT 04.2: linkat with AT_SYMLINK_FOLLOW. A hard link 'h' to a
     * symlink 's -> /host/canary' becomes a hard link to the host's file
     * itself: writing h in the container writes the host file. */
    tdirfd = open_parent(u, archive_entry_hardlink(e), tleaf, why);
    if (tdirfd == -1)
        return 1;
    if (tleaf[0] == '\0') {
        if (tdirfd != u->root_fd)
            close(tdirfd);
        *why = "a hard link to a directory";
        return 1;
    }
    r = remove_old(dirfd, leaf);
    if (r == 0)
        r = linkat(tdirfd, tleaf, dirfd, leaf, AT_SYMLINK_FOLLOW);
    if (tdirfd != u->root_fd)
        close(tdirfd);
    if (r == -1 && errno == ENOENT) {
        *why = "the link's target is not in the archive (or not yet)";
        return 1;
    }
