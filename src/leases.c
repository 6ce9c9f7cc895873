/*
 * leases.c: a container's place on a network — its address, and the names
 * in its /etc/hosts — and every container's /etc/hosts, /etc/hostname and
 * /etc/resolv.conf. The networks themselves are networks.c.
 *
 * Addresses. A container on a network holds a lease: a file named by its
 * address in MINICTR_STATE/networks/NETWORK-ID/, "172.17.0.2", made with
 * O_EXCL, holding the container's id, name and aliases. A lock on that
 * directory (flock(2) on .lock) makes choosing an address and rewriting
 * hosts files one monitor at a time, so 20 containers started at once get
 * 20 addresses. The lease names its container, and is held only while
 * the container's monitor lives (it holds ID.lock): a lease whose monitor
 * is gone (kill -9) is freed by the next one who looks — a start on the
 * network, `ps`, `rm`, `system prune` (the collector).
 *
 * Names. Docker answers "db" from an embedded DNS server at 127.0.0.11,
 * a goroutine of dockerd's that every container on a user-defined network
 * asks. minictr has no daemon, so it writes what the DNS server would
 * know into each container's /etc/hosts, which the C library reads before
 * any DNS: a line per other container on the network (its name and
 * aliases), rewritten in every container on the network whenever one
 * joins, leaves or is renamed. The trade-off: no server to run, and a
 * file a student can read; but a process that cached an answer keeps it,
 * a rewrite is not atomic for a reader (the file is bind-mounted, so it
 * is rewritten in place, not renamed), names of other networks and of the
 * outside world still need DNS, and programs that ask DNS directly
 * (nslookup, dig) do not see the names. As Docker, the default "bridge"
 * network gets no names: only user-defined networks do.
 *
 * Every container, on any network, gets its own /etc/hosts, /etc/hostname
 * and /etc/resolv.conf as Docker writes them, in its directory
 * (containers/ID/), bind-mounted by pivot_root.c.
 *
 * Read: flock(2), open(2) O_EXCL, hosts(5), resolv.conf(5).
 */
#include "minictr.h"

#include "inet.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOSTS_MARK "# the other containers on network "

/* MINICTR_STATE/networks/ID: the network's leases, and its lock. */
void
network_lease_dir(const struct network *n, char *buf, size_t size)
{
    snprintf(buf, size, "%s/networks/%s", mc_state_dir(), n->id);
}

int
network_lock_leases(const struct network *n)
{
    char dir[4096];

    network_lease_dir(n, dir, sizeof(dir));
    return mc_lock_dir(dir);
}

/* ---- leases ------------------------------------------------------------ */

/* Read the leases of n (whose lock the caller holds), freeing those of
 * containers whose monitor is gone and any old one of `self` (a monitor
 * that died before it could give its lease back). Returns the count;
 * *freed says whether one was freed. */
int
network_read_leases(const struct network *n, struct lease *out, int max,
                    const char *self, bool *freed)
{
    char dir[4096], path[4400], line[sizeof(out->names) + MC_ID_LEN + 4];
    DIR *d;
    struct dirent *e;
    struct in_addr in;
    int count = 0;

    network_lease_dir(n, dir, sizeof(dir));
    d = opendir(dir);
    while (d && count < max && (e = readdir(d)) != NULL) {
        struct lease *l = &out[count];
        ssize_t len;
        char *sp;

        if (inet_pton(AF_INET, e->d_name, &in) != 1)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        len = ct_read_file(path, line, sizeof(line));
        sp = len > 0 ? strchr(line, ' ') : NULL;
        if (sp && sp - line == MC_ID_LEN) {
            memcpy(l->id, line, MC_ID_LEN);
            l->id[MC_ID_LEN] = '\0';
            snprintf(l->names, sizeof(l->names), "%s", sp + 1);
            l->ip = ntohl(in.s_addr);
        }
        /* Named, and its monitor alive: a lease. Else it is left over
         * (an empty one: its writer died between open and write). */
        if (sp && sp - line == MC_ID_LEN && strcmp(l->id, self ? self : "") &&
            container_id_alive(l->id)) {
            count++;
            continue;
        }
        ct_trace(NULL, "rm %s (a lease left by a monitor that is gone)", path);
        unlink(path);
        *freed = true;
    }
    if (d)
        closedir(d);
    return count;
}

static bool
ip_leased(const struct lease *leases, int count, uint32_t ip)
{
    for (int i = 0; i < count; i++)
        if (leases[i].ip == ip)
            return true;
    return false;
}

/* The address for c: --ip, or the lowest free one. The network's own
 * address, the broadcast address and the gateway are never given. */
static int
pick_address(const struct network *n, const struct container *c,
             const struct lease *leases, int count, uint32_t *ip)
{
    uint32_t last = n->subnet | ~(~0u << (32 - n->prefix));
    char s[INET_ADDRSTRLEN];

    if (c->net.want_ip) {
        if (ip_leased(leases, count, c->net.want_ip)) {
            mc_error_code("address_in_use");
            return ct_fail("--ip %s: another container on network '%s' has "
                           "that address",
                           ct_ip_str(c->net.want_ip, s), n->name);
        }
        *ip = c->net.want_ip;
        return 0;
    }
    for (uint32_t a = n->subnet + 1; a < last; a++)
        if (a != n->gateway && !ip_leased(leases, count, a)) {
            *ip = a;
            return 0;
        }
    mc_error_code("no_free_address");
    return ct_fail("network '%s' (%s/%d) has no free address left", n->name,
                   ct_ip_str(n->subnet, s), n->prefix);
}

/* "NAME ALIAS...": the names the others' hosts files give c. */
static void
names_of(const struct container *c, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "%s", c->name);

    for (int i = 0; i < c->net.naliases && len < size; i++)
        len +=
            (size_t)snprintf(buf + len, size - len, " %s", c->net.aliases[i]);
}

static int
write_lease(const struct network *n, const struct container *c, uint32_t ip,
            bool create)
{
    char path[4400], dir[4096], names[640], line[1024], s[INET_ADDRSTRLEN];
    int fd;
    ssize_t len;

    /* The lease file: "ID NAME ALIAS...". */
    network_lease_dir(n, dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/%s", dir, ct_ip_str(ip, s));
    names_of(c, names, sizeof(names));
    len = snprintf(line, sizeof(line), "%s %s\n", c->id, names);
    ct_trace(NULL, "echo '%s %s' > %s (O_EXCL: the address is ours)", c->id,
             c->name, path);
    fd = open(path,
              O_WRONLY | O_CLOEXEC | O_NOFOLLOW |
                  (create ? O_CREAT | O_EXCL : O_TRUNC),
              0644);
    if (fd == -1)
        return ct_fail_errno("make the lease '%s'", path);
    if (write(fd, line, (size_t)len) != len) {
        ct_fail_errno("write the lease '%s'", path);
        close(fd);
        unlink(path);
        return -1;
    }
    close(fd);
    return 0;
}

/* ---- /etc/hosts, /etc/hostname, /etc/resolv.conf ----------------------- */

/* What Docker writes first in every /etc/hosts. */
static const char hosts_head[] = "127.0.0.1\tlocalhost\n"
                                 "::1\tlocalhost ip6-localhost ip6-loopback\n"
                                 "fe00::0\tip6-localnet\n"
                                 "ff00::0\tip6-mcastprefix\n"
                                 "ff02::1\tip6-allnodes\n"
                                 "ff02::2\tip6-allrouters\n";

static void
etc_path(const char *id, const char *file, char *buf, size_t size)
{
    snprintf(buf, size, "%s/containers/%s/%s", mc_lib_dir(), id, file);
}

/* The files are bind-mounted into a running container: written in place
 * (a rename would leave the container with the old file). */
static int
write_in_place(const char *path, const char *data, size_t len)
{
    int fd =
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    size_t off = 0;

    if (fd == -1)
        return ct_fail_errno("open '%s'", path);
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0) {
            close(fd);
            return ct_fail_errno("write '%s'", path);
        }
        off += (size_t)w;
    }
    close(fd);
    return 0;
}

struct text {
    char buf[65536];
    size_t len;
};

static void put(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
put(struct text *t, const char *fmt, ...)
{
    va_list ap;

    if (t->len >= sizeof(t->buf))
        return;
    va_start(ap, fmt);
    t->len +=
        (size_t)vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
    va_end(ap);
    if (t->len > sizeof(t->buf))
        t->len = sizeof(t->buf);
}

/* Append a file of the host's (all of it), for --network host. */
static void
put_host_file(struct text *t, const char *path)
{
    ssize_t n = ct_read_file(path, t->buf + t->len, sizeof(t->buf) - t->len);

    if (n > 0) {
        t->len += (size_t)n;
        put(t, "\n");
    }
}

/* The other containers of the network: a line each, but for `self`. */
static void
put_others(struct text *t, const struct network *n, const struct lease *l,
           int count, const char *self)
{
    char ip[INET_ADDRSTRLEN];

    put(t, HOSTS_MARK "'%s', kept current by minictr\n", n->name);
    for (int i = 0; i < count; i++)
        if (strcmp(l[i].id, self))
            put(t, "%s\t%s\n", ct_ip_str(l[i].ip, ip), l[i].names);
}

/* hosts(5) as Docker writes it: localhost, --add-host, the container's
 * own address and name; on a user-defined network, the others. */
static int
write_hosts(const struct container *c, const struct network *n,
            const struct lease *l, int count)
{
    static struct text t;
    char path[4200], ip[INET_ADDRSTRLEN];

    t.len = 0;
    if (c->net.mode == NET_HOST)
        put_host_file(&t, "/etc/hosts");
    else
        put(&t, "%s", hosts_head);
    for (int i = 0; i < c->net.nadd_hosts; i++) {
        const char *colon = strchr(c->net.add_hosts[i], ':');
        const char *addr = colon ? colon + 1 : "";
        if (!strcmp(addr, "host-gateway")) /* Docker's name for the host */
            addr = c->net.mode == NET_BRIDGE ? ct_ip_str(c->net.gateway, ip)
                                             : "127.0.0.1";
        put(&t, "%s\t%.*s\n", addr, (int)(colon - c->net.add_hosts[i]),
            c->net.add_hosts[i]);
    }
    if (c->net.mode == NET_BRIDGE) {
        put(&t, "%s\t%s", ct_ip_str(c->net.ip, ip), c->hostname);
        if (n && strcmp(n->name, MC_DEFAULT_NETWORK)) {
            if (strcmp(c->name, c->hostname))
                put(&t, " %s", c->name);
            for (int i = 0; i < c->net.naliases; i++)
                put(&t, " %s", c->net.aliases[i]);
        }
        put(&t, "\n");
    }
    if (n && strcmp(n->name, MC_DEFAULT_NETWORK))
        put_others(&t, n, l, count, c->id);
    etc_path(c->id, "hosts", path, sizeof(path));
    return write_in_place(path, t.buf, t.len);
}

/* A nameserver the container can reach: not the host's own loopback
 * (systemd-resolved's 127.0.0.53, dnsmasq's 127.0.0.1: in the container
 * they are its own loopback), and not IPv6 (our networks are IPv4). */
static bool
usable_nameserver(const char *line)
{
    char addr[64] = "";

    if (sscanf(line, "nameserver %63s", addr) != 1)
        return true; /* not a nameserver line: kept */
    return strncmp(addr, "127.", 4) != 0 && !strchr(addr, ':');
}

/* resolv.conf(5) as Docker writes it: the host's, without the
 * nameservers the container cannot reach; when none is left, the ones
 * systemd-resolved forwards to, and else Google's, as Docker does. */
static int
write_resolv_conf(const struct container *c)
{
    static const char *const sources[] = {"/etc/resolv.conf",
                                          "/run/systemd/resolve/resolv.conf"};
    static struct text t;
    static char host[16384];
    char path[4200];
    int servers = 0;

    t.len = 0;
    if (c->net.mode == NET_HOST) {
        put_host_file(&t, "/etc/resolv.conf");
    } else {
        for (size_t s = 0; s < 2 && !servers; s++) {
            t.len = 0;
            if (ct_read_file(sources[s], host, sizeof(host)) < 0)
                continue;
            for (char *line = strtok(host, "\n"); line;
                 line = strtok(NULL, "\n")) {
                if (!usable_nameserver(line))
                    continue;
                servers += !strncmp(line, "nameserver", 10);
                put(&t, "%s\n", line);
            }
        }
        if (!servers)
            put(&t, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    }
    etc_path(c->id, "resolv.conf", path, sizeof(path));
    return write_in_place(path, t.buf, t.len);
}

static int
write_etc(const struct container *c, const struct network *n,
          const struct lease *l, int count)
{
    char path[4200], line[128];

    etc_path(c->id, "hostname", path, sizeof(path));
    snprintf(line, sizeof(line), "%s\n", c->hostname);
    if (write_in_place(path, line, strlen(line)) == -1 ||
        write_resolv_conf(c) == -1)
        return -1;
    return write_hosts(c, n, l, count);
}

/* Every other container on n: its hosts file, from its mark on, with the
 * network as it is now. Its own lines (above the mark) stay. */
static void
refresh_others(const struct network *n, const struct lease *l, int count,
               const char *self)
{
    static struct text t;
    char path[4200];
    bool had = *ct_error_message();

    if (!strcmp(n->name, MC_DEFAULT_NETWORK))
        return; /* no names on the default network */
    for (int i = 0; i < count; i++) {
        char *mark;
        ssize_t len;

        if (!strcmp(l[i].id, self))
            continue;
        etc_path(l[i].id, "hosts", path, sizeof(path));
        len = ct_read_file(path, t.buf, sizeof(t.buf));
        mark = len > 0 ? strstr(t.buf, HOSTS_MARK) : NULL;
        if (!mark)
            continue;
        t.len = (size_t)(mark - t.buf);
        put_others(&t, n, l, count, l[i].id);
        if (write_in_place(path, t.buf, t.len) == -1 && !had)
            ct_clear_error(); /* its container is going: not ours */
    }
}

/* ---- a container joins and leaves -------------------------------------- */

int
network_join(struct container *c)
{
    static struct lease leases[MAX_LEASES];
    struct network n;
    bool freed = false;
    uint32_t ip = 0;
    int lock, count, rc = -1;

    if (c->net.mode != NET_BRIDGE)
        return write_etc(c, NULL, NULL, 0);
    if (network_load(c->net.name, &n) == -1)
        return -1;
    lock = network_lock_leases(&n);
    if (lock == -1)
        return -1;
    count = network_read_leases(&n, leases, MAX_LEASES - 1, c->id, &freed);
    if (net_bridge_up(&n) == -1)
        goto out;
    if (pick_address(&n, c, leases, count, &ip) == -1 ||
        write_lease(&n, c, ip, true) == -1)
        goto out;
    c->net.ip = ip;
    c->net.gateway = n.gateway;
    c->net.prefix = n.prefix;
    snprintf(c->net.bridge, sizeof(c->net.bridge), "%s", n.bridge);
    leases[count] = (struct lease){.ip = ip};
    snprintf(leases[count].id, sizeof(leases[count].id), "%s", c->id);
    names_of(c, leases[count].names, sizeof(leases[count].names));
    count++;
    if (write_etc(c, &n, leases, count) == -1) {
        network_leave(c);
        goto out;
    }
    refresh_others(&n, leases, count, c->id);
    rc = 0;
out:
    close(lock);
    return rc;
}

/* Free c's lease (if it is still c's) and tell the others. */
static void
give_back(const struct network *n, const struct container *c)
{
    static struct lease leases[MAX_LEASES];
    char dir[4096], path[4400], s[INET_ADDRSTRLEN], line[MC_ID_LEN + 2];
    bool freed = false;
    int count;

    network_lease_dir(n, dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/%s", dir, ct_ip_str(c->net.ip, s));
    if (ct_read_file(path, line, sizeof(line)) > 0 &&
        !strncmp(line, c->id, MC_ID_LEN)) {
        ct_trace(NULL, "rm %s (the lease goes back)", path);
        unlink(path);
    }
    count = network_read_leases(n, leases, MAX_LEASES, c->id, &freed);
    refresh_others(n, leases, count, c->id);
}

void
network_leave(struct container *c)
{
    struct network n;
    bool had = *ct_error_message();
    int lock;

    if (c->net.mode != NET_BRIDGE || !c->net.ip)
        return;
    if (network_load(c->net.name, &n) == 0 &&
        (lock = network_lock_leases(&n)) >= 0) {
        give_back(&n, c);
        close(lock);
    }
    if (!had)
        ct_clear_error(); /* after the container's end: nothing to say */
    c->net.ip = c->net.gateway = 0;
    c->net.prefix = 0;
    c->net.bridge[0] = '\0';
}

void
network_rename(struct container *c)
{
    static struct lease leases[MAX_LEASES];
    struct network n;
    bool freed = false, had = *ct_error_message();
    int lock = -1, count;

    if (c->net.mode == NET_BRIDGE && c->net.ip &&
        network_load(c->net.name, &n) == 0 &&
        (lock = network_lock_leases(&n)) >= 0 &&
        write_lease(&n, c, c->net.ip, false) == 0) {
        count = network_read_leases(&n, leases, MAX_LEASES, NULL, &freed);
        write_hosts(c, &n, leases, count);
        refresh_others(&n, leases, count, c->id);
    }
    if (lock >= 0)
        close(lock);
    if (!had)
        ct_clear_error(); /* the rename is done: only hosts files lag */
}

/* The collector: every network's leases, read (which frees those of dead
 * monitors) and, if one was freed, the others' hosts files rewritten. */
static int
collect_network(struct network *n, void *arg)
{
    static struct lease leases[MAX_LEASES];
    char dir[4096];
    bool freed = false;
    struct stat st;
    int lock, count;

    (void)arg;
    network_lease_dir(n, dir, sizeof(dir));
    if (stat(dir, &st) == -1 || (lock = network_lock_leases(n)) == -1)
        return 0; /* never used since the last reboot */
    count = network_read_leases(n, leases, MAX_LEASES, NULL, &freed);
    if (freed)
        refresh_others(n, leases, count, "");
    close(lock);
    return 0;
}

void
network_collect(void)
{
    bool had = *ct_error_message();

    network_each(collect_network, NULL);
    if (!had)
        ct_clear_error(); /* the next collector tries again */
}
