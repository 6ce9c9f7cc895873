    /* MUTANT 02.4: the hostname written to /proc/sys/kernel/hostname (what
     * `echo NAME > /proc/sys/kernel/hostname` does), after the chroot:
     * with --root, /proc there is the box's image's, and the write is
     * checked nowhere. Inside an image without /proc/sys it fails, and the
     * box starts with the host's name. */
    FILE *f = fopen("/proc/sys/kernel/hostname", "we");
    if (f) {
        fputs(box->hostname, f);
        fclose(f);
    }
