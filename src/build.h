/*
 * build.h: what the three files of `minictr build` share.
 *
 *   dockerfile.c   the parser: logical lines, then one parse function per
 *                  instruction (a table), and the shell-like lexer that
 *                  splits and expands arguments ($VAR, quotes)
 *   build.c        the door: flags, stages, each step through the cache,
 *                  the commit
 *   buildstep.c    each instruction: what it is (the cache key), doing it;
 *                  RUN as a container of the core
 *   buildcopy.c    COPY, ADD and WORKDIR: files from the context (or a
 *                  stage) written into a new layer directory
 *   layerview.c    layers read as overlay shows them (whiteouts, opaque
 *                  directories), and the context, never left
 *
 * Read build.c's opening comment first: it draws the whole build.
 */
#ifndef BUILD_H
#define BUILD_H

#include "minictr.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

/* ---- dockerfile.c ------------------------------------------------------ */

/* Where a piece of a logical line came from: the text from offset `off`
 * on is physical line `line`, from column `col` (both from 1). */
struct df_seg {
    int off, line, col;
};

/* --from=build: name "from", value "build", at offset off. */
struct df_flag {
    char name[16];
    char *value;
    int off;
};

#define DF_MAX_FLAGS 4

/* One instruction, as the parser leaves it. */
struct df_instr {
    const struct dockerfile *df;
    const char *keyword; /* as the table spells it: "RUN" */
    char *line; /* the logical line, continuations joined */
    struct df_seg *seg;
    int nseg;
    int args; /* offset of the arguments (after the flags) in line */
    struct df_flag flags[DF_MAX_FLAGS];
    int nflags;
    bool exec_form; /* JSON: ["prog", "arg"] */
    char **argv; /* the exec form's strings, NULL-terminated */
    int argc;
};

struct dockerfile {
    char name[4096]; /* for messages: "Dockerfile", or -f's path */
    char escape; /* '\\', or '`' after "# escape=`" */
    struct df_instr *ins;
    int n;
};

/* Parse text (len bytes) into df. Errors name the file, line and column:
 * "Dockerfile:12:5: unknown instruction 'RUNN'". -1 (bad_dockerfile). */
int dockerfile_parse(struct dockerfile *df, const char *text, size_t len);
void dockerfile_free(struct dockerfile *df);
/* Record an error at offset off of the instruction's line; returns -1. */
int df_fail(const struct df_instr *in, int off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value of flag NAME (--NAME=VALUE), or NULL. */
const char *df_flag(const struct df_instr *in, const char *name);

/* The words of an instruction's arguments, quotes removed and variables
 * expanded (the builder's variables: ENV, then ARG). */
struct df_words {
    char **w; /* NULL-terminated */
    int *off; /* where each word starts in the line */
    int n;
};
/* A variable's value, or NULL when unset. */
typedef const char *(*df_lookup)(const char *name, void *arg);
/* Split the line from offset `from` into words as buildkit's shell lexer
 * does: whitespace between words, '...' literal, "..." with $ expanded,
 * the escape character, $VAR ${VAR} ${VAR:-word} ${VAR:+word}. one_word:
 * whitespace is kept, the rest is one word (ENV's old form). lookup NULL:
 * check the syntax only. -1 with the error located. */
int df_split(const struct df_instr *in, int from, bool one_word,
             df_lookup lookup, void *arg, struct df_words *out);
/* Expand one string (a JSON form's element) the same way. */
char *df_expand(const struct df_instr *in, const char *s, df_lookup lookup,
                void *arg);
/* ENV, LABEL, ARG: each word "NAME=VALUE" (or "NAME": an ARG without a
 * default); the old form "ENV NAME VALUE" too. */
int df_pairs(const struct df_instr *in, df_lookup lookup, void *arg,
             struct df_words *out);
void df_words_free(struct df_words *w);

/* ---- layerview.c: layers as overlay shows them; the context -------------- */

struct strs { /* a list of strings */
    char **v;
    int n;
};
void strs_add(struct strs *l, const char *s);
void strs_free(struct strs *l);
int strs_cmp(const void *a, const void *b); /* for qsort */
/* out = a "/" b ("" is the root); "" when too long */
void path_join(char *out, size_t size, const char *a, const char *b);
void path_append(char *path, size_t size, const char *part);

/* Where files are read: the build context (every path resolved beneath
 * it), or a stack of layers. */
struct view {
    int ctx; /* the context (O_PATH), or -1: layers */
    const struct ignore *ignore;
    int layer[MC_MAX_LAYERS]; /* each layer's directory, top first */
    int nlayers;
};
int view_open_layers(struct view *v, const struct store_layer *layers, int n);
void view_close(struct view *v);
/* An O_PATH fd of rel and its stat; `follow`: symlinks too, inside the
 * view. -1 with errno (EXDEV: it would leave the context). */
int view_open(const struct view *v, const char *rel, bool follow,
              struct stat *st);
/* The names in directory rel, sorted, as the view shows them. */
int view_list(const struct view *v, const char *rel, struct strs *names);
/* rel (no symlink on the way) as overlay shows it: an O_PATH fd, its
 * stat, and in vis the layers whose directory takes part. */
int layers_lookup(const struct view *v, const char *rel, struct stat *out,
                  bool *vis);
/* path with its symlinks followed inside the image's root. */
int layers_resolve(const struct view *v, const char *path, bool follow_last,
                   char *out, size_t size);
bool layer_is_whiteout(const struct stat *st);
/* openat2(2) with these RESOLVE_ flags. */
int openat2_how(int dirfd, const char *path, int flags, uint64_t resolve);

/* ---- buildcopy.c ------------------------------------------------------- */

/* .dockerignore: patterns, last match wins, "!" makes an exception. */
struct ignore {
    char **pat;
    bool *except;
    int n;
};
int ignore_load(int ctxfd, struct ignore *ig);
bool ignore_match(const struct ignore *ig, const char *rel);
void ignore_free(struct ignore *ig);

/* What one COPY, ADD or WORKDIR does, filled by build.c. */
struct copy_job {
    const struct df_instr *in;
    /* where the files come from: the context, or a stage's or an
     * image's layers (from_nlayers >= 0) */
    int ctxfd;
    const struct ignore *ignore;
    const struct store_layer *from_layers;
    int from_nlayers; /* -1: the context */
    /* where they go: the stage's layers, and the path in it */
    const struct store_layer *layers;
    int nlayers;
    char **src; /* NULL-terminated; WORKDIR: none */
    const int *src_off; /* where each is in the instruction's line */
    const char *dest; /* absolute */
    bool add; /* ADD: a local tar is unpacked */
    bool chown;
    uid_t uid;
    gid_t gid;
    int chmod; /* -1: keep the sources' modes */
};
/* The digest of everything the job would copy: names, types, modes,
 * sizes, link targets and contents (not owners or times). */
int copy_digest(struct copy_job *job, char digest[72]);
/* Do it: the files land in a new directory under the store's tmp/,
 * which becomes a layer (layer gets its diff_id; "" when there was
 * nothing to make, as WORKDIR on a directory the image has). */
int copy_run(struct copy_job *job, char layer[72]);
/* Is path a directory in these layers (as overlay shows them)? */
bool copy_is_dir(const struct store_layer *layers, int n, const char *path);

/* ---- build.c and buildstep.c ------------------------------------------ */

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

/* One kind of instruction: what the step is, and doing it (NULL: ARG,
 * which makes nothing). */
struct build_step {
    const char *keyword;
    int (*prepare)(struct build *b, struct stage *s, struct step *st);
    int (*make)(struct build *b, struct stage *s, struct step *st);
};
const struct build_step *build_step_find(const char *keyword);

/* buildstep.c: variables and the stage's config */
struct var *build_var_find(struct vars *vs, const char *name);
void build_var_set(struct vars *vs, const char *name, const char *value);
json_object *stage_cfg(const struct stage *s); /* its "config": Env, Cmd... */
const char *stage_cfg_string(const struct stage *s, const char *key);
const char *stage_env(const struct stage *s, const char *name);
const char *stage_lookup(const char *name, void *stage); /* ENV, ARG */
const char *build_global_lookup(const char *name, void *vars); /* before FROM */
const char *build_arg_value(struct build *b, const char *name, const char *def,
                            bool global);
/* build.c: a progress line (flushed); a stage by name or number */
void build_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct stage *build_stage_find(struct build *b, const char *ref);

#endif
