/*
 * buildstep.c: the instructions of a Dockerfile, one pair of functions
 * each: prepare says what the step is (its arguments expanded, what the
 * cache key hashes, what history will say), make does it. build.c calls
 * prepare for every step, and make only when the cache has no such step.
 *
 *   ARG                  a variable for the steps after it (no step of its
 *                        own: it changes no image)
 *   ENV, LABEL, USER,    the image config's Env, Labels, User,
 *   EXPOSE, CMD,         ExposedPorts, Cmd, Entrypoint: the defaults
 *   ENTRYPOINT           `minictr run` takes from it (run.c)
 *   WORKDIR              WorkingDir, and the directory, when missing
 *   COPY, ADD            files into a new layer (buildcopy.c)
 *   RUN                  a container of the core: create, start (in the
 *                        foreground: this process is its monitor), its
 *                        upper directory into the store, delete
 *
 * Variables: $NAME in an argument is ENV's value first, then ARG's (an
 * ENV overrides an ARG of the same name, as in Docker); RUN, CMD and
 * ENTRYPOINT are never expanded here, their shell does it. A RUN sees
 * the build args in its environment, and its cache key and history say
 * which ("|1 GREETING=hi /bin/sh -c ..."), so another value misses.
 *
 * Read: the Dockerfile reference, one section per instruction; the OCI
 * image spec's config.md ("config": Env, Cmd, WorkingDir...).
 */
#include "build.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- variables and the config ------------------------------------------ */
struct var *
build_var_find(struct vars *vs, const char *name)
{
    for (int i = 0; i < vs->n; i++)
        if (!strcmp(vs->v[i].name, name))
            return &vs->v[i];
    return NULL;
}

void
build_var_set(struct vars *vs, const char *name, const char *value)
{
    struct var *v = build_var_find(vs, name);

    if (!v) {
        vs->v = realloc(vs->v, sizeof(*vs->v) * (size_t)(vs->n + 1));
        v = &vs->v[vs->n++];
        *v = (struct var){strdup(name), NULL, false};
    }
    free(v->value);
    v->value = value ? strdup(value) : NULL;
}

/* The image config's "config" object: Env, Cmd, WorkingDir... */
json_object *
stage_cfg(const struct stage *s)
{
    json_object *c;

    if (json_object_object_get_ex(s->config, "config", &c) &&
        json_object_is_type(c, json_type_object))
        return c;
    c = json_object_new_object();
    json_object_object_add(s->config, "config", c);
    return c;
}

const char *
stage_cfg_string(const struct stage *s, const char *key)
{
    json_object *v;

    if (json_object_object_get_ex(stage_cfg(s), key, &v) &&
        json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return "";
}

/* NAME in the config's Env ("NAME=value"), or NULL. */
const char *
stage_env(const struct stage *s, const char *name)
{
    json_object *env;
    size_t len = strlen(name);

    if (!json_object_object_get_ex(stage_cfg(s), "Env", &env) ||
        !json_object_is_type(env, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(env); i++) {
        const char *kv =
            json_object_get_string(json_object_array_get_idx(env, i));
        if (kv && !strncmp(kv, name, len) && kv[len] == '=')
            return kv + len + 1;
    }
    return NULL;
}

/* What $NAME is in a stage: ENV first (an ENV overrides an ARG of the
 * same name, as Docker), then ARG. */
const char *
stage_lookup(const char *name, void *arg)
{
    struct stage *s = arg;
    const char *v = stage_env(s, name);
    struct var *a;

    if (v)
        return v;
    a = build_var_find(&s->args, name);
    return a ? a->value : NULL;
}

/* Before the first FROM: the global ARGs only. */
const char *
build_global_lookup(const char *name, void *arg)
{
    struct var *a = build_var_find(arg, name);
    return a ? a->value : NULL;
}

/* ARG NAME[=DEFAULT]: --build-arg wins over the default; a global ARG
 * declared again without a default brings its value into the stage. */
const char *
build_arg_value(struct build *b, const char *name, const char *def, bool global)
{
    struct var *given = build_var_find(&b->build_args, name), *g;

    if (given) {
        given->used = true;
        return given->value;
    }
    if (!def && !global && (g = build_var_find(&b->global, name)))
        return g->value;
    return def;
}

/* ---- preparing: what a step is ----------------------------------------- */

static void
key_add(struct step *st, const char *s)
{
    json_object_array_add(st->key, json_object_new_string(s));
}

/* The words, joined by spaces, after a prefix: for history. */
static char *
joined(const char *prefix, char **words)
{
    size_t len = strlen(prefix) + 1;
    char *s;

    for (char **w = words; w && *w; w++)
        len += strlen(*w) + 1;
    s = malloc(len);
    strcpy(s, prefix);
    for (char **w = words; w && *w; w++) {
        if (*s)
            strcat(s, " ");
        strcat(s, *w);
    }
    return s;
}

/* ARG NAME[=DEFAULT]...: sets the stage's variables; no step of its own. */
static int
prep_arg(struct build *b, struct stage *s, struct step *st)
{
    if (df_pairs(st->in, stage_lookup, s, &st->w) == -1)
        return -1;
    for (int i = 0; i < st->w.n; i++) {
        char *eq = strchr(st->w.w[i], '=');
        if (eq)
            *eq = '\0';
        build_var_set(
            &s->args, st->w.w[i],
            build_arg_value(b, st->w.w[i], eq ? eq + 1 : NULL, false));
    }
    return 0;
}

/* ENV, LABEL: NAME=VALUE pairs. */
static int
prep_pairs(struct build *b, struct stage *s, struct step *st)
{
    (void)b;
    if (df_pairs(st->in, stage_lookup, s, &st->w) == -1)
        return -1;
    for (int i = 0; i < st->w.n; i++)
        key_add(st, st->w.w[i]);
    st->history = joined(st->in->keyword, st->w.w);
    return 0;
}

/* USER, EXPOSE: words. */
static int
prep_words(struct build *b, struct stage *s, struct step *st)
{
    (void)b;
    if (df_split(st->in, st->in->args, false, stage_lookup, s, &st->w) == -1)
        return -1;
    for (int i = 0; i < st->w.n; i++) {
        const char *p = st->w.w[i], *slash = strchr(p, '/');
        size_t digits = strspn(p, "0123456789");
        if (!strcmp(st->in->keyword, "EXPOSE") &&
            (digits == 0 || digits > 5 || atoi(p) > 65535 ||
             (p[digits] &&
              !(slash == p + digits &&
                (!strcasecmp(slash, "/tcp") || !strcasecmp(slash, "/udp") ||
                 !strcasecmp(slash, "/sctp"))))))
            return df_fail(st->in, st->w.off[i],
                           "EXPOSE: bad port '%s' (give PORT or PORT/tcp, "
                           "/udp, /sctp)",
                           p);
        key_add(st, p);
    }
    st->history = joined(st->in->keyword, st->w.w);
    return 0;
}

/* CMD, ENTRYPOINT, RUN: the exec form as it is, the shell form given to
 * /bin/sh -c. Never expanded here: the shell does that, inside. */
static char **
command(const struct df_instr *in)
{
    char **argv;

    if (in->exec_form) {
        argv = calloc((size_t)in->argc + 1, sizeof(char *));
        for (int i = 0; i < in->argc; i++)
            argv[i] = strdup(in->argv[i]);
        return argv;
    }
    argv = calloc(4, sizeof(char *));
    argv[0] = strdup("/bin/sh");
    argv[1] = strdup("-c");
    argv[2] = strdup(in->line + in->args);
    return argv;
}

static int
prep_command(struct build *b, struct stage *s, struct step *st)
{
    json_object *a = json_object_new_array();
    const char *json;

    (void)b;
    if (!strcmp(st->in->keyword, "CMD"))
        s->cmd_set = true;
    st->argv = command(st->in);
    for (char **p = st->argv; *p; p++) {
        key_add(st, *p);
        json_object_array_add(a, json_object_new_string(*p));
    }
    json = json_object_to_json_string_ext(
        a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    st->history = malloc(strlen(st->in->keyword) + strlen(json) + 2);
    sprintf(st->history, "%s %s", st->in->keyword, json);
    json_object_put(a);
    return 0;
}

/* RUN: the command, and the build args it sees (in its environment), as
 * Docker writes them in history: "|2 A=1 B=2 /bin/sh -c make". */
static int
prep_run(struct build *b, struct stage *s, struct step *st)
{
    char count[16], *args[MC_MAX_ENV + 2];
    int n = 0;

    (void)b;
    st->argv = command(st->in);
    for (int i = 0; i < s->args.n && n < MC_MAX_ENV; i++)
        if (s->args.v[i].value && !stage_env(s, s->args.v[i].name)) {
            args[n] = malloc(strlen(s->args.v[i].name) +
                             strlen(s->args.v[i].value) + 2);
            sprintf(args[n++], "%s=%s", s->args.v[i].name, s->args.v[i].value);
        }
    args[n] = NULL;
    snprintf(count, sizeof(count), "|%d", n);
    for (int i = 0; i < n; i++)
        key_add(st, args[i]);
    key_add(st, "--");
    for (char **p = st->argv; *p; p++)
        key_add(st, *p);
    {
        char *a = joined(n ? count : "", args), *c = joined(a, st->argv);
        st->history = joined("RUN", (char *[]){c, NULL});
        free(a);
        free(c);
    }
    for (int i = 0; i < n; i++)
        free(args[i]);
    return 0;
}

/* An absolute, clean path: a relative one is taken from WORKDIR; "." and
 * ".." are resolved as text, never above "/". */
static char *
clean_path(const char *base, const char *p)
{
    char *buf = malloc(strlen(base) + strlen(p) + 3), *out, *save = NULL;
    char *tmp;
    bool dir = p[0] && p[strlen(p) - 1] == '/';
    size_t len = 0;

    tmp = malloc(strlen(base) + strlen(p) + 3);
    sprintf(tmp, "%s/%s", p[0] == '/' ? "" : base, p);
    out = buf;
    out[0] = '\0';
    for (char *part = strtok_r(tmp, "/", &save); part;
         part = strtok_r(NULL, "/", &save)) {
        if (!strcmp(part, "."))
            continue;
        if (!strcmp(part, "..")) {
            char *slash = strrchr(out, '/');
            len = slash ? (size_t)(slash - out) : 0;
            out[len] = '\0';
            continue;
        }
        len += (size_t)sprintf(out + len, "/%s", part);
    }
    if (!len)
        strcpy(out, "/");
    else if (dir)
        strcat(out, "/");
    free(tmp);
    return buf;
}

/* WORKDIR PATH: relative to the WORKDIR before; made if missing. */
static int
prep_workdir(struct build *b, struct stage *s, struct step *st)
{
    char *path;

    (void)b;
    if (df_split(st->in, st->in->args, false, stage_lookup, s, &st->w) == -1)
        return -1;
    path = clean_path(*stage_cfg_string(s, "WorkingDir")
                          ? stage_cfg_string(s, "WorkingDir")
                          : "/",
                      st->w.w[0]);
    if (strlen(path) > 1 && path[strlen(path) - 1] == '/')
        path[strlen(path) - 1] = '\0';
    key_add(st, path);
    st->history = joined("WORKDIR", (char *[]){path, NULL});
    st->job = (struct copy_job){.in = st->in,
                                .layers = s->layers,
                                .nlayers = s->nlayers,
                                .dest = path,
                                .from_nlayers = -1,
                                .chmod = -1};
    return 0;
}

/* --chown=USER[:GROUP]: numbers, or names from the stage's /etc/passwd
 * and /etc/group, looked up as `run -u` does. */
static int
resolve_chown(struct stage *s, struct step *st, const char *spec)
{
    static struct container c;
    static struct store_image img;

    container_init(&c);
    img.nlayers = s->nlayers;
    memcpy(img.layers, s->layers, sizeof(img.layers));
    if (store_image_lowerdir(&img, c.rootfs, sizeof(c.rootfs)) == -1)
        return -1;
    if (parse_user(&c, spec) == -1) {
        ct_clear_error();
        return df_fail(st->in, 0,
                       "%s --chown=%s: no such user or group in the image "
                       "(give numbers, UID:GID, or names its /etc/passwd "
                       "and /etc/group have)",
                       st->in->keyword, spec);
    }
    st->job.chown = true;
    st->job.uid = c.uid;
    st->job.gid = c.gid;
    return 0;
}

/* COPY [--from=STAGE] [--chown=U:G] [--chmod=MODE] SRC... DEST, and ADD:
 * what to copy, from where, to where; the digest of the files. */
static int
prep_copy(struct build *b, struct stage *s, struct step *st)
{
    const struct df_instr *in = st->in;
    const char *from = df_flag(in, "from"), *chown = df_flag(in, "chown");
    const char *chmod = df_flag(in, "chmod");
    static struct store_image from_img;
    char **src, *dest;
    int n;

    if (in->exec_form) {
        for (int i = 0; i < in->argc; i++) {
            char *e = df_expand(in, in->argv[i], stage_lookup, s);
            if (!e)
                return -1;
            st->w.w = realloc(st->w.w, sizeof(char *) * (size_t)(i + 2));
            st->w.off = realloc(st->w.off, sizeof(int) * (size_t)(i + 1));
            st->w.w[i] = e;
            st->w.w[i + 1] = NULL;
            st->w.off[i] = in->args;
            st->w.n = i + 1;
        }
    } else if (df_split(in, in->args, false, stage_lookup, s, &st->w) == -1) {
        return -1;
    }
    n = st->w.n;
    src = st->w.w;
    {
        /* "." and ".." name directories, as "dir/" does */
        const char *d = st->w.w[n - 1], *base = strrchr(d, '/');
        base = base ? base + 1 : d;
        char *withslash = malloc(strlen(d) + 2);
        sprintf(withslash, "%s%s", d,
                !strcmp(base, ".") || !strcmp(base, "..") ? "/" : "");
        dest = clean_path(*stage_cfg_string(s, "WorkingDir")
                              ? stage_cfg_string(s, "WorkingDir")
                              : "/",
                          withslash);
        free(withslash);
    }
    /* DEST/ or several sources: DEST is a directory */
    if (n > 2 && dest[strlen(dest) - 1] != '/')
        return df_fail(in, st->w.off[n - 1],
                       "%s with several sources needs a directory as the "
                       "destination, ending with '/'",
                       in->keyword);
    st->job = (struct copy_job){.in = in,
                                .ctxfd = b->ctxfd,
                                .ignore = &b->ignore,
                                .from_nlayers = -1,
                                .layers = s->layers,
                                .nlayers = s->nlayers,
                                .dest = dest,
                                .add = !strcmp(in->keyword, "ADD"),
                                .chmod = -1};
    for (int i = 0; i < n - 1; i++)
        key_add(st, src[i]);
    key_add(st, dest);
    if (chmod) {
        char *end;
        long m = strtol(chmod, &end, 8);
        if (*end || m < 0 || m > 07777)
            return df_fail(in, 0, "--chmod=%s: give an octal mode, like 0755",
                           chmod);
        st->job.chmod = (int)m;
        key_add(st, chmod);
    }
    if (chown) {
        char *e = df_expand(in, chown, stage_lookup, s);
        if (!e || resolve_chown(s, st, e) == -1) {
            free(e);
            return -1;
        }
        char ids[64];
        snprintf(ids, sizeof(ids), "%u:%u", (unsigned)st->job.uid,
                 (unsigned)st->job.gid);
        key_add(st, ids);
        free(e);
    }
    st->job.src = calloc((size_t)n, sizeof(char *)); /* the sources alone */
    memcpy(st->job.src, src, sizeof(char *) * (size_t)(n - 1));
    st->job.src_off = st->w.off;
    if (from) {
        /* another stage's layers, or an image's; its key (or ID) stands
         * for the files, as the step before does for a RUN */
        struct stage *fs = build_stage_find(b, from);
        if (fs == s)
            return df_fail(in, 0, "COPY --from=%s: that is this stage", from);
        if (fs) {
            st->job.from_layers = fs->layers;
            st->job.from_nlayers = fs->nlayers;
            key_add(st, fs->key);
        } else {
            store_image_free(&from_img);
            if (store_image_load(from, &from_img) == -1) {
                ct_clear_error();
                mc_error_code("no_such_image");
                return df_fail(in, 0,
                               "COPY --from=%s: no stage and no image of "
                               "that name",
                               from);
            }
            st->job.from_layers = from_img.layers;
            st->job.from_nlayers = from_img.nlayers;
            key_add(st, from_img.id);
        }
    } else if (copy_digest(&st->job, st->digest) == -1) {
        return -1;
    }
    {
        char *flags = from ? malloc(strlen(from) + 8) : strdup("");
        char *c;
        if (from)
            sprintf(flags, "--from=%s", from);
        c = joined(flags, st->job.src);
        st->history = malloc(strlen(c) + strlen(dest) + 16);
        sprintf(st->history, "%s %s %s", in->keyword, c, dest);
        free(flags);
        free(c);
    }
    return 0;
}

/* ---- making ----------------------------------------------------------- */

static int
make_env(struct build *b, struct stage *s, struct step *st)
{
    json_object *env, *fresh = json_object_new_array();

    (void)b;
    if (!json_object_object_get_ex(stage_cfg(s), "Env", &env) ||
        !json_object_is_type(env, json_type_array))
        env = NULL;
    /* each NAME replaces the one there, in its place; new ones go last */
    for (size_t i = 0; env && i < json_object_array_length(env); i++) {
        const char *kv =
            json_object_get_string(json_object_array_get_idx(env, i));
        for (int k = 0; kv && k < st->w.n; k++) {
            size_t nlen = strcspn(st->w.w[k], "=");
            if (!strncmp(kv, st->w.w[k], nlen) && kv[nlen] == '=') {
                kv = NULL;
                break;
            }
        }
        if (kv)
            json_object_array_add(fresh, json_object_new_string(kv));
    }
    for (int k = 0; k < st->w.n; k++) {
        size_t nlen = strcspn(st->w.w[k], "=");
        bool later = false;
        for (int j = k + 1; j < st->w.n; j++)
            later = later ||
                (!strncmp(st->w.w[j], st->w.w[k], nlen) &&
                 st->w.w[j][nlen] == '=');
        if (!later)
            json_object_array_add(fresh, json_object_new_string(st->w.w[k]));
    }
    json_object_object_add(stage_cfg(s), "Env", fresh);
    return 0;
}

static int
make_label(struct build *b, struct stage *s, struct step *st)
{
    json_object *labels;

    (void)b;
    if (!json_object_object_get_ex(stage_cfg(s), "Labels", &labels) ||
        !json_object_is_type(labels, json_type_object)) {
        labels = json_object_new_object();
        json_object_object_add(stage_cfg(s), "Labels", labels);
    }
    for (int k = 0; k < st->w.n; k++) {
        char *eq = strchr(st->w.w[k], '=');
        *eq = '\0';
        json_object_object_add(labels, st->w.w[k],
                               json_object_new_string(eq + 1));
        *eq = '=';
    }
    return 0;
}

static int
make_user(struct build *b, struct stage *s, struct step *st)
{
    (void)b;
    json_object_object_add(stage_cfg(s), "User",
                           json_object_new_string(st->w.w[0]));
    return 0;
}

static int
make_expose(struct build *b, struct stage *s, struct step *st)
{
    json_object *ports;

    (void)b;
    if (!json_object_object_get_ex(stage_cfg(s), "ExposedPorts", &ports) ||
        !json_object_is_type(ports, json_type_object)) {
        ports = json_object_new_object();
        json_object_object_add(stage_cfg(s), "ExposedPorts", ports);
    }
    for (int k = 0; k < st->w.n; k++) {
        char port[64];
        snprintf(port, sizeof(port), "%s%s", st->w.w[k],
                 strchr(st->w.w[k], '/') ? "" : "/tcp");
        for (char *p = port; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        json_object_object_add(ports, port, json_object_new_object());
    }
    return 0;
}

static json_object *
string_array(char **argv)
{
    json_object *a = json_object_new_array();

    for (char **p = argv; *p; p++)
        json_object_array_add(a, json_object_new_string(*p));
    return a;
}

/* CMD; ENTRYPOINT also drops a CMD the base image had (Docker's rule: a
 * new entrypoint would otherwise get the old image's arguments). */
static int
make_command(struct build *b, struct stage *s, struct step *st)
{
    bool entrypoint = !strcmp(st->in->keyword, "ENTRYPOINT");

    (void)b;
    json_object_object_add(stage_cfg(s), entrypoint ? "Entrypoint" : "Cmd",
                           string_array(st->argv));
    if (entrypoint && !s->cmd_set)
        json_object_object_del(stage_cfg(s), "Cmd");
    return 0;
}

static int
make_copy(struct build *b, struct stage *s, struct step *st)
{
    (void)b;
    if (copy_run(&st->job, st->layer) == -1)
        return -1;
    if (!strcmp(st->in->keyword, "WORKDIR"))
        json_object_object_add(stage_cfg(s), "WorkingDir",
                               json_object_new_string(st->job.dest));
    return 0;
}

/* A RUN container's upper directory also has the directories the
 * runtime mounted on (/dev, /proc, /sys), when the image lacked them: as
 * Docker's init layer, they stay out of the image. */
static void
drop_mount_points(const struct stage *s, const char *upper)
{
    static const char *const points[] = {"dev", "proc", "sys"};
    char path[4300];

    for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
        char rel[8];
        snprintf(rel, sizeof(rel), "/%s", points[i]);
        snprintf(path, sizeof(path), "%s/%s", upper, points[i]);
        if (!copy_is_dir(s->layers, s->nlayers, rel))
            rmdir(path); /* only if empty: what the command put there stays */
    }
}

/* RUN: a container of the core on the stage's layers, in the foreground
 * (this process is its monitor, and gets its exit status). What it
 * changed, its upper directory, becomes the layer. */
static int
make_run(struct build *b, struct stage *s, struct step *st)
{
    static struct container c;
    static struct store_image img;
    static char image[16];
    json_object *env;
    char upper[4200];
    int rc, status;

    container_init(&c);
    snprintf(image, sizeof(image), "%.12s", s->id[0] ? s->id + 7 : "scratch");
    c.image = image;
    c.argv = st->argv;
    c.log.none = true; /* the output is the build's, on its stdout */
    /* No /etc files of ours bound in: an empty /etc/hosts made for the
     * mount would end up in the layer (buildah's RUN leaves one). */
    c.no_etc_files = true;
    img.nlayers = s->nlayers;
    memcpy(img.layers, s->layers, sizeof(img.layers));
    if (store_image_lowerdir(&img, c.rootfs, sizeof(c.rootfs)) == -1)
        return -1;
    /* the config's environment, then the build args it does not set */
    if (json_object_object_get_ex(stage_cfg(s), "Env", &env) &&
        json_object_is_type(env, json_type_array))
        for (size_t i = 0;
             i < json_object_array_length(env) && c.nenv < MC_MAX_ENV; i++)
            c.env[c.nenv++] = strdup(
                json_object_get_string(json_object_array_get_idx(env, i)));
    for (int i = 0; i < s->args.n && c.nenv < MC_MAX_ENV; i++)
        if (s->args.v[i].value && !stage_env(s, s->args.v[i].name)) {
            char *kv = malloc(strlen(s->args.v[i].name) +
                              strlen(s->args.v[i].value) + 2);
            sprintf(kv, "%s=%s", s->args.v[i].name, s->args.v[i].value);
            c.env[c.nenv++] = kv;
        }
    if (*stage_cfg_string(s, "WorkingDir"))
        c.workdir = strdup(stage_cfg_string(s, "WorkingDir"));
    if (*stage_cfg_string(s, "User") &&
        parse_user(&c, stage_cfg_string(s, "User")) == -1) {
        ct_clear_error();
        return df_fail(st->in, 0,
                       "RUN as USER %s: no such user in the image's "
                       "/etc/passwd (give a number, or add the user first)",
                       stage_cfg_string(s, "User"));
    }
    if (container_create(&c) == -1)
        return -1;
    build_say(" ---> Running in %.12s\n", c.id);
    status = container_start(&c, false);
    /* The monitor blocked every signal to read them from a signalfd; the
     * build takes Ctrl-C again from here on. */
    sigprocmask(SIG_SETMASK, &spawn_old_mask, NULL);
    snprintf(upper, sizeof(upper), "%s/upper", c.dir);
    rc = status;
    if (status == 0) {
        drop_mount_points(s, upper);
        rc = store_put_layer_from_dir(upper, st->layer);
    }
    if (container_delete(&c) == -1 && rc == 0)
        rc = -1;
    build_say("Removing intermediate container %.12s\n", c.id);
    if (status > 0) {
        char cmd[4096];
        container_command_line(&c, cmd, sizeof(cmd));
        b->status = status;
        fprintf(stderr, "The command '%s' returned a non-zero code: %d\n", cmd,
                status);
        return -1;
    }
    return rc;
}

/* ---- the table --------------------------------------------------------- */

/* The steps, by keyword: how to know what each is (prepare) and how to
 * do it (make). ARG has no make: it changes no image. */
static const struct build_step steps[] = {
    {"ARG", prep_arg, NULL},
    {"ENV", prep_pairs, make_env},
    {"LABEL", prep_pairs, make_label},
    {"USER", prep_words, make_user},
    {"EXPOSE", prep_words, make_expose},
    {"CMD", prep_command, make_command},
    {"ENTRYPOINT", prep_command, make_command},
    {"WORKDIR", prep_workdir, make_copy},
    {"RUN", prep_run, make_run},
    {"COPY", prep_copy, make_copy},
    {"ADD", prep_copy, make_copy},
};

const struct build_step *
build_step_find(const char *keyword)
{
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (!strcmp(steps[i].keyword, keyword))
            return &steps[i];
    return NULL;
}
