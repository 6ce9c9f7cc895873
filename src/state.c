/*
 * state.c: one JSON record per container, MINICTR_STATE/ID.json (default
 * /run/minictr, a tmpfs: records vanish at reboot, as the containers do).
 *
 * Every later command (ps, inspect, rm) reads these records, so a record is
 * never seen half-written: it is written to a temporary file in the same
 * directory and renamed over the old one (rename(2) is atomic).
 *
 * JSON library: json-c (libjson-c-dev). It is in Debian and Ubuntu, small,
 * C-only, and builds and parses objects with one call each; its
 * json_object_to_file does not write atomically, hence the rename here.
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
record_path(char *buf, size_t size, const char *id)
{
    if ((size_t)snprintf(buf, size, "%s/%s.json", mc_state_dir(), id) >= size) {
        errno = ENAMETOOLONG;
        return ct_fail_errno("state path for '%s'", id);
    }
    return 0;
}

int
state_write(const struct container *c, const char *status, int exit_code)
{
    char path[4096], tmp[4200];
    json_object *o = json_object_new_object();
    json_object *cmd = json_object_new_array();
    json_object *cgroups = json_object_new_array();
    int rc = 0;

    for (char **a = c->argv; a && *a; a++)
        json_object_array_add(cmd, json_object_new_string(*a));
    for (int i = 0; i < c->ncgroups; i++)
        json_object_array_add(cgroups, json_object_new_string(c->cgroups[i]));
    json_object_object_add(o, "id", json_object_new_string(c->id));
    json_object_object_add(o, "name", json_object_new_string(c->name));
    json_object_object_add(o, "image",
                           json_object_new_string(c->image ? c->image : ""));
    json_object_object_add(o, "rootfs", json_object_new_string(c->rootfs));
    json_object_object_add(o, "dir", json_object_new_string(c->dir));
    json_object_object_add(o, "command", cmd);
    json_object_object_add(o, "status", json_object_new_string(status));
    json_object_object_add(o, "pid", json_object_new_int(c->pid));
    json_object_object_add(o, "runner_pid", json_object_new_int(c->runner_pid));
    json_object_object_add(o, "exit_code", json_object_new_int(exit_code));
    json_object_object_add(o, "created", json_object_new_int64(c->created));
    json_object_object_add(o, "cgroups", cgroups);
    json_object_object_add(o, "memory",
                           json_object_new_uint64(c->limits.memory));
    json_object_object_add(o, "cpus_millionths",
                           json_object_new_uint64(c->limits.cpus_millionths));
    json_object_object_add(o, "pids_limit",
                           json_object_new_uint64(c->limits.pids));

    if (record_path(path, sizeof(path), c->id) == -1 ||
        ct_mkdir_p(mc_state_dir(), 0700) == -1) {
        rc = ct_fail_errno("mkdir '%s'", mc_state_dir());
        goto out;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (json_object_to_file_ext(tmp, o,
                                JSON_C_TO_STRING_PRETTY |
                                    JSON_C_TO_STRING_NOSLASHESCAPE) == -1) {
        rc = ct_fail("write '%s': %s", tmp, json_util_get_last_err());
        goto out;
    }
    if (rename(tmp, path) == -1) {
        rc = ct_fail_errno("rename '%s' to '%s'", tmp, path);
        unlink(tmp);
    }
out:
    json_object_put(o);
    return rc;
}

int
state_remove(const char *id)
{
    char path[4096];

    if (record_path(path, sizeof(path), id) == -1)
        return -1;
    if (unlink(path) == -1 && errno != ENOENT)
        return ct_fail_errno("unlink '%s'", path);
    return 0;
}

static const char *
get_string(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v)
                                                 : "";
}

static void
copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

void
state_from_json(json_object *o, struct container *c, char *status, size_t size)
{
    json_object *v;

    copy(c->id, sizeof(c->id), get_string(o, "id"));
    copy(c->name, sizeof(c->name), get_string(o, "name"));
    copy(c->rootfs, sizeof(c->rootfs), get_string(o, "rootfs"));
    copy(c->dir, sizeof(c->dir), get_string(o, "dir"));
    copy(status, size, get_string(o, "status"));
    c->pid =
        json_object_object_get_ex(o, "pid", &v) ? json_object_get_int(v) : 0;
    c->runner_pid = json_object_object_get_ex(o, "runner_pid", &v)
        ? json_object_get_int(v)
        : 0;
    c->ncgroups = 0;
    if (json_object_object_get_ex(o, "cgroups", &v))
        for (size_t i = 0; i < json_object_array_length(v) && i < 8; i++)
            copy(c->cgroups[c->ncgroups++], sizeof(c->cgroups[0]),
                 json_object_get_string(json_object_array_get_idx(v, i)));
}

/* Call fn for each record until it returns non-zero; returns that. */
static int
each_record(int (*fn)(json_object *o, void *arg), void *arg)
{
    DIR *d = opendir(mc_state_dir());
    struct dirent *e;
    int rc = 0;

    if (!d)
        return 0;
    while (!rc && (e = readdir(d)) != NULL) {
        char path[4096];
        size_t len = strlen(e->d_name);
        json_object *o;

        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", mc_state_dir(), e->d_name);
        o = json_object_from_file(path);
        if (!o)
            continue;
        rc = fn(o, arg);
        json_object_put(o);
    }
    closedir(d);
    return rc;
}

struct find {
    const char *key;
    struct container *c;
    char *status;
    size_t size;
};

static int
match(json_object *o, void *arg)
{
    struct find *f = arg;

    if (strcmp(get_string(o, "name"), f->key) != 0 &&
        strcmp(get_string(o, "id"), f->key) != 0)
        return 0;
    if (f->c)
        state_from_json(o, f->c, f->status, f->size);
    return 1;
}

int
state_load(const char *name_or_id, struct container *c, char *status,
           size_t size)
{
    struct find f = {name_or_id, c, status, size};

    if (each_record(match, &f))
        return 0;
    mc_error_code("no_such_container");
    return ct_fail("no container '%s' (see 'minictr ps -a')", name_or_id);
}

bool
state_name_taken(const char *name)
{
    struct find f = {name, NULL, NULL, 0};
    return *name && each_record(match, &f);
}

int
state_each(int (*fn)(json_object *o, void *arg), void *arg)
{
    return each_record(fn, arg);
}
