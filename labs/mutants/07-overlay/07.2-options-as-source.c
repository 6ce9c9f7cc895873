// tests: / inside is an overlay
    /* MUTANT 07.2: the options passed as the source (first argument), as
     * if mount(2) were `mount SOURCE TARGET`. For overlay the source is
     * only a name shown in mountinfo; the layers go in the last argument,
     * data. Without them: EINVAL (dmesg: "missing 'lowerdir'"). */
    if (mount(o->mount_options, o->merged, "overlay", 0, NULL) == -1)
        die_errno("mount overlay on '%s'", o->merged);
