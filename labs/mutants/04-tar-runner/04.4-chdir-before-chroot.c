// tests: starts in the root
    /* MUTANT 04.4: chdir("/") *before* chroot: that is the host's "/".
     * After chroot the working directory is still the host's root, so
     * the command starts outside its root and reaches every host file by
     * a relative path. chdir after chroot, when "/" is the new root. */
    if (chdir("/") == -1)
        die_errno("chdir '/'");
    ct_trace("chroot DIR", "chroot(\"%s\")", a->root);
    if (chroot(a->root) == -1)
        die_errno("chroot '%s'", a->root);
    mount_in_root("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_in_root("sysfs", "/sys", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL);
    mount_in_root("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");
