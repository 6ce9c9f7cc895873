// tests: device nodes
    /* MUTANT 04.3: everything create_special gets is refused, FIFOs too.
     * A FIFO (named pipe) is harmless, images have them, and the grader
     * expects them made: only character and block devices are refused. */
    if (type != AE_IFSOCK && !u->allow_devices) {
        *why = "device node (use --allow-devices to create it)";
        return 1;
    }
