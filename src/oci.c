/*
 * oci.c: the OCI runtime command line, runc's, so that containerd's shim,
 * conmon (podman, CRI-O) and through them Kubernetes run their containers
 * with minictr. A front door: a bundle's config.json becomes a struct
 * container (oci_config.c), and the core makes it.
 *
 *   minictr-oci [--root DIR] [--log FILE] [--log-format text|json]
 *               [--debug] [--systemd-cgroup] COMMAND [ARGS...]
 *
 *   create [-b BUNDLE] [--pid-file F] [--console-socket S] ID
 *   start ID              state ID              delete [--force] ID
 *   kill [--all] ID [SIGNAL]                    pause ID    resume ID
 *   exec [--process FILE] [--detach] [--tty] [--pid-file F] ID [CMD...]
 *   ps [--format table|json] ID                 list        features
 *   run [-b BUNDLE] [-d] ID                     spec [-b BUNDLE]
 *
 * Two command lines, one binary. This door is taken when minictr is run as
 * `minictr-oci` (a hard link that make puts beside it) or as `minictr oci
 * ...`, and otherwise when the command line can only be runc's:
 *   - it starts with a runc global flag (--root, --log, --log-format,
 *     --debug, --systemd-cgroup): containerd always gives --root;
 *   - the command is one Docker's has not: state, delete, resume, list,
 *     features, spec;
 *   - create or run with --bundle (-b), exec with --process, --pid-file or
 *     --console-socket: flags Docker's commands have not;
 *   - start, pause, kill or exec of an ID that is not a container of
 *     `minictr run`'s but is one of ours under the default root (podman
 *     and the validation suite send a bare `start ID`).
 * Anything else is Docker's command line (run.c and the others).
 *
 * The moment that matters, create (runtime.md "Lifecycle"): the caller —
 * containerd's shim, conmon — waits for us to exit, then expects the
 * container's first process to be its child (it is a subreaper), with its
 * pid in --pid-file, stopped before the user's command until `start`. So
 * there is no monitor: this process writes the record (the cgroups named
 * first), makes the exec FIFO, clones the first process
 * (container_spawn_held), writes the pid file and exits. The orphan goes
 * to the caller; it waits on the FIFO, and `start` lets it go. Our stdin,
 * stdout and stderr are the container's own, so create writes nothing to
 * stdout; with a terminal, the pty's master goes to --console-socket.
 *
 * Errors are printed once, to stderr, and with --log also into that file,
 * one line each: {"level":"error","msg":"...","time":"2026-12-01T05:55:13Z"}
 * with --log-format json (containerd reads the last one and shows it as
 * "OCI runtime create failed: ..."), logrus's text line otherwise. The
 * exit status of a failed command is 1, as runc's.
 *
 * Read: runtime-spec runtime.md; runc's man pages (runc-create(8) ...);
 *       ../shared/reference/oci-drivers/ for what the drivers send.
 * Try:  mkdir -p b/rootfs && tar -C b/rootfs -xf busybox.tar && cd b
 *       minictr-oci spec && sudo minictr-oci run demo
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <libgen.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OCI_DEFAULT_ROOT "/run/minictr-oci"
#define OCI_EXIT_FAILURE 1 /* runc's, for every error */

static struct {
    const char *root; /* --root: where the records live */
    const char *log; /* --log FILE */
    bool log_json; /* --log-format json */
    bool systemd; /* --systemd-cgroup */
} g = {.root = OCI_DEFAULT_ROOT};

/* ---- which door -------------------------------------------------------- */

static bool
is_oci_global(const char *a)
{
    static const char *const flags[] = {"--root",           "--log",
                                        "--log-format",     "--debug",
                                        "--systemd-cgroup", "--rootless"};

    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        size_t n = strlen(flags[i]);
        if (!strncmp(a, flags[i], n) && (a[n] == '\0' || a[n] == '='))
            return true;
    }
    return false;
}

/* One of the leading options of argv (up to the first argument that is
 * neither an option nor an OCI option's value) is one of these. */
static bool
leading_option(int argc, char **argv, const char *const *names)
{
    for (int i = 2; i < argc && argv[i][0] == '-'; i++)
        for (const char *const *n = names; *n; n++) {
            size_t len = strlen(*n);
            if (strncmp(argv[i], *n, len) != 0 ||
                (argv[i][len] != '\0' && argv[i][len] != '='))
                continue;
            return true;
        }
    return false;
}

static bool
valid_id(const char *id)
{
    size_t n = strlen(id);

    return n > 0 && n <= 128 && strcmp(id, ".") && strcmp(id, "..") &&
        strspn(id,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_+-.") == n;
}

/* A bare ID: a container of ours in the default root, and none of
 * Docker's door by that name or id? */
static bool
ours_not_dockers(const char *id)
{
    char path[4300];
    struct container *c;
    bool docker;

    if (!valid_id(id))
        return false;
    snprintf(path, sizeof(path), "%s/%s/state.json", OCI_DEFAULT_ROOT, id);
    if (access(path, F_OK) == -1)
        return false;
    c = malloc(sizeof(*c));
    docker = c && container_find(id, c) == 0;
    ct_clear_error();
    free(c);
    return !docker;
}

bool
oci_claims(int argc, char **argv)
{
    static const char *const only_ours[] = {
        "state", "delete", "resume", "list", "features", "spec", NULL};
    static const char *const create_flags[] = {
        "--bundle",         "-b",         "--pid-file",
        "--console-socket", "--no-pivot", "--preserve-fds",
        "--no-new-keyring", NULL};
    static const char *const exec_flags[] = {"--process", "-p", "--pid-file",
                                             "--console-socket", NULL};
    const char *cmd;
    int first = 2;

    if (!strcmp(basename(argv[0]), "minictr-oci"))
        return true;
    if (argc < 2)
        return false;
    if (!strcmp(argv[1], "oci") || is_oci_global(argv[1]))
        return true;
    cmd = argv[1];
    for (const char *const *c = only_ours; *c; c++)
        if (!strcmp(cmd, *c))
            return true;
    if ((!strcmp(cmd, "create") || !strcmp(cmd, "run")) &&
        leading_option(argc, argv, create_flags))
        return true;
    if (!strcmp(cmd, "exec") && leading_option(argc, argv, exec_flags))
        return true;
    while (first < argc && argv[first][0] == '-')
        first++;
    if ((!strcmp(cmd, "start") || !strcmp(cmd, "pause") ||
         !strcmp(cmd, "kill") || !strcmp(cmd, "exec")) &&
        first < argc)
        return ours_not_dockers(argv[first]);
    return false;
}

/* ---- errors into --log ------------------------------------------------- */

/* One line in the --log file: logrus's JSON (what containerd reads) or
 * its text format. */
void
oci_log(const char *level, const char *msg)
{
    char when[32], *line;
    time_t now = time(NULL);
    struct tm tm;
    json_object *o;
    int fd, n;

    if (!g.log)
        return;
    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    o = json_object_new_object();
    json_object_object_add(o, "level", json_object_new_string(level));
    json_object_object_add(o, "msg", json_object_new_string(msg));
    json_object_object_add(o, "time", json_object_new_string(when));
    if (g.log_json)
        n = asprintf(
            &line, "%s\n",
            json_object_to_json_string_ext(
                o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    else
        n = asprintf(
            &line, "time=\"%s\" level=%s msg=%s\n", when, level,
            json_object_to_json_string_ext(json_object_object_get(o, "msg"),
                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    if (n < 0)
        return;
    fd = open(g.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        (void)!write(fd, line, (size_t)n);
        close(fd);
    }
    free(line);
}

/* ---- shared by the commands -------------------------------------------- */

/* The one ID a command takes, at argv[optind]. */
static int
take_id(int argc, char **argv, const char *cmd, const char **id)
{
    if (optind >= argc)
        return mc_usage_error("%s: no container ID given (usage: minictr-oci "
                              "%s [OPTIONS] ID)",
                              cmd, cmd);
    *id = argv[optind++];
    if (!valid_id(*id))
        return mc_usage_error("%s: bad container ID '%s': up to 128 letters, "
                              "digits, '_', '+', '-', '.'",
                              cmd, *id);
    return 0;
}

/* Load container id into the static c and s; -1 if there is none. */
static struct container cont;
static struct oci_spec spec;

static int
load(const char *id)
{
    return oci_state_load(g.root, id, &cont, &spec);
}

/* One command at a time on a container: flock(2) on its state dir. */
static int
lock_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd == -1)
        return ct_fail_errno("open '%s'", dir);
    while (flock(fd, LOCK_EX) == -1)
        if (errno != EINTR) {
            close(fd);
            return ct_fail_errno("flock '%s'", dir);
        }
    return fd;
}

/* A pid into file, as runc writes it (no newline), by rename. */
static int
write_pid_file(const char *path, pid_t pid)
{
    char tmp[4200];
    int fd, n;

    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1)
        return ct_fail_errno("write --pid-file '%s'", path);
    n = dprintf(fd, "%d", (int)pid);
    close(fd);
    if (n <= 0 || rename(tmp, path) == -1) {
        unlink(tmp);
        return ct_fail_errno("write --pid-file '%s'", path);
    }
    return 0;
}

/* --systemd-cgroup: cgroupsPath "slice:prefix:name", as systemd would
 * place it (system.slice:cri-containerd:ID ->
 * /system.slice/cri-containerd-ID.scope; a slice "a-b.slice" lives in
 * "a.slice/a-b.slice"). Without systemd nobody makes the units, so
 * minictr makes the same directories itself. */
static int
systemd_path(struct oci_spec *s)
{
    char slice[256], prefix[256], name[256], path[1024] = "";
    const char *p = s->cgroups_path ? s->cgroups_path : "";
    size_t len = 0;

    if (sscanf(p, "%255[^:]:%255[^:]:%255s", slice, prefix, name) != 3) {
        if (!*p) /* no path: runc's default unit */
            snprintf(slice, sizeof(slice), "system.slice");
        else
            return mc_usage_error("--systemd-cgroup: linux.cgroupsPath '%s' is "
                                  "not slice:prefix:name",
                                  p);
        snprintf(prefix, sizeof(prefix), "minictr");
        snprintf(name, sizeof(name), "%s", s->id);
    }
    /* -.slice is the root slice; "a-b-c.slice" nests in a.slice/a-b.slice */
    if (strcmp(slice, "-.slice")) {
        char *dot = strstr(slice, ".slice");
        if (!dot || dot[6])
            return mc_usage_error("--systemd-cgroup: '%s' is not a slice",
                                  slice);
        *dot = '\0';
        for (char *dash = slice; (dash = strchr(dash, '-')); dash++)
            len += (size_t)snprintf(path + len, sizeof(path) - len,
                                    "/%.*s.slice", (int)(dash - slice), slice);
        len += (size_t)snprintf(path + len, sizeof(path) - len, "/%s.slice",
                                slice);
    }
    snprintf(path + len, sizeof(path) - len, "/%s-%s.scope", prefix, name);
    s->cgroups_path = strdup(path);
    return 0;
}

/* ---- create ------------------------------------------------------------ */

static int
copy_fd(int in, int out)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(in, buf, sizeof(buf))) != 0) {
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 || write(out, buf, (size_t)n) != n)
            return -1;
    }
    return 0;
}

struct create_opts {
    const char *bundle, *pid_file, *console_socket, *id;
    int preserve_fds;
    bool no_pivot, detach, keep;
};

static int
parse_create(int argc, char **argv, struct create_opts *o, bool run)
{
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, 'b'},
        {"pid-file", required_argument, NULL, 'P'},
        {"console-socket", required_argument, NULL, 'C'},
        {"no-pivot", no_argument, NULL, 'N'},
        {"no-new-keyring", no_argument, NULL, 'K'},
        {"preserve-fds", required_argument, NULL, 'F'},
        {"detach", no_argument, NULL, 'd'},
        {"keep", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int opt;
    uint64_t n;

    *o = (struct create_opts){.bundle = "."};
    optind = 0; /* getopt starts again, on the command's own argv */
    while ((opt = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
        switch (opt) {
        case 'b': o->bundle = optarg; break;
        case 'P': o->pid_file = optarg; break;
        case 'C': o->console_socket = optarg; break;
        case 'N': o->no_pivot = true; break;
        case 'K': break; /* no session keyring of its own: as runc's flag */
        case 'F':
            if (ct_parse_u64(optarg, &n) == -1 || n > 1000)
                return mc_usage_error("bad --preserve-fds '%s'", optarg);
            o->preserve_fds = (int)n;
            break;
        case 'd':
        case 'k':
            if (!run)
                return mc_usage_error("create has no --%s",
                                      opt == 'd' ? "detach" : "keep");
            if (opt == 'd')
                o->detach = true;
            else
                o->keep = true;
            break;
        case 'h':
            printf("usage: minictr-oci %s [--bundle DIR] [--pid-file FILE] "
                   "[--console-socket SOCK]\n"
                   "       [--no-pivot] [--preserve-fds N]%s ID\n",
                   run ? "run" : "create", run ? " [--detach] [--keep]" : "");
            exit(0);
        default:
            return mc_usage_error("%s: unknown or incomplete option '%s'",
                                  run ? "run" : "create", argv[optind - 1]);
        }
    }
    if (take_id(argc, argv, run ? "run" : "create", &o->id) == -1)
        return -1;
    if (optind < argc)
        return mc_usage_error("%s: one ID only, not '%s' too",
                              run ? "run" : "create", argv[optind]);
    return 0;
}

/* Everything create made, undone (a create that failed leaves nothing). */
static void
undo_create(struct container *c)
{
    cgroups_destroy(c);
    if (!namespaces_has(c, CLONE_NEWNS) && c->spec->root)
        rootfs_unmount_below(c->spec->root);
    ct_rm_rf(c->spec->state_dir);
}

/* create, and run's first half: returns the container's first process,
 * held on the FIFO; with a terminal and no console socket, *master keeps
 * the pty (run relays it). */
static pid_t
do_create(const struct create_opts *o, int *master)
{
    struct container *c = &cont;
    struct oci_spec *s = &spec;
    struct spawn_io io = {0, 1, 2, -1};
    char bundle[4096], path[4300], dir[4200];
    struct stat st;
    int lock;
    pid_t pid;

    *master = -1;
    /* Checked and parsed before anything is made. */
    if (stat(o->bundle, &st) == -1) {
        mc_error_code("bad_config");
        return ct_fail_errno("--bundle '%s'", o->bundle);
    }
    if (!S_ISDIR(st.st_mode)) {
        mc_error_code("bad_config");
        return ct_fail("--bundle '%s' is not a directory (a bundle holds "
                       "config.json and the root)",
                       o->bundle);
    }
    if (!realpath(o->bundle, bundle))
        return ct_fail_errno("realpath '%s'", o->bundle);
    snprintf(path, sizeof(path), "%s/config.json", bundle);
    if (oci_config_load(path, bundle, c, s, false) == -1)
        return -1;
    s->id = strdup(o->id);
    s->preserve_fds = o->preserve_fds;
    s->no_pivot = o->no_pivot;
    snprintf(c->id, sizeof(c->id), "%.64s", o->id);
    snprintf(c->name, sizeof(c->name), "%.63s", o->id);
    if (g.systemd && systemd_path(s) == -1)
        return -1;
    if (s->terminal && !o->console_socket && o->detach)
        return mc_usage_error("process.terminal is true: give --console-socket "
                              "(the pty's master goes there)");
    if (o->console_socket && !s->terminal)
        return mc_usage_error("--console-socket without process.terminal: "
                              "there is no terminal to send");
    /* The id is ours from the mkdir on: the state directory is the
     * claim, and the first thing made. */
    if (ct_mkdir_p(g.root, 0700) == -1)
        return ct_fail_errno("mkdir --root '%s'", g.root);
    snprintf(dir, sizeof(dir), "%s/%s", g.root, o->id);
    if (mkdir(dir, 0711) == -1) {
        if (errno == EEXIST) {
            mc_error_code("container_exists");
            return ct_fail("container '%s' exists already (in '%s')", o->id,
                           g.root);
        }
        return ct_fail_errno("mkdir '%s'", dir);
    }
    s->state_dir = strdup(dir);
    lock = lock_dir(dir);
    c->created_ns = mc_now_ns();
    snprintf(c->status, sizeof(c->status), "creating");
    c->monitor_pid = getpid();
    s->creator_start = mc_pid_start_time(getpid());
    /* Named first: the cgroups are in the record before they are made,
     * and so is a copy of config.json (runtime.md: changes to the bundle
     * after create do not change the container). */
    if (lock == -1 || cgroups_plan(c) == -1 || oci_state_write(c) == -1 ||
        oci_state_path(path, sizeof(path), s, "config.json") == -1)
        goto failed;
    {
        char from[4300];
        int in, out;
        snprintf(from, sizeof(from), "%s/config.json", bundle);
        in = open(from, O_RDONLY | O_CLOEXEC);
        out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (in == -1 || out == -1 || copy_fd(in, out) == -1) {
            ct_fail_errno("copy config.json into '%s'", dir);
            if (in >= 0)
                close(in);
            if (out >= 0)
                close(out);
            goto failed;
        }
        close(in);
        close(out);
    }
    /* fifo(7): the first process will open it for writing and wait. Any
     * user may (0622), for it may be no longer root by then. */
    if (oci_state_path(path, sizeof(path), s, "exec.fifo") == -1)
        goto failed;
    if (mkfifo(path, 0622) == -1 || chmod(path, 0622) == -1) {
        ct_fail_errno("mkfifo '%s'", path);
        goto failed;
    }
    s->exec_fifo = open(path, O_PATH | O_CLOEXEC);
    if (s->exec_fifo == -1) {
        ct_fail_errno("open '%s'", path);
        goto failed;
    }
    pid = container_spawn_held(c, &io, master);
    close(s->exec_fifo);
    if (pid == -1)
        goto failed;
    s->pid_start = mc_pid_start_time(pid);
    snprintf(c->status, sizeof(c->status), "created");
    if (*master >= 0 && (s->console_rows || s->console_cols)) {
        struct winsize ws = {.ws_row = (unsigned short)s->console_rows,
                             .ws_col = (unsigned short)s->console_cols};
        ioctl(*master, TIOCSWINSZ, &ws);
    }
    if (oci_state_write(c) == -1 ||
        (o->console_socket && tty_send_console(o->console_socket, *master)) ||
        (o->pid_file && write_pid_file(o->pid_file, pid) == -1)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        goto failed;
    }
    if (o->console_socket) {
        close(*master);
        *master = -1;
    }
    close(lock);
    return pid;

failed:
    undo_create(c);
    if (lock >= 0)
        close(lock);
    return -1;
}

static int
cmd_oci_create(int argc, char **argv)
{
    struct create_opts o;
    int master;

    if (parse_create(argc, argv, &o, false) == -1)
        return -1;
    o.detach = true;
    return do_create(&o, &master) == -1 ? -1 : 0;
}

/* ---- start ------------------------------------------------------------- */

/* Open the FIFO's read end: the first process's blocked open for writing
 * returns, it writes one byte, runs the startContainer hooks and execs,
 * which closes its end. Watch its pidfd too: a process that died will
 * never write. */
static int
release(struct container *c)
{
    char path[4300], byte;
    int fifo, pidfd;
    ssize_t n = 0;

    if (oci_state_path(path, sizeof(path), c->spec, "exec.fifo") == -1)
        return -1;
    /* LAB oci.1: read the FIFO's byte, wait for EOF, remove it */
    ct_trace(NULL, "open(\"%s\", O_RDONLY): the first process goes on", path);
    fifo = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifo == -1)
        return ct_fail_errno("open the exec FIFO '%s'", path);
    pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    for (;;) {
        struct pollfd p[2] = {{fifo, POLLIN, 0}, {pidfd, POLLIN, 0}};
        if (poll(p, 2, -1) == -1 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN) {
            n = read(fifo, &byte, 1);
            break;
        }
        if (p[0].revents || p[1].revents || pidfd == -1)
            break;
    }
    /* Then EOF: its write end is close-on-exec, so the command has been
     * exec'd (after the startContainer hooks), or the process is gone. */
    while (n == 1) {
        struct pollfd p = {fifo, POLLIN, 0};
        char more;
        ssize_t m;
        if (poll(&p, 1, -1) == -1 && errno != EINTR)
            break;
        m = p.revents ? read(fifo, &more, 1) : 1;
        if (m == 0 || (m == -1 && errno != EAGAIN && errno != EINTR))
            break;
    }
    close(fifo);
    if (pidfd >= 0)
        close(pidfd);
    unlink(path); /* from now on: running */
    if (n != 1) {
        mc_error_code("container_not_running");
        return ct_fail("the container's first process died before start");
    }
    return 0;
    /* END LAB */
}

static int delete_loaded(struct container *c, bool force);

static int
start_loaded(struct container *c)
{
    const char *status = oci_state_status(c);

    if (strcmp(status, "created")) {
        mc_error_code("container_not_created");
        return ct_fail("cannot start container '%s': it is %s, not created",
                       c->spec->id, status);
    }
    /* A 1.0 config: prestart now, in start, before the command runs. A
     * failure stops the container and destroys it (runtime.md 1.0.2,
     * Lifecycle 4 and 9). */
    if (c->spec->prestart_at_start &&
        hooks_run(c, HOOK_PRESTART, "created") == -1) {
        delete_loaded(c, true);
        return -1;
    }
    if (release(c) == -1)
        return -1;
    /* poststart: a failure is a warning (runtime.md). */
    if (hooks_run(c, HOOK_POSTSTART, "running") == -1) {
        oci_log("warning", ct_error_message());
        warnx_ct("%s", ct_error_message());
        ct_clear_error();
    }
    return 0;
}

static int
cmd_oci_start(int argc, char **argv)
{
    const char *id;
    int lock, rc;

    optind = 1;
    if (argc > 1 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr-oci start ID\n");
        return 0;
    }
    if (take_id(argc, argv, "start", &id) == -1 || load(id) == -1)
        return -1;
    lock = lock_dir(spec.state_dir);
    if (lock == -1)
        return -1;
    rc = start_loaded(&cont);
    close(lock);
    return rc;
}

/* ---- state, list, ps --------------------------------------------------- */

static int
cmd_oci_state(int argc, char **argv)
{
    const char *id;
    char *json;

    optind = 1;
    if (argc > 1 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr-oci state ID\n");
        return 0;
    }
    if (take_id(argc, argv, "state", &id) == -1 || load(id) == -1)
        return -1;
    json = oci_state_json(&cont);
    printf("%s\n", json);
    free(json);
    return 0;
}

static int
cmd_oci_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    bool json = false, quiet = false;
    json_object *all = json_object_new_array();
    DIR *d;
    struct dirent *e;
    int opt;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
        if (opt == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
            json = !strcmp(optarg, "json");
        else if (opt == 'q')
            quiet = true;
        else
            return mc_usage_error("usage: minictr-oci list [--format "
                                  "table|json] [--quiet]");
    }
    d = opendir(g.root);
    if (!quiet && !json)
        printf("%-36s %-8s %-9s %-40s %-30s %s\n", "ID", "PID", "STATUS",
               "BUNDLE", "CREATED", "OWNER");
    while (d && (e = readdir(d)) != NULL) {
        char *state;
        if (e->d_name[0] == '.' || load(e->d_name) == -1) {
            ct_clear_error();
            continue;
        }
        state = oci_state_json(&cont);
        if (json) {
            json_object_array_add(all, json_tokener_parse(state));
        } else if (quiet) {
            printf("%s\n", e->d_name);
        } else {
            json_object *o = json_tokener_parse(state), *v;
            json_object_object_get_ex(o, "pid", &v);
            printf(
                "%-36s %-8d %-9s %-40s %-30s root\n", e->d_name,
                json_object_get_int(v), oci_state_status(&cont), spec.bundle,
                json_object_get_string(json_object_object_get(o, "created")));
            json_object_put(o);
        }
        free(state);
    }
    if (d)
        closedir(d);
    if (json)
        printf(
            "%s\n",
            json_object_to_json_string_ext(
                all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(all);
    return 0;
}

static int
cmd_oci_ps(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {0},
    };
    bool json = false;
    const char *id;
    pid_t pids[4096];
    int opt, n;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
        if (opt == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
            json = !strcmp(optarg, "json");
        else
            return mc_usage_error("usage: minictr-oci ps [--format table|json] "
                                  "ID");
    }
    if (take_id(argc, argv, "ps", &id) == -1 || load(id) == -1)
        return -1;
    n = cgroups_pids(&cont, pids, 4096);
    if (n == -1)
        return -1;
    if (json) {
        printf("[");
        for (int i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", (int)pids[i]);
        printf("]\n");
        return 0;
    }
    printf("%-8s %s\n", "PID", "CMD");
    for (int i = 0; i < n; i++) {
        char path[64], cmd[256] = "?";
        snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
        ct_read_file(path, cmd, sizeof(cmd));
        printf("%-8d %s\n", (int)pids[i], cmd);
    }
    return 0;
}

/* ---- kill, pause, resume ----------------------------------------------- */

static int
cmd_oci_kill(int argc, char **argv)
{
    static const struct option opts[] = {
        {"all", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    bool all = false;
    const char *id, *status;
    int opt, sig = SIGTERM;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
        if (opt == 'a')
            all = true;
        else if (opt == 'h') {
            printf("usage: minictr-oci kill [--all] ID [SIGNAL]\n");
            return 0;
        } else
            return mc_usage_error(
                "usage: minictr-oci kill [--all] ID [SIGNAL]");
    }
    if (take_id(argc, argv, "kill", &id) == -1)
        return -1;
    if (optind < argc && (sig = parse_signal(argv[optind])) < 0)
        return mc_usage_error("kill: bad signal '%s' (a name, TERM or SIGTERM, "
                              "or a number)",
                              argv[optind]);
    if (load(id) == -1)
        return -1;
    status = oci_state_status(&cont);
    if (!strcmp(status, "stopped") || !strcmp(status, "creating")) {
        mc_error_code("container_not_running");
        return ct_fail("cannot kill container '%s': it is %s", id, status);
    }
    ct_trace("kill", "kill(%d, %d)%s", cont.pid, sig,
             all ? " and every process in its cgroup" : "");
    if (all) {
        pid_t pids[4096];
        int n = cgroups_pids(&cont, pids, 4096);
        for (int i = 0; i < n; i++)
            kill(pids[i], sig);
    } else if (kill(cont.pid, sig) == -1) {
        return ct_fail_errno("kill %d", (int)cont.pid);
    }
    /* A frozen process dies only once thawed (cgroup v1's freezer). */
    if (sig == SIGKILL && !strcmp(status, "paused"))
        cgroups_freeze(&cont, false);
    return 0;
}

static int
pause_or_resume(int argc, char **argv, bool freeze)
{
    const char *id, *status, *cmd = freeze ? "pause" : "resume";

    optind = 1;
    if (take_id(argc, argv, cmd, &id) == -1 || load(id) == -1)
        return -1;
    status = oci_state_status(&cont);
    if (strcmp(status, freeze ? "running" : "paused")) {
        mc_error_code(freeze ? "container_not_running"
                             : "container_not_paused");
        return ct_fail("cannot %s container '%s': it is %s", cmd, id, status);
    }
    return cgroups_freeze(&cont, freeze);
}

static int
cmd_oci_pause(int argc, char **argv)
{
    return pause_or_resume(argc, argv, true);
}

static int
cmd_oci_resume(int argc, char **argv)
{
    return pause_or_resume(argc, argv, false);
}

/* ---- delete ------------------------------------------------------------ */

/* SIGKILL, and wait (its pidfd) until it is gone: up to 10 s. */
static void
kill_and_wait(struct container *c)
{
    int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    struct pollfd p = {pidfd, POLLIN, 0};

    if (pidfd == -1)
        return;
    if (!strcmp(oci_state_status(c), "paused"))
        cgroups_freeze(c, false);
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    poll(&p, 1, 10000);
    close(pidfd);
}

static int
delete_loaded(struct container *c, bool force)
{
    const char *status = oci_state_status(c);

    if (strcmp(status, "stopped")) {
        if (!force) {
            mc_error_code("container_running");
            return ct_fail("cannot delete container '%s': it is %s, not "
                           "stopped (kill it first, or delete --force)",
                           c->spec->id, status);
        }
        if (!strcmp(status, "creating") &&
            mc_pid_start_time(c->monitor_pid) == c->spec->creator_start)
            kill(c->monitor_pid, SIGKILL);
        else
            kill_and_wait(c);
    }
    /* What create made, in reverse: the cgroups (anything left in them is
     * killed), mounts on the host (no mount namespace), the state. */
    cgroups_destroy(c);
    if (!namespaces_has(c, CLONE_NEWNS))
        rootfs_unmount_below(c->spec->root);
    if (ct_rm_rf(c->spec->state_dir) == -1)
        return ct_fail_errno("remove '%s'", c->spec->state_dir);
    /* poststop: a failure is a warning (runtime.md). */
    if (hooks_run(c, HOOK_POSTSTOP, "stopped") == -1) {
        oci_log("warning", ct_error_message());
        warnx_ct("%s", ct_error_message());
        ct_clear_error();
    }
    return 0;
}

static int
cmd_oci_delete(int argc, char **argv)
{
    static const struct option opts[] = {
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    bool force = false;
    const char *id;
    char dir[4200];
    int opt, lock, rc;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
        if (opt == 'f')
            force = true;
        else if (opt == 'h') {
            printf("usage: minictr-oci delete [--force] ID\n");
            return 0;
        } else
            return mc_usage_error("usage: minictr-oci delete [--force] ID");
    }
    if (take_id(argc, argv, "delete", &id) == -1)
        return -1;
    snprintf(dir, sizeof(dir), "%s/%s", g.root, id);
    if (load(id) == -1) {
        /* A create that failed left nothing: --force is happy (the shim
         * always ends with delete --force). A directory without a record
         * is a create killed at its very start. */
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
            ct_rm_rf(dir);
            if (force) {
                ct_clear_error();
                return 0;
            }
        }
        if (force) {
            ct_clear_error();
            return 0;
        }
        return -1;
    }
    lock = lock_dir(dir);
    if (lock == -1)
        return -1;
    rc = delete_loaded(&cont, force);
    close(lock);
    return rc;
}

/* ---- exec -------------------------------------------------------------- */

static int
cmd_oci_exec(int argc, char **argv)
{
    static const struct option opts[] = {
        {"process", required_argument, NULL, 'p'},
        {"detach", no_argument, NULL, 'd'},
        {"tty", no_argument, NULL, 't'},
        {"pid-file", required_argument, NULL, 'P'},
        {"console-socket", required_argument, NULL, 'C'},
        {"cwd", required_argument, NULL, 'w'},
        {"env", required_argument, NULL, 'e'},
        {"user", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *process = NULL, *pid_file = NULL, *console = NULL, *id;
    const char *cwd = NULL, *user = NULL, *status;
    char *envs[64];
    int nenv = 0, opt, code, master = -1, st;
    bool detach = false, tty = false;
    pid_t child;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "+p:dtw:e:u:", opts, NULL)) != -1) {
        switch (opt) {
        case 'p': process = optarg; break;
        case 'd': detach = true; break;
        case 't': tty = true; break;
        case 'P': pid_file = optarg; break;
        case 'C': console = optarg; break;
        case 'w': cwd = optarg; break;
        case 'e':
            if (nenv == 64)
                return mc_usage_error("exec: too many --env");
            envs[nenv++] = optarg;
            break;
        case 'u': user = optarg; break;
        case 'h':
            printf("usage: minictr-oci exec [--process FILE] [--detach] "
                   "[--tty] [--pid-file FILE]\n"
                   "       [--console-socket SOCK] [--cwd DIR] [--env K=V] "
                   "[--user UID[:GID]] ID [COMMAND...]\n");
            return 0;
        default:
            return mc_usage_error("exec: unknown or incomplete option '%s'",
                                  argv[optind - 1]);
        }
    }
    if (take_id(argc, argv, "exec", &id) == -1 || load(id) == -1)
        return -1;
    status = oci_state_status(&cont);
    if (strcmp(status, "running") && strcmp(status, "created")) {
        mc_error_code("container_not_running");
        return ct_fail("cannot exec in container '%s': it is %s", id, status);
    }
    if (process) {
        if (oci_process_load(process, &cont) == -1)
            return -1;
        tty |= spec.terminal;
    } else {
        if (optind >= argc)
            return mc_usage_error("exec: give --process FILE or a command");
        cont.argv = argv + optind;
        if (cwd)
            cont.workdir = (char *)cwd;
        for (int i = 0; i < nenv && cont.nenv < MC_MAX_ENV; i++)
            cont.env[cont.nenv++] = envs[i];
        if (user && sscanf(user, "%u:%u", &cont.uid, &cont.gid) < 1)
            return mc_usage_error("exec: bad --user '%s': give UID[:GID]",
                                  user);
    }
    if (tty && detach && !console)
        return mc_usage_error("exec --tty --detach needs --console-socket");
    code = exec_spawn(&cont, cont.argv, tty, &child, &master);
    if (code != 0)
        return code == MC_EXIT_RUNNER ? -1 : code;
    if ((pid_file && write_pid_file(pid_file, child) == -1) ||
        (console && master >= 0 && tty_send_console(console, master) == -1)) {
        kill(child, SIGKILL);
        return -1;
    }
    if (detach) /* it goes to our caller, a subreaper */
        return 0;
    if (master >= 0 && !console)
        return tty_relay(master, child);
    while (waitpid(child, &st, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid %d", child);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- run: create, start, wait, delete ---------------------------------- */

/* In the foreground: pass signals on to the container, wait for it. */
static int
wait_foreground(pid_t pid)
{
    sigset_t mask;
    int sfd, status = 0;

    monitor_block_signals(&mask);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    for (;;) {
        struct signalfd_siginfo si;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid || (got == -1 && errno == ECHILD))
            break;
        if (sfd == -1 || read(sfd, &si, sizeof(si)) != sizeof(si))
            continue;
        if (si.ssi_signo != SIGCHLD)
            kill(pid, (int)si.ssi_signo);
    }
    if (sfd >= 0)
        close(sfd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
cmd_oci_run(int argc, char **argv)
{
    struct create_opts o;
    int master, code;
    pid_t pid;

    if (parse_create(argc, argv, &o, true) == -1)
        return -1;
    pid = do_create(&o, &master);
    if (pid == -1)
        return -1;
    if (start_loaded(&cont) == -1) {
        delete_loaded(&cont, true);
        return -1;
    }
    if (o.detach)
        return 0;
    code = master >= 0 ? tty_relay(master, pid) : wait_foreground(pid);
    if (!o.keep && delete_loaded(&cont, true) == -1)
        return -1;
    return code;
}

/* ---- spec, features ---------------------------------------------------- */

static const char default_spec[] =
    "{\n"
    "  \"ociVersion\": \"1.0.2\",\n"
    "  \"process\": {\n"
    "    \"terminal\": true,\n"
    "    \"user\": {\"uid\": 0, \"gid\": 0},\n"
    "    \"args\": [\"sh\"],\n"
    "    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
    "/sbin:/bin\", \"TERM=xterm\"],\n"
    "    \"cwd\": \"/\",\n"
    "    \"capabilities\": {\n"
    "      \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"],\n"
    "      \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"],\n"
    "      \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"],\n"
    "      \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"]\n"
    "    },\n"
    "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, "
    "\"soft\": 1024}],\n"
    "    \"noNewPrivileges\": true\n"
    "  },\n"
    "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
    "  \"hostname\": \"minictr\",\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
    "\"proc\"},\n"
    "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
    "\"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
    "\"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
    "\"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", "
    "\"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},\n"
    "    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
    "\"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", "
    "\"mode=1777\", \"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", "
    "\"source\": \"mqueue\", \"options\": [\"nosuid\", \"noexec\", "
    "\"nodev\"]},\n"
    "    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
    "\"sysfs\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", "
    "\"ro\"]},\n"
    "    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", "
    "\"source\": \"cgroup\", \"options\": [\"nosuid\", \"noexec\", "
    "\"nodev\", \"relatime\", \"ro\"]}\n"
    "  ],\n"
    "  \"linux\": {\n"
    "    \"resources\": {\"devices\": [{\"allow\": false, \"access\": "
    "\"rwm\"}]},\n"
    "    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, "
    "{\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, "
    "{\"type\": \"cgroup\"}],\n"
    "    \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", "
    "\"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", "
    "\"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", "
    "\"/sys/firmware\", \"/proc/scsi\"],\n"
    "    \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", "
    "\"/proc/sys\", \"/proc/sysrq-trigger\"]\n"
    "  }\n"
    "}\n";

static int
cmd_oci_spec(int argc, char **argv)
{
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, 'b'},
        {"rootless", no_argument, NULL, 'r'},
        {0},
    };
    const char *bundle = ".";
    char path[4200];
    int opt, fd;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
        if (opt == 'b')
            bundle = optarg;
        else if (opt == 'r')
            return mc_usage_error("spec --rootless: not supported yet");
        else
            return mc_usage_error("usage: minictr-oci spec [--bundle DIR]");
    }
    snprintf(path, sizeof(path), "%s/config.json", bundle);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd == -1)
        return ct_fail_errno("create '%s'%s", path,
                             errno == EEXIST ? " (there is one already)" : "");
    if (write(fd, default_spec, sizeof(default_spec) - 1) !=
        (ssize_t)sizeof(default_spec) - 1) {
        close(fd);
        return ct_fail_errno("write '%s'", path);
    }
    close(fd);
    return 0;
}

/* What this runtime does (runc's `features`, runtime-spec
 * features.md): containerd and CRI-O may ask. */
static int
cmd_oci_features(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.1.0\","
           "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\","
           "\"startContainer\",\"poststart\",\"poststop\"],"
           "\"mountOptions\":[");
    printf("\"async\",\"atime\",\"bind\",\"defaults\",\"dev\",\"diratime\","
           "\"dirsync\",\"exec\",\"mand\",\"noatime\",\"nodev\","
           "\"nodiratime\",\"noexec\",\"nomand\",\"norelatime\","
           "\"nostrictatime\",\"nosuid\",\"private\",\"rbind\","
           "\"relatime\",\"remount\",\"ro\",\"rprivate\",\"rshared\","
           "\"rslave\",\"runbindable\",\"rw\",\"shared\",\"slave\","
           "\"strictatime\",\"suid\",\"sync\",\"unbindable\"],");
    printf("\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\","
           "\"network\",\"pid\",\"user\",\"uts\"],"
           "\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false},"
           "\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\","
           "\"SCMP_ACT_ERRNO\",\"SCMP_ACT_KILL\",\"SCMP_ACT_KILL_PROCESS\","
           "\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\",\"SCMP_ACT_TRACE\","
           "\"SCMP_ACT_TRAP\"],\"operators\":[\"SCMP_CMP_EQ\","
           "\"SCMP_CMP_GE\",\"SCMP_CMP_GT\",\"SCMP_CMP_LE\",\"SCMP_CMP_LT\","
           "\"SCMP_CMP_MASKED_EQ\",\"SCMP_CMP_NE\"]},"
           "\"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false}"
           "},\"annotations\":{\"org.minictr.version\":\"%s\"}}\n",
           MC_VERSION);
    return 0;
}

/* ---- the command table ------------------------------------------------- */

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} oci_commands[] = {
    {"create", cmd_oci_create, "create a container from a bundle, held"},
    {"start", cmd_oci_start, "start a created container's command"},
    {"state", cmd_oci_state, "print the container's state as JSON"},
    {"kill", cmd_oci_kill, "send a signal to its first process (or --all)"},
    {"delete", cmd_oci_delete, "remove a stopped (--force: any) container"},
    {"exec", cmd_oci_exec, "run one more process in it"},
    {"ps", cmd_oci_ps, "its processes"},
    {"pause", cmd_oci_pause, "freeze it"},
    {"resume", cmd_oci_resume, "thaw it"},
    {"list", cmd_oci_list, "list the containers under --root"},
    {"run", cmd_oci_run, "create and start; wait for it unless -d"},
    {"spec", cmd_oci_spec, "write a default config.json"},
    {"features", cmd_oci_features, "what this runtime supports, as JSON"},
};

static void
oci_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr-oci [--root DIR] [--log FILE] [--log-format "
            "text|json] [--debug]\n"
            "                   [--systemd-cgroup] COMMAND [ARGS...]\n"
            "\nthe OCI runtime command line (runc's), for containerd, "
            "podman and Kubernetes:\n");
    for (size_t i = 0; i < sizeof(oci_commands) / sizeof(oci_commands[0]); i++)
        fprintf(out, "  %-9s %s\n", oci_commands[i].name, oci_commands[i].help);
}

int
oci_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'},
        {"log", required_argument, NULL, 'l'},
        {"log-format", required_argument, NULL, 'f'},
        {"debug", no_argument, NULL, 'd'},
        {"systemd-cgroup", no_argument, NULL, 's'},
        {"rootless", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},
        {0},
    };
    int opt, rc;

    ct_prog = "minictr";
    if (argc > 1 && !strcmp(argv[1], "oci")) {
        argv++;
        argc--;
    }
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (opt) {
        case 'r': g.root = optarg; break;
        case 'l': g.log = optarg; break;
        case 'f':
            if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
                fprintf(stderr,
                        "minictr: bad --log-format '%s': give text "
                        "or json\n",
                        optarg);
                return 2;
            }
            g.log_json = !strcmp(optarg, "json");
            break;
        case 'd': ct_tracing = true; break;
        case 's': g.systemd = true; break;
        case 'R':
            if (strcmp(optarg, "false") && strcmp(optarg, "auto")) {
                fprintf(stderr, "minictr: --rootless %s: not supported\n",
                        optarg);
                return OCI_EXIT_FAILURE;
            }
            break;
        case 'h': oci_usage(stdout); return 0;
        case 'v':
            printf("minictr version %s\nspec: 1.0.2\n", MC_VERSION);
            return 0;
        default:
            fprintf(stderr, "minictr: unknown global option '%s'\n",
                    argv[optind - 1]);
            oci_usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        oci_usage(stderr);
        return 2;
    }
    for (size_t i = 0; i < sizeof(oci_commands) / sizeof(oci_commands[0]);
         i++) {
        if (strcmp(argv[optind], oci_commands[i].name) != 0)
            continue;
        argv += optind;
        argc -= optind;
        rc = oci_commands[i].fn(argc, argv);
        if (rc < 0) {
            oci_log("error", ct_error_message());
            ct_report();
        }
        return rc < 0 ? OCI_EXIT_FAILURE : rc;
    }
    fprintf(stderr,
            "minictr: unknown command '%s' (see 'minictr-oci "
            "--help')\n",
            argv[optind]);
    return 2;
}
