#include "compose.h"
int
compose_pod_up(struct compose_file *f, bool wait)
{
    (void)f;
    (void)wait;
    return ct_fail("todo");
}
int
compose_pod_find(const char *project, struct container *c)
{
    (void)project;
    (void)c;
    return -1;
}
int
compose_pod_ps(const struct container *pod)
{
    (void)pod;
    return 0;
}
int
compose_pod_logs(const struct container *pod, char **services, int n,
                 bool follow, bool timestamps)
{
    (void)pod;
    (void)services;
    (void)n;
    (void)follow;
    (void)timestamps;
    return 0;
}
int
compose_pod_restart(const struct container *pod, const char *service)
{
    (void)pod;
    (void)service;
    return 0;
}
int
compose_pod_service(const struct container *pod, const char *service,
                    struct container *sc)
{
    (void)pod;
    (void)service;
    (void)sc;
    return -1;
}
