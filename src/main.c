/*
 * minictr: the steps put together, with Docker's command line.
 *
 * Read: the steps in order (steps/00-doctor ... steps/07-overlay), then
 *       run.c, which calls them in the order a container is made.
 * Try:  sudo minictr import build/images/busybox busybox
 *       sudo minictr run --rm -it busybox sh
 * See:  `probe` inside prints what the container sees: PID 1, its own
 *       hostname, a few capabilities, NoNewPrivs 1, Seccomp 2.
 *
 * This file is the command table: it reads the global options, picks the
 * subcommand, and prints the first error once (as text, or with --json as
 * an object a program can act on). The OCI runtime's command line (runc's,
 * as containerd and podman give it) goes to the other door, oci.c.
 */
#include "minictr.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool mc_json;
/* One per thread, as ct_fail's slot (src/lib/ct.c): the API server's
 * requests run in threads. */
static _Thread_local const char *error_code = "";

void
mc_error_code(const char *code)
{
    if (!code) /* NULL: clear it (the API server, between requests) */
        error_code = "";
    else if (!*error_code)
        error_code = code;
}

const char *
mc_get_error_code(void)
{
    return error_code;
}

/* A user without root keeps its own store and records (userns.c), as
 * podman does: nothing of root's is shared. */
const char *
mc_lib_dir(void)
{
    static const char *dir;

    if (!dir) {
        dir = getenv("MINICTR_ROOT");
        if (!dir || !*dir)
            dir = geteuid() == 0 ? "/var/lib/minictr" : userns_data_dir();
    }
    return dir;
}

const char *
mc_state_dir(void)
{
    static const char *dir;

    if (!dir) {
        const char *env = getenv("MINICTR_STATE");
        dir = (env && *env) || geteuid() == 0 ? ct_state_dir()
                                              : userns_runtime_dir();
    }
    return dir;
}

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"run", cmd_run, "run a command in a new container"},
    {"create", cmd_create, "create a container, start it later"},
    {"start", cmd_start, "start a created or stopped container"},
    {"stop", cmd_stop, "stop: SIGTERM, then SIGKILL after a while"},
    {"restart", cmd_restart, "stop, then start again"},
    {"kill", cmd_kill, "send a signal to the container"},
    {"wait", cmd_wait, "wait until it stops; print its exit code"},
    {"pause", cmd_pause, "freeze every process of the container"},
    {"unpause", cmd_unpause, "thaw them"},
    {"attach", cmd_attach, "attach your terminal to a running container"},
    {"exec", cmd_exec, "run one more command in a running container"},
    {"logs", cmd_logs, "what the container printed"},
    {"ps", cmd_ps, "list containers"},
    {"inspect", cmd_inspect, "print a container's record as JSON"},
    {"top", cmd_top, "the container's processes"},
    {"stats", cmd_stats, "cpu, memory, i/o and pids of containers"},
    {"cp", cmd_cp, "copy files out of or into a container"},
    {"rename", cmd_rename, "give a container another name"},
    {"rm", cmd_rm, "remove a stopped (or with -f, any) container"},
    {"volume", cmd_volume, "create, list, inspect, remove volumes"},
    {"network", cmd_network, "create, list, inspect, remove networks"},
    {"compose", cmd_compose, "run a Compose file: a container per service"},
    {"system", cmd_system, "system prune: remove what is stopped"},
    {"import", cmd_import, "import a tarball (or a directory) as an image"},
    {"load", cmd_load, "load an OCI image layout or docker-save archive"},
    {"save", cmd_save, "save images as an OCI image layout (dir or tar)"},
    {"build", cmd_build, "build an image from a Dockerfile"},
    {"images", cmd_images, "list images, their sizes, the space they take"},
    {"history", cmd_history, "what made each layer of an image"},
    {"tag", cmd_tag, "give an image another name"},
    {"rmi", cmd_rmi, "remove an image (its layers when no one uses them)"},
    {"image", cmd_image, "image ls|rm|prune|tag|history|inspect|load|save"},
    {"events", cmd_events, "print container events as they happen"},
    {"serve", cmd_serve, "the Docker Engine API on a Unix socket"},
    {"__api-child", cmd_api_child, NULL}, /* serve's, not for people */
};

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: minictr [--trace] [--json] COMMAND [ARGS...]\n\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (commands[i].help)
            fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
    fprintf(out,
            "\n"
            "  --trace  print each kernel call beside the shell command\n"
            "           that does the same\n"
            "  --json   errors (and listings) as JSON\n\n"
            "'minictr COMMAND --help' tells more. Exit status: the "
            "command's own,\n125 when minictr failed, 126 when the command "
            "cannot be run, 127\nwhen it is not found.\n");
}

/* Print the first recorded error once: text for people, JSON for programs
 * (a stable code they can switch on, the message, and the hint). */
static void
report_error(void)
{
    const char *msg = ct_error_message();
    const char *fields[2][2] = {{"message", msg}, {"hint", ct_error_hint()}};

    if (!*msg)
        return;
    if (!mc_json) {
        ct_report();
        return;
    }
    printf("{\"error\":{\"code\":\"%s\"", *error_code ? error_code : "failed");
    for (int f = 0; f < 2; f++) {
        printf(",\"%s\":\"", fields[f][0]);
        for (const char *p = fields[f][1]; *p; p++) {
            if (*p == '"' || *p == '\\')
                putchar('\\');
            if ((unsigned char)*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
        putchar('"');
    }
    printf(",\"errno\":\"%s\"}}\n",
           ct_error_errno() ? ct_errno_name(ct_error_errno()) : "");
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"trace", no_argument, NULL, 'T'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {0},
    };
    int opt, rc;

    ct_prog = "minictr";
    /* A closed stdin, stdout or stderr would be reused by the first file
     * we open, and the container's output would land in it: give each
     * closed one /dev/null. */
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", O_RDWR) != fd)
            return MC_EXIT_RUNNER;
    /* runc's command line (containerd, podman, Kubernetes): oci.c says
     * which command lines are its own. */
    if (oci_claims(argc, argv))
        return oci_main(argc, argv);
    while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (opt) {
        case 'T': ct_tracing = true; break;
        case 'j': mc_json = true; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("minictr version %s\n", MC_VERSION); return 0;
        default:
            fprintf(stderr,
                    "minictr: unknown option '%s' (see 'minictr --help')\n",
                    argv[optind - 1]);
            return MC_EXIT_RUNNER;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return MC_EXIT_RUNNER;
    }
    if (!strcmp(argv[optind], "help")) { /* minictr help [COMMAND] */
        if (optind + 1 >= argc) {
            usage(stdout);
            return 0;
        }
        argv[optind] = argv[optind + 1];
        argv[optind + 1] = "--help";
    }
    if (!strcmp(argv[optind], "version")) {
        printf("minictr version %s\n", MC_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[optind], commands[i].name) != 0)
            continue;
        optind++;
        /* `minictr ps -h`: help, as Docker (run's -h is --hostname, so
         * only a lone -h). */
        if (argc - optind == 1 && !strcmp(argv[optind], "-h"))
            argv[optind] = "--help";
        /* Each subcommand parses its own options from argv[0]. */
        rc = commands[i].fn(argc - optind + 1, argv + optind - 1);
        /* An error may come with a status of its own: 126 and 127 from
         * inside the container, or 125 for its setup. */
        report_error();
        return rc < 0 ? MC_EXIT_RUNNER : rc;
    }
    fprintf(stderr, "minictr: unknown command '%s' (see 'minictr --help')\n",
            argv[optind]);
    return MC_EXIT_RUNNER;
}
