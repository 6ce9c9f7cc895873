// tests: device nodes
    /* MUTANT 04.3: the "memory devices" (major 1: null, zero, random...)
     * are let through as harmless. But major 1 is also /dev/mem (1:1) and
     * /dev/port (1:4): physical memory and I/O ports. The container gets
     * its harmless devices from the runtime (step 05), never from the
     * image. */
    if ((type == AE_IFCHR || type == AE_IFBLK) && !u->allow_devices &&
        !(type == AE_IFCHR && archive_entry_rdevmajor(e) == 1)) {
        *why = "device node (use --allow-devices to create it)";
        return 1;
    }
