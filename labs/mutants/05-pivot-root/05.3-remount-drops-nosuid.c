// tests: read-only
    /* MUTANT 05.3: the read-only remount with MS_BIND | MS_REMOUNT |
     * MS_RDONLY only. A remount sets the mount's flags to what it is
     * given: /proc/sys loses the nosuid, nodev and noexec of the proc
     * mount it came from. Pass them again. (In a user namespace the
     * kernel refuses to clear them: EPERM.) */
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        if (mask_path(masked_paths[i]) == -1)
            return -1;
    for (size_t i = 0; i < N_OF(readonly_paths); i++) {
        const char *p = readonly_paths[i];

        if (access(p, F_OK) == -1)
            continue;
        if (do_mount(p, p, NULL, MS_BIND | MS_REC, NULL,
                     "mount --bind PATH PATH") == -1 ||
            do_mount(p, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL,
                     "mount -o remount,bind,ro PATH") == -1)
            return -1;
    }
