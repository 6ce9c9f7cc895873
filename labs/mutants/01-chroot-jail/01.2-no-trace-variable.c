    /* MUTANT 01.2: the loader started without LD_TRACE_LOADED_OBJECTS=1:
     * it does not list anything, it *runs the program* (as root, a
     * program we were only asked to copy), and no library is copied. */
    if (pipe2(fds, O_CLOEXEC) == -1)
        die_errno("pipe2");
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        if (dup2(fds[1], STDOUT_FILENO) == -1)
            _exit(127);
        execl(interp, interp, program, (char *)NULL);
        fprintf(stderr, "jail: exec loader '%s' failed: %s\n", interp,
                ct_errno_name(errno));
        _exit(127);
    }
    close(fds[1]);
