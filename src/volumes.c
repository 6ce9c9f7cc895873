/*
 * volumes.c: named volumes — directories minictr keeps for containers,
 * which outlive them: MINICTR_ROOT/volumes/NAME/_data (Docker's layout).
 *
 *   minictr volume create [NAME]     (a random name when none is given)
 *   minictr volume ls | inspect NAME... | rm [-f] NAME...
 *   minictr run -v NAME:/data ...    (made on first use, as Docker does)
 *
 * A volume is bind-mounted into the container like a host directory
 * (pivot_root.c); the difference is only who owns the directory. `rm`
 * refuses a volume that a container — running or not — still names, as
 * Docker does: its data would vanish under it.
 */
#include "minictr.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int
volume_path(const char *name, bool create, char *buf, size_t size)
{
    struct stat st;

    if (!name || !mc_valid_name(name)) {
        mc_error_code("usage");
        return ct_fail("bad volume name '%s': letters, digits, '_', '.', '-'",
                       name ? name : "");
    }
    snprintf(buf, size, "%s/volumes/%s/_data", mc_lib_dir(), name);
    if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (!create) {
        mc_error_code("no_such_volume");
        return ct_fail("no volume '%s' (see 'minictr volume ls')", name);
    }
    ct_trace(NULL, "mkdir -p %s", buf);
    if (ct_mkdir_p(buf, 0755) == -1)
        return ct_fail_errno("mkdir volume '%s'", buf);
    return 0;
}

struct users {
    const char *name;
    char who[64];
    int n;
};

static int
uses_volume(struct container *c, void *arg)
{
    struct users *u = arg;

    for (int i = 0; i < c->nmounts; i++)
        if (c->mounts[i].type == MOUNT_VOLUME && c->mounts[i].source &&
            !strcmp(c->mounts[i].source, u->name)) {
            if (!u->n++)
                snprintf(u->who, sizeof(u->who), "%s", c->name);
        }
    return 0;
}

static int
volume_create(int argc, char **argv)
{
    char path[4096], name[64];

    if (argc > 2)
        return mc_usage_error("usage: minictr volume create [NAME]");
    if (argc == 2) {
        snprintf(name, sizeof(name), "%s", argv[1]);
    } else {
        unsigned char raw[16];
        if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
            return ct_fail_errno("getrandom");
        for (int i = 0; i < 16; i++)
            snprintf(name + 2 * i, 3, "%02x", raw[i]);
    }
    if (volume_path(name, true, path, sizeof(path)) == -1)
        return -1;
    printf("%s\n", name);
    return 0;
}

static json_object *
volume_json(const char *name)
{
    json_object *o = json_object_new_object();
    char path[4096];
    struct users u = {.name = name};

    snprintf(path, sizeof(path), "%s/volumes/%s/_data", mc_lib_dir(), name);
    state_each(uses_volume, &u);
    json_object_object_add(o, "Name", json_object_new_string(name));
    json_object_object_add(o, "Driver", json_object_new_string("local"));
    json_object_object_add(o, "Mountpoint", json_object_new_string(path));
    json_object_object_add(o, "InUse", json_object_new_int(u.n));
    return o;
}

static int
volume_ls(void)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    bool first = true;

    snprintf(dir, sizeof(dir), "%s/volumes", mc_lib_dir());
    d = opendir(dir);
    if (mc_json)
        printf("[");
    else
        printf("DRIVER    VOLUME NAME\n");
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !mc_valid_name(e->d_name))
            continue;
        if (mc_json) {
            json_object *o = volume_json(e->d_name);
            printf(
                "%s%s", first ? "" : ",",
                json_object_to_json_string_ext(
                    o,
                    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(o);
        } else {
            printf("local     %s\n", e->d_name);
        }
        first = false;
    }
    if (d)
        closedir(d);
    if (mc_json)
        printf("]\n");
    return 0;
}

static int
volume_inspect(int argc, char **argv)
{
    json_object *all = json_object_new_array();
    int rc = 0;

    if (argc < 2)
        return mc_usage_error("usage: minictr volume inspect NAME...");
    for (int i = 1; i < argc; i++) {
        char path[4096];
        if (volume_path(argv[i], false, path, sizeof(path)) == -1) {
            rc = -1;
            continue;
        }
        json_object_array_add(all, volume_json(argv[i]));
    }
    printf("%s\n",
           json_object_to_json_string_ext(
               all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(all);
    return rc;
}

static int
volume_rm(int argc, char **argv)
{
    int rc = 0, n = 0;

    for (int i = 1; i < argc; i++) {
        char path[4096];
        struct users u = {.name = argv[i]};
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
            continue; /* still refused while in use, as Docker */
        n++;
        if (volume_path(argv[i], false, path, sizeof(path)) == -1) {
            rc = -1;
            continue;
        }
        state_each(uses_volume, &u);
        if (u.n) {
            mc_error_code("volume_in_use");
            ct_set_hint("remove the container first (minictr rm), then the "
                        "volume");
            rc = ct_fail("volume '%s' is in use by container '%s'%s", argv[i],
                         u.who, u.n > 1 ? " and others" : "");
            continue;
        }
        *strrchr(path, '/') = '\0'; /* volumes/NAME, with _data */
        if (userns_rm_rf(path) == -1) { /* a user's: in its namespace */
            rc = ct_fail_errno("remove volume '%s'", path);
            continue;
        }
        printf("%s\n", argv[i]);
    }
    if (!n)
        return mc_usage_error("usage: minictr volume rm NAME...");
    return rc;
}

int
cmd_volume(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";

    if (!strcmp(sub, "create"))
        return volume_create(argc - 1, argv + 1);
    if (!strcmp(sub, "ls") || !strcmp(sub, "list"))
        return volume_ls();
    if (!strcmp(sub, "inspect"))
        return volume_inspect(argc - 1, argv + 1);
    if (!strcmp(sub, "rm") || !strcmp(sub, "remove"))
        return volume_rm(argc - 1, argv + 1);
    if (!strcmp(sub, "--help")) {
        printf("usage: minictr volume create [NAME] | ls | inspect NAME... | "
               "rm NAME...\n");
        return 0;
    }
    return mc_usage_error("usage: minictr volume create [NAME] | ls | inspect "
                          "NAME... | rm NAME...");
}
