// tests: writes go to upper
    /* MUTANT 07.2: the overlay mounted MS_RDONLY ("the image must stay
     * read-only"). The image is read-only to the container already: it
     * is the lower layer. MS_RDONLY makes the whole root read-only, upper
     * too, and every write fails with EROFS. */
    if (mount("overlay", o->merged, "overlay", MS_RDONLY, o->mount_options) ==
        -1)
        die_errno("mount overlay on '%s'", o->merged);
