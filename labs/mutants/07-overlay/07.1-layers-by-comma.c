// tests: stacks layers
    /* MUTANT 07.1: the layers separated by ',' like the other options
     * ("lowerdir=/top,/img"). ',' ends the lowerdir option: '/img' is read
     * as an option of its own, which overlayfs does not know (EINVAL).
     * Layers are separated by ':'. */
    fprintf(f, "lowerdir=");
    for (int i = 0; i < o->nlayers; i++)
        fprintf(f, "%s%s", i ? "," : "", o->layers[i]);
    fprintf(f, ",upperdir=%s,workdir=%s", o->upper, o->work);
