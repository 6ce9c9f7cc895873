// tests: as overlay shows
    /* MUTANT 10.2: the layers looked at bottom first, in the order the
     * image lists them. The base image answers for every path it has: a
     * file changed by a later step shows its old content, and nothing a
     * later layer deletes is ever deleted. */
    for (int i = 0; i < img->n; i++) {
        char part[PATH_MAX];
        struct stat st;
        bool opaque = false;
        /* every directory on the way, then rel itself */
        for (const char *s = rel;; s++) {
            if (*s != '/' && *s)
                continue;
            snprintf(part, sizeof(part), "%.*s", (int)(s - rel), rel);
            if (stat_in_layer(img->layer[i], part, &st) == 0) {
                if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
                    snprintf(why, size,
                             "deleted by a whiteout '%s' in layer %d", part,
                             i + 1);
                    return -1;
                }
                if (*s && !S_ISDIR(st.st_mode)) {
                    snprintf(why, size, "hidden by the file '%s' in layer %d",
                             part, i + 1);
                    return -1;
                }
                if (!*s)
                    return i;
                opaque = opaque || is_opaque_in_layer(img->layer[i], part);
            }
            if (!*s)
                break;
        }
        if (opaque) {
            snprintf(why, size, "hidden below an opaque directory in layer %d",
                     i + 1);
            return -1;
        }
    }
