    /* MUTANT 02.1: fork, then unshare(box->flags) in the child, as lab 00
     * did. Every namespace type moves the caller at once except pid:
     * unshare(CLONE_NEWPID) puts only the caller's *next child* in the new
     * pid namespace. The command is not PID 1, sees its parent, and a
     * fresh /proc mounted now shows the old pid namespace. */
    pid = fork();
    if (pid == -1)
        die_errno("clone into new namespaces");
    if (pid == 0) {
        if (unshare(box->flags) == -1)
            die_errno("unshare");
        _exit(child_main(box));
    }
