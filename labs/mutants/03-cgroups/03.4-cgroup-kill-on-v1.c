// needs: /sys/fs/cgroup/memory/memory.limit_in_bytes
// tests: leaves running
    /* MUTANT 03.4: cgroup.kill written on every tree (the teacher notes'
     * error): v1 has no such file, the write fails with ENOENT, nothing is
     * killed, and rmdir stays EBUSY until cgbox gives up and leaves the
     * cgroup, and what runs in it, behind. */
    snprintf(path, sizeof(path), "%s/cgroup.kill", t->dir);
    if (ct_write_file(path, "1") == -1)
        warnx_ct("write '1' to '%s': %s", path, ct_errno_name(errno));
