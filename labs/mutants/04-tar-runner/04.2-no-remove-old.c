// tests: hard link
    /* MUTANT 04.2: the name is linked without removing what is there, so
     * a hard link that replaces an earlier entry of the same name fails
     * with EEXIST and is refused. In tar a later entry replaces an earlier
     * one, hard links too (create_symlink does the same with
     * remove_old). */
    tdirfd = open_parent(u, archive_entry_hardlink(e), tleaf, why);
    if (tdirfd == -1)
        return 1;
    if (tleaf[0] == '\0') {
        if (tdirfd != u->root_fd)
            close(tdirfd);
        *why = "a hard link to a directory";
        return 1;
    }
    r = linkat(tdirfd, tleaf, dirfd, leaf, 0);
    if (tdirfd != u->root_fd)
        close(tdirfd);
    if (r == -1 && errno == ENOENT) {
        *why = "the link's target is not in the archive (or not yet)";
        return 1;
    }
