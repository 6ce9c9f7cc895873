        /* MUTANT 00.2: the child exits 1 on failure, so the parent never
         * learns which errno it was: every failure reads as EPERM (1), and
         * a namespace limit (ENOSPC: "raise user.max_uts_namespaces") gets
         * the wrong diagnosis and the wrong fix. */
        int flags = is_root ? ns->flag : CLONE_NEWUSER | ns->flag;
        if (unshare(flags) == -1)
            _exit(1);
