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
#include <time.h>

/* Is pid a live process? A zombie (killed, not yet reaped by its parent)
 * is not: kill(pid, 0) alone would say yes. */
static bool
process_alive(pid_t pid)
{
    char path[64], stat[256], *end;

    if (pid <= 0 || (kill(pid, 0) == -1 && errno != EPERM))
        return false;
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if (ct_read_file(path, stat, sizeof(stat)) == -1)
        return false;
    end = strrchr(stat, ')'); /* "pid (comm) S ...": comm may hold ')' */
    return end && end[1] == ' ' && end[2] != 'Z';
}

/* A "running" record whose runner process is gone is dead. */
static const char *
real_status(const struct container *c, const char *status)
{
    if (strcmp(status, "running") != 0 && strcmp(status, "created") != 0)
        return status;
    return process_alive(c->runner_pid) ? status : "dead";
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
    real = real_status(&c, status);
    if (!a->all && strcmp(real, "running") != 0)
        return 0;
    if (mc_json) {
        json_object_object_add(o, "status", json_object_new_string(real));
        printf("%s%s", a->first ? "" : ",",
               json_object_to_json_string_ext(
                   o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
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
    static struct container c;
    char status[32];
    const char *key = arg;

    state_from_json(o, &c, status, sizeof(status));
    if (strcmp(c.name, key) != 0 && strcmp(c.id, key) != 0)
        return 0;
    json_object_object_add(o, "status",
                           json_object_new_string(real_status(&c, status)));
    printf("%s\n",
           json_object_to_json_string_ext(
               o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
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

/* Wait up to five seconds for the runner of a killed container to finish
 * its own clean-up (it rewrites or removes the record when done). */
static void
wait_for_runner(struct container *c)
{
    struct timespec pause = {0, 10 * 1000 * 1000};

    for (int i = 0; i < 500 && process_alive(c->runner_pid); i++)
        nanosleep(&pause, NULL);
}

static int
rm_one(const char *key, bool force)
{
    static struct container c;
    char status[32];

    if (state_load(key, &c, status, sizeof(status)) == -1)
        return -1;
    if (!strcmp(real_status(&c, status), "running") ||
        !strcmp(real_status(&c, status), "created")) {
        if (!force) {
            mc_error_code("container_running");
            return ct_fail("container '%s' is running: stop it first, or "
                           "rm -f",
                           key);
        }
        kill(c.pid, SIGKILL);
        wait_for_runner(&c);
    }
    /* What a dead runner left behind (or nothing: ENOENT is fine). */
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
