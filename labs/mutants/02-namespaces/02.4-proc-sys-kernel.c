    /* MUTANT 02.4: the name written to /proc/sys/kernel/hostname (what
     * `echo NAME > /proc/sys/kernel/hostname` does), unchecked. The file is
     * there only where a proc is mounted: with --root and no fresh /proc
     * (--ns uts), fopen fails, nothing says so, and the box keeps the
     * host's name. sethostname(2) needs no file. */
    FILE *f = fopen("/proc/sys/kernel/hostname", "we");
    if (f) {
        fputs(box->hostname, f);
        fclose(f);
    }
