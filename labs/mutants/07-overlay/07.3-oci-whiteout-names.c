// tests: diff|writes go to upper|kept upper
    /* MUTANT 07.3: whiteouts looked for by name, '.wh.NAME', as the OCI
     * image spec writes them in layer tarballs. In an overlayfs upper
     * directory the kernel makes a character device 0:0 with the file's
     * own name: no deletion is ever found. */
    char opaque[2] = "";
    if (strncmp(list[i]->d_name, ".wh.", 4) == 0) {
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
