// tests: / inside is an overlay
    /* MUTANT 07.2: filesystem type "overlayfs", the name of the module in
     * old Ubuntu kernels and of the feature in the docs. The kernel's
     * filesystem is called "overlay" (/proc/filesystems): ENODEV. */
    if (mount("overlay", o->merged, "overlayfs", 0, o->mount_options) == -1)
        die_errno("mount overlay on '%s'", o->merged);
