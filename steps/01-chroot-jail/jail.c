/*
 * 01-chroot-jail: copy programs and the shared libraries they need into a
 * directory, then run one of them with that directory as its root.
 *
 * Read: chroot(2), ld.so(8) (LD_TRACE_LOADED_OBJECTS), ldd(1), elf(5)
 *       (PT_INTERP), path_resolution(7), symlink(7).
 * Try:  bin/jail /tmp/j /bin/bash /bin/ls
 *       sudo bin/jail /tmp/j --run /bin/bash -c 'ls / /usr/lib'
 * See:  inside, / holds only what was copied: bin, lib, lib64, usr. Then try
 *       bin/escape (step 01's lab): a chroot is not a container.
 *
 * How it works, in the order it runs:
 *   1. find each program, read its ELF header and find PT_INTERP: the path
 *      of the dynamic loader the kernel starts first (no PT_INTERP: static);
 *   2. ask that loader which libraries it would load, as ldd(1) does:
 *      "LD_TRACE_LOADED_OBJECTS=1 ld.so PROGRAM", with fork, exec, a pipe;
 *   3. copy each path into DIR at the same path, walking it one component
 *      at a time as the kernel does and re-creating every directory and
 *      every symlink found on the way (merged /usr: /lib -> usr/lib);
 *   4. --run: chroot(DIR), chdir("/"), exec.
 * Steps 1 and 2 come first for every program, so a bad program stops us
 * before anything is written. A DIR that did not exist is built under a
 * temporary name beside it and renamed at the end, so a failure leaves
 * nothing half-made.
 */
#include "ct.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* <link.h>'s ElfW(Ehdr) is this machine's kind of ELF header: 64-bit on
 * x86_64 and arm64. */
#if __ELF_NATIVE_CLASS == 64
#define NATIVE_CLASS ELFCLASS64
#else
#define NATIVE_CLASS ELFCLASS32
#endif

static const char usage[] =
    "usage: jail [--trace] DIR PROGRAM...\n"
    "       jail [--trace] DIR --run PROGRAM [ARG...]\n"
    "\n"
    "The first form copies each PROGRAM, its ELF interpreter (the dynamic\n"
    "loader) and every shared library the loader lists for it into DIR, at\n"
    "the same paths, keeping symlinks. A PROGRAM without a '/' is looked up\n"
    "in $PATH; one given by a relative path (bin/escape) goes to /bin in DIR.\n"
    "DIR is created if missing. The second form runs PROGRAM with DIR as its\n"
    "root (needs root: chroot(2) needs CAP_SYS_CHROOT).\n"
    "\n"
    "  --trace   print each kernel call and the shell command doing the same\n"
    "  --help    print this help\n"
    "\n"
    "Exit: 0 ok (--run: the program's status), 1 a call failed, 2 usage,\n"
    "3 a missing or unusable PROGRAM or DIR.\n"
    "Only what the loader lists is copied: not libraries loaded later with\n"
    "dlopen (gconv, NSS modules) nor data files (/etc/passwd, terminfo).\n";

/* The jail as the user named it (messages, --trace), the directory we
 * actually write into (DIR, or a temporary name while DIR is new), and an
 * fd for it: every file is made relative to this fd. */
static const char *jail_name;
static char jail_path[PATH_MAX];
static int jail_fd = -1;
static bool jail_is_new; /* remove jail_path if we exit before the end */
static int copied, linked; /* for the summary */

/* ---- 1. what a program needs --------------------------------------------- */

/* One thing to copy: a path in the jail, and the host file to copy there
 * when it is not the same path (a program named by a relative path). */
struct item {
    char *path;
    char *from;
};
static struct item items[512];
static size_t n_items;

static void
add_item(const char *path, const char *from)
{
    for (size_t i = 0; i < n_items; i++)
        if (!strcmp(items[i].path, path))
            return;
    if (n_items == sizeof(items) / sizeof(items[0]))
        die("more than %zu files to copy", n_items);
    items[n_items].path = strdup(path);
    items[n_items].from = from ? strdup(from) : NULL;
    if (!items[n_items].path || (from && !items[n_items].from))
        die("out of memory");
    n_items++;
}

/* Find a program as a shell does: a name with a '/' is a path, anything
 * else is looked up in each directory of $PATH. Writes the path found to
 * out. Dies with exit 3 when there is no such program. */
static void
find_program(const char *name, char *out, size_t size)
{
    struct stat st;

    if (strchr(name, '/')) {
        snprintf(out, size, "%s", name);
    } else {
        const char *path = getenv("PATH");
        char dirs[4096];

        snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
        out[0] = '\0';
        for (char *d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
            snprintf(out, size, "%s/%s", *d ? d : ".", name);
            if (access(out, X_OK) == 0 && stat(out, &st) == 0 &&
                S_ISREG(st.st_mode))
                return;
        }
        die_input("program '%s' not found in $PATH", name);
    }
    if (stat(out, &st) == -1)
        die_input_errno("program '%s' not found: stat '%s'", name, out);
    if (!S_ISREG(st.st_mode))
        die_input("program '%s' is not a regular file", out);
}

/* Read the ELF header of `program` and copy its PT_INTERP (the dynamic
 * loader the kernel maps and starts before the program) into interp.
 * Returns true for a dynamic program, false for a static one. Dies with
 * exit 3 when the file is not an ELF program for this machine. */
static bool
read_interp(const char *program, char *interp, size_t size)
{
    ElfW(Ehdr) eh;
    ElfW(Phdr) ph;
    bool found = false;
    ssize_t n;
    int fd = open(program, O_RDONLY | O_CLOEXEC);

    if (fd == -1)
        die_input_errno("open '%s'", program);
    n = pread(fd, &eh, sizeof(eh), 0);
    if (n >= 2 && !memcmp(eh.e_ident, "#!", 2)) {
        char line[256], *interp_name;
        ssize_t m = pread(fd, line, sizeof(line) - 1, 0);

        line[m > 0 ? m : 0] = '\0';
        interp_name = line + 2 + strspn(line + 2, " \t");
        interp_name[strcspn(interp_name, " \t\n")] = '\0';
        die_input("'%s' is not an ELF program but a script run by '%s': "
                  "copy that interpreter too (jail DIR %s) and put the "
                  "script into DIR yourself (cp)",
                  program, interp_name, interp_name);
    }
    if (n != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
        die_input("'%s' is not an ELF program (no ELF header: a text or "
                  "data file?)",
                  program);
    if (eh.e_ident[EI_CLASS] != NATIVE_CLASS || eh.e_phentsize != sizeof(ph))
        die_input("'%s' is an ELF file of another word size than this "
                  "machine's",
                  program);
#if defined(__x86_64__)
    if (eh.e_machine != EM_X86_64)
#elif defined(__aarch64__)
    if (eh.e_machine != EM_AARCH64)
#else
    if (0)
#endif
        die_input("'%s' is an ELF program for another machine "
                  "(e_machine %u)",
                  program, eh.e_machine);

    /* elf(5): the program headers tell the kernel what to map. Exactly one
     * of them, PT_INTERP, names the loader: "/lib64/ld-linux-x86-64.so.2"
     * on x86_64, "/lib/ld-linux-aarch64.so.1" on arm64, NUL included. */
    /* LAB 01.1: find PT_INTERP among the program headers and read it */
    for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
        off_t at = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
        if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
            die_input("'%s': program header %u is cut short", program, i);
        if (ph.p_type != PT_INTERP)
            continue;
        if (ph.p_filesz < 2 || ph.p_filesz > size ||
            pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) !=
                (ssize_t)ph.p_filesz ||
            interp[ph.p_filesz - 1] != '\0' || interp[0] != '/')
            die_input("'%s': PT_INTERP is not a NUL-terminated absolute "
                      "path",
                      program);
        found = true;
    }
    /* END LAB */
    close(fd);
    return found;
}

/* Ask the loader which shared libraries `program` needs, as ldd(1) does:
 * run "LD_TRACE_LOADED_OBJECTS=1 INTERP PROGRAM" and read what it prints:
 *     libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x7f...)
 *     libfoo.so.1 => not found
 *     /lib64/ld-linux-x86-64.so.2 (0x7f...)
 *     linux-vdso.so.1 (0x7f...)     (made by the kernel: nothing to copy)
 * (INTERP --list PROGRAM is the same, but stops at the first library it
 * cannot find.) The loader maps the program and its libraries and runs
 * none of their code; still, it is a big parser run on the file, and the
 * loader is the one the file names, so never do this to a program you do
 * not trust (use "readelf -d" there). Adds each path to the items. */
static void
list_libraries(const char *interp, const char *program)
{
    char line[PATH_MAX + 128], missing[512] = "";
    int fds[2], status;
    pid_t pid;
    FILE *f;

    /* fork(2) + execve(2): the child's stdout is the pipe's write end, so
     * what the loader prints comes to us. No popen: it would hand the
     * paths to /bin/sh, which splits and expands them. */
    if (ct_tracing) {
        char shell[2 * PATH_MAX];
        snprintf(shell, sizeof(shell),
                 "LD_TRACE_LOADED_OBJECTS=1 %s %s   (what ldd does)", interp,
                 program);
        ct_trace(shell, "execve(\"%s\", [\"%s\", \"%s\"])", interp, interp,
                 program);
    }
    /* LAB 01.2: run the loader in list mode, its stdout into a pipe */
    if (pipe2(fds, O_CLOEXEC) == -1)
        die_errno("pipe2");
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        /* dup2 leaves the copy without O_CLOEXEC: it survives the exec. */
        if (dup2(fds[1], STDOUT_FILENO) == -1 ||
            setenv("LD_TRACE_LOADED_OBJECTS", "1", 1) == -1)
            _exit(127);
        execl(interp, interp, program, (char *)NULL);
        fprintf(stderr, "jail: exec loader '%s' failed: %s\n", interp,
                ct_errno_name(errno));
        _exit(127);
    }
    close(fds[1]);
    /* END LAB */

    f = fdopen(fds[0], "r");
    if (!f)
        die_errno("fdopen");
    while (fgets(line, sizeof(line), f)) {
        char *p = line + strspn(line, " \t"), *arrow = strstr(p, " => ");

        if (arrow && !strncmp(arrow + 4, "not found", 9)) {
            *arrow = '\0';
            snprintf(missing + strlen(missing),
                     sizeof(missing) - strlen(missing), "%s'%s'",
                     missing[0] ? ", " : "", p);
            continue;
        }
        if (arrow)
            p = arrow + 4;
        p[strcspn(p, " \t\n(")] = '\0';
        if (p[0] == '/') /* no '/': the vDSO, which the kernel maps itself */
            add_item(p, NULL);
    }
    fclose(f);
    if (waitpid(pid, &status, 0) == -1)
        die_errno("waitpid");
    if (missing[0])
        die_input("'%s' needs %s, which the loader cannot find on this host "
                  "(ldd shows 'not found')",
                  program, missing);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die_input("the loader '%s' could not list the libraries of '%s'",
                  interp, program);
}

/* Step 1 and 2 for one program named on the command line. */
static void
plan_program(const char *name)
{
    char path[PATH_MAX], interp[PATH_MAX];
    const char *base = strrchr(name, '/');

    find_program(name, path, sizeof(path));
    if (path[0] == '/') {
        add_item(path, NULL);
    } else {
        char dest[PATH_MAX];
        snprintf(dest, sizeof(dest), "/bin/%s", base ? base + 1 : name);
        add_item(dest, path);
    }
    if (read_interp(path, interp, sizeof(interp))) {
        add_item(interp, NULL);
        list_libraries(interp, path);
    }
}

/* ---- 2. copy into the jail ---------------------------------------------- */

/* Open the directory `dir` (a path in the jail, "" for its root) without
 * following any symlink: a symlink already in DIR may point anywhere on
 * the host, and following it would write outside DIR. */
static int
open_jail_dir(const char *dir)
{
    char copy[PATH_MAX];
    int fd = fcntl(jail_fd, F_DUPFD_CLOEXEC, 0), next;

    snprintf(copy, sizeof(copy), "%s", dir);
    for (char *c = strtok(copy, "/"); c && fd != -1; c = strtok(NULL, "/")) {
        next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next == -1)
            die_input_errno("'%s%s' is not a directory we can enter without "
                            "following a symlink: open",
                            jail_name, dir);
        close(fd);
        fd = next;
    }
    if (fd == -1)
        die_errno("fcntl F_DUPFD_CLOEXEC");
    return fd;
}

/* mkdir DIR/path with the mode the host's directory has. */
static void
jail_mkdir(const char *parent, const char *name, mode_t mode)
{
    int dfd = open_jail_dir(parent);
    struct stat st;

    if (mkdirat(dfd, name, mode & 07777) == 0) {
        if (ct_tracing) {
            char shell[PATH_MAX * 2];
            snprintf(shell, sizeof(shell), "mkdir -m %o %s%s/%s", mode & 07777,
                     jail_name, parent, name);
            ct_trace(shell, "mkdirat(\"%s/%s\", 0%o)", parent, name,
                     mode & 07777);
        }
        fchmodat(dfd, name, mode & 07777, 0); /* the umask cut some bits */
    } else if (errno != EEXIST) {
        die_errno("mkdir '%s%s/%s'", jail_name, parent, name);
    } else if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
               !S_ISDIR(st.st_mode)) {
        die_input("'%s%s/%s' exists and is not a directory, but on the host "
                  "it is: refusing to change it",
                  jail_name, parent, name);
    }
    close(dfd);
}

/* ln -s target DIR/path: the same link the host has. An existing link is
 * fine when it says the same; anything else there is refused. */
static void
jail_symlink(const char *parent, const char *name, const char *target)
{
    int dfd = open_jail_dir(parent);
    char old[PATH_MAX];
    ssize_t n;

    if (symlinkat(target, dfd, name) == 0) {
        if (ct_tracing) {
            char shell[PATH_MAX * 3];
            snprintf(shell, sizeof(shell), "ln -s %s %s%s/%s", target,
                     jail_name, parent, name);
            ct_trace(shell, "symlinkat(\"%s\", \"%s/%s\")", target, parent,
                     name);
        }
        printf("  link %s/%s -> %s\n", parent, name, target);
        linked++;
    } else if (errno != EEXIST) {
        die_errno("symlink '%s%s/%s'", jail_name, parent, name);
    } else if ((n = readlinkat(dfd, name, old, sizeof(old) - 1)) < 0 ||
               (old[n] = '\0', strcmp(old, target) != 0)) {
        die_input("'%s%s/%s' exists and is not the symlink to '%s' the host "
                  "has: refusing to change it",
                  jail_name, parent, name, target);
    }
    close(dfd);
}

/* cp --preserve=mode from DIR/path: write a new file beside the old one and
 * rename it over, so a program running from the old one keeps running. */
static void
jail_copy(const char *from, const char *parent, const char *name)
{
    int dfd = open_jail_dir(parent), in, out;
    char tmp[NAME_MAX + 1], buf[65536];
    struct stat st;
    ssize_t n;

    snprintf(tmp, sizeof(tmp), ".%.200s.jail-new", name);
    if (ct_tracing) {
        char shell[PATH_MAX * 3];
        snprintf(shell, sizeof(shell), "cp --preserve=mode %s %s%s/%s", from,
                 jail_name, parent, name);
        ct_trace(shell, "open(\"%s\") + openat(\"%s/%s\") + read/write", from,
                 parent, tmp);
    }
    in = open(from, O_RDONLY | O_CLOEXEC);
    if (in == -1 || fstat(in, &st) == -1)
        die_errno("open '%s'", from);
    unlinkat(dfd, tmp, 0); /* left by a crash: ours */
    out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 0600);
    if (out == -1)
        die_errno("create '%s%s/%s'", jail_name, parent, tmp);
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) {
            n = -1;
            break;
        }
    /* Permission bits only: set-user-ID bits stay behind, a jail is no place
     * for them (it is why chroot(2) is for root only; see the lab). */
    if (n < 0 || fchmod(out, st.st_mode & 0777) == -1 || close(out) == -1) {
        unlinkat(dfd, tmp, 0);
        die_errno("copy '%s' to '%s%s/%s'", from, jail_name, parent, name);
    }
    if (renameat(dfd, tmp, dfd, name) == -1) {
        unlinkat(dfd, tmp, 0);
        die_errno("rename into '%s%s/%s'", jail_name, parent, name);
    }
    printf("  copy %s/%s\n", parent, name);
    copied++;
    close(in);
    close(dfd);
}

/* Take the first name off the path `todo` into `name`, and the slashes
 * after it too, so todo is "" after the last name. False when none is left. */
static bool
take_name(char *todo, char *name, const char *path)
{
    size_t skip = strspn(todo, "/"), len = strcspn(todo + skip, "/");

    if (len == 0)
        return false;
    if (len > NAME_MAX)
        die_input("'%s': a name in it is too long", path);
    memcpy(name, todo + skip, len);
    name[len] = '\0';
    skip += len;
    skip += strspn(todo + skip, "/");
    memmove(todo, todo + skip, strlen(todo + skip) + 1);
    return true;
}

/* Copy the host's `path` to the same path in the jail, walking it the way
 * the kernel resolves a path (path_resolution(7)): one component at a
 * time, from the root. `done` is the part resolved so far (real
 * directories only, "" for /), `todo` what is left. A directory on the way
 * is made in the jail; a symlink is re-created there as it is and its
 * target is walked next, so /lib64/ld-linux-x86-64.so.2 gives the links
 * lib64 -> usr/lib64 and ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/...
 * and then that file. `from`, when set, is the file to copy at the end
 * instead of the host's own `path`. */
static void
mirror_path(const char *path, const char *from)
{
    char done[PATH_MAX] = "", todo[PATH_MAX], host[PATH_MAX], link[PATH_MAX];
    char name[NAME_MAX + 1], *slash;
    struct stat st;
    int links = 0;

    snprintf(todo, sizeof(todo), "%s", path);
    while (take_name(todo, name, path)) {
        if (!strcmp(name, "."))
            continue;
        if (!strcmp(name, "..")) { /* lexically, as done holds no links */
            slash = strrchr(done, '/');
            if (slash)
                *slash = '\0';
            continue;
        }
        if (!todo[0] && from) { /* the last name: copy `from` there */
            jail_copy(from, done, name);
            return;
        }
        if (snprintf(host, sizeof(host), "%s/%s", done, name) >=
            (int)sizeof(host))
            die_input("'%s': path too long", path);
        if (lstat(host, &st) == -1)
            die_input_errno("'%s': lstat '%s'", path, host);

        /* LAB 01.3: re-create a symlink in the jail and walk its target */
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(host, link, sizeof(link) - 1);
            if (n == -1)
                die_errno("readlink '%s'", host);
            link[n] = '\0';
            jail_symlink(done, name, link);
            if (++links > 40) /* the kernel's limit too */
                die_input("'%s': too many levels of symlinks", path);
            /* What is left to walk: the link's target, then the rest. An
             * absolute target starts again from the root. */
            if (strlen(link) + 1 + strlen(todo) >= sizeof(todo))
                die_input("'%s': path too long", path);
            memmove(todo + n + 1, todo, strlen(todo) + 1);
            memcpy(todo, link, (size_t)n);
            todo[n] = '/';
            if (link[0] == '/')
                done[0] = '\0';
            continue;
        }
        /* END LAB */

        if (S_ISDIR(st.st_mode) && todo[0]) {
            jail_mkdir(done, name, st.st_mode);
            snprintf(done, sizeof(done), "%s", host);
        } else if (S_ISREG(st.st_mode) && !todo[0]) {
            jail_copy(host, done, name);
            return;
        } else {
            die_input("'%s': '%s' is not a regular file", path, host);
        }
    }
    die_input("'%s' names a directory, not a file", path);
}

/* Make sure the jail directory can be written, and open it. A new DIR is
 * made as "DIR.partial-XXXXXX" and renamed by commit_jail(). */
static void
open_jail(const char *dir)
{
    struct stat st;
    char real[PATH_MAX];

    snprintf(jail_path, sizeof(jail_path), "%s", dir);
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            die_input("jail '%s' exists and is not a directory", dir);
        if (realpath(dir, real) && !strcmp(real, "/"))
            die_input("refusing to use '/' as a jail: its files are the "
                      "very ones we copy");
    } else if (errno == ENOENT) {
        snprintf(jail_path, sizeof(jail_path), "%s.partial-XXXXXX", dir);
        if (!mkdtemp(jail_path))
            die_input_errno("create the jail beside '%s': mkdtemp '%s'", dir,
                            jail_path);
        jail_is_new = true;
        chmod(jail_path, 0755); /* mkdtemp made it 0700 */
    } else {
        die_input_errno("stat jail '%s'", dir);
    }
    jail_fd = open(jail_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (jail_fd == -1)
        die_errno("open '%s'", jail_path);
}

/* atexit: a new jail that did not get to the end is removed. */
static void
remove_partial(void)
{
    if (jail_is_new)
        ct_rm_rf(jail_path);
}

static void
commit_jail(const char *dir)
{
    if (jail_is_new && rename(jail_path, dir) == -1)
        die_errno("rename '%s' to '%s'", jail_path, dir);
    jail_is_new = false;
}

/* ---- 3. run in the jail -------------------------------------------------- */

/* chroot(DIR), chdir("/"), exec: what chroot(8) does. Never returns. */
static noreturn void
run_in_jail(const char *dir, char **argv)
{
    char cmd[2048] = "", args[2048] = "", shell[4096];
    struct stat st;

    if (stat(dir, &st) == -1)
        die_input_errno("jail '%s': stat", dir);
    if (!S_ISDIR(st.st_mode))
        die_input("jail '%s' is not a directory", dir);
    for (char **a = argv; *a; a++) {
        snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s",
                 a == argv ? "" : " ", *a);
        snprintf(args + strlen(args), sizeof(args) - strlen(args), "%s\"%s\"",
                 a == argv ? "" : ", ", *a);
    }

    /* chroot(2) changes one thing: where this process's path lookups of
     * "/..." start, and where ".." stops. It does not move the working
     * directory, so we chdir("/") at once, or "." would still be outside.
     * It is no wall either: root inside can chroot again (see escape.c). */
    snprintf(shell, sizeof(shell), "chroot %s %s   (chroot, chdir, exec)", dir,
             cmd);
    ct_trace(shell, "chroot(\"%s\")", dir);
    ct_trace("cd /", "chdir(\"/\")");
    snprintf(shell, sizeof(shell), "exec %s", cmd);
    ct_trace(shell, "execve(\"%s\", [%s])", argv[0], args);
    /* LAB 01.4: change the root, move into it, exec the program */
    if (chroot(dir) == -1)
        die_errno("chroot '%s'", dir);
    if (chdir("/") == -1)
        die_errno("chdir '/' inside the jail");
    execvp(argv[0], argv);
    die_errno("exec '%s' inside the jail '%s'", argv[0], dir);
    /* END LAB */
}

static void
print_note(void)
{
    printf("jail '%s': %d files copied, %d symlinks made\n"
           "note: only what the loader lists was copied. Not copied:\n"
           "  - libraries a program loads later with dlopen(3): gconv\n"
           "    (iconv), NSS modules (libnss_systemd, sss, ldap), plugins;\n"
           "    LD_DEBUG=files PROGRAM shows them as 'dynamically loaded';\n"
           "  - data files: /etc/passwd (whoami, id, ls -l need it),\n"
           "    /etc/nsswitch.conf, terminfo, locales, CA certificates,\n"
           "    a language's library (Python's stdlib).\n"
           "  Copy those in by hand: see labs/01-chroot-jail.md.\n",
           jail_name, copied, linked);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"trace", no_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    int c;

    ct_prog = "jail";
    /* A reader that goes away (jail ... | head) must not kill us before
     * the half-made jail is removed: a failed write is an error instead. */
    signal(SIGPIPE, SIG_IGN);
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+ht", opts, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(usage, stdout); return 0;
        case 't': ct_tracing = true; break;
        default: die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind < 2)
        die_usage("need a DIR and at least one PROGRAM");
    if (!argv[optind][0])
        die_usage("DIR is empty");
    /* "j/" and "j" are one jail; we name files "j.partial-..." beside it. */
    for (size_t n = strlen(argv[optind]); n > 1 && argv[optind][n - 1] == '/';)
        argv[optind][--n] = '\0';
    jail_name = argv[optind];
    if (!strcmp(argv[optind + 1], "--run")) {
        if (argc - optind < 3)
            die_usage("--run needs a PROGRAM to run");
        run_in_jail(jail_name, argv + optind + 2);
    }
    for (int i = optind + 1; i < argc; i++)
        if (argv[i][0] == '-')
            die_usage("'%s': options go before DIR; --run right after it",
                      argv[i]);

    /* Steps 1 and 2 for every program, before anything is written. */
    for (int i = optind + 1; i < argc; i++)
        plan_program(argv[i]);

    /* Step 3. */
    atexit(remove_partial);
    open_jail(jail_name);
    for (size_t i = 0; i < n_items; i++)
        mirror_path(items[i].path, items[i].from);
    commit_jail(jail_name);
    print_note();
    return 0;
}
