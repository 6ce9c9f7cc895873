        /* MUTANT 01.3: an absolute target does not start again from the
         * root (the teacher notes' second error): it is walked below the
         * directory the link is in, so /lib64/ld-linux-x86-64.so.2 leads
         * to /usr/lib64/lib/x86_64-linux-gnu/..., which does not exist. */
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(host, link, sizeof(link) - 1);
            if (n == -1)
                die_errno("readlink '%s'", host);
            link[n] = '\0';
            jail_symlink(done, name, link);
            if (++links > 40)
                die_input("'%s': too many levels of symlinks", path);
            if (strlen(link) + 1 + strlen(todo) >= sizeof(todo))
                die_input("'%s': path too long", path);
            memmove(todo + n + 1, todo, strlen(todo) + 1);
            memcpy(todo, link, (size_t)n);
            todo[n] = '/';
            continue;
        }
