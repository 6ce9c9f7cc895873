// tests: ^--console-socket
    /* MUTANT oci.3: the fd's number, written as text. A number means
     * nothing in another process: its fd 5 is some other file, or none.
     * Only SCM_RIGHTS makes the kernel install the same open file in the
     * receiver's table; the shim gets digits, and no terminal. */
    char num[16];
    int n = snprintf(num, sizeof(num), "%d", fd);

    (void)data;
    (void)len;
    return write(sock, num, (size_t)n) == n ? 0 : -1;
