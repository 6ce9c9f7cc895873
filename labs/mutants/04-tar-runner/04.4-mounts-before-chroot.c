// tests: proc' symlink
    /* MUTANT 04.4: /proc, /sys and /tmp mounted on ROOT/proc... before
     * chroot, with paths built on the host. The tarball made those names:
     * 'proc -> /host/dir' puts the mount on the host's directory (in our
     * mount namespace, where the container then sees it). Mount after
     * chroot, when every path is resolved inside the root. */
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/proc", a->root);
    mount_in_root("proc", path, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    snprintf(path, sizeof(path), "%s/sys", a->root);
    mount_in_root("sysfs", path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL);
    snprintf(path, sizeof(path), "%s/tmp", a->root);
    mount_in_root("tmpfs", path, MS_NOSUID | MS_NODEV, "mode=1777");
    ct_trace("chroot DIR", "chroot(\"%s\")", a->root);
    if (chroot(a->root) == -1)
        die_errno("chroot '%s'", a->root);
    if (chdir("/") == -1)
        die_errno("chdir '/'");
