// tests: device nodes
    /* MUTANT 04.3: device nodes are always refused: --allow-devices,
     * which the user gives to say "I trust this tarball's devices", is
     * ignored. Safe, but the option does nothing. */
    if (type == AE_IFCHR || type == AE_IFBLK) {
        *why = "device node (use --allow-devices to create it)";
        return 1;
    }
