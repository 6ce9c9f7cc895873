    /* MUTANT 02.4: sizeof(box->hostname) for the length (the teacher
     * notes' error): the size of a pointer, 8, so "minictr-box" becomes
     * "minictr-", and a short name drags bytes after it along. */
    if (sethostname(box->hostname, sizeof(box->hostname)) == -1)
        return ct_fail_errno("sethostname '%s'", box->hostname);
