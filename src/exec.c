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

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};

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

/* Is pid the container's PID 1: in its cgroup? */
static bool
is_ours(const struct container *c)
{
    char path[64], buf[4096], want[80];

    snprintf(path, sizeof(path), "/proc/%d/cgroup", c->pid);
    snprintf(want, sizeof(want), "minictr-%s", c->id);
    return ct_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, want);
}

/* The child: in the container's pid namespace already (and in its
 * cgroup2 cgroup when cloned into it). */
static _Noreturn void
exec_child(struct container *c, int pidfd, const struct exec_opts *o, int chan,
           const int io[3])
{
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
        CLONE_NEWCGROUP;

    /* The caller's own stdin, stdout, stderr unless io gives others (the
     * API server's pipes). */
    for (int i = 0; i < 3; i++)
        if (io[i] >= 0 && io[i] != i && dup2(io[i], i) == -1)
            _exit(MC_EXIT_RUNNER);

    /* The channel goes to fd 3, where child_exit looks: move the pidfd
     * (and the channel) out of its way first. */
    if (pidfd <= 3)
        pidfd = fcntl(pidfd, F_DUPFD_CLOEXEC, 4);
    if (chan < 3)
        chan = fcntl(chan, F_DUPFD_CLOEXEC, 4);
    if (pidfd == -1 || chan == -1 || spawn_use_channel(chan) == -1)
        _exit(MC_EXIT_RUNNER);
    c->keep_fd = 3;
    if (!o->interactive && !o->tty && io[0] < 0) {
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
    /* v1 cgroups are host paths: join them before we leave the host's
     * mount namespace. */
    if (cgroups_join_pid(c, 0, c->in_cgroup) == -1)
        child_exit(MC_EXIT_RUNNER);
    ct_trace("nsenter --target PID --mount --uts --ipc --net --cgroup",
             "setns(pidfd, CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|"
             "CLONE_NEWNET|CLONE_NEWCGROUP)");
    if (setns(pidfd, flags) == -1) {
        ct_fail_errno("setns into the namespaces of container '%s'", c->name);
        child_exit(MC_EXIT_RUNNER);
    }
    close(pidfd);
    if (setsid() == -1) { /* no way back to the caller's terminal */
        ct_fail_errno("setsid");
        child_exit(MC_EXIT_RUNNER);
    }
    if (o->tty && tty_setup_in_container(3) == -1)
        child_exit(MC_EXIT_RUNNER);
    if (privileges_apply(c) == -1)
        child_exit(MC_EXIT_RUNNER);
    exec_command(c, o->argv);
}

/* -t: copy between our terminal and the pty until the command ends. */
static int
relay(int master, pid_t child)
{
    bool raw = tty_raw(0), in_open = true;
    int sfd, status = 0;
    sigset_t mask;

    sigemptyset(&mask);
    sigaddset(&mask, SIGWINCH);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    tty_copy_size(0, master);
    for (;;) {
        struct pollfd p[3] = {{master, POLLIN, 0},
                              {in_open ? 0 : -1, POLLIN, 0},
                              {sfd, POLLIN, 0}};
        char buf[8192];
        ssize_t n;

        if (poll(p, 3, -1) == -1 && errno != EINTR)
            break;
        if (p[2].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si) &&
                si.ssi_signo == SIGWINCH)
                tty_copy_size(0, master);
        }
        if (p[0].revents) {
            n = read(master, buf, sizeof(buf));
            if (n <= 0 || write(1, buf, (size_t)n) < 0)
                break; /* EIO: the last process on the pty is gone */
        }
        if (p[1].revents) {
            n = read(0, buf, sizeof(buf));
            if (n <= 0)
                in_open = false;
            else if (write(master, buf, (size_t)n) < 0)
                break;
        }
    }
    if (raw)
        tty_restore(0);
    close(master);
    while (waitpid(child, &status, 0) == -1 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return mc_usage_error("bad --env '%s': give KEY=VALUE", optarg);
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
        uint64_t uid, gid;
        char buf[64], *colon;
        snprintf(buf, sizeof(buf), "%s", o->user);
        colon = strchr(buf, ':');
        if (colon)
            *colon++ = '\0';
        if (ct_parse_u64(buf, &uid) == -1 ||
            (colon && ct_parse_u64(colon, &gid) == -1) || uid >= UINT32_MAX)
            return mc_usage_error("bad --user '%s': give a numeric "
                                  "UID[:GID]",
                                  o->user);
        c->uid = (uid_t)uid;
        c->gid = colon ? (gid_t)gid : (gid_t)uid;
        c->user_set = true;
    }
    return 0;
}

pid_t
exec_start(struct container *c, const struct exec_opts *o, const int io[3],
           int *master)
{
    struct clone3_args args = {.exit_signal = SIGCHLD};
    const char *status, *v2;
    int pidfd, sp[2], cgfd = -1, kind, got = -1, st;
    pid_t child;

    *master = -1;
    if (apply_opts(c, o) == -1)
        return -1;
    status = container_real_status(c);
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
    pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    if (pidfd == -1 || !is_ours(c)) {
        if (pidfd != -1)
            close(pidfd);
        mc_error_code("container_not_running");
        return ct_fail("container '%s' is not running: its PID 1 (%d) is "
                       "gone",
                       c->name, c->pid);
    }
    ct_trace("nsenter --target PID --pid", "setns(pidfd, CLONE_NEWPID)");
    if (setns(pidfd, CLONE_NEWPID) == -1) {
        close(pidfd);
        return ct_fail_errno("setns into the pid namespace of '%s'", c->name);
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1) {
        close(pidfd);
        return ct_fail_errno("socketpair");
    }
    /* Born in the container's cgroup2 cgroup, as its PID 1 was. */
    v2 = cgroups_v2_dir(c);
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
    c->in_cgroup = cgfd != -1;
    if (child == 0) {
        close(sp[0]);
        exec_child(c, pidfd, o, sp[1], io);
    }
    if (cgfd != -1)
        close(cgfd);
    close(sp[1]);
    close(pidfd);
    if (child == -1) {
        close(sp[0]);
        return ct_fail_errno("fork into container '%s'", c->name);
    }
    /* The channel: the pty (-t), then EOF at exec, or the error. */
    while ((kind = spawn_read(sp[0], &got)) == SPAWN_TTY)
        *master = got;
    close(sp[0]);
    if (kind == SPAWN_ERROR) {
        while (waitpid(child, &st, 0) == -1 && errno == EINTR)
            ;
        if (*master >= 0)
            close(*master);
        *master = -1;
        /* The child's own exit code: 126 or 127 come from exec. */
        mc_error_code(got == MC_EXIT_NOT_FOUND         ? "command_not_found"
                          : got == MC_EXIT_CANNOT_EXEC ? "command_cannot_run"
                                                       : "failed");
        errno = got > 0 && got < 256 ? got : MC_EXIT_RUNNER;
        return -1;
    }
    return child;
}

int
cmd_exec(int argc, char **argv)
{
    static struct container c;
    struct exec_opts o = {0};
    const int io[3] = {-1, -1, -1};
    const char *name = NULL;
    int master, st;
    pid_t child;

    if (parse_exec(argc, argv, &o, &name) == -1 ||
        container_find(name, &c) == -1)
        return -1;
    child = exec_start(&c, &o, io, &master);
    if (child == -1) /* 126, 127 from exec; 125 for the rest */
        return errno == MC_EXIT_NOT_FOUND || errno == MC_EXIT_CANNOT_EXEC
            ? errno
            : -1;
    if (o.detach)
        return 0;
    if (o.tty && master >= 0)
        return relay(master, child);
    while (waitpid(child, &st, 0) == -1)
        if (errno != EINTR)
            return ct_fail_errno("waitpid %d", child);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
