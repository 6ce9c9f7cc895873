/*
 * 02-namespaces: run a command in new uts, pid, mount, ipc, net and cgroup
 * namespaces.
 *
 * Step 01 changed which files a process sees (chroot). A namespace changes
 * what it sees of one kind of kernel object: the hostname (uts), process
 * ids (pid), the mount table (mnt), System V IPC and POSIX message queues
 * (ipc), network devices and ports (net), and where its cgroup is (cgroup).
 * One clone() call makes a child in all of them at once; the child is PID 1
 * of its own pid namespace.
 *
 * Read: namespaces(7), clone(2), pid_namespaces(7), mount_namespaces(7),
 *       uts_namespaces(7), cgroup_namespaces(7), prctl(2).
 * Try:  sudo bin/nsbox --hostname box /bin/sh -c 'hostname; echo $$; ls /proc'
 *       sudo bin/nsbox --trace --root build/images/busybox ps
 * See:  the shell is PID 1, /proc lists only the new namespace's processes,
 *       and the links in /proc/self/ns/ inside differ from the host's.
 */
#include "ct.h"

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
#include <unistd.h>

/* The namespaces nsbox can make: the name in /proc/PID/ns/ and --ns, the
 * clone(2) flag, and the unshare(1) option that makes the same one. */
static const struct ns_type {
    const char *name;
    int flag;
    const char *flag_name;
    const char *option;
} ns_types[] = {
    {"uts", CLONE_NEWUTS, "CLONE_NEWUTS", "--uts"},
    {"pid", CLONE_NEWPID, "CLONE_NEWPID", "--pid --fork"},
    {"mnt", CLONE_NEWNS, "CLONE_NEWNS", "--mount"},
    {"ipc", CLONE_NEWIPC, "CLONE_NEWIPC", "--ipc"},
    {"net", CLONE_NEWNET, "CLONE_NEWNET", "--net"},
    {"cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "--cgroup"},
};
#define N_NS_TYPES (sizeof(ns_types) / sizeof(ns_types[0]))
#define ALL_NS \
    (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | \
     CLONE_NEWCGROUP)

/* Everything parent and child need to know, filled in by parse_args. */
struct box {
    int flags; /* the CLONE_NEW* flags of the namespaces to make */
    const char *hostname; /* --hostname, or NULL to keep the copied one */
    const char *root; /* --root, or NULL to stay in the host's / */
    char **argv; /* the command to run */
    int go[2]; /* the parent writes one byte: "go ahead" */
};

static void
usage(void)
{
    printf("usage: nsbox [OPTIONS] COMMAND [ARG...]\n"
           "Run COMMAND as PID 1 in new namespaces (as root).\n\n"
           "  --ns LIST        namespaces to make, from uts,pid,mnt,ipc,net,"
           "cgroup\n"
           "                   (default: all; 'mount' = 'mnt'); others stay "
           "the host's\n"
           "  --hostname NAME  set the hostname inside (needs uts)\n"
           "  --root DIR       mount DIR/proc, then chroot into DIR\n"
           "  --trace          print each kernel call and its shell command\n"
           "\nExit status: the command's; 128+N if signal N killed it; 127 "
           "not found,\n126 cannot run; 1 setup failed; 2 usage; 3 bad "
           "--root.\n");
}

/* ---- parse and check: before any namespace exists ---------------------- */

/* "uts,pid,net" -> CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNET. */
static int
parse_ns_list(const char *list)
{
    char copy[256], *name, *save;
    int flags = 0;

    if (strlen(list) >= sizeof(copy))
        die_usage("--ns list is too long");
    strcpy(copy, list);
    for (name = strtok_r(copy, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        size_t i = 0;

        if (!strcmp(name, "mount"))
            name = "mnt";
        while (i < N_NS_TYPES && strcmp(name, ns_types[i].name))
            i++;
        if (i == N_NS_TYPES)
            die_usage("unknown namespace '%s' in --ns (known: uts, pid, "
                      "mnt, ipc, net, cgroup)",
                      name);
        flags |= ns_types[i].flag;
    }
    if (!flags)
        die_usage("--ns needs at least one namespace");
    return flags;
}

static void
parse_args(int argc, char **argv, struct box *box)
{
    enum { OPT_NS = 256, OPT_HOSTNAME, OPT_ROOT, OPT_TRACE, OPT_HELP };
    static const struct option options[] = {
        {"ns", required_argument, NULL, OPT_NS},
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"root", required_argument, NULL, OPT_ROOT},
        {"trace", no_argument, NULL, OPT_TRACE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int opt;

    box->flags = ALL_NS;
    opterr = 0; /* we print our own messages */
    /* "+": stop at the first non-option, so `nsbox ls -l` keeps ls's -l. */
    while ((opt = getopt_long(argc, argv, "+:", options, NULL)) != -1) {
        switch (opt) {
        case OPT_NS: box->flags = parse_ns_list(optarg); break;
        case OPT_HOSTNAME: box->hostname = optarg; break;
        case OPT_ROOT: box->root = optarg; break;
        case OPT_TRACE: ct_tracing = true; break;
        case OPT_HELP: usage(); exit(0);
        case ':': die_usage("option '%s' needs a value", argv[optind - 1]);
        default: die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc)
        die_usage("no command given");
    box->argv = argv + optind;
}

/* Refuse combinations that would touch the host instead of the box. */
static void
check_args(const struct box *box)
{
    struct stat st;
    char proc[PATH_MAX];
    bool new_proc = (box->flags & CLONE_NEWPID) && (box->flags & CLONE_NEWNS);

    if (box->hostname && !(box->flags & CLONE_NEWUTS))
        die_usage("--hostname needs the uts namespace (--ns uts,...): "
                  "without it, it would rename the host");
    if (box->hostname &&
        (!*box->hostname || strlen(box->hostname) > HOST_NAME_MAX))
        die_usage("--hostname must be 1 to %d characters", HOST_NAME_MAX);
    if (box->root && stat(box->root, &st) == -1)
        die_input_errno("stat --root '%s'", box->root);
    if (box->root && !S_ISDIR(st.st_mode))
        die_input("--root '%s' is not a directory", box->root);
    snprintf(proc, sizeof(proc), "%s/proc", box->root ? box->root : "");
    if (box->root && new_proc &&
        (stat(proc, &st) == -1 || !S_ISDIR(st.st_mode)))
        die_input("'%s' is missing: make it (mkdir) to mount /proc there",
                  proc);
    if ((box->flags & CLONE_NEWPID) && !(box->flags & CLONE_NEWNS))
        warnx_ct("a pid namespace without a mount namespace keeps the "
                 "host's /proc: ps will list the host's processes");
}

/* ---- the child: runs inside the new namespaces ------------------------- */

/* Leave the child after a failure recorded with ct_fail_errno. _exit, not
 * exit: the child is a copy of the parent, and the parent's exit handlers
 * and stdio buffers are not the child's to run and flush. */
static noreturn void
child_exit(int status)
{
    ct_report();
    fflush(stdout);
    _exit(status);
}

/* mount_namespaces(7): the new mount namespace starts as a copy of ours,
 * and a copy of a *shared* mount stays a peer of the original: a mount made
 * below it would appear on the host too. systemd makes / shared, so make
 * every mount private, recursively, before we mount anything. */
static int
make_mounts_private(const struct box *box)
{
    if (!(box->flags & CLONE_NEWNS))
        return 0;
    ct_trace("mount --make-rprivate /",
             "mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL)");
    /* LAB 02.2: make every mount below / private */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return ct_fail_errno("make '/' private: mount MS_REC|MS_PRIVATE");
    /* END LAB */
    return 0;
}

/* proc(5): a proc filesystem shows the processes of the pid namespace it
 * was mounted from. The /proc we inherited is the host's, so ps would list
 * every process on the host; a fresh one lists only ours. We may only
 * cover /proc in our own mount namespace, hence both pid and mnt. */
static int
mount_proc(const struct box *box)
{
    unsigned long mount_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    char path[PATH_MAX], shell[PATH_MAX + 64];

    if (!(box->flags & CLONE_NEWPID) || !(box->flags & CLONE_NEWNS))
        return 0;
    snprintf(path, sizeof(path), "%s/proc", box->root ? box->root : "");
    snprintf(shell, sizeof(shell),
             "mount -t proc -o nosuid,nodev,noexec proc %s", path);
    ct_trace(shell,
             "mount(\"proc\", \"%s\", \"proc\", "
             "MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)",
             path);
    /* LAB 02.3: mount a fresh proc on path */
    if (mount("proc", path, "proc", mount_flags, NULL) == -1)
        return ct_fail_errno("mount proc on '%s'", path);
    /* END LAB */
    return 0;
}

/* chroot(2) as in step 01: only the view of the files changes. Step 05
 * replaces it with pivot_root, which a process cannot climb out of. */
static int
enter_root(const struct box *box)
{
    char shell[PATH_MAX + 16];

    if (!box->root)
        return 0;
    snprintf(shell, sizeof(shell), "chroot %s", box->root);
    ct_trace(shell, "chroot(\"%s\")", box->root);
    if (chroot(box->root) == -1)
        return ct_fail_errno("chroot into '%s'", box->root);
    if (chdir("/") == -1)
        return ct_fail_errno("chdir to '/' inside '%s'", box->root);
    return 0;
}

/* uts_namespaces(7): the new uts namespace holds a copy of the host's
 * names; changing ours leaves the host's alone. */
static int
set_hostname(const struct box *box)
{
    char shell[HOST_NAME_MAX + 16];

    if (!box->hostname)
        return 0;
    snprintf(shell, sizeof(shell), "hostname %s", box->hostname);
    ct_trace(shell, "sethostname(\"%s\", %zu)", box->hostname,
             strlen(box->hostname));
    /* LAB 02.4: set the hostname inside the uts namespace */
    if (sethostname(box->hostname, strlen(box->hostname)) == -1)
        return ct_fail_errno("sethostname '%s'", box->hostname);
    /* END LAB */
    return 0;
}

/* Replace the child with the command. As a shell does: 127 when the
 * command is not found, 126 when it is found but cannot be run. */
static noreturn void
exec_command(char **argv)
{
    int err;

    ct_trace(NULL, "execvp(\"%s\", argv)", argv[0]);
    fflush(stdout);
    execvp(argv[0], argv);
    err = errno;
    ct_fail_errno("exec '%s'", argv[0]);
    child_exit(err == ENOENT ? 127 : 126);
}

/* What clone() starts: PID 1 of the new pid namespace. */
static int
child_main(void *arg)
{
    struct box *box = arg;
    char go;

    /* prctl(2): if nsbox dies (Ctrl-C, kill -9), the kernel kills the
     * command too, instead of leaving it running unwatched. */
    ct_trace(NULL, "prctl(PR_SET_PDEATHSIG, SIGKILL)");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) {
        ct_fail_errno("prctl PR_SET_PDEATHSIG");
        child_exit(1);
    }
    /* Wait for the parent's byte. End of file without it means the parent
     * died before PR_SET_PDEATHSIG took effect: stop here. */
    close(box->go[1]);
    if (read(box->go[0], &go, 1) != 1)
        _exit(1);
    close(box->go[0]);

    if (make_mounts_private(box) == -1 || mount_proc(box) == -1 ||
        enter_root(box) == -1 || set_hostname(box) == -1)
        child_exit(1);
    exec_command(box->argv);
}

/* ---- the parent: start the child, let it go, wait for it --------------- */

static void
trace_clone(const struct box *box)
{
    char flags[256] = "", shell[256] = "unshare";

    for (size_t i = 0; i < N_NS_TYPES; i++) {
        if (!(box->flags & ns_types[i].flag))
            continue;
        strcat(strcat(flags, ns_types[i].flag_name), "|");
        strcat(strcat(shell, " "), ns_types[i].option);
    }
    snprintf(shell + strlen(shell), sizeof(shell) - strlen(shell), " %s",
             box->argv[0]);
    ct_trace(shell, "clone(child_main, stack, %sSIGCHLD, box)", flags);
}

static pid_t
start_child(struct box *box)
{
    /* clone(2) without CLONE_VM copies our memory, as fork(2) does, but it
     * starts the child on the stack we give it. Stacks grow down on every
     * architecture we run on, so we pass the top of this array. */
    static char stack[1024 * 1024] __attribute__((aligned(16)));
    pid_t pid;

    if (pipe2(box->go, O_CLOEXEC) == -1)
        die_errno("pipe2");
    trace_clone(box);
    fflush(stdout); /* or the child inherits a copy of unwritten output */
    /* LAB 02.1: start child_main in the new namespaces with clone() */
    pid = clone(child_main, stack + sizeof(stack), box->flags | SIGCHLD, box);
    if (pid == -1)
        die_errno("clone into new namespaces");
    /* END LAB */
    close(box->go[0]);
    /* The child waits here for us. Later steps set it up from outside at
     * this point (a cgroup, uid_map, a veth); this step just lets it go.
     * A child that died already makes write fail with EPIPE: ignore
     * SIGPIPE (the child is made, it keeps its own) and let waitpid tell
     * how it died. */
    signal(SIGPIPE, SIG_IGN);
    if (write(box->go[1], "g", 1) != 1 && errno != EPIPE)
        die_errno("write to the child's sync pipe");
    close(box->go[1]);
    return pid;
}

/* Wait for the command and turn its end into our exit status, as a shell
 * does: its own status, or 128 + the signal that killed it. */
static int
wait_child(pid_t pid)
{
    int status;

    ct_trace(NULL, "waitpid(%d, &status, 0)", (int)pid);
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            die_errno("waitpid %d", (int)pid);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

int
main(int argc, char **argv)
{
    struct box box = {0};

    ct_prog = "nsbox";
    parse_args(argc, argv, &box);
    check_args(&box);
    return wait_child(start_child(&box));
}
