// clang-format off
    /* MUTANT 08.1: "root inside is root": the map "0 0 1" names the
     * host's root as uid 0 inside. Only a process with CAP_SETUID outside
     * may map an id other than its own; for a user the kernel says EPERM
     * (and if it did not, root inside would own every host file). */
    if (write_proc(pid, "setgroups", "deny") == -1 ||
        write_proc(pid, "uid_map", "0 0 1") == -1 ||
        write_proc(pid, "gid_map", "0 0 1") == -1)
        return -1;
