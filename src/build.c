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

/* ---- the progress lines, as Docker's classic builder prints them ------- */

void
build_say(const char *fmt, ...)
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

struct stage *
build_stage_find(struct build *b, const char *ref)
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

    if (df_split(in, in->args, false, build_global_lookup, &b->global, &w) ==
        -1)
        return -1;
    if (w.n == 3) {
        snprintf(s->name, sizeof(s->name), "%s", w.w[2]);
        for (char *p = s->name; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        if (!mc_valid_name(s->name) || build_stage_find(b, s->name) ||
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
    } else if ((from = build_stage_find(b, w.w[0])) &&
               strchr(w.w[0], '/') == NULL &&
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
    build_say(" ---> %.12s\n", s->id[0] ? s->id + 7 : "scratch");
out:
    df_words_free(&w);
    return rc;
}

/* ---- a step through the cache ------------------------------------------ */

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
    const struct build_step *kind = build_step_find(in->keyword);
    int rc = -1;

    st.key = json_object_new_array();
    json_object_array_add(st.key, json_object_new_string(in->keyword));
    if (kind->prepare(b, s, &st) == -1)
        goto out;
    if (!kind->make) { /* ARG: nothing to cache */
        build_say(" ---> %.12s\n", s->id[0] ? s->id + 7 : "scratch");
        rc = 0;
        goto out;
    }
    text = json_object_to_json_string_ext(st.key, JSON_C_TO_STRING_PLAIN);
    hash_text(s->key, text, st.digest, key);
    if (!b->no_cache && cache_hit(b, s, key)) {
        build_say(" ---> Using cache\n");
        stage_id(s);
    } else if (kind->make(b, s, &st) == -1 ||
               record_step(b, s, &st, key) == -1) {
        goto out;
    }
    memcpy(s->key, key, sizeof(s->key));
    s->made = true;
    build_say(" ---> %.12s\n", s->id + 7);
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

    build_say("Step %d/%d : %s\n", ++b->step, b->nsteps, b->df.ins[first].line);
    if (step_from(b, &b->df.ins[first], s) == -1)
        return -1;
    b->stages[b->nstages++] = s; /* from here on, --from can name it */
    for (int i = first + 1; i < end; i++) {
        const struct df_instr *in = &b->df.ins[i];
        build_say("Step %d/%d : %s\n", ++b->step, b->nsteps, in->line);
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
            if (df_pairs(in, build_global_lookup, &b->global, &w) == -1)
                return -1;
            for (int k = 0; k < w.n; k++) {
                char *eq = strchr(w.w[k], '=');
                if (eq)
                    *eq = '\0';
                build_var_set(
                    &b->global, w.w[k],
                    build_arg_value(b, w.w[k], eq ? eq + 1 : NULL, true));
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
    build_say("Successfully built %.12s\n", id + 7);
    for (int i = 0; i < b->ntags; i++) {
        char ref[400];
        store_parse_ref(b->tags[i], ref, sizeof(ref));
        build_say("Successfully tagged %s\n", ref);
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
            build_var_set(&b->build_args, optarg, eq ? eq + 1 : getenv(optarg));
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
