/*
 * containers.c: ps, inspect, rm and `system prune`, built on the state
 * records (state.c), and the collector that cleans up after monitors that
 * died.
 *
 * A record says "running" while its monitor holds the container. If the
 * monitor was killed (kill -9), nothing updated the record: the lock on
 * ID.lock is gone, so the container is dead. The collector — run by ps,
 * rm and `system prune` — takes that lock itself (so no `start` can
 * begin meanwhile), removes what the dead monitor left (its cgroups, its
 * socket, its --userns auto range; with --rm the directory and the
 * record too) and writes the record as dead. The mounts went with the
 * container's mount namespace, the veth and the DNAT rules with its
 * network namespace and the monitor's netlink socket (they are deleted by
 * name all the same, in case something held them), and address leases are
 * freed by network_collect (networks.c), which finds them by the container
 * id they hold.
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
human_duration(int64_t ns, char *buf, size_t size)
{
    /* go-units' HumanDuration, which `docker ps` prints. */
    int64_t s = ns / 1000000000, m = s / 60, h = (s + 1800) / 3600;

    if (s < 1)
        snprintf(buf, size, "Less than a second");
    else if (s == 1)
        snprintf(buf, size, "1 second");
    else if (s < 60)
        snprintf(buf, size, "%lld seconds", (long long)s);
    else if (m == 1)
        snprintf(buf, size, "About a minute");
    else if (m < 60)
        snprintf(buf, size, "%lld minutes", (long long)m);
    else if (h == 1)
        snprintf(buf, size, "About an hour");
    else if (h < 48)
        snprintf(buf, size, "%lld hours", (long long)h);
    else if (h < 24 * 7 * 2)
        snprintf(buf, size, "%lld days", (long long)(h / 24));
    else if (h < 24 * 30 * 2)
        snprintf(buf, size, "%lld weeks", (long long)(h / 24 / 7));
    else if (h < 24 * 365 * 2)
        snprintf(buf, size, "%lld months", (long long)(h / 24 / 30));
    else
        snprintf(buf, size, "%lld years", (long long)(s / 3600 / 24 / 365));
}

/* ---- the collector ----------------------------------------------------- */

/* Take the monitor's lock, if nobody holds it: -1 when a monitor (or a
 * start) is alive. */
static int
take_lock(const struct container *c)
{
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    char path[4096];
    int fd;

    if (state_path(path, sizeof(path), c->id, ".lock") == -1)
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1)
        return -1;
    if (fcntl(fd, F_OFD_SETLK, &lk) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

/* What a dead monitor left: status running/paused/restarting without a
 * monitor, or cgroups (or a --userns auto range) named for a start that
 * never finished. */
static bool
left_behind(const struct container *c)
{
    bool live_status = !strcmp(c->status, ST_RUNNING) ||
        !strcmp(c->status, ST_PAUSED) || !strcmp(c->status, ST_RESTARTING);
    bool named = c->ncgroups > 0 ||
        (c->userns.mode == USERNS_AUTO && c->userns.uid.n > 0);
    return (live_status || (named && !strcmp(c->status, ST_CREATED))) &&
        !container_monitor_alive(c);
}

static int
collect_one(struct container *seen, void *arg)
{
    struct container c;
    int *count = arg, lock;
    bool was_live;

    if (!left_behind(seen))
        return 0;
    lock = take_lock(seen);
    if (lock == -1)
        return 0; /* a monitor (or a start) came meanwhile */
    /* Read again under the lock: the record may have changed. */
    if (state_load(seen->id, &c) == 0) {
        was_live = strcmp(c.status, ST_CREATED) != 0;
        cgroups_remove_dirs(c.cgroups, c.ncgroups, c.pod);
        /* Keep the names of those still busy, for the next round. */
        {
            int kept = 0;
            for (int i = 0; i < c.ncgroups; i++)
                if (access(c.cgroups[i], F_OK) == 0)
                    memmove(c.cgroups[kept++], c.cgroups[i],
                            sizeof(c.cgroups[0]));
            c.ncgroups = kept;
        }
        ctl_unlink(c.id);
        userns_release(&c); /* --userns auto: its range is free */
        net_unplug(&c);
        nat_unpublish(&c, -1);
        c.net.ip = c.net.gateway = 0;
        c.net.prefix = 0;
        c.net.bridge[0] = '\0';
        if (c.remove && was_live) {
            container_remove_anonymous(&c);
            container_delete(&c);
        } else {
            if (was_live) {
                /* It died of its monitor's death: SIGKILL, 128+9. */
                snprintf(c.status, sizeof(c.status), "%s", ST_DEAD);
                c.exit_code = 128 + SIGKILL;
                c.pid = 0;
                c.finished_ns = c.finished_ns ? c.finished_ns : mc_now_ns();
            }
            state_write(&c);
        }
        state_free(&c);
        (*count)++;
    }
    ct_clear_error();
    close(lock);
    return 0;
}

/* A record's temporary file (ID.json.PID.tmp) whose writer was killed
 * before its rename: nobody will ever rename it. */
static void
sweep_temporaries(void)
{
    DIR *d = opendir(mc_state_dir());
    struct dirent *e;
    time_t now = time(NULL);

    while (d && (e = readdir(d)) != NULL) {
        const char *dot = strstr(e->d_name, ".json.");
        struct stat st;
        int pid;

        if (!dot || sscanf(dot, ".json.%d.tmp", &pid) != 1 || pid <= 0 ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
            now - st.st_mtime < 5 || (kill(pid, 0) == 0 || errno != ESRCH))
            continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d)
        closedir(d);
}

int
containers_collect(void)
{
    int count = 0;

    state_each(collect_one, &count);
    sweep_temporaries();
    network_collect(); /* leases: after the records, which free none */
    return count;
}

/* ---- ps ---------------------------------------------------------------- */

struct ps_row {
    char id[MC_ID_LEN + 1], image[256], command[4200], created[64];
    char status[96], ports[512], name[64];
    int64_t created_ns;
};

/* Docker's COMMAND column: cut to 20 characters (the 20th an ellipsis),
 * then quoted as Go's strconv.Quote does ("…" stays, " and \ escaped). */
static void
command_column(const char *cmd, bool trunc, char *out, size_t size)
{
    char cut[4200];
    size_t n = 0, chars = 0, total = 0;

    for (const char *p = cmd; *p; p++)
        total += ((unsigned char)*p & 0xc0) != 0x80;
    for (const char *p = cmd; *p && n < sizeof(cut) - 4; p++) {
        if (((unsigned char)*p & 0xc0) != 0x80 && trunc && total > 20 &&
            ++chars == 20)
            break;
        cut[n++] = *p;
    }
    if (trunc && total > 20)
        n += (size_t)snprintf(cut + n, sizeof(cut) - n, "\xe2\x80\xa6");
    cut[n] = '\0';
    n = 0;
    out[n++] = '"';
    for (const char *p = cut; *p && n < size - 3; p++) {
        if (*p == '"' || *p == '\\')
            out[n++] = '\\';
        out[n++] = *p;
    }
    out[n++] = '"';
    out[n] = '\0';
}

/* Newest first, as `docker ps`. */
static int
by_created(const void *a, const void *b)
{
    const struct ps_row *x = a, *y = b;
    return x->created_ns < y->created_ns ? 1 : x->created_ns > y->created_ns;
}

struct ps_args {
    bool all, quiet, no_trunc, json_first;
    const char *status_filters[8];
    int nstatus;
    const char *name_filters[8];
    int nname;
    struct ps_row *rows;
    int nrows, cap;
};

static bool
matches(struct ps_args *a, const struct container *c, const char *status)
{
    bool ok = a->nstatus == 0;

    for (int i = 0; i < a->nstatus; i++)
        if (!strcmp(a->status_filters[i], status))
            ok = true;
    if (!ok)
        return false;
    if (a->nname == 0)
        return true;
    for (int i = 0; i < a->nname; i++)
        if (strstr(c->name, a->name_filters[i]))
            return true;
    return false;
}

/* Docker's STATUS column. */
void
container_status_text(const struct container *c, const char *status, char *buf,
                      size_t size)
{
    char ago[48];
    int64_t now = mc_now_ns();

    if (!strcmp(status, ST_RUNNING) || !strcmp(status, ST_PAUSED)) {
        const char *h = c->health.status;
        human_duration(now - c->started_ns, ago, sizeof(ago));
        /* Docker's: "Up 3 seconds (health: starting)", "(healthy)" */
        snprintf(buf, size, "Up %s%s%s%s%s", ago,
                 !strcmp(status, ST_PAUSED) ? " (Paused)" : "",
                 *h ? (!strcmp(h, HEALTH_STARTING) ? " (health: " : " (") : "",
                 h, *h ? ")" : "");
    } else if (!strcmp(status, ST_EXITED) || !strcmp(status, ST_RESTARTING)) {
        human_duration(now - c->finished_ns, ago, sizeof(ago));
        snprintf(buf, size, "%s (%d) %s ago",
                 !strcmp(status, ST_EXITED) ? "Exited" : "Restarting",
                 c->exit_code, ago);
    } else if (!strcmp(status, ST_CREATED)) {
        snprintf(buf, size, "Created");
    } else {
        snprintf(buf, size, "Dead");
    }
}

static int
ps_one(struct container *c, void *arg)
{
    struct ps_args *a = arg;
    const char *status = container_real_status(c);
    struct ps_row *r;
    char cmd[4096], ago[48];

    if (!a->all && strcmp(status, ST_RUNNING) && strcmp(status, ST_PAUSED) &&
        strcmp(status, ST_RESTARTING) && a->nstatus == 0)
        return 0;
    if (!matches(a, c, status))
        return 0;
    if (mc_json && !a->quiet) {
        json_object *o = state_to_json(c);
        json_object_object_add(o, "status", json_object_new_string(status));
        printf("%s%s", a->json_first ? "" : ",",
               json_object_to_json_string_ext(
                   o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        a->json_first = false;
        return 0;
    }
    if (a->nrows == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->rows = realloc(a->rows, (size_t)a->cap * sizeof(*a->rows));
    }
    r = &a->rows[a->nrows++];
    snprintf(r->id, sizeof(r->id), "%.*s", a->no_trunc ? MC_ID_LEN : 12, c->id);
    r->created_ns = c->created_ns;
    if (a->quiet)
        return 0;
    snprintf(r->image, sizeof(r->image), "%.255s",
             c->image && *c->image ? c->image : c->rootfs);
    container_command_line(c, cmd, sizeof(cmd));
    command_column(cmd, !a->no_trunc, r->command, sizeof(r->command));
    human_duration(mc_now_ns() - c->created_ns, ago, sizeof(ago));
    snprintf(r->created, sizeof(r->created), "%s ago", ago);
    container_status_text(c, status, r->status, sizeof(r->status));
    /* Docker shows a container's ports while it runs. */
    r->ports[0] = '\0';
    if (!strcmp(status, ST_RUNNING) || !strcmp(status, ST_PAUSED))
        ports_format(c, r->ports, sizeof(r->ports));
    snprintf(r->name, sizeof(r->name), "%s", c->name);
    return 0;
}

/* Columns as wide as their widest cell, three spaces apart (Docker's
 * tabwriter). The command's ellipsis is 3 bytes but one column. */
static void
print_rows(const struct ps_args *a)
{
    static const char *const heads[] = {"CONTAINER ID", "IMAGE",  "COMMAND",
                                        "CREATED",      "STATUS", "PORTS",
                                        "NAMES"};
    size_t w[7];

    for (int k = 0; k < 7; k++)
        w[k] = strlen(heads[k]);
    for (int i = 0; i < a->nrows; i++) {
        const struct ps_row *r = &a->rows[i];
        const char *cells[7] = {r->id,     r->image, r->command, r->created,
                                r->status, r->ports, r->name};
        for (int k = 0; k < 7; k++) {
            size_t len =
                strlen(cells[k]) - (strstr(cells[k], "\xe2\x80\xa6") ? 2 : 0);
            if (len > w[k])
                w[k] = len;
        }
    }
    for (int i = -1; i < a->nrows; i++) {
        const char *cells[7];
        if (i < 0) {
            memcpy(cells, heads, sizeof(cells));
        } else {
            const struct ps_row *r = &a->rows[i];
            const char *row[7] = {r->id,     r->image, r->command, r->created,
                                  r->status, r->ports, r->name};
            memcpy(cells, row, sizeof(cells));
        }
        for (int k = 0; k < 7; k++) {
            size_t len =
                strlen(cells[k]) - (strstr(cells[k], "\xe2\x80\xa6") ? 2 : 0);
            if (k == 6)
                printf("%s\n", cells[k]);
            else
                printf("%s%*s", cells[k], (int)(w[k] - len + 3), "");
        }
    }
}

int
cmd_ps(int argc, char **argv)
{
    static const struct option opts[] = {
        {"all", no_argument, NULL, 'a'},
        {"quiet", no_argument, NULL, 'q'},
        {"no-trunc", no_argument, NULL, 'T'},
        {"filter", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    struct ps_args a = {.json_first = true};
    int opt;

    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+aqf:", opts, NULL)) != -1) {
        switch (opt) {
        case 'a': a.all = true; break;
        case 'q': a.quiet = true; break;
        case 'T': a.no_trunc = true; break;
        case 'f':
            if (!strncmp(optarg, "status=", 7) && a.nstatus < 8)
                a.status_filters[a.nstatus++] = optarg + 7;
            else if (!strncmp(optarg, "name=", 5) && a.nname < 8)
                a.name_filters[a.nname++] = optarg + 5;
            else
                return mc_usage_error("bad --filter '%s' (known: status=, "
                                      "name=)",
                                      optarg);
            break;
        case 'h':
            printf("usage: minictr [--json] ps [-a] [-q] [--no-trunc] "
                   "[--filter status=S|name=N]\n");
            return 0;
        default:
            if (!strcmp(argv[optind - 1], "--json"))
                ct_set_hint("global options go before the command: minictr "
                            "--json ps");
            return mc_usage_error("unknown option '%s' (usage: minictr ps "
                                  "[-a] [-q] [--filter ...])",
                                  argv[optind - 1]);
        }
    }
    for (int i = 0; i < a.nstatus; i++) {
        static const char *const known[] = {ST_CREATED, ST_RUNNING,
                                            ST_PAUSED,  ST_RESTARTING,
                                            ST_EXITED,  ST_DEAD};
        bool ok = false;
        for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
            ok = ok || !strcmp(known[k], a.status_filters[i]);
        if (!ok)
            return mc_usage_error("bad status filter '%s' (created, running, "
                                  "paused, restarting, exited, dead)",
                                  a.status_filters[i]);
    }
    containers_collect();
    if (mc_json && !a.quiet)
        printf("[");
    state_each(ps_one, &a);
    if (mc_json && !a.quiet)
        printf("]\n");
    else
        qsort(a.rows, (size_t)a.nrows, sizeof(*a.rows), by_created);
    for (int i = 0; a.quiet && i < a.nrows; i++)
        printf("%s\n", a.rows[i].id);
    if (!mc_json && !a.quiet)
        print_rows(&a);
    free(a.rows);
    return 0;
}

/* ---- inspect ----------------------------------------------------------- */

/* Docker's names for the fields a course uses with `inspect -f`, and
 * which key of our record holds each. */
static const char *const docker_fields[][2] = {
    {"Id", "id"},
    {"Name", "name"},
    {"Created", "created"},
    {"Image", "image"},
    {"State.Status", "status"},
    {"State.Pid", "pid"},
    {"State.ExitCode", "exit_code"},
    {"State.OOMKilled", "oom_killed"},
    {"State.StartedAt", "started"},
    {"State.FinishedAt", "finished"},
    {"RestartCount", "restart_count"},
    {"Config.Image", "image"},
    {"Config.Cmd", "command"},
    {"Config.Env", "env"},
    {"Config.Hostname", "hostname"},
    {"Config.WorkingDir", "workdir"},
    {"Config.User", "user"},
    {"Config.Tty", "tty"},
    {"HostConfig.Memory", "memory"},
    {"HostConfig.PidsLimit", "pids_limit"},
    {"HostConfig.AutoRemove", "remove"},
    {"HostConfig.RestartPolicy.Name", "restart"},
    {"State.Health.Status", "health.status"},
    {"State.Health.FailingStreak", "health.failing_streak"},
    {"State.Health.Log", "health.log"},
    {"Config.Healthcheck.Test", "healthcheck.test"},
    {"Config.Labels", "labels"},
};

/* -f '{{.status}} {{.pid}}': each {{.a.b}} replaced by that value (our
 * record's keys, or Docker's names above). An unknown field is an error,
 * not an empty line a script would take for an answer. */
static int
print_format(json_object *o, const char *fmt)
{
    for (const char *p = fmt; *p;) {
        const char *open = strstr(p, "{{"), *close;
        char path[256];
        json_object *v = o;

        if (!open || !(close = strstr(open, "}}"))) {
            fputs(p, stdout);
            break;
        }
        fwrite(p, 1, (size_t)(open - p), stdout);
        snprintf(path, sizeof(path), "%.*s", (int)(close - open - 2), open + 2);
        {
            char *s = path + strspn(path, " ."), *e = s + strlen(s);
            while (e > s && e[-1] == ' ')
                *--e = '\0';
            memmove(path, s, strlen(s) + 1);
        }
        for (size_t i = 0; i < sizeof(docker_fields) / sizeof(docker_fields[0]);
             i++)
            if (!strcmp(path, docker_fields[i][0]))
                snprintf(path, sizeof(path), "%s", docker_fields[i][1]);
        if (!strcmp(path, "State.Running") || !strcmp(path, "State.Paused")) {
            json_object *st;
            json_object_object_get_ex(o, "status", &st);
            fputs(!strcmp(json_object_get_string(st),
                          path[6] == 'R' ? "running" : "paused")
                      ? "true"
                      : "false",
                  stdout);
            p = close + 2;
            continue;
        }
        for (char *save, *k = strtok_r(path, ".", &save); k && v;
             k = strtok_r(NULL, ".", &save))
            if (!json_object_object_get_ex(v, k, &v))
                v = NULL;
        if (!v) {
            putchar('\n');
            mc_error_code("usage");
            return ct_fail("inspect -f: no field '%.*s' (minictr's keys are "
                           "those of 'minictr inspect'; Docker's .State.Pid, "
                           ".State.Status, .Id, .Name ... work too)",
                           (int)(close - open - 2), open + 2);
        }
        fputs(
            json_object_is_type(v, json_type_string)
                ? json_object_get_string(v)
                : json_object_to_json_string_ext(
                      v,
                      JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
            stdout);
        p = close + 2;
    }
    putchar('\n');
    return 0;
}

int
cmd_inspect(int argc, char **argv)
{
    const char *format = NULL;
    json_object *all = json_object_new_array();
    int rc = 0, first = 1;

    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr inspect [-f '{{.status}}'] NAME...\n");
        return 0;
    }
    if (argc >= 3 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--format"))) {
        format = argv[2];
        first = 3;
    }
    if (first >= argc)
        return mc_usage_error("usage: minictr inspect [-f FORMAT] NAME...");
    containers_collect();
    for (int i = first; i < argc; i++) {
        struct container c;
        json_object *o;
        if (container_find(argv[i], &c) == -1) {
            rc = -1;
            continue;
        }
        o = state_to_json(&c);
        json_object_object_add(
            o, "status", json_object_new_string(container_real_status(&c)));
        if (format && print_format(o, format) == -1)
            rc = -1;
        json_object_array_add(all, o);
        state_free(&c);
    }
    if (!format)
        printf(
            "%s\n",
            json_object_to_json_string_ext(
                all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(all);
    return rc;
}

/* ---- rm ---------------------------------------------------------------- */

int
container_remove(const char *key, bool force, bool volumes)
{
    struct container c;
    int lock;

    if (container_find(key, &c) == -1)
        return -1;
    if (container_monitor_alive(&c)) {
        json_object *r;
        if (!force) {
            mc_error_code("container_running");
            ct_set_hint("stop it first (minictr stop), or rm -f");
            ct_fail("container '%s' is %s", key, container_real_status(&c));
            state_free(&c);
            return -1;
        }
        r = ctl_call(&c, "kill 9");
        json_object_put(r);
        ct_clear_error();
        container_wait_gone(&c);
        if (container_monitor_alive(&c)) {
            mc_error_code("failed");
            return ct_fail("the monitor of '%s' does not let go of it", key);
        }
        state_free(&c);
        if (container_find(key, &c) == -1) { /* --rm removed it */
            ct_clear_error();
            return 0;
        }
    }
    lock = take_lock(&c);
    if (lock == -1) {
        state_free(&c);
        mc_error_code("container_running");
        return ct_fail("container '%s' is being started", key);
    }
    if (volumes)
        container_remove_anonymous(&c);
    if (container_delete(&c) == -1) {
        close(lock);
        state_free(&c);
        return -1;
    }
    close(lock);
    state_free(&c);
    return 0;
}

int
cmd_rm(int argc, char **argv)
{
    bool force = false, volumes = false;
    int rc = 0, n = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) {
            force = true;
        } else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--volumes")) {
            volumes = true;
        } else if (!strcmp(argv[i], "-fv") || !strcmp(argv[i], "-vf")) {
            force = volumes = true;
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr rm [-f] [-v] NAME...\n");
            return 0;
        } else if (argv[i][0] == '-') {
            return mc_usage_error("unknown option '%s' (usage: minictr rm "
                                  "[-f] [-v] NAME...)",
                                  argv[i]);
        } else {
            n++;
        }
    }
    if (!n)
        return mc_usage_error("usage: minictr rm [-f] [-v] NAME...");
    containers_collect();
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-')
            continue;
        else if (container_remove(argv[i], force, volumes) == -1)
            rc = -1;
        else
            printf("%s\n", argv[i]);
    return rc;
}

/* ---- system prune ------------------------------------------------------ */

struct prune {
    char ids[1024][MC_ID_LEN + 1];
    int n;
};

static int
stopped(struct container *c, void *arg)
{
    struct prune *p = arg;
    const char *s = container_real_status(c);

    if ((!strcmp(s, ST_EXITED) || !strcmp(s, ST_CREATED) ||
         !strcmp(s, ST_DEAD)) &&
        !container_monitor_alive(c) && p->n < 1024)
        snprintf(p->ids[p->n++], sizeof(p->ids[0]), "%s", c->id);
    return 0;
}

int
cmd_system(int argc, char **argv)
{
    static struct prune p;
    bool force = false;

    if (argc < 2 || strcmp(argv[1], "prune") != 0) {
        if (argc >= 2 && !strcmp(argv[1], "--help")) {
            printf("usage: minictr system prune [-f]\n");
            return 0;
        }
        return mc_usage_error("usage: minictr system prune [-f]");
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
            force = true;
        else if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr system prune [-f]\n\nRemoves every "
                   "stopped, created or dead container and what it left.\n");
            return 0;
        } else
            return mc_usage_error("unknown option '%s' (usage: minictr "
                                  "system prune [-f])",
                                  argv[i]);
    }
    if (!force) {
        char answer[16] = "";
        fprintf(stderr,
                "WARNING! This will remove all stopped containers.\n"
                "Are you sure you want to continue? [y/N] ");
        if (!fgets(answer, sizeof(answer), stdin) ||
            (answer[0] != 'y' && answer[0] != 'Y'))
            return 0;
    }
    containers_collect();
    p.n = 0;
    state_each(stopped, &p);
    if (p.n)
        printf("Deleted Containers:\n");
    for (int i = 0; i < p.n; i++) {
        struct container c;
        int lock;
        if (state_load(p.ids[i], &c) == -1)
            continue;
        lock = take_lock(&c);
        if (lock == -1)
            continue; /* started meanwhile */
        container_remove_anonymous(&c);
        if (container_delete(&c) == 0)
            printf("%s\n", c.id);
        close(lock);
        state_free(&c);
    }
    ct_clear_error();
    printf("%sTotal: %d containers removed\n", p.n ? "\n" : "", p.n);
    return 0;
}
