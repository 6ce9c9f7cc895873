/*
 * dockerfile.c: a Dockerfile read as buildkit reads it
 * (frontend/dockerfile/parser/parser.go), in two passes.
 *
 *   1. logical lines: a line that ends with the escape character goes on
 *      in the next one; blank lines and comments are dropped, also inside
 *      such a run; "# escape=`" is a directive only before the first
 *      instruction, comment or blank line. Every piece of a logical line
 *      remembers its physical line and column (struct df_seg), so an
 *      error deep in a joined RUN still says where it is.
 *   2. instructions: the first word picks a parse function from a table;
 *      leading --flags are taken off; the rest is the JSON form
 *      (["prog", "arg"]) or the shell form. Each parse function checks
 *      what it can before anything runs: the number of arguments, quotes
 *      that never close, JSON that does not parse.
 *
 * Arguments are split and expanded at build time, when the variables are
 * known (ENV and ARG change them step by step): df_split is the small
 * shell-like lexer for that, the same one the syntax check runs, with no
 * variables. RUN, CMD and ENTRYPOINT are never expanded here: their shell
 * does it, inside the container.
 *
 * Every error is "FILE:LINE:COLUMN: message" (exit 125, code
 * bad_dockerfile), as a compiler says it.
 *
 * Read: the Dockerfile reference (docs.docker.com/reference/dockerfile),
 * "Parser directives", "Environment replacement", "Shell and exec form".
 */
#include "build.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a growing string -------------------------------------------------- */

struct sb {
    char *s;
    size_t len, cap;
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void
sb_addc(struct sb *b, char c)
{
    sb_add(b, &c, 1);
}

/* ---- errors: FILE:LINE:COLUMN ------------------------------------------ */

int
df_fail(const struct df_instr *in, int off, const char *fmt, ...)
{
    const struct df_seg *seg = &in->seg[0];
    char msg[1024];
    va_list ap;

    for (int i = 1; i < in->nseg; i++)
        if (in->seg[i].off <= off)
            seg = &in->seg[i];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mc_error_code("bad_dockerfile");
    return ct_fail("%s:%d:%d: %s", in->df->name, seg->line,
                   seg->col + (off - seg->off), msg);
}

const char *
df_flag(const struct df_instr *in, const char *name)
{
    for (int i = 0; i < in->nflags; i++)
        if (!strcmp(in->flags[i].name, name))
            return in->flags[i].value;
    return NULL;
}

/* ---- the lexer: words, quotes, $VARIABLES ------------------------------ */

struct lex {
    const struct df_instr *in;
    const char *s; /* the line */
    int i; /* where we are */
    char esc;
    df_lookup lookup; /* NULL: only check, keep $X as written */
    void *arg;
};

static void
words_add(struct df_words *w, struct sb *word, int off)
{
    w->w = realloc(w->w, sizeof(char *) * (size_t)(w->n + 2));
    w->off = realloc(w->off, sizeof(int) * (size_t)(w->n + 1));
    w->w[w->n] = word->s ? word->s : strdup("");
    w->off[w->n++] = off;
    w->w[w->n] = NULL;
    *word = (struct sb){0};
}

void
df_words_free(struct df_words *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->w[i]);
    free(w->w);
    free(w->off);
    *w = (struct df_words){0};
}

static int lex_run(struct lex *l, char stop, bool split, struct df_words *out,
                   struct sb *one);

static bool
name_char(char c, bool first)
{
    return c == '_' || isalpha((unsigned char)c) ||
        (!first && isdigit((unsigned char)c));
}

/* At '$': $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word},
 * ${NAME+word}; anything else is a plain '$'. The value is added to out
 * and never split again (as the shell does with "$X", not $X). */
static int
lex_dollar(struct lex *l, struct sb *out)
{
    const char *s = l->s;
    int at = l->i++, name, name_end;
    char op[3] = "", var[256];
    struct sb word = {0};
    const char *value;

    if (s[l->i] != '{') {
        name = l->i;
        while (name_char(s[l->i], l->i == name))
            l->i++;
        name_end = l->i;
        if (l->i == name) {
            sb_addc(out, '$');
            return 0;
        }
    } else {
        name = ++l->i;
        while (name_char(s[l->i], l->i == name))
            l->i++;
        name_end = l->i;
        if (l->i == name)
            return df_fail(l->in, at, "bad substitution: '${' needs a name");
        if (s[l->i] == ':' && (s[l->i + 1] == '-' || s[l->i + 1] == '+')) {
            memcpy(op, s + l->i, 2);
            l->i += 2;
        } else if (s[l->i] == '-' || s[l->i] == '+') {
            op[0] = s[l->i++];
        } else if (s[l->i] != '}') {
            return df_fail(l->in, l->i,
                           "bad substitution: only ${NAME}, ${NAME:-word} "
                           "and ${NAME:+word} are known");
        }
        if (op[0] && lex_run(l, '}', false, NULL, &word) == -1) {
            free(word.s);
            return -1;
        }
        if (s[l->i] != '}') {
            free(word.s);
            return df_fail(l->in, at, "missing '}' of this '${'");
        }
        l->i++;
    }
    if (!l->lookup) { /* checking only: keep it as written */
        sb_add(out, s + at, (size_t)(l->i - at));
        free(word.s);
        return 0;
    }
    snprintf(var, sizeof(var), "%.*s", name_end - name, s + name);
    value = l->lookup(var, l->arg);
    if (!strcmp(op, ":-") && !(value && *value))
        value = word.s ? word.s : "";
    else if (!strcmp(op, "-") && !value)
        value = word.s ? word.s : "";
    else if (!strcmp(op, ":+"))
        value = value && *value ? (word.s ? word.s : "") : "";
    else if (!strcmp(op, "+"))
        value = value ? (word.s ? word.s : "") : "";
    if (value)
        sb_add(out, value, strlen(value));
    free(word.s);
    return 0;
}

/* From l->i to the end of the line, or to an unquoted `stop`: words into
 * out (split) or everything into one. */
static int
lex_run(struct lex *l, char stop, bool split, struct df_words *out,
        struct sb *one)
{
    struct sb word = {0};
    bool in_word = false;
    int start = l->i;
    const char *s = l->s;

    while (s[l->i] && !(stop && s[l->i] == stop)) {
        char c = s[l->i];
        struct sb *cur = split ? &word : one;
        if (split && isspace((unsigned char)c)) {
            if (in_word)
                words_add(out, &word, start);
            in_word = false;
            l->i++;
            continue;
        }
        if (!in_word) {
            in_word = true;
            start = l->i;
            if (!split && !one->s)
                sb_add(one, "", 0);
        }
        if (c == l->esc) { /* the next character as it is */
            if (s[l->i + 1])
                l->i++;
            sb_addc(cur, s[l->i++]);
        } else if (c == '\'') {
            const char *close = strchr(s + l->i + 1, '\'');
            if (!close) {
                free(word.s);
                return df_fail(l->in, l->i, "this ' is never closed");
            }
            sb_add(cur, s + l->i + 1, (size_t)(close - s - l->i - 1));
            if (!cur->s)
                sb_add(cur, "", 0);
            l->i = (int)(close - s) + 1;
        } else if (c == '"') {
            int open = l->i++;
            if (!cur->s)
                sb_add(cur, "", 0);
            while (s[l->i] && s[l->i] != '"') {
                if (s[l->i] == l->esc &&
                    (s[l->i + 1] == '"' || s[l->i + 1] == '$' ||
                     s[l->i + 1] == l->esc)) {
                    sb_addc(cur, s[l->i + 1]);
                    l->i += 2;
                } else if (s[l->i] == '$') {
                    if (lex_dollar(l, cur) == -1) {
                        free(word.s);
                        return -1;
                    }
                } else {
                    sb_addc(cur, s[l->i++]);
                }
            }
            if (!s[l->i]) {
                free(word.s);
                return df_fail(l->in, open, "this \" is never closed");
            }
            l->i++;
        } else if (c == '$') {
            if (lex_dollar(l, cur) == -1) {
                free(word.s);
                return -1;
            }
        } else {
            sb_addc(cur, s[l->i++]);
        }
    }
    if (split && in_word)
        words_add(out, &word, start);
    free(word.s);
    return 0;
}

int
df_split(const struct df_instr *in, int from, bool one_word, df_lookup lookup,
         void *arg, struct df_words *out)
{
    struct lex l = {in, in->line, from, in->df->escape, lookup, arg};
    struct sb one = {0};

    *out = (struct df_words){0};
    while (isspace((unsigned char)l.s[l.i]))
        l.i++;
    if (lex_run(&l, 0, !one_word, out, &one) == -1) {
        free(one.s);
        df_words_free(out);
        return -1;
    }
    if (one_word && one.s) {
        while (one.len && isspace((unsigned char)one.s[one.len - 1]))
            one.s[--one.len] = '\0';
        words_add(out, &one, from);
    }
    return 0;
}

char *
df_expand(const struct df_instr *in, const char *s, df_lookup lookup, void *arg)
{
    struct df_instr copy = *in;
    struct df_words w;
    char *r;

    copy.line = (char *)s;
    if (df_split(&copy, 0, true, lookup, arg, &w) == -1)
        return NULL;
    r = w.n ? strdup(w.w[0]) : strdup("");
    df_words_free(&w);
    return r;
}

/* ENV and LABEL: NAME=VALUE..., or the old form NAME VALUE (the rest of
 * the line is the value); ARG: NAME or NAME=DEFAULT... Each word of out
 * is "NAME=VALUE", or "NAME" for an ARG without a default. */
int
df_pairs(const struct df_instr *in, df_lookup lookup, void *arg,
         struct df_words *out)
{
    struct df_words raw, rest;
    bool arg_kind = !strcmp(in->keyword, "ARG");
    int rc = 0;

    if (df_split(in, in->args, false, NULL, NULL, &raw) == -1)
        return -1;
    if (df_split(in, in->args, false, lookup, arg, out) == -1) {
        df_words_free(&raw);
        return -1;
    }
    if (!arg_kind && raw.n >= 2 && !strchr(raw.w[0], '=')) {
        /* the old form: ENV NAME the value, spaces and all */
        struct sb kv = {0};
        if (df_split(in, raw.off[1], true, lookup, arg, &rest) == -1) {
            df_words_free(&raw);
            df_words_free(out);
            return -1;
        }
        sb_add(&kv, out->w[0], strlen(out->w[0]));
        sb_addc(&kv, '=');
        sb_add(&kv, rest.w[0], strlen(rest.w[0]));
        df_words_free(&rest);
        df_words_free(out);
        words_add(out, &kv, raw.off[0]);
    } else {
        for (int i = 0; rc == 0 && i < raw.n; i++)
            if (!arg_kind && !strchr(raw.w[i], '='))
                rc = df_fail(in, raw.off[i],
                             "%s: '%s' is not NAME=VALUE (the old form "
                             "NAME VALUE sets one variable only)",
                             in->keyword, raw.w[i]);
    }
    df_words_free(&raw);
    if (rc == -1)
        df_words_free(out);
    return rc;
}

/* ---- the parse functions, one per kind of instruction ------------------- */

/* The arguments as words, checked for syntax only. */
static int
check_words(struct df_instr *in, struct df_words *w)
{
    return df_split(in, in->args, false, NULL, NULL, w);
}

/* ["prog", "arg"]: the JSON form. It is meant when the arguments start
 * with '[' and then '"' or ']' (so `RUN [ -f x ]` stays a shell test);
 * then it must parse, or it is an error: buildkit would quietly run it
 * as a shell command instead, which is never what was meant. Returns 1
 * when it is the JSON form, 0 when not, -1 when it is broken. */
static int
parse_json_form(struct df_instr *in)
{
    const char *s = in->line + in->args;
    size_t skip = strspn(s + 1, " \t"), len = strlen(s);
    struct json_tokener *tok;
    json_object *a;
    size_t end;

    if (s[0] != '[' || (s[1 + skip] != '"' && s[1 + skip] != ']'))
        return 0;
    tok = json_tokener_new();
    a = json_tokener_parse_ex(tok, s, (int)len);
    end = json_tokener_get_parse_end(tok);
    if (!a) {
        enum json_tokener_error e = json_tokener_get_error(tok);
        json_tokener_free(tok);
        /* where the tokenizer stopped: the character it could not take
         * (or the end, when the text ran out first) */
        return df_fail(
            in,
            in->args + (int)(e == json_tokener_continue && end ? end - 1 : end),
            "%s: bad JSON in the exec form: %s (give [\"prog\", "
            "\"arg\"], or the shell form without '[')",
            in->keyword,
            e == json_tokener_continue ? "it ends too early"
                                       : json_tokener_error_desc(e));
    }
    json_tokener_free(tok);
    if (s[end + strspn(s + end, " \t")]) {
        json_object_put(a);
        return df_fail(in, in->args + (int)end,
                       "%s: something follows the JSON array", in->keyword);
    }
    if (!json_object_is_type(a, json_type_array)) {
        json_object_put(a);
        return df_fail(in, in->args, "%s: the exec form is a JSON array",
                       in->keyword);
    }
    in->argc = (int)json_object_array_length(a);
    in->argv = calloc((size_t)in->argc + 1, sizeof(char *));
    for (int i = 0; i < in->argc; i++) {
        json_object *v = json_object_array_get_idx(a, (size_t)i);
        if (!json_object_is_type(v, json_type_string)) {
            json_object_put(a);
            return df_fail(in, in->args,
                           "%s: element %d of the JSON array is not a "
                           "string",
                           in->keyword, i);
        }
        in->argv[i] = strdup(json_object_get_string(v));
    }
    json_object_put(a);
    in->exec_form = true;
    return 1;
}

/* FROM image [AS name] */
static int
parse_from(struct df_instr *in)
{
    struct df_words w;
    int rc = 0;

    if (check_words(in, &w) == -1)
        return -1;
    if (w.n != 1 && !(w.n == 3 && !strcasecmp(w.w[1], "AS")))
        rc = df_fail(in, w.n > 1 ? w.off[1] : in->args,
                     "FROM takes an image and, optionally, AS NAME");
    df_words_free(&w);
    return rc;
}

/* RUN, CMD, ENTRYPOINT: the exec form, or a shell command. */
static int
parse_command(struct df_instr *in)
{
    int json = parse_json_form(in);

    if (json == -1)
        return -1;
    if (!json && !in->line[in->args])
        return df_fail(in, in->args, "%s needs a command", in->keyword);
    return 0;
}

/* COPY and ADD: SRC... DEST, or ["SRC", ..., "DEST"]. */
static int
parse_copy(struct df_instr *in)
{
    struct df_words w;
    int json = parse_json_form(in), n;

    if (json == -1)
        return -1;
    if (json) {
        n = in->argc;
    } else {
        if (check_words(in, &w) == -1)
            return -1;
        n = w.n;
        df_words_free(&w);
    }
    if (n < 2)
        return df_fail(in, in->args, "%s needs a source and a destination",
                       in->keyword);
    return 0;
}

/* ENV, LABEL: NAME=VALUE..., or the old form NAME VALUE. ARG: NAME or
 * NAME=DEFAULT, one or more. */
static int
parse_pairs(struct df_instr *in)
{
    struct df_words w;
    int rc = 0;

    if (check_words(in, &w) == -1)
        return -1;
    if (w.n == 0)
        rc = df_fail(in, in->args, "%s needs NAME=VALUE", in->keyword);
    else if (strcmp(in->keyword, "ARG") && !strchr(w.w[0], '=') && w.n < 2)
        rc = df_fail(in, in->args, "%s needs NAME=VALUE (or NAME VALUE)",
                     in->keyword);
    for (int i = 0; rc == 0 && i < w.n; i++)
        if (w.w[i][0] == '=' && (i == 0 || strchr(w.w[0], '=')))
            rc = df_fail(in, w.off[i], "%s: a name is missing before '='",
                         in->keyword);
    df_words_free(&w);
    return rc;
}

/* WORKDIR, USER: exactly one word. */
static int
parse_one(struct df_instr *in)
{
    struct df_words w;
    int rc = 0;

    if (check_words(in, &w) == -1)
        return -1;
    if (w.n != 1)
        rc = df_fail(in, w.n ? w.off[1] : in->args,
                     "%s takes exactly one argument", in->keyword);
    df_words_free(&w);
    return rc;
}

/* EXPOSE PORT[/PROTO]... */
static int
parse_words(struct df_instr *in)
{
    struct df_words w;
    int rc = 0;

    if (check_words(in, &w) == -1)
        return -1;
    if (w.n == 0)
        rc = df_fail(in, in->args, "%s needs an argument", in->keyword);
    df_words_free(&w);
    return rc;
}

/* The table: what each instruction is, its flags, its parse function. */
static const struct {
    const char *keyword;
    const char *flags; /* the --flags it takes */
    int (*parse)(struct df_instr *in);
} kinds[] = {
    {"FROM", "", parse_from},
    {"ARG", "", parse_pairs},
    {"RUN", "", parse_command},
    {"CMD", "", parse_command},
    {"ENTRYPOINT", "", parse_command},
    {"COPY", "--from --chown --chmod", parse_copy},
    {"ADD", "--chown --chmod", parse_copy},
    {"ENV", "", parse_pairs},
    {"LABEL", "", parse_pairs},
    {"WORKDIR", "", parse_one},
    {"USER", "", parse_one},
    {"EXPOSE", "", parse_words},
};

/* Docker knows these; minictr build does not do them (yet). */
static const char *const not_here[] = {
    "HEALTHCHECK", "ONBUILD",    "SHELL", "STOPSIGNAL",
    "VOLUME",      "MAINTAINER", NULL,
};

/* Is --name one of the flags in list ("--from --chown")? */
static bool
takes_flag(const char *list, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = strstr(list, "--"); p; p = strstr(p + 2, "--"))
        if (!strncmp(p + 2, name, len) && (p[2 + len] == ' ' || !p[2 + len]))
            return len > 0;
    return false;
}

/* The keyword, the flags, then the kind's own parse function. */
static int
parse_instruction(struct df_instr *in)
{
    const char *s = in->line;
    int klen = (int)strcspn(s, " \t"), i, kind = -1;
    char word[32];

    snprintf(word, sizeof(word), "%.*s", klen, s);
    for (i = 0; i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
        if (!strcasecmp(word, kinds[i].keyword))
            kind = i;
    if (kind == -1) {
        for (i = 0; not_here[i]; i++)
            if (!strcasecmp(word, not_here[i]))
                return df_fail(in, 0,
                               "minictr build does not support '%s' (it "
                               "does FROM, RUN, COPY, ADD, WORKDIR, ENV, "
                               "ARG, USER, CMD, ENTRYPOINT, EXPOSE, LABEL)",
                               word);
        return df_fail(in, 0, "unknown instruction '%.*s'", klen, s);
    }
    in->keyword = kinds[kind].keyword;
    i = klen + (int)strspn(s + klen, " \t");
    /* --name=value flags, before the arguments */
    while (!strncmp(s + i, "--", 2)) {
        int len = (int)strcspn(s + i, " \t");
        const char *eq = memchr(s + i, '=', (size_t)len);
        struct df_flag *f = &in->flags[in->nflags];
        int nlen = eq ? (int)(eq - s - i - 2) : len - 2;
        char name[64];
        snprintf(name, sizeof(name), "%.*s", nlen, s + i + 2);
        if (!takes_flag(kinds[kind].flags, name))
            return df_fail(in, i, "%s has no flag '--%s' (%s%s)", in->keyword,
                           name,
                           *kinds[kind].flags ? "it takes: " : "it takes none",
                           kinds[kind].flags);
        if (!eq || eq + 1 == s + i + len)
            return df_fail(in, i, "--%s needs a value: --%s=VALUE", name, name);
        if (in->nflags == DF_MAX_FLAGS)
            return df_fail(in, i, "too many flags");
        snprintf(f->name, sizeof(f->name), "%.15s", name);
        f->value = strndup(eq + 1, (size_t)(s + i + len - eq - 1));
        f->off = i;
        in->nflags++;
        i += len + (int)strspn(s + i + len, " \t");
    }
    in->args = i;
    return kinds[kind].parse(in);
}

/* ---- pass 1: logical lines --------------------------------------------- */

/* "# escape=`" (or "# syntax=..."): 1 if line is a directive we took, 0
 * if it is not one (directives end there), -1 bad. */
static int
directive(struct dockerfile *df, const char *line, int lineno,
          bool *seen_escape)
{
    char name[32], value[256];

    if (sscanf(line, "# %31[a-zA-Z] = %255s", name, value) != 2 &&
        sscanf(line, "#%31[a-zA-Z]=%255s", name, value) != 2)
        return 0;
    if (!strcasecmp(name, "syntax") || !strcasecmp(name, "check"))
        return 1; /* buildkit's: a frontend image, lint checks; not ours */
    if (strcasecmp(name, "escape"))
        return 0;
    if (*seen_escape || (strcmp(value, "\\") && strcmp(value, "`"))) {
        mc_error_code("bad_dockerfile");
        return ct_fail("%s:%d:1: the escape directive takes \\ or ` (once)",
                       df->name, lineno);
    }
    *seen_escape = true;
    df->escape = value[0];
    return 1;
}

/* The logical line in `text` becomes an instruction. */
static int
add_instruction(struct dockerfile *df, struct sb *text, struct df_seg *seg,
                int nseg)
{
    struct df_instr *in;

    df->ins = realloc(df->ins, sizeof(*df->ins) * (size_t)(df->n + 1));
    in = &df->ins[df->n++];
    *in = (struct df_instr){.df = df, .line = text->s, .nseg = nseg};
    in->seg = malloc(sizeof(*seg) * (size_t)nseg);
    memcpy(in->seg, seg, sizeof(*seg) * (size_t)nseg);
    *text = (struct sb){0};
    return parse_instruction(in);
}

int
dockerfile_parse(struct dockerfile *df, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    struct sb logical = {0};
    struct df_seg seg[256];
    int nseg = 0, lineno = 0, rc = 0;
    bool directives = true, cont = false, seen_escape = false;

    df->escape = '\\';
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        p += 3; /* a UTF-8 byte order mark */
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), lead, from;
        char *line = strndup(p, n);
        p = nl ? nl + 1 : end;
        lineno++;
        while (n && isspace((unsigned char)line[n - 1]))
            line[--n] = '\0';
        lead = strspn(line, " \t");
        if (directives) {
            rc = directive(df, line + lead, lineno, &seen_escape);
            if (rc != 0) {
                free(line);
                rc = rc == 1 ? 0 : -1;
                continue;
            }
            directives = false;
        }
        if (lead == n || line[lead] == '#') { /* blank or a comment */
            free(line);
            continue;
        }
        /* The first piece starts at the keyword; a continued one keeps
         * its indentation, as Docker prints it. */
        from = cont ? 0 : lead;
        if (nseg < (int)(sizeof(seg) / sizeof(seg[0])))
            seg[nseg++] =
                (struct df_seg){(int)logical.len, lineno, (int)from + 1};
        cont = line[n - 1] == df->escape;
        sb_add(&logical, line + from, n - from - (cont ? 1 : 0));
        if (!logical.s)
            sb_add(&logical, "", 0);
        free(line);
        if (!cont) {
            rc = add_instruction(df, &logical, seg, nseg);
            nseg = 0;
        }
    }
    if (rc == 0 && cont) /* the file ends inside a continued line */
        rc = add_instruction(df, &logical, seg, nseg);
    free(logical.s);
    if (rc == 0 && df->n == 0) {
        mc_error_code("bad_dockerfile");
        rc = ct_fail("%s: no instructions in it", df->name);
    }
    return rc;
}

void
dockerfile_free(struct dockerfile *df)
{
    for (int i = 0; i < df->n; i++) {
        struct df_instr *in = &df->ins[i];
        free(in->line);
        free(in->seg);
        for (int f = 0; f < in->nflags; f++)
            free(in->flags[f].value);
        for (int a = 0; a < in->argc; a++)
            free(in->argv[a]);
        free(in->argv);
    }
    free(df->ins);
    df->ins = NULL;
    df->n = 0;
}
