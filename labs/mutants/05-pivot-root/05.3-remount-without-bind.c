// tests: read-only|writable
    /* MUTANT 05.3: the bind, then MS_REMOUNT | MS_RDONLY without MS_BIND.
     * Without MS_BIND a remount changes the *filesystem*, not this mount:
     * the whole proc of the container becomes read-only, /proc/self/...
     * included (writes to oom_score_adj, attr/, ... fail with EROFS). */
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        if (mask_path(masked_paths[i]) == -1)
            return -1;
    for (size_t i = 0; i < N_OF(readonly_paths); i++) {
        const char *p = readonly_paths[i];

        if (access(p, F_OK) == -1)
            continue;
        if (do_mount(p, p, NULL, MS_BIND | MS_REC, NULL,
                     "mount --bind PATH PATH") == -1 ||
            do_mount(p, p, NULL,
                     MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                     NULL, "mount -o remount,ro PATH") == -1)
            return -1;
    }
