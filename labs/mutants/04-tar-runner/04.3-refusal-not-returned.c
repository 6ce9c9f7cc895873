// tests: device nodes
    /* MUTANT 04.3: the reason is set but the function does not return:
     * the code below goes on and mknodat makes the device anyway, and
     * nothing is printed. A refusal is "set *why, return 1". */
    if ((type == AE_IFCHR || type == AE_IFBLK) && !u->allow_devices)
        *why = "device node (use --allow-devices to create it)";
