/*
 * top.c: `minictr top` and `minictr stats` — what the kernel says about
 * a running container, read from its cgroup and /proc.
 *
 * Which processes are "in the container"? Exactly those in its cgroup:
 * cgroup.procs lists them by their host pids, and /proc/PID/status says
 * what each is called inside (the last NSpid field: the pid in the
 * container's own pid namespace). `stats` reads the cgroup's counters
 * twice, a moment apart: cpu % is cpu time used over wall time passed
 * (100% = one whole cpu, as Docker shows it).
 *
 * Read: proc(5) /proc/PID/status, /proc/PID/stat; cgroup-v2.rst cpu.stat,
 *       memory.current.
 */
#include "minictr.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool
is_running(const struct container *c)
{
    const char *s = container_real_status(c);
    return !strcmp(s, ST_RUNNING) || !strcmp(s, ST_PAUSED);
}

/* ---- top --------------------------------------------------------------- */

struct proc_info {
    pid_t pid, cpid, ppid;
    unsigned uid;
    unsigned long long cpu_ticks, start_ticks;
    int tty_nr;
    char cmd[256];
};

static int
read_proc(pid_t pid, struct proc_info *p)
{
    char path[64], buf[4096], *s, *line;
    ssize_t n;
    FILE *f;

    memset(p, 0, sizeof(*p));
    p->pid = pid;
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    if (ct_read_file(path, buf, sizeof(buf)) <= 0)
        return -1;
    for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "Uid:", 4))
            p->uid = (unsigned)strtoul(line + 4, NULL, 10);
        else if (!strncmp(line, "PPid:", 5))
            p->ppid = (pid_t)strtol(line + 5, NULL, 10);
        else if (!strncmp(line, "NSpid:", 6)) /* host pid ... inner pid */
            p->cpid = (pid_t)strtol(strrchr(line, '\t') + 1, NULL, 10);
    }
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if (ct_read_file(path, buf, sizeof(buf)) <= 0 || !(s = strrchr(buf, ')')))
        return -1;
    {
        unsigned long long ut = 0, st = 0;
        sscanf(s + 2,
               "%*c %*d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d "
               "%*d %*d %*d %*d %llu",
               &p->tty_nr, &ut, &st, &p->start_ticks);
        p->cpu_ticks = ut + st;
    }
    /* The command line, NULs between the arguments. */
    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    f = fopen(path, "re");
    n = f ? (ssize_t)fread(p->cmd, 1, sizeof(p->cmd) - 1, f) : 0;
    if (f)
        fclose(f);
    for (ssize_t i = 0; i < n; i++)
        if (p->cmd[i] == '\0')
            p->cmd[i] = ' ';
    while (n > 0 && p->cmd[n - 1] == ' ')
        n--;
    p->cmd[n > 0 ? n : 0] = '\0';
    if (n <= 0) { /* a kernel thread, or a zombie: [comm] */
        char comm[64] = "";
        snprintf(path, sizeof(path), "/proc/%d/comm", pid);
        ct_read_file(path, comm, sizeof(comm));
        snprintf(p->cmd, sizeof(p->cmd), "[%s]", comm);
    }
    return 0;
}

int
cmd_top(int argc, char **argv)
{
    struct container c;
    pid_t pids[4096];
    long tick = sysconf(_SC_CLK_TCK);
    double uptime = 0;
    char up[64];
    int n;
    json_object *all = NULL;

    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr [--json] top NAME\n\nThe container's "
               "processes: PID on the host, CPID inside.\n");
        return 0;
    }
    if (argc < 2)
        return mc_usage_error("usage: minictr top NAME");
    if (container_find(argv[1], &c) == -1)
        return -1;
    if (!is_running(&c)) {
        mc_error_code("container_not_running");
        return ct_fail("container '%s' is not running", argv[1]);
    }
    n = cgroups_pids(&c, pids, 4096);
    if (n == -1)
        return -1;
    if (ct_read_file("/proc/uptime", up, sizeof(up)) > 0)
        uptime = strtod(up, NULL);
    if (mc_json)
        all = json_object_new_array();
    else
        printf("%-8s %-8s %-8s %-8s %-3s %-8s %-8s %-10s %s\n", "UID", "PID",
               "CPID", "PPID", "C", "STIME", "TTY", "TIME", "CMD");
    for (int i = 0; i < n; i++) {
        struct proc_info p;
        char user[16], stime[16], tty[16], cputime[32];
        double age;
        time_t started;
        unsigned long long secs;
        struct tm tm;

        if (read_proc(pids[i], &p) == -1)
            continue; /* gone meanwhile */
        age = uptime - (double)p.start_ticks / (double)tick;
        started = time(NULL) - (time_t)age;
        localtime_r(&started, &tm);
        strftime(stime, sizeof(stime), age < 86400 ? "%H:%M" : "%b%d", &tm);
        if (p.uid == 0)
            snprintf(user, sizeof(user), "root");
        else
            snprintf(user, sizeof(user), "%u", p.uid);
        if ((p.tty_nr >> 8) == 136)
            snprintf(tty, sizeof(tty), "pts/%d", p.tty_nr & 0xff);
        else
            snprintf(tty, sizeof(tty), "?");
        secs = p.cpu_ticks / (unsigned long long)tick;
        snprintf(cputime, sizeof(cputime), "%02llu:%02llu:%02llu", secs / 3600,
                 secs / 60 % 60, secs % 60);
        if (all) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "uid", json_object_new_int((int)p.uid));
            json_object_object_add(o, "pid", json_object_new_int(p.pid));
            json_object_object_add(o, "container_pid",
                                   json_object_new_int(p.cpid));
            json_object_object_add(o, "ppid", json_object_new_int(p.ppid));
            json_object_object_add(o, "cmd", json_object_new_string(p.cmd));
            json_object_array_add(all, o);
            continue;
        }
        printf("%-8s %-8d %-8d %-8d %-3d %-8s %-8s %-10s %s\n", user, p.pid,
               p.cpid, p.ppid,
               age > 0 ? (int)((double)p.cpu_ticks / (double)tick / age * 100)
                       : 0,
               stime, tty, cputime, p.cmd);
    }
    if (all) {
        printf(
            "%s\n",
            json_object_to_json_string_ext(
                all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(all);
    }
    return 0;
}

/* ---- stats ------------------------------------------------------------- */

/* go-units' BytesSize (binary: MiB) and HumanSize (decimal: MB), the two
 * ways `docker stats` writes sizes. */
static void
size_text(double v, bool binary, char *buf, size_t size)
{
    static const char *const bin[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    static const char *const dec[] = {"B", "kB", "MB", "GB", "TB"};
    double base = binary ? 1024 : 1000;
    int u = 0;

    while (v >= base && u < 4) {
        v /= base;
        u++;
    }
    snprintf(buf, size, "%.4g%s", v, binary ? bin[u] : dec[u]);
}

/* Bytes received and sent on the container's interfaces but lo. */
static void
net_io(const struct container *c, uint64_t *rx, uint64_t *tx)
{
    char path[64], line[512];
    FILE *f;

    *rx = *tx = 0;
    snprintf(path, sizeof(path), "/proc/%d/net/dev", c->pid);
    f = fopen(path, "re");
    while (f && fgets(line, sizeof(line), f)) {
        char name[32];
        unsigned long long r, t;
        if (sscanf(line, " %31[^:]: %llu %*u %*u %*u %*u %*u %*u %*u %llu",
                   name, &r, &t) == 3 &&
            strcmp(name, "lo") != 0) {
            *rx += r;
            *tx += t;
        }
    }
    if (f)
        fclose(f);
}

struct sample {
    char id[MC_ID_LEN + 1], name[64];
    struct cgroup_stats s;
    uint64_t rx, tx;
    bool ok;
};

static uint64_t
host_memory(void)
{
    char buf[256], *p;

    if (ct_read_file("/proc/meminfo", buf, sizeof(buf)) <= 0 ||
        !(p = strstr(buf, "MemTotal:")))
        return 0;
    return strtoull(p + 9, NULL, 10) * 1024;
}

struct collect {
    struct sample *list;
    int n, max;
    int nnames;
    char **names;
};

static int
sample_one(struct container *c, void *arg)
{
    struct collect *k = arg;
    struct sample *s;

    if (!is_running(c) || k->n == k->max)
        return 0;
    if (k->nnames) {
        bool wanted = false;
        for (int i = 0; i < k->nnames; i++)
            wanted = wanted || !strcmp(k->names[i], c->name) ||
                !strncmp(c->id, k->names[i], strlen(k->names[i]));
        if (!wanted)
            return 0;
    }
    s = &k->list[k->n++];
    snprintf(s->id, sizeof(s->id), "%s", c->id);
    snprintf(s->name, sizeof(s->name), "%s", c->name);
    s->ok = cgroups_stats(c, &s->s) == 0;
    net_io(c, &s->rx, &s->tx);
    ct_clear_error();
    return 0;
}

/* Docker's columns, each as wide as its widest cell, three spaces apart. */
#define STATS_COLS 8
static void
print_table(char (*cells)[STATS_COLS][96], int rows)
{
    size_t w[STATS_COLS] = {0};

    for (int r = 0; r < rows; r++)
        for (int k = 0; k < STATS_COLS; k++)
            if (strlen(cells[r][k]) > w[k])
                w[k] = strlen(cells[r][k]);
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < STATS_COLS; k++) {
            if (k == STATS_COLS - 1)
                printf("%s\n", cells[r][k]);
            else
                printf("%-*s   ", (int)w[k], cells[r][k]);
        }
}

static void
print_stats(const struct sample *a, const struct sample *b, int n,
            double wall_us)
{
    static char cells[257][STATS_COLS][96];
    static const char *const heads[STATS_COLS] = {
        "CONTAINER ID", "NAME",    "CPU %",     "MEM USAGE / LIMIT",
        "MEM %",        "NET I/O", "BLOCK I/O", "PIDS"};
    uint64_t host = host_memory();
    int rows = 1;

    for (int k = 0; k < STATS_COLS; k++)
        snprintf(cells[0][k], sizeof(cells[0][k]), "%s", heads[k]);
    for (int i = 0; i < n && rows < 257; i++) {
        const struct sample *s = &b[i], *p = NULL;
        uint64_t limit = s->s.mem_limit ? s->s.mem_limit : host;
        double cpu = 0,
               mem = limit ? 100.0 * (double)s->s.mem_usage / (double)limit : 0;
        char usage[32], lim[32], rx[32], tx[32], br[32], bw[32];
        char(*row)[96] = cells[rows];

        for (int j = 0; a && j < n; j++)
            if (!strcmp(a[j].id, s->id))
                p = &a[j];
        if (p && wall_us > 0 && s->s.cpu_usec >= p->s.cpu_usec)
            cpu = 100.0 * (double)(s->s.cpu_usec - p->s.cpu_usec) / wall_us;
        if (mc_json) {
            printf("{\"id\":\"%s\",\"name\":\"%s\",\"cpu_percent\":%.2f,"
                   "\"memory_usage\":%llu,\"memory_limit\":%llu,"
                   "\"memory_percent\":%.2f,\"net_rx\":%llu,\"net_tx\":%llu,"
                   "\"block_read\":%llu,\"block_write\":%llu,\"pids\":%llu}\n",
                   s->id, s->name, cpu, (unsigned long long)s->s.mem_usage,
                   (unsigned long long)limit, mem, (unsigned long long)s->rx,
                   (unsigned long long)s->tx, (unsigned long long)s->s.blk_read,
                   (unsigned long long)s->s.blk_write,
                   (unsigned long long)s->s.pids);
            continue;
        }
        size_text((double)s->s.mem_usage, true, usage, sizeof(usage));
        size_text((double)limit, true, lim, sizeof(lim));
        size_text((double)s->rx, false, rx, sizeof(rx));
        size_text((double)s->tx, false, tx, sizeof(tx));
        size_text((double)s->s.blk_read, false, br, sizeof(br));
        size_text((double)s->s.blk_write, false, bw, sizeof(bw));
        snprintf(row[0], 96, "%.12s", s->id);
        snprintf(row[1], 96, "%s", s->name);
        snprintf(row[2], 96, "%.2f%%", cpu);
        snprintf(row[3], 96, "%s / %s", usage, lim);
        snprintf(row[4], 96, "%.2f%%", mem);
        snprintf(row[5], 96, "%s / %s", rx, tx);
        snprintf(row[6], 96, "%s / %s", br, bw);
        snprintf(row[7], 96, "%llu", (unsigned long long)s->s.pids);
        rows++;
    }
    if (!mc_json)
        print_table(cells, rows);
    fflush(stdout);
}

int
cmd_stats(int argc, char **argv)
{
    static struct sample before[256], after[256];
    bool stream = true;
    struct collect k = {.max = 256};
    char *names[64];
    int n0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr [--json] stats [--no-stream] [NAME...]\n");
            return 0;
        }
        if (!strcmp(argv[i], "--no-stream"))
            stream = false;
        else if (!strcmp(argv[i], "--json"))
            mc_json = true;
        else if (argv[i][0] == '-')
            return mc_usage_error("unknown option '%s' (usage: minictr stats "
                                  "[--no-stream] [NAME...])",
                                  argv[i]);
        else if (k.nnames < 64)
            names[k.nnames++] = argv[i];
    }
    k.names = names;
    for (int i = 0; i < k.nnames; i++) {
        struct container c;
        if (container_find(names[i], &c) == -1)
            return -1;
        if (!is_running(&c)) {
            mc_error_code("container_not_running");
            return ct_fail("container '%s' is not running", names[i]);
        }
        state_free(&c);
    }
    do {
        struct timespec t0, t1, gap = {0, 500 * 1000 * 1000};
        k.list = before;
        k.n = 0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        state_each(sample_one, &k);
        n0 = k.n;
        nanosleep(&gap, NULL);
        k.list = after;
        k.n = 0;
        state_each(sample_one, &k);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (stream && !mc_json)
            printf("\033[2J\033[H"); /* clear the screen, as docker stats */
        print_stats(n0 ? before : NULL, after, k.n,
                    (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
                        (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
    } while (stream);
    return 0;
}
