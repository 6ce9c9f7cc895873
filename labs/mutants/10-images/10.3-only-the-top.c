// tests: top one first|RUN's upper
    /* MUTANT 10.3: only the top layer, as step 07 had one image. A layer
     * is only what one step changed: alone, it has no /bin/sh. */
    layer_path(img->layer[img->n - 1], buf, size);
    len = strlen(buf);
