    /* MUTANT 02.2: MS_SHARED where MS_PRIVATE belongs (the names are
     * easy to mix up): the box's mounts are made peers of the host's, so
     * every mount inside, /proc included, propagates out. */
    if (mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) == -1)
        return ct_fail_errno("make '/' shared: mount MS_REC|MS_SHARED");
