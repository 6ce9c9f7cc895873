// tests: /dev holds|devpts
    /* MUTANT 05.1: /dev/pts is the host's devpts, bind-mounted ("the
     * ptys are already there"). The container then sees every pty of the
     * host, /dev/pts/N of each open terminal and ssh session, and can
     * open them: type into the host's shells, read what they show. A
     * devpts instance of its own (newinstance) has only the container's. */
    if (do_mount("tmpfs", "dev", "tmpfs",
                 MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=755,size=65536k",
                 "mount -t tmpfs -o nosuid,noexec,mode=755 tmpfs dev") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(devices); i++)
        if (make_device(&devices[i]) == -1)
            return -1;
    if (make_dir("dev/pts") == -1 ||
        do_mount("/dev/pts", "dev/pts", NULL, MS_BIND, NULL,
                 "mount --bind /dev/pts dev/pts") == -1)
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
