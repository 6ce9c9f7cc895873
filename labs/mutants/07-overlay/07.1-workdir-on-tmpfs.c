// tests: / inside is an overlay
    /* MUTANT 07.1: workdir=/dev/shm, "scratch space, on a fast tmpfs".
     * The work directory is where a copy-up is built before rename(2)
     * moves it into upper: it must be on upper's filesystem (the same
     * mount), empty, and the container's own. overlayfs refuses it
     * (EINVAL; dmesg: "workdir and upperdir must reside under the same
     * mount"). */
    fprintf(f, "lowerdir=");
    for (int i = 0; i < o->nlayers; i++)
        fprintf(f, "%s%s", i ? ":" : "", o->layers[i]);
    fprintf(f, ",upperdir=%s,workdir=/dev/shm", o->upper);
