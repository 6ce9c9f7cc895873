        /* MUTANT 00.2: CLONE_NEWUSER always, root or not ("it works
         * either way"). As root this tests what a user namespace allows,
         * not what root gets: where user namespaces are limited or refused
         * (user.max_user_namespaces=0, a seccomp profile that forbids them)
         * every type is reported broken although root can make it. */
        if (unshare(CLONE_NEWUSER | ns->flag) == -1)
            _exit(errno);
