/*
 * ct.h: the small helper library every step and the runner share.
 *
 * Only the boring parts live here: reporting errors (with the errno *name*
 * and a hint for the classic traps), reading and writing small files,
 * passing fds over a Unix socket, parsing numbers and sizes, and --trace.
 * Everything a step teaches lives in the step's own file, so a student
 * reads it top to bottom.
 *
 * Exit codes, the same for every tool:
 *   0  success (or the command's own status, passed on)
 *   1  a kernel call failed at run time        (die, die_errno)
 *   2  usage error: a bad flag or flag value   (die_usage)
 *   3  bad input: a file or directory the user
 *      named is missing, of the wrong kind or
 *      malformed                               (die_input)
 */
#ifndef CT_H
#define CT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np, clone, pivot_root... */
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

enum {
    CT_EXIT_FAILURE = 1,
    CT_EXIT_USAGE = 2,
    CT_EXIT_INPUT = 3,
    CT_EXIT_LAB_TODO = 99, /* a student copy reached an unfinished LAB */
};

/* The tool's name, printed in front of every message ("jail: ..."). Set it
 * first thing in main: ct_prog = "jail"; */
extern const char *ct_prog;

/* ---- errors ------------------------------------------------------------ */

/* Print "prog: MESSAGE" to stderr and exit 1. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "prog: MESSAGE failed: ENAME (description)" and, when the hint
 * table knows this trap, a second line "hint: ...". errno is saved first,
 * so the call may be made straight after the failing syscall. Exits 1. */
noreturn void die_errno(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* As die, but exit 2 and point at --help: a bad flag or flag value. */
noreturn void die_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* As die, but exit 3: a file or directory the user named is missing, of
 * the wrong kind, or malformed. */
noreturn void die_input(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* As die_input, but with errno's name appended, like die_errno. */
noreturn void die_input_errno(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Print a warning "prog: warning: MESSAGE" and carry on. */
void warnx_ct(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The symbolic name of an errno value: "ENOENT". Never NULL. */
const char *ct_errno_name(int err);

/* A hint for a failure of the action described by `what` with errno `err`,
 * from the table of classic traps in hints.c, or NULL. */
const char *ct_errno_hint(int err, const char *what);

/* Replace the table's hint for the next die_errno/ct_fail_errno. A tool
 * that knows better (doctor, cgbox) uses this just before it dies. */
void ct_set_hint(const char *hint);

/*
 * Errors returned up to main instead of dying on the spot (the runner's
 * way, and any code that must clean up before it exits): ct_fail and
 * ct_fail_errno record one message and return -1; main prints it once with
 * ct_report(). A later ct_fail does not overwrite the first (the root
 * cause), until ct_clear_error().
 */
int ct_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ct_fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ct_report(void);
/* Record an error that was reported elsewhere (e.g. by a child process,
 * through a pipe) as if ct_fail had recorded it here. */
void ct_restore_error(const char *msg, int err, const char *hint);
void ct_clear_error(void);
const char *ct_error_message(void); /* "" when none */
int ct_error_errno(void); /* 0 when none or not from errno */
const char *ct_error_hint(void); /* "" when none */

/* ---- --trace ----------------------------------------------------------- */

/* Set by --trace. When true, ct_trace prints each kernel call beside the
 * shell command that would do the same, so the syscall path and the
 * command-line path of a course line up. */
extern bool ct_tracing;

/* ct_trace("mount -t proc proc /proc", "mount(\"proc\", \"/proc\", ...)")
 * prints, to stderr:
 *   trace: mount("proc", "/proc", "proc", 0, NULL)
 *          $ mount -t proc proc /proc
 * `shell` may be NULL when no command does the same. */
void ct_trace(const char *shell, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- files ------------------------------------------------------------- */

/* Write the formatted text to an existing file (open O_WRONLY|O_CLOEXEC,
 * one write(2), close). Made for /proc and /sys files, where one write is
 * one command. Returns 0, or -1 with errno set. Traced as "echo ... > path". */
int ct_write_file(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read up to size-1 bytes of a small file into buf, NUL-terminate it and
 * strip one trailing newline. Returns the length, or -1 with errno set. */
ssize_t ct_read_file(const char *path, char *buf, size_t size);

/* mkdir -p: create path and its missing parents with mode. Existing
 * directories are fine. Returns 0, or -1 with errno set. */
int ct_mkdir_p(const char *path, mode_t mode);

/* rm -rf for a directory tree we made ourselves. Does not follow symlinks
 * and does not cross into other mounts; what vanishes meanwhile (another
 * process removing the same tree) is fine. Returns 0, or -1 with errno. */
int ct_rm_rf(const char *path);

/* Where the tools keep what lives while they run (unpacked roots,
 * containers' upper directories, state records): $MINICTR_STATE, or
 * /run/minictr when it is unset or empty. Two runs with different
 * MINICTR_STATE never see each other's files (the tests rely on it). */
const char *ct_state_dir(void);

/* Close every fd from 3 up but the (at most 16) in keep: a forked child
 * that does not exec keeps nothing of its parent's by accident. */
void ct_close_fds_except(const int *keep, int nkeep);

/* Where execvp(3) would find the program `name`: the first executable
 * DIR/name for DIR in $PATH (/usr/bin:/bin when unset) into out. Returns
 * false when there is none. */
bool ct_find_in_path(const char *name, char *out, size_t size);

/* ---- fds over a Unix socket -------------------------------------------- */

/* The most fds one SCM_RIGHTS message carries (the kernel's SCM_MAX_FD). */
#define CT_MAX_FDS 253

/* Send one message on the Unix socket sock: len bytes of data (at least
 * one) and, as SCM_RIGHTS, the n fds in fds (none when n is 0; at most
 * CT_MAX_FDS). MSG_NOSIGNAL: a peer gone is EPIPE, not a SIGPIPE. Returns
 * 0 when all of it went, or -1 with errno set. */
int ct_send_fds(int sock, const void *data, size_t len, const int *fds, int n);

/* Receive one message on the Unix socket sock: up to len bytes of data
 * into buf, and the fds that came with it (SCM_RIGHTS, close-on-exec)
 * into fds, at most max of them (fds may be NULL when max is 0); fds past
 * max are closed. *nfds is how many it kept. Retries on EINTR. Returns the
 * data's length (0: EOF), or -1 with errno set, and no fds kept: EMSGSIZE
 * when the kernel could not hand us every fd the peer sent. */
ssize_t ct_recv_fds(int sock, void *buf, size_t len, int *fds, int max,
                    int *nfds);

/* ---- numbers ----------------------------------------------------------- */

/* Parse a decimal unsigned number that must fill the whole string.
 * Returns 0, or -1 (errno EINVAL or ERANGE). */
int ct_parse_u64(const char *s, uint64_t *out);

/* Parse a size: a number with an optional suffix k, m, g, t (or K, M, G,
 * T; powers of 1024), optionally followed by b/B: "64m", "1G", "512kb",
 * "4096". "12QB", "", "-1", "1.5g" are refused. Returns 0, or -1. */
int ct_parse_size(const char *s, uint64_t *out);

/* Parse a decimal fraction such as "0.5" or "2" into millionths
 * (0.5 -> 500000), the unit cpu quotas are set in. Up to 6 decimals.
 * Refuses negatives, empty strings and trailing junk. Returns 0, or -1. */
int ct_parse_millionths(const char *s, uint64_t *out);

/* ---- exercise mode ----------------------------------------------------- */

/* What a LAB region turns into in a student copy: says which worksheet
 * section to do and exits CT_EXIT_LAB_TODO. */
noreturn void ct_lab_todo(const char *section, const char *worksheet);

#endif
