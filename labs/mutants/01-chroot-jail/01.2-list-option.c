    /* MUTANT 01.2: "ld.so --list PROGRAM" instead of the environment
     * variable (the teacher notes, 01.2 q4): the same list, but it stops at
     * the first library it cannot find, prints its own error and exits
     * 127, so jail cannot say which library is missing. */
    if (pipe2(fds, O_CLOEXEC) == -1)
        die_errno("pipe2");
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        if (dup2(fds[1], STDOUT_FILENO) == -1)
            _exit(127);
        execl(interp, interp, "--list", program, (char *)NULL);
        fprintf(stderr, "jail: exec loader '%s' failed: %s\n", interp,
                ct_errno_name(errno));
        _exit(127);
    }
    close(fds[1]);
