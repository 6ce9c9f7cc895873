// clang-format off
    /* MUTANT 08.4: "mknod is refused, so bring the host's /dev": one
     * recursive bind of all of it. Every node the host has is then in
     * the container: its disks, /dev/kmsg, every terminal (mode and owner
     * are the host's, so only what others may open, but that is a lot). */
    if (ct_mount("/dev", "dev", NULL, MS_BIND | MS_REC, NULL,
                 "mount --rbind /dev dev") == -1)
        return -1;
