// tests: /dev holds
    /* MUTANT 05.1: the host's /dev, bind-mounted whole (`mount --rbind
     * /dev dev`, the chroot habit). The container gets the host's disks,
     * /dev/mem, /dev/kmsg and every tty: the point of a /dev of our own
     * is that it holds six harmless devices and nothing else. */
    if (do_mount("/dev", "dev", NULL, MS_BIND | MS_REC, NULL,
                 "mount --rbind /dev dev") == -1)
        return -1;
