// tests: diff|writes go to upper|kept upper
    /* MUTANT 07.3: "is it in the image?" asked first: a whiteout of an
     * image file is in the image, so the deletion prints C. The kind of
     * entry in upper (whiteout, opaque dir) decides first; the image only
     * tells a change from an addition. */
    char opaque[2] = "";
    if (!in_opaque && in_layers(layers, nlayers, sub) &&
        !(S_ISDIR(st.st_mode) &&
          lgetxattr(path, "trusted.overlay.opaque", opaque, 1) == 1)) {
        kind = 'C';
    } else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        kind = 'D';
    } else if (S_ISDIR(st.st_mode) && opaque[0] == 'y') {
        kind = 'R';
        replaced = true;
    } else {
        kind = 'A';
    }
