// tests: /dev holds
    /* MUTANT 05.1: the device nodes made with mknod(path, S_IFCHR | 0666)
     * and no chmod. The umask (022) trims the mode: /dev/null is 0644,
     * and every program that is not root fails to write to /dev/null or
     * read /dev/urandom. mknod(2) applies the umask; chmod after. */
    if (do_mount("tmpfs", "dev", "tmpfs",
                 MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=755,size=65536k",
                 "mount -t tmpfs -o nosuid,noexec,mode=755 tmpfs dev") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(devices); i++) {
        char path[64];

        snprintf(path, sizeof(path), "dev/%s", devices[i].name);
        if (mknod(path, S_IFCHR | 0666,
                  makedev(devices[i].major, devices[i].minor)) == -1)
            return ct_fail_errno("mknod '%s'", path);
    }
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
