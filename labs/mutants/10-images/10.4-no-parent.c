// tests: cache
    /* MUTANT 10.4: the line and the files, not what the step starts
     * from. "RUN make" after another base, or after another earlier
     * step, is taken from the cache: an image on the wrong base. */
    (void)parent;
    sha256_update(&h, strlen(line) + 1, (const uint8_t *)line);
    sha256_update(&h, strlen(content) + 1, (const uint8_t *)content);
