// tests: top one first|RUN's upper
    /* MUTANT 10.3: the layers in the order the image lists them, bottom
     * first. overlay takes the first lowerdir as the top: the base image
     * now hides every later layer's changes and deletions. */
    for (int i = 0; i < img->n; i++) {
        char path[PATH_MAX];
        layer_path(img->layer[i], path, sizeof(path));
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ":" : "",
                                path);
    }
