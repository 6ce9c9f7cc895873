// tests: stacks layers|kept upper works as a layer
    /* MUTANT 07.1: the layers joined bottom first, in the order one
     * "stacks" them (image, then what goes on it). overlayfs reads
     * lowerdir= top first: the image's files now hide the upper layers',
     * and a layer's whiteouts hide nothing. */
    fprintf(f, "lowerdir=");
    for (int i = o->nlayers - 1; i >= 0; i--)
        fprintf(f, "%s%s", i < o->nlayers - 1 ? ":" : "", o->layers[i]);
    fprintf(f, ",upperdir=%s,workdir=%s", o->upper, o->work);
