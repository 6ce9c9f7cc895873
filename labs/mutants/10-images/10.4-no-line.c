// tests: cache
    /* MUTANT 10.4: the image before and the files, not the line: every
     * RUN after the same step is the same key, whatever it runs. The
     * first RUN ever made there is what every other one gets. */
    (void)line;
    for (int i = 0; i < parent->n; i++)
        sha256_update(&h, HEX_LEN + 1, (const uint8_t *)parent->layer[i]);
    sha256_update(&h, strlen(content) + 1, (const uint8_t *)content);
