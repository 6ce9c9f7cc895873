    /* MUTANT 02.2: MS_PRIVATE without MS_REC (the teacher notes'
     * error): only the mount at / becomes private; every mount below it
     * (/proc, /sys, /home, a shared bind mount) keeps its propagation,
     * and what the box mounts there appears on the host too. */
    if (mount(NULL, "/", NULL, MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make '/' private: mount MS_PRIVATE");
