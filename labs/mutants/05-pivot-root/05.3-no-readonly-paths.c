// tests: read-only
    /* MUTANT 05.3: only the masked paths. /proc/sys is the host's sysctl
     * tree for everything not namespaced (kernel.core_pattern: a program
     * the host's kernel runs as root), and /proc/sysrq-trigger reboots the
     * host: both must be read-only. */
    for (size_t i = 0; i < N_OF(masked_paths); i++)
        if (mask_path(masked_paths[i]) == -1)
            return -1;
