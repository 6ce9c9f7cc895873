/*
 * serve.c: `minictr serve` — the Docker Engine API on a Unix socket, so
 * the real `docker` CLI and dockerode drive minictr.
 *
 *   the socket      MINICTR_STATE/docker.sock (default /run/minictr), or
 *                   --socket PATH; mode 0660, group `minictr` if there is
 *                   one: whoever may connect may start a container with
 *                   any bind mount, so the socket is root-equivalent, and
 *                   the kernel checks its mode at connect(2)
 *   HTTP/1.1        written here, a few hundred lines: a request line,
 *                   headers, a body (Content-Length or chunked),
 *                   keep-alive; answers with a length, chunked (wait,
 *                   logs -f, events: the headers go out at once), or the
 *                   socket itself (attach and exec: "hijacked")
 *   a thread        per connection: `docker run` holds three at once
 *                   (attach, wait, start), and a blocked wait must not
 *                   stop anyone else
 *   the router      a table: method, path pattern, handler (api*.c); an
 *                   optional /v1.NN prefix is dropped
 *
 * This is a front door (../shared/ROADMAP.md, "One core, many doors"):
 * the handlers parse JSON and query strings into a struct container and
 * call the same core functions as the command line (container_create,
 * container_start, the monitor's control socket). No clone, mount or
 * cgroup is made here. A container made through the API is the one
 * `minictr ps` shows, and the monitors hold the containers: this server
 * can stop, or be killed, and start again without them noticing.
 *
 * Threads and the core. The core was written for one thread. What we did
 * about it:
 *   - the error slot (ct_fail in src/lib/ct.c, mc_error_code in main.c)
 *     is _Thread_local, so one request's error is never another's;
 *     strtok became strtok_r, temporary record names carry the thread id;
 *   - whatever forks without exec — container_start forks a monitor, exec
 *     joins a pid namespace and forks — runs in a child process of its own
 *     (api_in_child). A fork copies only the calling thread, and a lock of
 *     the C library that another thread held at that moment stays held
 *     for good in the copy (we met gmtime_r's: 1 start in 100 hung). So
 *     the child comes from the *forker*, a process made first of all,
 *     while we had one thread (forker_loop): one thread, no lock held, and
 *     it hands its child only fd 3 (the channel back) and fd 4 (the
 *     client), so a monitor does not hold other clients' sockets open for
 *     its whole life. Without a forker, the child moves those two fds and
 *     execs minictr again (`minictr __api-child`): safe too, about 1 ms
 *     dearer. The child does the one thing and reports back on fd 3. The
 *     monitor's parent is then that child, which exits: the monitor is
 *     nobody's child here, exactly as after `minictr run -d`;
 *   - fork + exec (import's minictr-unpack) is safe from a thread as it
 *     is: every fd of ours is O_CLOEXEC.
 * Why not libmicrohttpd (Debian's 0.9.75 does all of this: see
 * ../shared/reference/docker-api/SUMMARY.md)? The hijacked stream and the
 * early headers of /wait are the lesson here, and in our own code they are
 * "stop parsing, keep the fd" and "write the headers, then block"; no new
 * library (and its gnutls) is linked into bin/minictr, whose `run` stays
 * as fast as before; and a student reads HTTP as the text it is.
 *
 * Read: unix(7) (SO_PEERCRED, permissions), RFC 9112 (HTTP/1.1 message
 *       syntax, chunked), pthread_create(3), fork(2) "multithreaded".
 * Try:  sudo minictr serve &
 *       sudo curl -s --unix-socket /run/minictr/docker.sock localhost/_ping
 *       sudo DOCKER_HOST=unix:///run/minictr/docker.sock docker run --rm busybox echo hi
 * See:  `minictr serve --log` prints each request: create, attach (101),
 *       wait (200, its headers at once), start (204) — three connections
 *       open at the same time.
 */
#include "api.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HEAD_MAX 65536 /* request line and headers */
#define MAX_CONNECTIONS 512

static int nconnections; /* open connections, under conn_lock */
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static bool log_requests;

/* ---- the router -------------------------------------------------------- */

struct route {
    const char *method; /* GET, POST, DELETE; HEAD is GET's */
    const char *pattern; /* "*" matches one path segment */
    api_handler *fn;
};

static const struct route routes[] = {
    {"GET", "/_ping", api_ping},
    {"GET", "/version", api_version},
    {"GET", "/info", api_info},
    {"GET", "/events", api_events},
    {"POST", "/containers/create", api_container_create},
    {"GET", "/containers/json", api_container_list},
    {"GET", "/containers/*/json", api_container_inspect},
    {"POST", "/containers/*/start", api_container_start},
    {"POST", "/containers/*/stop", api_container_stop},
    {"POST", "/containers/*/kill", api_container_kill},
    {"POST", "/containers/*/restart", api_container_restart},
    {"POST", "/containers/*/pause", api_container_pause},
    {"POST", "/containers/*/unpause", api_container_unpause},
    {"POST", "/containers/*/rename", api_container_rename},
    {"POST", "/containers/*/resize", api_container_resize},
    {"POST", "/containers/*/wait", api_container_wait},
    {"POST", "/containers/*/attach", api_container_attach},
    {"GET", "/containers/*/logs", api_container_logs},
    {"GET", "/containers/*/top", api_container_top},
    {"GET", "/containers/*/stats", api_container_stats},
    {"DELETE", "/containers/*", api_container_delete},
    {"POST", "/containers/*/exec", api_exec_create},
    {"POST", "/exec/*/start", api_exec_start},
    {"GET", "/exec/*/json", api_exec_inspect},
    {"POST", "/exec/*/resize", api_exec_resize},
    {"GET", "/images/json", api_images_list},
    {"POST", "/images/create", api_image_create},
    {"GET", "/images/*/json", api_image_inspect},
    {"GET", "/images/*/history", api_image_history},
    {"DELETE", "/images/*", api_image_delete},
    {"GET", "/volumes", api_volumes_list},
    {"POST", "/volumes/create", api_volume_create},
    {"GET", "/volumes/*", api_volume_inspect},
    {"DELETE", "/volumes/*", api_volume_delete},
    {"GET", "/networks", api_networks_list},
    {"GET", "/networks/*", api_network_inspect},
    /* What other issues bring: a clear 501 until then. */
    {"POST", "/images/load", api_image_load},
    {"GET", "/images/get", api_image_get},
    {"GET", "/images/*/get", api_image_get},
    {"POST", "/images/*/tag", api_image_tag},
    {"POST", "/images/*/push", api_not_yet},
    {"POST", "/networks/create", api_not_yet},
    {"POST", "/networks/*/connect", api_not_yet},
    {"POST", "/build", api_not_yet},
    {"GET", "/containers/*/archive", api_not_yet},
    {"PUT", "/containers/*/archive", api_not_yet},
    {"GET", "/containers/*/changes", api_not_yet},
};

/* Match path against pattern; the "*" segments go into args. */
static bool
match(const char *pattern, char *path, char **args, int max)
{
    int n = 0;

    while (*pattern && *path) {
        if (*pattern == '*') {
            size_t len = strcspn(path, "/");
            if (len == 0 || n == max)
                return false;
            args[n++] = path;
            path += len;
            pattern++;
            if (*path == '/' && *pattern == '/') {
                *path++ = '\0';
                pattern++;
            } else if (*path == '\0' && *pattern == '\0') {
                return true;
            } else {
                return false;
            }
            continue;
        }
        if (*pattern++ != *path++)
            return false;
    }
    return *pattern == '\0' && *path == '\0';
}

static void
route(struct http_req *r)
{
    const char *method = r->head ? "GET" : r->method;
    bool path_known = false;

    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        char path[sizeof(r->path)], *args[4] = {0};
        memcpy(path, r->path, sizeof(path));
        if (!match(routes[i].pattern, path, args, 4))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, method) != 0)
            continue;
        routes[i].fn(r, args);
        return;
    }
    if (path_known)
        http_error(r, 405, "%s is not allowed on %s", r->method, r->path);
    else
        http_error(r, 404, "page not found: %s %s", r->method, r->path);
}

/* ---- reading a request ------------------------------------------------- */

/* More bytes into the connection's buffer: its count, 0 at EOF, -1. */
static ssize_t
fill(struct http_req *r)
{
    ssize_t n;

    if (r->off > 0 && r->off == r->have)
        r->off = r->have = 0;
    if (r->have == r->cap) {
        if (r->off == 0)
            return -1; /* full: a head too long */
        memmove(r->buf, r->buf + r->off, r->have - r->off);
        r->have -= r->off;
        r->off = 0;
    }
    while ((n = recv(r->fd, r->buf + r->have, r->cap - r->have, 0)) == -1 &&
           errno == EINTR)
        ;
    if (n > 0)
        r->have += (size_t)n;
    return n;
}

static int
hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
        : c >= 'a' && c <= 'f'  ? c - 'a' + 10
        : c >= 'A' && c <= 'F'  ? c - 'A' + 10
                                : -1;
}

/* %XX and '+' decoded, in place. */
static void
url_decode(char *s, bool plus)
{
    char *o = s;

    for (; *s; s++) {
        if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            *o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            s += 2;
        } else {
            *o++ = plus && *s == '+' ? ' ' : *s;
        }
    }
    *o = '\0';
}

bool
http_query(const struct http_req *r, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);

    for (const char *p = r->query; *p;) {
        size_t len = strcspn(p, "&");
        if (!strncmp(p, key, klen) && (p[klen] == '=' || klen == len)) {
            const char *v = p[klen] == '=' ? p + klen + 1 : p + len;
            snprintf(buf, size, "%.*s", (int)(p + len - v), v);
            url_decode(buf, true);
            return true;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return false;
}

bool
http_query_bool(const struct http_req *r, const char *key, bool dflt)
{
    char v[16];

    if (!http_query(r, key, v, sizeof(v)))
        return dflt;
    return !strcmp(v, "1") || !strcasecmp(v, "true") || !*v;
}

/* The request line and headers: 0, 1 at a clean EOF, -1 on bad input
 * (answered). */
static int
read_head(struct http_req *r)
{
    char *end, *line, *next, version[16] = "";
    size_t len;

    for (;;) {
        end = memmem(r->buf + r->off, r->have - r->off, "\r\n\r\n", 4);
        if (end)
            break;
        ssize_t n = fill(r);
        if (n == 0 && r->have == r->off)
            return 1;
        if (n <= 0) {
            if (n == -1 && r->have - r->off >= r->cap - 1)
                http_error(r, 431, "request header fields too large");
            return -1;
        }
    }
    *end = '\0';
    line = r->buf + r->off;
    r->off = (size_t)(end + 4 - r->buf);
    next = strstr(line, "\r\n");
    if (next)
        *next = '\0';
    {
        char target[sizeof(r->path) + sizeof(r->query)];
        if (sscanf(line, "%7s %6143s %15s", r->method, target, version) != 3 ||
            strncmp(version, "HTTP/1.", 7)) {
            r->keep_alive = false;
            http_error(r, 400, "bad request line");
            return -1;
        }
        r->keep_alive = strcmp(version, "HTTP/1.0") != 0;
        char *q = strchr(target, '?');
        if (q) {
            *q++ = '\0';
            snprintf(r->query, sizeof(r->query), "%s", q);
        }
        url_decode(target, false);
        /* /v1.41/containers/json -> /containers/json */
        char *path = target;
        if (path[0] == '/' && path[1] == 'v' && path[2] >= '0' &&
            path[2] <= '9') {
            char *slash = strchr(path + 1, '/');
            if (slash &&
                strspn(path + 2, "0123456789.") == (size_t)(slash - path - 2))
                path = slash;
        }
        len = strlen(path);
        while (len > 1 && path[len - 1] == '/')
            path[--len] = '\0';
        snprintf(r->path, sizeof(r->path), "%s", path);
    }
    r->head = !strcmp(r->method, "HEAD");
    for (line = next ? next + 2 : NULL; line && *line; line = next) {
        char *colon, *value;
        next = strstr(line, "\r\n");
        if (next) {
            *next = '\0';
            next += 2;
        }
        colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        value = colon + 1 + strspn(colon + 1, " \t");
        if (!strcasecmp(line, "Content-Length")) {
            char *e;
            r->content_length = strtoll(value, &e, 10);
            if (*e || r->content_length < 0) {
                r->keep_alive = false;
                http_error(r, 400, "bad Content-Length");
                return -1;
            }
        } else if (!strcasecmp(line, "Transfer-Encoding")) {
            r->chunked = strcasestr(value, "chunked") != NULL;
        } else if (!strcasecmp(line, "Connection")) {
            if (strcasestr(value, "close"))
                r->keep_alive = false;
            if (strcasestr(value, "keep-alive"))
                r->keep_alive = true;
        } else if (!strcasecmp(line, "Upgrade")) {
            r->upgrade = strcasestr(value, "tcp") != NULL;
        } else if (!strcasecmp(line, "Content-Type")) {
            snprintf(r->content_type, sizeof(r->content_type), "%s", value);
        }
    }
    if (r->content_length < 0 && !r->chunked)
        r->body_read = true; /* nothing to read */
    return 0;
}

/* Up to size body bytes into dst: the count, 0 at the end, -1. */
static ssize_t
body_read(struct http_req *r, char *dst, size_t size, long long *left)
{
    size_t n;

    if (*left == 0 && r->chunked) {
        /* the next chunk's size line: "1a2b\r\n" (extensions ignored) */
        char *crlf;
        while (!(crlf = memmem(r->buf + r->off, r->have - r->off, "\r\n", 2)))
            if (fill(r) <= 0)
                return -1;
        *left = strtoll(r->buf + r->off, NULL, 16);
        r->off = (size_t)(crlf + 2 - r->buf);
        if (*left <= 0) { /* the last chunk, then trailers until \r\n */
            while (!memmem(r->buf + r->off, r->have - r->off, "\r\n", 2))
                if (fill(r) <= 0)
                    return -1;
            r->off = (size_t)((char *)memmem(r->buf + r->off, r->have - r->off,
                                             "\r\n", 2) +
                              2 - r->buf);
            *left = -1;
            return 0;
        }
    }
    if (*left <= 0)
        return 0;
    if (r->off == r->have && fill(r) <= 0)
        return -1;
    n = r->have - r->off;
    if ((long long)n > *left)
        n = (size_t)*left;
    if (n > size)
        n = size;
    memcpy(dst, r->buf + r->off, n);
    r->off += n;
    *left -= (long long)n;
    if (*left == 0 && r->chunked) { /* the chunk's own \r\n */
        while (r->have - r->off < 2)
            if (fill(r) <= 0)
                return -1;
        r->off += 2;
    }
    return (ssize_t)n;
}

long long
http_body_to_fd(struct http_req *r, int fd)
{
    char buf[65536];
    long long left = r->chunked ? 0 : r->content_length, total = 0;
    ssize_t n;

    if (r->body_read)
        return 0;
    r->body_read = true;
    while ((n = body_read(r, buf, sizeof(buf), &left)) > 0) {
        for (ssize_t off = 0, w; off < n; off += w) { /* a file: write */
            w = write(fd, buf + off, (size_t)(n - off));
            if (w <= 0 && errno != EINTR)
                return -1;
            w = w < 0 ? 0 : w;
        }
        total += n;
    }
    if (n == -1) {
        r->keep_alive = false;
        return -1;
    }
    return total;
}

int
http_read_body(struct http_req *r)
{
    long long left = r->chunked ? 0 : r->content_length;
    ssize_t n;

    if (r->body_read)
        return 0;
    r->body_read = true;
    if (!r->chunked && left > API_MAX_BODY) {
        r->keep_alive = false; /* we will not read it */
        http_error(r, 413, "request body too large (%lld bytes; at most %d)",
                   left, API_MAX_BODY);
        return -1;
    }
    r->body = malloc(API_MAX_BODY + 1);
    if (!r->body) {
        http_error(r, 500, "out of memory");
        return -1;
    }
    while ((n = body_read(r, r->body + r->body_len, API_MAX_BODY - r->body_len,
                          &left)) > 0) {
        r->body_len += (size_t)n;
        if (r->body_len == API_MAX_BODY && (left > 0 || r->chunked)) {
            r->keep_alive = false;
            http_error(r, 413, "request body too large (at most %d bytes)",
                       API_MAX_BODY);
            return -1;
        }
    }
    if (n == -1) {
        r->keep_alive = false;
        http_error(r, 400, "the request body ended early");
        return -1;
    }
    r->body[r->body_len] = '\0';
    return 0;
}

json_object *
http_body_json(struct http_req *r)
{
    json_tokener *tok;
    json_object *o;

    if (http_read_body(r) == -1)
        return NULL;
    if (r->body_len == 0 || strspn(r->body, " \t\r\n") == r->body_len)
        return json_object_new_object();
    tok = json_tokener_new();
    o = json_tokener_parse_ex(tok, r->body, (int)r->body_len);
    if (!o || tok->char_offset < (int)r->body_len) {
        enum json_tokener_error err = json_tokener_get_error(tok);
        const char *why = err == json_tokener_continue
            ? "the JSON ends early"
            : json_tokener_error_desc(err);
        http_error(r, 400, "malformed JSON in the request body at byte %d: %s",
                   tok->char_offset, o ? "junk after the value" : why);
        json_object_put(o);
        json_tokener_free(tok);
        return NULL;
    }
    json_tokener_free(tok);
    if (!json_object_is_type(o, json_type_object)) {
        http_error(r, 400, "the request body must be a JSON object");
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* ---- writing the answer ------------------------------------------------ */

int
http_send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static const char *
reason(int status)
{
    switch (status) {
    case 101: return "UPGRADED";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}

/* The status line and our headers; extra ends with \r\n or is "". */
static int
send_head(struct http_req *r, int status, const char *type, const char *extra)
{
    char head[1024];
    int n;

    r->status = status;
    n = snprintf(head, sizeof(head),
                 "HTTP/1.1 %d %s\r\n"
                 "Api-Version: " API_VERSION "\r\n"
                 "Docker-Experimental: false\r\n"
                 "Ostype: linux\r\n"
                 "Server: minictr\r\n"
                 "%s%s%s"
                 "%s"
                 "\r\n",
                 status, reason(status), type ? "Content-Type: " : "",
                 type ? type : "", type ? "\r\n" : "", extra);
    if (log_requests) {
        char line[3000];
        int len = snprintf(line, sizeof(line), "minictr serve: %s %s%s%s %d\n",
                           r->method, r->path, r->query[0] ? "?" : "", r->query,
                           status);
        (void)!write(2, line, len < (int)sizeof(line) ? (size_t)len : 0);
    }
    return http_send_all(r->fd, head, (size_t)n);
}

void
http_respond(struct http_req *r, int status, const char *type, const char *body,
             size_t len)
{
    char extra[128];

    if (r->status)
        return; /* answered already */
    snprintf(extra, sizeof(extra), "Content-Length: %zu\r\n%s", len,
             r->keep_alive ? "" : "Connection: close\r\n");
    if (status == 204 || status == 304)
        snprintf(extra, sizeof(extra), "%s",
                 r->keep_alive ? "" : "Connection: close\r\n");
    if (send_head(r, status, len || status >= 400 ? type : NULL, extra) == -1) {
        r->keep_alive = false;
        return;
    }
    if (!r->head && len && status != 204 && status != 304 &&
        http_send_all(r->fd, body, len) == -1)
        r->keep_alive = false;
}

void
http_json(struct http_req *r, int status, json_object *o)
{
    const char *s = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *body;
    size_t len = strlen(s);

    /* Docker ends each JSON answer with a newline (curl shows it). */
    body = malloc(len + 2);
    if (body) {
        memcpy(body, s, len);
        body[len++] = '\n';
        http_respond(r, status, "application/json", body, len);
        free(body);
    }
    json_object_put(o);
}

void
http_error(struct http_req *r, int status, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    json_object *o = json_object_new_object();

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_object_add(o, "message", json_object_new_string(msg));
    /* "application/json" exactly: with "; charset=utf-8" the docker CLI
     * prints the raw JSON instead of the message. */
    http_json(r, status, o);
}

void
http_fail(struct http_req *r)
{
    const char *code = mc_get_error_code();
    int status = 500;

    if (!strcmp(code, "no_such_container") || !strcmp(code, "no_such_image") ||
        !strcmp(code, "no_such_volume") || !strcmp(code, "no_such_file") ||
        !strcmp(code, "no_such_rootfs") || !strcmp(code, "no_such_network"))
        status = 404;
    else if (!strcmp(code, "name_in_use") ||
             !strcmp(code, "container_running") ||
             !strcmp(code, "container_not_running") ||
             !strcmp(code, "container_paused") ||
             !strcmp(code, "container_not_paused") ||
             !strcmp(code, "image_in_use") || !strcmp(code, "image_exists") ||
             !strcmp(code, "volume_in_use") || !strcmp(code, "ambiguous_id") ||
             !strcmp(code, "port_in_use") || !strcmp(code, "address_in_use"))
        status = 409;
    else if (!strcmp(code, "usage") || !strcmp(code, "bad_archive") ||
             !strcmp(code, "command_not_found") ||
             !strcmp(code, "command_cannot_run") ||
             !strcmp(code, "no_such_controller"))
        status = 400;
    if (*ct_error_hint())
        http_error(r, status, "%s (hint: %s)", ct_error_message(),
                   ct_error_hint());
    else
        http_error(r, status, "%s",
                   *ct_error_message() ? ct_error_message() : "failed");
    ct_clear_error();
    mc_error_code(NULL);
}

int
http_stream_begin(struct http_req *r, int status, const char *type)
{
    if (r->head) {
        http_respond(r, status, type, "", 0);
        return -1;
    }
    r->streaming = true;
    if (send_head(r, status, type, "Transfer-Encoding: chunked\r\n") == -1) {
        r->keep_alive = false;
        return -1;
    }
    return 0;
}

int
http_stream_write(struct http_req *r, const char *data, size_t len)
{
    char size[32];
    int n;

    if (len == 0)
        return 0;
    n = snprintf(size, sizeof(size), "%zx\r\n", len);
    if (http_send_all(r->fd, size, (size_t)n) == -1 ||
        http_send_all(r->fd, data, len) == -1 ||
        http_send_all(r->fd, "\r\n", 2) == -1) {
        r->keep_alive = false;
        return -1;
    }
    return 0;
}

void
http_stream_end(struct http_req *r)
{
    if (r->streaming && http_send_all(r->fd, "0\r\n\r\n", 5) == -1)
        r->keep_alive = false;
    r->streaming = false;
}

int
http_hijack(struct http_req *r, const char *type)
{
    /* What dockerd sends; with Upgrade the CLI wants exactly 101. */
    if (r->upgrade)
        send_head(r, 101, type, "Connection: Upgrade\r\nUpgrade: tcp\r\n");
    else
        send_head(r, 200, type, "Connection: close\r\n");
    r->hijacked = true;
    r->keep_alive = false;
    /* Bytes the client sent after the head (stdin) go first. */
    return r->fd;
}

bool
http_client_gone(const struct http_req *r)
{
    struct pollfd p = {r->fd, POLLRDHUP, 0};

    /* A hijacked client may close its side for writing (end of its
     * stdin) and still read: only a full hang-up counts then. */
    return poll(&p, 1, 0) == 1 &&
        (p.revents & (POLLHUP | POLLERR | (r->hijacked ? 0 : POLLRDHUP)));
}

/* ---- a child process for what forks ------------------------------------ */

/* In the child: its channel to the thread that asked (fd 3). */
static int child_chan = -1;
/* The forker's socket, on the server's side (-1: none, exec instead). */
static int forker = -1;

int
api_child_send_fd(int fd)
{
    return tty_send_fd(child_chan, 'T', fd);
}

/* The child's work, in a process of one thread with fd 3 its channel
 * and fd 4 the client (if any); sends the R line. */
static int
child_work(const char *kind, const char *payload)
{
    char buf[4096];
    int rc, n;

    child_chan = 3;
    if (!strcmp(kind, "start") || !strcmp(kind, "start-hold"))
        rc = api_start_child(payload, !strcmp(kind, "start-hold"));
    else
        rc = api_exec_child(payload, 4);
    n = snprintf(buf, sizeof(buf), "R%d\n%s\n%d\n%s\n%s", rc,
                 mc_get_error_code(), ct_error_errno(), ct_error_message(),
                 ct_error_hint());
    (void)!send(3, buf, n < (int)sizeof(buf) ? (size_t)n : 0, MSG_NOSIGNAL);
    ct_clear_error(); /* said on the channel */
    return 0;
}

/* Put chan at fd 3 and client (or nothing) at fd 4, close the rest. */
static int
fds_to_3_and_4(int chan, int client)
{
    int c = fcntl(chan, F_DUPFD, 100);
    int cl = client >= 0 ? fcntl(client, F_DUPFD, 100) : -1;

    if (c == -1 || dup2(c, 3) == -1 || (cl >= 0 && dup2(cl, 4) == -1))
        return -1;
    close_range(cl >= 0 ? 5 : 4, ~0U, 0);
    return 0;
}

/* The forker: made before the first thread, so it has one thread and no
 * lock of anyone's held; a fork of it is as safe as `minictr start`'s,
 * and cheaper than an exec (no program to load: about 1 ms less). It
 * reads one request per message: KIND\0PAYLOAD, with the reply channel
 * and the client's socket as SCM_RIGHTS; forks; goes on. It ends when the
 * server does (EOF on its socket). */
static _Noreturn void
forker_loop(int sock)
{
    static char buf[65536];

    signal(SIGCHLD, SIG_IGN); /* its children are nobody's to wait for */
    /* Ctrl-C in the server's terminal goes to the whole process group:
     * the forker stays, and ends when the server does. */
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    for (;;) {
        int fds[2] = {-1, -1}, nfds;
        ssize_t n = ct_recv_fds(sock, buf, sizeof(buf) - 1, fds, 2, &nfds);

        if (n <= 0)
            _exit(0);
        buf[n] = '\0';
        if (nfds >= 1 && fork() == 0) {
            sigset_t none;
            /* A child of ours starts as a command would: every signal
             * at its default, none blocked. */
            for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                    signal(sig, SIG_DFL);
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            close(sock);
            if (fds_to_3_and_4(fds[0], nfds > 1 ? fds[1] : -1) == -1)
                _exit(MC_EXIT_RUNNER);
            child_work(buf, buf + strlen(buf) + 1);
            _exit(0);
        }
        for (int i = 0; i < nfds; i++)
            close(fds[i]);
    }
}

static int
forker_start(void)
{
    int sp[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1)
        return ct_fail_errno("socketpair for the forker");
    pid = fork();
    if (pid == -1)
        return ct_fail_errno("fork the forker");
    if (pid == 0) {
        close(sp[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* and if we die: with us */
        forker_loop(sp[1]);
    }
    close(sp[1]);
    forker = sp[0];
    return 0;
}

/* Hand KIND PAYLOAD to the forker, with chan and client: 0, or -1. */
static int
forker_send(const char *kind, const char *payload, int chan, int client)
{
    size_t klen = strlen(kind) + 1, plen = strlen(payload) + 1;
    char *buf = malloc(klen + plen);
    int fds[2] = {chan, client}, rc;

    if (!buf)
        return -1;
    memcpy(buf, kind, klen);
    memcpy(buf + klen, payload, plen);
    rc = ct_send_fds(forker, buf, klen + plen, fds, client >= 0 ? 2 : 1);
    free(buf);
    return rc;
}

int
api_in_child(const char *kind, const char *payload, int client,
             void (*on_fd)(void *arg, int fd), void *arg)
{
    char *args[] = {"minictr", "__api-child", (char *)kind, (char *)payload,
                    NULL};
    int sp[2], status, rc = -1;
    char buf[4096];
    pid_t pid = -1;

    /* SOCK_SEQPACKET: one message per send, and fds can travel (the
     * pty of an exec, for resize). */
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1)
        return ct_fail_errno("socketpair");
    if (forker >= 0 && forker_send(kind, payload, sp[1], client) == 0)
        goto sent;
    /* No forker (or it is gone): fork and exec minictr again. */
    pid = fork();
    if (pid == -1) {
        close(sp[0]);
        close(sp[1]);
        return ct_fail_errno("fork");
    }
    if (pid == 0) {
        /* Only async-signal-safe calls from here to execve: another
         * thread may have held a lock of the C library at the fork, and
         * that lock is held for good in this copy (gmtime_r's was, and a
         * start hung 1 time in 100). The new program has no threads and
         * no held locks. The channel goes to fd 3, the client to fd 4. */
        sigset_t none;
        if (fds_to_3_and_4(sp[1], client) == -1)
            _exit(MC_EXIT_RUNNER);
        /* The container must not inherit the server's blocked signals
         * (it would ignore docker stop's SIGTERM). */
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv("/proc/self/exe", args);
        _exit(MC_EXIT_RUNNER);
    }
sent:
    close(sp[1]);
    for (;;) {
        int fd, nfds;
        ssize_t got = ct_recv_fds(sp[0], buf, sizeof(buf) - 1, &fd, 1, &nfds);

        if (got <= 0) {
            rc = ct_fail("the request's child process died");
            break;
        }
        buf[got] = '\0';
        if (buf[0] == 'T' && nfds == 1) {
            if (on_fd)
                on_fd(arg, fd);
            else
                close(fd);
            continue;
        }
        if (nfds == 1)
            close(fd); /* an fd with any other message: not ours to keep */
        if (buf[0] != 'R')
            continue;
        /* R<rc>\n<code>\n<errno>\n<message>\n<hint> */
        char *lines[5] = {buf + 1, NULL, NULL, NULL, NULL}, *q = buf + 1;
        for (int i = 1; i < 5 && q; i++) {
            q = strchr(q, '\n');
            if (q) {
                *q++ = '\0';
                lines[i] = q;
            }
        }
        rc = atoi(lines[0]);
        if (lines[3] && *lines[3]) {
            if (lines[1] && *lines[1])
                mc_error_code(strdup(lines[1]));
            ct_restore_error(lines[3], lines[2] ? atoi(lines[2]) : 0, lines[4]);
        }
        break;
    }
    close(sp[0]);
    while (pid > 0 && waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    return rc;
}

/* `minictr __api-child KIND PAYLOAD`: the child's side, a fresh program.
 * fd 3 is the channel back; fd 4 the client's socket, if any. */
int
cmd_api_child(int argc, char **argv)
{
    if (argc != 3 || fcntl(3, F_GETFD) == -1)
        return mc_usage_error("%s", "__api-child is minictr serve's own");
    fcntl(3, F_SETFD, FD_CLOEXEC);
    if (fcntl(4, F_GETFD) != -1)
        fcntl(4, F_SETFD, FD_CLOEXEC);
    return child_work(argv[1], argv[2]);
}

/* ---- a connection ------------------------------------------------------ */

static void *
connection(void *arg)
{
    struct http_req r = {.fd = (int)(intptr_t)arg};
    static const size_t cap = HEAD_MAX;

    r.buf = malloc(cap);
    r.cap = cap;
    while (r.buf) {
        char *buf = r.buf;
        size_t have = r.have, off = r.off;
        int rc;

        r = (struct http_req){.fd = r.fd,
                              .buf = buf,
                              .have = have,
                              .off = off,
                              .cap = cap,
                              .content_length = -1};
        rc = read_head(&r);
        if (rc != 0)
            break;
        route(&r);
        ct_clear_error();
        mc_error_code(NULL);
        if (r.streaming)
            http_stream_end(&r);
        if (!r.status)
            http_error(&r, 500, "no answer");
        free(r.body);
        r.body = NULL;
        /* A body nobody read: read it away, or the next request would
         * start inside it. */
        if (!r.body_read && r.keep_alive) {
            int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (http_body_to_fd(&r, null) == -1)
                r.keep_alive = false;
            close(null);
        }
        if (!r.keep_alive || r.hijacked)
            break;
    }
    free(r.buf);
    free(r.body);
    close(r.fd);
    pthread_mutex_lock(&conn_lock);
    nconnections--;
    pthread_mutex_unlock(&conn_lock);
    return NULL;
}

/* ---- the socket -------------------------------------------------------- */

static int
listen_on(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct group *g = getgrnam("minictr");
    int fd, probe, dirfd;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return ct_fail_errno("socket");
    if (ctl_socket_address(path, &addr, &dirfd) == -1) {
        close(fd);
        return ct_fail_errno("socket path '%s'", path);
    }
    /* A socket file left by a server that was killed: nobody answers on
     * it, so it may go; one that answers is another server's. */
    probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 &&
        connect(probe, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
        close(probe);
        close(fd);
        if (dirfd >= 0)
            close(dirfd);
        mc_error_code("container_running");
        return ct_fail("another server listens on '%s'", path);
    }
    if (probe >= 0)
        close(probe);
    unlink(path);
    /* unix(7): connecting needs write permission on the socket file. The
     * umask makes it 0660 from the start: no moment at which anyone else
     * could connect. */
    mode_t old = umask(0117);
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    umask(old);
    if (dirfd >= 0)
        close(dirfd);
    if (rc == -1 || listen(fd, 128) == -1) {
        ct_fail_errno("bind '%s'", path);
        close(fd);
        return -1;
    }
    if (chmod(path, 0660) == -1 || (g && chown(path, 0, g->gr_gid) == -1)) {
        ct_fail_errno("chmod/chown '%s'", path);
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

static void
serve_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr serve [--socket PATH] [--log]\n"
            "\n"
            "The Docker Engine API (version " API_VERSION
            ") on a Unix socket, for the docker CLI\n"
            "and programs such as dockerode:\n"
            "  DOCKER_HOST=unix://PATH docker run --rm busybox echo hi\n"
            "\n"
            "  --socket PATH  where to listen (default "
            "$MINICTR_STATE/docker.sock,\n"
            "                 /run/minictr/docker.sock); mode 0660, group "
            "'minictr' if\n"
            "                 it exists: whoever may connect is root\n"
            "  --log          one line per request on stderr\n"
            "\n"
            "Stop it with Ctrl-C or SIGTERM: the containers keep running.\n");
}

int
cmd_serve(int argc, char **argv)
{
    char path[4096];
    pthread_attr_t attr;
    sigset_t mask;
    int lfd, sfd;

    snprintf(path, sizeof(path), "%s/docker.sock", mc_state_dir());
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            serve_usage(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--socket") && i + 1 < argc)
            snprintf(path, sizeof(path), "%s", argv[++i]);
        else if (!strcmp(argv[i], "--log"))
            log_requests = true;
        else
            return mc_usage_error("usage: minictr serve [--socket PATH] "
                                  "[--log]");
    }
    if (ct_mkdir_p(mc_state_dir(), 0700) == -1)
        return ct_fail_errno("mkdir '%s'", mc_state_dir());
    /* First of all, while we have one thread and no other fd: the forker
     * (see forker_loop). Without it, each child execs minictr again. */
    if (forker_start() == -1) {
        fprintf(stderr, "minictr serve: %s (going on without a forker)\n",
                ct_error_message());
        ct_clear_error();
    }
    /* SIGTERM and Ctrl-C are reads on sfd in this thread; every thread
     * made below inherits the mask, so none of them is interrupted. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    lfd = listen_on(path);
    if (lfd == -1 || sfd == -1)
        return -1;
    fprintf(stderr, "minictr serve: listening on %s (API " API_VERSION ")\n",
            path);
    containers_collect(); /* what a crash left, before the first client */
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    for (;;) {
        struct pollfd p[2] = {{lfd, POLLIN, 0}, {sfd, POLLIN, 0}};
        pthread_t t;
        int fd;

        if (poll(p, 2, -1) == -1 && errno != EINTR)
            break;
        if (p[1].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si) &&
                si.ssi_signo != SIGPIPE)
                break;
        }
        if (!p[0].revents)
            continue;
        fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd == -1)
            continue;
        pthread_mutex_lock(&conn_lock);
        if (nconnections >= MAX_CONNECTIONS) {
            pthread_mutex_unlock(&conn_lock);
            static const char busy[] =
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                "application/json\r\nContent-Length: 35\r\n"
                "Connection: close\r\n\r\n"
                "{\"message\":\"too many connections\"}";
            (void)!write(fd, busy, sizeof(busy) - 1);
            close(fd);
            continue;
        }
        nconnections++;
        pthread_mutex_unlock(&conn_lock);
        if (pthread_create(&t, &attr, connection, (void *)(intptr_t)fd) != 0) {
            close(fd);
            pthread_mutex_lock(&conn_lock);
            nconnections--;
            pthread_mutex_unlock(&conn_lock);
        }
    }
    /* Only the socket goes: the containers are the monitors' to hold. */
    unlink(path);
    fprintf(stderr, "minictr serve: stopped; the containers keep running\n");
    return 0;
}
