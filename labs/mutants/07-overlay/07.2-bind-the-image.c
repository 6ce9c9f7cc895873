// tests: / inside is an overlay|writes go to upper
    /* MUTANT 07.2: the image bind-mounted on merged, as the root of step
     * 05 was (the options built in 07.1 left unused). The container's
     * root is the image itself: every write changes it, for every later
     * container. */
    if (mount(o->layers[0], o->merged, NULL, MS_BIND | MS_REC, NULL) == -1)
        die_errno("mount --bind '%s' on '%s'", o->layers[0], o->merged);
