/*
 * compose_yaml.c: a Compose file, read with libyaml into a struct
 * compose_file — the subset of the Compose specification people write:
 *
 *   services.NAME: image, command, entrypoint, environment (list or map),
 *     working_dir, user, volumes (short and long syntax), ports (short and
 *     long), depends_on (list, or map with condition: service_started |
 *     service_healthy | service_completed_successfully), healthcheck
 *     (test in CMD / CMD-SHELL form, interval, timeout, retries,
 *     start_period, disable), restart, deploy.resources.limits (memory,
 *     cpus, pids), networks (one)
 *   volumes.NAME, networks.NAME (ipam.config[0].subnet and gateway)
 *   name, version (obsolete: ignored, as Compose does), x-* (extensions:
 *     ignored, but x-minictr: {pod, memory, cpus, pids, restart}: pod
 *     mode, compose_pod.c; the limits and restart policy are the pod's)
 *
 * libyaml's document API (yaml_parser_load) gives a tree of nodes, each
 * with the line it starts on (start_mark), and resolves anchors and
 * aliases (&common, *common); the merge key `<<: *common` is YAML 1.1's,
 * done here. One function per section, in the order of the reference,
 * each naming the key path it checks; a key minictr does not know is an
 * error with its line, not something silently dropped (a typo like
 * `prots:` would otherwise publish nothing). The checks that need more
 * than the file (an image, a cycle, a port in use) are compose.c's.
 *
 * Why libyaml (libyaml-dev) and not libfyaml: it has been in every Debian
 * and Ubuntu for 15 years (PyYAML's C core is libyaml), it is small and
 * stable, and its document API with a line per node is all a schema walk
 * needs; libfyaml's YPATH queries and YAML 1.2 are more than this takes.
 *
 * Read: the Compose file reference (services, volumes, networks);
 *       yaml.h (yaml_parser_load, yaml_node_t).
 */
#include "compose.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const char *const compose_conditions[] = {"service_started", "service_healthy",
                                          "service_completed_successfully"};

/* The file being read: its document, and the compose_file to fill. */
struct reader {
    yaml_document_t doc;
    struct compose_file *f;
};

/* ---- errors ------------------------------------------------------------ */

int
compose_error(const struct compose_file *f, int line, const char *what,
              const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mc_error_code("usage");
    if (line > 0)
        return ct_fail("%s:%d: %s%s%s", f->path, line, what, *what ? ": " : "",
                       msg);
    return ct_fail("%s: %s%s%s", f->path, what, *what ? ": " : "", msg);
}

int
compose_fail_at(const struct compose_file *f, int line, const char *what)
{
    char msg[2048], hint[512], *old = strdup(ct_error_message());
    int err = ct_error_errno();

    snprintf(hint, sizeof(hint), "%s", ct_error_hint());
    snprintf(msg, sizeof(msg), "%.512s:%d: %.256s: %.1200s", f->path, line,
             what, old ? old : "");
    free(old);
    ct_restore_error(msg, err, hint);
    return -1;
}

static int
line_of(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

static yaml_node_t *
node(struct reader *r, int index)
{
    return yaml_document_get_node(&r->doc, index);
}

static const char *const kinds[] = {"nothing", "a string", "a list",
                                    "a mapping"};

static int
bad_type(struct reader *r, const yaml_node_t *n, const char *path,
         const char *want)
{
    return compose_error(r->f, line_of(n), path, "%s, not %s", want,
                         kinds[n->type < 4 ? n->type : 0]);
}

/* ---- values ------------------------------------------------------------ */

static bool
is_null(const yaml_node_t *n)
{
    const char *v = (const char *)n->data.scalar.value;
    return n->type == YAML_SCALAR_NODE &&
        n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (!*v || !strcmp(v, "~") || !strcmp(v, "null"));
}

/* Compose's interpolation: $VAR and ${VAR} from the environment ("" when
 * unset), ${VAR:-default} (unset or empty) and ${VAR-default} (unset);
 * $$ is a $. */
static char *
interpolate(struct reader *r, const yaml_node_t *n, const char *path,
            const char *s)
{
    size_t cap = strlen(s) + 1, len = 0;
    char *out = malloc(cap);

    for (const char *p = s; *p;) {
        char name[256] = "", def[1024] = "";
        const char *v;
        bool braces, has_def = false, empty_too = false;
        size_t k = 0;

        if (*p != '$' || p[1] == '\0') {
            out[len++] = *p++;
            goto next;
        }
        if (p[1] == '$') {
            out[len++] = '$';
            p += 2;
            goto next;
        }
        braces = p[1] == '{';
        p += braces ? 2 : 1;
        while ((*p == '_' || (*p >= 'A' && *p <= 'Z') ||
                (*p >= 'a' && *p <= 'z') || (k && *p >= '0' && *p <= '9')) &&
               k < sizeof(name) - 1)
            name[k++] = *p++;
        if (braces) {
            const char *end = strchr(p, '}');
            if (!end || !k) {
                compose_error(r->f, line_of(n), path,
                              "bad variable in '%s' (give ${NAME}, "
                              "${NAME:-default}; $$ for a $)",
                              s);
                free(out);
                return NULL;
            }
            if (*p == ':' && p[1] == '-')
                empty_too = has_def = true, p += 2;
            else if (*p == '-')
                has_def = true, p++;
            snprintf(def, sizeof(def), "%.*s", (int)(end - p), p);
            p = end + 1;
        } else if (!k) {
            out[len++] = '$';
            goto next;
        }
        v = getenv(name);
        if (has_def && (!v || (empty_too && !*v)))
            v = def;
        if (!v)
            v = "";
        cap += strlen(v);
        out = realloc(out, cap);
        memcpy(out + len, v, strlen(v));
        len += strlen(v);
    next:
        continue;
    }
    out[len] = '\0';
    return out;
}

/* A scalar's text (strings, numbers, booleans), interpolated, or NULL
 * after an error. */
static char *
scalar(struct reader *r, const yaml_node_t *n, const char *path)
{
    if (n->type != YAML_SCALAR_NODE) {
        bad_type(r, n, path, "a string");
        return NULL;
    }
    return interpolate(r, n, path, (const char *)n->data.scalar.value);
}

static int
boolean(struct reader *r, const yaml_node_t *n, const char *path, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "on"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "off"};
    const char *v;

    if (n->type != YAML_SCALAR_NODE)
        return bad_type(r, n, path, "true or false");
    v = (const char *)n->data.scalar.value;
    for (int i = 0; i < 5; i++)
        if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
            *out = !strcmp(v, yes[i]);
            return 0;
        }
    return compose_error(r->f, line_of(n), path, "true or false, not '%s'", v);
}

static int
whole_number(struct reader *r, const yaml_node_t *n, const char *path,
             uint64_t *out)
{
    if (n->type != YAML_SCALAR_NODE)
        return bad_type(r, n, path, "a number");
    if (ct_parse_u64((const char *)n->data.scalar.value, out) == -1)
        return compose_error(r->f, line_of(n), path, "a whole number, not '%s'",
                             (const char *)n->data.scalar.value);
    return 0;
}

static int
duration(struct reader *r, const yaml_node_t *n, const char *path, int64_t *ms)
{
    if (n->type != YAML_SCALAR_NODE)
        return bad_type(r, n, path, "a duration");
    if (health_parse_duration((const char *)n->data.scalar.value, ms) == -1)
        return compose_error(r->f, line_of(n), path,
                             "a duration such as 30s, 500ms or 1m30s, not "
                             "'%s'",
                             (const char *)n->data.scalar.value);
    return 0;
}

/* Compose's string form of command and entrypoint is split as a shell
 * would (its shlex), but not run by one: quotes group, a backslash
 * escapes; no variables, no globs. */
static char **
split_words(const char *s)
{
    char **argv = calloc(strlen(s) / 2 + 2, sizeof(char *));
    char *word = malloc(strlen(s) + 1);
    int n = 0;

    while (*s) {
        size_t len = 0;
        char quote = 0;
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        for (; *s && (quote || (*s != ' ' && *s != '\t' && *s != '\n')); s++) {
            if (!quote && (*s == '\'' || *s == '"'))
                quote = *s;
            else if (quote && *s == quote)
                quote = 0;
            else if (*s == '\\' && quote != '\'' && s[1])
                word[len++] = *++s;
            else
                word[len++] = *s;
        }
        word[len] = '\0';
        argv[n++] = strdup(word);
    }
    free(word);
    return argv;
}

/* A list of strings (or, with words, one string split into words). */
static char **
string_list(struct reader *r, const yaml_node_t *n, const char *path,
            bool words)
{
    char p[256], **argv;
    int i = 0;

    if (n->type == YAML_SCALAR_NODE && words) {
        char *text = scalar(r, n, path);
        return text ? split_words(text) : NULL;
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        bad_type(r, n, path, words ? "a string or a list" : "a list");
        return NULL;
    }
    argv = calloc(
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start) + 1,
        sizeof(char *));
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++, i++) {
        snprintf(p, sizeof(p), "%s[%d]", path, i);
        if (!(argv[i] = scalar(r, node(r, *it), p)))
            return NULL;
    }
    return argv;
}

/* ---- mappings: keys checked against a list ----------------------------- */

/* Call fn for each key of mapping n, "<<" merges first expanded (a key
 * given beside them wins); a key not in `known` (NULL-terminated), unless
 * an x- extension, is an error listing the known ones. */
typedef int key_fn(struct reader *r, const char *key, yaml_node_t *value,
                   const char *path, void *arg);

static int
each_key(struct reader *r, yaml_node_t *n, const char *path,
         const char *const *known, key_fn *fn, void *arg)
{
    if (n->type != YAML_MAPPING_NODE)
        return bad_type(r, n, path, "a mapping");
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
         pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(r, pr->key), *v = node(r, pr->value);
        const char *key;
        char p[256], list[512] = "";
        bool ok = false;

        if (k->type != YAML_SCALAR_NODE)
            return bad_type(r, k, path, "a key");
        key = (const char *)k->data.scalar.value;
        if (!strcmp(key, "<<")) { /* YAML 1.1's merge key */
            if (v->type == YAML_MAPPING_NODE) {
                if (each_key(r, v, path, known, fn, arg) == -1)
                    return -1;
                continue;
            }
            return bad_type(r, v, path, "a mapping to merge (<<: *anchor)");
        }
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < pr; q++) {
            yaml_node_t *qk = node(r, q->key);
            if (qk->type == YAML_SCALAR_NODE &&
                !strcmp((const char *)qk->data.scalar.value, key))
                return compose_error(r->f, line_of(k), path,
                                     "key '%s' given twice", key);
        }
        snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "", key);
        for (const char *const *w = known; *w; w++) {
            ok = ok || !strcmp(*w, key);
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                     w == known ? "" : ", ", *w);
        }
        if (!ok && !strncmp(key, "x-", 2))
            continue; /* an extension: Compose ignores it, so do we */
        if (!ok)
            return compose_error(r->f, line_of(k), p,
                                 "unknown key (minictr knows: %s)", list);
        if (fn(r, key, v, p, arg) == -1)
            return -1;
    }
    return 0;
}

/* A key whose value is a mapping of names to anything (NAME: {...}):
 * the names must be valid (they become parts of container names). */
static int
check_name(struct reader *r, const yaml_node_t *k, const char *path,
           const char *name)
{
    if (!mc_valid_name(name) || strlen(name) > 40)
        return compose_error(r->f, line_of(k), path,
                             "bad name '%s': letters, digits, '_', '.', '-' "
                             "(at most 40)",
                             name);
    return 0;
}

/* ---- a service --------------------------------------------------------- */

/* environment: ["KEY=VALUE", "KEY"] or {KEY: VALUE}; a KEY alone (or
 * KEY: null) takes the value from here, as Compose does, or is left out. */
static int
add_env(struct reader *r, struct compose_service *s, const yaml_node_t *at,
        const char *path, const char *key, const char *value)
{
    char *kv;

    if (!*key || strchr(key, '=') || strchr(key, ' '))
        return compose_error(r->f, line_of(at), path, "bad variable name '%s'",
                             key);
    if (!value && !(value = getenv(key)))
        return 0;
    if (s->nenv == MC_MAX_ENV)
        return compose_error(r->f, line_of(at), path,
                             "too many variables (at most %d)", MC_MAX_ENV);
    if (asprintf(&kv, "%s=%s", key, value) == -1)
        return ct_fail_errno("asprintf");
    s->env[s->nenv++] = kv;
    return 0;
}

static int
environment(struct reader *r, struct compose_service *s, yaml_node_t *n,
            const char *path)
{
    char p[256];
    int i = 0;

    s->env_line = line_of(n);
    if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
             pr < n->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = node(r, pr->key), *v = node(r, pr->value);
            char *key, *value = NULL;
            snprintf(p, sizeof(p), "%s.%s", path,
                     k->type == YAML_SCALAR_NODE
                         ? (const char *)k->data.scalar.value
                         : "?");
            if (!(key = scalar(r, k, path)) ||
                (!is_null(v) && !(value = scalar(r, v, p))) ||
                add_env(r, s, k, p, key, value) == -1)
                return -1;
        }
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return bad_type(r, n, path, "a list or a mapping");
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++, i++) {
        yaml_node_t *e = node(r, *it);
        char *kv, *eq;
        snprintf(p, sizeof(p), "%s[%d]", path, i);
        if (!(kv = scalar(r, e, p)))
            return -1;
        eq = strchr(kv, '=');
        if (eq)
            *eq++ = '\0';
        if (add_env(r, s, e, p, kv, eq) == -1)
            return -1;
    }
    return 0;
}

/* volumes[i], short: "SRC:DST[:ro|rw]" or "DST"; long: {type, source,
 * target, read_only}. */
struct mount_keys {
    struct compose_mount *m;
    bool typed;
};

static int
mount_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
          void *arg)
{
    struct mount_keys *k = arg;
    char *s;

    if (!strcmp(key, "read_only"))
        return boolean(r, v, path, &k->m->ro);
    if (!(s = scalar(r, v, path)))
        return -1;
    if (!strcmp(key, "type")) {
        static const char *const types[] = {"bind", "volume", "tmpfs"};
        for (int i = 0; i < 3; i++)
            if (!strcmp(s, types[i])) {
                k->m->type = (enum mount_type)i;
                k->typed = true;
                return 0;
            }
        return compose_error(r->f, line_of(v), path,
                             "bind, volume or tmpfs, not '%s'", s);
    }
    if (!strcmp(key, "source"))
        k->m->source = s;
    else
        k->m->target = s;
    return 0;
}

static int
one_mount(struct reader *r, struct compose_service *s, yaml_node_t *n,
          const char *path)
{
    static const char *const known[] = {"type", "source", "target", "read_only",
                                        NULL};
    struct compose_mount *m = &s->mounts[s->nmounts];
    struct mount_keys k = {.m = m};
    char *spec, *first, *mode;

    if (s->nmounts == MC_MAX_MOUNTS)
        return compose_error(r->f, line_of(n), path,
                             "too many volumes (at most %d)", MC_MAX_MOUNTS);
    memset(m, 0, sizeof(*m));
    m->line = line_of(n);
    if (n->type == YAML_MAPPING_NODE) {
        if (each_key(r, n, path, known, mount_key, &k) == -1)
            return -1;
        if (!k.typed)
            return compose_error(r->f, m->line, path, "%s",
                                 "a long-syntax volume needs type: bind, "
                                 "volume or tmpfs");
        if (!m->target)
            return compose_error(r->f, m->line, path, "%s", "needs target:");
        if (m->type != MOUNT_TMPFS && !m->source && m->type == MOUNT_BIND)
            return compose_error(r->f, m->line, path, "%s",
                                 "type: bind needs source:");
        s->nmounts++;
        return 0;
    }
    if (!(spec = scalar(r, n, path)))
        return -1;
    first = strchr(spec, ':');
    if (!first) { /* "/data": an anonymous volume */
        m->type = MOUNT_VOLUME;
        m->target = spec;
    } else {
        *first++ = '\0';
        mode = strchr(first, ':');
        if (mode) {
            *mode++ = '\0';
            if (strcmp(mode, "ro") && strcmp(mode, "rw"))
                return compose_error(r->f, m->line, path,
                                     "mode '%s': give ro or rw", mode);
            m->ro = !strcmp(mode, "ro");
        }
        m->source = spec;
        m->target = first;
        m->type = spec[0] == '/' || spec[0] == '.' || spec[0] == '~'
            ? MOUNT_BIND
            : MOUNT_VOLUME;
    }
    if (m->target[0] != '/' || !strcmp(m->target, "/"))
        return compose_error(r->f, m->line, path,
                             "the target '%s' must be an absolute path "
                             "inside (not /)",
                             m->target);
    s->nmounts++;
    return 0;
}

/* ports[i]: "[IP:][HOST:]CTR[/PROTO]" (a number too), or long: {target,
 * published, host_ip, protocol}, turned into the short form -p takes. */
struct port_keys {
    char *target, *published, *host_ip, *protocol;
};

static int
port_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
         void *arg)
{
    struct port_keys *k = arg;
    char *s = scalar(r, v, path);

    if (!s)
        return -1;
    if (!strcmp(key, "target"))
        k->target = s;
    else if (!strcmp(key, "published"))
        k->published = s;
    else if (!strcmp(key, "host_ip"))
        k->host_ip = s;
    else if (!strcmp(key, "protocol"))
        k->protocol = s;
    else if (strcmp(s, "ingress") && strcmp(s, "host")) /* mode */
        return compose_error(r->f, line_of(v), path, "host, not '%s'", s);
    return 0;
}

static int
one_port(struct reader *r, struct compose_service *s, yaml_node_t *n,
         const char *path)
{
    static const char *const known[] = {"target",   "published", "host_ip",
                                        "protocol", "mode",      NULL};
    struct compose_port *p = &s->ports[s->nports];

    if (s->nports == MC_MAX_PORTS)
        return compose_error(r->f, line_of(n), path,
                             "too many ports (at most %d)", MC_MAX_PORTS);
    p->line = line_of(n);
    if (n->type == YAML_MAPPING_NODE) {
        struct port_keys k = {0};
        if (each_key(r, n, path, known, port_key, &k) == -1)
            return -1;
        if (!k.target)
            return compose_error(r->f, p->line, path, "%s", "needs target:");
        if (asprintf(&p->spec, "%s%s%s%s%s%s%s", k.host_ip ? k.host_ip : "",
                     k.host_ip ? ":" : "", k.published ? k.published : "",
                     k.published || k.host_ip ? ":" : "", k.target,
                     k.protocol ? "/" : "", k.protocol ? k.protocol : "") == -1)
            return ct_fail_errno("asprintf");
    } else if (!(p->spec = scalar(r, n, path))) {
        return -1;
    }
    s->nports++;
    return 0;
}

/* depends_on: [a, b] or {a: {condition: service_healthy}}. */
static int
add_dep(struct reader *r, struct compose_service *s, yaml_node_t *at,
        const char *path, char *name, enum dep_condition cond)
{
    if (s->ndeps == COMPOSE_MAX_DEPS)
        return compose_error(r->f, line_of(at), path,
                             "too many dependencies (at most %d)",
                             COMPOSE_MAX_DEPS);
    s->deps[s->ndeps++] = (struct compose_dep){
        .service = name, .condition = cond, .line = line_of(at)};
    return 0;
}

static int
dep_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
        void *arg)
{
    enum dep_condition *cond = arg;
    bool b;
    char *s;

    if (strcmp(key, "condition") != 0)
        return boolean(r, v, path, &b); /* restart, required: taken */
    if (!(s = scalar(r, v, path)))
        return -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, compose_conditions[i])) {
            *cond = (enum dep_condition)i;
            return 0;
        }
    return compose_error(r->f, line_of(v), path,
                         "service_started, service_healthy or "
                         "service_completed_successfully, not '%s'",
                         s);
}

static int
depends_on(struct reader *r, struct compose_service *s, yaml_node_t *n,
           const char *path)
{
    static const char *const known[] = {"condition", "restart", "required",
                                        NULL};
    char p[256];
    int i = 0;

    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top; it++, i++) {
            yaml_node_t *e = node(r, *it);
            char *name;
            snprintf(p, sizeof(p), "%s[%d]", path, i);
            if (!(name = scalar(r, e, p)) ||
                add_dep(r, s, e, p, name, DEP_STARTED) == -1)
                return -1;
        }
        return 0;
    }
    if (n->type != YAML_MAPPING_NODE)
        return bad_type(r, n, path, "a list or a mapping");
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
         pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(r, pr->key), *v = node(r, pr->value);
        enum dep_condition cond = DEP_STARTED;
        char *name = scalar(r, k, path);
        if (!name)
            return -1;
        snprintf(p, sizeof(p), "%s.%s", path, name);
        if ((!is_null(v) && each_key(r, v, p, known, dep_key, &cond) == -1) ||
            add_dep(r, s, k, p, name, cond) == -1)
            return -1;
    }
    return 0;
}

static int
health_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
           void *arg)
{
    struct compose_service *s = arg;
    struct health_config *h = &s->health;
    uint64_t n;

    if (!strcmp(key, "test")) {
        char **words = string_list(r, v, path, false);
        int count = 0;
        if (v->type == YAML_SCALAR_NODE) { /* a string: CMD-SHELL */
            char *shell[2] = {"CMD-SHELL", (char *)v->data.scalar.value};
            return health_set_test(h, shell, 2) == -1
                ? compose_fail_at(r->f, line_of(v), path)
                : 0;
        }
        if (!words)
            return -1;
        while (words[count])
            count++;
        return health_set_test(h, words, count) == -1
            ? compose_fail_at(r->f, line_of(v), path)
            : 0;
    }
    if (!strcmp(key, "interval"))
        return duration(r, v, path, &h->interval_ms);
    if (!strcmp(key, "timeout"))
        return duration(r, v, path, &h->timeout_ms);
    if (!strcmp(key, "start_period"))
        return duration(r, v, path, &h->start_period_ms);
    if (!strcmp(key, "retries")) {
        if (whole_number(r, v, path, &n) == -1)
            return -1;
        if (n == 0 || n > INT_MAX)
            return compose_error(r->f, line_of(v), path, "%s",
                                 "a whole number above 0");
        h->retries = (int)n;
        return 0;
    }
    { /* disable */
        bool off = false;
        if (boolean(r, v, path, &off) == -1)
            return -1;
        if (off)
            s->health_line = -1; /* dropped after the keys */
        return 0;
    }
}

/* deploy.resources.limits: memory (64m, 1g, bytes), cpus (0.5), pids. */
static int
limit_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
          void *arg)
{
    struct limits *l = arg;
    const char *s;

    if (v->type != YAML_SCALAR_NODE)
        return bad_type(r, v, path, "a number");
    s = (const char *)v->data.scalar.value;
    if (!strcmp(key, "memory") &&
        (ct_parse_size(s, &l->memory) == -1 || l->memory < 6 * 1024 * 1024))
        return compose_error(r->f, line_of(v), path,
                             "a size of at least 6m, such as 64m or 1g, not "
                             "'%s'",
                             s);
    if (!strcmp(key, "cpus") &&
        (ct_parse_millionths(s, &l->cpus_millionths) == -1 ||
         l->cpus_millionths < 10000))
        return compose_error(r->f, line_of(v), path,
                             "a number of cpus of at least 0.01, not '%s'", s);
    if (!strcmp(key, "pids") && (ct_parse_u64(s, &l->pids) == -1 || !l->pids))
        return compose_error(r->f, line_of(v), path,
                             "a whole number above 0, not '%s'", s);
    return 0;
}

static int
resources_key(struct reader *r, const char *key, yaml_node_t *v,
              const char *path, void *arg)
{
    static const char *const known[] = {"memory", "cpus", "pids", NULL};
    (void)key;
    return each_key(r, v, path, known, limit_key, arg);
}

static int
deploy_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
           void *arg)
{
    static const char *const known[] = {"limits", NULL};
    (void)key;
    return each_key(r, v, path, known, resources_key, arg);
}

static int
service_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
            void *arg)
{
    static const char *const health_keys[] = {
        "test",         "interval", "timeout", "retries",
        "start_period", "disable",  NULL};
    static const char *const deploy_keys[] = {"resources", NULL};
    struct compose_service *s = arg;
    char p[256];
    int line = line_of(v), i = 0;

    if (!strcmp(key, "image")) {
        s->image_line = line;
        return (s->image = scalar(r, v, path)) ? 0 : -1;
    }
    if (!strcmp(key, "command") || !strcmp(key, "entrypoint")) {
        char ***argv = key[0] == 'c' ? &s->command : &s->entrypoint;
        *(key[0] == 'c' ? &s->command_line : &s->entrypoint_line) = line;
        return (*argv = string_list(r, v, path, true)) ? 0 : -1;
    }
    if (!strcmp(key, "environment"))
        return environment(r, s, v, path);
    if (!strcmp(key, "working_dir")) {
        s->working_dir_line = line;
        if (!(s->working_dir = scalar(r, v, path)))
            return -1;
        if (s->working_dir[0] != '/')
            return compose_error(r->f, line, path, "%s",
                                 "an absolute path inside");
        return 0;
    }
    if (!strcmp(key, "user")) {
        s->user_line = line;
        return (s->user = scalar(r, v, path)) ? 0 : -1;
    }
    if (!strcmp(key, "restart")) {
        s->restart_line = line;
        return (s->restart = scalar(r, v, path)) ? 0 : -1;
    }
    if (!strcmp(key, "depends_on"))
        return depends_on(r, s, v, path);
    if (!strcmp(key, "healthcheck")) {
        s->health_line = line;
        if (each_key(r, v, path, health_keys, health_key, s) == -1)
            return -1;
        if (s->health_line == -1) { /* disable: true */
            health_free(&s->health);
            s->health_line = 0;
        } else if (!s->health.test) {
            return compose_error(r->f, line, path, "%s",
                                 "needs test: [\"CMD\", ...] or "
                                 "[\"CMD-SHELL\", \"...\"]");
        }
        return 0;
    }
    if (!strcmp(key, "deploy")) {
        s->limits_line = line;
        return each_key(r, v, path, deploy_keys, deploy_key, &s->limits);
    }
    if (!strcmp(key, "networks")) {
        char **names = v->type == YAML_MAPPING_NODE
            ? NULL
            : string_list(r, v, path, false);
        s->network_line = line;
        if (v->type == YAML_MAPPING_NODE) {
            yaml_node_pair_t *pr = v->data.mapping.pairs.start;
            if (pr + 1 != v->data.mapping.pairs.top)
                return compose_error(r->f, line, path, "%s",
                                     "one network (a minictr container "
                                     "joins one)");
            return (s->network = scalar(r, node(r, pr->key), path)) ? 0 : -1;
        }
        if (!names)
            return -1;
        if (!names[0] || names[1])
            return compose_error(r->f, line, path, "%s",
                                 "one network (a minictr container joins "
                                 "one)");
        s->network = names[0];
        return 0;
    }
    if (v->type != YAML_SEQUENCE_NODE) /* volumes, ports */
        return bad_type(r, v, path, "a list");
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++, i++) {
        snprintf(p, sizeof(p), "%s[%d]", path, i);
        if ((key[0] == 'v' ? one_mount(r, s, node(r, *it), p)
                           : one_port(r, s, node(r, *it), p)) == -1)
            return -1;
    }
    return 0;
}

static int
services(struct reader *r, yaml_node_t *n, const char *path)
{
    static const char *const known[] = {
        "image",   "command", "entrypoint", "environment", "working_dir",
        "user",    "volumes", "ports",      "depends_on",  "healthcheck",
        "restart", "deploy",  "networks",   NULL};
    struct compose_file *f = r->f;

    if (n->type != YAML_MAPPING_NODE)
        return bad_type(r, n, path, "a mapping of services");
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
         pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(r, pr->key), *v = node(r, pr->value);
        struct compose_service *s = &f->services[f->nservices];
        char p[256];
        char *name = scalar(r, k, path);

        if (!name)
            return -1;
        snprintf(p, sizeof(p), "services.%s", name);
        if (check_name(r, k, p, name) == -1)
            return -1;
        if (compose_find_service(f, name) >= 0)
            return compose_error(f, line_of(k), p, "%s",
                                 "a second service of this name");
        if (f->nservices == COMPOSE_MAX_SERVICES)
            return compose_error(f, line_of(k), p,
                                 "too many services (at most %d)",
                                 COMPOSE_MAX_SERVICES);
        memset(s, 0, sizeof(*s));
        s->name = name;
        s->line = line_of(k);
        f->nservices++;
        if (each_key(r, v, p, known, service_key, s) == -1)
            return -1;
        if (!s->image)
            return compose_error(f, s->line, p, "%s",
                                 "needs image: (minictr does not build)");
    }
    if (f->nservices == 0)
        return compose_error(f, line_of(n), path, "%s", "no services");
    return 0;
}

/* ---- the top level ----------------------------------------------------- */

static int
network_ipam(struct reader *r, const char *key, yaml_node_t *v,
             const char *path, void *arg)
{
    static const char *const known[] = {"subnet", "gateway", NULL};
    struct compose_network *net = arg;
    yaml_node_t *first;

    if (!strcmp(key, "driver"))
        return 0; /* default: the only one */
    if (v->type != YAML_SEQUENCE_NODE)
        return bad_type(r, v, path, "a list");
    if (v->data.sequence.items.start == v->data.sequence.items.top)
        return 0;
    first = node(r, *v->data.sequence.items.start);
    if (v->data.sequence.items.start + 1 != v->data.sequence.items.top)
        return compose_error(r->f, line_of(v), path, "%s",
                             "one subnet (IPv4: minictr has no IPv6)");
    return each_key(r, first, path, known, network_ipam, net);
}

static int
network_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
            void *arg)
{
    static const char *const known[] = {"driver", "config", NULL};
    struct compose_network *net = arg;
    char *s;

    if (!strcmp(key, "ipam"))
        return each_key(r, v, path, known, network_ipam, net);
    if (!(s = scalar(r, v, path)))
        return -1;
    if (!strcmp(key, "driver") && strcmp(s, "bridge"))
        return compose_error(r->f, line_of(v), path,
                             "bridge (minictr's only driver), not '%s'", s);
    if (!strcmp(key, "subnet"))
        net->subnet = s;
    else if (!strcmp(key, "gateway"))
        net->gateway = s;
    return 0;
}

static int
networks(struct reader *r, yaml_node_t *n, const char *path)
{
    static const char *const known[] = {"driver", "ipam", NULL};
    struct compose_file *f = r->f;

    if (n->type != YAML_MAPPING_NODE)
        return bad_type(r, n, path, "a mapping of networks");
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
         pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(r, pr->key), *v = node(r, pr->value);
        struct compose_network *net = &f->networks[f->nnetworks];
        char p[256], *name = scalar(r, k, path);

        if (!name)
            return -1;
        snprintf(p, sizeof(p), "networks.%s", name);
        if (check_name(r, k, p, name) == -1)
            return -1;
        if (f->nnetworks == COMPOSE_MAX_NETWORKS)
            return compose_error(f, line_of(k), p, "too many networks");
        memset(net, 0, sizeof(*net));
        net->name = name;
        net->line = line_of(k);
        f->nnetworks++;
        if (!is_null(v) && each_key(r, v, p, known, network_key, net) == -1)
            return -1;
    }
    return 0;
}

static int
volume_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
           void *arg)
{
    char *s = scalar(r, v, path);

    (void)key;
    (void)arg;
    if (!s)
        return -1;
    if (strcmp(s, "local") != 0)
        return compose_error(r->f, line_of(v), path,
                             "local (minictr's only driver), not '%s'", s);
    return 0;
}

static int
volumes(struct reader *r, yaml_node_t *n, const char *path)
{
    static const char *const known[] = {"driver", NULL};
    struct compose_file *f = r->f;

    if (n->type != YAML_MAPPING_NODE)
        return bad_type(r, n, path, "a mapping of volumes");
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
         pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(r, pr->key), *v = node(r, pr->value);
        char p[256], *name = scalar(r, k, path);

        if (!name)
            return -1;
        snprintf(p, sizeof(p), "volumes.%s", name);
        if (check_name(r, k, p, name) == -1)
            return -1;
        if (f->nvolumes == COMPOSE_MAX_VOLUMES)
            return compose_error(f, line_of(k), p, "too many volumes");
        if (!is_null(v) && each_key(r, v, p, known, volume_key, NULL) == -1)
            return -1;
        f->volumes[f->nvolumes++] = name;
    }
    return 0;
}

static int
minictr_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
            void *arg)
{
    struct compose_file *f = arg;

    if (!strcmp(key, "pod")) {
        f->pod_line = line_of(v);
        return boolean(r, v, path, &f->pod);
    }
    if (!strcmp(key, "restart"))
        return (f->pod_restart = scalar(r, v, path)) ? 0 : -1;
    return limit_key(r, key, v, path, &f->pod_limits);
}

static int
top_key(struct reader *r, const char *key, yaml_node_t *v, const char *path,
        void *arg)
{
    (void)arg;
    if (!strcmp(key, "services"))
        return services(r, v, path);
    if (!strcmp(key, "volumes"))
        return is_null(v) ? 0 : volumes(r, v, path);
    if (!strcmp(key, "networks"))
        return is_null(v) ? 0 : networks(r, v, path);
    if (!strcmp(key, "name")) {
        char *name = scalar(r, v, path);
        if (!name)
            return -1;
        snprintf(r->f->project, sizeof(r->f->project), "%s", name);
    }
    return 0; /* version: obsolete, ignored as Compose does */
}

int
compose_load(const char *path, struct compose_file *f)
{
    static const char *const known[] = {"services", "volumes", "networks",
                                        "name",     "version", NULL};
    static const char *const pod_keys[] = {"pod",  "memory",  "cpus",
                                           "pids", "restart", NULL};
    struct reader r = {.f = f};
    yaml_parser_t parser;
    yaml_node_t *root;
    FILE *in;
    char *slash, abs[4096];
    int rc = -1;

    snprintf(f->path, sizeof(f->path), "%s", path);
    if (!realpath(path, abs)) {
        mc_error_code("no_such_file");
        return ct_fail_errno("open the Compose file '%s'", path);
    }
    slash = strrchr(abs, '/');
    snprintf(f->dir, sizeof(f->dir), "%.*s", (int)(slash - abs), abs);
    if (!f->dir[0])
        snprintf(f->dir, sizeof(f->dir), "/");
    in = fopen(path, "re");
    if (!in) {
        mc_error_code("no_such_file");
        return ct_fail_errno("open the Compose file '%s'", path);
    }
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, in);
    /* The whole document, with a line for every node; a syntax error
     * says where the parser gave up. */
    if (!yaml_parser_load(&parser, &r.doc)) {
        mc_error_code("usage");
        ct_fail(
            "%s:%d: bad YAML: %s%s%s", path, (int)parser.problem_mark.line + 1,
            parser.problem ? parser.problem : "unreadable",
            parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        fclose(in);
        return -1;
    }
    root = yaml_document_get_root_node(&r.doc);
    if (!root) {
        compose_error(f, 1, "", "%s", "an empty file");
    } else if (each_key(&r, root, "", known, top_key, NULL) == 0) {
        rc = 0;
        /* x-minictr, an extension each_key let through: ours. */
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
             rc == 0 && pr < root->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = node(&r, pr->key);
            if (k->type == YAML_SCALAR_NODE &&
                !strcmp((const char *)k->data.scalar.value, "x-minictr"))
                rc = each_key(&r, node(&r, pr->value), "x-minictr", pod_keys,
                              minictr_key, f);
        }
        if (rc == 0 && f->nservices == 0)
            rc = compose_error(f, 1, "services", "%s", "no services");
    }
    yaml_document_delete(&r.doc);
    yaml_parser_delete(&parser);
    fclose(in);
    return rc;
}
