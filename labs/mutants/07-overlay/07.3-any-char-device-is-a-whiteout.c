// tests: diff|writes go to upper|kept upper
    /* MUTANT 07.3: every character device in upper taken for a whiteout.
     * A whiteout is a device 0:0; a container may make real devices too
     * (mknod /null1 c 1 3 is an addition, not a deletion). Check st_rdev. */
    char opaque[2] = "";
    if (S_ISCHR(st.st_mode)) {
        kind = 'D';
    } else if (S_ISDIR(st.st_mode) &&
               lgetxattr(path, "trusted.overlay.opaque", opaque, 1) == 1 &&
               opaque[0] == 'y') {
        kind = 'R';
        replaced = true;
    } else if (!in_opaque && in_layers(layers, nlayers, sub)) {
        kind = 'C';
    } else {
        kind = 'A';
    }
