/*
 * 07-overlay: run a command on an image that no container can change, and
 * start a second container from it without copying a byte.
 *
 * An image is a read-only directory: the lower layer. Each container gets
 * an empty upper directory and a work directory of its own, and overlayfs
 * shows lower and upper as one tree (merged). Reads come from the image;
 * the first write to a file copies it up into upper; a deletion leaves a
 * whiteout (a character device 0:0) in upper; a directory deleted and made
 * again is marked opaque (xattr trusted.overlay.opaque=y). So upper holds
 * exactly what the container changed, and `overlaybox --diff` lists it.
 * Several read-only layers stack (lowerdir=top:...:bottom): an image made of
 * layers, as Docker's overlay2 driver stacks them.
 *
 * Read: Documentation/filesystems/overlayfs.rst, mount(2),
 *       mount_namespaces(7), pivot_root(2), xattr(7).
 * Try:  sudo bin/overlaybox --keep --name c1 build/images/busybox \
 *           sh -c 'echo hi > /hello; rm /etc/hostname; cat /proc/1/mountinfo'
 *       sudo bin/overlaybox --diff c1
 *       sudo ls -l /run/minictr/overlaybox/c1/upper/etc
 * See:  "/" is an overlay mount; /hello is in upper and not in the image;
 *       the deleted file is a character device 0:0 in upper.
 */
#include "ct.h"

#include <errno.h>
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
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

/* overlayfs stacks at most 500 lower layers (OVL_MAX_STACK). */
#define MAX_LAYERS 500

/* ---- options ----------------------------------------------------------- */

struct options {
    const char *name; /* the container: STATE/NAME/{upper,work,merged} */
    const char *state; /* where containers live */
    const char *diff; /* --diff NAME: list what NAME changed, run nothing */
    bool keep; /* keep upper after the command exits */
    char *layers[MAX_LAYERS]; /* read-only layers, top first (absolute) */
    int nlayers;
    char **argv; /* the command to run inside */
    char dir[PATH_MAX + 80]; /* STATE/NAME */
    char upper[PATH_MAX + 96], work[PATH_MAX + 96], merged[PATH_MAX + 96];
    char *mount_options; /* "lowerdir=...,upperdir=...,workdir=..." */
};

static void
usage(FILE *out)
{
    fprintf(
        out,
        "usage: overlaybox [OPTIONS] IMAGE[:IMAGE2...] CMD [ARG...]\n"
        "       overlaybox [--state DIR] --diff NAME\n"
        "\n"
        "Run CMD in new uts, pid, mount and ipc namespaces, with an\n"
        "overlay of the read-only IMAGE directory and an upper directory\n"
        "of the container's own as its root. The image is never written.\n"
        "IMAGE:IMAGE2 stacks layers as overlayfs does (the left one on\n"
        "top).\n"
        "\n"
        "  --name NAME   the container's name and hostname (default:\n"
        "                ovl-PID); its files are in STATE/NAME\n"
        "  --keep        keep STATE/NAME/upper (what the container\n"
        "                changed) after CMD exits; default: remove it\n"
        "  --state DIR   where containers live (default\n"
        "                $MINICTR_STATE/overlaybox; MINICTR_STATE is\n"
        "                /run/minictr if unset)\n"
        "  --layer DIR   one more read-only layer on top of IMAGE (may\n"
        "                be repeated; each one goes above the last)\n"
        "  --diff NAME   list what the kept container NAME changed:\n"
        "                A added, C changed, D deleted (whiteout),\n"
        "                R replaced (opaque directory)\n"
        "  --trace       print each kernel call and the shell command\n"
        "                that does the same\n"
        "  --help        this text\n"
        "\n"
        "Exit status: CMD's own (128+N if killed by signal N), 127 if\n"
        "CMD is missing, 1 if a kernel call failed, 2 usage, 3 bad image.\n");
}

/* Where containers live without --state: $MINICTR_STATE/overlaybox. */
static const char *
default_state(void)
{
    static char dir[PATH_MAX];

    if (!dir[0])
        snprintf(dir, sizeof(dir), "%s/overlaybox", ct_state_dir());
    return dir;
}

/* Split IMAGE at ':' and put the parts under the --layer ones. `tops` are
 * the --layer directories in the order given (the last is the highest). */
static void
collect_layers(struct options *o, char *image, char **tops, int ntops)
{
    for (int i = ntops - 1; i >= 0; i--)
        o->layers[o->nlayers++] = tops[i];
    for (char *part = strtok(image, ":"); part; part = strtok(NULL, ":")) {
        if (o->nlayers == MAX_LAYERS)
            die_usage("overlayfs stacks at most %d layers", MAX_LAYERS);
        o->layers[o->nlayers++] = part;
    }
    if (o->nlayers == ntops)
        die_usage("IMAGE is empty");
}

static void
parse_args(struct options *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'},
        {"keep", no_argument, NULL, 'k'},
        {"state", required_argument, NULL, 's'},
        {"layer", required_argument, NULL, 'l'},
        {"diff", required_argument, NULL, 'd'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char default_name[32];
    char *tops[MAX_LAYERS];
    int ntops = 0, c;

    o->state = default_state();
    /* "+": stop at the first non-option, so CMD's flags stay CMD's. */
    while ((c = getopt_long(argc, argv, "+n:ks:l:d:th", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'n': o->name = optarg; break;
        case 'k': o->keep = true; break;
        case 's': o->state = optarg; break;
        case 'l':
            if (ntops == MAX_LAYERS - 1)
                die_usage("overlayfs stacks at most %d layers", MAX_LAYERS);
            tops[ntops++] = optarg;
            break;
        case 'd': o->diff = optarg; break;
        case 't': ct_tracing = true; break;
        case 'h': usage(stdout); exit(0);
        default: die_usage("unknown option");
        }
    }
    if (o->diff) {
        if (optind != argc || o->name || o->keep || ntops)
            die_usage("--diff NAME takes no image, command or other flags "
                      "but --state");
        o->name = o->diff;
    } else {
        if (argc - optind < 2)
            die_usage("need an IMAGE directory and a command to run");
        collect_layers(o, argv[optind], tops, ntops);
        o->argv = argv + optind + 1;
    }
    if (!o->name) {
        snprintf(default_name, sizeof(default_name), "ovl-%d", getpid());
        o->name = default_name;
    }
    /* The name becomes a directory name and the hostname: one plain path
     * component, so "../x" cannot point anywhere else. */
    if (!*o->name || strlen(o->name) > 64 || o->name[0] == '.' ||
        strspn(o->name,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789._-") != strlen(o->name))
        die_usage("bad --name '%s': use letters, digits, '.', '_', '-' "
                  "(at most 64, not starting with '.')",
                  o->name);
    if (!*o->state)
        die_usage("--state is empty");
}

/* ---- checking the layers ----------------------------------------------- */

/* Each layer must be an existing directory. Store it as an absolute path:
 * the mount options then mean the same wherever we are, and mountinfo
 * shows where the image really is. */
static void
check_layers(struct options *o)
{
    for (int i = 0; i < o->nlayers; i++) {
        char real[PATH_MAX];
        struct stat st;

        if (stat(o->layers[i], &st) == -1)
            die_input_errno("stat image layer '%s'", o->layers[i]);
        if (!S_ISDIR(st.st_mode))
            die_input("image layer '%s' is not a directory", o->layers[i]);
        if (!realpath(o->layers[i], real))
            die_input_errno("resolve '%s'", o->layers[i]);
        /* ',' separates mount options and ':' layers; overlayfs accepts
         * them escaped with '\', but a plain refusal is clearer here. */
        if (strpbrk(real, ",:\\"))
            die_input("image layer '%s' has ',', ':' or '\\' in its path: "
                      "the overlay options cannot carry it unescaped",
                      real);
        o->layers[i] = strdup(real);
        if (!o->layers[i])
            die("out of memory");
    }
}

/* realpath(3) for a path that may not exist yet: resolve the longest part
 * that exists and append the rest as it is. */
static void
resolve_new_path(const char *path, char *out)
{
    char head[PATH_MAX], rest[PATH_MAX] = "";

    if (strlen(path) >= sizeof(head))
        die_usage("path '%.40s...' is too long", path);
    strcpy(head, path);
    while (!realpath(head, out)) {
        char *slash = strrchr(head, '/');
        char *last = slash ? slash + 1 : head;
        size_t n = strlen(last);

        if (errno != ENOENT)
            die_input_errno("resolve '%s'", head);
        /* Move the last component of head to the front of rest. */
        memmove(rest + n + 1, rest, strlen(rest) + 1);
        rest[0] = '/';
        memcpy(rest + 1, last, n);
        if (!slash)
            strcpy(head, ".");
        else if (slash == head)
            strcpy(head, "/");
        else
            *slash = '\0';
    }
    if (strlen(out) + strlen(rest) >= PATH_MAX)
        die_usage("path '%s' is too long", path);
    strcat(out, rest);
}

/* The upper directory is where the container writes. Inside an image layer
 * it would write into the image (and overlayfs refuses overlapping layers
 * with ELOOP anyway), so refuse before anything is created. */
static void
check_state(struct options *o)
{
    char state[PATH_MAX];

    resolve_new_path(o->state, state);
    for (int i = 0; i < o->nlayers; i++) {
        size_t len = strlen(o->layers[i]);

        if (!strncmp(state, o->layers[i], len) &&
            (state[len] == '/' || state[len] == '\0' || len == 1))
            die_usage("--state '%s' is inside the image layer '%s': the "
                      "container would write into its own image",
                      o->state, o->layers[i]);
    }
    if (strpbrk(state, ",:\\"))
        die_usage("--state '%s' has ',', ':' or '\\' in its path", state);
    snprintf(o->dir, sizeof(o->dir), "%s/%s", state, o->name);
    snprintf(o->upper, sizeof(o->upper), "%s/upper", o->dir);
    snprintf(o->work, sizeof(o->work), "%s/work", o->dir);
    snprintf(o->merged, sizeof(o->merged), "%s/merged", o->dir);
}

/* ---- the overlay's options --------------------------------------------- */

/*
 * overlayfs takes its layers as mount options:
 *   lowerdir=TOP:...:BOTTOM  the read-only layers, highest first
 *   upperdir=DIR             where changes go (copy-ups, new files,
 *                            whiteouts)
 *   workdir=DIR              an empty directory on the same filesystem as
 *                            upperdir, where a copy-up is prepared before it
 *                            is renamed into upper (so a crash never leaves
 *                            half a file there)
 * mount(2) copies at most one page (4096 bytes on x86-64) of options and
 * silently cuts the rest, so a long lowerdir is refused here, clearly.
 */
static void
build_mount_options(struct options *o)
{
    size_t len = 0;
    long page = sysconf(_SC_PAGESIZE);
    FILE *f = open_memstream(&o->mount_options, &len);

    if (!f)
        die_errno("open_memstream");
    /* LAB 07.1: write lowerdir=, upperdir= and workdir= into f */
    fprintf(f, "lowerdir=");
    for (int i = 0; i < o->nlayers; i++)
        fprintf(f, "%s%s", i ? ":" : "", o->layers[i]);
    fprintf(f, ",upperdir=%s,workdir=%s", o->upper, o->work);
    /* END LAB */
    if (fclose(f) != 0)
        die_errno("build the overlay options");
    if ((long)len >= page)
        die_usage("the overlay options are %zu bytes, but mount(2) takes "
                  "at most one page (%ld bytes): use fewer or shorter "
                  "layer paths",
                  len, page);
}

/* ---- the container's directories --------------------------------------- */

/* Write the layers, top first, one line: --diff reads them back. */
static int
save_layers(const struct options *o)
{
    char path[sizeof(o->dir) + 8];
    FILE *f;

    snprintf(path, sizeof(path), "%s/lower", o->dir);
    f = fopen(path, "wxe");
    if (!f)
        return ct_fail_errno("create '%s'", path);
    for (int i = 0; i < o->nlayers; i++)
        fprintf(f, "%s%s", i ? ":" : "", o->layers[i]);
    fputc('\n', f);
    if (fclose(f) != 0)
        return ct_fail_errno("write '%s'", path);
    return 0;
}

/* Make STATE/NAME/{upper,work,merged} on the host. NAME must be new: a
 * directory already there is someone's container and is left alone. On a
 * failure, what was made is removed again and we exit. */
static void
make_container_dirs(const struct options *o)
{
    const char *const dirs[] = {o->upper, o->work, o->merged};

    if (ct_mkdir_p(o->state, 0755) == -1)
        die_errno("mkdir -p '%s'", o->state);
    ct_trace(NULL, "mkdir(\"%s\", 0700)", o->dir);
    if (mkdir(o->dir, 0700) == -1) {
        if (errno == EEXIST)
            die_input("container '%s' exists in '%s': remove it "
                      "(rm -rf '%s') or choose another --name",
                      o->name, o->state, o->dir);
        die_errno("mkdir '%s'", o->dir);
    }
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        ct_trace(NULL, "mkdir(\"%s\", 0755)", dirs[i]);
        if (mkdir(dirs[i], 0755) == -1) {
            ct_fail_errno("mkdir '%s'", dirs[i]);
            break;
        }
    }
    if (ct_error_message()[0] || save_layers(o) == -1) {
        ct_rm_rf(o->dir);
        ct_report();
        exit(CT_EXIT_FAILURE);
    }
}

/* ---- inside the container ---------------------------------------------- */

/* Runs in the clone child: PID 1 of new uts, pid, mount and ipc
 * namespaces. Mounts the overlay, makes it "/", and becomes the command. */
static int
child_main(void *arg)
{
    struct options *o = arg;
    char shell[sizeof(o->merged) + 64];

    /* Die with overlaybox: a container nobody waits for is nobody's. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);

    /* mount_namespaces(7): without MS_PRIVATE our mounts would propagate
     * back to the host where / is shared (systemd makes it shared). */
    ct_trace("mount --make-rprivate /",
             "mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE, NULL)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        die_errno("make / private");

    /* The overlay is mounted here, inside the new mount namespace: only
     * this container sees it, and it goes away with the namespace when the
     * last process in it exits, even if overlaybox itself is killed. Plain
     * mount(2), as mount(8) did for years: fsopen(2)/fsconfig(2) would
     * take each option separately, but fsconfig caps a string value at
     * 256 bytes, so a long lowerdir needs "lowerdir+" (Linux 6.8+), one
     * layer per call. */
    if (ct_tracing) {
        char *cmd;
        if (asprintf(&cmd, "mount -t overlay overlay -o %s %s",
                     o->mount_options, o->merged) != -1)
            ct_trace(cmd,
                     "mount(\"overlay\", \"%s\", \"overlay\", 0, "
                     "\"%s\")",
                     o->merged, o->mount_options);
    }
    /* LAB 07.2: mount the overlay on o->merged */
    if (mount("overlay", o->merged, "overlay", 0, o->mount_options) == -1)
        die_errno("mount overlay on '%s'", o->merged);
    /* END LAB */

    snprintf(shell, sizeof(shell), "hostname %s", o->name);
    ct_trace(shell, "sethostname(\"%s\")", o->name);
    if (sethostname(o->name, strlen(o->name)) == -1)
        die_errno("sethostname '%s'", o->name);

    /* pivot_root(".", ".") stacks the old root on top of the new one;
     * detaching "." then removes it, and the host's tree is gone (step 05
     * explains pivot_root in full). merged is a mount point already. */
    snprintf(shell, sizeof(shell), "cd %s && pivot_root . . && umount -l .",
             o->merged);
    ct_trace(shell,
             "chdir(\"%s\"); pivot_root(\".\", \".\"); umount2(\".\", "
             "MNT_DETACH)",
             o->merged);
    if (chdir(o->merged) == -1)
        die_errno("chdir '%s'", o->merged);
    if (syscall(SYS_pivot_root, ".", ".") == -1)
        die_errno("pivot_root to '%s'", o->merged);
    if (umount2(".", MNT_DETACH) == -1)
        die_errno("umount the old root");
    if (chdir("/") == -1)
        die_errno("chdir '/'");

    ct_trace("mount -t proc -o nosuid,nodev,noexec proc /proc",
             "mount(\"proc\", \"/proc\", \"proc\", MS_NOSUID | MS_NODEV | "
             "MS_NOEXEC, NULL)");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) == -1)
        die_errno("mount proc on '/proc'");

    ct_trace(NULL, "execvp(\"%s\", ...)", o->argv[0]);
    fflush(NULL);
    execvp(o->argv[0], o->argv);
    /* As a shell does: 127 when there is no such command, 126 otherwise. */
    {
        int code = errno == ENOENT ? 127 : 126;
        ct_fail_errno("exec '%s'", o->argv[0]);
        ct_report();
        _exit(code);
    }
}

/* ---- running and cleaning up -------------------------------------------- */

/* Start the container and wait for it. Returns its exit status the way a
 * shell reports it (128+N for signal N), or -1 with the error recorded. */
static int
run_container(struct options *o)
{
    /* The child's stack: clone(2) runs child_main on it. 1 MiB in .bss
     * costs nothing until touched. */
    static char stack[1 << 20] __attribute__((aligned(16)));
    int flags = CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC;
    int status;
    pid_t pid;

    ct_trace("unshare --uts --pid --mount --ipc --fork",
             "clone(CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | "
             "CLONE_NEWIPC | SIGCHLD)");
    fflush(NULL);
    pid = clone(child_main, stack + sizeof(stack), flags | SIGCHLD, o);
    if (pid == -1)
        return ct_fail_errno("clone");
    /* Ctrl-C goes to the container; we stay to clean up after it. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid %d", pid);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* The overlay went away with the container's mount namespace. Keep upper
 * (and the list of layers) with --keep; remove everything otherwise. */
static int
finish_container(const struct options *o)
{
    if (!o->keep) {
        char shell[sizeof(o->dir) + 8];
        snprintf(shell, sizeof(shell), "rm -rf %s", o->dir);
        ct_trace(shell, "ct_rm_rf(\"%s\")", o->dir);
        return ct_rm_rf(o->dir) == -1 ? ct_fail_errno("remove '%s'", o->dir)
                                      : 0;
    }
    if (ct_rm_rf(o->work) == -1 || rmdir(o->merged) == -1)
        return ct_fail_errno("remove '%s/{work,merged}'", o->dir);
    fflush(stdout);
    fprintf(stderr, "%s: kept '%s' (what changed: %s%s%s --diff %s)\n", ct_prog,
            o->upper, ct_prog,
            strcmp(o->state, default_state()) ? " --state " : "",
            strcmp(o->state, default_state()) ? o->state : "", o->name);
    return 0;
}

/* ---- --diff: what a container changed ----------------------------------- */

/* Is there an entry at `rel` (e.g. "/etc/passwd") in the image? The first
 * layer, from the top, that has one decides: a whiteout there means the
 * entry was deleted in that layer. */
static bool
in_layers(char **layers, int nlayers, const char *rel)
{
    for (int i = 0; i < nlayers; i++) {
        char path[PATH_MAX * 2];
        struct stat st;

        snprintf(path, sizeof(path), "%s%s", layers[i], rel);
        if (lstat(path, &st) == 0)
            return !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
    }
    return false;
}

static int
skip_dots(const struct dirent *e)
{
    return strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
}

/* Print one line per entry of upper below `rel`, sorted, as docker diff
 * does: A added, C changed (copied up), D deleted, R replaced. */
static void
diff_dir(const char *upper, const char *rel, bool in_opaque, char **layers,
         int nlayers)
{
    struct dirent **list;
    char dir[PATH_MAX * 3];
    int n;

    snprintf(dir, sizeof(dir), "%s%s", upper, rel);
    n = scandir(dir, &list, skip_dots, alphasort);
    if (n == -1)
        die_errno("scandir '%s'", dir);
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX * 3], sub[PATH_MAX];
        struct stat st;
        bool replaced = false;
        char kind;

        snprintf(sub, sizeof(sub), "%s/%s", rel, list[i]->d_name);
        snprintf(path, sizeof(path), "%s%s", upper, sub);
        if (lstat(path, &st) == -1)
            die_errno("lstat '%s'", path);
        /* LAB 07.3: tell a deletion, a replaced dir, a change, an addition */
        char opaque[2] = "";
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
            kind = 'D'; /* a whiteout: hides the image's entry */
        } else if (S_ISDIR(st.st_mode) &&
                   lgetxattr(path, "trusted.overlay.opaque", opaque, 1) == 1 &&
                   opaque[0] == 'y') {
            kind = 'R'; /* opaque: nothing below comes from the image */
            replaced = true;
        } else if (!in_opaque && in_layers(layers, nlayers, sub)) {
            kind = 'C'; /* copied up: the image has it, changed here */
        } else {
            kind = 'A';
        }
        /* END LAB */
        printf("%c %s\n", kind, sub);
        if (S_ISDIR(st.st_mode))
            diff_dir(upper, sub, in_opaque || replaced, layers, nlayers);
        free(list[i]);
    }
    free(list);
}

static int
show_diff(struct options *o)
{
    static char saved[1 << 16];
    char path[sizeof(o->dir) + 8];
    char *layers[MAX_LAYERS];
    int nlayers = 0;

    snprintf(path, sizeof(path), "%s/lower", o->dir);
    if (ct_read_file(path, saved, sizeof(saved)) == -1)
        die_input_errno("read '%s' (was '%s' run with --keep?)", path, o->name);
    for (char *p = strtok(saved, ":"); p && nlayers < MAX_LAYERS;
         p = strtok(NULL, ":"))
        layers[nlayers++] = p;
    diff_dir(o->upper, "", false, layers, nlayers);
    return 0;
}

/* ---- main ---------------------------------------------------------------- */

int
main(int argc, char **argv)
{
    struct options o = {0};
    int status;

    ct_prog = "overlaybox";
    parse_args(&o, argc, argv);
    if (o.diff) {
        check_state(&o);
        return show_diff(&o);
    }
    check_layers(&o);
    check_state(&o);
    build_mount_options(&o);
    make_container_dirs(&o);
    status = run_container(&o);
    if (finish_container(&o) == -1 || status == -1) {
        ct_report();
        return CT_EXIT_FAILURE;
    }
    return status;
}
