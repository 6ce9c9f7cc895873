/*
 * events.c: what happens to containers, one JSON line per event, in the
 * shape of Docker's /events — and `minictr events` to watch them.
 *
 * Where events come from: whoever does the thing appends one line to
 * MINICTR_STATE/events.log. container_create writes `create`,
 * container_delete `destroy`, and the monitor (which is the only one that
 * signals, freezes and reaps the container) `start`, `kill`, `die`,
 * `stop`, `oom`, `pause`, `unpause`, `rename`. Each line is one write(2)
 * to a file opened O_APPEND, so lines from several monitors never mix.
 * The file is renamed to events.log.1 when it passes 1 MiB (a reader
 * follows the name, and reopens it when the inode changes): at most 2 MiB
 * of history, and two writers that rotate at once may lose the older half.
 * Simple on purpose: no daemon has to be running for events to be
 * recorded, so `minictr run -d` in a terminal shows up in `docker events`
 * through the API server too.
 *
 *   {"status":"die","id":"…","from":"busybox","Type":"container",
 *    "Action":"die","Actor":{"ID":"…","Attributes":{"exitCode":"0",
 *    "image":"busybox","name":"web"}},"scope":"local","time":1764573513,
 *    "timeNano":1764573513123456789}
 *
 * Readers (`minictr events`, GET /events in api_system.c) read the file
 * from the start when asked for events `--since` a time, else from its
 * end, and then follow it with inotify(7) until `--until` or until the
 * reader goes away.
 *
 * Read: inotify(7), open(2) O_APPEND.
 * Try:  sudo minictr events & sudo minictr run --rm busybox true
 * See:  create, start, die (exitCode=0), destroy: one line each.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVENTS_MAX_BYTES (1024 * 1024)

static void
events_path(char *buf, size_t size, const char *suffix)
{
    snprintf(buf, size, "%s/events.log%s", mc_state_dir(), suffix);
}

void
events_append(const struct container *c, const char *action, const char *key,
              const char *value)
{
    json_object *o = json_object_new_object(), *actor, *attrs;
    char path[4200], old[4300];
    const char *line;
    int64_t now = mc_now_ns();
    struct stat st;
    size_t len;
    int fd;

    attrs = json_object_new_object();
    if (key)
        json_object_object_add(attrs, key, json_object_new_string(value));
    json_object_object_add(attrs, "image",
                           json_object_new_string(c->image ? c->image : ""));
    json_object_object_add(attrs, "name", json_object_new_string(c->name));
    actor = json_object_new_object();
    json_object_object_add(actor, "ID", json_object_new_string(c->id));
    json_object_object_add(actor, "Attributes", attrs);
    json_object_object_add(o, "status", json_object_new_string(action));
    json_object_object_add(o, "id", json_object_new_string(c->id));
    json_object_object_add(o, "from",
                           json_object_new_string(c->image ? c->image : ""));
    json_object_object_add(o, "Type", json_object_new_string("container"));
    json_object_object_add(o, "Action", json_object_new_string(action));
    json_object_object_add(o, "Actor", actor);
    json_object_object_add(o, "scope", json_object_new_string("local"));
    json_object_object_add(o, "time", json_object_new_int64(now / 1000000000));
    json_object_object_add(o, "timeNano", json_object_new_int64(now));
    line = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    events_path(path, sizeof(path), "");
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        char buf[8192];
        len = (size_t)snprintf(buf, sizeof(buf), "%s\n", line);
        /* One write: O_APPEND puts it at the end, whole. */
        if (len < sizeof(buf))
            (void)!write(fd, buf, len);
        if (fstat(fd, &st) == 0 && st.st_size > EVENTS_MAX_BYTES) {
            events_path(old, sizeof(old), ".1");
            rename(path, old);
        }
        close(fd);
    }
    json_object_put(o);
}

/* ---- reading ----------------------------------------------------------- */

/* Does the event line pass the query's filters and times? */
static bool
wanted(const struct event_query *q, const char *line, int64_t *when)
{
    json_object *o = json_tokener_parse(line), *v, *actor, *attrs;
    bool ok = o != NULL;

    *when = 0;
    if (ok && json_object_object_get_ex(o, "timeNano", &v))
        *when = json_object_get_int64(v);
    if (ok && q->since && *when < q->since)
        ok = false;
    if (ok && q->until && *when > q->until)
        ok = false;
    if (ok && q->type[0] && strcmp(q->type, "container"))
        ok = false;
    if (ok && q->action[0] && json_object_object_get_ex(o, "Action", &v))
        ok = !strcmp(json_object_get_string(v), q->action);
    if (ok && q->container[0]) {
        const char *id = "", *name = "";
        if (json_object_object_get_ex(o, "Actor", &actor)) {
            if (json_object_object_get_ex(actor, "ID", &v))
                id = json_object_get_string(v);
            if (json_object_object_get_ex(actor, "Attributes", &attrs) &&
                json_object_object_get_ex(attrs, "name", &v))
                name = json_object_get_string(v);
        }
        ok = !strcmp(name, q->container) ||
            !strncmp(id, q->container, strlen(q->container));
    }
    json_object_put(o);
    return ok;
}

/* Pass each whole line of fd (from where it is) through the query. */
static int
read_events(const struct event_query *q, int fd, char *buf, size_t size,
            size_t *have, int (*emit)(void *, const char *), void *arg)
{
    ssize_t n;

    while ((n = read(fd, buf + *have, size - 1 - *have)) > 0) {
        char *p = buf, *nl;
        *have += (size_t)n;
        buf[*have] = '\0';
        while ((nl = memchr(p, '\n', *have - (size_t)(p - buf)))) {
            int64_t when;
            *nl = '\0';
            if (wanted(q, p, &when) && emit(arg, p) == -1)
                return -1;
            if (q->until && when > q->until)
                return 1;
            p = nl + 1;
        }
        *have -= (size_t)(p - buf);
        memmove(buf, p, *have);
        if (*have == size - 1)
            *have = 0;
    }
    return 0;
}

int
events_follow(const struct event_query *q, int (*emit)(void *, const char *),
              void *arg, int stop_fd)
{
    char path[4200], old[4300], buf[16384], dir[4096];
    size_t have = 0;
    int fd, in, rc = 0;
    struct stat now, cur;

    events_path(path, sizeof(path), "");
    events_path(old, sizeof(old), ".1");
    snprintf(dir, sizeof(dir), "%s", mc_state_dir());
    if (ct_mkdir_p(dir, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", dir);
    in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (in == -1 ||
        inotify_add_watch(in, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) == -1) {
        if (in != -1)
            close(in);
        return ct_fail_errno("inotify on '%s'", dir);
    }
    /* History first (the rotated file, then the current one), when a
     * start time is asked for; else only what comes from now on. */
    if (q->since) {
        fd = open(old, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            rc = read_events(q, fd, buf, sizeof(buf), &have, emit, arg);
            close(fd);
            have = 0;
        }
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_CREAT, 0600);
    if (fd == -1) {
        close(in);
        return ct_fail_errno("open '%s'", path);
    }
    if (!q->since)
        lseek(fd, 0, SEEK_END);
    while (rc == 0) {
        struct pollfd p[2] = {{in, POLLIN, 0}, {stop_fd, POLLRDHUP, 0}};
        char ev[4096];
        int64_t left = q->until ? (q->until - mc_now_ns()) / 1000000 : -1;

        rc = read_events(q, fd, buf, sizeof(buf), &have, emit, arg);
        if (rc != 0 || (q->until && left <= 0))
            break;
        if (stat(path, &now) == 0 && fstat(fd, &cur) == 0 &&
            now.st_ino != cur.st_ino) {
            int nfd = open(path, O_RDONLY | O_CLOEXEC);
            if (nfd >= 0) { /* rotated: go on in the new file */
                close(fd);
                fd = nfd;
                have = 0;
                continue;
            }
        }
        if (poll(p, stop_fd >= 0 ? 2 : 1, left > 0 ? (int)left + 1 : -1) ==
                -1 &&
            errno != EINTR)
            break;
        if (p[1].revents)
            break; /* the reader went away */
        while (read(in, ev, sizeof(ev)) > 0)
            ;
    }
    close(fd);
    close(in);
    return rc == -1 ? -1 : 0;
}

/* ---- minictr events ---------------------------------------------------- */

/* Docker's CLI line: TIME container ACTION ID (key=value, ...). */
static int
print_event(void *arg, const char *line)
{
    json_object *o = json_tokener_parse(line), *v, *actor, *attrs;
    char when[64];
    bool first = true;

    (void)arg;
    if (!o)
        return 0;
    if (mc_json) {
        printf("%s\n", line);
    } else {
        json_object_object_get_ex(o, "timeNano", &v);
        mc_format_time(json_object_get_int64(v), when, sizeof(when));
        json_object_object_get_ex(o, "Action", &v);
        printf("%s container %s ", when, json_object_get_string(v));
        if (json_object_object_get_ex(o, "Actor", &actor)) {
            json_object_object_get_ex(actor, "ID", &v);
            printf("%s (", json_object_get_string(v));
            if (json_object_object_get_ex(actor, "Attributes", &attrs)) {
                json_object_object_foreach(attrs, key, val)
                {
                    printf("%s%s=%s", first ? "" : ", ", key,
                           json_object_get_string(val));
                    first = false;
                }
            }
            printf(")");
        }
        printf("\n");
    }
    json_object_put(o);
    return fflush(stdout) == EOF ? -1 : 0;
}

/* "10m", a Unix time, or an RFC 3339 time: nanoseconds since the epoch. */
static int
parse_when(const char *s, int64_t *out)
{
    char *end;
    double v = strtod(s, &end);

    if (end != s && *end == '\0') {
        *out = (int64_t)(v * 1e9);
        return 0;
    }
    if (end != s && end[1] == '\0' && strchr("smh", *end) && v >= 0) {
        *out = mc_now_ns() -
            (int64_t)(v *
                      (*end == 's'       ? 1
                           : *end == 'm' ? 60
                                         : 3600) *
                      1e9);
        return 0;
    }
    *out = mc_parse_time(s);
    if (*out < 0)
        return mc_usage_error("bad time '%s': give 10m, a Unix time or an "
                              "RFC 3339 time",
                              s);
    return 0;
}

int
events_parse_filter(struct event_query *q, const char *key, const char *value)
{
    if (!strcmp(key, "type"))
        snprintf(q->type, sizeof(q->type), "%s", value);
    else if (!strcmp(key, "container"))
        snprintf(q->container, sizeof(q->container), "%s", value);
    else if (!strcmp(key, "event"))
        snprintf(q->action, sizeof(q->action), "%s", value);
    else
        return mc_usage_error("bad filter '%s' (known: type, container, "
                              "event)",
                              key);
    return 0;
}

int
cmd_events(int argc, char **argv)
{
    struct event_query q = {0};

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) {
            printf("usage: minictr [--json] events [--since T] [--until T] "
                   "[--filter type=container|container=NAME|event=ACTION]"
                   "\n\nPrints each container event as it happens (with "
                   "--since, the past ones first).\n");
            return 0;
        }
        if (!v ||
            (strcmp(a, "--since") && strcmp(a, "--until") &&
             strcmp(a, "--filter") && strcmp(a, "-f")))
            return mc_usage_error("usage: minictr events [--since T] "
                                  "[--until T] [--filter KEY=VALUE]");
        i++;
        if (!strcmp(a, "--since") && parse_when(v, &q.since) == -1)
            return -1;
        if (!strcmp(a, "--until") && parse_when(v, &q.until) == -1)
            return -1;
        if (a[1] == 'f' || !strcmp(a, "--filter")) {
            char key[32];
            const char *eq = strchr(v, '=');
            if (!eq || eq - v >= (int)sizeof(key))
                return mc_usage_error("bad --filter '%s': KEY=VALUE", v);
            snprintf(key, sizeof(key), "%.*s", (int)(eq - v), v);
            if (events_parse_filter(&q, key, eq + 1) == -1)
                return -1;
        }
    }
    return events_follow(&q, print_event, NULL, -1);
}
