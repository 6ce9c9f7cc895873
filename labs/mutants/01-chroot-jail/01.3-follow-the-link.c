        /* MUTANT 01.3: the link followed instead of re-created (the teacher
         * notes' first 01.3 error): stat(2) says what it points to, and
         * that is made or copied under the link's name. The jailed ls may
         * even run, but /lib64 and the loader's name are no longer the
         * links the host has, two copies of a library can end up under
         * two names, and the jail is not the host's layout. */
        if (S_ISLNK(st.st_mode) && stat(host, &st) == -1)
            die_input_errno("'%s': stat '%s'", path, host);
