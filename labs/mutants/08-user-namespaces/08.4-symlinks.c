// clang-format off
    /* MUTANT 08.4: symlinks to the host's nodes, dev/null -> /dev/null.
     * They are resolved inside the container, after the pivot: /dev/null
     * then points at itself (ELOOP), and nothing opens. */
    if (ct_mount("tmpfs", "dev", "tmpfs",
                 MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=755,size=65536k",
                 "mount -t tmpfs -o nosuid,noexec,mode=755 tmpfs dev") == -1)
        return -1;
    for (size_t i = 0; i < N_OF(devices); i++) {
        char host[64], path[64];

        snprintf(host, sizeof(host), "/dev/%s", devices[i]);
        snprintf(path, sizeof(path), "dev/%s", devices[i]);
        if (ct_make_link(host, path) == -1)
            return -1;
    }
