// tests: ^create: the first process waits
    /* MUTANT oci.1: start removes the FIFO, and that is all: "no FIFO
     * means running", and state does say running. But no one opened it
     * for reading: the first process stays blocked in its open(O_WRONLY)
     * for ever, and the command never runs. */
    (void)byte;
    (void)fifo;
    (void)pidfd;
    (void)n;
    unlink(path);
    return 0;
