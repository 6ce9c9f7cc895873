// tests: whatever their times
    /* MUTANT 10.1: the modification time is part of the line. Every copy
     * of the same files (a checkout, a COPY, an add an hour later) is
     * another layer: stored again, and never a cache hit. */
    n = scandirat(dirfd, ".", &list, NULL, by_name);
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
            snprintf(line, sizeof(line), "%s %c %04o %u:%u %lld %lld %s\\n", path, kind, st.st_mode & 07777, st.st_uid, st.st_gid, S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL, (long long)st.st_mtime, what);
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
