/*
 * oci_state.c: where the OCI door keeps a container — ROOT/ID/, ROOT
 * being --root (containerd gives /run/containerd/runc/NAMESPACE; the
 * default is /run/minictr-oci):
 *
 *   state.json   the record: id, bundle, pids (with their start times),
 *                the cgroups (named before they are made), creation time
 *   config.json  a copy of the bundle's, taken at create: the container
 *                does not change when the bundle's does (runtime.md)
 *   exec.fifo    while it exists, the container is "created": its first
 *                process waits to open it for writing; start opens it
 *                for reading, reads one byte and removes it
 *
 * The status is not stored but asked of the kernel each time, as runc
 * does (no monitor keeps it up to date): is the first process alive — the
 * pid, and the start time it had at create, for a pid may be reused — and
 * not a zombie? Is the FIFO still there? Is its cgroup frozen?
 *
 *   creating  create is still at work (its pid is alive)
 *   created   alive, the FIFO there
 *   running   alive, the FIFO gone
 *   paused    running, the cgroup frozen
 *   stopped   anything else: exited, killed, or a create that died
 *
 * Read: runtime-spec runtime.md "State", fifo(7), proc(5) /proc/PID/stat.
 * Try:  sudo minictr-oci list; sudo jq . /run/minictr-oci/ID/state.json
 */
#include "minictr.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
oci_state_path(char *buf, size_t size, const struct oci_spec *s,
               const char *file)
{
    if ((size_t)snprintf(buf, size, "%s/%s", s->state_dir, file) >= size) {
        errno = ENAMETOOLONG;
        return ct_fail_errno("state path in '%s'", s->state_dir);
    }
    return 0;
}

static json_object *
string_list(char (*list)[512], int n)
{
    json_object *a = json_object_new_array();

    for (int i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(list[i]));
    return a;
}

/* Written to state.json.PID.tmp, then renamed: never seen half-written. */
int
oci_state_write(const struct container *c)
{
    const struct oci_spec *s = c->spec;
    json_object *o = json_object_new_object();
    char path[4200], tmp[4300], created[64];
    int rc = 0;

#define ADD(key, value) json_object_object_add(o, key, value)
    ADD("ociVersion", json_object_new_string("1.0.2"));
    ADD("id", json_object_new_string(s->id));
    ADD("status", json_object_new_string(c->status));
    ADD("pid", json_object_new_int(c->pid));
    ADD("pid_start", json_object_new_uint64(s->pid_start));
    ADD("creator_pid", json_object_new_int(c->monitor_pid));
    ADD("creator_start", json_object_new_uint64(s->creator_start));
    ADD("bundle", json_object_new_string(s->bundle));
    ADD("rootfs", json_object_new_string(s->root ? s->root : ""));
    mc_format_time(c->created_ns, created, sizeof(created));
    ADD("created", json_object_new_string(created));
    ADD("owner", json_object_new_string(""));
    ADD("annotations",
        json_tokener_parse(s->annotations_json ? s->annotations_json : "{}"));
    ADD("cgroups", string_list((char(*)[512])c->cgroups, c->ncgroups));
    ADD("cgroup_parents",
        string_list((char(*)[512])s->cgroup_parents, s->ncgroup_parents));
#undef ADD
    if (oci_state_path(path, sizeof(path), s, "state.json") == -1) {
        json_object_put(o);
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
    if (json_object_to_file_ext(tmp, o,
                                JSON_C_TO_STRING_PRETTY |
                                    JSON_C_TO_STRING_NOSLASHESCAPE) == -1)
        rc = ct_fail("write '%s': %s", tmp, json_util_get_last_err());
    else if (rename(tmp, path) == -1) {
        rc = ct_fail_errno("rename '%s' to '%s'", tmp, path);
        unlink(tmp);
    }
    json_object_put(o);
    return rc;
}

static const char *
get_str(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) &&
            json_object_is_type(v, json_type_string)
        ? json_object_get_string(v)
        : "";
}

static int64_t
get_num(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) &&
            json_object_is_type(v, json_type_int)
        ? json_object_get_int64(v)
        : 0;
}

static void
get_list(json_object *o, const char *key, char (*list)[512], int *n, int max)
{
    json_object *a;

    *n = 0;
    if (!json_object_object_get_ex(o, key, &a) ||
        !json_object_is_type(a, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(a) && *n < max; i++)
        snprintf(list[(*n)++], 512, "%s",
                 json_object_get_string(json_object_array_get_idx(a, i)));
}

int
oci_state_load(const char *root, const char *id, struct container *c,
               struct oci_spec *s)
{
    char dir[4200], path[4300];
    json_object *o;

    snprintf(dir, sizeof(dir), "%s/%s", root, id);
    snprintf(path, sizeof(path), "%s/state.json", dir);
    o = json_object_from_file(path);
    if (!o) {
        mc_error_code("no_such_container");
        return ct_fail("container '%s' does not exist (in '%s')", id, root);
    }
    /* The container as it was made: the copy of config.json. */
    snprintf(path, sizeof(path), "%s/config.json", dir);
    if (oci_config_load(path, get_str(o, "bundle"), c, s, true) == -1) {
        json_object_put(o);
        return -1;
    }
    s->id = strdup(id);
    s->state_dir = strdup(dir);
    if (*get_str(o, "rootfs")) /* the real path create found */
        s->root = strdup(get_str(o, "rootfs"));
    snprintf(c->status, sizeof(c->status), "%s", get_str(o, "status"));
    c->pid = (pid_t)get_num(o, "pid");
    s->pid_start = (uint64_t)get_num(o, "pid_start");
    c->monitor_pid = (pid_t)get_num(o, "creator_pid");
    s->creator_start = (uint64_t)get_num(o, "creator_start");
    c->created_ns = mc_parse_time(get_str(o, "created"));
    get_list(o, "cgroups", c->cgroups, &c->ncgroups, MC_MAX_CGROUPS);
    get_list(o, "cgroup_parents", s->cgroup_parents, &s->ncgroup_parents,
             (int)(sizeof(s->cgroup_parents) / sizeof(s->cgroup_parents[0])));
    json_object_put(o);
    snprintf(c->id, sizeof(c->id), "%.64s", id);
    snprintf(c->name, sizeof(c->name), "%.63s", id);
    return 0;
}

/* Is pid the process that had this start time, and not a zombie? */
static bool
alive(pid_t pid, uint64_t start)
{
    char st;
    uint64_t now;

    return pid > 0 && mc_pid_stat(pid, &st, &now) == 0 && now == start &&
        st != 'Z' && st != 'X';
}

const char *
oci_state_status(const struct container *c)
{
    /* LAB oci.2: the status from the pid, the FIFO and the freezer */
    char fifo[4300];

    if (!strcmp(c->status, "creating"))
        return alive(c->monitor_pid, c->spec->creator_start) ? "creating"
                                                             : "stopped";
    if (!alive(c->pid, c->spec->pid_start))
        return "stopped";
    if (oci_state_path(fifo, sizeof(fifo), c->spec, "exec.fifo") == 0 &&
        access(fifo, F_OK) == 0)
        return "created";
    return cgroups_frozen(c) ? "paused" : "running";
    /* END LAB */
}

/* The runtime-spec state (runtime.md "State"), as `state` prints it. */
char *
oci_state_json(const struct container *c)
{
    const char *status = oci_state_status(c);
    json_object *o = json_object_new_object();
    char created[64], *out;
    bool has_pid = strcmp(status, "stopped") && strcmp(status, "creating");

    json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
    json_object_object_add(o, "id", json_object_new_string(c->spec->id));
    json_object_object_add(o, "pid", json_object_new_int(has_pid ? c->pid : 0));
    json_object_object_add(o, "status", json_object_new_string(status));
    json_object_object_add(o, "bundle",
                           json_object_new_string(c->spec->bundle));
    json_object_object_add(o, "rootfs", json_object_new_string(c->spec->root));
    mc_format_time(c->created_ns, created, sizeof(created));
    json_object_object_add(o, "created", json_object_new_string(created));
    json_object_object_add(o, "owner", json_object_new_string(""));
    json_object_object_add(o, "annotations",
                           json_tokener_parse(c->spec->annotations_json));
    out = strdup(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return out;
}
