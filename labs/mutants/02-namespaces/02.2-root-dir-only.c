    /* MUTANT 02.2: the box's root made private instead of "/" ("that is
     * where the box mounts things"), and only when there is one: without
     * --root nothing is made private, and with it the call fails (EINVAL:
     * the directory is not a mount point). */
    if (box->root &&
        mount(NULL, box->root, NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make '%s' private", box->root);
