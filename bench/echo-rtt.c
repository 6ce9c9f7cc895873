/*
 * echo-rtt: one-byte TCP round trips, for bench/net.sh. Built static, so
 * that it runs inside a busybox box as well as on the host.
 *
 *   echo-rtt serve PORT          echo every byte back, on 0.0.0.0:PORT
 *                                (a child per connection)
 *   echo-rtt ping ADDR PORT N    N round trips of one byte (after 200 not
 *                                counted); prints "median_us=M p99_us=P"
 *
 * Latency, not throughput, tells the paths apart: every path moves bulk
 * data at about loopback speed, but each hop adds to a round trip.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void
nodelay(int fd)
{
    int one = 1;

    /* tcp(7): without it, Nagle's algorithm holds small writes back. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int
serve(int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port)};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
        listen(fd, 16) == -1) {
        perror("echo-rtt: bind");
        return 1;
    }
    signal(SIGCHLD, SIG_IGN);
    for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        char buf[4096];
        ssize_t n;

        if (c == -1)
            continue;
        if (fork() == 0) {
            nodelay(c);
            while ((n = read(c, buf, sizeof(buf))) > 0)
                if (write(c, buf, (size_t)n) != n)
                    break;
            _exit(0);
        }
        close(c);
    }
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int
ping(const char *addr, int port, int n)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port)};
    double *us = calloc((size_t)n, sizeof(*us));
    char c = 'x';
    int fd = -1;

    inet_pton(AF_INET, addr, &sa.sin_addr);
    for (int tries = 0; tries < 200; tries++) { /* the server may be late */
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
            break;
        close(fd);
        fd = -1;
        usleep(10000);
    }
    if (fd == -1 || !us) {
        perror("echo-rtt: connect");
        return 1;
    }
    nodelay(fd);
    for (int i = -200; i < n; i++) {
        struct timespec t0, t1;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1) {
            perror("echo-rtt: round trip");
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (i >= 0)
            us[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
    }
    qsort(us, (size_t)n, sizeof(*us), cmp);
    printf("median_us=%.1f p99_us=%.1f\n", us[n / 2], us[n * 99 / 100]);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 3 && argv[1][0] == 's')
        return serve(atoi(argv[2]));
    if (argc == 5 && argv[1][0] == 'p' && atoi(argv[4]) > 0)
        return ping(argv[2], atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: echo-rtt serve PORT | ping ADDR PORT N\n");
    return 2;
}
