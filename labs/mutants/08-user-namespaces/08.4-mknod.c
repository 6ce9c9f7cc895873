// clang-format off
    /* MUTANT 08.4: step 05's /dev, made with mknod. Inside a user
     * namespace mknod of a device is EPERM even for root (CAP_MKNOD
     * counts only in the host's namespace), so no container starts. */
    if (ct_mount("tmpfs", "dev", "tmpfs",
                 MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=755,size=65536k",
                 "mount -t tmpfs -o nosuid,noexec,mode=755 tmpfs dev") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(devices); i++) {
        static const unsigned minors[] = {3, 5, 7, 8, 9, 0};
        char path[64];

        snprintf(path, sizeof(path), "dev/%s", devices[i]);
        /* makedev(major, minor), for numbers this small */
        if (mknod(path, S_IFCHR | 0666,
                  (dev_t)((i < 5 ? 1 : 5) << 8 | minors[i])) == -1)
            return ct_fail_errno("mknod '%s'", path);
    }
