// clang-format off
    /* MUTANT 08.1: the two maps, and setgroups left alone. As a user,
     * gid_map is then EPERM; as root it works, but setgroups stays
     * "allow": with a single gid mapped, root inside could drop its
     * supplementary groups with setgroups(2). */
    if (write_proc(pid, "uid_map", uid_line) == -1 ||
        write_proc(pid, "gid_map", gid_line) == -1)
        return -1;
