/*
 * build.c: `minictr build` — a Dockerfile becomes an image, one step at a
 * time, and every step that made a layer is remembered.
 *
 *   FROM busybox         the stage starts as the image: its config, its
 *                        layers (the store's own directories, shared)
 *   ENV, WORKDIR, USER,  change the config only (WORKDIR also makes its
 *   CMD, ENTRYPOINT,     directory, as a layer, when the image lacks it)
 *   EXPOSE, LABEL, ARG
 *   RUN make             a container of the core, on the stage's layers,
 *                        with the default isolation (its own namespaces,
 *                        no network but lo): its upper directory, what
 *                        the command changed, becomes the next layer
 *   COPY . /src          the files are written straight into a new layer
 *                        directory (buildcopy.c): no container, no mount
 *   FROM busybox AS out  a second stage; COPY --from=build takes files
 *   COPY --from=build    from the first one's layers, and only those
 *
 * A step is skipped when the cache has it. Its key is a sha256 of
 *
 *   the key of the step before   (for FROM: the base image's ID), which
 *                                stands for the whole state so far: the
 *                                layers, and the config too: `ENV A=1`
 *                                then `RUN echo $A` must not hit a cache
 *                                made after `ENV A=2`
 *   the instruction              after ARG and ENV are expanded; RUN's
 *                                with the build args it sees
 *   for COPY and ADD             the digest of the files it would copy:
 *                                names, modes, sizes, contents (not
 *                                times, as Docker), after .dockerignore
 *
 * so a changed file under a COPY misses that step and every step after
 * it, and none before. A hit makes no container and copies nothing.
 *
 * Where it lives: the cache is images.json's "build_cache" object, KEY ->
 * {"config": the whole OCI image config after the step (its
 * rootfs.diff_ids name the layers), "layer": the diff_id the step made,
 * if it made one}, changed by rename under images.lock like the rest of
 * the index. The layers are ordinary layers of the store. An entry lives
 * as long as its layers: rmi and image prune remove every layer no image
 * uses, and an entry that names a missing layer is a miss (and is dropped
 * at the next write) — as with Docker's classic builder, whose cache is
 * the intermediate images rmi takes away with the image. Work in
 * progress is a directory under tmp/ (COPY) or a container of the core
 * (RUN, removed when it is done); gc.lock is held shared for the whole
 * build, so rmi and prune wait until it is over. A failed build commits
 * nothing: the image is written, and named, at the very end.
 *
 * This is a front door (../shared/ROADMAP.md, "One core, many doors"):
 * RUN fills a struct container and calls container_create, _start and
 * _delete, exactly as `run` does. No clone, mount or cgroup here.
 *
 * Read: the Dockerfile reference; Docker's "Leverage build cache"; the
 * OCI image spec's config.md; dockerfile.c (the parser), buildcopy.c.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ARG and --build-arg: a name, and a value (NULL: declared, no value). */
struct var {
    char *name;
    char *value;
    bool used;
};

struct vars {
    struct var *v;
    int n;
};

/* One FROM ... up to the next FROM. */
struct stage {
    char name[64]; /* FROM ... AS name, lowercase; "" if none */
    char key[72]; /* the cache key of its last step: its whole state */
    char id[72]; /* the image ID that state would have */
    json_object *config; /* the OCI image config (owned) */
    struct store_layer layers[MC_MAX_LAYERS]; /* bottom first */
    int nlayers;
    struct vars args; /* ARG seen in this stage */
    bool cmd_set; /* a CMD in this stage: ENTRYPOINT leaves it */
    bool made; /* a step changed it (else it is still FROM's image) */
};

struct build {
    char context[4096];
    int ctxfd; /* O_PATH: every source is resolved beneath it */
    struct ignore ignore;
    struct dockerfile df;
    char *tags[16];
    int ntags;
    const char *target;
    bool no_cache;
    struct vars build_args; /* --build-arg K=V */
    struct vars global; /* ARG before the first FROM */
    struct stage *stages[64];
    int nstages;
    int step, nsteps; /* "Step 3/7" */
    json_object *idx; /* images.json as the build found it */
    json_object *cache; /* its build_cache */
    int status; /* a RUN's non-zero exit status */
};

/* What one instruction is, before it is done (prepare) and after. */
struct step {
    const struct df_instr *in;
    struct df_words w; /* the arguments, expanded */
    json_object *key; /* what the cache key hashes: [KEYWORD, ...] */
    char *history; /* history's created_by: "RUN /bin/sh -c make" */
    char digest[72]; /* COPY, ADD: the files' */
    char layer[72]; /* the layer it made, or "" */
    char **argv; /* RUN, CMD, ENTRYPOINT */
    struct copy_job job; /* COPY, ADD, WORKDIR */
};

/* ---- variables --------------------------------------------------------- */

static struct var *
var_find(struct vars *vs, const char *name)
{
    for (int i = 0; i < vs->n; i++)
        if (!strcmp(vs->v[i].name, name))
            return &vs->v[i];
    return NULL;
}

static void
var_set(struct vars *vs, const char *name, const char *value)
{
    struct var *v = var_find(vs, name);

    if (!v) {
        vs->v = realloc(vs->v, sizeof(*vs->v) * (size_t)(vs->n + 1));
        v = &vs->v[vs->n++];
        *v = (struct var){strdup(name), NULL, false};
    }
    free(v->value);
    v->value = value ? strdup(value) : NULL;
}

/* The image config's "config" object: Env, Cmd, WorkingDir... */
static json_object *
cfg(const struct stage *s)
{
    json_object *c;

    if (json_object_object_get_ex(s->config, "config", &c) &&
        json_object_is_type(c, json_type_object))
        return c;
    c = json_object_new_object();
    json_object_object_add(s->config, "config", c);
    return c;
}

static const char *
cfg_string(const struct stage *s, const char *key)
{
    json_object *v;

    if (json_object_object_get_ex(cfg(s), key, &v) &&
        json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return "";
}

/* NAME in the config's Env ("NAME=value"), or NULL. */
static const char *
env_get(const struct stage *s, const char *name)
{
    json_object *env;
    size_t len = strlen(name);

    if (!json_object_object_get_ex(cfg(s), "Env", &env) ||
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
static const char *
stage_lookup(const char *name, void *arg)
{
    struct stage *s = arg;
    const char *v = env_get(s, name);
    struct var *a;

    if (v)
        return v;
    a = var_find(&s->args, name);
    return a ? a->value : NULL;
}

/* Before the first FROM: the global ARGs only. */
static const char *
global_lookup(const char *name, void *arg)
{
    struct var *a = var_find(arg, name);
    return a ? a->value : NULL;
}

/* ARG NAME[=DEFAULT]: --build-arg wins over the default; a global ARG
 * declared again without a default brings its value into the stage. */
static const char *
arg_value(struct build *b, const char *name, const char *def, bool global)
{
    struct var *given = var_find(&b->build_args, name), *g;

    if (given) {
        given->used = true;
        return given->value;
    }
    if (!def && !global && (g = var_find(&b->global, name)))
        return g->value;
    return def;
}

/* ---- the progress lines, as Docker's classic builder prints them ------- */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    /* the RUN container writes to the same stdout, straight from the
     * monitor: ours must be out first */
    fflush(stdout);
}

/* The image ID the stage's state would have: the sha256 of its config,
 * with rootfs.diff_ids, written as store_commit_image writes it. */
static void
stage_id(struct stage *s)
{
    json_object *rootfs = json_object_new_object();
    json_object *ids = json_object_new_array();
    const char *bytes;

    for (int i = 0; i < s->nlayers; i++)
        json_object_array_add(ids,
                              json_object_new_string(s->layers[i].diff_id));
    json_object_object_add(rootfs, "type", json_object_new_string("layers"));
    json_object_object_add(rootfs, "diff_ids", ids);
    json_object_object_add(s->config, "rootfs", rootfs);
    bytes = json_object_to_json_string_ext(
        s->config, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    store_digest_bytes(bytes, strlen(bytes), s->id);
}

/* ---- FROM -------------------------------------------------------------- */

static struct stage *
find_stage(struct build *b, const char *ref)
{
    char *end;
    long n = strtol(ref, &end, 10);

    if (!*end && end != ref) /* --from=0: by number */
        return n >= 0 && n < b->nstages ? b->stages[n] : NULL;
    for (int i = 0; i < b->nstages; i++)
        if (b->stages[i]->name[0] && !strcasecmp(b->stages[i]->name, ref))
            return b->stages[i];
    return NULL;
}

static void
hash_text(const char *a, const char *b, const char *c, char out[72])
{
    struct sha256_ctx ctx;

    sha256_init(&ctx);
    sha256_update(&ctx, strlen(a), (const uint8_t *)a);
    sha256_update(&ctx, 1, (const uint8_t *)"\n");
    sha256_update(&ctx, strlen(b), (const uint8_t *)b);
    sha256_update(&ctx, 1, (const uint8_t *)"\n");
    sha256_update(&ctx, strlen(c), (const uint8_t *)c);
    store_digest(&ctx, out);
}

/* FROM image|scratch|stage [AS name]: the stage starts as that state. */
static int
step_from(struct build *b, const struct df_instr *in, struct stage *s)
{
    struct df_words w;
    struct stage *from;
    int rc = 0;

    if (df_split(in, in->args, false, global_lookup, &b->global, &w) == -1)
        return -1;
    if (w.n == 3) {
        snprintf(s->name, sizeof(s->name), "%s", w.w[2]);
        for (char *p = s->name; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        if (!mc_valid_name(s->name) || find_stage(b, s->name) ||
            strspn(s->name, "0123456789") == strlen(s->name)) {
            rc = df_fail(in, w.off[2],
                         "bad or repeated stage name '%s' (letters, digits, "
                         "'_', '.', '-'; not a number)",
                         w.w[2]);
            goto out;
        }
    }
    if (!strcmp(w.w[0], "scratch")) {
        /* an image with no layers, and a config that says little */
        s->config = json_tokener_parse("{\"architecture\": \"amd64\", "
                                       "\"os\": \"linux\", \"config\": {}}");
        hash_text("FROM scratch", "", "", s->key);
        s->id[0] = '\0';
    } else if ((from = find_stage(b, w.w[0])) && strchr(w.w[0], '/') == NULL &&
               strspn(w.w[0], "0123456789") != strlen(w.w[0])) {
        /* FROM build: the state an earlier stage ended in */
        json_object_deep_copy(from->config, &s->config, NULL);
        memcpy(s->layers, from->layers, sizeof(s->layers));
        s->nlayers = from->nlayers;
        memcpy(s->key, from->key, sizeof(s->key));
        memcpy(s->id, from->id, sizeof(s->id));
        s->made = from->made;
    } else {
        static struct store_image img;
        if (store_image_load(w.w[0], &img) == -1) {
            ct_clear_error();
            mc_error_code("no_such_image");
            rc = df_fail(in, w.off[0],
                         "FROM: no image '%s' in the store (see 'minictr "
                         "images'; minictr build does not pull: load or "
                         "import it first)",
                         w.w[0]);
            goto out;
        }
        s->config = json_object_get(img.config);
        memcpy(s->layers, img.layers, sizeof(s->layers));
        s->nlayers = img.nlayers;
        memcpy(s->id, img.id, sizeof(s->id));
        hash_text("FROM", img.id, "", s->key);
        store_image_free(&img);
    }
    say(" ---> %.12s\n", s->id[0] ? s->id + 7 : "scratch");
out:
    df_words_free(&w);
    return rc;
}

/* ---- preparing a step: what it is, for the cache key ------------------- */

static json_object *
key_of(const char *keyword)
{
    json_object *k = json_object_new_array();
    json_object_array_add(k, json_object_new_string(keyword));
    return k;
}

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
        var_set(&s->args, st->w.w[i],
                arg_value(b, st->w.w[i], eq ? eq + 1 : NULL, false));
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
        if (s->args.v[i].value && !env_get(s, s->args.v[i].name)) {
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
    path = clean_path(*cfg_string(s, "WorkingDir") ? cfg_string(s, "WorkingDir")
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
        dest = clean_path(
            *cfg_string(s, "WorkingDir") ? cfg_string(s, "WorkingDir") : "/",
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
    if (from) {
        /* another stage's layers, or an image's; its key (or ID) stands
         * for the files, as the step before does for a RUN */
        struct stage *fs = find_stage(b, from);
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

/* ---- doing a step ------------------------------------------------------ */

static int
make_env(struct build *b, struct stage *s, struct step *st)
{
    json_object *env, *fresh = json_object_new_array();

    (void)b;
    if (!json_object_object_get_ex(cfg(s), "Env", &env) ||
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
    json_object_object_add(cfg(s), "Env", fresh);
    return 0;
}

static int
make_label(struct build *b, struct stage *s, struct step *st)
{
    json_object *labels;

    (void)b;
    if (!json_object_object_get_ex(cfg(s), "Labels", &labels) ||
        !json_object_is_type(labels, json_type_object)) {
        labels = json_object_new_object();
        json_object_object_add(cfg(s), "Labels", labels);
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
    json_object_object_add(cfg(s), "User", json_object_new_string(st->w.w[0]));
    return 0;
}

static int
make_expose(struct build *b, struct stage *s, struct step *st)
{
    json_object *ports;

    (void)b;
    if (!json_object_object_get_ex(cfg(s), "ExposedPorts", &ports) ||
        !json_object_is_type(ports, json_type_object)) {
        ports = json_object_new_object();
        json_object_object_add(cfg(s), "ExposedPorts", ports);
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
    json_object_object_add(cfg(s), entrypoint ? "Entrypoint" : "Cmd",
                           string_array(st->argv));
    if (entrypoint && !s->cmd_set)
        json_object_object_del(cfg(s), "Cmd");
    return 0;
}

static int
make_copy(struct build *b, struct stage *s, struct step *st)
{
    (void)b;
    if (copy_run(&st->job, st->layer) == -1)
        return -1;
    if (!strcmp(st->in->keyword, "WORKDIR"))
        json_object_object_add(cfg(s), "WorkingDir",
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
    img.nlayers = s->nlayers;
    memcpy(img.layers, s->layers, sizeof(img.layers));
    if (store_image_lowerdir(&img, c.rootfs, sizeof(c.rootfs)) == -1)
        return -1;
    /* the config's environment, then the build args it does not set */
    if (json_object_object_get_ex(cfg(s), "Env", &env) &&
        json_object_is_type(env, json_type_array))
        for (size_t i = 0;
             i < json_object_array_length(env) && c.nenv < MC_MAX_ENV; i++)
            c.env[c.nenv++] = strdup(
                json_object_get_string(json_object_array_get_idx(env, i)));
    for (int i = 0; i < s->args.n && c.nenv < MC_MAX_ENV; i++)
        if (s->args.v[i].value && !env_get(s, s->args.v[i].name)) {
            char *kv = malloc(strlen(s->args.v[i].name) +
                              strlen(s->args.v[i].value) + 2);
            sprintf(kv, "%s=%s", s->args.v[i].name, s->args.v[i].value);
            c.env[c.nenv++] = kv;
        }
    if (*cfg_string(s, "WorkingDir"))
        c.workdir = strdup(cfg_string(s, "WorkingDir"));
    if (*cfg_string(s, "User") && parse_user(&c, cfg_string(s, "User")) == -1) {
        ct_clear_error();
        return df_fail(st->in, 0,
                       "RUN as USER %s: no such user in the image's "
                       "/etc/passwd (give a number, or add the user first)",
                       cfg_string(s, "User"));
    }
    if (container_create(&c) == -1)
        return -1;
    say(" ---> Running in %.12s\n", c.id);
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
    say("Removing intermediate container %.12s\n", c.id);
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

/* ---- a step through the cache ------------------------------------------ */

/* The steps, by keyword: how to know what each is (prepare) and how to
 * do it (make). ARG has no make: it changes no image. */
static const struct {
    const char *keyword;
    int (*prepare)(struct build *b, struct stage *s, struct step *st);
    int (*make)(struct build *b, struct stage *s, struct step *st);
} steps[] = {
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

/* Is every layer of this config in the store? */
static bool
layers_here(json_object *idx, json_object *config)
{
    json_object *rootfs, *ids, *layers;

    if (!json_object_object_get_ex(config, "rootfs", &rootfs) ||
        !json_object_object_get_ex(rootfs, "diff_ids", &ids) ||
        !json_object_is_type(ids, json_type_array) ||
        !json_object_object_get_ex(idx, "layers", &layers))
        return false;
    for (size_t i = 0; i < json_object_array_length(ids); i++) {
        const char *d =
            json_object_get_string(json_object_array_get_idx(ids, i));
        char path[4200];
        if (!d || !store_valid_digest(d) ||
            !json_object_object_get_ex(layers, d, NULL))
            return false;
        store_layer_path(d, path, sizeof(path));
        if (access(path, F_OK) == -1)
            return false;
    }
    return true;
}

/* A hit: the entry's config and layer become the stage's. It must be
 * this stage's layers plus at most the one it made, every one of them
 * still in the store. */
static bool
cache_hit(struct build *b, struct stage *s, const char *key)
{
    json_object *e, *config, *layer, *rootfs, *ids;
    int n = s->nlayers;

    if (!json_object_object_get_ex(b->cache, key, &e) ||
        !json_object_object_get_ex(e, "config", &config) ||
        !layers_here(b->idx, config))
        return false;
    json_object_object_get_ex(config, "rootfs", &rootfs);
    json_object_object_get_ex(rootfs, "diff_ids", &ids);
    if (json_object_object_get_ex(e, "layer", &layer))
        n++;
    if ((int)json_object_array_length(ids) != n || n > MC_MAX_LAYERS)
        return false;
    for (int i = 0; i < s->nlayers; i++)
        if (strcmp(s->layers[i].diff_id,
                   json_object_get_string(
                       json_object_array_get_idx(ids, (size_t)i))))
            return false;
    if (n > s->nlayers) {
        memset(&s->layers[s->nlayers], 0, sizeof(s->layers[0]));
        snprintf(s->layers[s->nlayers].diff_id, 72, "%s",
                 json_object_get_string(layer));
        s->nlayers++;
    }
    json_object_put(s->config);
    s->config = NULL; /* deep_copy wants an empty destination */
    json_object_deep_copy(config, &s->config, NULL);
    return true;
}

struct cache_put {
    const char *key;
    json_object *entry;
};

/* images.json's build_cache gets the entry; entries whose layers are
 * gone (rmi, prune) go. Under images.lock (store_index_update). */
static int
cache_put(json_object *idx, void *arg)
{
    struct cache_put *p = arg;
    json_object *cache, *config;
    char *stale[1024];
    int nstale = 0;

    if (!json_object_object_get_ex(idx, "build_cache", &cache) ||
        !json_object_is_type(cache, json_type_object)) {
        cache = json_object_new_object();
        json_object_object_add(idx, "build_cache", cache);
    }
    json_object_object_foreach(cache, k, e)
    {
        if (nstale < 1024 &&
            (!json_object_object_get_ex(e, "config", &config) ||
             !layers_here(idx, config)))
            stale[nstale++] = strdup(k);
    }
    for (int i = 0; i < nstale; i++) {
        json_object_object_del(cache, stale[i]);
        free(stale[i]);
    }
    json_object_object_add(cache, p->key, json_object_get(p->entry));
    return 0;
}

/* The step was made: a history entry, the layer, the new ID; and the
 * cache remembers it. */
static int
record_step(struct build *b, struct stage *s, struct step *st, const char *key)
{
    json_object *history, *h, *entry;
    char now[64];
    struct cache_put put = {key, NULL};
    int rc;

    mc_format_time(mc_now_ns(), now, sizeof(now));
    if (!json_object_object_get_ex(s->config, "history", &history) ||
        !json_object_is_type(history, json_type_array)) {
        history = json_object_new_array();
        json_object_object_add(s->config, "history", history);
    }
    h = json_object_new_object();
    json_object_object_add(h, "created", json_object_new_string(now));
    json_object_object_add(h, "created_by",
                           json_object_new_string(st->history));
    json_object_object_add(h, "comment",
                           json_object_new_string("minictr build"));
    if (!st->layer[0])
        json_object_object_add(h, "empty_layer", json_object_new_boolean(1));
    json_object_array_add(history, h);
    json_object_object_add(s->config, "created", json_object_new_string(now));
    if (st->layer[0]) {
        if (s->nlayers == MC_MAX_LAYERS)
            return df_fail(st->in, 0, "an image has at most %d layers",
                           MC_MAX_LAYERS);
        memset(&s->layers[s->nlayers], 0, sizeof(s->layers[0]));
        memcpy(s->layers[s->nlayers++].diff_id, st->layer, 72);
    }
    stage_id(s);
    entry = json_object_new_object();
    json_object_deep_copy(s->config, &put.entry, NULL);
    json_object_object_add(entry, "config", put.entry);
    if (st->layer[0])
        json_object_object_add(entry, "layer",
                               json_object_new_string(st->layer));
    json_object_object_add(entry, "created", json_object_new_string(now));
    put.entry = entry;
    rc = store_index_update(cache_put, &put);
    /* this build's later stages may hit it too */
    json_object_object_add(b->cache, key, entry);
    /* the index as it is now: the new layer is in it */
    if (rc == 0 && st->layer[0]) {
        json_object *layers;
        json_object_object_get_ex(b->idx, "layers", &layers);
        json_object_object_add(layers, st->layer, json_object_new_object());
    }
    return rc;
}

static void
step_free(struct step *st)
{
    df_words_free(&st->w);
    json_object_put(st->key);
    free(st->history);
    for (char **p = st->argv; p && *p; p++)
        free(*p);
    free(st->argv);
    free((char *)st->job.dest);
    free(st->job.src);
}

/* One instruction after FROM: prepare, look up, make (or take the
 * cache's), record. */
static int
run_step(struct build *b, struct stage *s, const struct df_instr *in)
{
    struct step st = {.in = in};
    char key[72];
    const char *text;
    size_t k;
    int rc = -1;

    for (k = 0; strcmp(steps[k].keyword, in->keyword); k++)
        ;
    st.key = key_of(in->keyword);
    if (steps[k].prepare(b, s, &st) == -1)
        goto out;
    if (!steps[k].make) { /* ARG: nothing to cache */
        say(" ---> %.12s\n", s->id[0] ? s->id + 7 : "scratch");
        rc = 0;
        goto out;
    }
    text = json_object_to_json_string_ext(st.key, JSON_C_TO_STRING_PLAIN);
    hash_text(s->key, text, st.digest, key);
    if (!b->no_cache && cache_hit(b, s, key)) {
        say(" ---> Using cache\n");
        stage_id(s);
    } else if (steps[k].make(b, s, &st) == -1 ||
               record_step(b, s, &st, key) == -1) {
        goto out;
    }
    memcpy(s->key, key, sizeof(s->key));
    s->made = true;
    say(" ---> %.12s\n", s->id + 7);
    rc = 0;
out:
    step_free(&st);
    return rc;
}

/* ---- stages ------------------------------------------------------------ */

/* Instructions [first, end) of the Dockerfile: FROM and what follows. */
static int
build_stage(struct build *b, int first, int end)
{
    struct stage *s = calloc(1, sizeof(*s));

    say("Step %d/%d : %s\n", ++b->step, b->nsteps, b->df.ins[first].line);
    if (step_from(b, &b->df.ins[first], s) == -1)
        return -1;
    b->stages[b->nstages++] = s; /* from here on, --from can name it */
    for (int i = first + 1; i < end; i++) {
        const struct df_instr *in = &b->df.ins[i];
        say("Step %d/%d : %s\n", ++b->step, b->nsteps, in->line);
        if (run_step(b, s, in) == -1)
            return -1;
    }
    return 0;
}

/* Global ARGs, the stages, and which one ends the build (--target). */
static int
plan(struct build *b, int *starts, int *nstarts, int *last)
{
    struct df_words w;
    int target = -1;

    *nstarts = 0;
    for (int i = 0; i < b->df.n; i++) {
        const struct df_instr *in = &b->df.ins[i];
        if (!strcmp(in->keyword, "FROM")) {
            if (*nstarts == 64)
                return df_fail(in, 0, "more than 64 stages");
            starts[(*nstarts)++] = i;
            if (b->target &&
                df_split(in, in->args, false, NULL, NULL, &w) == 0) {
                if (w.n == 3 && !strcasecmp(w.w[2], b->target))
                    target = *nstarts - 1;
                df_words_free(&w);
            }
        } else if (*nstarts == 0 && strcmp(in->keyword, "ARG")) {
            return df_fail(in, 0,
                           "the first instruction must be FROM (ARG may "
                           "come before it), not %s",
                           in->keyword);
        } else if (*nstarts == 0) { /* a global ARG: for FROM lines */
            if (df_pairs(in, global_lookup, &b->global, &w) == -1)
                return -1;
            for (int k = 0; k < w.n; k++) {
                char *eq = strchr(w.w[k], '=');
                if (eq)
                    *eq = '\0';
                var_set(&b->global, w.w[k],
                        arg_value(b, w.w[k], eq ? eq + 1 : NULL, true));
            }
            df_words_free(&w);
        }
    }
    if (*nstarts == 0)
        return df_fail(&b->df.ins[b->df.n - 1], 0, "there is no FROM");
    if (b->target && target == -1) {
        mc_error_code("usage");
        return ct_fail("--target %s: no stage of that name in %s", b->target,
                       b->df.name);
    }
    *last = target == -1 ? *nstarts - 1 : target;
    starts[*nstarts] = b->df.n;
    b->nsteps = starts[*last + 1] - starts[0];
    return 0;
}

/* ---- the image --------------------------------------------------------- */

static int
commit(struct build *b, struct stage *s)
{
    char id[72], source[4200];

    snprintf(source, sizeof(source), "minictr build %s", b->context);
    if (!s->made && s->id[0]) {
        /* FROM alone: the image is the base itself, as Docker says */
        memcpy(id, s->id, sizeof(id));
        for (int i = 0; i < b->ntags; i++)
            if (store_record_image(b->tags[i], id, s->layers, s->nlayers,
                                   source) == -1)
                return -1;
    } else {
        if (store_commit_image(b->ntags ? b->tags[0] : NULL, s->config,
                               s->layers, s->nlayers, source, id) == -1)
            return -1;
        for (int i = 1; i < b->ntags; i++)
            if (store_record_image(b->tags[i], id, s->layers, s->nlayers,
                                   source) == -1)
                return -1;
    }
    say("Successfully built %.12s\n", id + 7);
    for (int i = 0; i < b->ntags; i++) {
        char ref[400];
        store_parse_ref(b->tags[i], ref, sizeof(ref));
        say("Successfully tagged %s\n", ref);
    }
    return 0;
}

/* ---- the context and the Dockerfile ------------------------------------ */

static int
open_context(struct build *b, const char *file)
{
    static char text[1 << 20];
    struct stat st;
    ssize_t n = 0, r;
    int fd;

    char abs[4096];

    if (!realpath(b->context, abs)) {
        mc_error_code("no_such_file");
        return ct_fail_errno("the build context '%s'", b->context);
    }
    snprintf(b->context, sizeof(b->context), "%s", abs);
    b->ctxfd = open(b->context, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (b->ctxfd == -1) {
        mc_error_code("no_such_file");
        return ct_fail_errno("open the build context '%s'", b->context);
    }
    snprintf(b->df.name, sizeof(b->df.name), "%s", file ? file : "Dockerfile");
    if (file && !strcmp(file, "-"))
        fd = dup(0);
    else if (file)
        fd = open(file, O_RDONLY | O_CLOEXEC);
    else
        fd = openat(b->ctxfd, "Dockerfile", O_RDONLY | O_CLOEXEC);
    if (fd == -1 || fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
        int err = fd == -1 ? errno : EISDIR;
        if (fd != -1)
            close(fd);
        errno = err;
        mc_error_code("no_such_file");
        ct_set_hint("name it with -f, or put a Dockerfile in the context");
        return ct_fail_errno("open the Dockerfile '%s%s%s'",
                             file ? "" : b->context, file ? "" : "/",
                             file ? file : "Dockerfile");
    }
    while ((size_t)n < sizeof(text) - 1 &&
           (r = read(fd, text + n, sizeof(text) - 1 - (size_t)n)) > 0)
        n += r;
    close(fd);
    if ((size_t)n == sizeof(text) - 1) {
        mc_error_code("bad_dockerfile");
        return ct_fail("%s: longer than 1 MB", b->df.name);
    }
    if (dockerfile_parse(&b->df, text, (size_t)n) == -1)
        return -1;
    return ignore_load(b->ctxfd, &b->ignore);
}

/* ---- the command ------------------------------------------------------- */

static void
build_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr build [OPTIONS] CONTEXT\n"
            "\n"
            "Build an image from the Dockerfile in CONTEXT (a directory).\n"
            "\n"
            "  -t, --tag NAME[:TAG]   name the image (more than once: more "
            "names)\n"
            "  -f, --file FILE        the Dockerfile (default "
            "CONTEXT/Dockerfile; - is stdin)\n"
            "  --build-arg K[=V]      a value for ARG K (K alone: from the "
            "environment)\n"
            "  --target STAGE         build up to this stage (FROM ... AS "
            "STAGE) only\n"
            "  --no-cache             run every step, use no cached one\n"
            "\n"
            "Exit status: 0, a failed RUN's own status, or 125.\n");
}

static int
parse_build(struct build *b, int argc, char **argv, const char **file)
{
    enum { BUILD_ARG = 256, TARGET, NO_CACHE };
    static const struct option opts[] = {
        {"tag", required_argument, NULL, 't'},
        {"file", required_argument, NULL, 'f'},
        {"build-arg", required_argument, NULL, BUILD_ARG},
        {"target", required_argument, NULL, TARGET},
        {"no-cache", no_argument, NULL, NO_CACHE},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int opt;
    char ref[400];

    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+t:f:", opts, NULL)) != -1) {
        switch (opt) {
        case 't':
            if (store_parse_ref(optarg, ref, sizeof(ref)) == -1)
                return -1;
            if (b->ntags == 16)
                return mc_usage_error("at most 16 -t");
            b->tags[b->ntags++] = optarg;
            break;
        case 'f': *file = optarg; break;
        case BUILD_ARG: {
            char *eq = strchr(optarg, '=');
            if (optarg[0] == '=' || !optarg[0])
                return mc_usage_error("bad --build-arg '%s': give K=V", optarg);
            if (eq)
                *eq = '\0';
            var_set(&b->build_args, optarg, eq ? eq + 1 : getenv(optarg));
            break;
        }
        case TARGET: b->target = optarg; break;
        case NO_CACHE: b->no_cache = true; break;
        case 'h': build_usage(stdout); exit(0);
        default:
            return mc_usage_error("unknown or incomplete option '%s' (see "
                                  "'minictr build --help')",
                                  argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return mc_usage_error("give one CONTEXT directory (see 'minictr "
                              "build --help')");
    snprintf(b->context, sizeof(b->context), "%s", argv[optind]);
    return 0;
}

int
cmd_build(int argc, char **argv)
{
    static struct build b = {.ctxfd = -1};
    const char *file = NULL;
    int starts[65], nstarts = 0, last = 0, rc = -1, hold;

    if (parse_build(&b, argc, argv, &file) == -1)
        return -1;
    /* rmi and prune wait until the build is over: the layers it stands
     * on, and those it makes, stay */
    hold = store_hold(false);
    if (hold == -1)
        return -1;
    if (open_context(&b, file) == -1 || plan(&b, starts, &nstarts, &last) == -1)
        goto out;
    b.idx = store_index_read();
    if (!b.idx)
        goto out;
    if (!json_object_object_get_ex(b.idx, "build_cache", &b.cache) ||
        !json_object_is_type(b.cache, json_type_object)) {
        b.cache = json_object_new_object();
        json_object_object_add(b.idx, "build_cache", b.cache);
    }
    for (int i = 0; i <= last; i++)
        if (build_stage(&b, starts[i], starts[i + 1]) == -1)
            goto out;
    rc = commit(&b, b.stages[last]);
    for (int i = 0; i < b.build_args.n; i++)
        if (!b.build_args.v[i].used)
            fprintf(stderr,
                    "[Warning] One or more build-args [%s] were not "
                    "consumed\n",
                    b.build_args.v[i].name);
out:
    store_release(hold);
    if (rc == -1 && b.status > 0)
        return b.status;
    return rc;
}
