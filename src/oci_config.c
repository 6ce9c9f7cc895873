/*
 * oci_config.c: a bundle's config.json (and exec's process.json) into a
 * struct container and its struct oci_spec — the parser of the OCI door.
 *
 * One function per section of the runtime spec (config.md), in the spec's
 * order: ociVersion, root, mounts, process, hostname, linux (namespaces,
 * id maps, devices, cgroupsPath, resources, sysctl, seccomp,
 * rootfsPropagation, masked and read-only paths, personality), hooks,
 * annotations. The spec's rules for a reader (config.md, "Extensibility"
 * and "Valid values"): a property we do not know is ignored; a property we
 * know with a value we cannot honour is an error. Every error names the
 * key path:
 *
 *   config.json: linux.namespaces[2].type: unknown namespace 'tyme'
 *
 * json-c's getters coerce ("12abc" reads as 12, a missing key as 0), so
 * every value's type is checked before it is read. Nothing is made here:
 * a bad config.json leaves nothing behind.
 *
 * Read: runtime-spec config.md and config-linux.md; json-c's json_object.h.
 * Try:  minictr-oci spec && jq .linux.namespaces config.json
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* "config.json" or "process.json": the first word of every error. */
static const char *file_name = "config.json";

/* ---- checked getters --------------------------------------------------- */

/* Record "config.json: KEY: MESSAGE"; returns -1. */
static int __attribute__((format(printf, 2, 3)))
bad(const char *key, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mc_error_code("bad_config");
    return ct_fail("%s: %s: %s", file_name, key, msg);
}

/* KEY.NAME or KEY[I] into buf: the path of a child, for errors. */
static const char *
child(char *buf, size_t size, const char *key, const char *name, int index)
{
    if (name)
        snprintf(buf, size, "%s%s%s", key, *key ? "." : "", name);
    else
        snprintf(buf, size, "%s[%d]", key, index);
    return buf;
}

static const char *
type_name(json_object *v)
{
    return v ? json_type_to_name(json_object_get_type(v)) : "nothing";
}

/* The member NAME of object o, or NULL when absent (a JSON null counts as
 * absent, as Go's encoder writes omitted pointers). */
static json_object *
member(json_object *o, const char *name)
{
    json_object *v;

    if (!o || !json_object_object_get_ex(o, name, &v))
        return NULL;
    return json_object_is_type(v, json_type_null) ? NULL : v;
}

static int
want(json_object *v, json_type type, const char *key)
{
    if (json_object_is_type(v, type))
        return 0;
    return bad(key, "expected %s, got %s", json_type_to_name(type),
               type_name(v));
}

/* Optional string member: *out stays as it was when absent. */
static int
get_string(json_object *o, const char *name, const char *key, char **out)
{
    json_object *v = member(o, name);
    char k[512];

    if (!v)
        return 0;
    if (want(v, json_type_string, child(k, sizeof(k), key, name, 0)) == -1)
        return -1;
    *out = strdup(json_object_get_string(v));
    return 0;
}

static int
get_bool(json_object *o, const char *name, const char *key, bool *out)
{
    json_object *v = member(o, name);
    char k[512];

    if (!v)
        return 0;
    if (want(v, json_type_boolean, child(k, sizeof(k), key, name, 0)) == -1)
        return -1;
    *out = json_object_get_boolean(v);
    return 0;
}

/* A whole number (a JSON number without a fraction). */
static int
as_i64(json_object *v, const char *key, int64_t *out)
{
    if (want(v, json_type_int, key) == -1)
        return -1;
    *out = json_object_get_int64(v);
    return 0;
}

/* A whole number >= 0, up to 2^64-1 (rlimits' "unlimited"). */
static int
as_u64(json_object *v, const char *key, uint64_t *out)
{
    int64_t i;

    if (as_i64(v, key, &i) == -1)
        return -1;
    if (i < 0)
        return bad(key, "%" PRId64 " is negative", i);
    *out = json_object_get_uint64(v);
    return 0;
}

static int
get_i64(json_object *o, const char *name, const char *key, struct opt_i64 *out)
{
    json_object *v = member(o, name);
    char k[512];

    if (!v)
        return 0;
    out->set = true;
    return as_i64(v, child(k, sizeof(k), key, name, 0), &out->v);
}

/* A member that must be an array (absent: n = 0). */
static int
get_array(json_object *o, const char *name, const char *key, json_object **a,
          size_t *n)
{
    json_object *v = member(o, name);
    char k[512];

    *a = NULL;
    *n = 0;
    if (!v)
        return 0;
    if (want(v, json_type_array, child(k, sizeof(k), key, name, 0)) == -1)
        return -1;
    *a = v;
    *n = json_object_array_length(v);
    return 0;
}

/* An array of strings, NULL-terminated (absent: *out unchanged). */
static int
get_strings(json_object *o, const char *name, const char *key, char ***out)
{
    json_object *a;
    size_t n;
    char k[512], ki[560];
    char **list;

    if (get_array(o, name, key, &a, &n) == -1)
        return -1;
    if (!a)
        return 0;
    child(k, sizeof(k), key, name, 0);
    list = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx(a, i);
        if (want(s, json_type_string, child(ki, sizeof(ki), k, NULL, (int)i)) ==
            -1)
            return -1;
        list[i] = strdup(json_object_get_string(s));
    }
    *out = list;
    return 0;
}

static int
get_object(json_object *o, const char *name, const char *key, json_object **out)
{
    char k[512];

    *out = member(o, name);
    if (*out &&
        want(*out, json_type_object, child(k, sizeof(k), key, name, 0)) == -1)
        return -1;
    return 0;
}

/* ---- ociVersion -------------------------------------------------------- */

/* 1.0.x and 1.1.x read the same for what minictr does; 1.2 and later add
 * keys we ignore, and say the rest the same way. A 2.x we cannot know. */
static int
parse_version(json_object *cfg, struct oci_spec *s)
{
    json_object *v = member(cfg, "ociVersion");
    const char *ver;

    if (!v)
        return bad("ociVersion", "missing");
    if (want(v, json_type_string, "ociVersion") == -1)
        return -1;
    ver = json_object_get_string(v);
    if (strncmp(ver, "1.", 2) != 0 || ver[2] < '0' || ver[2] > '9')
        return bad("ociVersion", "unsupported version '%s' (minictr reads 1.x)",
                   ver);
    /* 1.0's lifecycle runs prestart in start, before the command; 1.1
     * moved it into create, beside createRuntime (runtime.md). */
    s->prestart_at_start =
        ver[2] == '0' && (!ver[3] || ver[3] == '.' || ver[3] == '-');
    return 0;
}

/* ---- root -------------------------------------------------------------- */

/* root.path: the container's root directory, relative to the bundle (or
 * absolute); containerd's shim has mounted the image's overlay there. */
static int
parse_root(json_object *cfg, struct oci_spec *s, bool existing)
{
    json_object *root;
    char *path = NULL, abs[PATH_MAX + 1];
    struct stat st;

    if (get_object(cfg, "root", "", &root) == -1)
        return -1;
    if (!root)
        return bad("root", "missing (the container's root directory)");
    if (get_string(root, "path", "root", &path) == -1 ||
        get_bool(root, "readonly", "root", &s->root_readonly) == -1)
        return -1;
    if (!path || !*path)
        return bad("root.path", "missing");
    snprintf(abs, sizeof(abs), "%s%s%s", path[0] == '/' ? "" : s->bundle,
             path[0] == '/' ? "" : "/", path);
    if (existing) { /* made already; its root may be unmounted by now */
        s->root = strdup(abs);
        free(path);
        return 0;
    }
    if (stat(abs, &st) == -1) {
        mc_error_code("bad_config");
        return ct_fail_errno("%s: root.path: '%s'", file_name, abs);
    }
    if (!S_ISDIR(st.st_mode))
        return bad("root.path", "'%s' is not a directory", abs);
    s->root = realpath(abs, NULL);
    free(path);
    return s->root ? 0 : ct_fail_errno("realpath '%s'", abs);
}

/* ---- mounts ------------------------------------------------------------ */

/* mount(8)'s option words (runc's table): flags to set or clear, and the
 * propagation types. The other words go to the filesystem as its data. */
static const struct {
    const char *name;
    unsigned long set, clear, propagation;
} mount_words[] = {
    {"async", 0, MS_SYNCHRONOUS, 0},
    {"atime", 0, MS_NOATIME, 0},
    {"bind", MS_BIND, 0, 0},
    {"defaults", 0, 0, 0},
    {"dev", 0, MS_NODEV, 0},
    {"diratime", 0, MS_NODIRATIME, 0},
    {"dirsync", MS_DIRSYNC, 0, 0},
    {"exec", 0, MS_NOEXEC, 0},
    {"mand", MS_MANDLOCK, 0, 0},
    {"noatime", MS_NOATIME, 0, 0},
    {"nodev", MS_NODEV, 0, 0},
    {"nodiratime", MS_NODIRATIME, 0, 0},
    {"noexec", MS_NOEXEC, 0, 0},
    {"nomand", 0, MS_MANDLOCK, 0},
    {"norelatime", 0, MS_RELATIME, 0},
    {"nostrictatime", 0, MS_STRICTATIME, 0},
    {"nosuid", MS_NOSUID, 0, 0},
    {"private", 0, 0, MS_PRIVATE},
    {"rbind", MS_BIND | MS_REC, 0, 0},
    {"relatime", MS_RELATIME, 0, 0},
    {"remount", MS_REMOUNT, 0, 0},
    {"ro", MS_RDONLY, 0, 0},
    {"rprivate", 0, 0, MS_PRIVATE | MS_REC},
    {"rshared", 0, 0, MS_SHARED | MS_REC},
    {"rslave", 0, 0, MS_SLAVE | MS_REC},
    {"runbindable", 0, 0, MS_UNBINDABLE | MS_REC},
    {"rw", 0, MS_RDONLY, 0},
    {"shared", 0, 0, MS_SHARED},
    {"slave", 0, 0, MS_SLAVE},
    {"strictatime", MS_STRICTATIME, 0, 0},
    {"suid", 0, MS_NOSUID, 0},
    {"sync", MS_SYNCHRONOUS, 0, 0},
    {"unbindable", 0, 0, MS_UNBINDABLE},
};

static void
mount_options(struct spec_mount *m, char **opts)
{
    char data[4096] = "";
    size_t len = 0;

    for (char **o = opts; o && *o; o++) {
        size_t i, n = sizeof(mount_words) / sizeof(mount_words[0]);
        for (i = 0; i < n && strcmp(mount_words[i].name, *o); i++)
            ;
        if (i < n) {
            m->flags = (m->flags | mount_words[i].set) & ~mount_words[i].clear;
            m->propagation |= mount_words[i].propagation;
            if (mount_words[i].set & MS_BIND) {
                m->bind = true;
                m->recursive = mount_words[i].set & MS_REC;
            }
            continue;
        }
        if (len + strlen(*o) + 2 < sizeof(data))
            len += (size_t)snprintf(data + len, sizeof(data) - len, "%s%s",
                                    len ? "," : "", *o);
    }
    m->data = len ? strdup(data) : NULL;
    /* A mount of type "bind" is a bind mount whatever its options say. */
    if (m->type && !strcmp(m->type, "bind") && !m->bind) {
        m->bind = true;
        m->flags |= MS_BIND;
    }
}

static int
parse_mounts(json_object *cfg, struct oci_spec *s)
{
    json_object *a;
    size_t n;

    if (get_array(cfg, "mounts", "", &a, &n) == -1)
        return -1;
    s->mounts = calloc(n + 1, sizeof(*s->mounts));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        struct spec_mount *m = &s->mounts[s->nmounts++];
        char k[64], kd[96];
        char **opts = NULL;

        child(k, sizeof(k), "mounts", NULL, (int)i);
        if (want(o, json_type_object, k) == -1 ||
            get_string(o, "destination", k, &m->destination) == -1 ||
            get_string(o, "type", k, &m->type) == -1 ||
            get_string(o, "source", k, &m->source) == -1 ||
            get_strings(o, "options", k, &opts) == -1)
            return -1;
        if (!m->destination || !*m->destination)
            return bad(child(kd, sizeof(kd), k, "destination", 0), "missing");
        if (member(o, "uidMappings") || member(o, "gidMappings"))
            return bad(k, "idmapped mounts (uidMappings) are not supported");
        mount_options(m, opts);
        if (!m->bind && !m->type)
            return bad(k, "no type (and no bind option): what to mount?");
        for (char **p = opts; p && *p; p++)
            free(*p);
        free(opts);
    }
    return 0;
}

/* ---- process ----------------------------------------------------------- */

/* "CAP_NET_ADMIN": its number; -1 for a name no kernel has, -2 for one
 * this kernel does not know yet (runc skips those, so do we). */
static int
cap_number(const char *name)
{
    cap_value_t cap;
    char buf[64];

    if (strncmp(name, "CAP_", 4) != 0 || strlen(name) >= sizeof(buf))
        return -1;
    for (size_t i = 0; name[i]; i++)
        buf[i] =
            (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    buf[strlen(name)] = '\0';
    if (cap_from_name(buf, &cap) == -1)
        return -1;
    return caps_parse(name) == -1 ? -2 : cap;
}

static int
parse_cap_set(json_object *caps, const char *name, uint64_t *set)
{
    char **list = NULL, k[96], ki[128];
    int rc = 0;

    child(k, sizeof(k), "process.capabilities", name, 0);
    if (get_strings(caps, name, "process.capabilities", &list) == -1)
        return -1;
    for (int i = 0; rc == 0 && list && list[i]; i++) {
        int cap = cap_number(list[i]);
        if (cap == -1)
            rc = bad(child(ki, sizeof(ki), k, NULL, i),
                     "unknown capability '%s'", list[i]);
        else if (cap >= 0)
            *set |= 1ULL << cap;
    }
    for (char **p = list; p && *p; p++)
        free(*p);
    free(list);
    return rc;
}

/* A capability that is not in our own bounding set cannot be given: no
 * process started from us can ever hold it (capabilities(7)). Asking
 * capset(2) for it fails with EPERM and the container does not start;
 * here it is left out of every set instead, with a warning in the --log
 * file that names it (crun leaves it out too, without a word; runc 1.1
 * refuses the container). On this build machine CAP_SYS_RESOURCE is such
 * a capability: the host itself runs without it. */
static bool warn_caps; /* a new container's config: say what goes */

static void
drop_unavailable_caps(struct oci_spec *s)
{
    uint64_t asked = s->cap_bounding | s->cap_effective | s->cap_inheritable |
        s->cap_permitted | s->cap_ambient;
    uint64_t gone = 0;
    char names[1024] = "";
    size_t len = 0;

    for (int cap = 0; cap < 64; cap++)
        if ((asked & (1ULL << cap)) && cap_get_bound((cap_value_t)cap) != 1) {
            char *name = cap_to_name((cap_value_t)cap);
            gone |= 1ULL << cap;
            len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
                                    len ? ", " : "", name ? name : "?");
            cap_free(name);
            if (len >= sizeof(names))
                len = sizeof(names) - 1;
        }
    if (!gone)
        return;
    s->cap_bounding &= ~gone;
    s->cap_effective &= ~gone;
    s->cap_inheritable &= ~gone;
    s->cap_permitted &= ~gone;
    s->cap_ambient &= ~gone;
    {
        char msg[1200];
        snprintf(msg, sizeof(msg),
                 "process.capabilities: %s not in this runtime's bounding "
                 "set: left out",
                 names);
        if (warn_caps)
            oci_log("warning", msg);
    }
}

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static int
parse_rlimits(json_object *proc, struct oci_spec *s)
{
    json_object *a;
    size_t n;

    if (get_array(proc, "rlimits", "process", &a, &n) == -1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i), *v;
        char k[64], kk[96], *type = NULL;
        struct spec_rlimit *r;
        size_t j, nn = sizeof(rlimit_names) / sizeof(rlimit_names[0]);

        child(k, sizeof(k), "process.rlimits", NULL, (int)i);
        if (want(o, json_type_object, k) == -1 ||
            get_string(o, "type", k, &type) == -1)
            return -1;
        if (!type)
            return bad(child(kk, sizeof(kk), k, "type", 0), "missing");
        for (j = 0; j < nn && strcmp(rlimit_names[j].name, type); j++)
            ;
        if (j == nn)
            return bad(child(kk, sizeof(kk), k, "type", 0),
                       "unknown rlimit '%s'", type);
        for (int d = 0; d < s->nrlimits; d++)
            if (s->rlimits[d].resource == rlimit_names[j].resource)
                return bad(k, "%s is set twice", type);
        if (s->nrlimits == (int)(sizeof(s->rlimits) / sizeof(s->rlimits[0])))
            return bad(k, "too many rlimits");
        r = &s->rlimits[s->nrlimits++];
        r->resource = rlimit_names[j].resource;
        free(type);
        if (!(v = member(o, "soft")) ||
            as_u64(v, child(kk, sizeof(kk), k, "soft", 0), &r->soft) == -1)
            return v ? -1 : bad(kk, "missing");
        if (!(v = member(o, "hard")) ||
            as_u64(v, child(kk, sizeof(kk), k, "hard", 0), &r->hard) == -1)
            return v ? -1 : bad(kk, "missing");
        if (r->soft > r->hard)
            return bad(k, "soft %" PRIu64 " is above hard %" PRIu64, r->soft,
                       r->hard);
    }
    return 0;
}

static int
parse_process_user(json_object *proc, struct container *c, struct oci_spec *s)
{
    json_object *user, *v, *a;
    uint64_t id;
    size_t n;

    if (get_object(proc, "user", "process", &user) == -1)
        return -1;
    if (!user)
        return 0;
    c->user_set = true;
    if ((v = member(user, "uid")) &&
        (as_u64(v, "process.user.uid", &id) == -1 || id >= UINT32_MAX))
        return ct_error_message()[0] ? -1
                                     : bad("process.user.uid", "too large");
    c->uid = v ? (uid_t)id : 0;
    if ((v = member(user, "gid")) &&
        (as_u64(v, "process.user.gid", &id) == -1 || id >= UINT32_MAX))
        return ct_error_message()[0] ? -1
                                     : bad("process.user.gid", "too large");
    c->gid = v ? (gid_t)id : 0;
    if ((v = member(user, "umask"))) {
        if (as_u64(v, "process.user.umask", &id) == -1)
            return -1;
        if (id > 0777)
            return bad("process.user.umask", "%" PRIu64 " is above 0777", id);
        s->umask = (int)id;
    }
    if (get_array(user, "additionalGids", "process.user", &a, &n) == -1)
        return -1;
    if (n > sizeof(s->additional_gids) / sizeof(s->additional_gids[0]))
        return bad("process.user.additionalGids", "more than %zu groups",
                   sizeof(s->additional_gids) / sizeof(s->additional_gids[0]));
    for (size_t i = 0; i < n; i++) {
        char k[96];
        child(k, sizeof(k), "process.user.additionalGids", NULL, (int)i);
        if (as_u64(json_object_array_get_idx(a, i), k, &id) == -1)
            return -1;
        s->additional_gids[s->nadditional_gids++] = (gid_t)id;
    }
    return 0;
}

/* process: what runs, as whom, with what. Exec's process.json is this
 * same object on its own (oci_process_load). */
static int
parse_process_object(json_object *proc, struct container *c, struct oci_spec *s)
{
    json_object *caps, *console, *v;
    char **env = NULL;

    if (get_strings(proc, "args", "process", &c->argv) == -1)
        return -1;
    if (!c->argv || !c->argv[0])
        return bad("process.args", "missing or empty: what should run?");
    if (member(proc, "commandLine"))
        return bad("process.commandLine", "is for Windows");
    if (get_bool(proc, "terminal", "process", &s->terminal) == -1 ||
        get_object(proc, "consoleSize", "process", &console) == -1)
        return -1;
    c->tty = s->terminal;
    if (console) {
        uint64_t h = 0, w = 0;
        if (((v = member(console, "height")) &&
             as_u64(v, "process.consoleSize.height", &h) == -1) ||
            ((v = member(console, "width")) &&
             as_u64(v, "process.consoleSize.width", &w) == -1))
            return -1;
        s->console_rows = (unsigned)h;
        s->console_cols = (unsigned)w;
    }
    if (get_string(proc, "cwd", "process", &c->workdir) == -1)
        return -1;
    if (!c->workdir)
        return bad("process.cwd", "missing");
    if (c->workdir[0] != '/')
        return bad("process.cwd", "'%s' is not an absolute path", c->workdir);
    if (get_strings(proc, "env", "process", &env) == -1)
        return -1;
    for (int i = 0; env && env[i]; i++) {
        if (c->nenv == MC_MAX_ENV)
            return bad("process.env", "more than %d variables", MC_MAX_ENV);
        c->env[c->nenv++] = env[i];
    }
    free(env);
    if (parse_process_user(proc, c, s) == -1 ||
        get_object(proc, "capabilities", "process", &caps) == -1)
        return -1;
    if (caps &&
        (parse_cap_set(caps, "bounding", &s->cap_bounding) == -1 ||
         parse_cap_set(caps, "effective", &s->cap_effective) == -1 ||
         parse_cap_set(caps, "inheritable", &s->cap_inheritable) == -1 ||
         parse_cap_set(caps, "permitted", &s->cap_permitted) == -1 ||
         parse_cap_set(caps, "ambient", &s->cap_ambient) == -1))
        return -1;
    drop_unavailable_caps(s);
    c->caps = s->cap_bounding;
    if (parse_rlimits(proc, s) == -1 ||
        get_bool(proc, "noNewPrivileges", "process", &c->no_new_privs) == -1 ||
        get_string(proc, "apparmorProfile", "process", &s->apparmor) == -1 ||
        get_i64(proc, "oomScoreAdj", "process", &s->oom_score_adj) == -1 ||
        get_string(proc, "selinuxLabel", "process", &s->selinux_label) == -1)
        return -1;
    if (s->oom_score_adj.set &&
        (s->oom_score_adj.v < -1000 || s->oom_score_adj.v > 1000))
        return bad("process.oomScoreAdj", "%" PRId64 " is not in -1000..1000",
                   s->oom_score_adj.v);
    /* An AppArmor profile asks for AppArmor: without it in the kernel,
     * the profile cannot be applied, and silence would be a lie. */
    if (s->apparmor && *s->apparmor &&
        access("/sys/kernel/security/apparmor", F_OK) == -1)
        return bad("process.apparmorProfile",
                   "'%s': AppArmor is not enabled in this kernel", s->apparmor);
    if (member(proc, "ioPriority") || member(proc, "scheduler") ||
        member(proc, "execCPUAffinity"))
        return bad("process",
                   "ioPriority, scheduler and execCPUAffinity are "
                   "not supported");
    return 0;
}

static int
parse_process(json_object *cfg, struct container *c, struct oci_spec *s)
{
    json_object *proc;

    if (get_object(cfg, "process", "", &proc) == -1)
        return -1;
    if (!proc)
        return bad("process", "missing: what should run?");
    return parse_process_object(proc, c, s);
}

/* ---- hostname ---------------------------------------------------------- */

static int
parse_hostname(json_object *cfg, struct container *c)
{
    if (get_string(cfg, "hostname", "", &c->hostname) == -1)
        return -1;
    if (c->hostname && strlen(c->hostname) > 64)
        return bad("hostname", "longer than 64 characters");
    if (member(cfg, "domainname"))
        return bad("domainname", "is not supported");
    return 0;
}

/* ---- linux: namespaces, id maps ---------------------------------------- *
 * (The object is `lnx` in the code: gcc's gnu11 defines `linux` as 1.) */

static const struct {
    const char *name;
    int flag;
} ns_names[] = {
    {"pid", CLONE_NEWPID},       {"network", CLONE_NEWNET},
    {"mount", CLONE_NEWNS},      {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},       {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static int
parse_namespaces(json_object *lnx, struct oci_spec *s)
{
    json_object *a;
    size_t n;

    if (get_array(lnx, "namespaces", "linux", &a, &n) == -1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        char k[64], kt[96], *type = NULL, *path = NULL;
        size_t j, nn = sizeof(ns_names) / sizeof(ns_names[0]);

        child(k, sizeof(k), "linux.namespaces", NULL, (int)i);
        child(kt, sizeof(kt), k, "type", 0);
        if (want(o, json_type_object, k) == -1 ||
            get_string(o, "type", k, &type) == -1 ||
            get_string(o, "path", k, &path) == -1)
            return -1;
        if (!type)
            return bad(kt, "missing");
        for (j = 0; j < nn && strcmp(ns_names[j].name, type); j++)
            ;
        if (j == nn)
            return bad(kt, "unknown namespace '%s'", type);
        if (ns_names[j].flag == CLONE_NEWTIME)
            return bad(kt, "time namespaces are not supported");
        for (int d = 0; d < s->nns; d++)
            if (s->ns[d].type == ns_names[j].flag)
                return bad(kt, "the %s namespace is listed twice", type);
        if (path && (!*path || path[0] != '/'))
            return bad(child(kt, sizeof(kt), k, "path", 0),
                       "'%s' is not an absolute path", path);
        if (path && ns_names[j].flag == CLONE_NEWUSER)
            return bad(child(kt, sizeof(kt), k, "path", 0),
                       "joining a user namespace is not supported");
        s->ns[s->nns].type = ns_names[j].flag;
        s->ns[s->nns++].path = path && *path ? path : NULL;
        free(type);
    }
    return 0;
}

static int
parse_id_maps(json_object *lnx, const char *name, struct spec_id_map *map,
              int *count)
{
    json_object *a;
    size_t n;
    char k[64];

    if (get_array(lnx, name, "linux", &a, &n) == -1)
        return -1;
    if (n > 5) /* what the kernel takes without CAP_SYS_ADMIN over it */
        return bad(child(k, sizeof(k), "linux", name, 0), "more than 5 ranges");
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i), *v;
        static const char *const keys[] = {"containerID", "hostID", "size"};
        uint64_t vals[3];
        char ki[96], kk[128];

        child(k, sizeof(k), "linux", name, 0);
        child(ki, sizeof(ki), k, NULL, (int)i);
        if (want(o, json_type_object, ki) == -1)
            return -1;
        for (int f = 0; f < 3; f++) {
            child(kk, sizeof(kk), ki, keys[f], 0);
            if (!(v = member(o, keys[f])))
                return bad(kk, "missing");
            if (as_u64(v, kk, &vals[f]) == -1)
                return -1;
            if (vals[f] > UINT32_MAX)
                return bad(kk, "too large");
        }
        map[i] = (struct spec_id_map){(uint32_t)vals[0], (uint32_t)vals[1],
                                      (uint32_t)vals[2]};
    }
    *count = (int)n;
    return 0;
}

/* ---- linux: devices ---------------------------------------------------- */

static int
parse_devices(json_object *lnx, struct oci_spec *s)
{
    json_object *a;
    size_t n;

    if (get_array(lnx, "devices", "linux", &a, &n) == -1)
        return -1;
    s->devices = calloc(n + 1, sizeof(*s->devices));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i), *v;
        struct spec_device *d = &s->devices[s->ndevices++];
        char k[64], kk[96], *type = NULL;
        uint64_t u;

        child(k, sizeof(k), "linux.devices", NULL, (int)i);
        if (want(o, json_type_object, k) == -1 ||
            get_string(o, "path", k, &d->path) == -1 ||
            get_string(o, "type", k, &type) == -1)
            return -1;
        if (!d->path || d->path[0] != '/')
            return bad(child(kk, sizeof(kk), k, "path", 0),
                       "missing or not absolute");
        if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
            return bad(child(kk, sizeof(kk), k, "type", 0),
                       "'%s': give c, b, u or p", type ? type : "");
        d->type = type[0];
        free(type);
        d->major = d->minor = -1;
        if (d->type != 'p') {
            if (!(v = member(o, "major")) ||
                as_i64(v, child(kk, sizeof(kk), k, "major", 0), &d->major) ==
                    -1)
                return v ? -1 : bad(kk, "missing");
            if (!(v = member(o, "minor")) ||
                as_i64(v, child(kk, sizeof(kk), k, "minor", 0), &d->minor) ==
                    -1)
                return v ? -1 : bad(kk, "missing");
        }
        if ((v = member(o, "fileMode"))) {
            if (as_u64(v, child(kk, sizeof(kk), k, "fileMode", 0), &u) == -1)
                return -1;
            d->mode = (uint32_t)u & 07777;
        }
        if ((v = member(o, "uid"))) {
            if (as_u64(v, child(kk, sizeof(kk), k, "uid", 0), &u) == -1)
                return -1;
            d->uid = (uint32_t)u;
        }
        if ((v = member(o, "gid"))) {
            if (as_u64(v, child(kk, sizeof(kk), k, "gid", 0), &u) == -1)
                return -1;
            d->gid = (uint32_t)u;
        }
    }
    return 0;
}

/* ---- linux: resources -------------------------------------------------- */

static int
parse_device_rules(json_object *res, struct spec_resources *r)
{
    json_object *a;
    size_t n;

    if (get_array(res, "devices", "linux.resources", &a, &n) == -1)
        return -1;
    r->devices = calloc(n + 1, sizeof(*r->devices));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i), *v;
        struct device_rule *d = &r->devices[r->ndevices++];
        char k[64], kk[96], *type = NULL, *access = NULL;

        child(k, sizeof(k), "linux.resources.devices", NULL, (int)i);
        if (want(o, json_type_object, k) == -1)
            return -1;
        if (!(v = member(o, "allow")))
            return bad(child(kk, sizeof(kk), k, "allow", 0), "missing");
        if (get_bool(o, "allow", k, &d->allow) == -1 ||
            get_string(o, "type", k, &type) == -1 ||
            get_string(o, "access", k, &access) == -1)
            return -1;
        d->type = type ? type[0] : 'a';
        if (type && (strlen(type) != 1 || !strchr("abc", type[0])))
            return bad(child(kk, sizeof(kk), k, "type", 0),
                       "'%s': give a, b or c", type);
        d->major = d->minor = -1;
        if ((v = member(o, "major")) &&
            as_i64(v, child(kk, sizeof(kk), k, "major", 0), &d->major) == -1)
            return -1;
        if ((v = member(o, "minor")) &&
            as_i64(v, child(kk, sizeof(kk), k, "minor", 0), &d->minor) == -1)
            return -1;
        snprintf(d->access, sizeof(d->access), "%s", access ? access : "rwm");
        if (!*d->access || strspn(d->access, "rwm") != strlen(d->access) ||
            (access && strlen(access) > 3))
            return bad(child(kk, sizeof(kk), k, "access", 0),
                       "'%s': give r, w and m", access);
        free(type);
        free(access);
    }
    return 0;
}

static int
parse_memory(json_object *res, struct spec_resources *r)
{
    json_object *m;
    const char *k = "linux.resources.memory";

    if (get_object(res, "memory", "linux.resources", &m) == -1)
        return -1;
    if (!m)
        return 0;
    if (get_i64(m, "limit", k, &r->mem_limit) == -1 ||
        get_i64(m, "reservation", k, &r->mem_reservation) == -1 ||
        get_i64(m, "swap", k, &r->mem_swap) == -1 ||
        get_i64(m, "kernel", k, &r->mem_kernel) == -1 ||
        get_i64(m, "kernelTCP", k, &r->mem_kernel_tcp) == -1 ||
        get_i64(m, "swappiness", k, &r->mem_swappiness) == -1 ||
        get_bool(m, "disableOOMKiller", k, &r->mem_disable_oom) == -1)
        return -1;
    if (r->mem_swappiness.set &&
        (r->mem_swappiness.v < 0 || r->mem_swappiness.v > 100))
        return bad("linux.resources.memory.swappiness",
                   "%" PRId64 " is not in 0..100", r->mem_swappiness.v);
    if (member(m, "useHierarchy") || member(m, "checkBeforeUpdate"))
        return 0; /* 1.1's hints for `update`: nothing to do at create */
    return 0;
}

static int
parse_cpu(json_object *res, struct spec_resources *r)
{
    json_object *cpu;
    const char *k = "linux.resources.cpu";

    if (get_object(res, "cpu", "linux.resources", &cpu) == -1)
        return -1;
    if (!cpu)
        return 0;
    if (get_i64(cpu, "shares", k, &r->cpu_shares) == -1 ||
        get_i64(cpu, "quota", k, &r->cpu_quota) == -1 ||
        get_i64(cpu, "period", k, &r->cpu_period) == -1 ||
        get_i64(cpu, "realtimeRuntime", k, &r->cpu_rt_runtime) == -1 ||
        get_i64(cpu, "realtimePeriod", k, &r->cpu_rt_period) == -1 ||
        get_string(cpu, "cpus", k, &r->cpus) == -1 ||
        get_string(cpu, "mems", k, &r->mems) == -1)
        return -1;
    if (member(cpu, "idle") || member(cpu, "burst"))
        return bad(k, "idle and burst are not supported");
    return 0;
}

/* blockIO's device lists: {major, minor, rate} (weight for weightDevice). */
static int
parse_throttles(json_object *blk, const char *name, const char *value_key,
                struct throttle **out, int *count)
{
    json_object *a;
    size_t n;

    if (get_array(blk, name, "linux.resources.blockIO", &a, &n) == -1)
        return -1;
    *out = calloc(n + 1, sizeof(**out));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i), *v;
        struct throttle *t = &(*out)[(*count)++];
        char k[96], kk[128];

        snprintf(k, sizeof(k), "linux.resources.blockIO.%s[%zu]", name, i);
        if (want(o, json_type_object, k) == -1)
            return -1;
        if (!(v = member(o, "major")) ||
            as_i64(v, child(kk, sizeof(kk), k, "major", 0), &t->major) == -1)
            return v ? -1 : bad(kk, "missing");
        if (!(v = member(o, "minor")) ||
            as_i64(v, child(kk, sizeof(kk), k, "minor", 0), &t->minor) == -1)
            return v ? -1 : bad(kk, "missing");
        if ((v = member(o, value_key)) &&
            as_u64(v, child(kk, sizeof(kk), k, value_key, 0), &t->rate) == -1)
            return -1;
    }
    return 0;
}

static int
parse_blockio(json_object *res, struct spec_resources *r)
{
    static const char *const lists[5] = {
        "weightDevice", "throttleReadBpsDevice", "throttleWriteBpsDevice",
        "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
    json_object *blk;
    const char *k = "linux.resources.blockIO";

    if (get_object(res, "blockIO", "linux.resources", &blk) == -1)
        return -1;
    if (!blk)
        return 0;
    if (get_i64(blk, "weight", k, &r->blkio_weight) == -1 ||
        get_i64(blk, "leafWeight", k, &r->blkio_leaf_weight) == -1)
        return -1;
    for (int i = 0; i < 5; i++)
        if (parse_throttles(blk, lists[i], i == 0 ? "weight" : "rate",
                            &r->blkio[i], &r->nblkio[i]) == -1)
            return -1;
    return 0;
}

static int
parse_hugepages(json_object *res, struct spec_resources *r)
{
    json_object *a;
    size_t n;

    if (get_array(res, "hugepageLimits", "linux.resources", &a, &n) == -1)
        return -1;
    r->hugepages = calloc(n + 1, sizeof(*r->hugepages));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i), *v;
        char k[96], kk[128];

        child(k, sizeof(k), "linux.resources.hugepageLimits", NULL, (int)i);
        if (want(o, json_type_object, k) == -1 ||
            get_string(o, "pageSize", k, &r->hugepages[i].page_size) == -1)
            return -1;
        if (!r->hugepages[i].page_size)
            return bad(child(kk, sizeof(kk), k, "pageSize", 0), "missing");
        if (!(v = member(o, "limit")) ||
            as_u64(v, child(kk, sizeof(kk), k, "limit", 0),
                   &r->hugepages[i].limit) == -1)
            return v ? -1 : bad(kk, "missing");
        r->nhugepages++;
    }
    return 0;
}

static int
parse_network(json_object *res, struct spec_resources *r)
{
    json_object *net, *a;
    size_t n;
    const char *k = "linux.resources.network";

    if (get_object(res, "network", "linux.resources", &net) == -1)
        return -1;
    if (!net)
        return 0;
    if (get_i64(net, "classID", k, &r->net_class_id) == -1 ||
        get_array(net, "priorities", k, &a, &n) == -1)
        return -1;
    r->net_priorities = calloc(n + 1, sizeof(*r->net_priorities));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i), *v;
        char ki[96], kk[128];
        uint64_t prio;

        child(ki, sizeof(ki), "linux.resources.network.priorities", NULL,
              (int)i);
        if (want(o, json_type_object, ki) == -1 ||
            get_string(o, "name", ki, &r->net_priorities[i].name) == -1)
            return -1;
        if (!r->net_priorities[i].name)
            return bad(child(kk, sizeof(kk), ki, "name", 0), "missing");
        if (!(v = member(o, "priority")) ||
            as_u64(v, child(kk, sizeof(kk), ki, "priority", 0), &prio) == -1)
            return v ? -1 : bad(kk, "missing");
        r->net_priorities[i].priority = (uint32_t)prio;
        r->nnet_priorities++;
    }
    return 0;
}

static int
parse_resources(json_object *lnx, struct oci_spec *s)
{
    json_object *res, *pids;

    if (get_object(lnx, "resources", "linux", &res) == -1)
        return -1;
    if (!res)
        return 0;
    if (parse_device_rules(res, &s->res) == -1 ||
        parse_memory(res, &s->res) == -1 || parse_cpu(res, &s->res) == -1 ||
        get_object(res, "pids", "linux.resources", &pids) == -1)
        return -1;
    if (pids) {
        if (!member(pids, "limit"))
            return bad("linux.resources.pids.limit", "missing");
        if (get_i64(pids, "limit", "linux.resources.pids",
                    &s->res.pids_limit) == -1)
            return -1;
    }
    if (parse_blockio(res, &s->res) == -1 ||
        parse_hugepages(res, &s->res) == -1 ||
        parse_network(res, &s->res) == -1)
        return -1;
    if (member(res, "rdma") || member(res, "unified"))
        return bad("linux.resources", "rdma and unified are not supported");
    return 0;
}

/* ---- linux: sysctl ----------------------------------------------------- */

static int
parse_sysctl(json_object *lnx, struct oci_spec *s)
{
    json_object *o;
    size_t n = 0;

    if (get_object(lnx, "sysctl", "linux", &o) == -1)
        return -1;
    if (!o)
        return 0;
    s->sysctl =
        calloc((size_t)json_object_object_length(o) + 1, sizeof(char *));
    json_object_object_foreach(o, key, val)
    {
        char k[512];
        child(k, sizeof(k), "linux.sysctl", key, 0);
        if (want(val, json_type_string, k) == -1)
            return -1;
        if (!*key || strstr(key, "..") || key[0] == '.' || strchr(key, '/'))
            return bad(k, "not a sysctl name");
        if (asprintf(&s->sysctl[n++], "%s=%s", key,
                     json_object_get_string(val)) == -1)
            return ct_fail_errno("asprintf");
    }
    return 0;
}

/* ---- linux: seccomp ---------------------------------------------------- */

/* The kernel's own list of the actions it has (seccomp(2),
 * /proc/sys/kernel/seccomp/actions_avail): an action missing there would
 * make the filter fail to load, or worse, mean something else. */
static bool
kernel_has_action(const char *kernel_name)
{
    char buf[512], *save = NULL;

    if (ct_read_file("/proc/sys/kernel/seccomp/actions_avail", buf,
                     sizeof(buf)) <= 0)
        return true; /* older kernels: no list; libseccomp will say */
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (!strcmp(w, kernel_name))
            return true;
    return false;
}

static int
parse_action(json_object *o, const char *name, const char *errno_key,
             const char *key, uint32_t *out)
{
    static const struct {
        const char *name, *kernel;
        uint32_t action;
    } actions[] = {
        {"SCMP_ACT_KILL", "kill_thread", SCMP_ACT_KILL},
        {"SCMP_ACT_KILL_THREAD", "kill_thread", SCMP_ACT_KILL},
        {"SCMP_ACT_KILL_PROCESS", "kill_process", SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_TRAP", "trap", SCMP_ACT_TRAP},
        {"SCMP_ACT_ERRNO", "errno", SCMP_ACT_ERRNO(0)},
        {"SCMP_ACT_TRACE", "trace", SCMP_ACT_TRACE(0)},
        {"SCMP_ACT_ALLOW", "allow", SCMP_ACT_ALLOW},
        {"SCMP_ACT_LOG", "log", SCMP_ACT_LOG},
        {"SCMP_ACT_NOTIFY", "user_notif", SCMP_ACT_NOTIFY},
    };
    char *action = NULL, k[128];
    json_object *v;
    uint64_t ret = EPERM;
    size_t i, n = sizeof(actions) / sizeof(actions[0]);

    child(k, sizeof(k), key, name, 0);
    if (get_string(o, name, key, &action) == -1)
        return -1;
    if (!action)
        return bad(k, "missing");
    for (i = 0; i < n && strcmp(actions[i].name, action); i++)
        ;
    if (i == n)
        return bad(k, "unknown seccomp action '%s'", action);
    if (!kernel_has_action(actions[i].kernel))
        return bad(k,
                   "this kernel has no seccomp action '%s' (see "
                   "/proc/sys/kernel/seccomp/actions_avail)",
                   action);
    if (actions[i].action == SCMP_ACT_NOTIFY)
        return bad(k, "SCMP_ACT_NOTIFY needs a listener: not supported");
    free(action);
    if ((v = member(o, errno_key))) {
        char ke[128];
        if (as_u64(v, child(ke, sizeof(ke), key, errno_key, 0), &ret) == -1)
            return -1;
        if (ret > 4095)
            return bad(ke, "%" PRIu64 " is not an errno", ret);
    }
    if (actions[i].action == SCMP_ACT_ERRNO(0))
        *out = SCMP_ACT_ERRNO((uint32_t)ret);
    else if (actions[i].action == SCMP_ACT_TRACE(0))
        *out = SCMP_ACT_TRACE((uint32_t)ret);
    else
        *out = actions[i].action;
    return 0;
}

static int
parse_seccomp_args(json_object *o, const char *key, struct seccomp_rule *r)
{
    static const struct {
        const char *name;
        int op;
    } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    json_object *a;
    size_t n;

    if (get_array(o, "args", key, &a, &n) == -1)
        return -1;
    if (n > 6)
        return bad(key, "more than 6 args");
    for (size_t i = 0; i < n; i++) {
        json_object *arg = json_object_array_get_idx(a, i), *v;
        struct seccomp_arg *s = &r->args[r->nargs++];
        char k[160], kk[192], *op = NULL;
        uint64_t index;
        size_t j, nops = sizeof(ops) / sizeof(ops[0]);

        snprintf(k, sizeof(k), "%s.args[%zu]", key, i);
        if (want(arg, json_type_object, k) == -1)
            return -1;
        if (!(v = member(arg, "index")) ||
            as_u64(v, child(kk, sizeof(kk), k, "index", 0), &index) == -1)
            return v ? -1 : bad(kk, "missing");
        if (index > 5)
            return bad(kk, "%" PRIu64 " is not 0..5", index);
        s->index = (unsigned)index;
        if (!(v = member(arg, "value")) ||
            as_u64(v, child(kk, sizeof(kk), k, "value", 0), &s->value) == -1)
            return v ? -1 : bad(kk, "missing");
        if ((v = member(arg, "valueTwo")) &&
            as_u64(v, child(kk, sizeof(kk), k, "valueTwo", 0), &s->value_two) ==
                -1)
            return -1;
        if (get_string(arg, "op", k, &op) == -1)
            return -1;
        for (j = 0; op && j < nops && strcmp(ops[j].name, op); j++)
            ;
        if (!op || j == nops)
            return bad(child(kk, sizeof(kk), k, "op", 0),
                       "unknown comparison '%s'", op ? op : "");
        s->op = ops[j].op;
        free(op);
    }
    return 0;
}

static int
parse_seccomp(json_object *lnx, struct oci_spec *s)
{
    json_object *sc, *a;
    struct seccomp_profile *p;
    char **list = NULL;
    size_t n;

    if (get_object(lnx, "seccomp", "linux", &sc) == -1)
        return -1;
    if (!sc)
        return 0;
    p = s->seccomp = calloc(1, sizeof(*p));
    if (parse_action(sc, "defaultAction", "defaultErrnoRet", "linux.seccomp",
                     &p->default_action) == -1)
        return -1;
    if (member(sc, "listenerPath") || member(sc, "listenerMetadata"))
        return bad("linux.seccomp.listenerPath", "not supported");
    if (get_strings(sc, "architectures", "linux.seccomp", &list) == -1)
        return -1;
    for (int i = 0; list && list[i]; i++) {
        char name[64], k[96];
        uint32_t arch;
        size_t j = 0;
        if (strncmp(list[i], "SCMP_ARCH_", 10) != 0 || strlen(list[i]) > 60)
            return bad(
                child(k, sizeof(k), "linux.seccomp.architectures", NULL, i),
                "unknown architecture '%s'", list[i]);
        for (const char *c = list[i] + 10; *c; c++)
            name[j++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        name[j] = '\0';
        arch = seccomp_arch_resolve_name(name);
        if (!arch)
            return bad(
                child(k, sizeof(k), "linux.seccomp.architectures", NULL, i),
                "unknown architecture '%s'", list[i]);
        if (p->narches < (int)(sizeof(p->arches) / sizeof(p->arches[0])))
            p->arches[p->narches++] = arch;
    }
    list = NULL;
    if (get_strings(sc, "flags", "linux.seccomp", &list) == -1)
        return -1;
    for (int i = 0; list && list[i]; i++) {
        char k[96];
        if (!strcmp(list[i], "SECCOMP_FILTER_FLAG_LOG"))
            p->flags |= 1; /* SECCOMP_FILTER_FLAG_LOG */
        else if (!strcmp(list[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
            p->flags |= 4; /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */
        else if (strcmp(list[i], "SECCOMP_FILTER_FLAG_TSYNC"))
            return bad(child(k, sizeof(k), "linux.seccomp.flags", NULL, i),
                       "unsupported flag '%s'", list[i]);
    }
    if (get_array(sc, "syscalls", "linux.seccomp", &a, &n) == -1)
        return -1;
    p->rules = calloc(n + 1, sizeof(*p->rules));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        struct seccomp_rule *r = &p->rules[p->nrules++];
        char k[64];

        child(k, sizeof(k), "linux.seccomp.syscalls", NULL, (int)i);
        if (want(o, json_type_object, k) == -1 ||
            get_strings(o, "names", k, &r->names) == -1)
            return -1;
        if (!r->names || !r->names[0]) {
            char kn[96];
            return bad(child(kn, sizeof(kn), k, "names", 0), "missing");
        }
        if (parse_action(o, "action", "errnoRet", k, &r->action) == -1 ||
            parse_seccomp_args(o, k, r) == -1)
            return -1;
    }
    return 0;
}

/* ---- linux: propagation, paths, personality ---------------------------- */

static int
parse_propagation(json_object *lnx, struct oci_spec *s)
{
    static const struct {
        const char *name;
        unsigned long flags;
    } kinds[] = {
        {"shared", MS_SHARED},
        {"slave", MS_SLAVE},
        {"private", MS_PRIVATE},
        {"unbindable", MS_UNBINDABLE},
        {"rshared", MS_SHARED | MS_REC},
        {"rslave", MS_SLAVE | MS_REC},
        {"rprivate", MS_PRIVATE | MS_REC},
        {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    char *p = NULL;
    size_t i, n = sizeof(kinds) / sizeof(kinds[0]);

    if (get_string(lnx, "rootfsPropagation", "linux", &p) == -1)
        return -1;
    if (!p)
        return 0;
    for (i = 0; i < n && strcmp(kinds[i].name, p); i++)
        ;
    if (i == n)
        return bad("linux.rootfsPropagation", "unknown propagation '%s'", p);
    s->rootfs_propagation = kinds[i].flags;
    free(p);
    return 0;
}

static int
parse_paths(json_object *lnx, struct oci_spec *s)
{
    char *label = NULL;

    if (get_strings(lnx, "maskedPaths", "linux", &s->masked_paths) == -1 ||
        get_strings(lnx, "readonlyPaths", "linux", &s->readonly_paths) == -1 ||
        get_string(lnx, "mountLabel", "linux", &label) == -1)
        return -1;
    for (char **p = s->masked_paths; p && *p; p++)
        if ((*p)[0] != '/')
            return bad("linux.maskedPaths", "'%s' is not absolute", *p);
    for (char **p = s->readonly_paths; p && *p; p++)
        if ((*p)[0] != '/')
            return bad("linux.readonlyPaths", "'%s' is not absolute", *p);
    free(label); /* SELinux labels: only where SELinux is (not here) */
    return 0;
}

static int
parse_personality(json_object *lnx, struct oci_spec *s)
{
    json_object *p;
    char *domain = NULL, **flags = NULL;

    if (get_object(lnx, "personality", "linux", &p) == -1)
        return -1;
    if (!p)
        return 0;
    if (get_string(p, "domain", "linux.personality", &domain) == -1 ||
        get_strings(p, "flags", "linux.personality", &flags) == -1)
        return -1;
    if (!domain || (strcmp(domain, "LINUX") && strcmp(domain, "LINUX32")))
        return bad("linux.personality.domain", "'%s': give LINUX or LINUX32",
                   domain ? domain : "");
    if (flags && flags[0])
        return bad("linux.personality.flags", "not supported");
    s->personality = !strcmp(domain, "LINUX") ? PER_LINUX : PER_LINUX32;
    free(domain);
    return 0;
}

static int
parse_linux(json_object *cfg, struct oci_spec *s)
{
    json_object *lnx;

    if (get_object(cfg, "linux", "", &lnx) == -1)
        return -1;
    if (!lnx)
        return 0;
    if (parse_namespaces(lnx, s) == -1 ||
        parse_id_maps(lnx, "uidMappings", s->uid_map, &s->nuid_map) == -1 ||
        parse_id_maps(lnx, "gidMappings", s->gid_map, &s->ngid_map) == -1 ||
        parse_devices(lnx, s) == -1 ||
        get_string(lnx, "cgroupsPath", "linux", &s->cgroups_path) == -1 ||
        parse_resources(lnx, s) == -1 || parse_sysctl(lnx, s) == -1 ||
        parse_seccomp(lnx, s) == -1 || parse_propagation(lnx, s) == -1 ||
        parse_paths(lnx, s) == -1 || parse_personality(lnx, s) == -1)
        return -1;
    if (member(lnx, "intelRdt"))
        return bad("linux.intelRdt", "not supported");
    return 0;
}

/* ---- hooks ------------------------------------------------------------- */

static int
parse_hooks(json_object *cfg, struct oci_spec *s)
{
    json_object *hooks;

    if (get_object(cfg, "hooks", "", &hooks) == -1)
        return -1;
    for (int kind = 0; hooks && kind < HOOK_KINDS; kind++) {
        json_object *a;
        size_t n;
        char k[64];

        child(k, sizeof(k), "hooks", hooks_kind_name(kind), 0);
        if (get_array(hooks, hooks_kind_name(kind), "hooks", &a, &n) == -1)
            return -1;
        s->hooks[kind] = calloc(n + 1, sizeof(struct spec_hook));
        for (size_t i = 0; i < n; i++) {
            json_object *o = json_object_array_get_idx(a, i), *v;
            struct spec_hook *h = &s->hooks[kind][s->nhooks[kind]++];
            char ki[96], kk[128];

            child(ki, sizeof(ki), k, NULL, (int)i);
            if (want(o, json_type_object, ki) == -1 ||
                get_string(o, "path", ki, &h->path) == -1 ||
                get_strings(o, "args", ki, &h->args) == -1 ||
                get_strings(o, "env", ki, &h->env) == -1)
                return -1;
            if (!h->path || h->path[0] != '/')
                return bad(child(kk, sizeof(kk), ki, "path", 0),
                           "missing or not absolute");
            if ((v = member(o, "timeout"))) {
                int64_t t;
                if (as_i64(v, child(kk, sizeof(kk), ki, "timeout", 0), &t) ==
                    -1)
                    return -1;
                if (t <= 0 || t > INT32_MAX)
                    return bad(kk, "must be above 0");
                h->timeout = (int)t;
            }
        }
    }
    return 0;
}

/* ---- annotations ------------------------------------------------------- */

static int
parse_annotations(json_object *cfg, struct oci_spec *s)
{
    json_object *o;

    if (get_object(cfg, "annotations", "", &o) == -1)
        return -1;
    if (!o) {
        s->annotations_json = strdup("{}");
        return 0;
    }
    json_object_object_foreach(o, key, val)
    {
        char k[512];
        if (want(val, json_type_string,
                 child(k, sizeof(k), "annotations", key, 0)) == -1)
            return -1;
    }
    s->annotations_json = strdup(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}

/* ---- the whole file ---------------------------------------------------- */

/* Read a JSON object from path: a parse error says where. */
static json_object *
read_json(const char *path, const char *label)
{
    char *buf = NULL;
    size_t cap = 0, len = 0;
    ssize_t n;
    json_tokener *tok;
    json_object *o;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    file_name = label;
    if (fd == -1) {
        mc_error_code("bad_config");
        ct_fail_errno("open '%s'", path);
        return NULL;
    }
    do {
        if (len + 4096 > cap)
            buf = realloc(buf, cap = cap * 2 + 65536);
        n = read(fd, buf + len, cap - len - 1);
        if (n > 0)
            len += (size_t)n;
    } while (n > 0 || (n == -1 && errno == EINTR));
    close(fd);
    if (n == -1) {
        free(buf);
        ct_fail_errno("read '%s'", path);
        return NULL;
    }
    buf[len] = '\0';
    tok = json_tokener_new();
    o = json_tokener_parse_ex(tok, buf, (int)len + 1);
    if (!o || !json_object_is_type(o, json_type_object)) {
        enum json_tokener_error e = json_tokener_get_error(tok);
        mc_error_code("bad_config");
        if (o)
            ct_fail("%s: not a JSON object", label);
        else
            ct_fail("%s: not JSON: %s at byte %zu", label,
                    json_tokener_error_desc(e),
                    json_tokener_get_parse_end(tok));
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    free(buf);
    return o;
}

static void
spec_init(struct oci_spec *s, const char *bundle)
{
    memset(s, 0, sizeof(*s));
    s->bundle = strdup(bundle);
    s->umask = -1;
    s->personality = -1;
    s->exec_fifo = -1;
}

int
oci_config_load(const char *path, const char *bundle, struct container *c,
                struct oci_spec *s, bool existing)
{
    json_object *cfg;
    int rc;

    container_init(c);
    spec_init(s, bundle);
    c->spec = s;
    c->no_new_privs = false; /* the spec's default; Docker's is true */
    c->seccomp = false;
    warn_caps = !existing;
    cfg = read_json(path, "config.json");
    if (!cfg)
        return -1;
    rc = parse_version(cfg, s) == -1 || parse_root(cfg, s, existing) == -1 ||
            parse_mounts(cfg, s) == -1 || parse_process(cfg, c, s) == -1 ||
            parse_hostname(cfg, c) == -1 || parse_linux(cfg, s) == -1 ||
            parse_hooks(cfg, s) == -1 || parse_annotations(cfg, s) == -1
        ? -1
        : 0;
    json_object_put(cfg);
    c->seccomp = s->seccomp != NULL;
    c->read_only = s->root_readonly;
    /* A new user namespace: its maps go the way step 08's do (userns.c
     * writes them from the parent while the child waits). */
    for (int i = 0; rc == 0 && i < s->nns; i++)
        if (s->ns[i].type == CLONE_NEWUSER) {
            c->userns.mode = USERNS_SPEC;
            for (int m = 0; m < s->nuid_map; m++)
                c->userns.uid.inside[m] = s->uid_map[m].inside,
                c->userns.uid.outside[m] = s->uid_map[m].outside,
                c->userns.uid.count[m] = s->uid_map[m].count;
            for (int m = 0; m < s->ngid_map; m++)
                c->userns.gid.inside[m] = s->gid_map[m].inside,
                c->userns.gid.outside[m] = s->gid_map[m].outside,
                c->userns.gid.count[m] = s->gid_map[m].count;
            c->userns.uid.n = s->nuid_map;
            c->userns.gid.n = s->ngid_map;
        }
    if (rc == 0 && c->userns.mode == USERNS_SPEC &&
        (!s->nuid_map || !s->ngid_map))
        rc = bad("linux.uidMappings",
                 "a new user namespace needs "
                 "uidMappings and gidMappings");
    return rc;
}

int
oci_process_load(const char *path, struct container *c)
{
    struct oci_spec *s = c->spec;
    json_object *proc = read_json(path, "process.json");
    int rc;

    if (!proc)
        return -1;
    /* exec's process replaces the container's: start from nothing. */
    c->argv = NULL;
    c->nenv = 0;
    c->workdir = NULL;
    c->user_set = false;
    c->uid = c->gid = 0;
    c->no_new_privs = false;
    s->nadditional_gids = 0;
    s->umask = -1;
    s->cap_bounding = s->cap_effective = s->cap_inheritable = s->cap_permitted =
        s->cap_ambient = 0;
    s->nrlimits = 0;
    s->oom_score_adj.set = false;
    s->apparmor = NULL;
    rc = parse_process_object(proc, c, s);
    json_object_put(proc);
    file_name = "config.json";
    return rc;
}
