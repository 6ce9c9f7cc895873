// tests: device nodes
    /* MUTANT 04.3: only block devices are refused ("disks are the
     * danger"). Character devices are as bad: /dev/mem (1:1) is physical
     * memory, /dev/kmsg the host's kernel log, a tty the host's
     * terminals. Refuse both kinds. */
    if (type == AE_IFBLK && !u->allow_devices) {
        *why = "device node (use --allow-devices to create it)";
        return 1;
    }
