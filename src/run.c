/*
 * run.c: `minictr run` and `minictr create` — Docker's flags in, a
 * struct container out, then the core (container.c) does the rest.
 *
 *   parse and check every flag      nothing is made yet: a bad flag
 *                                   leaves nothing behind
 *   the image's rootfs and defaults 04-tar-runner / `minictr import`
 *                                   (--change CMD, ENV, WORKDIR, USER)
 *   container_create                the record and directories
 *   container_start                 cgroups, monitor, the container;
 *                                   -d: the monitor goes on without us
 *
 * This is a front door: it mounts, clones and writes no cgroup itself.
 * The steps the core runs, in order, are in container.c, monitor.c and
 * spawn.c.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static void
run_usage(FILE *out, const char *cmd)
{
    fprintf(out,
            "usage: minictr %s [OPTIONS] IMAGE|--rootfs DIR [COMMAND "
            "[ARG...]]\n"
            "\n"
            "%s"
            "  --rm                   remove the container when it exits\n"
            "  --name NAME            name the container\n"
            "  -h, --hostname NAME    the container's hostname\n"
            "  -e, --env KEY=VALUE    set an environment variable\n"
            "  -w, --workdir DIR      working directory inside\n"
            "  -u, --user USER[:GROUP]  run as this user (a number, or a "
            "name\n"
            "                         from the image's /etc/passwd)\n"
            "  --entrypoint CMD       run CMD instead of the image's "
            "entrypoint\n"
            "  -v, --volume HOST:CTR[:ro]  bind-mount a host path\n"
            "  -v, --volume NAME:CTR[:ro]  mount a named volume (made if "
            "new)\n"
            "  -v, --volume CTR       an anonymous volume\n"
            "  --mount type=bind|volume|tmpfs,source=..,target=..[,readonly]\n"
            "  --tmpfs CTR[:size=64m,mode=1777]  a tmpfs inside\n"
            "  --read-only            mount the root read-only\n"
            "  -m, --memory SIZE      memory limit (64m, 1g), swap off\n"
            "  --cpus N               cpu limit (0.5 = half a cpu)\n"
            "  --pids-limit N         at most N processes\n"
            "  --cap-add CAP          keep a capability (or ALL)\n"
            "  --cap-drop CAP         drop a capability (or ALL)\n"
            "  --security-opt OPT     no-new-privileges[=false],\n"
            "                         seccomp=unconfined\n"
            "  --init                 a tiny PID 1 reaps zombies and\n"
            "                         forwards signals\n"
            "  --restart POLICY       no, on-failure[:N], always, "
            "unless-stopped\n"
            "  --log-driver DRIVER    json-file (the default) or none\n"
            "  --log-opt OPT          max-size=10m, max-file=3\n"
            "  -i, --interactive      keep stdin open (else /dev/null)\n"
            "  -t, --tty              give the container a terminal\n"
            "  --userns host|auto     root: auto maps root inside to 65536\n"
            "                         ids of root's /etc/subuid (nobody\n"
            "                         outside); as a user, always yours\n"
            "  --rootfs DIR           run on a rootfs directory, no image\n",
            cmd,
            !strcmp(cmd, "run")
                ? "  -d, --detach           run in the background, print "
                  "its id\n"
                : "");
    network_flags_usage(out);
}

int
mc_usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mc_error_code("usage");
    return ct_fail("%s", msg);
}

/* ---- users ------------------------------------------------------------- */

/* Look NAME up in a passwd file (field 0 -> 2, 3) or a group file (field
 * 0 -> 2), open at fd (which this closes). For an image, the file is
 * found in its layers as overlay would show it, and opened without
 * following symlinks out of them. */
int
mc_lookup_id(int fd, const char *name, uint64_t *id, uint64_t *gid)
{
    char line[1024];
    FILE *f = NULL;
    int rc = -1;

    if (fd != -1) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        f = fopen(path, "re");
    }
    while (f && rc == -1 && fgets(line, sizeof(line), f)) {
        char *fields[4] = {line, NULL, NULL, NULL};
        for (int i = 1; i < 4 && fields[i - 1]; i++) {
            fields[i] = strchr(fields[i - 1], ':');
            if (fields[i])
                *fields[i]++ = '\0';
        }
        if (fields[2] && !strcmp(fields[0], name)) {
            *id = strtoull(fields[2], NULL, 10);
            if (gid)
                *gid = fields[3] ? strtoull(fields[3], NULL, 10) : *id;
            rc = 0;
        }
    }
    if (f)
        fclose(f);
    if (fd != -1)
        close(fd);
    return rc;
}

static int
lookup_in_image(const struct container *c, const char *file, const char *name,
                uint64_t *id, uint64_t *gid)
{
    return mc_lookup_id(overlay_open_lower(c->rootfs, file), name, id, gid);
}

/* -u UID[:GID], or a name from the image (also build's USER, --chown). */
int
parse_user(struct container *c, const char *s)
{
    char buf[128], *group;
    uint64_t uid, gid;

    if (strlen(s) >= sizeof(buf) || !*s)
        return mc_usage_error("bad --user '%s'", s);
    strcpy(buf, s);
    group = strchr(buf, ':');
    if (group)
        *group++ = '\0';
    if (ct_parse_u64(buf, &uid) == 0) {
        gid = uid;
    } else if (lookup_in_image(c, "etc/passwd", buf, &uid, &gid) == -1) {
        return mc_usage_error("bad --user '%s': no user '%s' in the image's "
                              "/etc/passwd (or give a numeric UID[:GID])",
                              s, buf);
    }
    if (group && ct_parse_u64(group, &gid) == -1 &&
        lookup_in_image(c, "etc/group", group, &gid, NULL) == -1)
        return mc_usage_error("bad --user '%s': no group '%s' in the image", s,
                              group);
    if (uid >= UINT32_MAX || gid >= UINT32_MAX)
        return mc_usage_error("bad --user '%s'", s);
    c->uid = (uid_t)uid;
    c->gid = (gid_t)gid;
    c->user_set = true;
    return 0;
}

/* ---- mounts ------------------------------------------------------------ */

static bool
bad_target(const char *t)
{
    size_t len = strlen(t);
    return t[0] != '/' || !strcmp(t, "/") || strstr(t, "/../") ||
        (len >= 3 && !strcmp(t + len - 3, "/..")) || strpbrk(t, ":,");
}

static struct mount_spec *
new_mount(struct container *c)
{
    if (c->nmounts == MC_MAX_MOUNTS) {
        mc_usage_error("too many mounts (at most %d)", MC_MAX_MOUNTS);
        return NULL;
    }
    return memset(&c->mounts[c->nmounts++], 0, sizeof(struct mount_spec));
}

/* The source of a bind mount must exist (a typo would otherwise make an
 * empty directory appear in the container); a volume is made if new. */
static int
check_source(struct mount_spec *m)
{
    char path[4096];
    struct stat st;

    if (m->type == MOUNT_VOLUME)
        return volume_path(m->source, true, path, sizeof(path));
    if (m->type == MOUNT_BIND && stat(m->source, &st) == -1) {
        mc_error_code("no_such_volume");
        return ct_fail_errno("volume source '%s'", m->source);
    }
    return 0;
}

/* -v HOST:CTR[:ro|rw], -v NAME:CTR[:ro|rw], -v CTR (anonymous). */
static int
parse_volume(struct container *c, char *s)
{
    struct mount_spec *m = new_mount(c);
    char *ctr, *mode;

    if (!m)
        return -1;
    ctr = strchr(s, ':');
    if (!ctr) { /* -v /data: a volume of its own, as Docker */
        unsigned char raw[16];
        char name[64];
        if (bad_target(s))
            return mc_usage_error("bad --volume '%s'", s);
        if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
            return ct_fail_errno("getrandom");
        for (int i = 0; i < 16; i++)
            snprintf(name + 2 * i, 3, "%02x", raw[i]);
        m->type = MOUNT_VOLUME;
        m->anonymous = true; /* removed with the container (rm -v, --rm) */
        m->source = strdup(name);
        m->target = s;
        return check_source(m);
    }
    *ctr++ = '\0';
    mode = strchr(ctr, ':');
    if (mode) {
        *mode++ = '\0';
        if (strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
            return mc_usage_error("bad --volume mode '%s': give ro or rw",
                                  mode);
        m->ro = !strcmp(mode, "ro");
    }
    if (s[0] == '/') {
        m->type = MOUNT_BIND;
    } else if (mc_valid_name(s)) {
        m->type = MOUNT_VOLUME;
    } else {
        return mc_usage_error("bad --volume '%s': give HOST:CTR with an "
                              "absolute HOST path, or NAME:CTR for a named "
                              "volume",
                              s);
    }
    if (bad_target(ctr))
        return mc_usage_error("bad --volume target '%s': give an absolute "
                              "path inside",
                              ctr);
    m->source = s;
    m->target = ctr;
    return check_source(m);
}

/* tmpfs options: size=64m, mode=1777, ro, rw (and Docker's others,
 * which tmpfs takes anyway: nosuid, nodev, noexec are always on). */
static int
parse_tmpfs_opts(struct mount_spec *m, char *opts)
{
    for (char *o = strtok(opts, ","); o; o = strtok(NULL, ",")) {
        if (!strncmp(o, "size=", 5) || !strncmp(o, "tmpfs-size=", 11)) {
            if (ct_parse_size(strchr(o, '=') + 1, &m->size) == -1)
                return mc_usage_error("bad tmpfs size '%s'", o);
        } else if (!strncmp(o, "mode=", 5) || !strncmp(o, "tmpfs-mode=", 11)) {
            char *end;
            unsigned long mode = strtoul(strchr(o, '=') + 1, &end, 8);
            if (*end || mode > 07777)
                return mc_usage_error("bad tmpfs mode '%s'", o);
            m->mode = (unsigned)mode;
        } else if (!strcmp(o, "ro")) {
            m->ro = true;
        } else if (strcmp(o, "rw") && strcmp(o, "nosuid") &&
                   strcmp(o, "nodev") && strcmp(o, "noexec") &&
                   strcmp(o, "exec")) {
            return mc_usage_error("unknown tmpfs option '%s'", o);
        }
    }
    return 0;
}

/* --tmpfs CTR[:OPTS] */
static int
parse_tmpfs(struct container *c, char *s)
{
    struct mount_spec *m = new_mount(c);
    char *opts = strchr(s, ':');

    if (!m)
        return -1;
    if (opts)
        *opts++ = '\0';
    if (bad_target(s))
        return mc_usage_error("bad --tmpfs '%s': give an absolute path", s);
    m->type = MOUNT_TMPFS;
    m->target = s;
    return opts ? parse_tmpfs_opts(m, opts) : 0;
}

/* --mount type=bind|volume|tmpfs,source=..,target=..[,readonly] */
static int
parse_mount(struct container *c, char *s)
{
    struct mount_spec *m = new_mount(c);
    char tmpfs_opts[256] = "";
    bool typed = false;

    if (!m)
        return -1;
    m->type = MOUNT_VOLUME;
    for (char *kv = strtok(s, ","); kv; kv = strtok(NULL, ",")) {
        char *v = strchr(kv, '=');
        if (v)
            *v++ = '\0';
        if (!strcmp(kv, "type") && v) {
            typed = true;
            if (!strcmp(v, "bind"))
                m->type = MOUNT_BIND;
            else if (!strcmp(v, "volume"))
                m->type = MOUNT_VOLUME;
            else if (!strcmp(v, "tmpfs"))
                m->type = MOUNT_TMPFS;
            else
                return mc_usage_error("bad --mount type '%s': give bind, "
                                      "volume or tmpfs",
                                      v);
        } else if ((!strcmp(kv, "source") || !strcmp(kv, "src")) && v) {
            m->source = v;
        } else if ((!strcmp(kv, "target") || !strcmp(kv, "dst") ||
                    !strcmp(kv, "destination")) &&
                   v) {
            m->target = v;
        } else if (!strcmp(kv, "readonly") || !strcmp(kv, "ro")) {
            m->ro = !v || !strcmp(v, "true") || !strcmp(v, "1");
        } else if (!strncmp(kv, "tmpfs-", 6) && v) {
            snprintf(tmpfs_opts + strlen(tmpfs_opts),
                     sizeof(tmpfs_opts) - strlen(tmpfs_opts), "%s%s=%s",
                     tmpfs_opts[0] ? "," : "", kv, v);
        } else {
            return mc_usage_error("unknown --mount key '%s'", kv);
        }
    }
    (void)typed;
    if (!m->target || bad_target(m->target))
        return mc_usage_error("--mount needs target=/absolute/path");
    if (m->type == MOUNT_TMPFS)
        return tmpfs_opts[0] ? parse_tmpfs_opts(m, tmpfs_opts) : 0;
    if (!m->source)
        return mc_usage_error("--mount type=%s needs source=",
                              m->type == MOUNT_BIND ? "bind" : "volume");
    if (m->type == MOUNT_BIND && m->source[0] != '/')
        return mc_usage_error("--mount type=bind needs an absolute source");
    if (m->type == MOUNT_VOLUME && !mc_valid_name(m->source))
        return mc_usage_error("bad volume name '%s'", m->source);
    return check_source(m);
}

/* ---- the other flags --------------------------------------------------- */

static int
parse_cap_change(struct container *c, const char *name, bool add)
{
    int cap;

    if (!strcasecmp(name, "ALL")) {
        c->caps = add ? caps_all() : 0;
        return 0;
    }
    cap = caps_parse(name);
    if (cap < 0)
        return mc_usage_error("unknown capability '%s'", name);
    if (add)
        c->caps |= 1ULL << cap;
    else
        c->caps &= ~(1ULL << cap);
    return 0;
}

static int
parse_security_opt(struct container *c, const char *opt)
{
    if (!strcmp(opt, "no-new-privileges") ||
        !strcmp(opt, "no-new-privileges=true") ||
        !strcmp(opt, "no-new-privileges:true"))
        c->no_new_privs = true;
    else if (!strcmp(opt, "no-new-privileges=false") ||
             !strcmp(opt, "no-new-privileges:false"))
        c->no_new_privs = false;
    else if (!strcmp(opt, "seccomp=unconfined") ||
             !strcmp(opt, "seccomp:unconfined"))
        c->seccomp = false;
    else
        return mc_usage_error("unknown --security-opt '%s' (known: "
                              "no-new-privileges[=false], "
                              "seccomp=unconfined)",
                              opt);
    return 0;
}

/* --restart no|on-failure[:N]|always|unless-stopped */
static int
parse_restart(struct container *c, const char *s)
{
    uint64_t max;

    if (!strcmp(s, "no"))
        c->restart = RESTART_NO;
    else if (!strcmp(s, "always"))
        c->restart = RESTART_ALWAYS;
    else if (!strcmp(s, "unless-stopped"))
        c->restart = RESTART_UNLESS_STOPPED;
    else if (!strcmp(s, "on-failure"))
        c->restart = RESTART_ON_FAILURE;
    else if (!strncmp(s, "on-failure:", 11) &&
             ct_parse_u64(s + 11, &max) == 0 && max < 1000000) {
        c->restart = RESTART_ON_FAILURE;
        c->restart_max = (int)max;
    } else {
        return mc_usage_error("bad --restart '%s': give no, on-failure[:N], "
                              "always or unless-stopped",
                              s);
    }
    return 0;
}

static int
parse_log_opt(struct container *c, const char *s)
{
    uint64_t v;

    if (!strncmp(s, "max-size=", 9) && ct_parse_size(s + 9, &v) == 0 &&
        v >= 4096)
        c->log.max_size = v;
    else if (!strncmp(s, "max-file=", 9) && ct_parse_u64(s + 9, &v) == 0 &&
             v >= 1 && v <= 100)
        c->log.max_files = (int)v;
    else
        return mc_usage_error("bad --log-opt '%s' (known: max-size=SIZE of "
                              "at least 4k, max-file=1..100)",
                              s);
    return 0;
}

static int
add_env(struct container *c, char *kv)
{
    if (c->nenv == MC_MAX_ENV)
        return mc_usage_error("too many environment variables (at most %d)",
                              MC_MAX_ENV);
    c->env[c->nenv++] = kv;
    return 0;
}

/* The image's defaults, where the flags did not say: Docker's rules. The
 * command is ENTRYPOINT + CMD; --entrypoint replaces the first and drops
 * the image's CMD; a command given replaces CMD. */
static int
apply_image_config(struct container *c, const char *entrypoint, char **cmd,
                   int ncmd, char **env_flags, int nenv_flags,
                   struct net_flags *net)
{
    struct image_config ic = {0};
    char *ep[2] = {(char *)entrypoint, NULL}, **argv;
    int n = 0, total;

    if (c->image[0] && image_config_load(c->image, &ic) == -1)
        return -1;
    if (entrypoint) { /* --entrypoint "" clears it */
        ic.entrypoint = *entrypoint ? ep : NULL;
        ic.cmd = NULL;
    }
    total = ncmd;
    for (char **a = ic.entrypoint; a && *a; a++)
        total++;
    for (char **a = ic.cmd; !ncmd && a && *a; a++)
        total++;
    if (total == 0)
        return mc_usage_error("%s",
                              "no command given, and the image has "
                              "none: minictr run IMAGE COMMAND "
                              "[ARG...]");
    argv = calloc((size_t)total + 1, sizeof(char *));
    for (char **a = ic.entrypoint; a && *a; a++)
        argv[n++] = strdup(*a);
    for (int i = 0; i < ncmd; i++)
        argv[n++] = cmd[i];
    for (char **a = ic.cmd; !ncmd && a && *a; a++)
        argv[n++] = strdup(*a);
    c->argv = argv;
    for (char **e = ic.env; e && *e; e++)
        if (add_env(c, *e) == -1)
            return -1;
    for (int i = 0; i < nenv_flags; i++)
        if (add_env(c, env_flags[i]) == -1)
            return -1;
    if (!c->workdir && ic.workdir && *ic.workdir)
        c->workdir = ic.workdir;
    if (!c->user_set && ic.user && *ic.user && parse_user(c, ic.user) == -1)
        return -1;
    net->exposed = ic.exposed; /* for -P */
    return 0;
}

/* Parse Docker's flags into c. Nothing is made here, but a new named
 * volume. *detach gets -d (NULL for create, which has no -d). */
static int
parse_run(struct container *c, int argc, char **argv, bool *detach)
{
    enum {
        RM = 256,
        NAME,
        READ_ONLY,
        CPUS,
        PIDS,
        CAP_ADD,
        CAP_DROP,
        SECURITY_OPT,
        INIT,
        ROOTFS,
        ENTRYPOINT,
        RESTART,
        LOG_DRIVER,
        LOG_OPT,
        MOUNT,
        TMPFS,
        USERNS,
    };
    static const struct option opts[] = {
        {"rm", no_argument, NULL, RM},
        {"name", required_argument, NULL, NAME},
        {"hostname", required_argument, NULL, 'h'},
        {"env", required_argument, NULL, 'e'},
        {"workdir", required_argument, NULL, 'w'},
        {"user", required_argument, NULL, 'u'},
        {"volume", required_argument, NULL, 'v'},
        {"mount", required_argument, NULL, MOUNT},
        {"tmpfs", required_argument, NULL, TMPFS},
        {"read-only", no_argument, NULL, READ_ONLY},
        {"memory", required_argument, NULL, 'm'},
        {"cpus", required_argument, NULL, CPUS},
        {"pids-limit", required_argument, NULL, PIDS},
        {"cap-add", required_argument, NULL, CAP_ADD},
        {"cap-drop", required_argument, NULL, CAP_DROP},
        {"security-opt", required_argument, NULL, SECURITY_OPT},
        {"init", no_argument, NULL, INIT},
        {"interactive", no_argument, NULL, 'i'},
        {"tty", no_argument, NULL, 't'},
        {"detach", no_argument, NULL, 'd'},
        {"rootfs", required_argument, NULL, ROOTFS},
        {"entrypoint", required_argument, NULL, ENTRYPOINT},
        {"restart", required_argument, NULL, RESTART},
        {"log-driver", required_argument, NULL, LOG_DRIVER},
        {"log-opt", required_argument, NULL, LOG_OPT},
        {"userns", required_argument, NULL, USERNS},
        {"network", required_argument, NULL, NETF_NETWORK},
        {"net", required_argument, NULL, NETF_NETWORK},
        {"ip", required_argument, NULL, NETF_IP},
        {"network-alias", required_argument, NULL, NETF_ALIAS},
        {"net-alias", required_argument, NULL, NETF_ALIAS},
        {"add-host", required_argument, NULL, NETF_ADD_HOST},
        {"publish", required_argument, NULL, 'p'},
        {"publish-all", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'H'},
        {0},
    };
    const char *rootfs = NULL, *entrypoint = NULL, *user = NULL;
    char *env_flags[MC_MAX_ENV];
    char *mount_flags[MC_MAX_MOUNTS][2];
    struct net_flags net = {0};
    int nenv = 0, nmount_flags = 0, opt;

    container_init(c);
    opterr = 0;
    optind = 0; /* restart getopt on the subcommand's argv */
    while ((opt = getopt_long(argc, argv, "+h:e:w:u:v:m:itdp:P", opts, NULL)) !=
           -1) {
        /* --network, --ip, --network-alias, --add-host, -p, -P */
        if (opt == 'p' || opt == 'P' || opt >= NETF_NETWORK) {
            if (network_flag(&net, opt, optarg) == -1)
                return -1;
            continue;
        }
        switch (opt) {
        case RM: c->remove = true; break;
        case NAME:
            if (!mc_valid_name(optarg))
                return mc_usage_error("bad --name '%s': use letters, "
                                      "digits, '_', '.', '-'",
                                      optarg);
            snprintf(c->name, sizeof(c->name), "%s", optarg);
            break;
        case 'h':
            if (!*optarg || strlen(optarg) > 64)
                return mc_usage_error("bad --hostname '%s': 1 to 64 "
                                      "characters",
                                      optarg);
            c->hostname = optarg;
            break;
        case 'e':
            if (optarg[0] == '=' || !*optarg)
                return mc_usage_error("bad --env '%s': give KEY=VALUE, or "
                                      "KEY to pass yours on",
                                      optarg);
            if (!strchr(optarg, '=')) { /* -e KEY: as Docker, from here */
                const char *v = getenv(optarg);
                char *kv;
                if (!v)
                    break; /* not set here: not set there */
                if (asprintf(&kv, "%s=%s", optarg, v) == -1)
                    return ct_fail_errno("asprintf");
                optarg = kv;
            }
            if (nenv == MC_MAX_ENV)
                return mc_usage_error("too many -e (at most %d)", MC_MAX_ENV);
            env_flags[nenv++] = optarg;
            break;
        case 'w':
            if (optarg[0] != '/')
                return mc_usage_error("bad --workdir '%s': give an absolute "
                                      "path",
                                      optarg);
            c->workdir = optarg;
            break;
        case 'u': user = optarg; break;
        case 'v':
        case MOUNT:
        case TMPFS:
            /* After the flags: a volume is made only when all is well. */
            if (nmount_flags == MC_MAX_MOUNTS)
                return mc_usage_error("too many mounts (at most %d)",
                                      MC_MAX_MOUNTS);
            mount_flags[nmount_flags][0] = (char *)(intptr_t)opt;
            mount_flags[nmount_flags++][1] = optarg;
            break;
        case READ_ONLY: c->read_only = true; break;
        case 'm':
            if (ct_parse_size(optarg, &c->limits.memory) == -1 ||
                c->limits.memory < 6 * 1024 * 1024)
                return mc_usage_error("bad --memory '%s': give a size of at "
                                      "least 6m, such as 64m or 1g",
                                      optarg);
            break;
        case CPUS:
            if (ct_parse_millionths(optarg, &c->limits.cpus_millionths) == -1 ||
                c->limits.cpus_millionths < 10000)
                return mc_usage_error("bad --cpus '%s': give a number of "
                                      "cpus of at least 0.01, such as 0.5",
                                      optarg);
            if (c->limits.cpus_millionths >
                (uint64_t)sysconf(_SC_NPROCESSORS_ONLN) * 1000000)
                return mc_usage_error("bad --cpus '%s': the range of cpus is "
                                      "from 0.01 to %ld.00, as there are "
                                      "only %ld here",
                                      optarg, sysconf(_SC_NPROCESSORS_ONLN),
                                      sysconf(_SC_NPROCESSORS_ONLN));
            break;
        case PIDS:
            if (ct_parse_u64(optarg, &c->limits.pids) == -1 ||
                c->limits.pids == 0)
                return mc_usage_error("bad --pids-limit '%s': give a whole "
                                      "number above 0",
                                      optarg);
            break;
        case CAP_ADD:
        case CAP_DROP:
            if (parse_cap_change(c, optarg, opt == CAP_ADD) == -1)
                return -1;
            break;
        case SECURITY_OPT:
            if (parse_security_opt(c, optarg) == -1)
                return -1;
            break;
        case INIT: c->init = true; break;
        case 'i': c->interactive = true; break;
        case 't': c->tty = true; break;
        case 'd':
            if (!detach)
                return mc_usage_error("%s",
                                      "create has no -d: it starts "
                                      "nothing");
            *detach = true;
            break;
        case ROOTFS: rootfs = optarg; break;
        case ENTRYPOINT: entrypoint = optarg; break;
        case RESTART:
            if (parse_restart(c, optarg) == -1)
                return -1;
            break;
        case LOG_DRIVER:
            if (strcmp(optarg, "json-file") && strcmp(optarg, "none"))
                return mc_usage_error("bad --log-driver '%s': give "
                                      "json-file or none",
                                      optarg);
            c->log.none = !strcmp(optarg, "none");
            break;
        case LOG_OPT:
            if (parse_log_opt(c, optarg) == -1)
                return -1;
            break;
        case USERNS:
            if (userns_parse(c, optarg) == -1)
                return -1;
            break;
        case 'H': run_usage(stdout, detach ? "run" : "create"); exit(0);
        default:
            return mc_usage_error("unknown or incomplete option '%s' (see "
                                  "'minictr %s --help')",
                                  argv[optind - 1], detach ? "run" : "create");
        }
    }
    if (c->remove && c->restart != RESTART_NO)
        return mc_usage_error("%s", "conflicting options: --restart and --rm");
    if (!rootfs) {
        if (optind >= argc)
            return mc_usage_error("no image given (see 'minictr %s --help')",
                                  detach ? "run" : "create");
        c->image = argv[optind++];
    }

    if (rootfs) {
        char abs[4096];
        struct stat st;
        if (stat(rootfs, &st) == -1) {
            mc_error_code("no_such_rootfs");
            return ct_fail_errno("--rootfs '%s'", rootfs);
        }
        if (!S_ISDIR(st.st_mode)) {
            mc_error_code("no_such_rootfs");
            return ct_fail("--rootfs '%s' is not a directory", rootfs);
        }
        /* one lower directory, escaped as overlay's options need */
        if (!realpath(rootfs, abs))
            return ct_fail_errno("realpath '%s'", rootfs);
        if (overlay_escape(abs, c->rootfs, sizeof(c->rootfs)) == -1)
            return mc_usage_error("--rootfs '%s': path too long", rootfs);
    } else if (image_rootfs(c->image, c->rootfs, sizeof(c->rootfs)) == -1) {
        return -1;
    }
    if (user && parse_user(c, user) == -1)
        return -1;
    if (apply_image_config(c, entrypoint, argv + optind, argc - optind,
                           env_flags, nenv, &net) == -1 ||
        network_configure(c, &net) == -1)
        return -1;
    for (int i = 0; i < nmount_flags; i++) {
        int kind = (int)(intptr_t)mount_flags[i][0];
        char *arg = mount_flags[i][1];
        if ((kind == 'v'         ? parse_volume(c, arg)
                 : kind == MOUNT ? parse_mount(c, arg)
                                 : parse_tmpfs(c, arg)) == -1)
            return -1;
    }
    return 0;
}

int
cmd_run(int argc, char **argv)
{
    static struct container c;
    bool detach = false;
    int rc, hold = store_hold(false);

    /* The image's layers must stay until the record names them (rmi and
     * prune wait for gc.lock); then the lock goes, before the monitor is
     * forked and would keep it. */
    if (hold == -1)
        return -1;
    rc = parse_run(&c, argc, argv, &detach);
    if (rc == 0 && !detach && c.tty && c.interactive && !isatty(0))
        rc = mc_usage_error("%s",
                            "the input device is not a TTY (-i -t "
                            "needs your terminal as stdin; drop -t to "
                            "pipe into it)");
    if (rc == 0)
        rc = container_create(&c);
    store_release(hold);
    if (rc == -1)
        return -1;
    rc = container_start(&c, detach);
    if (detach && rc == 0)
        printf("%s\n", c.id); /* the full id, as Docker */
    return rc;
}

int
cmd_create(int argc, char **argv)
{
    static struct container c;
    int hold = store_hold(false), rc;

    if (hold == -1)
        return -1;
    rc = parse_run(&c, argc, argv, NULL) == -1 || container_create(&c) == -1
        ? -1
        : 0;
    store_release(hold);
    if (rc == -1)
        return -1;
    printf("%s\n", c.id);
    return 0;
}
