/*
 * hooks.c: the OCI hooks — programs a config.json names, run at six
 * moments of a container's life, each with the container's state as one
 * JSON object on its stdin (runtime-spec config.md "POSIX-platform
 * Hooks", runtime.md "Lifecycle"):
 *
 *   prestart, createRuntime  by create, in the host's namespaces, after
 *                            the container's namespaces exist and before
 *                            pivot_root (spawn_sync_hooks asks for them)
 *   createContainer          by the container's first process, in its
 *                            namespaces, before pivot_root
 *   startContainer           by it too, after start, right before exec
 *   poststart                by start, once the command runs
 *   poststop                 by delete, once the container is gone
 *
 * A hook that exits non-zero, is killed or outlives its timeout fails.
 * What that means is the caller's: the first four stop the container, the
 * last two are only warned about, and the hooks after one that failed
 * still run (runtime.md says so).
 *
 * Read: runtime-spec config.md "POSIX-platform Hooks", pidfd_open(2).
 * Try:  minictr-oci spec; add "hooks": {"poststart": [{"path": "/bin/sh",
 *       "args": ["sh", "-c", "cat > /tmp/state.json"]}]}; then jq there.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const kind_names[HOOK_KINDS] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

/* The name config.json's "hooks" gives a kind. */
const char *
hooks_kind_name(enum hook_kind kind)
{
    return kind_names[kind];
}

char *
hooks_state_json(const struct container *c, const char *status)
{
    const struct oci_spec *s = c->spec;
    json_object *o = json_object_new_object();
    char *out;

    json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
    json_object_object_add(o, "id", json_object_new_string(s->id));
    json_object_object_add(o, "status", json_object_new_string(status));
    json_object_object_add(
        o, "pid", json_object_new_int(c->pid > 0 ? c->pid : (int)getpid()));
    json_object_object_add(o, "bundle", json_object_new_string(s->bundle));
    json_object_object_add(
        o, "annotations",
        json_tokener_parse(s->annotations_json ? s->annotations_json : "{}"));
    out = strdup(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return out;
}

/* In the hook's child: stdin from the state pipe, stdout and stderr to
 * the output pipe, its own environment, exec. */
static _Noreturn void
hook_child(const struct spec_hook *h, int in, int out)
{
    char *const empty[] = {NULL};
    char *const self[] = {h->path, NULL};

    if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1)
        _exit(127);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigprocmask(SIG_SETMASK, &spawn_old_mask, NULL);
    execve(h->path, h->args ? h->args : self, h->env ? h->env : empty);
    dprintf(2, "exec '%s': %s\n", h->path, strerror(errno));
    _exit(127);
}

/* Run one hook; 0, or -1 with what went wrong (and what it printed). */
static int
run_one(const struct spec_hook *h, const char *what, const char *state)
{
    int in[2], out[2], pidfd, status = 0;
    char said[2048] = "";
    size_t nsaid = 0;
    int64_t deadline = h->timeout ? mc_monotonic_ms() + h->timeout * 1000 : 0;
    bool timed_out = false, out_open = true;
    pid_t pid;

    if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2 for hook %s", what);
    ct_trace(NULL, "run hook %s: %s", what, h->path);
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        return ct_fail_errno("fork hook %s", what);
    if (pid == 0)
        hook_child(h, in[0], out[1]);
    close(in[0]);
    close(out[1]);
    /* The state: a hook may not read it; a closed pipe is no error. */
    signal(SIGPIPE, SIG_IGN);
    (void)!write(in[1], state, strlen(state));
    close(in[1]);
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    for (;;) {
        struct pollfd p[2] = {{pidfd, POLLIN, 0},
                              {out_open ? out[0] : -1, POLLIN, 0}};
        int64_t left = deadline ? deadline - mc_monotonic_ms() : -1;
        if (deadline && left <= 0) {
            timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        if (poll(p, 2, (int)left) == -1 && errno != EINTR)
            break;
        if (p[1].revents) {
            char buf[512];
            ssize_t n = read(out[0], buf, sizeof(buf));
            if (n <= 0)
                out_open = false;
            for (ssize_t i = 0; i < n && nsaid < sizeof(said) - 1; i++)
                said[nsaid++] = buf[i] == '\n' ? ' ' : buf[i];
        }
        if (p[0].revents || pidfd == -1)
            break;
    }
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    if (pidfd >= 0)
        close(pidfd);
    close(out[0]);
    said[nsaid] = '\0';
    if (timed_out)
        return ct_fail("hook %s '%s' timed out after %d s", what, h->path,
                       h->timeout);
    if (WIFSIGNALED(status))
        return ct_fail("hook %s '%s' was killed by signal %d%s%s", what,
                       h->path, WTERMSIG(status), *said ? ": " : "", said);
    if (WEXITSTATUS(status) != 0)
        return ct_fail("hook %s '%s' failed: exit status %d%s%s", what, h->path,
                       WEXITSTATUS(status), *said ? ": " : "", said);
    return 0;
}

int
hooks_run(const struct container *c, enum hook_kind kind, const char *status)
{
    const struct oci_spec *s = c->spec;
    char *state;
    int rc = 0;

    if (!s || !s->nhooks[kind])
        return 0;
    state = hooks_state_json(c, status);
    /* poststart and poststop: the others run even after one failed. */
    for (int i = 0; i < s->nhooks[kind]; i++) {
        char what[64];
        snprintf(what, sizeof(what), "%s[%d]", kind_names[kind], i);
        if (run_one(&s->hooks[kind][i], what, state) == -1) {
            rc = -1;
            if (kind != HOOK_POSTSTART && kind != HOOK_POSTSTOP)
                break;
        }
    }
    free(state);
    return rc;
}
