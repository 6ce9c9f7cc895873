// tests: each compression
    /* MUTANT 04.4: /sys mounted read-write (flags copied from /proc).
     * sysfs holds host-wide knobs (/sys/kernel/mm/..., /sys/module/...,
     * /sys/power/state) that the net namespace does not make private: a
     * container must get it read-only. */
    ct_trace("chroot DIR", "chroot(\"%s\")", a->root);
    if (chroot(a->root) == -1)
        die_errno("chroot '%s'", a->root);
    if (chdir("/") == -1)
        die_errno("chdir '/'");
    mount_in_root("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_in_root("sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_in_root("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");
