        /* MUTANT 00.2: unshare(ns->flag) alone, also without root. Without
         * root every type then fails with EPERM and is reported "could not
         * try it without root", although a user namespace first would have
         * made it (the way rootless containers do it). */
        if (unshare(ns->flag) == -1)
            _exit(errno);
