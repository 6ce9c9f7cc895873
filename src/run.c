/*
 * run.c: `minictr run` — Docker's flags in, a container out.
 *
 * The order is the order of the steps:
 *   parse and check every flag            (nothing made yet: a bad flag
 *                                          leaves nothing behind)
 *   find the image's rootfs               04-tar-runner / `minictr import`
 *   make the container's directories      07-overlay
 *   make its cgroups and set the limits   03-cgroups
 *   clone into new namespaces             02-namespaces
 *     child: join the cgroups, mount the overlay, pivot_root with a
 *            minimal /dev and masked /proc   05-pivot-root
 *            drop privileges, exec            06-privileges
 *   wait, pass the exit status on, clean up (always: also on Ctrl-C, and
 *   after `kill -9` of minictr `minictr rm` finds what is left)
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
run_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr run [OPTIONS] IMAGE|--rootfs DIR COMMAND [ARG...]\n"
            "\n"
            "  --rm                   remove the container when it exits\n"
            "  --name NAME            name the container\n"
            "  -h, --hostname NAME    the container's hostname\n"
            "  -e, --env KEY=VALUE    set an environment variable\n"
            "  -w, --workdir DIR      working directory inside\n"
            "  -u, --user UID[:GID]   run the command as this user\n"
            "  -v, --volume HOST:CTR[:ro]  bind-mount a host path\n"
            "  --read-only            mount the root read-only\n"
            "  -m, --memory SIZE      memory limit (64m, 1g), swap off\n"
            "  --cpus N               cpu limit (0.5 = half a cpu)\n"
            "  --pids-limit N         at most N processes\n"
            "  --cap-add CAP          keep a capability (or ALL)\n"
            "  --cap-drop CAP         drop a capability (or ALL)\n"
            "  --security-opt OPT     no-new-privileges[=false],\n"
            "                         seccomp=unconfined\n"
            "  --init                 a tiny PID 1 reaps zombies and\n"
            "                         forwards signals\n"
            "  -i, --interactive      keep stdin open (else /dev/null)\n"
            "  -t, --tty              give the container a terminal\n"
            "  --rootfs DIR           run on a rootfs directory, no image\n");
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* A bad flag or value: minictr's own error, code "usage". */
static int
usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mc_error_code("usage");
    return ct_fail("%s", msg);
}

static int
parse_user(struct container *c, const char *s)
{
    char *colon;
    uint64_t v;
    char buf[64];

    if (strlen(s) >= sizeof(buf))
        return usage_error("bad --user '%s'", s);
    strcpy(buf, s);
    colon = strchr(buf, ':');
    if (colon)
        *colon = '\0';
    if (ct_parse_u64(buf, &v) == -1 || v >= UINT32_MAX)
        return usage_error("bad --user '%s': give a numeric UID[:GID]", s);
    c->uid = (uid_t)v;
    c->gid = (gid_t)v;
    if (colon) {
        if (ct_parse_u64(colon + 1, &v) == -1 || v >= UINT32_MAX)
            return usage_error("bad --user '%s': give a numeric UID[:GID]", s);
        c->gid = (gid_t)v;
    }
    c->user_set = true;
    return 0;
}

/* -v HOST:CTR[:ro]. The host path must exist (a typo would otherwise make
 * an empty directory appear in the container); CTR must be absolute. */
static int
parse_volume(struct container *c, char *s)
{
    struct volume *v;
    char *ctr, *mode;
    struct stat st;

    if (c->nvolumes == MC_MAX_VOLUMES)
        return usage_error("too many volumes (at most %s)", "32");
    v = &c->volumes[c->nvolumes];
    ctr = strchr(s, ':');
    if (!ctr || s[0] != '/' || ctr[1] != '/')
        return usage_error("bad --volume '%s': give HOST:CTR[:ro] with "
                           "absolute paths",
                           s);
    *ctr++ = '\0';
    mode = strchr(ctr, ':');
    if (mode) {
        *mode++ = '\0';
        if (strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
            return usage_error("bad --volume mode '%s': give ro or rw", mode);
        v->ro = !strcmp(mode, "ro");
    }
    if (strstr(ctr, "/../") || !strcmp(ctr, "/") ||
        (strlen(ctr) >= 3 && !strcmp(ctr + strlen(ctr) - 3, "/..")))
        return usage_error("bad --volume target '%s'", ctr);
    if (stat(s, &st) == -1) {
        mc_error_code("no_such_volume");
        return ct_fail_errno("volume source '%s'", s);
    }
    v->host = s;
    v->ctr = ctr;
    c->nvolumes++;
    return 0;
}

static int
parse_cap_change(struct container *c, const char *name, bool add)
{
    int cap;

    if (!strcasecmp(name, "ALL")) {
        c->caps = add ? caps_all() : 0;
        return 0;
    }
    cap = caps_parse(name);
    if (cap < 0)
        return usage_error("unknown capability '%s'", name);
    if (add)
        c->caps |= 1ULL << cap;
    else
        c->caps &= ~(1ULL << cap);
    return 0;
}

static int
parse_security_opt(struct container *c, const char *opt)
{
    if (!strcmp(opt, "no-new-privileges") ||
        !strcmp(opt, "no-new-privileges=true") ||
        !strcmp(opt, "no-new-privileges:true"))
        c->no_new_privs = true;
    else if (!strcmp(opt, "no-new-privileges=false") ||
             !strcmp(opt, "no-new-privileges:false"))
        c->no_new_privs = false;
    else if (!strcmp(opt, "seccomp=unconfined") ||
             !strcmp(opt, "seccomp:unconfined"))
        c->seccomp = false;
    else
        return usage_error("unknown --security-opt '%s' (known: "
                           "no-new-privileges[=false], seccomp=unconfined)",
                           opt);
    return 0;
}

/* Parse Docker's flags into c. Nothing is made here. */
static int
parse_run(struct container *c, int argc, char **argv)
{
    enum {
        RM = 256,
        NAME,
        READ_ONLY,
        CPUS,
        PIDS,
        CAP_ADD,
        CAP_DROP,
        SECURITY_OPT,
        INIT,
        ROOTFS
    };
    static const struct option opts[] = {
        {"rm", no_argument, NULL, RM},
        {"name", required_argument, NULL, NAME},
        {"hostname", required_argument, NULL, 'h'},
        {"env", required_argument, NULL, 'e'},
        {"workdir", required_argument, NULL, 'w'},
        {"user", required_argument, NULL, 'u'},
        {"volume", required_argument, NULL, 'v'},
        {"read-only", no_argument, NULL, READ_ONLY},
        {"memory", required_argument, NULL, 'm'},
        {"cpus", required_argument, NULL, CPUS},
        {"pids-limit", required_argument, NULL, PIDS},
        {"cap-add", required_argument, NULL, CAP_ADD},
        {"cap-drop", required_argument, NULL, CAP_DROP},
        {"security-opt", required_argument, NULL, SECURITY_OPT},
        {"init", no_argument, NULL, INIT},
        {"interactive", no_argument, NULL, 'i'},
        {"tty", no_argument, NULL, 't'},
        {"rootfs", required_argument, NULL, ROOTFS},
        {"help", no_argument, NULL, 'H'},
        {0},
    };
    const char *rootfs = NULL;
    int opt;

    c->caps = caps_default();
    c->no_new_privs = true;
    c->seccomp = true;
    opterr = 0;
    optind = 0; /* restart getopt on the subcommand's argv */
    while ((opt = getopt_long(argc, argv, "+h:e:w:u:v:m:it", opts, NULL)) !=
           -1) {
        switch (opt) {
        case RM: c->remove = true; break;
        case NAME:
            if (!mc_valid_name(optarg))
                return usage_error("bad --name '%s': use letters, digits, "
                                   "'_', '.', '-'",
                                   optarg);
            strcpy(c->name, optarg);
            break;
        case 'h':
            if (!*optarg || strlen(optarg) > 64)
                return usage_error("bad --hostname '%s': 1 to 64 "
                                   "characters",
                                   optarg);
            c->hostname = optarg;
            break;
        case 'e':
            if (c->nenv == MC_MAX_ENV)
                return usage_error("too many -e (at most %s)", "256");
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return usage_error("bad --env '%s': give KEY=VALUE", optarg);
            c->env[c->nenv++] = optarg;
            break;
        case 'w':
            if (optarg[0] != '/')
                return usage_error("bad --workdir '%s': give an absolute "
                                   "path",
                                   optarg);
            c->workdir = optarg;
            break;
        case 'u':
            if (parse_user(c, optarg) == -1)
                return -1;
            break;
        case 'v':
            if (parse_volume(c, optarg) == -1)
                return -1;
            break;
        case READ_ONLY: c->read_only = true; break;
        case 'm':
            if (ct_parse_size(optarg, &c->limits.memory) == -1 ||
                c->limits.memory < 6 * 1024 * 1024)
                return usage_error("bad --memory '%s': give a size of at "
                                   "least 6m, such as 64m or 1g",
                                   optarg);
            break;
        case CPUS:
            if (ct_parse_millionths(optarg, &c->limits.cpus_millionths) == -1 ||
                c->limits.cpus_millionths < 10000)
                return usage_error("bad --cpus '%s': give a number of cpus "
                                   "of at least 0.01, such as 0.5",
                                   optarg);
            break;
        case PIDS:
            if (ct_parse_u64(optarg, &c->limits.pids) == -1 ||
                c->limits.pids == 0)
                return usage_error("bad --pids-limit '%s': give a whole "
                                   "number above 0",
                                   optarg);
            break;
        case CAP_ADD:
        case CAP_DROP:
            if (parse_cap_change(c, optarg, opt == CAP_ADD) == -1)
                return -1;
            break;
        case SECURITY_OPT:
            if (parse_security_opt(c, optarg) == -1)
                return -1;
            break;
        case INIT: c->init = true; break;
        case 'i': c->interactive = true; break;
        case 't': c->tty = true; break;
        case ROOTFS: rootfs = optarg; break;
        case 'H': run_usage(stdout); exit(0);
        default:
            return usage_error("unknown or incomplete option '%s' (see "
                               "'minictr run --help')",
                               argv[optind - 1]);
        }
    }
    if (!rootfs) {
        if (optind >= argc)
            return usage_error("%s",
                               "no image given (see 'minictr run "
                               "--help')");
        c->image = argv[optind++];
    }
    if (optind >= argc)
        return usage_error("%s",
                           "no command given: minictr run IMAGE "
                           "COMMAND [ARG...]");
    c->argv = argv + optind;

    if (rootfs) {
        struct stat st;
        if (stat(rootfs, &st) == -1) {
            mc_error_code("no_such_rootfs");
            return ct_fail_errno("--rootfs '%s'", rootfs);
        }
        if (!S_ISDIR(st.st_mode)) {
            mc_error_code("no_such_rootfs");
            return ct_fail("--rootfs '%s' is not a directory", rootfs);
        }
        if (!realpath(rootfs, c->rootfs))
            return ct_fail_errno("realpath '%s'", rootfs);
    } else if (image_rootfs(c->image, c->rootfs, sizeof(c->rootfs)) == -1) {
        return -1;
    }
    return 0;
}

/* A random id, as Docker's, shortened: 16 hex digits. */
static int
make_id(struct container *c)
{
    unsigned char raw[8];

    if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
        return ct_fail_errno("getrandom");
    for (int i = 0; i < 8; i++)
        snprintf(c->id + 2 * i, 3, "%02x", raw[i]);
    if (!c->name[0])
        snprintf(c->name, sizeof(c->name), "%.12s", c->id);
    /* As Docker: the hostname is the short id unless --hostname says. */
    if (!c->hostname) {
        static char short_id[13];
        snprintf(short_id, sizeof(short_id), "%.12s", c->id);
        c->hostname = short_id;
    }
    snprintf(c->dir, sizeof(c->dir), "%s/containers/%s", mc_lib_dir(), c->id);
    c->runner_pid = getpid();
    c->created = (int64_t)time(NULL);
    return 0;
}

/* ---- the child: everything inside the new namespaces ------------------- */

/* -t: the child sends the pty's master side to minictr over this. */
static int tty_sock[2] = {-1, -1};

/* A failure inside the container goes back to minictr through this pipe
 * (closed on exec, so a command that started sends nothing), and main
 * prints it once: as text, or as JSON with --json. */
static int err_pipe[2] = {-1, -1};

_Noreturn void
child_exit(int code)
{
    char buf[2048];
    int n = snprintf(buf, sizeof(buf), "%s\n%d\n%s\n%s\n", mc_get_error_code(),
                     ct_error_errno(), ct_error_message(), ct_error_hint());

    if (err_pipe[1] == -1 || write(err_pipe[1], buf, (size_t)n) != n) {
        ct_report(); /* no pipe: say it here */
        fflush(stderr);
    }
    _exit(code);
}

/* In minictr, after the container exited: what went wrong inside, if
 * anything, recorded as our own error. */
static void
receive_child_error(void)
{
    char buf[2048], *lines[4] = {0};
    ssize_t n = read(err_pipe[0], buf, sizeof(buf) - 1);
    char *p = buf;

    if (n <= 0)
        return;
    buf[n] = '\0';
    for (int i = 0; i < 4 && p; i++) {
        lines[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    if (!lines[2] || !*lines[2])
        return;
    if (*lines[0])
        mc_error_code(strdup(lines[0]));
    ct_restore_error(lines[2], atoi(lines[1]), lines[3]);
}

_Noreturn void
exec_command(struct container *c, char **argv)
{
    extern char **environ;
    static char *envp[MC_MAX_ENV + 8];
    static char hostname_env[128];
    int n = 0, err;

    /* The environment Docker gives: PATH, HOSTNAME, HOME, TERM with -t,
     * then every -e, which replaces an entry with the same key (getenv,
     * and execvp's PATH search, take the first one they find). */
    envp[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                "/sbin:/bin";
    snprintf(hostname_env, sizeof(hostname_env), "HOSTNAME=%s", c->hostname);
    envp[n++] = hostname_env;
    envp[n++] = c->user_set && c->uid != 0 ? "HOME=/" : "HOME=/root";
    if (c->tty)
        envp[n++] = "TERM=xterm";
    for (int i = 0; i < c->nenv; i++) {
        size_t key = strcspn(c->env[i], "=") + 1;
        int j = 0;
        while (j < n && strncmp(envp[j], c->env[i], key) != 0)
            j++;
        envp[j] = (char *)c->env[i];
        if (j == n)
            n++;
    }
    envp[n] = NULL;
    environ = envp;

    if (c->workdir && chdir(c->workdir) == -1) {
        ct_fail_errno("chdir to the workdir '%s'", c->workdir);
        child_exit(MC_EXIT_CANNOT_EXEC);
    }
    ct_trace(NULL, "execve(\"%s\", ...)", argv[0]);
    execvp(argv[0], argv);
    err = errno;
    if (err == ENOENT) {
        mc_error_code("command_not_found");
        ct_set_hint("the command (or, for a dynamic program, its loader) is "
                    "not in the image");
    } else {
        mc_error_code("command_cannot_run");
    }
    errno = err;
    ct_fail_errno("exec '%s' in the container", argv[0]);
    child_exit(err == ENOENT ? MC_EXIT_NOT_FOUND : MC_EXIT_CANNOT_EXEC);
}

/* Runs as PID 1 of the new pid namespace. Any failure: say why and exit
 * 125, which the parent passes on. */
static int
child_main(void *arg)
{
    struct container *c = arg;

    /* If minictr dies (even kill -9), the container dies with it: PID 1
     * gone, the kernel kills the whole pid namespace. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || cgroups_join(c) == -1)
        goto fail;
    if (namespaces_enter(c) == -1 || overlay_mount(c) == -1 ||
        rootfs_setup(c) == -1)
        goto fail;
    /* A new session, so the container cannot reach the caller's terminal
     * (TIOCSTI); with -t, the pty becomes its controlling terminal. */
    if (setsid() == -1) {
        ct_fail_errno("setsid");
        goto fail;
    }
    if (c->tty) {
        close(tty_sock[0]);
        if (tty_setup_in_container(tty_sock[1]) == -1)
            goto fail;
    } else if (!c->interactive) {
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null == -1 || dup2(null, 0) == -1) {
            ct_fail_errno("open /dev/null as stdin");
            goto fail;
        }
        close(null);
    }
    if (privileges_apply(c) == -1)
        goto fail;
    if (c->init)
        init_run(c);
    exec_command(c, c->argv);
fail:
    child_exit(MC_EXIT_RUNNER);
}

/* ---- the parent: wait, forward signals, pass the status on ------------- */

static volatile sig_atomic_t pending_signal;

static void
on_signal(int sig)
{
    pending_signal = sig;
}

/* Ctrl-C and kill are passed to the container. A PID 1 without a handler
 * ignores them (pid_namespaces(7)), so the same signal a second time
 * kills the container: Ctrl-C twice always stops it. */
static void
forward_signal(pid_t pid)
{
    static int forwarded[65];
    int sig = pending_signal;

    pending_signal = 0;
    if (!sig)
        return;
    if (forwarded[sig]++) {
        fprintf(stderr, "minictr: %s again: killing the container\n",
                strsignal(sig));
        kill(pid, SIGKILL);
    } else {
        kill(pid, sig);
    }
}

static int
wait_container(struct container *c)
{
    int status;

    for (;;) {
        pid_t r = waitpid(c->pid, &status, 0);
        if (r == c->pid)
            break;
        if (r == -1 && errno != EINTR)
            return ct_fail_errno("waitpid %d", c->pid);
        forward_signal(c->pid);
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WTERMSIG(status) == SIGKILL && cgroups_oom_kills(c) > 0)
        fprintf(stderr,
                "minictr: the container was killed by the kernel's OOM "
                "killer: it reached its --memory limit\n");
    return 128 + WTERMSIG(status);
}

int
cmd_run(int argc, char **argv)
{
    static struct container c;
    static char stack[256 * 1024] __attribute__((aligned(16)));
    int code, tty_master = -1;
    struct sigaction sa = {.sa_handler = on_signal};

    if (parse_run(&c, argc, argv) == -1)
        return -1;
    if (state_name_taken(c.name)) {
        mc_error_code("name_in_use");
        return ct_fail("the name '%s' is taken: 'minictr rm %s' first", c.name,
                       c.name);
    }
    if (make_id(&c) == -1 || state_write(&c, "created", -1) == -1)
        return -1;
    if (overlay_prepare(&c) == -1)
        goto fail_state;
    if (cgroups_create(&c) == -1)
        goto fail_dir;
    if (c.tty &&
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tty_sock) == -1) {
        ct_fail_errno("socketpair for the terminal");
        goto fail_cgroups;
    }

    if (pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
        ct_fail_errno("pipe2");
        goto fail_cgroups;
    }
    c.keep_fd = err_pipe[1];
    /* Signals arriving from here on are the container's. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);

    fflush(NULL);
    ct_trace("unshare --mount --uts --ipc --pid --net --fork",
             "clone(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|"
             "CLONE_NEWNET)");
    c.pid = namespaces_clone_into_cgroup(&c);
    if (c.pid == 0)
        _exit(child_main(&c)); /* born in its cgroup (v2) */
    if (c.pid == -1 && !c.in_cgroup)
        c.pid = clone(child_main, stack + sizeof(stack),
                      namespaces_clone_flags() | SIGCHLD, &c);
    if (c.pid == -1) {
        ct_fail_errno("clone into new namespaces");
        goto fail_tty;
    }
    close(err_pipe[1]);
    err_pipe[1] = -1;
    state_write(&c, "running", -1);
    if (c.tty) {
        close(tty_sock[1]);
        tty_master = tty_receive_master(tty_sock[0]);
        close(tty_sock[0]);
    }
    code = tty_master != -1 ? tty_relay(tty_master, c.pid) : wait_container(&c);
    receive_child_error();
    close(err_pipe[0]);

    cgroups_destroy(&c);
    if (c.remove) {
        overlay_remove(c.dir);
        state_remove(c.id);
    } else {
        state_write(&c, "exited", code);
    }
    return code;

fail_tty:
    if (c.tty) {
        close(tty_sock[0]);
        close(tty_sock[1]);
    }
    close(err_pipe[0]);
    close(err_pipe[1]);
fail_cgroups:
    cgroups_destroy(&c);
fail_dir:
    overlay_remove(c.dir);
fail_state:
    state_remove(c.id);
    return -1;
}
