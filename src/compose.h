/*
 * compose.h: what the compose door's two files (compose.c, compose_yaml.c)
 * share.
 *
 * A Compose file is read in two steps. compose_yaml.c turns the YAML into
 * a struct compose_file: the subset of the Compose specification minictr
 * takes, each value checked for its type and kept with its line, so that
 * every later error can say where (`compose.yaml:12: services.web.ports[0]:
 * ...`). compose.c then turns each service into a struct container, the
 * one every door fills (run.c's parsers: mounts, ports, env, restart), and
 * starts one container per service. x-minictr: {pod: true} (StartOS's one
 * container for the whole app) is read and refused: not supported yet.
 */
#ifndef COMPOSE_H
#define COMPOSE_H

#include "minictr.h"

#define COMPOSE_MAX_SERVICES 32
#define COMPOSE_MAX_DEPS 16
#define COMPOSE_MAX_VOLUMES 32
#define COMPOSE_MAX_NETWORKS 8

/* depends_on's conditions. */
enum dep_condition { DEP_STARTED, DEP_HEALTHY, DEP_COMPLETED };
extern const char *const compose_conditions[]; /* their names */

struct compose_dep {
    char *service;
    enum dep_condition condition;
    int line;
};

/* One entry of a service's volumes, short or long syntax. */
struct compose_mount {
    enum mount_type type;
    char *source; /* ./dir, /abs, NAME; NULL: an anonymous volume */
    char *target;
    bool ro;
    int line;
};

/* One entry of ports, as -p's syntax ("127.0.0.1:8080:80/tcp"). */
struct compose_port {
    char *spec;
    int line;
};

struct compose_service {
    char *name;
    int line;
    char *image;
    int image_line;
    char **command, **entrypoint; /* NULL-terminated; NULL: not given */
    int command_line, entrypoint_line;
    char *env[MC_MAX_ENV]; /* KEY=VALUE */
    int nenv, env_line;
    char *working_dir, *user;
    int working_dir_line, user_line;
    struct compose_mount mounts[MC_MAX_MOUNTS];
    int nmounts;
    struct compose_port ports[MC_MAX_PORTS];
    int nports;
    struct compose_dep deps[COMPOSE_MAX_DEPS];
    int ndeps;
    struct health_config health; /* test NULL: none */
    int health_line;
    char *restart;
    int restart_line;
    struct limits limits; /* deploy.resources.limits */
    int limits_line;
    char *network; /* networks: [NAME]; NULL: default */
    int network_line;
};

struct compose_network {
    char *name;
    char *subnet, *gateway; /* ipam.config[0]; NULL: the pool's */
    int line;
};

struct compose_file {
    char path[4096]; /* as given, for messages */
    char dir[4096]; /* its directory, absolute (relative binds) */
    char project[64];
    struct compose_service services[COMPOSE_MAX_SERVICES];
    int nservices;
    char *volumes[COMPOSE_MAX_VOLUMES]; /* top-level volumes: names */
    int nvolumes;
    struct compose_network networks[COMPOSE_MAX_NETWORKS];
    int nnetworks;
    /* x-minictr: {pod: true, memory, cpus, pids, restart} */
    bool pod;
    struct limits pod_limits;
    char *pod_restart;
    int pod_line;
};

/* compose_yaml.c: read path into f (f->path, f->dir set; the project is
 * the caller's). -1 with the error "FILE:LINE: PATH: message" recorded
 * (code usage). */
int compose_load(const char *path, struct compose_file *f);
/* Put "FILE:LINE: WHAT: " in front of the error recorded; returns -1. */
int compose_fail_at(const struct compose_file *f, int line, const char *what);
/* An error of its own at a line: "FILE:LINE: WHAT: message". */
int compose_error(const struct compose_file *f, int line, const char *what,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* compose.c: a service as a container (the one struct every door fills),
 * with its mounts (named volumes made) when with_mounts. */
int compose_service_container(const struct compose_file *f,
                              const struct compose_service *s,
                              struct container *c, bool with_mounts);
/* The project network of service s: "PROJECT_default" or PROJECT_NAME. */
void compose_network_name(const struct compose_file *f,
                          const struct compose_service *s, char *buf,
                          size_t size);
/* The service's index by name, or -1. */
int compose_find_service(const struct compose_file *f, const char *name);
/* The services in an order that starts each after its dependencies. */
void compose_order(const struct compose_file *f, int *order);

/* compose_pod.c: x-minictr pod mode (every service in one container,
 * whose PID 1 is svc.c's service manager). */
int compose_pod_check(const struct compose_file *f);
/* cs: the services, converted by check_file; *pod: made and started. */
int compose_pod_up(const struct compose_file *f, struct container *cs,
                   struct container *pod);
/* --wait: every service running, healthy when it has a check. */
int compose_pod_wait(const struct container *pod);
/* One JSON-RPC call to the pod's service manager: its result, or NULL.
 * offset and file: where `logs` reads (svc.c read_log). */
struct json_object *compose_pod_call(const struct container *pod,
                                     const char *method, const char *service,
                                     int64_t offset, int64_t file);
int compose_pod_ps(const struct container *pod);
/* 1: stop_fd became readable (Ctrl-C). */
int compose_pod_logs(const struct container *pod, char **services, int n,
                     bool follow, int stop_fd);
int compose_pod_restart(const struct container *pod, char **services, int n);
/* Service NAME of the pod as a container that `exec` can enter. */
int compose_pod_service(const struct container *pod, const char *service,
                        struct container *c);

#endif
