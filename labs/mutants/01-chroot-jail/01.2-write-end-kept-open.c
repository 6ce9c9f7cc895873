    /* MUTANT 01.2: the parent never closes its copy of the write end (the
     * worksheet's question 2). fgets sees end of file only when every
     * write end is closed: the loader's ends when it exits, the parent's
     * never, so jail waits for itself forever. */
    if (pipe2(fds, O_CLOEXEC) == -1)
        die_errno("pipe2");
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        if (dup2(fds[1], STDOUT_FILENO) == -1 ||
            setenv("LD_TRACE_LOADED_OBJECTS", "1", 1) == -1)
            _exit(127);
        execl(interp, interp, program, (char *)NULL);
        fprintf(stderr, "jail: exec loader '%s' failed: %s\n", interp,
                ct_errno_name(errno));
        _exit(127);
    }
