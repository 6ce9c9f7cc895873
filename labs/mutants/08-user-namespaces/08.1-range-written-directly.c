// clang-format off
    /* MUTANT 08.1: a whole range written directly, "0 UID 65536", so that
     * ids 1..65535 exist inside too. Without CAP_SETUID outside the
     * kernel takes one line of one id, our own: EPERM. Ranges are what
     * newuidmap is for. */
    snprintf(uid_line, sizeof(uid_line), "0 %u 65536", (unsigned)box->uid);
    snprintf(gid_line, sizeof(gid_line), "0 %u 65536", (unsigned)box->gid);
    if (write_proc(pid, "setgroups", "deny") == -1 ||
        write_proc(pid, "uid_map", uid_line) == -1 ||
        write_proc(pid, "gid_map", gid_line) == -1)
        return -1;
