// tests: masked
    /* MUTANT 05.3: every masked path gets /dev/null bound over it, and a
     * failure is skipped as "this kernel has no such file". But the
     * bind fails on directories (ENOTDIR): /proc/acpi, /proc/scsi and
     * /sys/firmware (the host's ACPI tables and firmware memory map) stay
     * visible. A directory is masked with an empty read-only tmpfs. */
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        mount("/dev/null", masked_paths[i], NULL, MS_BIND, NULL);
    for (size_t i = 0; i < N_OF(readonly_paths); i++)
        if (make_readonly(readonly_paths[i]) == -1)
            return -1;
