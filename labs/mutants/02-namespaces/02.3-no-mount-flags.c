    /* MUTANT 02.3: a proc mounted with no flags: no nosuid, nodev, noexec.
     * The box's /proc is then a place where set-user-ID bits and device
     * files count and programs may run, which no container runtime
     * allows (Docker and runc mount it nosuid,nodev,noexec). */
    if (mount("proc", path, "proc", 0, NULL) == -1)
        return ct_fail_errno("mount proc on '%s'", path);
