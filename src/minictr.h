/*
 * minictr.h: what the runner's modules share.
 *
 * The runner is the steps put together, behind Docker's command line. One
 * container core, many front doors (../shared/ROADMAP.md, "One core, many
 * doors"):
 *
 *   front doors (parse their own input into a struct container)
 *     run.c          `run`, `create`: Docker's flags
 *     lifecycle.c    start, stop, kill, wait, restart, pause, unpause,
 *                    rename, attach
 *     exec.c         `exec`: join a running container with setns(2)
 *     containers.c   ps, inspect, rm, system prune
 *     logs.c         `logs`, and the json-file log the monitor writes
 *     top.c          top, stats: what the container's cgroup says
 *     cp.c           `cp` in and out, resolved inside the container's root
 *     volumes.c      `volume create/ls/inspect/rm`
 *     networks.c     `network create/ls/inspect/rm`; the network records,
 *                    their subnets; --network and its friends checked
 *     images.c       import (with --change), images, rmi, tag, history,
 *                    image prune
 *     load.c         load: an OCI image layout or a docker-save archive
 *     save.c         save: the same formats out
 *     build.c        build: a Dockerfile, step by step through a cache
 *                    (dockerfile.c parses it, buildstep.c does each
 *                    instruction, RUN as a container of the core;
 *                    buildcopy.c and layerview.c do COPY and ADD)
 *     compose.c      `compose`: a Compose file (compose_yaml.c reads it
 *                    with libyaml), a container per service, started in
 *                    dependency order
 *     events.c       `events`: one JSON line per event, from the core
 *     serve.c        `serve`: the Docker Engine API on a Unix socket
 *                    (HTTP/1.1, a thread per connection); its handlers
 *                    in api.c (containers), api_exec.c, api_system.c
 *                    (ping, version, info, events, images, volumes)
 *
 *   the core
 *     container.c    create, start, delete: what a container is made of,
 *                    each piece named in its record before it is made
 *     monitor.c      the process that holds a running container (as
 *                    conmon and containerd-shim): one poll loop
 *     spawn.c        the container's first process, inside the new
 *                    namespaces, up to exec
 *     ctl.c          the monitor's control socket: one request line, one
 *                    reply line
 *     state.c        one JSON record per container under /run/minictr
 *
 *   the steps, one module each
 *     namespaces.c   02-namespaces: clone into new namespaces
 *     cgroups.c      03-cgroups:    limits, freezer, on v2, v1 and hybrid
 *     overlay.c      07-overlay:    the container's copy-on-write root
 *     store.c        10-images:     layers by digest, configs, names
 *     pivot_root.c   05-pivot-root: pivot_root, /dev, masked /proc, mounts
 *     privileges.c   06-privileges: capabilities, no_new_privs, seccomp
 *     userns.c       08-user-namespaces: rootless containers, --userns
 *                    auto, the maps, idmapped layers and volumes
 *     init.c         --init: a tiny PID 1
 *     tty.c          -t: a pseudo-terminal
 *     network.c      09-network:    bridges, veth pairs, addresses, routes
 *     leases.c       09-network:    address leases, /etc/hosts kept current,
 *                                   every container's /etc files
 *     nat.c          09-network:    published ports as nftables DNAT
 *     ports.c        -p: parsed, reserved, or proxied by the monitor
 *     health.c       --health-cmd: the probes, in the monitor's poll loop
 *
 * Errors: a module function returns -1 after recording what failed with
 * ct_fail/ct_fail_errno (src/lib/ct.h) and, where a program driving minictr
 * could act on it, mc_error_code("no_such_image"). main prints the first
 * error once, as text or (--json) as {"error": {"code", "message", "hint"}}.
 */
#ifndef MINICTR_H
#define MINICTR_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mount.h>
#include <stdio.h>
#include <sys/types.h>

#include "ct.h"

/* The new mount API (Linux 5.12+), called by number: glibc 2.35 (Ubuntu
 * 22.04) has no wrappers yet, nor these names. */
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
struct mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x4
#define MOVE_MOUNT_T_EMPTY_PATH 0x40
#endif
#ifndef FSCONFIG_SET_STRING
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif

#define MC_VERSION "0.9"

/* Exit codes of the runner itself, as Docker's: any other status is the
 * container command's own (128+N when signal N killed it). */
enum {
    MC_EXIT_RUNNER = 125, /* minictr failed: bad flag, no image, a call */
    MC_EXIT_CANNOT_EXEC = 126, /* the command exists but cannot be run */
    MC_EXIT_NOT_FOUND = 127, /* the command is not in the container */
};

/* Where everything lives; MINICTR_ROOT moves images, containers and
 * volumes (default /var/lib/minictr) and MINICTR_STATE the state records
 * and sockets (default /run/minictr), e.g. for tests. A user without root
 * gets $XDG_DATA_HOME/minictr (~/.local/share/minictr) and
 * $XDG_RUNTIME_DIR/minictr (or ${TMPDIR:-/tmp}/minictr-run-UID). */
const char *mc_lib_dir(void); /* images/, containers/, volumes/ */
const char *mc_state_dir(void); /* ID.json, ID.sock, ID.lock */

/* The stable code of the first error (for --json), "" when none;
 * mc_error_code(NULL) clears it. */
void mc_error_code(const char *code);
const char *mc_get_error_code(void);
extern bool mc_json; /* --json: errors and listings as JSON */
/* A bad flag or value: record it with the code "usage"; returns -1. */
int mc_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Nanoseconds since the epoch (CLOCK_REALTIME), and since boot
 * (CLOCK_MONOTONIC) for deadlines. */
int64_t mc_now_ns(void);
int64_t mc_monotonic_ms(void);
/* Times as Docker writes them: RFC 3339 in UTC with nanoseconds,
 * "2026-12-01T07:18:33.123456789Z"; 0 is "0001-01-01T00:00:00Z". */
void mc_format_time(int64_t ns, char *buf, size_t size);
int64_t mc_parse_time(const char *s); /* -1 if not such a time */

/* ---- images.c, load.c, save.c: the image commands -------------------- */
/* A name for a container or a volume (and the NAME of an old-layout
 * image): 1 to 63 letters, digits, '_', '.', '-', not starting with '.' or
 * '-'. Image names are NAME[:TAG] (store_parse_ref). */
bool mc_valid_name(const char *name);
int cmd_import(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_image(int argc, char **argv); /* image ls|rm|prune|history|tag */
int cmd_load(int argc, char **argv);
int cmd_save(int argc, char **argv);
/* The lower directories of image NAME[:TAG] for overlay (top first,
 * ':'-separated, escaped) into buf; -1 (no_such_image). */
int image_rootfs(const char *name, char *buf, size_t size);

/* An image's defaults (the OCI image config's "config" object): what
 * `run IMAGE` uses when its flags do not say. */
struct image_config {
    char **entrypoint; /* NULL-terminated, or NULL */
    char **cmd;
    char **env;
    char *workdir;
    char *user;
    char **exposed; /* EXPOSE: "80/tcp", ..., for run -P */
};
/* Read the config of image NAME; an image without one has all NULL. */
int image_config_load(const char *name, struct image_config *ic);
struct json_object;
/* import: unpack source (a tarball or a directory) as image NAME[:TAG],
 * with the config object cfg (NULL: none) as its defaults; id gets the
 * image ID. */
int image_import(const char *source, const char *name, struct json_object *cfg,
                 char id[72]);
/* One --change instruction (CMD, ENTRYPOINT, ENV, WORKDIR, USER) into
 * the config object cfg. */
int image_apply_change(struct json_object *cfg, const char *change);
/* rmi of one NAME[:TAG] or ID, quietly: refused while a container uses
 * it. */
int image_remove(const char *name);
/* tag: dst (NAME[:TAG]) names the image src names too. */
int image_tag(const char *src, const char *dst);

/* ---- store.c: the image store ------------------------------------------
 * Layers unpacked once in layers/HEX (HEX: the diff_id, the sha256 of the
 * layer's plain tar), content in blobs/sha256/HEX, names in images.json;
 * store.c's opening comment draws the whole map. What `minictr build`
 * calls, in order:
 *
 *   int hold = store_hold(false);           keep rmi and prune out
 *   store_image_load("busybox", &base);     FROM: config and layers
 *   store_image_lowerdir(&base, c.rootfs, sizeof(c.rootfs));
 *                                           a RUN container's root
 *   ... container_create/start/delete, keeping c.dir/upper ...
 *   store_put_layer_from_dir(upper, diff);  its changes become a layer
 *   store_commit_image("app:1", config, layers, n, "build", id);
 *   store_image_free(&base); store_release(hold);
 *
 * Every function returns 0 or -1 with the error recorded (ct_fail). */
#define MC_MAX_LAYERS 125 /* as Docker's overlay2; overlayfs takes 500 */
struct json_object;
struct store_layer {
    char diff_id[72]; /* "sha256:HEX" of the plain tar: the layer's name */
    char blob[72]; /* the blob it was loaded from; "" if made here */
    char media_type[96]; /* of that blob (gzip, zstd or plain tar) */
    uint64_t blob_size;
};
struct store_image {
    char id[72]; /* "sha256:HEX" of the config: the image ID */
    struct json_object *config; /* the OCI image config (owned) */
    int nlayers;
    struct store_layer layers[MC_MAX_LAYERS]; /* bottom first */
};
/* gc.lock: shared while making or using images (load, import, build,
 * run up to container_create), exclusive to remove (rmi, prune). Returns
 * the fd to give to store_release. */
int store_hold(bool exclusive);
void store_release(int fd);
/* NAME[:TAG] -> "NAME:TAG" (tag "latest" by default); -1 (usage). */
int store_parse_ref(const char *s, char *buf, size_t size);
/* An image by NAME[:TAG], "sha256:ID" or a unique ID prefix; -1
 * (no_such_image). Free with store_image_free. */
int store_image_load(const char *ref, struct store_image *img);
void store_image_free(struct store_image *img);
/* overlay's lowerdir for the image: its layers' directories, top first,
 * ':'-separated, each escaped by overlay_escape. */
int store_image_lowerdir(const struct store_image *img, char *buf, size_t size);
/* layers/HEX of a diff_id. */
void store_layer_path(const char *diff_id, char *buf, size_t size);
/* A directory in overlay's form (a container's upper dir: whiteouts are
 * 0/0 character devices, opaque dirs marked) becomes a layer: copied into
 * the store (overlay's own bookkeeping xattrs left out), named by the
 * sha256 of the tar `save` will write of it. dir is not changed; a layer
 * already there is kept. diff_id gets "sha256:HEX". */
int store_put_layer_from_dir(const char *dir, char diff_id[72]);
/* Set config's rootfs (type "layers", diff_ids from layers, bottom
 * first), write it as a blob (id gets its digest: the image ID) and
 * record the image; ref (NAME[:TAG], or NULL) then names it, and the
 * image it named before keeps its other names or becomes <none>. config
 * is an OCI image config: {"architecture", "os", "created", "config":
 * {"Cmd", "Entrypoint", "Env", "WorkingDir", "User", "ExposedPorts",
 * "Labels"}, "history": [{"created", "created_by", "empty_layer"}]}. */
int store_commit_image(const char *ref, struct json_object *config,
                       const struct store_layer *layers, int n,
                       const char *source, char id[72]);

/* For load.c and save.c: the rest of the store. */
void store_path(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool store_valid_digest(const char *d); /* "sha256:" + 64 lowercase hex */
struct sha256_ctx; /* nettle's */
void store_digest(struct sha256_ctx *ctx, char out[72]); /* "sha256:HEX" */
void store_digest_bytes(const void *data, size_t len, char out[72]);
int store_resolve(struct json_object *idx, const char *s, char id[72]);
struct json_object *store_image_config(const char *id); /* NULL: error */
struct json_object *store_index_read(void);
int store_index_update(int (*fn)(struct json_object *idx, void *arg),
                       void *arg);
/* "WHAT: " in front of the error recorded; returns -1. */
int store_fail_context(const char *what);
/* A fresh directory tmp/WHAT-PID-N of ours. */
int store_tmpdir(const char *what, char *buf, size_t size);
/* minictr-unpack with args (NULL-terminated); its stdout line -> result. */
int store_unpack(const char *const *args, char *result, size_t size);
/* Move an unpacked layer (a tmp/ directory) into place as its diff_id. */
int store_adopt_layer(const char *tmpdir, const char *diff_id, uint64_t size);
int store_put_blob_bytes(const void *data, size_t len, char digest[72]);
/* Record an image whose config is already in blobs/ (load). */
int store_record_image(const char *ref, const char *id,
                       const struct store_layer *layers, int n,
                       const char *source);
/* overlay's escaping of ':', ',' and '\' in one path; -1 if too long. */
int overlay_escape(const char *path, char *buf, size_t size);

/* ---- the container: filled by a front door, kept in its record -------- */
#define MC_MAX_MOUNTS 32
#define MC_MAX_ENV 256
#define MC_MAX_CGROUPS 16 /* every v1 hierarchy and cgroup2 */
#define MC_ID_LEN 64
/* 125 layers of /var/lib/minictr/layers/HEX and some room */
#define MC_ROOTFS_MAX 16384

/* -v, --mount, --tmpfs: what to mount where inside. */
enum mount_type { MOUNT_BIND, MOUNT_VOLUME, MOUNT_TMPFS };
struct mount_spec {
    enum mount_type type;
    char *source; /* a host path (bind), a volume name (volume) */
    char *target; /* an absolute path inside */
    bool ro;
    bool anonymous; /* -v /path: a volume of its own, removed with it */
    uint64_t size; /* tmpfs: bytes; 0 = the kernel's default */
    unsigned mode; /* tmpfs: 0 = 01777 */
};

struct limits {
    uint64_t memory; /* bytes; 0 = none */
    uint64_t cpus_millionths; /* 500000 = half a cpu; 0 = none */
    uint64_t pids; /* 0 = none */
};

/* --restart, as Docker's restart policies. */
enum restart_policy {
    RESTART_NO,
    RESTART_ON_FAILURE,
    RESTART_ALWAYS,
    RESTART_UNLESS_STOPPED,
};

/* The json-file log: --log-driver json-file|none, --log-opt max-size=,
 * max-file=. */
struct log_config {
    bool none;
    uint64_t max_size; /* bytes before the file is rotated */
    int max_files; /* the current file and max_files-1 rotated ones */
};

/* ---- what an OCI config.json says beyond Docker's flags ---------------
 * oci_config.c fills a struct oci_spec from a bundle's config.json and
 * points c->spec at it. `run` leaves c->spec NULL, and every core module
 * then does exactly what it did before; with a spec, each module reads the
 * part named after its step: namespaces.c the namespaces (new, or joined
 * by path) and the id maps, pivot_root.c the root, mounts, devices,
 * masked and read-only paths, sysctl, privileges.c the process (user,
 * the five capability sets, rlimits, umask, oomScoreAdj, personality)
 * and seccomp_profile.c the seccomp profile, cgroups.c cgroupsPath and
 * the resources, hooks.c the hooks. */
struct spec_ns {
    int type; /* CLONE_NEWPID, ... */
    char *path; /* join this one (/proc/PID/ns/net); NULL: a new one */
};
struct spec_id_map {
    uint32_t inside, outside, count; /* containerID, hostID, size */
};
struct spec_mount {
    char *destination, *type, *source;
    unsigned long flags; /* MS_RDONLY, MS_NOSUID, ... (MS_BIND with bind) */
    unsigned long propagation; /* MS_SHARED, MS_SLAVE, ... | MS_REC */
    bool bind, recursive; /* "bind" or "rbind" */
    char *data; /* the options mount(2) passes on: "mode=755,size=65536k" */
};
struct spec_device {
    char *path;
    char type; /* 'c', 'b', 'u' (c), 'p' */
    int64_t major, minor;
    uint32_t mode; /* 0: 0666 */
    uint32_t uid, gid;
};
/* linux.resources.devices: allow or deny, in order; major and minor -1
 * mean any ('*'), type 'a' every device. */
struct device_rule {
    bool allow;
    char type; /* 'a', 'b', 'c' */
    int64_t major, minor;
    char access[4]; /* "rwm" */
};
struct spec_rlimit {
    int resource; /* RLIMIT_NOFILE, ... */
    uint64_t soft, hard;
};
enum hook_kind {
    HOOK_PRESTART, /* runtime namespace, after create made the namespaces */
    HOOK_CREATE_RUNTIME, /* the same moment, the newer name */
    HOOK_CREATE_CONTAINER, /* container namespaces, before pivot_root */
    HOOK_START_CONTAINER, /* in the container, right before exec */
    HOOK_POSTSTART, /* runtime namespace, after start */
    HOOK_POSTSTOP, /* runtime namespace, after delete */
    HOOK_KINDS,
};
struct spec_hook {
    char *path;
    char **args; /* NULL-terminated, or NULL: just the path */
    char **env; /* NULL-terminated, or NULL: empty */
    int timeout; /* seconds; 0: none */
};
/* One seccomp rule: these calls, this action, when the args compare. */
struct seccomp_arg {
    unsigned index;
    uint64_t value, value_two;
    int op; /* enum scmp_compare */
};
struct seccomp_rule {
    char **names; /* NULL-terminated */
    uint32_t action; /* SCMP_ACT_... (with the errno for ERRNO) */
    struct seccomp_arg args[6];
    int nargs;
};
struct seccomp_profile {
    uint32_t default_action;
    uint32_t arches[16]; /* SCMP_ARCH_... */
    int narches;
    struct seccomp_rule *rules;
    int nrules;
    unsigned flags; /* SECCOMP_FILTER_FLAG_LOG, _SPEC_ALLOW */
};
/* A value config.json may set or leave out. */
struct opt_i64 {
    bool set;
    int64_t v;
};
struct throttle {
    int64_t major, minor;
    uint64_t rate; /* bytes or operations a second; weight for weightDevice */
};
struct spec_resources {
    struct opt_i64 mem_limit, mem_reservation, mem_swap, mem_kernel,
        mem_kernel_tcp, mem_swappiness;
    bool mem_disable_oom;
    struct opt_i64 cpu_shares, cpu_quota, cpu_period, cpu_rt_runtime,
        cpu_rt_period;
    char *cpus, *mems; /* cpuset: "0-1", "0" */
    struct opt_i64 pids_limit;
    struct opt_i64 blkio_weight, blkio_leaf_weight;
    struct throttle *blkio[5]; /* weightDevice, throttle read/write bps,
                                  read/write iops */
    int nblkio[5];
    struct {
        char *page_size; /* "2MB" */
        uint64_t limit;
    } * hugepages;
    int nhugepages;
    struct opt_i64 net_class_id;
    struct {
        char *name;
        uint32_t priority;
    } * net_priorities;
    int nnet_priorities;
    struct device_rule *devices;
    int ndevices;
};
struct oci_spec {
    char *id; /* the OCI container id (up to 128 characters) */
    char *bundle; /* absolute */
    char *root; /* root.path, absolute */
    bool root_readonly;
    struct spec_ns ns[8];
    int nns;
    struct spec_id_map uid_map[5], gid_map[5];
    int nuid_map, ngid_map;
    struct spec_mount *mounts;
    int nmounts;
    /* process */
    bool terminal;
    unsigned console_rows, console_cols;
    gid_t additional_gids[64];
    int nadditional_gids;
    int umask; /* -1: unchanged */
    uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted,
        cap_ambient;
    struct spec_rlimit rlimits[16];
    int nrlimits;
    struct opt_i64 oom_score_adj;
    char *apparmor, *selinux_label;
    /* linux */
    struct spec_device *devices;
    int ndevices;
    char *cgroups_path; /* as given; NULL: minictr-ID below our own */
    struct spec_resources res;
    char **sysctl; /* "net.ipv4.ip_forward=1", NULL-terminated */
    struct seccomp_profile *seccomp; /* NULL: no filter */
    unsigned long rootfs_propagation; /* 0: MS_SLAVE|MS_REC, as runc */
    char **masked_paths, **readonly_paths; /* NULL-terminated */
    long personality; /* -1: unchanged */
    struct spec_hook *hooks[HOOK_KINDS];
    int nhooks[HOOK_KINDS];
    bool prestart_at_start; /* ociVersion 1.0: prestart runs in start */
    char *annotations_json; /* {"key":"value"} for the state hooks read */
    char *state_dir; /* the runtime's ROOT/ID: where the state lives */
    uint64_t pid_start; /* its first process's start time (exec checks) */
    uint64_t creator_start; /* and create's, while it is "creating" */
    /* cgroupsPath's parents that were not there: made, removed with it */
    char cgroup_parents[64][512];
    int ncgroup_parents;
    int preserve_fds; /* --preserve-fds N: fds 3..3+N-1 go in too */
    bool no_pivot; /* --no-pivot: chroot-like move, as runc's */
    /* create: the first process waits on this FIFO (an O_PATH fd of
     * STATE/exec.fifo) instead of a monitor's "go"; `start` opens it. */
    int exec_fifo;
};

/* The user namespace (08-user-namespaces), --userns. */
enum userns_mode {
    USERNS_HOST, /* none: root inside is the host's root (root's default) */
    USERNS_AUTO, /* root, --userns auto: 65536 ids of root's /etc/subuid */
    USERNS_ROOTLESS, /* a user: you are root inside, and your range */
    USERNS_SPEC, /* root, OCI: config.json's uidMappings and gidMappings */
};
/* A map as /proc/PID/uid_map reads: lines "INSIDE OUTSIDE COUNT". */
struct id_map {
    uint32_t inside[5], outside[5], count[5]; /* the kernel takes 5 */
    int n; /* 0: not set (auto: no range held) */
};
struct userns {
    enum userns_mode mode;
    struct id_map uid, gid;
    bool helpers; /* a range: written by newuidmap and newgidmap */
};

/* ---- networks (09-network) ------------------------------------------- */
#define MC_MAX_PORTS 16
#define MC_MAX_ALIASES 8
#define MC_MAX_ADD_HOSTS 16

/* --network: a bridge network ("bridge", the default one, or one made with
 * `network create`), none (only lo), or host (the host's own namespace). */
enum net_mode { NET_BRIDGE, NET_NONE, NET_HOST };

/* -p [IP:][HOST:]CTR[/tcp|/udp]: addresses and ports in host byte order. */
struct port_spec {
    uint32_t host_ip; /* 0: 0.0.0.0, every address of the host */
    uint16_t host_port; /* 0 until start: any free port */
    uint16_t ctr_port;
    uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
};

struct net_config {
    enum net_mode mode;
    char name[64]; /* the network, with NET_BRIDGE */
    uint32_t want_ip; /* --ip; 0: the first free address */
    char *aliases[MC_MAX_ALIASES]; /* --network-alias */
    int naliases;
    char *add_hosts[MC_MAX_ADD_HOSTS]; /* --add-host NAME:IP */
    int nadd_hosts;
    struct port_spec ports[MC_MAX_PORTS];
    int nports;
    bool userland_proxy; /* ports relayed by the monitor, not DNAT rules */
    /* named first: the host end of the veth, from the id (create) */
    char veth[16];
    /* while it runs: what it was given (0 and "" when not running) */
    uint32_t ip, gateway;
    int prefix;
    char bridge[16];
};

/* ---- health checks (health.c), as Docker's ----------------------------
 * --health-cmd, a Compose file's healthcheck: a probe run in the container
 * every interval; FailingStreak >= retries means unhealthy; failures in the
 * start period do not count; a probe past its timeout is a failure. */
#define HEALTH_LOG_MAX 5 /* results kept, as Docker's */
#define HEALTH_OUTPUT_MAX 4096 /* bytes of each probe's output kept */
struct health_config {
    char **test; /* ["CMD", ARG...] or ["CMD-SHELL", LINE]; NULL: none */
    int64_t interval_ms, timeout_ms, start_period_ms; /* 0: the default */
    int retries; /* 0: the default, 3 */
};
struct health_result {
    int64_t start_ns, end_ns;
    int exit_code; /* -1: it passed its timeout */
    char output[HEALTH_OUTPUT_MAX + 1];
};
struct health_state {
    char status[16]; /* "" (no check), starting, healthy, unhealthy */
    int failing_streak;
    int nlog;
    struct health_result log[HEALTH_LOG_MAX]; /* oldest first */
};
#define HEALTH_STARTING "starting"
#define HEALTH_HEALTHY "healthy"
#define HEALTH_UNHEALTHY "unhealthy"

struct container {
    /* what it is: set when created, kept in the record */
    char id[MC_ID_LEN + 1]; /* 64 hex digits, as Docker's */
    char name[64];
    char *image; /* "" with --rootfs */
    char rootfs[MC_ROOTFS_MAX]; /* overlay's lowerdir: the image's layers
                                 * (top first) or --rootfs DIR, escaped */
    char dir[4096]; /* containers/ID: upper, work, merged, the log */
    char **argv; /* the command, NULL-terminated */
    char *hostname; /* --hostname, or the first 12 of the id */
    char *workdir;
    uid_t uid;
    gid_t gid;
    bool user_set;
    char *env[MC_MAX_ENV]; /* KEY=VALUE, image's then -e */
    int nenv;
    struct mount_spec mounts[MC_MAX_MOUNTS];
    int nmounts;
    struct limits limits;
    bool read_only, remove, init, interactive, tty;
    bool no_new_privs, seccomp;
    uint64_t caps; /* the capabilities kept: Docker's default set +/- */
    enum restart_policy restart;
    int restart_max; /* on-failure:N; 0 = no limit */
    struct log_config log;
    struct net_config net;
    struct health_config healthcheck; /* --health-cmd, compose healthcheck */
    char **labels; /* KEY=VALUE, NULL-terminated (--label, API Labels,
                    * compose's project and service) */
    int64_t created_ns;
    /* compose's x-minictr pod: PID 1 is a service manager (svc.c) that
     * runs the services written in DIR/pod.json */
    bool pod;

    /* what happens to it: run time, kept in the record too */
    char status[16]; /* created running paused restarting exited dead */
    pid_t pid; /* the container's PID 1, as the host sees it */
    pid_t monitor_pid; /* the process that holds it */
    int exit_code;
    bool oom_killed;
    bool stopped_by_user; /* stop/kill: no restart */
    int restart_count;
    int64_t started_ns, finished_ns;
    char cgroups[MC_MAX_CGROUPS][512]; /* named before they are made */
    int ncgroups;
    bool device_cgroup; /* devices are limited: MKNOD may stay */
    struct userns userns; /* the map, written here before it is used */
    struct health_state health; /* what the probes said */

    /* this process only */
    bool in_cgroup; /* born in its cgroup (clone3): no need to join */
    bool hold; /* spawn: wait for "start" before exec */
    bool no_etc_files; /* no /etc/hosts, hostname, resolv.conf of ours
                          (a build's RUN: what it writes is the layer) */
    bool net_wait; /* spawn: wait for the monitor to plug in eth0 */
    int keep_fd; /* the channel to the monitor, kept until exec */

    /* the OCI door (oci.c): NULL for run, create and start */
    struct oci_spec *spec;
    /* --userns auto, in the child: idmapped trees the monitor made (the
     * image, the container's directory, each bind or volume source) */
    int dir_fd, layer_fds[MC_MAX_LAYERS + 1], mount_fds[MC_MAX_MOUNTS];
    int nlayer_fds;
};

/* Status words, as Docker's. */
#define ST_CREATED "created"
#define ST_RUNNING "running"
#define ST_PAUSED "paused"
#define ST_RESTARTING "restarting"
#define ST_EXITED "exited"
#define ST_DEAD "dead"

/* ---- container.c: the core --------------------------------------------- */
/* Defaults for a new container (Docker's capabilities, seccomp on, ...). */
void container_init(struct container *c);
/* Give c an id and a name, write its record, make its directories. The
 * name must be free. -1 on failure, with nothing left behind. */
int container_create(struct container *c);
/* Start a created or exited container: its cgroups (named in the record
 * first), a monitor, its first process. `detach`: the monitor is a child
 * of its own that outlives us (prints nothing); else this process is the
 * monitor and returns the exit status when the container is done. With
 * c->hold the process waits for `start` (ctl) before exec. Returns the
 * container's status (foreground), 0 (detached), or -1. */
int container_start(struct container *c, bool detach);
/* The OCI door's create (no monitor): make c's cgroups (named in its
 * record already), clone its first process (io: its own stdio), run the
 * prestart and createRuntime hooks when it asks, and return its pid once
 * it waits on c->spec->exec_fifo; *master gets the pty with a terminal.
 * -1 with nothing left running (the caller removes its record). */
struct spawn_io;
pid_t container_spawn_held(struct container *c, struct spawn_io *io,
                           int *master);
/* Remove a container that is not running: cgroups, directory, record. */
int container_delete(struct container *c);
/* Its anonymous volumes (-v /path): gone with --rm, rm -v and prune. */
void container_remove_anonymous(const struct container *c);
/* Is the container's monitor alive? (It holds a lock on ID.lock.) */
bool container_monitor_alive(const struct container *c);
bool container_id_alive(const char *id);
/* The status to show: a record that says running whose monitor is gone
 * is dead. */
const char *container_real_status(const struct container *c);
/* Find a container by name, full id or unique id prefix. -1
 * (no_such_container) when none. */
int container_find(const char *key, struct container *c);
/* Take (and give back) the lock that makes name checks and record writes
 * of several minictr processes one at a time. */
int container_lock_names(void);
void container_unlock_names(int fd);
/* The same for any directory: an exclusive flock(2) on DIR/.lock (both
 * made if missing); returns the fd that holds it (close it to let go). */
int mc_lock_dir(const char *dir);
/* A random name, as Docker's: "adjective_scientist". */
void container_random_name(char *buf, size_t size);
/* The value of label KEY, or NULL. */
const char *container_label(const struct container *c, const char *key);
/* The command line, as `ps` shows it. */
void container_command_line(const struct container *c, char *buf, size_t size);

/* ---- svc.c: a pod's service manager -------------------------------------- */
/* In a pod's first process, before the pivot: its services' roots, their
 * cgroups, the control socket (DIR/pod.json says what). */
int svc_prepare(struct container *c);
/* Then as its PID 1, for good. */
_Noreturn void svc_main(struct container *c);

/* ---- exec.c ------------------------------------------------------------ */
struct exec_opts {
    bool interactive, tty, detach;
    char *workdir;
    char *user; /* UID[:GID] */
    char *env[MC_MAX_ENV];
    int nenv;
    char **argv;
    const int *io; /* stdin, stdout, stderr (-1, or NULL: the caller's;
                      /dev/null for stdin without -i) */
};
/* Can o run in c: running, not paused, o's user, workdir, env applied to
 * c. -1 with the error recorded. */
int exec_check(struct container *c, const struct exec_opts *o);
/* From the pidfd to the command's exec: the part `exec`, the monitor's
 * `exec -d` and the API share (after exec_check). Returns 0 when the
 * command runs (*child, our child; with o->tty, *master gets the pty's
 * master side), or the code it failed with (125, 126, 127: the error is
 * recorded, the child reaped). The calling process joins the
 * container's pid namespace for its children (setns CLONE_NEWPID): call
 * it in a process of its own. */
int exec_start(struct container *c, struct exec_opts *o, pid_t *child,
               int *master);
/* exec -d (after exec_check): the monitor of c runs o's command as its
 * own child, so that it outlives the caller. -1 with the error recorded;
 * a usage error with o->tty. */
int exec_detached(struct container *c, const struct exec_opts *o);

/* ---- spawn.c: the first process, in the new namespaces ----------------- */
/* Clone the container's PID 1 into new namespaces (and its cgroup). The
 * child sets everything up and execs; the parent gets its pid. io: the
 * child's stdin, stdout, stderr (-1: /dev/null); chan: the parent's end of
 * the channel the child reports on. -1 on failure. */
struct spawn_io {
    int in, out, err; /* the child's ends */
    int chan; /* the monitor's end of the channel (SOCK_SEQPACKET) */
};
pid_t spawn_container(struct container *c, struct spawn_io *io);
/* What the child says on the channel. */
enum spawn_msg {
    SPAWN_READY = 'R', /* held: set up, waiting for "go" */
    SPAWN_ERROR = 'E', /* failed: code, errno, message, hint follow */
    SPAWN_TTY = 'T', /* the pty's master side (SCM_RIGHTS) */
    SPAWN_GO = 'G', /* monitor -> child: exec now */
    SPAWN_MAPS = 'M', /* monitor -> child: your maps are written (and, for
                         --userns auto, the idmapped trees, SCM_RIGHTS) */
    SPAWN_NET = 'N', /* monitor -> child: eth0 is ready */
    SPAWN_HOOKS = 'H', /* OCI child -> parent: run the createRuntime hooks
                          now, then say 'G' */
};
/* Read one message from the channel: its kind (0 at EOF: the child
 * exec'd, or died). For SPAWN_ERROR the error is recorded as our own
 * (ct_restore_error) and *fd is the exit code the child dies with; for
 * SPAWN_TTY *fd is the pty's master. -1 on a read error. */
int spawn_read(int chan, int *fd);
/* The child's exec step, shared with init.c and exec.c: exec argv with
 * c's env and workdir; on failure report why and _exit(126 or 127). */
_Noreturn void exec_command(struct container *c, char **argv);
/* In an OCI child, between its mounts and pivot_root: have the parent run
 * the prestart and createRuntime hooks, then run createContainer's. */
int spawn_sync_hooks(struct container *c);
/* exec: report errors to the caller on fd (moved to fd 3). */
int spawn_use_channel(int fd);
/* --init: close our end of the channel once the command has it. */
void spawn_close_channel(void);
/* In the child: send the recorded error to the monitor, then _exit. */
_Noreturn void child_exit(int code);
/* The signal mask from before the monitor blocked every signal: what the
 * command gets back right before exec. */
extern sigset_t spawn_old_mask;
/* The environment Docker gives, in a static array. */
char **spawn_environment(const struct container *c, char **extra, int nextra);

/* ---- monitor.c --------------------------------------------------------- */
/* Hold the container: spawn it, log its output, serve the control socket,
 * apply --rm and the restart policy. `sync_fd` (detached): where to write
 * the one line that tells the caller how the start went; -1 in the
 * foreground, where the output also goes to our own stdout and stderr.
 * `lock_fd`: the lock that says the monitor is alive. Returns the exit
 * status (foreground) or never returns (detached: _exit). */
int monitor_run(struct container *c, int sync_fd, int lock_fd);
/* Block every signal but the faults (mask: what was blocked), saving the
 * mask before into spawn_old_mask the first time. */
void monitor_block_signals(sigset_t *mask);
/* The restart policy: should c, which just ended, run again? And Docker's
 * backoff: the wait before the next start, from the last wait and how
 * long the run lasted (100 ms, doubled up to a minute, 100 ms after 10 s
 * up). */
bool monitor_wants_restart(const struct container *c);
int64_t monitor_next_backoff(int64_t last_ms, int64_t ran_ms);
/* Reap every child that has exited, without blocking (the monitor, and
 * --init's PID 1, on each SIGCHLD). True, with its wait status in *status,
 * when `pid` was one of them. */
bool monitor_reap(pid_t pid, int *status);

/* ---- networks.c: the records, leases and /etc files ------------------- */
/* A network: MINICTR_ROOT/networks/NAME.json. */
struct network {
    char name[64];
    char id[MC_ID_LEN + 1];
    uint32_t subnet, gateway; /* host byte order */
    int prefix;
    char bridge[16]; /* mctr0 for "bridge", mctr-NAME, or mctrID */
    int64_t created_ns;
};
#define MC_DEFAULT_NETWORK "bridge"
/* What a front door was given, as text: --network, --ip,
 * --network-alias, --add-host, -p. */
struct net_flags {
    const char *network; /* NULL: $MINICTR_NETWORK, else "bridge" */
    const char *ip;
    char *aliases[MC_MAX_ALIASES];
    int naliases;
    char *add_hosts[MC_MAX_ADD_HOSTS];
    int nadd_hosts;
    const char *publish[MC_MAX_PORTS];
    int npublish;
    bool publish_all; /* -P: each port the image EXPOSEs, on a free one */
    char **exposed; /* the image's EXPOSE, "80/tcp" ... (for -P) */
};
/* Add one flag to f, as getopt gave it: NETF_* or 'p' (-p), 'P' (-P).
 * A usage error when there are too many. */
enum { NETF_NETWORK = 0x1000, NETF_IP, NETF_ALIAS, NETF_ADD_HOST };
int network_flag(struct net_flags *f, int flag, char *arg);
/* Their lines in `run --help`. */
void network_flags_usage(FILE *out);
/* Check the flags and fill c->net (and, with host, c->hostname). Usage
 * errors, no_such_network. Makes nothing but the default network's
 * record, on first use. */
int network_configure(struct container *c, const struct net_flags *f);
/* Load network NAME; "bridge" is made on first use. -1
 * (no_such_network). */
int network_load(const char *name, struct network *n);
/* network create: the record, then the bridge (subnet and gateway NULL:
 * the first free subnet of the pool). -1 (network_exists, subnet_overlap,
 * usage), nothing made. */
int network_make(const char *name, const char *subnet, const char *gateway,
                 struct network *out);
/* network rm: refused while a container has an address on it. */
int network_remove(const char *name);
/* Call fn for each network until it returns non-zero; returns that. */
int network_each(int (*fn)(struct network *n, void *arg), void *arg);

/* ---- leases.c: a container's place on a network ----------------------- */
#define MAX_LEASES 1024
struct lease {
    uint32_t ip;
    char id[MC_ID_LEN + 1]; /* the container's */
    char names[640]; /* "name alias..." */
};
/* MINICTR_STATE/networks/ID: the leases' directory; and its lock (an
 * fd to close, or -1). */
void network_lease_dir(const struct network *n, char *buf, size_t size);
int network_lock_leases(const struct network *n);
/* The leases of n (the caller holds the lock), freeing those of monitors
 * that are gone and any old one of `self` (may be NULL); *freed says
 * whether one was freed. Returns how many are left (at most max). */
int network_read_leases(const struct network *n, struct lease *out, int max,
                        const char *self, bool *freed);
/* In the monitor, before the first spawn: with NET_BRIDGE, the bridge (if
 * it is missing), an address lease (a file that names the container), and
 * /etc/hosts of every container on the network brought up to date; for
 * every mode, the container's own hosts, hostname and resolv.conf files.
 * -1 with nothing taken. */
int network_join(struct container *c);
/* Give the lease back and drop the container from the others' hosts
 * files. Safe to call twice, and when nothing was taken. */
void network_leave(struct container *c);
/* After `rename`: the new name in the lease and in the hosts files. */
void network_rename(struct container *c);
/* The collector's part: leases whose container's monitor is gone. */
void network_collect(void);
int cmd_network(int argc, char **argv);

/* ---- network.c: the kernel's side, over rtnetlink ---------------------- */
/* The network's bridge, with its gateway address, up (made if missing). */
int net_bridge_up(const struct network *n);
/* ip link del BRIDGE (and its nftables guard table). */
int net_bridge_remove(const struct network *n);
/* After the clone: a veth pair into the namespace `netns` (eth0 there,
 * c->net.veth here, on the bridge), eth0's address and default route. */
int net_plug(struct container *c, int netns);
/* ip link del c->net.veth; quiet when it is gone already. */
void net_unplug(const struct container *c);
/* Does subnet/prefix overlap a route of this network namespace (other
 * than one through `except`, a bridge name, or NULL)? 1 (and the route,
 * in words, in why), 0, or -1. */
int net_route_overlap(uint32_t subnet, int prefix, const char *except,
                      char *why, size_t size);

/* ---- nat.c: published ports as nftables rules -------------------------- */
/* Table minictr-ID12: DNAT each port to the container. Returns the
 * netlink socket that owns the table (the kernel deletes the table when it
 * closes, even at kill -9), or -1. */
int nat_publish(const struct container *c);
/* Delete the table (by the owner socket fd, which stays open, or by name
 * on a socket of its own when fd is -1, as the collector does). */
void nat_unpublish(const struct container *c, int fd);
/* The network's table minictr-net-BRIDGE: drop what comes from the bridge
 * for 127.0.0.0/8 (see nat.c). add false: delete it. */
int nat_guard(const char *bridge, bool add);

/* ---- ports.c: -p ------------------------------------------------------- */
/* Parse one -p [IP:][HOST:]CTR[/tcp|/udp] (usage error with its text). */
int ports_parse(const char *s, struct port_spec *p);
/* Docker's PORTS column: "127.0.0.1:8080->80/tcp, 0.0.0.0:53->53/udp". */
void ports_format(const struct container *c, char *buf, size_t size);
/* The monitor's ports: a socket bound on each host port (a reservation
 * beside DNAT rules, or the proxy's listener), any port 0 given one. */
struct ports;
struct pollfd;
struct ports *ports_open(struct container *c);
/* The proxy, in the monitor's one poll loop: add our fds to p (at most
 * max) and return how many; handle what poll said about them; the next
 * deadline (ms, monotonic; 0 = none) and what to do at it. netns: the
 * container's network namespace, where the proxy's sockets are made. */
int ports_poll_fds(struct ports *ps, struct pollfd *p, int max);
void ports_handle(struct ports *ps, const struct pollfd *p, int n, int netns,
                  const struct container *c);
int64_t ports_deadline(const struct ports *ps);
void ports_close(struct ports *ps);

/* ---- ctl.c: the control socket ----------------------------------------- */
/* ID.SUFFIX in the state dir (".sock": the monitor's; ".rpc.sock": a
 * pod's service manager's), root's alone, non-blocking; bound with the
 * /proc/self/fd trick when the path is too long for sun_path. */
int ctl_listen(const char *id, const char *suffix);
/* Connect to c's socket ID.SUFFIX: the fd, or -1 (container_not_running
 * when nobody listens). */
int ctl_dial(const struct container *c, const char *suffix);
struct sockaddr_un;
/* addr for a socket at path (the /proc/self/fd trick when it is long);
 * close *dirfd afterwards when it is not -1. */
int ctl_socket_address(const char *path, struct sockaddr_un *addr, int *dirfd);
/* ID.sock, and a pod's ID.rpc.sock. */
void ctl_unlink(const char *id);
/* Connect to a container's monitor and send one request line; returns the
 * connected fd, or -1 (container_not_running when nobody listens). */
int ctl_connect(const struct container *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Read the reply line into buf (NUL-terminated, without the newline).
 * Returns its length, or -1. */
ssize_t ctl_read_line(int fd, char *buf, size_t size);
/* One request, one reply: the reply's JSON object, or NULL (error
 * recorded, from the reply's "error" too). */
struct json_object *ctl_call(const struct container *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The attach stream without a tty: 8-byte frames [stream,0,0,0,len BE32],
 * as Docker's API. */
enum { STREAM_STDIN = 0, STREAM_STDOUT = 1, STREAM_STDERR = 2 };
int ctl_write_frame(int fd, int stream, const char *buf, size_t len);
/* The 8 bytes in front of a frame of len bytes on stream. */
void ctl_frame_header(unsigned char head[8], int stream, size_t len);

/* ---- logs.c ------------------------------------------------------------ */
struct log_writer {
    int fd;
    char path[4200];
    uint64_t size;
    struct log_config cfg;
    char partial[2][16384]; /* a line not ended yet, per stream */
    size_t plen[2];
};
int log_open(struct log_writer *w, const struct container *c);
/* Append output of stream (STREAM_STDOUT/ERR) as json-file lines. */
void log_write(struct log_writer *w, int stream, const char *buf, size_t len);
void log_close(struct log_writer *w);
void log_path(const struct container *c, char *buf, size_t size);
int log_rotate_at(int dir, const char *name, int max_files);
int cmd_logs(int argc, char **argv);
/* What to read back: `minictr logs` flags, the API's query string. */
struct log_query {
    bool follow, timestamps, no_stdout, no_stderr;
    int64_t since, until; /* ns; 0 = no bound */
    long tail; /* the last N records; -1 = all */
};
/* Give each record that q wants to emit (text with its "TIME " in front
 * when q->timestamps), oldest first; with q->follow go on until the
 * container stops, emit returns -1, or stop_fd (-1: none) hangs up. */
int logs_read(const struct container *c, const struct log_query *q,
              int (*emit)(void *arg, int stream, const char *text, size_t len),
              void *arg, int stop_fd);
/* --since/--until: RFC 3339, a Unix time, or a duration ago ("10m"). */
int logs_parse_time(const char *s, int64_t *out);
int logs_parse_tail(const char *s, long *tail);

/* ---- events.c ---------------------------------------------------------- */
/* Append one event line for c to MINICTR_STATE/events.log: action is
 * Docker's word (create, start, die, ...); key/value one more attribute
 * (exitCode, signal, oldName) or NULL. Never fails the caller. */
void events_append(const struct container *c, const char *action,
                   const char *key, const char *value);
struct event_query {
    int64_t since, until; /* ns since the epoch; 0 = no bound */
    char type[16], container[80], action[32]; /* "" = any */
};
/* Filters as Docker's: type, container (name or id prefix), event. */
int events_parse_filter(struct event_query *q, const char *key,
                        const char *value);
/* Call emit for each event line that passes q: the past ones (with
 * since), then new ones as they come, until `until`, until emit returns
 * -1, or until stop_fd (a client's socket; -1: none) hangs up. */
int events_follow(const struct event_query *q,
                  int (*emit)(void *arg, const char *line), void *arg,
                  int stop_fd);
int cmd_events(int argc, char **argv);

/* ---- namespaces.c ------------------------------------------------------ */
int namespaces_clone_flags(const struct container *c); /* for clone(2) */
/* Has the container a namespace of this type (CLONE_NEWNET...) of its
 * own, new or joined by path? (run: all but user.) */
bool namespaces_has(const struct container *c, int type);
/* The parent, before the clone: join the pid namespace config.json names
 * by path, if any (a pid namespace applies to children). */
int namespaces_join_pid(const struct container *c);
/* clone3(2)'s arguments (the kernel's struct clone_args, version 2: up
 * to cgroup), for namespaces.c and exec.c, which call it by number (glibc
 * has no wrapper); and CLONE_INTO_CGROUP (Linux 5.7) where the headers
 * lack it. */
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};
/* clone3 into new namespaces and straight into the container's cgroup
 * (cgroup v2, or the cgroup2 tree of a hybrid host). Returns as fork does
 * (0 in the child), or -1 when that is not possible here: then clone and
 * join. */
pid_t namespaces_clone_into_cgroup(struct container *c);
/* In the child, after joining its cgroups: a cgroup namespace, / private,
 * the hostname, the loopback device up (with a spec: the namespaces to
 * join by path first, then only what config.json asks for). */
int namespaces_enter(struct container *c);

/* ---- cgroups.c --------------------------------------------------------- */
/* The directories the container will get: names only, nothing made. */
int cgroups_plan(struct container *c);
/* Make the planned directories and write the limits. -1 on failure, with
 * nothing left behind. */
int cgroups_create(struct container *c);
/* In the child: move ourselves into every cgroup made for us. */
int cgroups_join(struct container *c);
/* The same for another process (exec): into each cgroup but the one
 * clone3 already put it in (skip_first). */
int cgroups_join_pid(const struct container *c, pid_t pid, bool skip_first);
/* The cgroup2 directory a process can be cloned into (v2, or hybrid's
 * unified tree), or NULL. */
const char *cgroups_v2_dir(const struct container *c);
/* Kill what is left in the cgroups and remove them; safe to call twice. */
void cgroups_destroy(struct container *c);
/* Remove cgroup directories left by a dead container (minictr rm). */
/* Returns how many are still there (busy): their names must be kept. */
int cgroups_remove_dirs(char (*dirs)[512], int n, bool pod);
/* A pod's service manager (svc.c), with an fd of one of the pod's
 * cgroups: on cgroup2, move into POD/manager and hand memory, cpu and
 * pids down to the children (the no-internal-processes rule). */
int cgroups_pod_manager(int pod);
/* POD/name with limits l (in whichever files that hierarchy has); its
 * fd (O_PATH), or -1. */
int cgroups_child(int pod, const char *name, const struct limits *l);
/* How the host mounts cgroups: "v2", "v1" or "hybrid". */
const char *cgroups_mode(void);
/* oom kills seen in the container's memory cgroup (for exit 137). */
uint64_t cgroups_oom_kills(const struct container *c);
/* pause: freeze (true) or thaw (false) every process, and wait until the
 * kernel says it is done. */
int cgroups_freeze(const struct container *c, bool freeze);
/* Is the container's cgroup frozen (pause)? */
bool cgroups_frozen(const struct container *c);
bool cgroups_mount_reachable(const char *mountinfo_line, const char *mnt);
/* The host pids of every process in the container. Returns the count (up
 * to max), or -1. */
int cgroups_pids(const struct container *c, pid_t *pids, int max);
/* Counters for `stats`. */
struct cgroup_stats {
    uint64_t cpu_usec; /* cpu time used, all cpus */
    uint64_t mem_usage, mem_limit; /* bytes; limit 0 = none */
    uint64_t pids;
    uint64_t blk_read, blk_write; /* bytes */
    bool mem_from_cgroup; /* else summed from the processes' RSS */
};
int cgroups_stats(const struct container *c, struct cgroup_stats *s);

/* ---- top.c ------------------------------------------------------------- */
/* Docker's top answer: {"Titles": [...], "Processes": [[...], ...]};
 * NULL (container_not_running) when it does not run. */
struct json_object *top_json(const struct container *c);
/* Bytes in and out on the container's interfaces but lo. */
void stats_net_io(const struct container *c, uint64_t *rx, uint64_t *tx);
/* MemTotal: the limit of a container without one. */
uint64_t stats_host_memory(void);

/* ---- overlay.c --------------------------------------------------------- */
int overlay_prepare(struct container *c); /* mkdir upper, work, merged */
/* The container's directory as the child names it: c->dir, or "." with
 * --userns auto, where it works inside the idmapped copy (userns.c). */
const char *overlay_dir(const struct container *c);
/* The lower directories in c->rootfs (overlay's lowerdir), and one of
 * them: split at an unescaped ':', unescaped into layer. Returns where
 * the next one starts, or NULL after the last. */
int overlay_layers(const struct container *c);
const char *overlay_next_layer(const char *p, char *layer, size_t size);
int overlay_mount(struct container *c); /* in the child's mount ns */
/* The same overlay on another directory, never volatile (cp). */
int overlay_mount_at(const struct container *c, const char *merged);
int overlay_remove(const char *dir); /* rm -rf the container dir */
/* rel as overlay shows it over lowerdir (whiteouts, opaque dirs), before
 * anything is mounted: an O_PATH fd, or -1 with errno. */
int overlay_open_lower(const char *lowerdir, const char *rel);

/* ---- pivot_root.c ------------------------------------------------------ */
/* In the child: mounts, pivot_root, /proc (masked), /dev, /sys,
 * --read-only. */
int rootfs_setup(struct container *c);
/* Step 1 of rootfs_setup: c's volumes, binds and tmpfs mounts into the
 * tree at root (a pod's service root too, svc.c). */
int rootfs_mount_volumes(struct container *c, const char *root);
/* Bind `from` (a path here) onto rel inside the root rootfd (made when
 * missing, never through a symlink), read-only when asked; recursive. */
int rootfs_bind(int rootfd, const char *from, const char *rel, bool ro);
/* pivot_root into root and detach the old one (a pod's service, in a
 * mount namespace of its own). */
int rootfs_pivot(const char *root);
/* A container without a mount namespace put its mounts on the host,
 * below its root: take them away (delete). */
void rootfs_unmount_below(const char *root);
/* Open `rel` inside the root rootfd, never following a symlink; `create`:
 * make missing directories (and the last part as a file when `file`).
 * Returns an O_PATH fd, or -1 with errno. */
int open_in_root(int rootfd, const char *rel, bool create, bool file);

/* ---- privileges.c ------------------------------------------------------ */
uint64_t caps_default(void);
uint64_t caps_all(void);
int caps_parse(const char *name); /* "NET_ADMIN" or "CAP_NET_ADMIN"; -1 */
/* In the child, last before exec: user, capabilities, no_new_privs,
 * seccomp, inherited fds closed. */
int privileges_apply(struct container *c);
/* cgroup v2: attach a BPF program that decides each device access by
 * rules (the v1 devices list's meaning: the last rule that matches);
 * rules NULL: Docker's, only the harmless devices. 0, or -1 with errno
 * set (then MKNOD is dropped). */
int privileges_device_filter(const char *cgroup_dir,
                             const struct device_rule *rules, int n);
/* OCI: with no_new_privs, the seccomp profile goes on last, right before
 * exec (after the exec FIFO); 0 when there is none to load. */
int privileges_seccomp_late(struct container *c);

/* ---- seccomp_profile.c ------------------------------------------------- */
/* Compile config.json's seccomp profile with libseccomp and load it. */
int seccomp_profile_load(const struct seccomp_profile *p, bool no_new_privs);

/* ---- hooks.c: the OCI hooks -------------------------------------------- */
/* Run the hooks of one kind, in order, each with the state on stdin; the
 * first that fails stops the others: -1 with its error. */
int hooks_run(const struct container *c, enum hook_kind kind,
              const char *status);
/* The runtime-spec state of c as one JSON line (malloc'd). */
char *hooks_state_json(const struct container *c, const char *status);
const char *hooks_kind_name(enum hook_kind kind);

/* ---- userns.c: user namespaces ---------------------------------------- */
/* --userns host|auto (root); a user's containers always have one. */
int userns_parse(struct container *c, const char *value);
/* At create: a rootless container's map (you as root, and your
 * /etc/subuid range through newuidmap when you have one), or for auto a
 * check that root has a range. -1 with a fix (nothing is made yet). */
int userns_plan(struct container *c);
/* At start, --userns auto: a range no running container holds, written
 * into the record before it is used (under the names lock). */
int userns_allocate(struct container *c);
/* The run is over (monitor, collector): the range is free again. */
void userns_release(struct container *c);
/* Parent side, right after the clone: write the child's maps, make the
 * idmapped trees (auto), and send SPAWN_MAPS on chan. */
int userns_map_child(struct container *c, pid_t pid, int chan);
/* Child side: wait for SPAWN_MAPS and keep the trees it carries; then,
 * after namespaces_enter, attach them (auto) and become root inside. */
int userns_wait_for_maps(struct container *c);
int userns_setup_child(struct container *c);
/* After joining or entering a user namespace: uid and gid 0 inside (and
 * no supplementary groups where setgroups is allowed). */
int userns_become_root(const struct container *c);
/* This process, into a new user namespace with c's map (a user's: its
 * own map, when c is NULL): for import, rm and cp as a user. */
int userns_enter(const struct container *c);
/* ct_rm_rf, and for a user what ids of its range own (its containers,
 * layers, volumes) inside a namespace with its map. 0, or -1 with errno
 * (nothing recorded). */
int userns_rm_rf(const char *path);
/* The map in the kernel's format ("0 1000 1\n1 100000 65536"), and back. */
void userns_map_format(const struct id_map *m, char *buf, size_t size);
int userns_map_parse(const char *s, struct id_map *m);
/* A user's default directories (see mc_lib_dir); NULL for root. */
const char *userns_data_dir(void);
const char *userns_runtime_dir(void);
/* The state directory, made if missing (0700); a user's is checked to be
 * its own and closed to others. */
int userns_make_state_dir(void);

/* ---- volumes.c --------------------------------------------------------- */
/* The host directory of volume NAME; `create`: make it when missing (as
 * `-v NAME:/path` does). -1 (no_such_volume). */
int volume_path(const char *name, bool create, char *buf, size_t size);
/* {"Name", "Driver", "Mountpoint", "InUse"}, as Docker's. */
struct json_object *volume_json(const char *name);
/* volume rm: refused while a container names it. */
int volume_remove(const char *name);
int cmd_volume(int argc, char **argv);

/* ---- init.c ------------------------------------------------------------ */
/* PID 1 for --init: run argv as a child, reap every zombie, forward signals,
 * exit with the command's status. Never returns. */
_Noreturn void init_run(struct container *c);

/* ---- tty.c ------------------------------------------------------------- */
/* In the child: make a pty in the container's devpts, make it the
 * controlling terminal and stdin/out/err, send the master over sock. */
int tty_setup_in_container(int sock);
/* The master side received over sock (SCM_RIGHTS), or -1. */
int tty_receive_fd(int sock, char *kind);
int tty_send_fd(int sock, char kind, int fd);
/* Copy between your terminal and the pty master until child ends; its
 * exit status (exec -t, the OCI door's run). */
int tty_relay(int master, pid_t child);
/* --console-socket: connect to the socket at path and send the pty's
 * master over it (SCM_RIGHTS), as runc does for containerd and conmon. */
int tty_send_console(const char *path, int master);
/* Your terminal in raw mode (true if it is one), and back. */
bool tty_raw(int fd);
void tty_restore(int fd);
/* Copy your terminal's size to the pty. */
void tty_copy_size(int from, int to);

/* ---- state.c ----------------------------------------------------------- */
/* Write c's record (atomically: a temporary file, then rename). */
int state_write(const struct container *c);
int state_remove(const char *id);
struct json_object;
/* Call fn for each record (loaded into a struct container) until it
 * returns non-zero; returns that. */
int state_each(int (*fn)(struct container *c, void *arg), void *arg);
/* Load the record of container id into c. */
int state_load(const char *id, struct container *c);
/* The record as JSON (for inspect and ps --json); caller puts it. */
struct json_object *state_to_json(const struct container *c);
/* Paths of a container's files in the state dir: ID.json, ID.sock,
 * ID.lock. */
int state_path(char *buf, size_t size, const char *id, const char *suffix);
/* A process's state letter and start time (clock ticks since boot),
 * from /proc/PID/stat; -1 when there is no such process. */
int mc_pid_stat(pid_t pid, char *state, uint64_t *start);
uint64_t mc_pid_start_time(pid_t pid); /* 0: no such process */
/* Free what state_load allocated in c. */
void state_free(struct container *c);
/* Fill c from a record's JSON. */
void state_from_json(struct json_object *o, struct container *c);

/* A user or group NAME in a passwd or group file open at fd (closed
 * here): its id, and for a user its group. 0, or -1 when not there. */
int mc_lookup_id(int fd, const char *name, uint64_t *id, uint64_t *gid);

/* Copy what is in directory `from` into directory `to` (cp.c's careful
 * copy: *at() calls, no symlink followed), owners kept when asked. */
int mc_copy_contents(int from, int to, bool keep_owner);

/* One more process in the running container c (c->pid its first): its
 * namespaces and cgroups, c's user, capabilities and seccomp, then
 * argv; stdin, stdout and stderr stay ours (tty: a pty made inside, its
 * master in *master). The process is our child (*child). 0, or the code
 * it failed with (125, 126, 127) and the error recorded. */
int exec_spawn(struct container *c, char **argv, bool tty, pid_t *child,
               int *master);

/* exec -d, in the monitor: run the request's command (a JSON object:
 * argv, env, workdir, user) in container c as the monitor's child, and
 * answer on fd. Returns at once; a helper process does the work. */
void exec_detached_for_monitor(const struct container *c, const char *json,
                               int fd);

/* ---- health.c: health checks ------------------------------------------ */
/* --health-cmd and friends, as getopt gave them (run.c's table). */
enum {
    HEALTHF_CMD = 0x1100,
    HEALTHF_INTERVAL,
    HEALTHF_TIMEOUT,
    HEALTHF_RETRIES,
    HEALTHF_START_PERIOD,
    HEALTHF_NONE,
};
int health_flag(struct container *c, int flag, const char *arg);
void health_flags_usage(FILE *out);
/* A test from its words: ["CMD", ARG...], ["CMD-SHELL", LINE] or ["NONE"]
 * (usage error otherwise). */
int health_set_test(struct health_config *h, char *const *words, int n);
/* A Go duration ("30s", "1m30s", "500ms") in ms; -1 when it is not one. */
int health_parse_duration(const char *s, int64_t *ms);
/* What a probe runs: CMD's arguments, or /bin/sh -c LINE (NULL: none). */
char **health_argv(const struct health_config *h);
/* "healthcheck" and "health" in a record, and back. */
void health_to_json(struct json_object *o, const struct container *c);
void health_from_json(struct json_object *o, struct container *c);
void health_free(struct health_config *h);
/* The probes of one container, in its monitor's poll loop: a child of the
 * monitor's that joins the running container as exec does. It writes the
 * command's pid, then "exit CODE", on the report pipe: the monitor reaps
 * every child it has (monitor_reap), so the result cannot come from a
 * wait status. */
struct health_run {
    struct container *c;
    /* how a probe runs (exec_probe's contract); NULL: exec_probe, from
     * the monitor (a pod's service manager has its own, svc.c) */
    int (*probe)(struct container *c, char **argv, int out, int report);
    pid_t pid; /* the probe's waiter; 0: none runs */
    pid_t target; /* what a timeout kills: the command itself */
    int out, report; /* its output; its pid and exit code */
    int code; /* from "exit CODE"; -1 until then */
    int64_t next_ms, kill_ms; /* monotonic: the next probe, the timeout */
    int64_t started_ns; /* the container's start (the start period) */
    int64_t start_ns; /* this probe's */
    bool timed_out;
    char rep[64]; /* the report's lines so far */
    size_t nrep;
    char buf[HEALTH_OUTPUT_MAX];
    size_t len;
};
/* The container (re)started: "starting", the first probe an interval on.
 * health_end: it stopped; a running probe is killed. */
void health_begin(struct health_run *h, int64_t started_ns);
void health_end(struct health_run *h);
/* Two pollfds (its output, its report) into p; then what poll said: 1
 * when a probe ended (write the record: its result is in the log, as
 * Docker's inspect shows every probe), else 0. */
int health_poll_fds(struct health_run *h, struct pollfd *p);
int health_handle(struct health_run *h, const struct pollfd *p);
/* The next deadline (ms, monotonic; 0: none), and what to do at it: start
 * a probe, or kill one past its timeout. */
int64_t health_deadline(const struct health_run *h);
void health_timer(struct health_run *h);
/* exec.c: a probe, in a child of the monitor's: run argv in c with stdout
 * and stderr on out, write the command's pid on report, wait for it, and
 * write "exit CODE" there. Returns CODE (125, 126 or 127 when it could not
 * run). */
int exec_probe(struct container *c, char **argv, int out, int report);
/* The end of every probe (exec_probe's, svc.c's): the command's pid on
 * report, wait for it, then "exit CODE" (code when child is -1: it could
 * not run). Returns CODE. */
int health_report(int report, pid_t child, int code);
/* logs.c: a Go duration ("10m", "1h30m", "500ms") in seconds; -1. */
int mc_parse_duration(const char *s, double *seconds);

/* ---- run.c: what every door that makes containers shares -------------- */
/* The part of a new container that needs its image (the rootfs, the
 * defaults, the users in its /etc/passwd) or makes things (volumes):
 * `run`'s flags, the API's JSON and a Compose service fill one, then
 * run_prepare. */
enum run_mount_kind { RUN_VOLUME, RUN_MOUNT, RUN_TMPFS };
struct run_request {
    const char *image; /* or NULL, with rootfs */
    const char *rootfs; /* --rootfs DIR */
    char **entrypoint; /* NULL-terminated; NULL: the image's; {NULL}: none */
    char **cmd; /* replaces the image's CMD when ncmd > 0 */
    int ncmd;
    char **env; /* KEY=VALUE, after the image's */
    int nenv;
    const char *user; /* -u USER[:GROUP] */
    struct {
        enum run_mount_kind kind;
        char *spec; /* -v, --mount or --tmpfs syntax (parsed in place) */
    } mounts[MC_MAX_MOUNTS];
    int nmounts;
    struct net_flags *net; /* checked into c->net (after the image's EXPOSE
                              is known); NULL: c->net is the caller's */
};
/* Fill c (made with container_init, its own fields set) from r: Docker's
 * rules for ENTRYPOINT, CMD, ENV, WORKDIR and USER; checks every mount and
 * makes a named volume that is new. -1 with the error recorded. */
int run_prepare(struct container *c, struct run_request *r);
/* One -v, --mount or --tmpfs, parsed into c (spec is changed in place). */
int run_add_mount(struct container *c, int kind, char *spec);
/* --restart no|on-failure[:N]|always|unless-stopped into c. */
int run_parse_restart(struct container *c, const char *s);
/* --cap-add NAME (add) or --cap-drop NAME; "ALL" too. */
int run_cap_change(struct container *c, const char *name, bool add);

/* ---- oci.c, oci_config.c, oci_state.c: the OCI door -------------------- */
/* Is this command line for the OCI door (runc's), not Docker's? See
 * oci.c's opening comment for the rule. */
bool oci_claims(int argc, char **argv);
/* One line at LEVEL ("error", "warning") in the --log file, if one. */
void oci_log(const char *level, const char *msg);
int oci_main(int argc, char **argv);
/* Parse config.json at path (bundle: the directory root.path is relative
 * to) into c and s, and point c->spec at s. `existing`: the copy of a
 * container made already (its root may be gone: not checked). */
int oci_config_load(const char *path, const char *bundle, struct container *c,
                    struct oci_spec *s, bool existing);
/* exec --process FILE: its process object replaces c's. */
int oci_process_load(const char *path, struct container *c);
/* ROOT/ID/FILE of c's state directory. */
int oci_state_path(char *buf, size_t size, const struct oci_spec *s,
                   const char *file);
/* ROOT/ID/state.json, written by rename. */
int oci_state_write(const struct container *c);
/* Container id under root: its record and its config.json copy. */
int oci_state_load(const char *root, const char *id, struct container *c,
                   struct oci_spec *s);
/* creating, created, running, paused or stopped: asked of the kernel. */
const char *oci_state_status(const struct container *c);
/* The runtime-spec state JSON that `state` prints (malloc'd). */
char *oci_state_json(const struct container *c);

/* ---- the commands ------------------------------------------------------ */
int cmd_run(int argc, char **argv);
/* -u USER[:GROUP] into c->uid, c->gid: numbers, or names from the
 * /etc/passwd and /etc/group of c->rootfs's layers (run.c). */
int parse_user(struct container *c, const char *s);
int cmd_build(int argc, char **argv); /* build.c, dockerfile.c, buildcopy.c */
int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_exec(int argc, char **argv);
/* exec with the container found by find (compose exec: a service). */
int cmd_exec_with(int argc, char **argv,
                  int (*find)(const char *name, struct container *c));
int cmd_ps(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_system(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_cp(int argc, char **argv);
int cmd_compose(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_api_child(int argc, char **argv); /* serve's children */
/* The garbage collector ps, rm and `system prune` run: what a dead
 * monitor left (cgroups, socket, lock; with --rm the directory and the
 * record too). Returns how many containers it cleaned. */
int containers_collect(void);
/* rm [-f] [-v] of one container (name, id or prefix): -f kills a running
 * one first, -v removes its anonymous volumes too. */
int container_remove(const char *key, bool force, bool volumes);
/* Docker's "Up 3 minutes", "2 seconds ago" wording of a duration. */
void human_duration(int64_t ns, char *buf, size_t size);
/* Docker's STATUS column: "Up 3 minutes", "Exited (0) 2 seconds ago". */
void container_status_text(const struct container *c, const char *status,
                           char *buf, size_t size);
/* Wait up to ten seconds until c's monitor is gone (after stop it still
 * cleans up). */
void container_wait_gone(const struct container *c);
/* rename: the name must be free (checked under the names lock). */
int container_rename(struct container *c, const char *name);
/* Attach this terminal to a running container (attach, start -a). */
int attach_stream(const struct container *c, bool with_stdin);
/* Parse a signal name or number: "TERM", "SIGTERM", "15". -1 if none. */
int parse_signal(const char *s);

#endif
