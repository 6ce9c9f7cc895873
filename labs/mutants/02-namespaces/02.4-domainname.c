    /* MUTANT 02.4: setdomainname(2), its neighbour in the man pages and
     * in struct utsname: it sets the NIS domain name, and the hostname
     * stays the copied one. */
    if (setdomainname(box->hostname, strlen(box->hostname)) == -1)
        return ct_fail_errno("setdomainname '%s'", box->hostname);
