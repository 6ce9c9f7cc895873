// clang-format off
    /* MUTANT 08.1: gid_map first, setgroups after. The kernel refuses a
     * gid_map from a process without CAP_SETGID outside until setgroups
     * says "deny" (else root inside could drop a group that locks it out
     * of a file), so a user gets EPERM; and once gid_map is written,
     * setgroups can no longer be written at all. */
    if (write_proc(pid, "uid_map", uid_line) == -1 ||
        write_proc(pid, "gid_map", gid_line) == -1 ||
        write_proc(pid, "setgroups", "deny") == -1)
        return -1;
