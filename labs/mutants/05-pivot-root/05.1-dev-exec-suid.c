// tests: /dev holds
    /* MUTANT 05.1: the tmpfs on /dev without nosuid and noexec (`mount -t
     * tmpfs tmpfs dev`). /dev is writable by root inside: a program
     * dropped there could be run, setuid bits honoured. No program lives
     * in /dev; runc mounts it nosuid,noexec. */
    if (do_mount("tmpfs", "dev", "tmpfs", 0, "mode=755,size=65536k",
                 "mount -t tmpfs -o mode=755 tmpfs dev") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(devices); i++)
        if (make_device(&devices[i]) == -1)
            return -1;
    if (make_dir("dev/pts") == -1 ||
        do_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620",
                 "mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 "
                 "devpts dev/pts") == -1)
        return -1;
    if (make_dir("dev/shm") == -1 ||
        do_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=1777,size=65536k",
                 "mount -t tmpfs -o nosuid,nodev,noexec,mode=1777 shm "
                 "dev/shm") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(dev_links); i++)
        if (make_link(dev_links[i][0], dev_links[i][1]) == -1)
            return -1;
