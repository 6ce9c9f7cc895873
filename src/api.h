/*
 * api.h: what the API server's files share — serve.c (HTTP/1.1 on a
 * Unix socket, a thread per connection) and the handlers in api.c
 * (containers), api_exec.c (exec) and api_system.c (ping, version, info,
 * events, images, volumes, networks).
 */
#ifndef API_H
#define API_H

#include "minictr.h"

#include <json-c/json.h>

#define API_VERSION "1.41" /* what Debian's docker CLI speaks */
#define API_MIN_VERSION "1.24"
#define API_MAX_BODY (1024 * 1024) /* JSON bodies; import streams */

/* One request on a connection, and how it is being answered. */
struct http_req {
    int fd; /* the client's socket */
    char method[8];
    char path[2048]; /* decoded, without /v1.NN and the query */
    char query[4096]; /* raw, after '?' */
    long long content_length; /* -1: none */
    bool chunked; /* Transfer-Encoding: chunked */
    bool upgrade; /* Upgrade: tcp (attach, exec start) */
    bool keep_alive;
    bool head;
    char content_type[128];
    /* the connection's read buffer: bytes after the request head */
    char *buf;
    size_t have, off, cap;
    bool body_read; /* the body is consumed (or read into body) */
    char *body;
    size_t body_len;
    /* the answer */
    int status; /* 0: none sent yet */
    bool streaming; /* chunked answer begun */
    bool hijacked; /* the socket is a raw stream now */
};

/* ---- serve.c: reading the request, writing the answer ------------------ */
/* Query value of key, decoded, into buf: true when present. */
bool http_query(const struct http_req *r, const char *key, char *buf,
                size_t size);
/* A query flag: 1, true, True (absent: dflt). */
bool http_query_bool(const struct http_req *r, const char *key, bool dflt);
/* Read the whole body (at most API_MAX_BODY): 0, or -1 with an answer
 * (413, 400) sent. */
int http_read_body(struct http_req *r);
/* The body as JSON (an empty body is an empty object): NULL with a 400
 * answer sent. */
json_object *http_body_json(struct http_req *r);
/* Copy the body (Content-Length or chunked) to fd: bytes, or -1. */
long long http_body_to_fd(struct http_req *r, int fd);
void http_respond(struct http_req *r, int status, const char *type,
                  const char *body, size_t len);
/* A JSON answer; o is put. */
void http_json(struct http_req *r, int status, json_object *o);
/* {"message": ...} with Content-Type: application/json, exactly. */
void http_error(struct http_req *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The recorded error (ct_fail and mc_error_code) as the status a Docker
 * client expects: 404 for what is not there, 409 for a conflict, 400 for
 * bad input, 500 for the rest. The error slot is cleared. */
void http_fail(struct http_req *r);
/* A chunked answer: headers now, chunks later (-1: the client is gone). */
int http_stream_begin(struct http_req *r, int status, const char *type);
int http_stream_write(struct http_req *r, const char *data, size_t len);
void http_stream_end(struct http_req *r);
/* Take the socket: 101 UPGRADED (with Upgrade: tcp) or 200 and a raw
 * stream until close (dockerode's attach without Upgrade). The
 * connection ends after the handler. Returns the fd. */
int http_hijack(struct http_req *r, const char *type);
/* Has the client hung up? (poll POLLRDHUP, no wait) */
bool http_client_gone(const struct http_req *r);
/* Send all of buf on a hijacked socket: 0, or -1. */
int http_send_all(int fd, const void *buf, size_t len);

/* ---- the handlers ------------------------------------------------------ */
typedef void api_handler(struct http_req *r, char **args);
/* api.c */
api_handler api_container_create, api_container_list, api_container_inspect,
    api_container_start, api_container_stop, api_container_kill,
    api_container_restart, api_container_pause, api_container_unpause,
    api_container_rename, api_container_resize, api_container_wait,
    api_container_attach, api_container_logs, api_container_top,
    api_container_stats, api_container_delete;
/* api_exec.c */
api_handler api_exec_create, api_exec_start, api_exec_inspect, api_exec_resize;
/* api_system.c */
api_handler api_ping, api_version, api_info, api_events, api_images_list,
    api_image_inspect, api_image_history, api_image_delete, api_image_create,
    api_image_load, api_image_get, api_image_tag, api_volumes_list,
    api_volume_create, api_volume_inspect, api_volume_delete, api_networks_list,
    api_network_inspect, api_not_yet;

/* Find the container named by a path's {id}: 0, or -1 with a 404 sent. */
int api_find(struct http_req *r, const char *key, struct container *c);
/* Docker's image reference to minictr's image name ("busybox:latest",
 * "docker.io/library/busybox" -> "busybox"): false if minictr cannot name
 * it (a tag other than latest). */
bool api_image_name(const char *ref, char *buf, size_t size);
/* Docker's 64-hex image id, made from minictr's image name (no content
 * digest until the layer store), "sha256:…". */
void api_image_id(const char *name, char *buf, size_t size);

/* Run KIND PAYLOAD in a child process of our own — `minictr
 * __api-child`, exec'd: one thread, no lock of another thread's held —
 * with client (or -1) as its fd 4; returns its result, with its error
 * recorded here as ours. An fd the child sends with api_child_send_fd
 * goes to on_fd(arg, fd) (NULL: closed). See serve.c. */
int api_in_child(const char *kind, const char *payload, int client,
                 void (*on_fd)(void *arg, int fd), void *arg);
int api_child_send_fd(int fd);
/* The children's work: start ID (held: for attach and wait first), and
 * an exec described by a JSON job (client: its socket, -1 detached). */
int api_start_child(const char *id, bool hold);
int api_exec_child(const char *job, int client);

#endif
