/*
 * api-client.c: two small clients of the Docker Engine API for
 * bench/serve.sh, in C so that what is measured is the server, not a
 * client's own start-up (the docker CLI is a 40 MB Go program).
 *
 *   api-client run SOCKET N         N times what `docker run --rm busybox
 *                                   true` sends (create, attach, wait,
 *                                   start, read to the end); prints each
 *                                   run's milliseconds
 *   api-client load SOCKET SECONDS CONNECTIONS PATH
 *                                   GET PATH as fast as the answers come,
 *                                   on CONNECTIONS keep-alive connections
 *                                   (a thread each); prints requests/s
 *
 * Build: cc -O2 -pthread -o build/bench/api-client bench/api-client.c
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *sock_path;

static int
dial(void)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock_path);
    if (fd == -1 || connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1) {
        perror("connect");
        exit(1);
    }
    return fd;
}

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Read one answer's head (and, with a Content-Length, its body) into buf;
 * returns the length read. Enough for our own server's answers. */
static size_t
read_answer(int fd, char *buf, size_t size)
{
    size_t len = 0;
    char *end = NULL;
    long body = -1;

    while (len < size - 1) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            char *cl = strcasestr(buf, "Content-Length:");
            body = cl && cl < end ? strtol(cl + 15, NULL, 10) : 0;
        }
        if (end && (size_t)(end + 4 - buf) + (size_t)body <= len)
            break;
    }
    return len;
}

static void
send_str(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
        perror("write");
        exit(1);
    }
}

static int
run_once(void)
{
    static const char body[] = "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],"
                               "\"HostConfig\":{\"AutoRemove\":true}}";
    char buf[65536], req[1024], id[65];
    int c = dial(), a, w, s;
    char *p;
    double t0 = now_ms(), t[6];

    snprintf(req, sizeof(req),
             "POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    send_str(c, req);
    read_answer(c, buf, sizeof(buf));
    p = strstr(buf, "\"Id\":\"");
    if (!p)
        return fprintf(stderr, "create: %s\n", buf), -1;
    snprintf(id, sizeof(id), "%.64s", p + 6);
    t[0] = now_ms();
    a = dial();
    snprintf(req, sizeof(req),
             "POST /v1.41/containers/%s/attach?stderr=1&stdout=1&stream=1 "
             "HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
             "Content-Length: 0\r\n\r\n",
             id);
    send_str(a, req);
    read_answer(a, buf, sizeof(buf));
    shutdown(a, SHUT_WR);
    t[1] = now_ms();
    w = c; /* the CLI waits on the create connection */
    snprintf(req, sizeof(req),
             "POST /v1.41/containers/%s/wait?condition=removed HTTP/1.1\r\n"
             "Host: x\r\nContent-Length: 0\r\n\r\n",
             id);
    send_str(w, req);
    read_answer(w, buf, sizeof(buf)); /* the headers come at once */
    t[2] = now_ms();
    s = dial();
    snprintf(req, sizeof(req),
             "POST /v1.41/containers/%s/start HTTP/1.1\r\nHost: x\r\n"
             "Content-Length: 0\r\nConnection: close\r\n\r\n",
             id);
    send_str(s, req);
    read_answer(s, buf, sizeof(buf));
    close(s);
    t[3] = now_ms();
    while (read(a, buf, sizeof(buf)) > 0) /* the output, to its end */
        ;
    close(a);
    t[4] = now_ms();
    while (!strstr(buf, "StatusCode") && read_answer(w, buf, sizeof(buf)) > 0)
        ;
    close(w);
    t[5] = now_ms();
    if (getenv("BENCH_PHASES")) /* where the time goes, in ms */
        fprintf(stderr,
                "create %.2f attach %.2f wait %.2f start %.2f output-end "
                "%.2f wait-answer %.2f\n",
                t[0] - t0, t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3],
                t[5] - t[4]);
    return 0;
}

struct loader {
    const char *path;
    double until;
    long count;
};

static void *
load(void *arg)
{
    struct loader *l = arg;
    char req[512], buf[1 << 20];
    int fd = dial();

    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", l->path);
    while (now_ms() < l->until) {
        send_str(fd, req);
        if (read_answer(fd, buf, sizeof(buf)) == 0 || !strstr(buf, " 200 "))
            break;
        l->count++;
    }
    close(fd);
    return NULL;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "run")) {
        sock_path = argv[2];
        for (int i = 0; i < atoi(argv[3]); i++) {
            double t = now_ms();
            if (run_once() == -1)
                return 1;
            printf("%.3f\n", now_ms() - t);
        }
        return 0;
    }
    if (argc == 6 && !strcmp(argv[1], "load")) {
        int n = atoi(argv[4]);
        struct loader *l = calloc((size_t)n, sizeof(*l));
        pthread_t *t = calloc((size_t)n, sizeof(*t));
        double start = now_ms(), secs = atof(argv[3]);
        long total = 0;

        sock_path = argv[2];
        for (int i = 0; i < n; i++) {
            l[i] =
                (struct loader){.path = argv[5], .until = start + secs * 1e3};
            pthread_create(&t[i], NULL, load, &l[i]);
        }
        for (int i = 0; i < n; i++) {
            pthread_join(t[i], NULL);
            total += l[i].count;
        }
        printf("%.0f\n", total / ((now_ms() - start) / 1e3));
        return 0;
    }
    fprintf(stderr,
            "usage: api-client run SOCKET N | load SOCKET SECONDS "
            "CONNECTIONS PATH\n");
    return 2;
}
