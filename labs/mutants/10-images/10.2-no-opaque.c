// tests: as overlay shows|why a path
    /* MUTANT 10.2: opaque directories not looked at. A directory that a
     * step removed and made again (rm -r /opq; mkdir /opq) is opaque: it
     * hides what the layers below have in it. Without the check, the
     * old files show through the new directory. */
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
                if (*s && !S_ISDIR(st.st_mode)) {
                    snprintf(why, size, "hidden by the file '%s' in layer %d",
                             part, i + 1);
                    return -1;
                }
                if (!*s)
                    return i;
                (void)is_opaque_in_layer;
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
