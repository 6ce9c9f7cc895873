/*
 * containers.c: ps, inspect and rm, built on the state records (state.c).
 *
 * A record says "running" while minictr waits for the container. If
 * minictr was killed (kill -9), nothing updates it: ps shows such a
 * container as "dead" (its runner is gone), and rm removes what it left —
 * its cgroup directories and its overlay directory. The mounts went with
 * the container's mount namespace.
 */
#include "minictr.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* A "running" record whose runner process is gone is dead. */
static const char *
real_status(json_object *o, const char *status)
{
    json_object *v;
    int runner;

    if (strcmp(status, "running") != 0 && strcmp(status, "created") != 0)
        return status;
    runner = json_object_object_get_ex(o, "runner_pid", &v)
        ? json_object_get_int(v)
        : 0;
    return runner > 0 && (kill(runner, 0) == 0 || errno == EPERM) ? status
                                                                  : "dead";
}

struct ps_args {
    bool all, first;
};

static int
ps_one(json_object *o, void *arg)
{
    struct ps_args *a = arg;
    struct container c;
    char status[32], cmd[256] = "";
    json_object *v;
    const char *real;

    state_from_json(o, &c, status, sizeof(status));
    real = real_status(o, status);
    if (!a->all && strcmp(real, "running") != 0)
        return 0;
    if (mc_json) {
        json_object_object_add(o, "status", json_object_new_string(real));
        printf("%s%s", a->first ? "" : ",",
               json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        a->first = false;
        return 0;
    }
    if (json_object_object_get_ex(o, "command", &v))
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            strncat(cmd, i ? " " : "", sizeof(cmd) - strlen(cmd) - 1);
            strncat(cmd,
                    json_object_get_string(json_object_array_get_idx(v, i)),
                    sizeof(cmd) - strlen(cmd) - 1);
        }
    json_object_object_get_ex(o, "image", &v);
    printf("%-16s %-20s %-12s %-8s %s\n", c.id, c.name,
           json_object_get_string(v), real, cmd);
    return 0;
}

int
cmd_ps(int argc, char **argv)
{
    struct ps_args a = {false, true};

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) {
            a.all = true;
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr [--json] ps [-a]\n");
            return 0;
        } else {
            mc_error_code("usage");
            return ct_fail("unknown option '%s' (usage: minictr ps [-a])",
                           argv[i]);
        }
    }
    if (mc_json)
        printf("[");
    else
        printf("%-16s %-20s %-12s %-8s %s\n", "ID", "NAME", "IMAGE", "STATUS",
               "COMMAND");
    state_each(ps_one, &a);
    if (mc_json)
        printf("]\n");
    return 0;
}

static int
print_record(json_object *o, void *arg)
{
    json_object *v;
    const char *key = arg;

    if (!json_object_object_get_ex(o, "name", &v) ||
        (strcmp(json_object_get_string(v), key) != 0 &&
         (!json_object_object_get_ex(o, "id", &v) ||
          strcmp(json_object_get_string(v), key) != 0)))
        return 0;
    json_object_object_get_ex(o, "status", &v);
    json_object_object_add(
        o, "status",
        json_object_new_string(real_status(o, json_object_get_string(v))));
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
    return 1;
}

int
cmd_inspect(int argc, char **argv)
{
    if (argc != 2) {
        mc_error_code("usage");
        return ct_fail("usage: minictr inspect NAME|ID");
    }
    if (!strcmp(argv[1], "--help")) {
        printf("usage: minictr inspect NAME|ID\n");
        return 0;
    }
    if (!state_each(print_record, argv[1])) {
        mc_error_code("no_such_container");
        return ct_fail("no container '%s' (see 'minictr ps -a')", argv[1]);
    }
    return 0;
}

static int
rm_one(const char *key, bool force)
{
    static struct container c;
    char status[32];

    if (state_load(key, &c, status, sizeof(status)) == -1)
        return -1;
    if (!strcmp(status, "running") || !strcmp(status, "created")) {
        /* Is its runner still there? Then it is really running. */
        struct find_runner {
            const char *id;
        } f = {c.id};
        (void)f;
        if (c.pid > 0 && kill(c.pid, 0) == 0 && !force) {
            mc_error_code("container_running");
            return ct_fail("container '%s' is running: stop it first, or "
                           "rm -f",
                           key);
        }
        if (c.pid > 0 && force)
            kill(c.pid, SIGKILL);
    }
    cgroups_remove_dirs(c.cgroups, c.ncgroups);
    if (overlay_remove(c.dir) == -1 || state_remove(c.id) == -1)
        return -1;
    printf("%s\n", c.name);
    return 0;
}

int
cmd_rm(int argc, char **argv)
{
    bool force = false;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) {
            force = true;
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: minictr rm [-f] NAME|ID...\n");
            return 0;
        }
    }
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-' && rm_one(argv[i], force) == -1)
            rc = -1;
    return rc;
}
