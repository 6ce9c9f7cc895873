// tests: cache
    /* MUTANT 10.4: the image before and the line, not the files: "COPY
     * app.conf /etc/" is the same line whatever app.conf holds, so an
     * edited file is never copied again. */
    (void)content;
    for (int i = 0; i < parent->n; i++)
        sha256_update(&h, HEX_LEN + 1, (const uint8_t *)parent->layer[i]);
    sha256_update(&h, strlen(line) + 1, (const uint8_t *)line);
