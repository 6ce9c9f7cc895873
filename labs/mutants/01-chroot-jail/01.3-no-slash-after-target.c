        /* MUTANT 01.3: the target put in front of the rest without a '/'
         * between them (the teacher notes' third error): "usr/bin" and
         * "ls" become "usr/binls". */
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(host, link, sizeof(link) - 1);
            if (n == -1)
                die_errno("readlink '%s'", host);
            link[n] = '\0';
            jail_symlink(done, name, link);
            if (++links > 40)
                die_input("'%s': too many levels of symlinks", path);
            if (strlen(link) + strlen(todo) >= sizeof(todo))
                die_input("'%s': path too long", path);
            memmove(todo + n, todo, strlen(todo) + 1);
            memcpy(todo, link, (size_t)n);
            if (link[0] == '/')
                done[0] = '\0';
            continue;
        }
