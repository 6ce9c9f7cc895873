// tests: diff|writes go to upper|kept upper
    /* MUTANT 07.3: C whenever the image has the path, in_opaque ignored.
     * Below an opaque (replaced) directory the image's entries are all
     * hidden: a file there is new, whatever the image has of that name. */
    char opaque[2] = "";
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        kind = 'D';
    } else if (S_ISDIR(st.st_mode) &&
               lgetxattr(path, "trusted.overlay.opaque", opaque, 1) == 1 &&
               opaque[0] == 'y') {
        kind = 'R';
        replaced = true;
    } else if (in_layers(layers, nlayers, sub)) {
        kind = 'C';
    } else {
        kind = 'A';
    }
