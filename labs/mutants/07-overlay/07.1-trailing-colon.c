// tests: / inside is an overlay
    /* MUTANT 07.1: a ':' after every layer, the last one too
     * ("lowerdir=/img:,upperdir=..."). overlayfs refuses the empty layer:
     * EINVAL, and dmesg says "unescaped trailing colons in lowerdir mount
     * option". Separators go between layers. */
    fprintf(f, "lowerdir=");
    for (int i = 0; i < o->nlayers; i++)
        fprintf(f, "%s:", o->layers[i]);
    fprintf(f, ",upperdir=%s,workdir=%s", o->upper, o->work);
