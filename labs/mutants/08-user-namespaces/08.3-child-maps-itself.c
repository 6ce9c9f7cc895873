// clang-format off
    /* MUTANT 08.3: the child writes its own map instead of waiting (as
     * `unshare -r` does after unshare(2)). But getuid() in the child says
     * 65534 (our uid is not mapped yet), and the kernel refuses a map of
     * an id the writer does not have; and the parent's own write then
     * finds the map taken: a map is written once. */
    char line[32];
    (void)go;
    snprintf(line, sizeof(line), "0 %u 1", (unsigned)getuid());
    ct_write_file("/proc/self/setgroups", "deny");
    if (ct_write_file("/proc/self/uid_map", "%s", line) == -1) {
        ct_fail_errno("write '/proc/self/uid_map'");
        child_exit(1);
    }
