    /* MUTANT 02.1: SIGCHLD forgotten in the clone flags (the teacher
     * notes' first error): the child is a "clone child" whose end
     * waitpid(2) does not see without __WALL, so nsbox fails with ECHILD
     * (or, racing an exec, only sometimes). */
    pid = clone(child_main, stack + sizeof(stack), box->flags, box);
    if (pid == -1)
        die_errno("clone into new namespaces");
