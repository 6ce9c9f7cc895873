// tests: / inside is an overlay
    /* MUTANT 07.1: lowerdir and upperdir, and no workdir ("only the two
     * layers matter"). overlayfs needs a work directory on upper's
     * filesystem to build each copy-up before renaming it into place:
     * without one the mount fails (EINVAL; dmesg: "missing 'workdir'"). */
    fprintf(f, "lowerdir=");
    for (int i = 0; i < o->nlayers; i++)
        fprintf(f, "%s%s", i ? ":" : "", o->layers[i]);
    fprintf(f, ",upperdir=%s", o->upper);
