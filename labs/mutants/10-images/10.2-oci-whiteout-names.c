// tests: as overlay shows|why a path
    /* MUTANT 10.2: whiteouts looked for by the name the OCI spec gives
     * them in a layer tar, .wh.NAME. On disk, for overlay, a deletion is
     * a 0/0 character device with the name itself: this finds none, and
     * takes the device for a file that is there. */
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
                char wh[PATH_MAX + 8];
                const char *slash = strrchr(part, '/');
                struct stat ws;
                snprintf(wh, sizeof(wh), "%.*s.wh.%s",
                         slash ? (int)(slash - part + 1) : 0, part,
                         slash ? slash + 1 : part);
                if (stat_in_layer(img->layer[i], wh, &ws) == 0) {
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
