// tests: hard link
    /* MUTANT 04.2: the target goes to linkat(2) as it is, relative to the
     * root's fd. But the kernel resolves it on the host, now: '/etc/shadow'
     * is the host's, '../x' climbs out, 'l/file' follows the symlink l.
     * The container gets a second name for a host file. The target must
     * be checked and walked like an entry's name. */
    (void)tleaf;
    (void)tdirfd;
    (void)why;
    r = remove_old(dirfd, leaf);
    if (r == 0)
        r = linkat(u->root_fd, archive_entry_hardlink(e), dirfd, leaf, 0);
