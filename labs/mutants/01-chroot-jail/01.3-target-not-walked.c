        /* MUTANT 01.3: the link is re-created but its target is not walked
         * ("the link is there, done"): what it points to is never copied,
         * so the jail holds a dangling /lib64/ld-linux-x86-64.so.2, and a
         * link in the middle of a path (/bin -> usr/bin) leaves the rest
         * of the path looked up in the wrong directory. */
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(host, link, sizeof(link) - 1);
            if (n == -1)
                die_errno("readlink '%s'", host);
            link[n] = '\0';
            jail_symlink(done, name, link);
            if (++links > 40)
                die_input("'%s': too many levels of symlinks", path);
            if (!todo[0])
                return;
            continue;
        }
