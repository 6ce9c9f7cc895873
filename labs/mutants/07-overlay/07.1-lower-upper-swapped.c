// tests: / inside is an overlay|writes go to upper
    /* MUTANT 07.1: lowerdir and upperdir swapped ("the container's dir is
     * the lower one, the image goes on top"). The mount works, and every
     * write of the container lands in the image: the next container
     * starts from a changed image. lowerdir= is the read-only image,
     * upperdir= the container's own. */
    fprintf(f, "lowerdir=%s,upperdir=", o->upper);
    for (int i = 0; i < o->nlayers; i++)
        fprintf(f, "%s%s", i ? ":" : "", o->layers[i]);
    fprintf(f, ",workdir=%s", o->work);
