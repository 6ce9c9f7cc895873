// tests: cache
    /* MUTANT 10.4: the parent's last layer stands for the parent ("keyed
     * on the parent layer"). But a layer is only what one step changed:
     * the same COPY on two bases makes the same layer, so the next step
     * of one base hits the other's cache. The whole list must count. */
    if (parent->n > 0)
        sha256_update(&h, HEX_LEN + 1,
                      (const uint8_t *)parent->layer[parent->n - 1]);
    sha256_update(&h, strlen(line) + 1, (const uint8_t *)line);
    sha256_update(&h, strlen(content) + 1, (const uint8_t *)content);
