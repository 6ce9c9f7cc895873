// tests: starts in the root
    /* MUTANT 04.4: chroot without chdir("/"). chroot(2) changes what "/"
     * means, not the working directory: the command starts in the host
     * directory tarbox was run from, and 'ls', 'cat ../../etc/os-release'
     * or '> file' read and write the host's files. (It is also where step
     * 01's chroot escape starts.) */
    ct_trace("chroot DIR", "chroot(\"%s\")", a->root);
    if (chroot(a->root) == -1)
        die_errno("chroot '%s'", a->root);
    mount_in_root("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_in_root("sysfs", "/sys", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL);
    mount_in_root("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");
