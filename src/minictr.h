/*
 * minictr.h: what the runner's modules share.
 *
 * The runner is the steps put together. Each module carries the name of the
 * step that teaches its idea:
 *
 *   main.c         the command table; errors are printed once, here
 *   run.c          `minictr run`: parse Docker's flags, then set up in order
 *   images.c       04-tar-runner: import a tarball safely; images, rmi
 *   namespaces.c   02-namespaces: clone into new namespaces
 *   cgroups.c      03-cgroups:    limits on cgroup v2, v1 and hybrid hosts
 *   overlay.c      07-overlay:    the container's copy-on-write root
 *   pivot_root.c   05-pivot-root: pivot_root, /dev, masked /proc, volumes
 *   privileges.c   06-privileges: capabilities, no_new_privs, seccomp, fds
 *   init.c         a tiny PID 1 that reaps zombies and forwards signals
 *   tty.c          -t: a pseudo-terminal between you and the container
 *   state.c        one JSON record per container under /run/minictr
 *   containers.c   ps, inspect, rm: built on the state records
 *
 * Errors: a module function returns -1 after recording what failed with
 * ct_fail/ct_fail_errno (src/lib/ct.h) and, where a program driving minictr
 * could act on it, mc_error_code("no_such_image"). main prints the first
 * error once, as text or (--json) as {"error": {"code", "message", "hint"}}.
 */
#ifndef MINICTR_H
#define MINICTR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ct.h"

/* Exit codes of the runner itself, as Docker's: any other status is the
 * container command's own (128+N when signal N killed it). */
enum {
    MC_EXIT_RUNNER = 125, /* minictr failed: bad flag, no image, a call */
    MC_EXIT_CANNOT_EXEC = 126, /* the command exists but cannot be run */
    MC_EXIT_NOT_FOUND = 127, /* the command is not in the container */
};

/* Where everything lives; MINICTR_ROOT moves images and containers
 * (default /var/lib/minictr) and MINICTR_STATE the state records
 * (default /run/minictr), e.g. for tests. */
const char *mc_lib_dir(void); /* images/, containers/ */
const char *mc_state_dir(void); /* one NAME.json per container */

/* The stable code of the first error (for --json), "" when none. */
void mc_error_code(const char *code);
const char *mc_get_error_code(void);
extern bool mc_json; /* --json: errors and listings as JSON */

/* ---- images.c ---------------------------------------------------------- */
/* A name for an image or a container: 1 to 63 letters, digits, '_', '.',
 * '-', not starting with '.'. */
bool mc_valid_name(const char *name);
int cmd_import(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
/* The rootfs directory of image NAME into buf; -1 (no_such_image). */
int image_rootfs(const char *name, char *buf, size_t size);

/* ---- the container's configuration, filled by run.c -------------------- */
#define MC_MAX_VOLUMES 32
#define MC_MAX_CAPS 64
#define MC_MAX_ENV 256

struct volume {
    const char *host;
    const char *ctr;
    bool ro;
};

struct limits {
    uint64_t memory; /* bytes; 0 = none */
    uint64_t cpus_millionths; /* 500000 = half a cpu; 0 = none */
    uint64_t pids; /* 0 = none */
};

struct container {
    char id[17]; /* 16 hex digits */
    char name[64]; /* --name, or the id */
    const char *image;
    char rootfs[4096]; /* the image's rootfs, or --rootfs DIR */
    char dir[4096]; /* containers/ID: upper, work, merged */
    char **argv; /* the command */
    const char *hostname; /* --hostname, or the first 12 of the id */
    const char *workdir;
    uid_t uid;
    gid_t gid;
    bool user_set;
    const char *env[MC_MAX_ENV];
    int nenv;
    struct volume volumes[MC_MAX_VOLUMES];
    int nvolumes;
    struct limits limits;
    bool read_only, remove, init, interactive, tty;
    bool no_new_privs, seccomp;
    uint64_t caps; /* the capabilities kept: Docker's default set +/- */
    /* run time */
    pid_t pid; /* the container's PID 1, as the host sees it */
    pid_t runner_pid; /* the minictr process waiting for it */
    int64_t created; /* time(2) when made */
    char cgroups[8][512]; /* cgroup directories made for it */
    int ncgroups;
    bool device_cgroup; /* devices are limited: MKNOD may stay */
    int keep_fd; /* close-on-exec pipe for errors, kept open */
    bool in_cgroup; /* born in its cgroup (clone3): no need to join */
};

/* ---- namespaces.c ------------------------------------------------------ */
int namespaces_clone_flags(void); /* for clone(2) in run.c */
/* cgroup v2: clone3 into new namespaces and straight into the container's
 * cgroup. Returns as fork does (0 in the child), or -1 when that is not
 * possible here (v1, old kernel): then clone and join. */
pid_t namespaces_clone_into_cgroup(struct container *c);
/* In the child, after joining its cgroups: a cgroup namespace, / private,
 * the hostname, the loopback device up. */
int namespaces_enter(struct container *c);

/* ---- cgroups.c --------------------------------------------------------- */
/* Create the container's cgroup(s) and write the limits. Records in c the
 * directories to join. -1 on failure, with nothing left behind. */
int cgroups_create(struct container *c);
/* In the child: move ourselves into every cgroup made for us. */
int cgroups_join(struct container *c);
/* Kill what is left in the cgroups and remove them; safe to call twice. */
void cgroups_destroy(struct container *c);
/* Remove cgroup directories left by a dead container (minictr rm). */
void cgroups_remove_dirs(char (*dirs)[512], int n);
/* How the host mounts cgroups: "v2", "v1" or "hybrid". */
const char *cgroups_mode(void);
/* oom kills seen in the container's memory cgroup (for exit 137). */
uint64_t cgroups_oom_kills(struct container *c);

/* ---- overlay.c --------------------------------------------------------- */
int overlay_prepare(struct container *c); /* mkdir upper, work, merged */
int overlay_mount(struct container *c); /* in the child's mount ns */
int overlay_remove(const char *dir); /* rm -rf the container dir */

/* ---- pivot_root.c ------------------------------------------------------ */
/* In the child: volumes, pivot_root, /proc (masked), /dev, /sys, --read-only. */
int rootfs_setup(struct container *c);

/* ---- privileges.c ------------------------------------------------------ */
uint64_t caps_default(void);
uint64_t caps_all(void);
int caps_parse(const char *name); /* "NET_ADMIN" or "CAP_NET_ADMIN"; -1 */
/* In the child, last before exec: user, capabilities, no_new_privs,
 * seccomp, inherited fds closed. */
int privileges_apply(struct container *c);
/* cgroup v2: attach a BPF program that allows only the harmless devices.
 * 0, or -1 with errno set (then MKNOD is dropped). */
int privileges_device_filter(const char *cgroup_dir);

/* ---- init.c ------------------------------------------------------------ */
/* PID 1 for --init: run argv as a child, reap every zombie, forward signals,
 * exit with the command's status. Never returns. */
_Noreturn void init_run(struct container *c);

/* ---- tty.c ------------------------------------------------------------- */
int tty_setup_in_container(int sock); /* in the child */
int tty_receive_master(int sock); /* in minictr */
int tty_relay(int master, pid_t child); /* in the parent */

/* ---- state.c ----------------------------------------------------------- */
int state_write(const struct container *c, const char *status, int exit_code);
int state_remove(const char *id);
/* Load the record of a container by name or id into c (paths, pid, cgroups,
 * status). -1 (no_such_container) when there is none. */
int state_load(const char *name_or_id, struct container *c, char *status,
               size_t size);
/* Call fn for each record (a json_object *) until it returns non-zero. */
struct json_object;
int state_each(int (*fn)(struct json_object *o, void *arg), void *arg);
/* Fill c and status from a record. */
void state_from_json(struct json_object *o, struct container *c, char *status,
                     size_t size);
/* Is NAME taken by another container? */
bool state_name_taken(const char *name);

/* ---- containers.c ------------------------------------------------------ */
int cmd_ps(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_rm(int argc, char **argv);

/* ---- run.c ------------------------------------------------------------- */
int cmd_run(int argc, char **argv);
/* The child's exec step, shared with init.c: exec argv with c's env and
 * workdir; on failure print why and _exit(126 or 127). */
_Noreturn void exec_command(struct container *c, char **argv);
/* In the child: send the recorded error to minictr, then _exit(code). */
_Noreturn void child_exit(int code);

#endif
