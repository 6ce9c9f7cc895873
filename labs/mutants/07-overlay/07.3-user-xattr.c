// tests: diff|writes go to upper|kept upper
    /* MUTANT 07.3: the opaque mark read from "user.overlay.opaque". That
     * is where overlayfs writes it with the userxattr mount option
     * (rootless, in a user namespace); our mount, as root, uses
     * "trusted.overlay.opaque". No directory is ever R. */
    char opaque[2] = "";
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        kind = 'D';
    } else if (S_ISDIR(st.st_mode) &&
               lgetxattr(path, "user.overlay.opaque", opaque, 1) == 1 &&
               opaque[0] == 'y') {
        kind = 'R';
        replaced = true;
    } else if (!in_opaque && in_layers(layers, nlayers, sub)) {
        kind = 'C';
    } else {
        kind = 'A';
    }
