/*
 * container.c: the container core. Every front door (`run`, `create` and
 * `start`, later the OCI command line, the API server, compose) fills a
 * struct container and calls these four: create, start, (wait: ctl.c),
 * delete.
 *
 *   create   an id and a name, the record, the directories (07-overlay)
 *   start    the cgroups (03-cgroups), then a monitor (monitor.c) that
 *            clones the container (spawn.c) and holds it: in this process
 *            (`run` in the foreground) or in a child of its own that
 *            outlives us (`run -d`, `start`)
 *   delete   cgroups, directories, the record: in the reverse order
 *
 * The OCI door (oci.c) has its own record (its --root, as runc's) and no
 * monitor: container_spawn_held clones the container's first process from
 * the `create` process itself and returns once it waits on its exec FIFO;
 * create then exits and the process is its caller's child.
 *
 * Named first: every piece is written into the record before it is made,
 * so whatever moment a `kill -9` comes, `rm` and the collector
 * (containers.c) find it from the record and can undo it. The record is
 * the first thing written and the last thing removed.
 *
 * Alive or not: the monitor holds a lock on ID.lock in the state directory
 * for as long as it lives (an open file description lock, fcntl(2)
 * F_OFD_SETLK). The kernel drops it when the monitor dies, however it
 * dies, so "is the monitor alive?" is one F_OFD_GETLK — no pid that could
 * have been reused meanwhile.
 *
 * Read: fcntl(2) "Open file description locks", flock(2), fork(2).
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void
container_init(struct container *c)
{
    memset(c, 0, sizeof(*c));
    c->caps = caps_default();
    c->no_new_privs = true;
    c->seccomp = true;
    /* Docker keeps json-file logs unbounded by default; a container that
     * prints forever would fill the disk, so ours rotate at 10 MB and
     * keep 3 files unless --log-opt says otherwise. */
    c->log.max_size = 10 * 1024 * 1024;
    c->log.max_files = 3;
    c->keep_fd = -1;
    c->image = "";
    /* A user's container always has a user namespace: its root is you. */
    c->userns.mode = geteuid() == 0 ? USERNS_HOST : USERNS_ROOTLESS;
    /* Only lo, unless a door asks for a network (run's --network and its
     * default; a build's RUN keeps this). */
    c->net.mode = NET_NONE;
}

/* ---- names ------------------------------------------------------------- */

int
mc_lock_dir(const char *dir)
{
    char path[4200];
    int fd;

    /* The state directory is checked for a user (userns.c); other
     * directories (a network's leases) are simply made. */
    if (!strcmp(dir, mc_state_dir()) ? userns_make_state_dir() == -1
                                     : ct_mkdir_p(dir, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", dir);
    snprintf(path, sizeof(path), "%s/.lock", dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1)
        return ct_fail_errno("open '%s'", path);
    /* flock(2) blocks until every other minictr is out of its critical
     * section (for names: a name check and the record write that claims
     * it). The lock goes with the last descriptor: even at kill -9. */
    while (flock(fd, LOCK_EX) == -1)
        if (errno != EINTR) {
            close(fd);
            return ct_fail_errno("flock '%s'", path);
        }
    return fd;
}

int
container_lock_names(void)
{
    return mc_lock_dir(mc_state_dir());
}

void
container_unlock_names(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the last descriptor drops the lock */
}

static int
has_name(struct container *o, void *name)
{
    return !strcmp(o->name, name);
}

static bool
name_taken(const char *name)
{
    return state_each(has_name, (void *)name) != 0;
}

void
container_random_name(char *buf, size_t size)
{
    static const char *const adjectives[] = {
        "brave",  "calm",   "eager",  "fancy",  "gentle", "happy",
        "jolly",  "kind",   "lucid",  "merry",  "nifty",  "proud",
        "quirky", "serene", "tender", "vivid",  "witty",  "zealous",
        "bold",   "clever", "dreamy", "focused"};
    static const char *const people[] = {
        "lovelace", "turing",   "hopper",   "ritchie",  "thompson",
        "kerrisk",  "torvalds", "hamilton", "knuth",    "liskov",
        "dijkstra", "backus",   "allen",    "goldberg", "noether",
        "curie",    "meitner",  "shannon",  "wozniak",  "tanenbaum"};
    unsigned char r[2];

    if (getrandom(r, sizeof(r), 0) != sizeof(r))
        r[0] = r[1] = (unsigned char)getpid();
    snprintf(buf, size, "%s_%s",
             adjectives[r[0] % (sizeof(adjectives) / sizeof(char *))],
             people[r[1] % (sizeof(people) / sizeof(char *))]);
}

/* ---- create ------------------------------------------------------------ */

static int
make_id(struct container *c)
{
    unsigned char raw[MC_ID_LEN / 2];

    if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
        return ct_fail_errno("getrandom");
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(c->id + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

int
container_create(struct container *c)
{
    int lock;

    if (make_id(c) == -1)
        return -1;
    /* As Docker: the hostname is the short id unless --hostname says. */
    if (!c->hostname)
        c->hostname = strndup(c->id, 12);
    /* The host end of its veth, named from the id: in the record from
     * the first write on. */
    if (c->net.mode == NET_BRIDGE)
        snprintf(c->net.veth, sizeof(c->net.veth), "mctr-%.10s", c->id);
    snprintf(c->dir, sizeof(c->dir), "%s/containers/%s", mc_lib_dir(), c->id);
    c->created_ns = mc_now_ns();
    snprintf(c->status, sizeof(c->status), "%s", ST_CREATED);
    /* Its user namespace's map, and its cgroups' names too, so that `run`
     * writes the record once before the monitor does. */
    if (userns_plan(c) == -1 || cgroups_plan(c) == -1)
        return -1;

    lock = container_lock_names();
    if (lock == -1)
        return -1;
    if (c->name[0] && name_taken(c->name)) {
        container_unlock_names(lock);
        mc_error_code("name_in_use");
        return ct_fail("the name '%s' is taken: 'minictr rm %s' first", c->name,
                       c->name);
    }
    for (int tries = 0; !c->name[0] && tries < 50; tries++) {
        container_random_name(c->name, sizeof(c->name));
        if (name_taken(c->name))
            c->name[0] = '\0';
    }
    if (!c->name[0]) /* 50 names taken: the short id is free */
        snprintf(c->name, sizeof(c->name), "%.12s", c->id);
    /* The record first: from here on, whatever we make can be found. */
    if (state_write(c) == -1) {
        container_unlock_names(lock);
        return -1;
    }
    container_unlock_names(lock);
    if (overlay_prepare(c) == -1) {
        overlay_remove(c->dir);
        state_remove(c->id);
        return -1;
    }
    events_append(c, "create", NULL, NULL);
    return 0;
}

/* ---- alive or not ------------------------------------------------------ */

/* Open (creating) the lock file the monitor holds. */
static int
open_lock(const char *id, bool create)
{
    char path[4096];

    if (state_path(path, sizeof(path), id, ".lock") == -1)
        return -1;
    return open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
}

bool
container_monitor_alive(const struct container *c)
{
    return container_id_alive(c->id);
}

bool
container_id_alive(const char *id)
{
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd = open_lock(id, false);
    bool alive;

    if (fd == -1)
        return false;
    /* F_OFD_GETLK only asks: would this lock conflict with one held? */
    alive = fcntl(fd, F_OFD_GETLK, &lk) == 0 && lk.l_type != F_UNLCK;
    close(fd);
    return alive;
}

const char *
container_real_status(const struct container *c)
{
    if (strcmp(c->status, ST_RUNNING) && strcmp(c->status, ST_PAUSED) &&
        strcmp(c->status, ST_RESTARTING))
        return c->status;
    return container_monitor_alive(c) ? c->status : ST_DEAD;
}

/* ---- start ------------------------------------------------------------- */

/* Read the monitor's one line: {"pid":N} or {"error":{...},"exit":N}. */
static int
read_sync(int fd)
{
    char line[4096];
    size_t len = 0;
    ssize_t n;
    json_object *o, *e, *v;
    int rc;

    while (len < sizeof(line) - 1 &&
           (n = read(fd, line + len, sizeof(line) - 1 - len)) != 0) {
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return ct_fail_errno("read the monitor's sync pipe");
        len += (size_t)n;
        if (memchr(line, '\n', len))
            break;
    }
    line[len] = '\0';
    o = json_tokener_parse(line);
    if (!o)
        return ct_fail("the monitor died before it said how the start went");
    if (!json_object_object_get_ex(o, "error", &e)) {
        json_object_put(o);
        return 0;
    }
    if (json_object_object_get_ex(e, "code", &v))
        mc_error_code(strdup(json_object_get_string(v)));
    {
        json_object *m = NULL, *h = NULL, *en = NULL;
        json_object_object_get_ex(e, "message", &m);
        json_object_object_get_ex(e, "hint", &h);
        json_object_object_get_ex(e, "errno", &en);
        ct_restore_error(m ? json_object_get_string(m) : "start failed",
                         en ? json_object_get_int(en) : 0,
                         h ? json_object_get_string(h) : "");
    }
    rc = json_object_object_get_ex(o, "exit", &v) ? json_object_get_int(v) : -1;
    json_object_put(o);
    return rc == MC_EXIT_RUNNER ? -1 : rc;
}

int
container_start(struct container *c, bool detach)
{
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int lock_fd, sync[2], rc;
    sigset_t mask;
    pid_t pid;

    lock_fd = open_lock(c->id, true);
    if (lock_fd == -1)
        return ct_fail_errno("open the lock of container '%s'", c->name);
    /* The monitor's lock: taken here, inherited by the monitor across
     * fork (the same open file description), dropped when it dies. */
    for (int tries = 0; fcntl(lock_fd, F_OFD_SETLK, &lk) == -1; tries++) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        /* A monitor that just answered `stop` is still cleaning up:
         * give it two seconds before saying it runs. */
        if (tries == 200 || (errno != EAGAIN && errno != EACCES)) {
            close(lock_fd);
            mc_error_code("container_running");
            return ct_fail("container '%s' is running already", c->name);
        }
        nanosleep(&pause, NULL);
    }
    {
        /* Named first: the cgroups go into the record before they are
         * made (unless the record has these names already). */
        char before[MC_MAX_CGROUPS][512];
        int n = c->ncgroups;
        memcpy(before, c->cgroups, sizeof(before));
        if (cgroups_plan(c) == -1 ||
            ((n != c->ncgroups ||
              memcmp(before, c->cgroups, sizeof(before[0]) * (size_t)n)) &&
             state_write(c) == -1)) {
            close(lock_fd);
            goto failed;
        }
    }
    /* --userns auto: a range of root's ids no running container holds,
     * in the record before it is used; free when our lock is gone. */
    if (userns_allocate(c) == -1) {
        close(lock_fd);
        goto failed;
    }
    if (!detach) {
        rc = monitor_run(c, -1, lock_fd);
        close(lock_fd);
        return rc;
    }
    if (pipe2(sync, O_CLOEXEC) == -1) {
        close(lock_fd);
        ct_fail_errno("pipe2 for the monitor");
        goto failed;
    }
    /* Signals blocked before the fork, so that none is lost between the
     * fork and the monitor's signalfd; we unblock ours after. */
    monitor_block_signals(&mask);
    fflush(NULL);
    pid = fork();
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &spawn_old_mask, NULL);
    if (pid == -1) {
        close(lock_fd);
        ct_fail_errno("fork the monitor");
        goto failed;
    }
    if (pid == 0) {
        int keep[2] = {sync[1], lock_fd};
        /* Nothing of the caller's but these two: the API server's other
         * clients' sockets must not live on in a monitor. */
        ct_close_fds_except(keep, 2);
        /* A session of its own: no terminal's hangup or Ctrl-C reaches
         * it, and it outlives the command that started it. */
        setsid();
        _exit(monitor_run(c, sync[1], lock_fd));
    }
    close(sync[1]);
    close(lock_fd); /* the monitor's copy keeps the lock */
    rc = read_sync(sync[0]);
    close(sync[0]);
    return rc;

failed:
    /* No monitor came to be: --rm still means removed. */
    if (c->remove) {
        container_remove_anonymous(c);
        container_delete(c);
    }
    return -1;
}

/* ---- the OCI door's create: no monitor --------------------------------- */

pid_t
container_spawn_held(struct container *c, struct spawn_io *io, int *master)
{
    int kind, fd = -1, status;
    pid_t pid;

    *master = -1;
    if (cgroups_create(c) == -1)
        return -1;
    pid = spawn_container(c, io);
    if (pid == -1) {
        cgroups_destroy(c);
        return -1;
    }
    c->pid = pid;
    /* The channel: the pty's master (a terminal), the hooks' moment,
     * then "ready" — or an error, or EOF if it died. */
    while ((kind = spawn_read(io->chan, &fd)) != SPAWN_READY) {
        if (kind == SPAWN_TTY) {
            *master = fd;
            continue;
        }
        if (kind == SPAWN_HOOKS) {
            if ((!c->spec->prestart_at_start &&
                 hooks_run(c, HOOK_PRESTART, "created") == -1) ||
                hooks_run(c, HOOK_CREATE_RUNTIME, "created") == -1)
                break;
            if (send(io->chan, (char[]){SPAWN_GO}, 1, MSG_NOSIGNAL) == 1)
                continue;
        }
        if (kind == 0)
            ct_fail("the container's first process died before it was "
                    "ready");
        else if (kind == -1)
            ct_fail_errno("read the container's channel");
        break;
    }
    close(io->chan);
    io->chan = -1;
    if (kind == SPAWN_READY)
        return pid;
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    if (*master >= 0)
        close(*master);
    *master = -1;
    c->pid = 0;
    cgroups_destroy(c);
    return -1;
}

/* ---- delete ------------------------------------------------------------ */

int
container_delete(struct container *c)
{
    char path[4096];

    if (cgroups_remove_dirs(c->cgroups, c->ncgroups, c->pod) > 0) {
        /* Keep the record: it is how the next rm finds what is left. */
        mc_error_code("failed");
        return ct_fail("a cgroup of '%s' is still busy: try 'minictr rm %s' "
                       "again",
                       c->name, c->name);
    }
    ctl_unlink(c->id);
    if (overlay_remove(c->dir) == -1)
        return -1;
    if (state_path(path, sizeof(path), c->id, ".lock") == 0)
        unlink(path);
    if (state_remove(c->id) == -1) /* last: until here, rm can try again */
        return -1;
    events_append(c, "destroy", NULL, NULL);
    return 0;
}

/* Anonymous volumes (-v /path) go with their container (rm -v). */
void
container_remove_anonymous(const struct container *c)
{
    for (int i = 0; i < c->nmounts; i++) {
        char path[4096];
        const struct mount_spec *m = &c->mounts[i];
        /* The path by hand, not volume_path(): a volume gone already is
         * fine, and must not become the error this run reports. */
        if (!m->anonymous || !m->source || !mc_valid_name(m->source))
            continue;
        snprintf(path, sizeof(path), "%s/volumes/%s", mc_lib_dir(), m->source);
        userns_rm_rf(path); /* a user's: in its namespace */
    }
}

/* ---- find -------------------------------------------------------------- */

struct find {
    const char *key;
    char exact[MC_ID_LEN + 1];
    char prefix[MC_ID_LEN + 1];
    int prefixes;
};

static int
find_one(struct container *c, void *arg)
{
    struct find *f = arg;

    if (!strcmp(c->name, f->key) || !strcmp(c->id, f->key)) {
        snprintf(f->exact, sizeof(f->exact), "%s", c->id);
        return 1;
    }
    if (!strncmp(c->id, f->key, strlen(f->key))) {
        snprintf(f->prefix, sizeof(f->prefix), "%s", c->id);
        f->prefixes++;
    }
    return 0;
}

int
container_find(const char *key, struct container *c)
{
    struct find f = {.key = key};

    if (!*key || strlen(key) > MC_ID_LEN || strchr(key, '/'))
        goto none;
    state_each(find_one, &f);
    if (f.exact[0])
        return state_load(f.exact, c);
    if (f.prefixes > 1) {
        mc_error_code("ambiguous_id");
        return ct_fail("'%s' is the start of %d container ids: give more of "
                       "it",
                       key, f.prefixes);
    }
    if (f.prefixes == 1)
        return state_load(f.prefix, c);
none:
    mc_error_code("no_such_container");
    return ct_fail("no container '%s' (see 'minictr ps -a')", key);
}

const char *
container_label(const struct container *c, const char *key)
{
    size_t len = strlen(key);

    for (char **l = c->labels; l && *l; l++)
        if (!strncmp(*l, key, len) && (*l)[len] == '=')
            return *l + len + 1;
    return NULL;
}

void
container_command_line(const struct container *c, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (char **a = c->argv; a && *a && len + 1 < size; a++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                a == c->argv ? "" : " ", *a);
}
