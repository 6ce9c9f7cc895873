/*
 * build.h: what the three files of `minictr build` share.
 *
 *   dockerfile.c   the parser: logical lines, then one parse function per
 *                  instruction (a table), and the shell-like lexer that
 *                  splits and expands arguments ($VAR, quotes)
 *   build.c        the door: flags, stages, each step through the cache,
 *                  RUN as a container of the core, the commit
 *   buildcopy.c    COPY, ADD and WORKDIR: files from the context (or a
 *                  stage) written into a new layer directory
 *
 * Read build.c's opening comment first: it draws the whole build.
 */
#ifndef BUILD_H
#define BUILD_H

#include "minictr.h"

#include <stdbool.h>

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

#endif
