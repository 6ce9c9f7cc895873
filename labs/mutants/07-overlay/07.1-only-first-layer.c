// tests: stacks layers
    /* MUTANT 07.1: only the first (top) layer in lowerdir, as the
     * worksheet's first by-hand mount has one. With IMAGE:IMAGE2 or
     * --layer the layers below it are gone: the container sees the top
     * layer alone, without the image's /bin or /etc. */
    fprintf(f, "lowerdir=%s,upperdir=%s,workdir=%s", o->layers[0], o->upper,
            o->work);
