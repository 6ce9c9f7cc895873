// tests: top one first|RUN's upper
    /* MUTANT 10.3: layers separated by commas, as one lists things. In
     * mount options a comma starts the next option: overlay reads
     * "lowerdir=L3" and then an option named after a path, and refuses. */
    for (int i = img->n - 1; i >= 0; i--) {
        char path[PATH_MAX];
        layer_path(img->layer[i], path, sizeof(path));
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "",
                                path);
    }
