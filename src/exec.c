/*
 * exec.c: `minictr exec NAME CMD...` — one more process in a running
 * container, as `nsenter`, `runc exec` and `docker exec` do it.
 *
 * A container is its namespaces and its cgroups; joining them is what
 * "entering" it means:
 *
 *   1. pidfd_open(PID 1): a handle on the container's first process that
 *      cannot come to mean another process if the pid is reused; check it
 *      is in our cgroup, so it is the container's and not a stranger's
 *   2. setns(pidfd, CLONE_NEWPID): a pid namespace cannot be entered by
 *      the caller itself — it only decides where our *children* are born;
 *      so after this we fork
 *   3. clone3 straight into the container's cgroup (v2 and hybrid); join
 *      its v1 cgroups while the host's /sys is still in sight
 *   4. setns(pidfd, MNT|UTS|IPC|NET|CGROUP): one call, all at once
 *      (Linux 5.8); now / and the cwd are the container's
 *   5. the same environment, user, capabilities, no_new_privs, seccomp
 *      filter and closed fds as its PID 1 (privileges.c), then exec
 *
 * A container in a user namespace (a user's, --userns auto) is joined
 * the same way, with CLONE_NEWUSER in the one setns (and CLONE_NEWPID: as a
 * user we may enter its pid namespace only from inside its user
 * namespace), then we become root there and fork once more, since the pid
 * namespace takes only our children.
 *
 * The new process is our child: we pass its exit status on, and with -t
 * we relay a pty made in the container's own devpts, as `run -t` does.
 *
 * Read: setns(2), pidfd_open(2), pid_namespaces(7), nsenter(1).
 * Try:  sudo minictr run -d --name web busybox sleep 1000
 *       sudo minictr exec web ps      (PID 1 is sleep; ps is one more)
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void
exec_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr exec [OPTIONS] NAME COMMAND [ARG...]\n"
            "\n"
            "  -i, --interactive     keep stdin open\n"
            "  -t, --tty             a terminal\n"
            "  -d, --detach          run it in the background\n"
            "  -e, --env KEY=VALUE   set an environment variable\n"
            "  -w, --workdir DIR     working directory inside\n"
            "  -u, --user UID[:GID]  run as this user\n");
}

/* Is pid the container's PID 1: in its cgroup? A user's container may
 * have none (nothing delegated): then it must be its monitor's child. (An
 * OCI container's cgroup has the name config.json gives: there, the
 * process's start time, recorded at create, tells.) */
static bool
is_ours(const struct container *c)
{
    char path[64], buf[4096], want[80], *p;

    if (c->spec)
        return mc_pid_start_time(c->pid) == c->spec->pid_start;
    snprintf(path, sizeof(path), "/proc/%d/cgroup", c->pid);
    snprintf(want, sizeof(want), "minictr-%s", c->id);
    if (c->ncgroups > 0)
        return ct_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, want);
    snprintf(path, sizeof(path), "/proc/%d/stat", c->pid);
    return ct_read_file(path, buf, sizeof(buf)) > 0 &&
        (p = strrchr(buf, ')')) != NULL && atoi(p + 4) == c->monitor_pid &&
        container_monitor_alive(c);
}

/* setns(2) into a pid namespace decides where our children are born:
 * fork, and pass the child's status on when it ends. */
static void
fork_into_pid_namespace(void)
{
    int status;
    pid_t pid;

    ct_trace(NULL, "fork() into the container's pid namespace");
    fflush(NULL);
    pid = fork();
    if (pid == -1) {
        ct_fail_errno("fork into the pid namespace");
        child_exit(MC_EXIT_RUNNER);
    }
    if (pid == 0)
        return;
    spawn_close_channel(); /* the child's exec closes its copy: EOF */
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The child's first steps, before it joins anything: the caller's
 * stdin, stdout, stderr, or those o->io gives (the API server's pipes);
 * its end of the channel goes to fd 3, where child_exit reports to the
 * caller, and stdin (with -d stdout and stderr too) to the host's
 * /dev/null. *pidfd moves out of fd 3's way. */
static void
child_prepare(struct container *c, int *pidfd, int chan,
              const struct exec_opts *o)
{
    for (int i = 0; o->io && i < 3; i++)
        if (o->io[i] >= 0 && o->io[i] != i && dup2(o->io[i], i) == -1)
            _exit(MC_EXIT_RUNNER);
    if (*pidfd <= 3)
        *pidfd = fcntl(*pidfd, F_DUPFD_CLOEXEC, 4);
    if (chan < 3)
        chan = fcntl(chan, F_DUPFD_CLOEXEC, 4);
    if (*pidfd == -1 || chan == -1 || spawn_use_channel(chan) == -1)
        _exit(MC_EXIT_RUNNER);
    c->keep_fd = 3;
    if (!o->interactive && !o->tty && !(o->io && o->io[0] >= 0)) {
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null == -1 || dup2(null, 0) == -1) {
            ct_fail_errno("open /dev/null as stdin");
            child_exit(MC_EXIT_RUNNER);
        }
        close(null);
    }
    if (o->detach) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null == -1 || dup2(null, 1) == -1 || dup2(null, 2) == -1) {
            ct_fail_errno("open /dev/null");
            child_exit(MC_EXIT_RUNNER);
        }
        close(null);
    }
}

/* Fork a process inside container c, whose PID 1 pidfd is. Returns as
 * fork(2) does: the child's pid in the parent (-1 on failure, recorded),
 * 0 in the child, which is then in every namespace and cgroup of the
 * container (a failure there ends the child: child_exit). */
static pid_t
fork_inside(struct container *c, int pidfd, int chan, const struct exec_opts *o)
{
    /* LAB life.3: join the pid namespace, fork, then the cgroups and the rest */
    struct clone3_args args = {.exit_signal = SIGCHLD};
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
        CLONE_NEWCGROUP;
    const char *v2 = cgroups_v2_dir(c);
    bool userns = c->userns.mode != USERNS_HOST;
    int cgfd = -1;
    pid_t child;

    /* A pid namespace that belongs to the container's own user namespace
     * (rootless, --userns auto) can be joined only with it: the child
     * joins both, and exec_child forks once more. */
    ct_trace("nsenter --target PID --pid", "setns(pidfd, CLONE_NEWPID)");
    if (!userns && setns(pidfd, CLONE_NEWPID) == -1)
        return ct_fail_errno("setns into the pid namespace of '%s'", c->name);
    /* Born in the container's cgroup2 cgroup, as its PID 1 was. */
    if (v2 && (cgfd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
        args.flags = CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgfd;
    }
    fflush(NULL);
    child = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
    if (child == -1 && cgfd != -1) { /* an older kernel: fork, then join */
        close(cgfd);
        cgfd = -1;
        child = fork();
    }
    if (child != 0 && cgfd != -1)
        close(cgfd);
    if (child == -1)
        return ct_fail_errno("fork into container '%s'", c->name);
    if (child > 0)
        return child;
    child_prepare(c, &pidfd, chan, o); /* errors reach the caller now */
    /* v1 cgroups are host paths: join them before we leave the host's
     * mount namespace. */
    if (cgroups_join_pid(c, 0, cgfd != -1) == -1)
        child_exit(MC_EXIT_RUNNER);
    if (userns) {
        flags |= CLONE_NEWUSER | CLONE_NEWPID;
        ct_trace("nsenter --target PID --user --pid --mount --uts --ipc --net "
                 "--cgroup",
                 "setns(pidfd, CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS|...)");
    } else {
        ct_trace("nsenter --target PID --mount --uts --ipc --net --cgroup",
                 "setns(pidfd, CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|"
                 "CLONE_NEWNET|CLONE_NEWCGROUP)");
    }
    if (setns(pidfd, flags) == -1) {
        ct_fail_errno("setns into the namespaces of container '%s'", c->name);
        child_exit(MC_EXIT_RUNNER);
    }
    close(pidfd);
    return 0;
    /* END LAB */
}

/* The child, inside: the same session rules, terminal, privileges and
 * command line as the container's PID 1 (spawn.c). In a user namespace,
 * root of it first, and one more fork into the pid namespace. */
static _Noreturn void
exec_child(struct container *c, const struct exec_opts *o)
{
    if (c->userns.mode != USERNS_HOST) {
        if (userns_become_root(c) == -1)
            child_exit(MC_EXIT_RUNNER);
        fork_into_pid_namespace();
    }
    if (setsid() == -1) { /* no way back to the caller's terminal */
        ct_fail_errno("setsid");
        child_exit(MC_EXIT_RUNNER);
    }
    if (o->tty && tty_setup_in_container(3) == -1)
        child_exit(MC_EXIT_RUNNER);
    if (privileges_apply(c) == -1 || privileges_seccomp_late(c) == -1)
        child_exit(MC_EXIT_RUNNER);
    exec_command(c, o->argv);
}

static int
parse_exec(int argc, char **argv, struct exec_opts *o, const char **name)
{
    static const struct option opts[] = {
        {"interactive", no_argument, NULL, 'i'},
        {"tty", no_argument, NULL, 't'},
        {"detach", no_argument, NULL, 'd'},
        {"env", required_argument, NULL, 'e'},
        {"workdir", required_argument, NULL, 'w'},
        {"user", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int opt;

    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+itde:w:u:", opts, NULL)) != -1) {
        switch (opt) {
        case 'i': o->interactive = true; break;
        case 't': o->tty = true; break;
        case 'd': o->detach = true; break;
        case 'e':
            if (optarg[0] == '=' || !*optarg)
                return mc_usage_error("bad --env '%s': give KEY=VALUE", optarg);
            if (!strchr(optarg, '=')) { /* -e KEY: yours, as Docker */
                const char *v = getenv(optarg);
                char *kv;
                if (!v)
                    break;
                if (asprintf(&kv, "%s=%s", optarg, v) == -1)
                    return ct_fail_errno("asprintf");
                optarg = kv;
            }
            if (o->nenv == MC_MAX_ENV)
                return mc_usage_error("too many -e");
            o->env[o->nenv++] = optarg;
            break;
        case 'w':
            if (optarg[0] != '/')
                return mc_usage_error("bad --workdir '%s': give an absolute "
                                      "path",
                                      optarg);
            o->workdir = optarg;
            break;
        case 'u': o->user = optarg; break;
        case 'h': exec_usage(stdout); exit(0);
        default:
            return mc_usage_error("unknown or incomplete option '%s' (see "
                                  "'minictr exec --help')",
                                  argv[optind - 1]);
        }
    }
    if (argc - optind < 2)
        return mc_usage_error("usage: minictr exec [OPTIONS] NAME COMMAND "
                              "[ARG...]");
    *name = argv[optind];
    o->argv = argv + optind + 1;
    return 0;
}

/* The container's settings, changed by exec's own flags. */
static int
apply_opts(struct container *c, const struct exec_opts *o)
{
    for (int i = 0; i < o->nenv; i++) {
        size_t key = strcspn(o->env[i], "=") + 1;
        int j = 0;
        while (j < c->nenv && strncmp(c->env[j], o->env[i], key) != 0)
            j++;
        if (j == MC_MAX_ENV)
            return mc_usage_error("too many environment variables");
        c->env[j] = o->env[i];
        if (j == c->nenv)
            c->nenv++;
    }
    if (o->workdir)
        c->workdir = o->workdir;
    c->tty = o->tty;
    if (o->user) {
        uint64_t uid, gid = 0;
        char buf[64], *colon;
        bool named = false;
        snprintf(buf, sizeof(buf), "%s", o->user);
        colon = strchr(buf, ':');
        if (colon)
            *colon++ = '\0';
        if (ct_parse_u64(buf, &uid) == -1) {
            /* A name: the container's own /etc/passwd, read through its
             * root, never following a symlink out of it. */
            char root[64];
            int rootfd;
            snprintf(root, sizeof(root), "/proc/%d/root", c->pid);
            rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (rootfd == -1 ||
                mc_lookup_id(open_in_root(rootfd, "etc/passwd", false, false),
                             buf, &uid, &gid) == -1) {
                if (rootfd != -1)
                    close(rootfd);
                return mc_usage_error("bad --user '%s': no user '%s' in the "
                                      "container's /etc/passwd",
                                      o->user, buf);
            }
            close(rootfd);
            named = true;
        }
        if ((colon && ct_parse_u64(colon, &gid) == -1) || uid >= UINT32_MAX)
            return mc_usage_error("bad --user '%s': give UID[:GID] or a "
                                  "user's name",
                                  o->user);
        if (!colon && !named)
            gid = uid;
        c->uid = (uid_t)uid;
        c->gid = (gid_t)gid;
        c->user_set = true;
    }
    return 0;
}

int
exec_check(struct container *c, const struct exec_opts *o)
{
    const char *status = container_real_status(c);

    if (!strcmp(status, ST_PAUSED)) {
        mc_error_code("container_paused");
        ct_set_hint("unpause it first: minictr unpause NAME");
        return ct_fail("container '%s' is paused", c->name);
    }
    if (strcmp(status, ST_RUNNING) || c->pid <= 0) {
        mc_error_code("container_not_running");
        return ct_fail("container '%s' is not running (see 'minictr ps -a')",
                       c->name);
    }
    return apply_opts(c, o);
}

int
exec_start(struct container *c, struct exec_opts *o, pid_t *child, int *master)
{
    int pidfd, sp[2], kind, code = 0, got = -1, st;

    *child = -1;
    *master = -1;
    pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    if (pidfd == -1 || !is_ours(c)) {
        mc_error_code("container_not_running");
        ct_fail("container '%s' is not running: its PID 1 (%d) is gone",
                c->name, c->pid);
        return MC_EXIT_RUNNER;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1) {
        ct_fail_errno("socketpair");
        close(pidfd);
        return MC_EXIT_RUNNER;
    }
    *child = fork_inside(c, pidfd, sp[1], o);
    if (*child == 0) {
        close(sp[0]);
        exec_child(c, o);
    }
    close(sp[1]);
    close(pidfd);
    if (*child == -1) {
        close(sp[0]);
        return MC_EXIT_RUNNER;
    }
    /* The channel: the pty (-t), then EOF at exec, or the error. */
    while ((kind = spawn_read(sp[0], &got)) == SPAWN_TTY)
        *master = got;
    if (kind == SPAWN_ERROR)
        code = got > 0 && got < 256 ? got : MC_EXIT_RUNNER;
    close(sp[0]);
    if (kind == SPAWN_ERROR) {
        while (waitpid(*child, &st, 0) == -1 && errno == EINTR)
            ;
        return code;
    }
    return 0;
}

/* ---- a health check: the monitor's child ------------------------------ */

int
exec_probe(struct container *c, char **argv, int out, int report)
{
    struct exec_opts o = {.argv = argv};
    pid_t child;
    int master, code;

    /* The command's stdout and stderr are ours: the monitor's pipe. */
    if (dup2(out, 1) == -1 || dup2(out, 2) == -1)
        code = MC_EXIT_RUNNER;
    else if ((code = exec_start(c, &o, &child, &master)) != 0)
        fprintf(stderr, "%s\n", ct_error_message()); /* as Docker's says */
    return health_report(report, code == 0 ? child : -1, code);
}

/* ---- the OCI door's exec: a process of the container's own ------------ */

int
exec_spawn(struct container *c, char **argv, bool tty, pid_t *child,
           int *master)
{
    struct exec_opts o = {.interactive = true, .tty = tty, .argv = argv};

    c->tty = tty;
    return exec_start(c, &o, child, master);
}

/* ---- exec -d: the monitor's child ------------------------------------- */

/* exec -d's process must outlive us, so it must not be our child: the
 * monitor makes it, as conmon does, and reaps it when it ends. The
 * request carries the options as one JSON line. */
static char *
opts_to_json(const struct container *c, const struct exec_opts *o)
{
    json_object *j = json_object_new_object(), *a = json_object_new_array();
    char user[32];
    char *s;

    for (char **p = o->argv; *p; p++)
        json_object_array_add(a, json_object_new_string(*p));
    json_object_object_add(j, "argv", a);
    a = json_object_new_array();
    for (int i = 0; i < o->nenv; i++)
        json_object_array_add(a, json_object_new_string(o->env[i]));
    json_object_object_add(j, "env", a);
    if (o->workdir)
        json_object_object_add(j, "workdir",
                               json_object_new_string(o->workdir));
    if (c->user_set) {
        snprintf(user, sizeof(user), "%u:%u", c->uid, c->gid);
        json_object_object_add(j, "user", json_object_new_string(user));
    }
    s = strdup(json_object_to_json_string_ext(
        j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(j);
    return s;
}

void
exec_detached_for_monitor(const struct container *c, const char *json, int fd)
{
    struct container copy = *c;
    struct exec_opts o = {.detach = true};
    json_object *j = json_tokener_parse(json), *a, *v;
    pid_t child, h;
    int master;

    if (!j || !json_object_object_get_ex(j, "argv", &a) ||
        !json_object_is_type(a, json_type_array) ||
        json_object_array_length(a) == 0) {
        dprintf(fd,
                "{\"error\":{\"code\":\"usage\",\"message\":\"bad "
                "exec request\"}}\n");
        json_object_put(j);
        return;
    }
    o.argv = calloc(json_object_array_length(a) + 1, sizeof(char *));
    for (size_t i = 0; i < json_object_array_length(a); i++)
        o.argv[i] =
            strdup(json_object_get_string(json_object_array_get_idx(a, i)));
    if (json_object_object_get_ex(j, "env", &a))
        for (size_t i = 0;
             i < json_object_array_length(a) && o.nenv < MC_MAX_ENV; i++)
            o.env[o.nenv++] =
                strdup(json_object_get_string(json_object_array_get_idx(a, i)));
    if (json_object_object_get_ex(j, "workdir", &v))
        o.workdir = strdup(json_object_get_string(v));
    if (json_object_object_get_ex(j, "user", &v))
        o.user = strdup(json_object_get_string(v));
    json_object_put(j);
    /* A helper does the setns(CLONE_NEWPID) (it would change where the
     * monitor's own next children are born) and exits once the command
     * runs; the command, orphaned, comes to the nearest subreaper: us. */
    h = fork();
    if (h != 0) {
        if (h == -1)
            dprintf(fd,
                    "{\"error\":{\"code\":\"failed\",\"message\":"
                    "\"fork failed\"}}\n");
        return;
    }
    if (apply_opts(&copy, &o) == -1 ||
        exec_start(&copy, &o, &child, &master) != 0) {
        dprintf(fd, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
                *mc_get_error_code() ? mc_get_error_code() : "failed",
                ct_error_message());
        _exit(MC_EXIT_RUNNER);
    }
    dprintf(fd, "{\"ok\":true,\"pid\":%d}\n", (int)child);
    _exit(0);
}

int
exec_detached(struct container *c, const struct exec_opts *o)
{
    char *json;
    json_object *r;

    if (o->tty)
        return mc_usage_error("%s", "exec -d runs without a terminal: drop -t");
    json = opts_to_json(c, o);
    r = ctl_call(c, "exec %s", json);
    free(json);
    if (!r)
        return -1;
    json_object_put(r);
    return 0;
}

int
cmd_exec(int argc, char **argv)
{
    return cmd_exec_with(argc, argv, container_find);
}

int
cmd_exec_with(int argc, char **argv,
              int (*find)(const char *name, struct container *c))
{
    static struct container c;
    struct exec_opts o = {0};
    const char *name = NULL;
    int code, master, st;
    pid_t child;

    if (parse_exec(argc, argv, &o, &name) == -1 || find(name, &c) == -1)
        return -1;
    if (o.tty && o.interactive && !isatty(0))
        return mc_usage_error("%s",
                              "the input device is not a TTY (-i -t "
                              "needs your terminal as stdin)");
    if (exec_check(&c, &o) == -1)
        return -1;
    if (o.detach)
        return exec_detached(&c, &o);
    code = exec_start(&c, &o, &child, &master);
    if (code != 0)
        return code == MC_EXIT_RUNNER ? -1 : code;
    if (o.tty && master >= 0)
        return tty_relay(master, child);
    while (waitpid(child, &st, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid %d", child);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
