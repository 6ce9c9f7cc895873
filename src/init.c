/*
 * init.c: --init, a PID 1 that does the two jobs of an init.
 *
 * PID 1 of a pid namespace is special (pid_namespaces(7)): orphans are
 * re-parented to it, so it must wait() for them or they stay zombies; and
 * the kernel delivers it only the signals it has a handler for, so a shell
 * or a server run as PID 1 may ignore Ctrl-C and `kill`. This init runs the
 * command as its child, forwards every signal it gets to it, reaps every
 * zombie, and exits with the command's status.
 *
 * As tini and catatonit: every signal is blocked *before* the fork (the
 * monitor blocked them before it cloned us, and we keep them so), the
 * child gets the old mask back before exec (exec_command), and we take
 * signals from a signalfd in one loop — so no signal sent between the
 * fork and the loop is lost, and there is no handler to race with.
 *
 * Read: signalfd(2), wait(2), tini's src/tini.c, catatonit.c.
 */
#include "minictr.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

_Noreturn void
init_run(struct container *c)
{
    struct signalfd_siginfo si;
    sigset_t mask;
    pid_t command;
    int sfd;

    /* Blocked already (the monitor did it before clone): make sure, and
     * make them readable from sfd. */
    monitor_block_signals(&mask);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sfd == -1) {
        ct_fail_errno("signalfd in --init");
        child_exit(MC_EXIT_RUNNER);
    }
    ct_trace(NULL, "fork() the command under a minimal init");
    command = fork();
    if (command == -1) {
        ct_fail_errno("fork the command in --init");
        child_exit(MC_EXIT_RUNNER);
    }
    if (command == 0)
        exec_command(c, c->argv); /* restores the old mask first */
    /* The command has the channel to the monitor now: its exec closes
     * it, and that is how the monitor learns it started. */
    spawn_close_channel();
    for (;;) {
        int status;

        if (read(sfd, &si, sizeof(si)) != sizeof(si)) {
            if (errno == EINTR)
                continue;
            _exit(MC_EXIT_RUNNER);
        }
        if (si.ssi_signo != SIGCHLD) {
            kill(command, (int)si.ssi_signo);
            continue;
        }
        /* One SIGCHLD can stand for many exits: reap them all. */
        if (monitor_reap(command, &status))
            _exit(WIFEXITED(status) ? WEXITSTATUS(status)
                                    : 128 + WTERMSIG(status));
    }
}
