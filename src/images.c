/*
 * images.c: `minictr import`, `images`, `rmi` — an image is a directory.
 *
 * An image is what step 04 unpacks from a `docker export` tarball, kept in
 * MINICTR_ROOT/images/NAME/rootfs (default /var/lib/minictr) and used
 * read-only as the lower layer of every container made from it (step 07).
 * Beside it, config.json holds its defaults in the OCI image config's
 * format ({"config": {"Cmd", "Entrypoint", "Env", "WorkingDir", "User"}}),
 * from `import --change 'CMD ["sh"]'`: what `run IMAGE` uses when its own
 * flags do not say.
 *
 * The unpacking itself is src/unpack/unpack.c, a program of its own
 * (minictr-unpack) so that `minictr run` never loads libarchive. It unpacks
 * into a temporary directory that is renamed into place at the end, so a
 * corrupt or truncated tarball leaves nothing behind.
 *
 * Read: rename(2), and src/unpack/unpack.c.
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

bool
mc_valid_name(const char *name)
{
    size_t len = strlen(name);
    return len > 0 && len < 64 && name[0] != '.' && name[0] != '-' &&
        strspn(name,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_.-") == len;
}

int
image_rootfs(const char *name, char *buf, size_t size)
{
    struct stat st;

    if (!mc_valid_name(name)) {
        mc_error_code("no_such_image");
        return ct_fail("bad image name '%s'", name);
    }
    snprintf(buf, size, "%s/images/%s/rootfs", mc_lib_dir(), name);
    if (stat(buf, &st) == -1 || !S_ISDIR(st.st_mode)) {
        mc_error_code("no_such_image");
        ct_set_hint("import it first: minictr import FILE.tar NAME (the "
                    "built-in one: minictr import build/images/busybox "
                    "busybox)");
        return ct_fail("no image '%s' (see 'minictr images')", name);
    }
    return 0;
}

/* Run minictr-unpack (it sits beside this program) to fill `rootfs`. Its
 * warnings are passed on; its last line is the error. */
static int
run_unpacker(const char *source, const char *rootfs)
{
    char self[4096], helper[4200], buf[8192], *line, *last = NULL, *save;
    int fds[2], status;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n == -1)
        return ct_fail_errno("readlink /proc/self/exe");
    self[n] = '\0';
    snprintf(helper, sizeof(helper), "%.*s/minictr-unpack",
             (int)(strrchr(self, '/') - self), self);
    if (access(helper, X_OK) == -1) {
        ct_set_hint("build it: make bin/minictr-unpack (it must sit beside "
                    "minictr)");
        return ct_fail_errno("find the unpacker '%s'", helper);
    }
    if (pipe2(fds, O_CLOEXEC) == -1)
        return ct_fail_errno("pipe2");
    ct_trace(NULL, "fork, execve(\"%s\", [\"%s\", \"%s\"])", helper, source,
             rootfs);
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        return ct_fail_errno("fork");
    if (pid == 0) {
        dup2(fds[1], 2);
        execl(helper, "minictr-unpack", source, rootfs, (char *)NULL);
        fprintf(stderr, "exec '%s' failed: %s\n", helper, strerror(errno));
        _exit(CT_EXIT_FAILURE);
    }
    close(fds[1]);
    while (len < sizeof(buf) - 1 &&
           (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    for (line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(line, "warning: ", 9))
            fprintf(stderr, "minictr: import: %s\n", line + 9);
        else
            last = line;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    mc_error_code(WIFEXITED(status) && WEXITSTATUS(status) == CT_EXIT_INPUT
                      ? "bad_archive"
                      : "failed");
    return ct_fail("import '%s': %s", source, last ? last : "unpack failed");
}

static int
write_meta(const char *dir, const char *name, const char *source)
{
    char path[4300];
    json_object *o = json_object_new_object();
    int rc;

    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "source", json_object_new_string(source));
    json_object_object_add(o, "created",
                           json_object_new_int64((int64_t)time(NULL)));
    snprintf(path, sizeof(path), "%s/image.json", dir);
    rc = json_object_to_file_ext(
        path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    json_object_put(o);
    return rc == -1 ? ct_fail("write '%s'", path) : 0;
}

/* ---- image defaults: import --change --------------------------------- */

/* CMD ["a", "b"] (the exec form: JSON) or CMD a b (the shell form: run by
 * /bin/sh -c), as a Dockerfile reads them. */
static json_object *
command_form(const char *arg)
{
    json_object *a;

    if (arg[0] == '[') {
        a = json_tokener_parse(arg);
        if (!a || !json_object_is_type(a, json_type_array)) {
            json_object_put(a);
            return NULL;
        }
        for (size_t i = 0; i < json_object_array_length(a); i++)
            if (!json_object_is_type(json_object_array_get_idx(a, i),
                                     json_type_string)) {
                json_object_put(a);
                return NULL;
            }
        return a;
    }
    a = json_object_new_array();
    json_object_array_add(a, json_object_new_string("/bin/sh"));
    json_object_array_add(a, json_object_new_string("-c"));
    json_object_array_add(a, json_object_new_string(arg));
    return a;
}

/* One --change line into the config object. */
int
image_apply_change(json_object *cfg, const char *change)
{
    char word[32] = "";
    const char *arg;
    json_object *v, *env;

    sscanf(change, "%31s", word);
    for (char *p = word; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    arg = change + strcspn(change, " \t");
    arg += strspn(arg, " \t");
    if (!*arg)
        return mc_usage_error("--change '%s': %s needs an argument", change,
                              word);
    if (!strcmp(word, "CMD") || !strcmp(word, "ENTRYPOINT")) {
        v = command_form(arg);
        if (!v)
            return mc_usage_error("--change '%s': give %s [\"prog\", "
                                  "\"arg\"] or %s prog arg",
                                  change, word, word);
        json_object_object_add(cfg, !strcmp(word, "CMD") ? "Cmd" : "Entrypoint",
                               v);
    } else if (!strcmp(word, "ENV")) {
        char kv[4096];
        const char *eq = strchr(arg, '='), *sp = strpbrk(arg, " \t");
        if (eq && (!sp || eq < sp))
            snprintf(kv, sizeof(kv), "%s", arg); /* ENV K=V */
        else if (sp) /* ENV K V */
            snprintf(kv, sizeof(kv), "%.*s=%s", (int)(sp - arg), arg,
                     sp + strspn(sp, " \t"));
        else
            return mc_usage_error("--change '%s': give ENV KEY=VALUE", change);
        if (!json_object_object_get_ex(cfg, "Env", &env)) {
            env = json_object_new_array();
            json_object_object_add(cfg, "Env", env);
        }
        json_object_array_add(env, json_object_new_string(kv));
    } else if (!strcmp(word, "WORKDIR")) {
        if (arg[0] != '/')
            return mc_usage_error("--change '%s': WORKDIR takes an absolute "
                                  "path",
                                  change);
        json_object_object_add(cfg, "WorkingDir", json_object_new_string(arg));
    } else if (!strcmp(word, "USER")) {
        json_object_object_add(cfg, "User", json_object_new_string(arg));
    } else {
        return mc_usage_error("--change '%s': minictr knows CMD, ENTRYPOINT, "
                              "ENV, WORKDIR and USER",
                              change);
    }
    return 0;
}

/* config.json: the OCI image config, with only what minictr uses. */
static int
write_config(const char *dir, json_object *cfg)
{
    char path[4300];
    json_object *o = json_object_new_object();
    int rc;

    json_object_object_add(o, "architecture", json_object_new_string("amd64"));
    json_object_object_add(o, "os", json_object_new_string("linux"));
    json_object_object_add(o, "config", json_object_get(cfg));
    snprintf(path, sizeof(path), "%s/config.json", dir);
    rc = json_object_to_file_ext(
        path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    json_object_put(o);
    return rc == -1 ? ct_fail("write '%s'", path) : 0;
}

static char **
string_list(json_object *cfg, const char *key)
{
    json_object *a;
    char **list;
    size_t n;

    if (!json_object_object_get_ex(cfg, key, &a) ||
        !json_object_is_type(a, json_type_array))
        return NULL;
    n = json_object_array_length(a);
    list = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        list[i] =
            strdup(json_object_get_string(json_object_array_get_idx(a, i)));
    return list;
}

int
image_config_load(const char *name, struct image_config *ic)
{
    char path[4096];
    json_object *o, *cfg, *v;

    memset(ic, 0, sizeof(*ic));
    snprintf(path, sizeof(path), "%s/images/%s/config.json", mc_lib_dir(),
             name);
    if (access(path, F_OK) == -1)
        return 0; /* no defaults */
    o = json_object_from_file(path);
    if (!o)
        return ct_fail("image '%s': '%s' is not JSON", name, path);
    if (json_object_object_get_ex(o, "config", &cfg)) {
        ic->entrypoint = string_list(cfg, "Entrypoint");
        ic->cmd = string_list(cfg, "Cmd");
        ic->env = string_list(cfg, "Env");
        if (json_object_object_get_ex(cfg, "WorkingDir", &v))
            ic->workdir = strdup(json_object_get_string(v));
        if (json_object_object_get_ex(cfg, "User", &v))
            ic->user = strdup(json_object_get_string(v));
    }
    json_object_put(o);
    return 0;
}

int
cmd_import(int argc, char **argv)
{
    json_object *cfg = json_object_new_object();
    int rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr import [-c|--change 'CMD [\"sh\"]']... "
                   "FILE.tar[.gz|.xz|.zst]|DIR NAME\n");
            return 0;
        }
    }
    /* --change INSTRUCTION, -c INSTRUCTION, --change=INSTRUCTION */
    for (;;) {
        const char *change;
        int used;
        if (argc > 2 &&
            (!strcmp(argv[1], "-c") || !strcmp(argv[1], "--change"))) {
            change = argv[2];
            used = 2;
        } else if (argc > 1 && !strncmp(argv[1], "--change=", 9)) {
            change = argv[1] + 9;
            used = 1;
        } else {
            break;
        }
        if (image_apply_change(cfg, change) == -1)
            return -1;
        argc -= used;
        argv += used;
    }
    if (argc != 3) {
        mc_error_code("usage");
        return ct_fail("usage: minictr import [--change INSTRUCTION]... "
                       "FILE.tar[.gz|.xz|.zst]|DIR NAME");
    }
    rc = image_import(argv[1], argv[2], cfg);
    json_object_put(cfg);
    if (rc == 0)
        printf("%s\n", argv[2]);
    return rc;
}

int
image_import(const char *source, const char *name, json_object *cfg)
{
    char images[4096], tmp[4200], final[4200], rootfs[4300];
    char abs_source[4096];
    struct stat st;
    int rc;

    if (!mc_valid_name(name)) {
        mc_error_code("usage");
        return ct_fail("bad image name '%s': letters, digits, '_', '.', "
                       "'-'",
                       name);
    }
    if (stat(source, &st) == -1) {
        mc_error_code("no_such_file");
        return ct_fail_errno("import '%s'", source);
    }
    snprintf(images, sizeof(images), "%s/images", mc_lib_dir());
    snprintf(final, sizeof(final), "%s/%s", images, name);
    if (access(final, F_OK) == 0) {
        mc_error_code("image_exists");
        return ct_fail("image '%s' exists: 'minictr rmi %s' first", name, name);
    }
    snprintf(tmp, sizeof(tmp), "%s/.import-%s-%d", images, name, gettid());
    snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp);
    if (!realpath(source, abs_source))
        return ct_fail_errno("realpath '%s'", source);
    if (ct_mkdir_p(rootfs, 0755) == -1)
        return ct_fail_errno("mkdir '%s'", rootfs);
    /* Unpack into a temporary directory, then rename it into place: a
     * failure half-way leaves nothing that looks like an image. */
    rc = run_unpacker(abs_source, rootfs);
    if (rc == 0)
        rc = write_meta(tmp, name, abs_source);
    if (rc == 0 && cfg && json_object_object_length(cfg) > 0)
        rc = write_config(tmp, cfg);
    if (rc == 0 && rename(tmp, final) == -1)
        rc = ct_fail_errno("rename '%s' to '%s'", tmp, final);
    if (rc == -1) {
        ct_rm_rf(tmp);
        return -1;
    }
    return 0;
}

int
cmd_images(int argc, char **argv)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    bool first = true;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr [--json] images\n");
        return 0;
    }
    snprintf(dir, sizeof(dir), "%s/images", mc_lib_dir());
    if (mc_json)
        printf("[");
    else
        printf("%-24s %s\n", "NAME", "SOURCE");
    d = opendir(dir);
    while (d && (e = readdir(d)) != NULL) {
        char meta[4400];
        json_object *o, *src;
        if (e->d_name[0] == '.')
            continue;
        snprintf(meta, sizeof(meta), "%s/%s/image.json", dir, e->d_name);
        o = json_object_from_file(meta);
        if (!o)
            continue;
        if (mc_json) {
            printf(
                "%s%s", first ? "" : ",",
                json_object_to_json_string_ext(
                    o,
                    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        } else {
            json_object_object_get_ex(o, "source", &src);
            printf("%-24s %s\n", e->d_name, json_object_get_string(src));
        }
        first = false;
        json_object_put(o);
    }
    if (d)
        closedir(d);
    if (mc_json)
        printf("]\n");
    return 0;
}

/* Is a container (of any status) made from this rootfs? */
static int
uses_rootfs(struct container *c, void *arg)
{
    return !strcmp(c->rootfs, arg);
}

int
image_remove(const char *name)
{
    char rootfs[4096], dir[4096];

    if (image_rootfs(name, rootfs, sizeof(rootfs)) == -1)
        return -1;
    if (state_each(uses_rootfs, rootfs)) {
        mc_error_code("image_in_use");
        return ct_fail("image '%s' is used by a container: 'minictr ps -a', "
                       "then 'minictr rm'",
                       name);
    }
    snprintf(dir, sizeof(dir), "%s/images/%s", mc_lib_dir(), name);
    if (ct_rm_rf(dir) == -1)
        return ct_fail_errno("remove '%s'", dir);
    return 0;
}

int
cmd_rmi(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: minictr rmi NAME\n");
        return 0;
    }
    if (argc != 2) {
        mc_error_code("usage");
        return ct_fail("usage: minictr rmi NAME");
    }
    if (image_remove(argv[1]) == -1)
        return -1;
    printf("%s\n", argv[1]);
    return 0;
}
