    /* MUTANT 02.1: the bottom of the stack array passed to clone: stacks
     * grow down, so the child's first push writes below the array, and it
     * dies of SIGSEGV (exit 139) before it runs a line of child_main. */
    pid = clone(child_main, stack, box->flags | SIGCHLD, box);
    if (pid == -1)
        die_errno("clone into new namespaces");
