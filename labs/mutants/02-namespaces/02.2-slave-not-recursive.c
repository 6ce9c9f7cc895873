    /* MUTANT 02.2: MS_SLAVE alone, no MS_REC: runc's default is "rslave",
     * but without the r only the mount at / is a slave; the mounts below
     * it stay shared with the host's, and a mount made inside them leaks
     * out. */
    if (mount(NULL, "/", NULL, MS_SLAVE, NULL) == -1)
        return ct_fail_errno("make '/' a slave: mount MS_SLAVE");
