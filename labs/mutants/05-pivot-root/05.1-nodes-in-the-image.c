// tests: /dev holds|not changed
    /* MUTANT 05.1: no tmpfs on /dev: the device nodes, links and
     * directories are made in the image's own dev/ directory. The image
     * is changed for good (and the next container from it fails with
     * EEXIST, or gets whatever an earlier one left there). Everything in
     * /dev goes on a tmpfs of the container's own. */
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
