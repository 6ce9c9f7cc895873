        /* MUTANT 01.3: readlink(2)'s result used as a string: readlink does
         * not write a NUL. The buffer still holds the end of a longer
         * target read before, so a short target gets its tail: the jail's
         * link says something the host's does not. */
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(host, link, sizeof(link) - 1);
            if (n == -1)
                die_errno("readlink '%s'", host);
            jail_symlink(done, name, link);
            if (++links > 40)
                die_input("'%s': too many levels of symlinks", path);
            if ((size_t)n + 1 + strlen(todo) >= sizeof(todo))
                die_input("'%s': path too long", path);
            memmove(todo + n + 1, todo, strlen(todo) + 1);
            memcpy(todo, link, (size_t)n);
            todo[n] = '/';
            if (link[0] == '/')
                done[0] = '\0';
            continue;
        }
