// tests: as overlay shows|why a path
    /* MUTANT 10.2: a file on the way taken as "this layer has nothing
     * here". When a later step replaces a directory by a file (rm -r
     * /wasdir; echo > /wasdir), the old directory's files show through
     * from below, under a path that is a file in the image. */
    for (int i = img->n - 1; i >= 0; i--) {
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
                if (*s && !S_ISDIR(st.st_mode))
                    break; /* not a directory here: look below */
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
