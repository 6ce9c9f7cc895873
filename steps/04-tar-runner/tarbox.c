/*
 * 04-tar-runner: run the tarball `docker export` makes, in one command.
 *
 * Step 02 ran a command in new namespaces on a directory we trusted. Here
 * the root filesystem comes as a tarball from someone else, and unpacking
 * it is the dangerous part: a tar entry is only a name, and names such as
 * '../../etc/cron.d/x', '/etc/passwd', or 'link/passwd' after an entry
 * 'link -> /etc', write wherever they point. So this tool unpacks the
 * tarball itself, the safe way: every entry is made with an *at() call on
 * a directory fd below the root, and no symlink is ever followed while
 * unpacking. Then it runs a command chrooted into the result, in new uts,
 * pid, mount, ipc and net namespaces, and removes it all afterwards.
 *
 * Read: tar(5), archive_read(3), openat(2), path_resolution(7), symlink(7),
 *       linkat(2), mknod(2), namespaces(7), chroot(2).
 * Try:  sudo ./tarbox busybox.tar /bin/sh -c 'hostname; echo $$; ls /'
 *       sudo ./tarbox evil.tar /bin/true   (see labs/04-tar-runner.md)
 * See:  the shell is PID 1 in a root made from the tarball, and each entry
 *       that would leave the root is refused with a line on stderr.
 */
#include "ct.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define STACK_SIZE (1024 * 1024)

struct options {
    const char *tarball;
    char **cmd;
    const char *dir; /* --dir, or NULL for $MINICTR_STATE/tarbox/<pid> */
    const char *hostname;
    bool keep;
    bool allow_devices;
};

/* One unpacking: the archive, the root we unpack into, and counts. */
struct unpack {
    const char *tarball;
    struct archive *ar;
    int root_fd;
    bool allow_devices;
    unsigned long entries;
    unsigned long refused;
};

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: tarbox [OPTIONS] TARBALL CMD [ARG...]\n"
            "\n"
            "Unpack TARBALL (a root filesystem as `docker export` writes it:\n"
            "plain tar, or compressed with gzip, xz, zstd or bzip2) safely,\n"
            "then run CMD chrooted into it in new uts, pid, mount, ipc and\n"
            "net namespaces, with /proc, /sys and /tmp mounted.\n"
            "\n"
            "Entries that would leave the root ('..', absolute paths, links\n"
            "whose way or target leaves it) and device nodes are refused\n"
            "with a message; the rest is unpacked.\n"
            "\n"
            "  --dir DIR        unpack into DIR (must not exist yet);\n"
            "                   default $MINICTR_STATE/tarbox/<pid>\n"
            "                   (MINICTR_STATE: /run/minictr if unset)\n"
            "  --keep           keep the unpacked root after the run\n"
            "  --allow-devices  create the device nodes the tarball holds\n"
            "  --hostname NAME  hostname inside (default: tarbox)\n"
            "  --trace          print each kernel call and its shell twin\n"
            "  --help           show this help\n"
            "\n"
            "Exit status: CMD's own, 128+N if a signal N killed it; 1 when a\n"
            "kernel call fails, 2 on bad usage, 3 on a missing, corrupt or\n"
            "truncated tarball (nothing is left unpacked then).\n");
}

static void
parse_args(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"keep", no_argument, NULL, 'k'},
        {"allow-devices", no_argument, NULL, 'D'},
        {"hostname", required_argument, NULL, 'h'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opt->hostname = "tarbox";
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opt->dir = optarg; break;
        case 'k': opt->keep = true; break;
        case 'D': opt->allow_devices = true; break;
        case 'h': opt->hostname = optarg; break;
        case 't': ct_tracing = true; break;
        case 'H': usage(stdout); exit(0);
        default: die_usage("unknown option");
        }
    }
    if (argc - optind < 2)
        die_usage("need a TARBALL and a CMD to run");
    if (geteuid() != 0)
        die("namespaces, chroot and the tarball's owners need root: run it "
            "with sudo");
    if (strlen(opt->hostname) == 0 || strlen(opt->hostname) > 64)
        die_usage("--hostname: 1 to 64 characters, not '%s'", opt->hostname);
    opt->tarball = argv[optind];
    opt->cmd = argv + optind + 1;
}

/* ---- unpacking --------------------------------------------------------- */

/* Report an entry we will not create, and carry on with the next one. */
static int
refuse(struct unpack *u, const char *name, const char *why)
{
    fflush(stdout);
    fprintf(stderr, "%s: refused '%s': %s\n", ct_prog, name, why);
    u->refused++;
    return 0;
}

/*
 * Find where the entry `name` goes. Check the name, then open its parent
 * directory below the root, making missing directories on the way and
 * never following a symlink; copy its last component to `leaf`. Returns a
 * directory fd (u->root_fd itself when the parent is the root), or -1 with
 * *why set: the entry is refused. A name like "./" or "usr/." names the
 * directory itself: the fd is that directory's and leaf is "".
 */
static int
open_parent(struct unpack *u, const char *name, char *leaf, const char **why)
{
    const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    char copy[PATH_MAX], *comp, *next, *save;
    int fd = u->root_fd;

    if (strlen(name) >= sizeof(copy)) {
        *why = "name too long";
        return -1;
    }
    strcpy(copy, name);
    leaf[0] = '\0';
    /* LAB 04.1: refuse /x and .., walk to the parent, never following a link */
    /* An absolute name means "the host's /" to anyone who extracts with
     * open(name): refuse it. (GNU tar strips the '/' instead.) */
    if (name[0] == '/') {
        *why = "absolute path";
        return -1;
    }
    /* '..' is how a name climbs out ('etc/../../x'). A '..' that stays
     * inside is harmless only if nothing before it is a symlink, so like
     * GNU tar we refuse every one, before we create anything. */
    for (comp = copy; (comp = strstr(comp, "..")); comp += 2)
        if ((comp == copy || comp[-1] == '/') &&
            (comp[2] == '\0' || comp[2] == '/')) {
            *why = "path leaves the root";
            return -1;
        }
    /* path_resolution(7): open("a/b/c") follows a symlink at a, b or c,
     * and an earlier entry may have made one ('a -> /etc'). So we open
     * one component at a time from the root's fd: O_NOFOLLOW fails with
     * ELOOP on a symlink, O_DIRECTORY with ENOTDIR on a file. (openat2(2)
     * with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS does this in one call.) */
    for (comp = strtok_r(copy, "/", &save); comp; comp = next) {
        int sub;

        next = strtok_r(NULL, "/", &save);
        if (strcmp(comp, ".") == 0)
            continue;
        if (!next) { /* the last component: the entry itself */
            strcpy(leaf, comp);
            break;
        }
        sub = openat(fd, comp, flags);
        if (sub == -1 && errno == ENOENT && mkdirat(fd, comp, 0755) == 0)
            sub = openat(fd, comp, flags); /* a parent the tar left out */
        if (sub == -1)
            *why = errno == ELOOP || errno == ENOTDIR
                ? "a parent is a symlink or not a directory "
                  "(tarbox never follows links while unpacking)"
                : strerror(errno);
        if (fd != u->root_fd)
            close(fd);
        if (sub == -1)
            return -1;
        fd = sub;
    }
    /* END LAB */
    return fd;
}

/* A later entry replaces an earlier one of the same name, as in tar:
 * remove what is there (an empty directory too). 0, or -1 with errno. */
static int
remove_old(int dirfd, const char *leaf)
{
    if (unlinkat(dirfd, leaf, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno == EISDIR)
        return unlinkat(dirfd, leaf, AT_REMOVEDIR);
    return -1;
}

/*
 * Give a file we made the entry's owner, mode, extended attributes and
 * modification time. We are root, so the numeric owners in the tarball
 * are kept as they are.
 */
static int
set_metadata(int fd, struct archive_entry *e)
{
    const char *name;
    const void *value;
    size_t size;

    /* chown(2) clears the setuid and setgid bits, so owner first, then
     * the mode with those bits. */
    if (fchown(fd, archive_entry_uid(e), archive_entry_gid(e)) == -1 ||
        fchmod(fd, archive_entry_perm(e) & 07777) == -1)
        return -1;
    /* xattrs carry file capabilities (security.capability: ping's
     * cap_net_raw) and SELinux labels; a pax tarball holds them. */
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
        if (fsetxattr(fd, name, value, size, 0) == -1 && errno != ENOTSUP)
            return -1;
    if (archive_entry_filetype(e) != AE_IFDIR) {
        struct timespec times[2] = {
            {.tv_nsec = UTIME_OMIT},
            {archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
        };
        return futimens(fd, times);
    }
    return 0;
}

/* A regular file: create it fresh (O_EXCL | O_NOFOLLOW: never write
 * through whatever was there) and copy the entry's data in. */
static int
create_file(struct unpack *u, int dirfd, const char *leaf,
            struct archive_entry *e)
{
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    const void *buf;
    size_t size;
    la_int64_t offset, end = 0;
    int fd, r;

    fd = openat(dirfd, leaf, flags, 0600);
    if (fd == -1 && errno == EEXIST && remove_old(dirfd, leaf) == 0)
        fd = openat(dirfd, leaf, flags, 0600);
    if (fd == -1)
        return -1;
    /* Blocks come with their offset: a sparse file's holes are skipped. A
     * header may claim a terabyte; we write only the data that is there,
     * and a short archive fails below with "truncated". */
    while ((r = archive_read_data_block(u->ar, &buf, &size, &offset)) ==
           ARCHIVE_OK) {
        if (pwrite(fd, buf, size, offset) != (ssize_t)size) {
            close(fd);
            return -1;
        }
        end = offset + size;
    }
    if (r != ARCHIVE_EOF) {
        close(fd);
        errno = 0; /* the archive's error, not the kernel's */
        return -1;
    }
    if ((end < archive_entry_size(e) &&
         ftruncate(fd, archive_entry_size(e)) == -1) ||
        set_metadata(fd, e) == -1) {
        close(fd);
        return -1;
    }
    return close(fd);
}

static int
create_dir(int dirfd, const char *leaf, struct archive_entry *e)
{
    const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd, r;

    /* The directory may exist already (made as a parent, or listed
     * twice): keep it and its contents. Anything else is replaced. */
    if (mkdirat(dirfd, leaf, 0700) == -1 && errno != EEXIST)
        return -1;
    fd = openat(dirfd, leaf, flags);
    if (fd == -1 && (errno == ELOOP || errno == ENOTDIR) &&
        remove_old(dirfd, leaf) == 0 && mkdirat(dirfd, leaf, 0700) == 0)
        fd = openat(dirfd, leaf, flags);
    if (fd == -1)
        return -1;
    r = set_metadata(fd, e);
    close(fd);
    return r;
}

/* A symlink's target is only text: it is resolved when the container
 * opens it, after chroot, and so inside the root, wherever it points. */
static int
create_symlink(int dirfd, const char *leaf, struct archive_entry *e)
{
    const char *target = archive_entry_symlink(e);
    struct timespec times[2] = {
        {.tv_nsec = UTIME_OMIT},
        {archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
    };

    if (!target || remove_old(dirfd, leaf) == -1 ||
        symlinkat(target, dirfd, leaf) == -1)
        return -1;
    if (fchownat(dirfd, leaf, archive_entry_uid(e), archive_entry_gid(e),
                 AT_SYMLINK_NOFOLLOW) == -1)
        return -1;
    return utimensat(dirfd, leaf, times, AT_SYMLINK_NOFOLLOW);
}

/* A hard link names a file already unpacked: 'bin/sh' links to 'bin/ash'.
 * Returns 0, 1 when refused (why set), or -1 with errno. */
static int
create_hardlink(struct unpack *u, int dirfd, const char *leaf,
                struct archive_entry *e, const char **why)
{
    char tleaf[PATH_MAX];
    int tdirfd, r;

    /* LAB 04.2: a hard link's target must be inside the root */
    /* Unlike a symlink, a hard link is resolved now, by us, on the host:
     * linkat(2) to '/etc/shadow' or '../../x' would give the container
     * the host's file itself. So the target goes through the same checks
     * as an entry's name, and is looked up with the same walk. */
    tdirfd = open_parent(u, archive_entry_hardlink(e), tleaf, why);
    if (tdirfd == -1)
        return 1;
    if (tleaf[0] == '\0') {
        if (tdirfd != u->root_fd)
            close(tdirfd);
        *why = "a hard link to a directory";
        return 1;
    }
    /* flags 0: if the target is a symlink, link the symlink itself,
     * never the file it points to (that is AT_SYMLINK_FOLLOW). */
    r = remove_old(dirfd, leaf);
    if (r == 0)
        r = linkat(tdirfd, tleaf, dirfd, leaf, 0);
    if (tdirfd != u->root_fd)
        close(tdirfd);
    if (r == -1 && errno == ENOENT) {
        *why = "the link's target is not in the archive (or not yet)";
        return 1;
    }
    /* END LAB */
    return r;
}

/* Device nodes and FIFOs. Returns 0, 1 when refused (why set), or -1. */
static int
create_special(struct unpack *u, int dirfd, const char *leaf,
               struct archive_entry *e, const char **why)
{
    mode_t type = archive_entry_filetype(e);

    /* LAB 04.3: refuse device nodes unless --allow-devices */
    /* A block device such as 'dev/sda' (8, 0) is the host's whole disk to
     * whoever can open it: a tarball has no business bringing one. The
     * container gets the few harmless devices it needs from its runtime
     * (step 05), not from the image. */
    if ((type == AE_IFCHR || type == AE_IFBLK) && !u->allow_devices) {
        *why = "device node (use --allow-devices to create it)";
        return 1;
    }
    /* END LAB */
    if (type == AE_IFSOCK) {
        *why = "a socket cannot be unpacked";
        return 1;
    }
    /* The mode goes in with mknodat (umask is 0 while we unpack): a later
     * fchmodat(2) would follow a symlink, the very bug of CVE-2021-32760. */
    if (remove_old(dirfd, leaf) == -1 ||
        mknodat(dirfd, leaf, type | (archive_entry_perm(e) & 0777),
                archive_entry_rdev(e)) == -1)
        return -1;
    return fchownat(dirfd, leaf, archive_entry_uid(e), archive_entry_gid(e),
                    AT_SYMLINK_NOFOLLOW);
}

/*
 * Create one entry below the root. Returns 0 (made, or refused and
 * reported), or -1 with the reason recorded (ct_fail) when the tarball is
 * corrupt or a call fails: the caller then gives up on the whole tarball.
 */
static int
unpack_entry(struct unpack *u, struct archive_entry *e)
{
    const char *name = archive_entry_pathname(e);
    const char *why = NULL;
    char leaf[PATH_MAX];
    int dirfd, r;

    if (!name)
        return ct_fail("'%s' is corrupt: an entry without a name", u->tarball);
    dirfd = open_parent(u, name, leaf, &why);
    if (dirfd == -1)
        return refuse(u, name, why);
    if (leaf[0] == '\0') /* "./" or "usr/.": the directory dirfd itself */
        r = archive_entry_filetype(e) == AE_IFDIR
            ? set_metadata(dirfd, e)
            : (why = "names a directory, but is not one", 1);
    else if (archive_entry_hardlink(e))
        r = create_hardlink(u, dirfd, leaf, e, &why);
    else if (archive_entry_filetype(e) == AE_IFREG)
        r = create_file(u, dirfd, leaf, e);
    else if (archive_entry_filetype(e) == AE_IFDIR)
        r = create_dir(dirfd, leaf, e);
    else if (archive_entry_filetype(e) == AE_IFLNK)
        r = create_symlink(dirfd, leaf, e);
    else
        r = create_special(u, dirfd, leaf, e, &why);
    if (dirfd != u->root_fd)
        close(dirfd);
    if (r == 1)
        return refuse(u, name, why);
    /* What the tarball asks for may be impossible (a file over a
     * non-empty directory, a hard link to a directory): refuse that entry.
     * A full disk or an I/O error stops the whole unpacking. */
    if (r == -1 && errno == ENOTEMPTY)
        return refuse(u, name, "would replace a directory that is not empty");
    if (r == -1 &&
        (errno == EPERM || errno == EEXIST || errno == EINVAL ||
         errno == EMLINK || errno == ENAMETOOLONG))
        return refuse(u, name, strerror(errno));
    if (r == -1 && errno == 0)
        return ct_fail("'%s' is corrupt or truncated: %s (in entry '%s')",
                       u->tarball, archive_error_string(u->ar), name);
    if (r == -1)
        return ct_fail_errno("unpack '%s'", name);
    u->entries++;
    return 0;
}

/*
 * Unpack the tarball into the empty directory root_fd. libarchive reads
 * it (and undoes gzip, xz, zstd or bzip2); we make each entry ourselves.
 * Returns 0, or -1 with the reason recorded (ct_fail).
 */
static int
unpack_tarball(const char *tarball, int root_fd, bool allow_devices)
{
    struct unpack u = {tarball, NULL, root_fd, allow_devices, 0, 0};
    struct archive_entry *e;
    int r, rc = 0;

    u.ar = archive_read_new();
    if (!u.ar)
        return ct_fail("archive_read_new: out of memory");
    archive_read_support_filter_all(u.ar);
    archive_read_support_format_tar(u.ar);
    if (archive_read_open_filename(u.ar, tarball, 64 * 1024) != ARCHIVE_OK) {
        rc =
            ct_fail("'%s' is corrupt: %s", tarball, archive_error_string(u.ar));
        goto out;
    }
    while ((r = archive_read_next_header(u.ar, &e)) != ARCHIVE_EOF) {
        if (r == ARCHIVE_WARN)
            warnx_ct("'%s': %s", tarball, archive_error_string(u.ar));
        else if (r != ARCHIVE_OK) {
            rc = ct_fail("'%s' is corrupt or truncated: %s", tarball,
                         archive_error_string(u.ar));
            goto out;
        }
        if (unpack_entry(&u, e) == -1) {
            rc = -1;
            goto out;
        }
    }
    if (u.entries == 0)
        rc = ct_fail(u.refused ? "'%s': every entry was refused: nothing to run"
                               : "'%s': no entries: not a root filesystem",
                     tarball);
    else if (u.refused > 0)
        fprintf(stderr, "%s: unpacked %lu entries, refused %lu\n", ct_prog,
                u.entries, u.refused);
out:
    archive_read_free(u.ar);
    return rc;
}

/* The directory being unpacked into, until it is renamed into place. */
static char partial_dir[PATH_MAX];

/* atexit: whatever ends tarbox before the rename (a corrupt tarball, a
 * failing call, an unfinished LAB) removes the half-unpacked directory. */
static void
remove_partial(void)
{
    if (partial_dir[0] == '\0')
        return;
    ct_trace("rm -rf DIR", "ct_rm_rf(\"%s\")", partial_dir);
    if (ct_rm_rf(partial_dir) == -1)
        warnx_ct("could not remove '%s': %s", partial_dir, strerror(errno));
}

/*
 * Unpack into a fresh directory beside `root`, then rename it into place:
 * a corrupt or truncated tarball leaves nothing half unpacked behind.
 * Exits 3 when the tarball is bad, 1 when a call fails.
 */
static void
unpack_into(const char *tarball, const char *root, bool allow_devices)
{
    char parent[PATH_MAX];
    struct stat st;
    mode_t old_umask;
    char *slash;
    int fd, r;

    if (access(tarball, R_OK) == -1)
        die_input_errno("read tarball '%s'", tarball);
    if (snprintf(partial_dir, sizeof(partial_dir), "%s.partial.XXXXXX", root) >=
        (int)sizeof(partial_dir))
        die_usage("'%s': path too long", root);
    /* 0700: no user of the host may reach into the unpacked tree and run
     * its setuid-root programs. */
    snprintf(parent, sizeof(parent), "%s", root);
    slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if (ct_mkdir_p(parent, 0700) == -1)
            die_errno("mkdir '%s'", parent);
    }
    if (lstat(root, &st) == 0)
        die_input("'%s' exists: tarbox unpacks into a new directory", root);
    if (!mkdtemp(partial_dir))
        die_errno("mkdtemp '%s'", partial_dir);
    atexit(remove_partial);
    fd = open(partial_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1)
        die_errno("open '%s'", partial_dir);
    ct_trace("tar -xpf TARBALL -C DIR, refusing what leaves DIR",
             "unpack_tarball(\"%s\", \"%s\")", tarball, partial_dir);
    /* umask 0 while unpacking, so the modes we pass are the modes made;
     * the container gets the umask we had. */
    old_umask = umask(0);
    r = unpack_tarball(tarball, fd, allow_devices);
    umask(old_umask);
    close(fd);
    if (r == -1) {
        ct_report();
        exit(ct_error_errno() ? CT_EXIT_FAILURE : CT_EXIT_INPUT);
    }
    ct_trace("mv TMP DIR", "rename(\"%s\", \"%s\")", partial_dir, root);
    if (rename(partial_dir, root) == -1)
        die_errno("rename '%s' to '%s'", partial_dir, root);
    partial_dir[0] = '\0';
}

/* ---- running ----------------------------------------------------------- */

struct child_args {
    const char *root;
    const char *hostname;
    char **cmd;
};

/* Mount a filesystem on a directory of the (already chrooted) root,
 * making the directory if the tarball had none. */
static void
mount_in_root(const char *type, const char *dir, unsigned long flags,
              const char *data)
{
    char shell[128];

    if (mkdir(dir, 0755) == -1 && errno != EEXIST)
        die_errno("mkdir '%s'", dir);
    snprintf(shell, sizeof(shell), "mount -t %s %s%s%s %s", type,
             data ? "-o " : "", data ? data : "", data ? " none" : type, dir);
    ct_trace(shell, "mount(\"%s\", \"%s\", \"%s\", %#lx, %s)", type, dir, type,
             flags, data ? data : "NULL");
    if (mount(type, dir, type, flags, data) == -1)
        die_errno("mount %s on '%s'", type, dir);
}

/* Runs in the clone child: PID 1 of the new pid namespace. */
static int
child_main(void *arg)
{
    struct child_args *a = arg;

    /* Die with tarbox: if it is killed, nothing may run on unwatched. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* mount_namespaces(7): without MS_PRIVATE our mounts would propagate
     * back to the host on systems where / is shared (systemd does that). */
    ct_trace("mount --make-rprivate /",
             "mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE, NULL)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        die_errno("make / private (mount)");
    ct_trace("hostname NAME", "sethostname(\"%s\")", a->hostname);
    if (sethostname(a->hostname, strlen(a->hostname)) == -1)
        die_errno("sethostname '%s'", a->hostname);
    /* LAB 04.4: chroot into the root, then mount /proc, /sys and /tmp */
    /* chroot first, then mount: every path below is now resolved inside
     * the root, so a tarball that made 'proc' a symlink to '/etc' gets a
     * /proc on its own etc, never on the host's. */
    ct_trace("chroot DIR", "chroot(\"%s\")", a->root);
    if (chroot(a->root) == -1)
        die_errno("chroot '%s'", a->root);
    if (chdir("/") == -1)
        die_errno("chdir '/'");
    /* A /proc of the new pid namespace: ps sees only the container. */
    mount_in_root("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    /* sysfs shows the network devices of the new net namespace. */
    mount_in_root("sysfs", "/sys", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL);
    mount_in_root("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");
    /* END LAB */
    ct_trace(NULL, "execvp(\"%s\", ...)", a->cmd[0]);
    fflush(stdout);
    execvp(a->cmd[0], a->cmd);
    die_errno("exec '%s'", a->cmd[0]);
}

static pid_t child_pid;

/* Ctrl-C, kill, a closed terminal: stop the container so that the root
 * can be removed. (As PID 1 of its namespace, the command ignores
 * signals it has no handler for, even SIGTERM.) */
static void
on_signal(int sig)
{
    (void)sig;
    if (child_pid > 0)
        kill(child_pid, SIGKILL);
}

/* Run cmd in the unpacked root; returns its exit status for ours. */
static int
run_in_root(const char *root, const char *hostname, char **cmd)
{
    struct child_args a = {root, hostname, cmd};
    const int flags = CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
        CLONE_NEWNET | SIGCHLD;
    struct sigaction sa = {.sa_handler = on_signal};
    char *stack = malloc(STACK_SIZE);
    int status;

    if (!stack)
        die("out of memory");
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    fflush(stdout);
    ct_trace("unshare --uts --pid --mount --ipc --net --fork",
             "clone(child_main, CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | "
             "CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD)");
    child_pid = clone(child_main, stack + STACK_SIZE, flags, &a);
    if (child_pid == -1)
        return ct_fail_errno("clone");
    while (waitpid(child_pid, &status, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid");
    free(stack);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

int
main(int argc, char **argv)
{
    struct options opt = {0};
    char root[PATH_MAX];
    int status;

    ct_prog = "tarbox";
    parse_args(argc, argv, &opt);
    if (opt.dir)
        snprintf(root, sizeof(root), "%s", opt.dir);
    else
        snprintf(root, sizeof(root), "%s/tarbox/%d", ct_state_dir(),
                 (int)getpid());

    unpack_into(opt.tarball, root, opt.allow_devices);
    status = run_in_root(root, opt.hostname, opt.cmd);
    if (status == -1)
        ct_report();

    /* The mounts lived in the child's mount namespace and died with it;
     * what is left on the host is the unpacked tree. */
    if (opt.keep) {
        fprintf(stderr, "%s: kept the root in '%s'\n", ct_prog, root);
    } else {
        ct_trace("rm -rf DIR", "ct_rm_rf(\"%s\")", root);
        if (ct_rm_rf(root) == -1)
            warnx_ct("could not remove '%s': %s", root, strerror(errno));
    }
    return status == -1 ? CT_EXIT_FAILURE : status;
}
