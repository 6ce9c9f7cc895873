// tests: hard link|owners
    /* MUTANT 04.2: close(tdirfd) always. When the target is at the top
     * of the root ('suid-link' -> 'suid'), open_parent returned the root's
     * own fd, and closing it breaks every entry after this one (EBADF):
     * close only the fds open_parent opened. */
    tdirfd = open_parent(u, archive_entry_hardlink(e), tleaf, why);
    if (tdirfd == -1)
        return 1;
    if (tleaf[0] == '\0') {
        close(tdirfd);
        *why = "a hard link to a directory";
        return 1;
    }
    r = remove_old(dirfd, leaf);
    if (r == 0)
        r = linkat(tdirfd, tleaf, dirfd, leaf, 0);
    close(tdirfd);
    if (r == -1 && errno == ENOENT) {
        *why = "the link's target is not in the archive (or not yet)";
        return 1;
    }
