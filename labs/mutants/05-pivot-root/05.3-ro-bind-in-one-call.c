// tests: read-only
    /* MUTANT 05.3: mount(path, path, NULL, MS_BIND | MS_RDONLY) in one
     * call. MS_BIND ignores every other flag: the bind is made read-write
     * and /proc/sys, /proc/sysrq-trigger stay writable (a write to
     * sysrq-trigger can reboot the host). The read-only flag takes a
     * second call, MS_REMOUNT | MS_BIND | MS_RDONLY. */
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        if (mask_path(masked_paths[i]) == -1)
            return -1;
    for (size_t i = 0; i < N_OF(readonly_paths); i++) {
        const char *p = readonly_paths[i];

        if (access(p, F_OK) == 0 &&
            do_mount(p, p, NULL, MS_BIND | MS_REC | MS_RDONLY, NULL,
                     "mount --bind -o ro PATH PATH") == -1)
            return -1;
    }
