// tests: each compression
    /* MUTANT 04.4: mount("proc", "/proc", "proc", 0, NULL), as `mount -t
     * proc proc /proc` does. Without nosuid, nodev, noexec a /proc entry
     * could be executed or opened as a device; runc and Docker always
     * set them (the grader reads them back from mountinfo). */
    ct_trace("chroot DIR", "chroot(\"%s\")", a->root);
    if (chroot(a->root) == -1)
        die_errno("chroot '%s'", a->root);
    if (chdir("/") == -1)
        die_errno("chdir '/'");
    mount_in_root("proc", "/proc", 0, NULL);
    mount_in_root("sysfs", "/sys", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL);
    mount_in_root("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");
