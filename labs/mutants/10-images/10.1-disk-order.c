// tests: another order
    /* MUTANT 10.1: entries hashed in the order readdir(3) gives them.
     * That order is the filesystem's: tmpfs lists newest first, ext4 by
     * a hash of the name. The same files made in another order, or on
     * another disk, get another ID: nothing is content-addressed. */
    n = scandirat(dirfd, ".", &list, NULL, NULL);
    if (n == -1)
        die_errno("read the directory '%s'", *prefix ? prefix : ".");
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        char path[PATH_MAX], what[PATH_MAX], line[3 * PATH_MAX];
        struct stat st;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "",
                     name);
            if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
                die_errno("stat '%s'", path);
            char kind = entry_kind(dirfd, name, &st, what, sizeof(what));
            snprintf(line, sizeof(line), "%s %c %04o %u:%u %lld %s\\n", path, kind, st.st_mode & 07777, st.st_uid, st.st_gid, S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL, what);
            sha256_update(h, strlen(line), (const uint8_t *)line);
            if (S_ISDIR(st.st_mode)) {
                int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY |
                                                  O_NOFOLLOW | O_CLOEXEC);
                if (sub == -1)
                    die_errno("open '%s'", path);
                hash_tree(h, sub, path);
                close(sub);
            }
        }
        free(list[i]);
    }
    free(list);
