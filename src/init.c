/*
 * init.c: --init, a PID 1 that does the two jobs of an init.
 *
 * PID 1 of a pid namespace is special (pid_namespaces(7)): orphans are
 * re-parented to it, so it must wait() for them or they stay zombies; and
 * the kernel delivers it only the signals it has a handler for, so a shell
 * or a server run as PID 1 may ignore Ctrl-C and `kill`. This init runs the
 * command as its child, forwards every signal it gets to it, reaps every
 * zombie, and exits with the command's status.
 */
#include "minictr.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t command_pid;

static void
forward(int sig)
{
    if (command_pid > 0)
        kill(command_pid, sig);
}

_Noreturn void
init_run(struct container *c)
{
    static const int signals[] = {SIGHUP,  SIGINT,  SIGQUIT,  SIGTERM,
                                  SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
    struct sigaction sa = {.sa_handler = forward};
    int status;

    ct_trace(NULL, "fork() the command under a minimal init");
    command_pid = fork();
    if (command_pid == -1) {
        perror("minictr: init: fork");
        _exit(MC_EXIT_RUNNER);
    }
    if (command_pid == 0)
        exec_command(c, c->argv);
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        sigaction(signals[i], &sa, NULL);
    for (;;) {
        pid_t pid = wait(&status);
        if (pid == -1 && errno == EINTR)
            continue;
        if (pid == -1)
            _exit(MC_EXIT_RUNNER); /* no children left: cannot happen */
        if (pid != command_pid)
            continue; /* a reaped orphan */
        if (WIFEXITED(status))
            _exit(WEXITSTATUS(status));
        _exit(128 + WTERMSIG(status));
    }
}
