// tests: as overlay shows|why a path
    /* MUTANT 10.2: only the path itself is looked up in each layer, not
     * the directories on its way. A whiteout of a whole directory
     * (rm -r /gonedir) then hides nothing below it: gonedir/f shows
     * again from the layer under the deletion. */
    for (int i = img->n - 1; i >= 0; i--) {
        struct stat st;
        if (stat_in_layer(img->layer[i], rel, &st) == 0) {
            if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
                snprintf(why, size, "deleted by a whiteout '%s' in layer %d",
                         rel, i + 1);
                return -1;
            }
            return i;
        }
    }
