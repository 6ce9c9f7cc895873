// tests: top one first|RUN's upper
    /* MUTANT 10.3: a ":" after every layer. The last one leaves an empty
     * lower directory at the end of the list, which overlay refuses
     * (EINVAL): no container starts. */
    for (int i = img->n - 1; i >= 0; i--) {
        char path[PATH_MAX];
        layer_path(img->layer[i], path, sizeof(path));
        len += (size_t)snprintf(buf + len, size - len, "%s:", path);
    }
