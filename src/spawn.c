/*
 * spawn.c: the container's first process, from clone to exec.
 *
 * The monitor clones it into new namespaces (and, on cgroup v2, straight
 * into its cgroup); inside, it does the steps in order:
 *
 *   join the cgroups (v1)                          03-cgroups
 *     (in a user namespace: wait for the maps)     08-user-namespaces
 *   a cgroup namespace, / private, the hostname    02-namespaces
 *     (in a user namespace: become root there)     08-user-namespaces
 *   mount the overlay                              07-overlay
 *   mounts, pivot_root, /dev, masked /proc         05-pivot-root
 *   a session of its own; a pty with -t
 *   capabilities, no_new_privs, seccomp, fds       06-privileges
 *   (held: wait for the monitor's "go")
 *   exec the command (or --init first)
 *
 * An OCI container (c->spec, from config.json) takes the same steps, with
 * three differences. Its root is a directory given (no overlay). Between
 * its mounts and pivot_root it asks the parent, 'H' on the channel, to
 * run the prestart and createRuntime hooks, and runs createContainer's.
 * And no monitor holds it: `create` clones it, waits for 'R' and exits,
 * so the container's first process becomes the child of whoever ran
 * create (containerd's shim, conmon: subreapers). It then waits on the
 * exec FIFO in its state directory, as runc's does, until `start` opens
 * the other end; then the startContainer hooks, then exec.
 *
 * It talks to the monitor over a SOCK_SEQPACKET socketpair, one message a
 * kind byte: 'T' carries the pty's master side (SCM_RIGHTS), 'R' says it is
 * ready and waits for 'G' (create, then start), 'E' carries an error; the
 * monitor sends 'M' to a child in a user namespace once its maps are
 * written (with --userns auto, and the idmapped trees it made), and on a
 * bridge network 'N' before exec: its eth0 is plugged in (the monitor does
 * that while the child mounts). The
 * child's end is close-on-exec: when exec succeeds, the monitor reads EOF.
 * So the monitor always knows how the start went, and prints an error
 * once, as text or JSON.
 *
 * Read: clone(2), unix(7) SOCK_SEQPACKET and SCM_RIGHTS, execve(2).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The signal mask the monitor had before it blocked everything; the
 * command gets it back right before exec. */
sigset_t spawn_old_mask;
static struct spawn_io *child_io;
/* Our end of the channel to the monitor, once it is fd 3. */
static int chan_fd = -1;

_Noreturn void
child_exit(int code)
{
    char buf[2400];
    int n = snprintf(buf, sizeof(buf), "E%d\n%s\n%d\n%s\n%s", code,
                     mc_get_error_code(), ct_error_errno(), ct_error_message(),
                     ct_error_hint());

    if (n >= (int)sizeof(buf))
        n = (int)sizeof(buf) - 1;
    if (chan_fd == -1 || send(chan_fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
        ct_report(); /* no monitor to tell: say it here */
        fflush(stderr);
    }
    _exit(code);
}

int
spawn_read(int chan, int *fd)
{
    char buf[2400], *lines[6] = {0}, *p;
    int got, nfds;
    ssize_t n =
        ct_recv_fds(chan, buf, sizeof(buf) - 1, &got, fd ? 1 : 0, &nfds);

    if (n <= 0)
        return n == 0 ? 0 : -1;
    buf[n] = '\0';
    if (nfds == 1)
        *fd = got;
    if (buf[0] != SPAWN_ERROR)
        return buf[0];
    if (fd)
        *fd = atoi(buf + 1); /* the exit code it will die with */
    /* E<exit>\n<code>\n<errno>\n<message>\n<hint> */
    p = buf + 1;
    for (int i = 0; i < 5 && p; i++) {
        lines[i] = p;
        p = i < 4 ? strchr(p, '\n') : NULL;
        if (p)
            *p++ = '\0';
    }
    if (lines[1] && *lines[1])
        mc_error_code(strdup(lines[1]));
    ct_restore_error(lines[3] ? lines[3] : "the container failed to start",
                     lines[2] ? atoi(lines[2]) : 0, lines[4]);
    return SPAWN_ERROR;
}

char **
spawn_environment(const struct container *c, char **extra, int nextra)
{
    static char *envp[2 * MC_MAX_ENV + 8];
    static char hostname_env[128];
    char *const *lists[2] = {c->env, extra};
    int counts[2] = {c->nenv, nextra};
    int n = 0;

    /* The environment Docker gives: PATH, HOSTNAME, HOME, TERM with -t,
     * then the image's and every -e, each of which replaces an entry with
     * the same key (getenv, and execvp's PATH search, take the first one
     * they find). */
    /* OCI: process.env is the whole environment. */
    if (c->spec) {
        for (int i = 0; i < c->nenv && n < MC_MAX_ENV; i++)
            envp[n++] = c->env[i];
        for (int i = 0; i < nextra && n < 2 * MC_MAX_ENV; i++)
            envp[n++] = extra[i];
        envp[n] = NULL;
        return envp;
    }
    envp[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                "/sbin:/bin";
    snprintf(hostname_env, sizeof(hostname_env), "HOSTNAME=%s",
             c->hostname ? c->hostname : "");
    envp[n++] = hostname_env;
    envp[n++] = c->user_set && c->uid != 0 ? "HOME=/" : "HOME=/root";
    if (c->tty)
        envp[n++] = "TERM=xterm";
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < counts[l]; i++) {
            size_t key = strcspn(lists[l][i], "=") + 1;
            int j = 0;
            while (j < n && strncmp(envp[j], lists[l][i], key) != 0)
                j++;
            envp[j] = lists[l][i];
            if (j == n)
                n++;
        }
    envp[n] = NULL;
    return envp;
}

_Noreturn void
exec_command(struct container *c, char **argv)
{
    extern char **environ;
    int err;

    environ = spawn_environment(c, NULL, 0);
    if (c->workdir && chdir(c->workdir) == -1) {
        ct_fail_errno("chdir to the workdir '%s'", c->workdir);
        child_exit(MC_EXIT_CANNOT_EXEC);
    }
    ct_trace(NULL, "execve(\"%s\", ...)", argv[0]);
    /* The monitor blocked every signal before it cloned us: the command
     * starts with the mask its caller had, and every signal's default
     * action — an ignored SIGINT (a shell's `cmd &` sets that) would
     * otherwise be ignored inside too, for good. */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigprocmask(SIG_SETMASK, &spawn_old_mask, NULL);
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

/* stdin, stdout, stderr: the monitor's pipes, or /dev/null. */
static int
set_stdio(const struct spawn_io *io)
{
    int fds[3] = {io->in, io->out, io->err};

    for (int i = 0; i < 3; i++) {
        int fd = fds[i];
        if (fd == -1) {
            fd = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (fd == -1)
                return ct_fail_errno("open /dev/null");
        }
        if (fd != i && dup2(fd, i) == -1)
            return ct_fail_errno("dup2 onto fd %d", i);
    }
    return 0;
}

/* Move our end of the channel to fd 3, where child_exit finds it. */
int
spawn_use_channel(int fd)
{
    if (fd != 3) {
        if (dup3(fd, 3, O_CLOEXEC) == -1)
            return ct_fail_errno("dup3 the channel onto fd 3");
        close(fd);
    }
    chan_fd = 3;
    return 0;
}

static int
channel_to_3(struct container *c)
{
    int to = 3 + (c->spec ? c->spec->preserve_fds : 0);

    /* --preserve-fds N: fds 3 to 3+N-1 are the container's; the channel
     * goes just above them. */
    if (to != 3) {
        if (c->keep_fd != to && dup3(c->keep_fd, to, O_CLOEXEC) == -1)
            return ct_fail_errno("dup3 the channel onto fd %d", to);
        if (c->keep_fd != to)
            close(c->keep_fd);
        chan_fd = c->keep_fd = to;
        return 0;
    }
    if (spawn_use_channel(c->keep_fd) == -1)
        return -1;
    c->keep_fd = 3;
    return 0;
}

void
spawn_close_channel(void)
{
    if (chan_fd >= 0)
        close(chan_fd);
    chan_fd = -1;
}

/* Die with the monitor: PR_SET_PDEATHSIG, then check it is still there
 * (it may have died before). The setting is cleared when our credentials
 * change (-u), so it is made again after that. */
static void
die_with_monitor(int chan)
{
    struct pollfd pfd = {.fd = chan, .events = 0};

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
        _exit(MC_EXIT_RUNNER);
    if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
        _exit(MC_EXIT_RUNNER);
}

int
spawn_sync_hooks(struct container *c)
{
    char go = 0;

    if ((c->spec->nhooks[HOOK_PRESTART] && !c->spec->prestart_at_start) ||
        c->spec->nhooks[HOOK_CREATE_RUNTIME]) {
        if (send(c->keep_fd, (char[]){SPAWN_HOOKS}, 1, MSG_NOSIGNAL) != 1 ||
            recv(c->keep_fd, &go, 1, 0) != 1 || go != SPAWN_GO)
            _exit(MC_EXIT_RUNNER); /* the hook failed: the parent says */
    }
    return hooks_run(c, HOOK_CREATE_CONTAINER, "creating");
}

/* OCI create: is the command there? Asked now, so that create fails
 * with the reason (podman turns "no such file or directory" into 127 and
 * "permission denied" into 126), not start. */
static int
check_command(struct container *c)
{
    const char *cmd = c->argv[0], *path = NULL;
    char buf[4096];
    struct stat st;

    for (int i = 0; i < c->nenv; i++)
        if (!strncmp(c->env[i], "PATH=", 5))
            path = c->env[i] + 5;
    if (!strchr(cmd, '/')) {
        /* execvp's default search path when PATH is unset */
        const char *p = path ? path : "/bin:/usr/bin";
        while (*p) {
            size_t n = strcspn(p, ":");
            snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, cmd);
            if (access(buf, X_OK) == 0 && stat(buf, &st) == 0 &&
                S_ISREG(st.st_mode))
                return 0;
            p += n + (p[n] == ':');
        }
        mc_error_code("command_not_found");
        errno = ENOENT;
        return ct_fail_errno("exec '%s': executable file not found in $PATH",
                             cmd);
    }
    if (c->workdir && cmd[0] != '/' && chdir(c->workdir) == -1)
        return ct_fail_errno("chdir to the cwd '%s'", c->workdir);
    if (stat(cmd, &st) == -1 || (!S_ISREG(st.st_mode) && (errno = EACCES)) ||
        access(cmd, X_OK) == -1) {
        int err = errno;
        mc_error_code(err == ENOENT ? "command_not_found"
                                    : "command_cannot_run");
        errno = err;
        return ct_fail_errno("exec '%s' in the container", cmd);
    }
    return 0;
}

/* Set up, privileges dropped: tell create we are ready (it exits then),
 * and wait on the exec FIFO until `start` opens it. */
static void
hold_on_fifo(struct container *c)
{
    char path[64];
    struct pollfd pfd = {.fd = c->keep_fd, .events = 0};
    int fd;

    if (check_command(c) == -1)
        child_exit(ct_error_errno() == ENOENT ? MC_EXIT_NOT_FOUND
                                              : MC_EXIT_CANNOT_EXEC);
    /* create's exit must not be our death now: from here on we belong to
     * its parent. Unless it died already. */
    prctl(PR_SET_PDEATHSIG, 0);
    if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
        _exit(MC_EXIT_RUNNER);
    if (send(c->keep_fd, (char[]){SPAWN_READY}, 1, MSG_NOSIGNAL) != 1)
        _exit(MC_EXIT_RUNNER);
    /* fifo(7): opening the write end blocks until a reader opens the other
     * end. Through /proc/self/fd: after pivot_root, the state directory's
     * path means nothing here. */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", c->spec->exec_fifo);
    ct_trace(NULL, "open(\"exec.fifo\", O_WRONLY): wait for start");
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd == -1 || write(fd, "0", 1) != 1) {
        ct_fail_errno("open the exec FIFO '%s'", path);
        child_exit(MC_EXIT_RUNNER);
    }
    /* fd stays open, close-on-exec: `start` reads on until EOF, which
     * comes at our exec (or exit), so its poststart hooks run after the
     * startContainer hooks and the command's exec, as runtime.md orders. */
    close(c->spec->exec_fifo);
    if (hooks_run(c, HOOK_START_CONTAINER, "created") == -1 ||
        privileges_seccomp_late(c) == -1)
        child_exit(MC_EXIT_RUNNER);
}

/* Runs as PID 1 of the new pid namespace. Any failure: say why on the
 * channel and exit 125, which the monitor passes on. */
static int
child_main(void *arg)
{
    struct container *c = arg;

    /* Our copy of the monitor's end goes first: then a hangup on our
     * own end means the monitor is gone. */
    close(child_io->chan);
    if (set_stdio(child_io) == -1 || channel_to_3(c) == -1)
        goto fail;
    /* If the monitor dies (even kill -9), the container dies with it: PID
     * 1 gone, the kernel kills the whole pid namespace. */
    die_with_monitor(c->keep_fd);
    /* In a user namespace we are nobody until the monitor has written our
     * maps (it joined us to our v1 cgroups too: from in here the host's
     * cgroup files are not ours to write). */
    if (c->userns.mode != USERNS_HOST ? userns_wait_for_maps(c) == -1
                                      : cgroups_join(c) == -1)
        goto fail;
    if (namespaces_enter(c) == -1)
        goto fail;
    if (c->userns.mode != USERNS_HOST) {
        if (userns_setup_child(c) == -1)
            goto fail;
        die_with_monitor(c->keep_fd); /* new credentials clear it */
    }
    /* A pod: its services' roots below its own, while the host's paths
     * (their layers, volumes, cgroups) can still be reached (svc.c). */
    if ((!c->spec && overlay_mount(c) == -1) ||
        (c->pod && svc_prepare(c) == -1) || rootfs_setup(c) == -1)
        goto fail;
    /* A new session, so the container cannot reach the caller's terminal
     * (TIOCSTI); with -t, the pty becomes its controlling terminal. */
    if (setsid() == -1) {
        ct_fail_errno("setsid");
        goto fail;
    }
    if (c->tty && tty_setup_in_container(c->keep_fd) == -1)
        goto fail;
    /* A pod's PID 1 keeps its privileges: it mounts and pivots for its
     * services, which drop theirs (svc.c). */
    if (!c->pod && privileges_apply(c) == -1)
        goto fail;
    die_with_monitor(c->keep_fd);
    if (c->net_wait) {
        char net = 0;
        if (recv(c->keep_fd, &net, 1, 0) != 1 || net != SPAWN_NET)
            _exit(MC_EXIT_RUNNER); /* the monitor failed, and says why */
    }
    if (c->spec && c->spec->exec_fifo >= 0)
        hold_on_fifo(c);
    if (c->hold) {
        char go = 0;
        if (send(c->keep_fd, (char[]){SPAWN_READY}, 1, MSG_NOSIGNAL) != 1 ||
            recv(c->keep_fd, &go, 1, 0) != 1 || go != SPAWN_GO)
            _exit(MC_EXIT_RUNNER); /* the monitor went away */
    }
    if (c->pod)
        svc_main(c);
    if (c->init)
        init_run(c);
    exec_command(c, c->argv);
fail:
    child_exit(MC_EXIT_RUNNER);
}

pid_t
spawn_container(struct container *c, struct spawn_io *io)
{
    static char stack[256 * 1024] __attribute__((aligned(16)));
    int sp[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1)
        return ct_fail_errno("socketpair for the container's channel");
    io->chan = sp[0];
    c->keep_fd = sp[1];
    child_io = io;
    fflush(NULL);
    if (ct_tracing) {
        bool user = c->userns.mode != USERNS_HOST;
        bool net = c->net.mode != NET_HOST;
        char shell[128];
        snprintf(shell, sizeof(shell),
                 "unshare %s--mount --uts --ipc --pid %s--fork",
                 user ? "--user " : "", net ? "--net " : "");
        ct_trace(
            shell,
            "clone(%sCLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID%s)",
            user ? "CLONE_NEWUSER|" : "", net ? "|CLONE_NEWNET" : "");
    }
    if (namespaces_join_pid(c) == -1) {
        close(sp[0]);
        close(sp[1]);
        return -1;
    }
    pid = namespaces_clone_into_cgroup(c);
    if (pid == 0)
        _exit(child_main(c)); /* born in its cgroup */
    if (pid == -1 && !c->in_cgroup)
        pid = clone(child_main, stack + sizeof(stack),
                    namespaces_clone_flags(c) | SIGCHLD, c);
    close(sp[1]);
    c->keep_fd = -1;
    if (pid == -1) {
        ct_fail_errno(c->userns.mode != USERNS_HOST
                          ? "clone into a new user namespace and the others"
                          : "clone into new namespaces");
        close(sp[0]);
        io->chan = -1;
        return -1;
    }
    /* The child waits for its maps; if they cannot be made, it never
     * runs. v1 cgroups are joined from here, with the host's ids. */
    if (c->userns.mode != USERNS_HOST &&
        (cgroups_join_pid(c, pid, c->in_cgroup) == -1 ||
         userns_map_child(c, pid, sp[0]) == -1)) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
            ;
        close(sp[0]);
        io->chan = -1;
        return -1;
    }
    return pid;
}
