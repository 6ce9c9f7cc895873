// tests: diff|writes go to upper|kept upper
    /* MUTANT 07.3: an opaque directory is reported R, but `replaced` is
     * not set, so what is below it is compared with the image: a new
     * /etc/passwd in a replaced /etc prints C ("changed") though nothing
     * of the image's /etc is visible any more. It is an addition (A). */
    char opaque[2] = "";
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        kind = 'D';
    } else if (S_ISDIR(st.st_mode) &&
               lgetxattr(path, "trusted.overlay.opaque", opaque, 1) == 1 &&
               opaque[0] == 'y') {
        kind = 'R';
    } else if (!in_opaque && in_layers(layers, nlayers, sub)) {
        kind = 'C';
    } else {
        kind = 'A';
    }
