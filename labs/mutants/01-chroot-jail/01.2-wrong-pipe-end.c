    /* MUTANT 01.2: fds[0] and fds[1] mixed up: the loader's stdout is the
     * pipe's *read* end, its writes fail, the parent reads nothing, and
     * the program is copied without its libraries. */
    if (pipe2(fds, O_CLOEXEC) == -1)
        die_errno("pipe2");
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        if (dup2(fds[0], STDOUT_FILENO) == -1 ||
            setenv("LD_TRACE_LOADED_OBJECTS", "1", 1) == -1)
            _exit(127);
        execl(interp, interp, program, (char *)NULL);
        fprintf(stderr, "jail: exec loader '%s' failed: %s\n", interp,
                ct_errno_name(errno));
        _exit(127);
    }
    close(fds[1]);
