/*
 * userns.c: user namespaces, as step 08-user-namespaces makes them, for
 * the runner: containers for a user without sudo, and `--userns auto`,
 * root inside and nobody outside, for root.
 *
 *   rootless   a user's container: the monitor clones it into a new user
 *              namespace (with the others, spawn.c) and writes its maps
 *              while it waits: "0 UID 1" directly (three writes to /proc,
 *              no helper: ~0.1 ms), or, when /etc/subuid gives the user a
 *              range, also "1 START COUNT" through the setuid newuidmap and
 *              newgidmap (podman's layout, ~4.5 ms). The image store is
 *              unpacked inside such a namespace, so its files belong to
 *              mapped ids; removing what containers made happens inside
 *              one too (userns_rm_rf).
 *   auto       root, --userns auto: each running container holds 65536 ids
 *              of root's own /etc/subuid range, "0 START 65536", disjoint
 *              from every other running container's (Docker's userns-remap,
 *              per container). Allocated under the names lock and written
 *              into the record before use; free again when its monitor is
 *              gone, however it went (the lock on ID.lock says so).
 *   host       none: root inside is the host's root (root's default).
 *
 * Root inside an auto container is nobody outside, so the image's files
 * (host root's) would be nobody's inside: readable at most, and copy-up
 * fails (EOVERFLOW). The monitor therefore gives the child *idmapped*
 * trees (mount_setattr(2) MOUNT_ATTR_IDMAP, Linux 5.12; overlayfs takes
 * them as layers since 5.19): the image, the container's directory and
 * each volume, seen through the container's map, so host uid 0 on disk is
 * uid 0 inside. On disk nothing changes owner: a container's upper layer
 * holds the ids it has inside, as with --userns host, and any range serves
 * the next run. The kernel lets only the filesystem's owner (host root)
 * make such a mount, and only on a detached one, so the monitor makes them
 * and passes them over the channel (SCM_RIGHTS); the child attaches them
 * in its own mount namespace.
 *
 * Read: user_namespaces(7), subuid(5), newuidmap(1), mount_setattr(2)
 *       (MOUNT_ATTR_IDMAP), open_tree(2), unix(7) SCM_RIGHTS;
 *       steps/08-user-namespaces/usernsbox.c first.
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define AUTO_IDS 65536 /* ids per --userns auto container */
/* --userns auto's idmapped trees: the container's directory, the layers,
 * the volumes (fewer than SCM_RIGHTS takes in one message, 253) */
#define MAX_TREES (1 + MC_MAX_LAYERS + 1 + MC_MAX_MOUNTS)
#define ROOT_RANGE "1000000-1655359" /* ten containers' worth, for hints */

/* ct_set_hint keeps the pointer: a formatted hint needs a home. */
static void hintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
hintf(const char *fmt, ...)
{
    static char hint[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(hint, sizeof(hint), fmt, ap);
    va_end(ap);
    ct_set_hint(hint);
}

/* ---- where a user's things live ---------------------------------------- */

static bool
is_own_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
        st.st_uid == geteuid();
}

const char *
userns_data_dir(void)
{
    static char dir[4096];
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    struct passwd *pw;

    if (dir[0])
        return dir;
    /* XDG base directories: $XDG_DATA_HOME, else ~/.local/share. */
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof(dir), "%s/minictr", xdg);
    else if (home && home[0] == '/')
        snprintf(dir, sizeof(dir), "%s/.local/share/minictr", home);
    else if ((pw = getpwuid(geteuid())) != NULL)
        snprintf(dir, sizeof(dir), "%s/.local/share/minictr", pw->pw_dir);
    else
        snprintf(dir, sizeof(dir), "/nonexistent/minictr");
    return dir;
}

/* Where records and sockets go: a tmpfs that only we may write, as
 * podman picks it. $XDG_RUNTIME_DIR is set by a systemd login; without
 * systemd there is no session, so /run/user/UID if it is ours, else
 * ${TMPDIR:-/tmp}/minictr-run-UID, which userns_make_state_dir checks. */
const char *
userns_runtime_dir(void)
{
    static char dir[4096];
    const char *xdg = getenv("XDG_RUNTIME_DIR"), *tmp = getenv("TMPDIR");
    char run[64];

    if (dir[0])
        return dir;
    snprintf(run, sizeof(run), "/run/user/%u", (unsigned)geteuid());
    if (xdg && xdg[0] == '/' && is_own_dir(xdg))
        snprintf(dir, sizeof(dir), "%s/minictr", xdg);
    else if (is_own_dir(run))
        snprintf(dir, sizeof(dir), "%s/minictr", run);
    else
        snprintf(dir, sizeof(dir), "%s/minictr-run-%u",
                 tmp && tmp[0] == '/' ? tmp : "/tmp", (unsigned)geteuid());
    return dir;
}

int
userns_make_state_dir(void)
{
    const char *dir = mc_state_dir(), *env = getenv("MINICTR_STATE");
    struct stat st;

    if (ct_mkdir_p(dir, 0700) == -1)
        return ct_fail_errno("mkdir '%s'", dir);
    if (geteuid() == 0 || (env && *env))
        return 0;
    /* In /tmp anyone could have made it first, to read our records or
     * put a socket of theirs where we would connect: it must be a
     * directory of ours that nobody else may enter. */
    if (lstat(dir, &st) == -1)
        return ct_fail_errno("lstat '%s'", dir);
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
        mc_error_code("bad_state_dir");
        ct_set_hint("remove it (it is not minictr's), or set XDG_RUNTIME_DIR "
                    "or MINICTR_STATE to a directory of your own");
        return ct_fail("the state directory '%s' is not a private directory "
                       "of yours (owner %u, mode %03o)",
                       dir, (unsigned)st.st_uid, (unsigned)st.st_mode & 0777);
    }
    return 0;
}

/* ---- /etc/subuid and /etc/subgid --------------------------------------- */

/* subuid(5): lines "NAME:START:COUNT" (or "UID:START:COUNT") that root
 * writes (useradd does, for each new user): the ids outside that a user
 * may map, through newuidmap, and that nobody else is given. */
struct id_range {
    uint64_t start, count;
};

static bool
is_us(const char *who, const char *name, unsigned id)
{
    char num[16];

    snprintf(num, sizeof(num), "%u", id);
    return !strcmp(who, num) || (name && !strcmp(who, name));
}

/* The first range of `name` (or uid `id`) in file: 1 found, 0 none; -1
 * when another user's range overlaps it (recorded, with a fix). */
static int
own_range(const char *file, const char *name, unsigned id, struct id_range *r)
{
    char line[512];
    FILE *f = fopen(file, "re");
    int found = 0, rc = 0;

    r->start = r->count = 0;
    for (int pass = 0; f && pass < 2 && rc == 0; pass++) {
        rewind(f);
        while (rc == 0 && fgets(line, sizeof(line), f)) {
            char *save, *who = strtok_r(line, ":\n", &save);
            char *start = strtok_r(NULL, ":\n", &save);
            char *count = strtok_r(NULL, ":\n", &save);
            struct id_range o;
            if (!who || !start || !count || ct_parse_u64(start, &o.start) ||
                ct_parse_u64(count, &o.count) || o.count == 0)
                continue;
            if (pass == 0 && !found && is_us(who, name, id)) {
                *r = o; /* pass 0: ours; pass 1: the others' */
                found = 1;
            } else if (pass == 1 && found && !is_us(who, name, id) &&
                       o.start < r->start + r->count &&
                       r->start < o.start + o.count) {
                mc_error_code("subid_overlap");
                bool gids = strstr(file, "subgid") != NULL;
                hintf("give each user a block of its own in %s, e.g. "
                      "sudo usermod --del-sub%s %" PRIu64 "-%" PRIu64
                      " %s, then --add-sub%s with a free block",
                      file, gids ? "gids" : "uids", r->start,
                      r->start + r->count - 1, name ? name : "USER",
                      gids ? "gids" : "uids");
                rc = ct_fail("the range %" PRIu64 "-%" PRIu64
                             " of '%s' in %s overlaps the range of '%s' "
                             "(%" PRIu64 "-%" PRIu64 "): a container of one "
                             "could own the other's files",
                             r->start, r->start + r->count - 1,
                             name ? name : "?", file, who, o.start,
                             o.start + o.count - 1);
            }
        }
        if (!found)
            break;
    }
    if (f)
        fclose(f);
    return rc == -1 ? -1 : found;
}

/* ---- maps: planned at create, allocated at start ----------------------- */

static void
map_add(struct id_map *m, uint64_t inside, uint64_t outside, uint64_t count)
{
    m->inside[m->n] = (uint32_t)inside;
    m->outside[m->n] = (uint32_t)outside;
    m->count[m->n] = (uint32_t)count;
    m->n++;
}

/* Is id `inside` mapped (a uid -u may switch to, gid 5 for devpts)? */
static bool
map_has(const struct id_map *m, uint64_t inside)
{
    for (int i = 0; i < m->n; i++)
        if (inside >= m->inside[i] && inside - m->inside[i] < m->count[i])
            return true;
    return false;
}

void
userns_map_format(const struct id_map *m, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < m->n && len < size; i++)
        len +=
            (size_t)snprintf(buf + len, size - len, "%s%u %u %u", i ? "\n" : "",
                             m->inside[i], m->outside[i], m->count[i]);
}

int
userns_map_parse(const char *s, struct id_map *m)
{
    unsigned a, b, c;
    int used;

    m->n = 0;
    while (m->n < 2 && sscanf(s, " %u %u %u%n", &a, &b, &c, &used) == 3) {
        map_add(m, a, b, c);
        s += used;
    }
    return m->n;
}

int
userns_parse(struct container *c, const char *value)
{
    bool root = geteuid() == 0;

    if (root && !strcmp(value, "host")) {
        c->userns.mode = USERNS_HOST;
    } else if (root && !strcmp(value, "auto")) {
        c->userns.mode = USERNS_AUTO;
    } else if (!strcmp(value, "host") || !strcmp(value, "auto")) {
        mc_error_code("usage");
        ct_set_hint("leave --userns out: as a user, every container runs in "
                    "a user namespace of yours, with you as its root");
        return ct_fail("--userns %s is for root: %s", value,
                       !strcmp(value, "host")
                           ? "a user cannot give a container the host's "
                             "user namespace (it could make no other)"
                           : "it takes ranges from root's /etc/subuid");
    } else {
        ct_set_hint("--userns host: root inside is the host's root (the "
                    "default); --userns auto: root inside is nobody outside");
        return mc_usage_error("bad --userns '%s': give host or auto", value);
    }
    return 0;
}

/* The user's own map: 0 is you; 1..COUNT your /etc/subuid range, when you
 * have one in both files (then newuidmap must write it). */
static int
plan_own_map(struct userns *u)
{
    struct passwd *pw = getpwuid(getuid());
    const char *name = pw ? pw->pw_name : NULL;
    struct id_range ru, rg;
    char helper[4096];
    int fu, fg;

    memset(u, 0, sizeof(*u));
    u->mode = USERNS_ROOTLESS;
    map_add(&u->uid, 0, getuid(), 1);
    map_add(&u->gid, 0, getgid(), 1);
    fu = own_range("/etc/subuid", name, getuid(), &ru);
    fg = fu == -1 ? -1 : own_range("/etc/subgid", name, getuid(), &rg);
    if (fu == -1 || fg == -1)
        return -1;
    if (!fu || !fg)
        return 0; /* one id: the monitor writes it, no helper */
    if (!ct_find_in_path("newuidmap", helper, sizeof(helper)) ||
        !ct_find_in_path("newgidmap", helper, sizeof(helper))) {
        mc_error_code("no_newuidmap");
        ct_set_hint("root installs them once: sudo apt-get install uidmap "
                    "(they are setuid root, and map only what /etc/subuid "
                    "and /etc/subgid give you)");
        return ct_fail("/etc/subuid gives '%s' a range (%" PRIu64 "-%" PRIu64
                       "), but newuidmap or newgidmap is not in PATH: "
                       "without them only your own id can be mapped",
                       name ? name : "you", ru.start, ru.start + ru.count - 1);
    }
    map_add(&u->uid, 1, ru.start, ru.count);
    map_add(&u->gid, 1, rg.start, rg.count);
    u->helpers = true;
    return 0;
}

/* Root's own range for auto: one whole container (65536 ids) at least. */
static int
root_ranges(struct id_range *ru, struct id_range *rg)
{
    int fu = own_range("/etc/subuid", "root", 0, ru);
    int fg = fu == -1 ? -1 : own_range("/etc/subgid", "root", 0, rg);

    if (fu == -1 || fg == -1)
        return -1;
    if (fu && fg && ru->count >= AUTO_IDS && rg->count >= AUTO_IDS)
        return 0;
    mc_error_code("no_subid_range");
    ct_set_hint("give root a range, 65536 ids for each container running at "
                "once: sudo usermod --add-subuids " ROOT_RANGE
                " --add-subgids " ROOT_RANGE " root");
    return ct_fail("--userns auto needs a range of at least %d ids for root "
                   "in /etc/subuid and /etc/subgid, and there is %s",
                   AUTO_IDS, fu && fg ? "a smaller one" : "none");
}

int
userns_plan(struct container *c)
{
    struct id_range ru, rg;
    struct id_map *uids = &c->userns.uid, *gids = &c->userns.gid;

    if (c->userns.mode == USERNS_HOST)
        return 0;
    if (c->userns.mode == USERNS_AUTO) {
        if (root_ranges(&ru, &rg) == -1)
            return -1;
        if (c->user_set && (c->uid >= AUTO_IDS || c->gid >= AUTO_IDS))
            return mc_usage_error("-u %u:%u: --userns auto maps ids 0 to "
                                  "%d only",
                                  c->uid, c->gid, AUTO_IDS - 1);
        return 0;
    }
    if (plan_own_map(&c->userns) == -1)
        return -1;
    if (c->user_set && (!map_has(uids, c->uid) || !map_has(gids, c->gid))) {
        mc_error_code("usage");
        ct_set_hint(c->userns.helpers
                        ? "pick an id your /etc/subuid range covers"
                        : "with a /etc/subuid range more ids exist inside: "
                          "sudo usermod --add-subuids 100000-165535 "
                          "--add-subgids 100000-165535 USER (a block "
                          "nobody else has)");
        return ct_fail("-u %u:%u: your containers' user namespace maps %s",
                       c->uid, c->gid,
                       c->userns.helpers ? "fewer ids" : "only 0 (you)");
    }
    return 0;
}

/* ---- auto: one range per running container ----------------------------- */

struct held {
    const char *self;
    uint32_t starts[4096];
    int n;
};

static int
note_held(struct container *o, void *arg)
{
    struct held *h = arg;

    /* A range counts as held while the monitor that holds it lives: a
     * monitor killed with -9 frees it at once, cleaned or not. */
    if (o->userns.mode == USERNS_AUTO && o->userns.uid.n > 0 &&
        strcmp(o->id, h->self) && h->n < 4096 && container_monitor_alive(o))
        h->starts[h->n++] = o->userns.uid.outside[0];
    return 0;
}

int
userns_allocate(struct container *c)
{
    static struct held h;
    struct id_range ru, rg;
    uint64_t slices, k;
    int lock, rc;

    if (c->userns.mode != USERNS_AUTO)
        return 0;
    if (root_ranges(&ru, &rg) == -1)
        return -1;
    slices = (ru.count < rg.count ? ru.count : rg.count) / AUTO_IDS;
    lock = container_lock_names();
    if (lock == -1)
        return -1;
    h.self = c->id;
    h.n = 0;
    state_each(note_held, &h);
    for (k = 0; k < slices; k++) {
        uint64_t start = ru.start + k * AUTO_IDS;
        int i = 0;
        /* overlap, not equality: a range held from before a change of
         * /etc/subuid need not fall on our slices */
        while (i < h.n &&
               !(h.starts[i] < start + AUTO_IDS &&
                 start < (uint64_t)h.starts[i] + AUTO_IDS))
            i++;
        if (i == h.n)
            break; /* nobody holds slice k */
    }
    if (k == slices) {
        container_unlock_names(lock);
        mc_error_code("no_subid_range");
        ct_set_hint("stop one, or give root more ids: sudo usermod "
                    "--add-subuids " ROOT_RANGE " --add-subgids " ROOT_RANGE
                    " root");
        return ct_fail("all %" PRIu64 " ranges of %d ids in root's "
                       "/etc/subuid are held by running containers",
                       slices, AUTO_IDS);
    }
    c->userns.uid.n = c->userns.gid.n = 0;
    map_add(&c->userns.uid, 0, ru.start + k * AUTO_IDS, AUTO_IDS);
    map_add(&c->userns.gid, 0, rg.start + k * AUTO_IDS, AUTO_IDS);
    /* Named first: the range is in the record before any id is used. */
    rc = state_write(c);
    container_unlock_names(lock);
    return rc;
}

void
userns_release(struct container *c)
{
    if (c->userns.mode == USERNS_AUTO)
        c->userns.uid.n = c->userns.gid.n = 0;
}

/* ---- writing the maps -------------------------------------------------- */

/* user_namespaces(7): /proc/PID/uid_map takes all its lines in one
 * write, once. A user may write only "0 UID 1", its own uid, and gid_map
 * only after "deny" went to setgroups (else a group that a file denies
 * could be dropped with setgroups(2) inside); root may write any map. */
static int
write_map(pid_t pid, const char *file, const char *text)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    if (ct_write_file(path, "%s", text) == -1)
        return ct_fail_errno("write '%s' to '%s'", text, path);
    return 0;
}

/* newuidmap(1), newgidmap(1): setuid root, they write what /etc/subuid
 * allows us. Fork, exec, wait; their complaint becomes our error. */
static int
run_helper(const char *name, pid_t pid, const struct id_map *m)
{
    char path[4096], args[2][3][16], p[16], out[1024], shell[256];
    char *argv[10] = {path, p};
    int fds[2], status, argc = 2;
    ssize_t n, len = 0;
    pid_t child;

    if (!ct_find_in_path(name, path, sizeof(path))) {
        mc_error_code("no_newuidmap");
        ct_set_hint("sudo apt-get install uidmap");
        return ct_fail("'%s' is not in PATH", name);
    }
    snprintf(p, sizeof(p), "%d", (int)pid);
    for (int i = 0; i < m->n; i++) {
        snprintf(args[i][0], 16, "%u", m->inside[i]);
        snprintf(args[i][1], 16, "%u", m->outside[i]);
        snprintf(args[i][2], 16, "%u", m->count[i]);
        for (int j = 0; j < 3; j++)
            argv[argc++] = args[i][j];
    }
    argv[argc] = NULL;
    snprintf(shell, sizeof(shell), "%s", name);
    for (int i = 1; i < argc; i++)
        snprintf(shell + strlen(shell), sizeof(shell) - strlen(shell), " %s",
                 argv[i]);
    ct_trace(shell, "fork(), execv(\"%s\", argv), waitpid()", path);
    if (pipe2(fds, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2 for %s", name);
    fflush(NULL);
    child = fork();
    if (child == -1) {
        close(fds[0]);
        close(fds[1]);
        return ct_fail_errno("fork for %s", name);
    }
    if (child == 0) {
        dup2(fds[1], 2);
        execv(path, argv);
        fprintf(stderr, "exec failed: %s\n", ct_errno_name(errno));
        _exit(127);
    }
    close(fds[1]);
    while (len < (ssize_t)sizeof(out) - 1 &&
           (n = read(fds[0], out + len, sizeof(out) - 1 - (size_t)len)) > 0)
        len += n;
    out[len > 0 ? len : 0] = '\0';
    close(fds[0]);
    while (waitpid(child, &status, 0) == -1 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    out[strcspn(out, "\n")] = '\0';
    hintf("it maps only what /etc/subuid and /etc/subgid give you, and it "
          "must be setuid root (ls -l %s)",
          path);
    return ct_fail("'%s' failed: %s", shell, out[0] ? out : "?");
}

/* Write pid's maps: root directly (any map, setgroups left allowed); a
 * user directly for one id, or through the helpers for a range. */
static int
write_maps(const struct userns *u, pid_t pid)
{
    char uids[64], gids[64];

    if (u->helpers)
        return run_helper("newuidmap", pid, &u->uid) == -1 ||
                run_helper("newgidmap", pid, &u->gid) == -1
            ? -1
            : 0;
    userns_map_format(&u->uid, uids, sizeof(uids));
    userns_map_format(&u->gid, gids, sizeof(gids));
    if ((u->mode == USERNS_ROOTLESS &&
         write_map(pid, "setgroups", "deny") == -1) ||
        write_map(pid, "uid_map", uids) == -1 ||
        write_map(pid, "gid_map", gids) == -1)
        return -1;
    return 0;
}

/* ---- the child's idmapped trees (auto) --------------------------------- */

/* A detached copy of the tree at path, seen through the user namespace
 * usernsfd: open_tree(OPEN_TREE_CLONE), then mount_setattr with
 * MOUNT_ATTR_IDMAP (and read-only, before anyone can see it). */
static int
idmapped_tree(const char *path, int usernsfd, bool recursive, bool ro)
{
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP |
                                  (ro ? MOUNT_ATTR_RDONLY : 0),
                              .userns_fd = (uint64_t)usernsfd};
    int fd;

    ct_trace("mount --bind -o X-mount.idmap=... HOST DIR",
             "open_tree(\"%s\", OPEN_TREE_CLONE); mount_setattr(IDMAP%s)", path,
             ro ? "|RDONLY" : "");
    fd = (int)syscall(SYS_open_tree, AT_FDCWD, path,
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                          (recursive ? AT_RECURSIVE : 0));
    if (fd == -1)
        return ct_fail_errno("open_tree '%s'", path);
    if (syscall(SYS_mount_setattr, fd, "",
                AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
                sizeof(attr)) == -1) {
        int err = errno;
        close(fd);
        errno = err;
        mc_error_code("no_idmap");
        if (err == EINVAL)
            hintf("the filesystem of '%s' cannot be idmapped (ext4, "
                  "xfs, btrfs and, from Linux 6.3, tmpfs can; Linux "
                  "5.12 at least): with --userns auto every volume is "
                  "idmapped to stay writable, so put it on such a "
                  "filesystem, or run without --userns auto",
                  path);
        return ct_fail_errno("idmap '%s' (mount_setattr MOUNT_ATTR_IDMAP)",
                             path);
    }
    return fd;
}

/* Send SPAWN_MAPS with fds (SCM_RIGHTS) on the channel. */
static int
send_maps(int chan, const int *fds, int n)
{
    if (ct_send_fds(chan, (char[]){SPAWN_MAPS}, 1, fds, n) == -1)
        return ct_fail_errno("send the maps to the container");
    return 0;
}

int
userns_map_child(struct container *c, pid_t pid, int chan)
{
    int fds[MAX_TREES], n = 0, usernsfd = -1, rc = -1;
    char path[64];

    if (write_maps(&c->userns, pid) == -1)
        return -1;
    if (c->userns.mode != USERNS_AUTO)
        return send_maps(chan, NULL, 0);
    /* The trees, in the order the child takes them: the container's
     * directory, the image's layers (top first), then each bind or volume
     * source. */
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    usernsfd = open(path, O_RDONLY | O_CLOEXEC);
    if (usernsfd == -1) {
        ct_fail_errno("open '%s'", path);
        goto out;
    }
    if ((fds[n] = idmapped_tree(c->dir, usernsfd, false, false)) == -1)
        goto out;
    n++;
    for (const char *p = c->rootfs; p && *p;) {
        char layer[4200];
        p = overlay_next_layer(p, layer, sizeof(layer));
        if ((fds[n] = idmapped_tree(layer, usernsfd, false, false)) == -1)
            goto out;
        n++;
    }
    for (int i = 0; i < c->nmounts; i++) {
        const struct mount_spec *m = &c->mounts[i];
        char host[4096];
        if (m->type == MOUNT_TMPFS)
            continue;
        if (m->type == MOUNT_VOLUME &&
            volume_path(m->source, false, host, sizeof(host)) == -1)
            goto out;
        if (m->type == MOUNT_BIND)
            snprintf(host, sizeof(host), "%s", m->source);
        if ((fds[n] = idmapped_tree(host, usernsfd, true, m->ro)) == -1)
            goto out;
        n++;
    }
    rc = send_maps(chan, fds, n);
out:
    while (n > 0)
        close(fds[--n]);
    if (usernsfd != -1)
        close(usernsfd);
    return rc;
}

/* ---- in the child ------------------------------------------------------ */

int
userns_wait_for_maps(struct container *c)
{
    char kind = 0;
    int fds[MAX_TREES], n, next;

    /* Until the maps are written we are nobody in here (65534): a file
     * we made would have no owner (EOVERFLOW), and what we exec would
     * have no capabilities. EOF: the monitor gave up on us. */
    if (ct_recv_fds(c->keep_fd, &kind, 1, fds, MAX_TREES, &n) != 1 ||
        kind != SPAWN_MAPS)
        _exit(MC_EXIT_RUNNER);
    if (c->userns.mode != USERNS_AUTO)
        return 0;
    c->nlayer_fds = overlay_layers(c);
    if (n < 1 + c->nlayer_fds)
        return ct_fail("the monitor sent %d of the idmapped trees", n);
    c->dir_fd = fds[0];
    for (int i = 0; i < c->nlayer_fds; i++)
        c->layer_fds[i] = fds[1 + i];
    next = 1 + c->nlayer_fds;
    for (int i = 0; i < c->nmounts; i++)
        c->mount_fds[i] =
            c->mounts[i].type == MOUNT_TMPFS || next >= n ? -1 : fds[next++];
    return 0;
}

/* move_mount(2) a tree the monitor made onto a path of ours. */
static int
attach_tree(int fd, const char *path)
{
    ct_trace(NULL, "move_mount(idmapped tree, \"%s\")", path);
    if (syscall(SYS_move_mount, fd, "", AT_FDCWD, path,
                MOVE_MOUNT_F_EMPTY_PATH) == -1)
        return ct_fail_errno("move_mount the idmapped tree onto '%s'", path);
    close(fd);
    return 0;
}

int
userns_become_root(const struct container *c)
{
    const struct userns *u = &c->userns;

    /* Supplementary groups from outside are unmapped (nobody's) here:
     * drop them where setgroups is allowed (not with one id: deny). */
    ct_trace("setpriv --reuid 0 --regid 0 --clear-groups",
             "setresgid(0, 0, 0); setresuid(0, 0, 0)");
    if ((u->mode == USERNS_AUTO || u->helpers) && setgroups(0, NULL) == -1)
        return ct_fail_errno("setgroups(0) in the user namespace");
    if (setresgid(0, 0, 0) == -1 || setresuid(0, 0, 0) == -1)
        return ct_fail_errno("become root of the user namespace");
    return 0;
}

/* Root cloned into an auto namespace is still host uid 0 until it
 * switches (and nobody inside): it attaches the trees and goes into the
 * container's directory first, since once it is START outside it may not
 * look a path up through root's directories (/var/lib/minictr is 0700).
 * From here on the child names the directory "." (overlay_dir). */
int
userns_setup_child(struct container *c)
{
    char lower[4200];

    if (c->userns.mode == USERNS_AUTO) {
        if (attach_tree(c->dir_fd, c->dir) == -1)
            return -1;
        for (int i = 0; i < c->nlayer_fds; i++) {
            snprintf(lower, sizeof(lower), "%s/lower/%d", c->dir, i);
            if (attach_tree(c->layer_fds[i], lower) == -1)
                return -1;
        }
        ct_trace(NULL, "chdir(\"%s\")", c->dir);
        if (chdir(c->dir) == -1)
            return ct_fail_errno("chdir '%s'", c->dir);
    }
    return userns_become_root(c);
}

/* ---- this process, into a namespace of the user's (import, rm, cp) ----- */

int
userns_enter(const struct container *c)
{
    static struct container own;
    int go[2], status;
    pid_t helper;
    char byte = 0;

    if (!c) {
        memset(&own, 0, sizeof(own));
        if (plan_own_map(&own.userns) == -1)
            return -1;
        c = &own;
    }
    /* Our maps can only be written from outside: a helper in our own
     * namespace waits for our unshare, writes them (or runs newuidmap on
     * us), and exits. */
    if (pipe2(go, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2");
    fflush(NULL);
    helper = fork();
    if (helper == -1) {
        close(go[0]);
        close(go[1]);
        return ct_fail_errno("fork the map writer");
    }
    if (helper == 0) {
        close(go[1]);
        if (read(go[0], &byte, 1) != 1)
            _exit(1);
        if (write_maps(&c->userns, getppid()) == -1) {
            ct_report();
            _exit(1);
        }
        _exit(0);
    }
    close(go[0]);
    ct_trace("unshare --user", "unshare(CLONE_NEWUSER)");
    if (unshare(CLONE_NEWUSER) == -1) {
        ct_fail_errno("unshare(CLONE_NEWUSER)");
        close(go[1]);
        waitpid(helper, NULL, 0);
        return -1;
    }
    (void)!write(go[1], "g", 1);
    close(go[1]);
    while (waitpid(helper, &status, 0) == -1 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ct_fail("could not write the maps of our own user namespace "
                       "(see above)");
    return userns_become_root(c);
}

int
userns_rm_rf(const char *path)
{
    int status, err = 0;
    pid_t pid;

    if (ct_rm_rf(path) == 0)
        return 0;
    if (geteuid() == 0 || (errno != EACCES && errno != EPERM))
        return -1;
    /* A user's files may belong to ids of its /etc/subuid range, or sit
     * in directories without write permission (an image's 0555 ones):
     * root of a namespace with the user's map may remove them (what
     * `podman unshare rm` is for). */
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        return -1;
    if (pid == 0) {
        if (userns_enter(NULL) == -1) {
            ct_report();
            _exit(EPERM);
        }
        _exit(ct_rm_rf(path) == -1 ? (errno & 0xff) : 0);
    }
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    err = WIFEXITED(status) ? WEXITSTATUS(status) : EPERM;
    errno = err;
    return err == 0 ? 0 : -1;
}
