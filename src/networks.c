/*
 * networks.c: networks as `docker network` has them — the records, their
 * subnets, the `network` command, and what `run --network` and its
 * friends ask for (network_configure). A container's place on a network,
 * its address lease and the names in its /etc/hosts, is leases.c.
 *
 *   minictr network create [--subnet CIDR] [--gateway IP] NAME
 *   minictr network ls | inspect NAME... | rm NAME...
 *   minictr run --network NAME --network-alias db ... IMAGE
 *
 * A network is a record, MINICTR_ROOT/networks/NAME.json (its subnet, its
 * gateway, the name of its bridge), and a bridge in the host's network
 * namespace (network.c), made with the record and again whenever a
 * container starts and finds it missing (after a reboot). "bridge", the
 * default network, is made on first use. A subnet is never one that a
 * route of the host or another network uses: without --subnet, the first
 * free one of Docker's pool (172.17.0.0/16 ... 172.31.0.0/16, then
 * 192.168.0.0/20 ... 192.168.240.0/20).
 *
 * Read: docker network create's documentation; flock(2).
 */
#include "minictr.h"

#include "inet.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the records ------------------------------------------------------- */

static void
record_path(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/networks/%s.json", mc_lib_dir(), name);
}

/* The lock of all records: names and subnets are checked under it. */
static int
lock_records(void)
{
    char dir[4096];

    snprintf(dir, sizeof(dir), "%s/networks", mc_lib_dir());
    return mc_lock_dir(dir);
}

static int
read_record(const char *path, struct network *n)
{
    json_object *o = json_object_from_file(path), *v;
    const char *s;
    struct in_addr in;

    if (!o)
        return -1;
    memset(n, 0, sizeof(*n));
#define STR(key) \
    (json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "")
    snprintf(n->name, sizeof(n->name), "%s", STR("name"));
    snprintf(n->id, sizeof(n->id), "%s", STR("id"));
    snprintf(n->bridge, sizeof(n->bridge), "%s", STR("bridge"));
    n->created_ns = mc_parse_time(STR("created"));
    s = STR("subnet");
    if (ct_parse_cidr(s, 8, 30, &n->subnet, &n->prefix) == -1 ||
        inet_pton(AF_INET, STR("gateway"), &in) != 1 || !n->bridge[0]) {
        json_object_put(o);
        return -1;
    }
#undef STR
    n->gateway = ntohl(in.s_addr);
    json_object_put(o);
    return 0;
}

/* Rule 8: written to a temporary file, then renamed over the record. */
static int
write_record(const struct network *n)
{
    char path[4096], tmp[4200], ip[INET_ADDRSTRLEN], cidr[32], when[64];
    json_object *o = json_object_new_object();
    int rc = 0;

    snprintf(cidr, sizeof(cidr), "%s/%d", ct_ip_str(n->subnet, ip), n->prefix);
    mc_format_time(n->created_ns, when, sizeof(when));
    json_object_object_add(o, "name", json_object_new_string(n->name));
    json_object_object_add(o, "id", json_object_new_string(n->id));
    json_object_object_add(o, "subnet", json_object_new_string(cidr));
    json_object_object_add(o, "gateway",
                           json_object_new_string(ct_ip_str(n->gateway, ip)));
    json_object_object_add(o, "bridge", json_object_new_string(n->bridge));
    json_object_object_add(o, "created", json_object_new_string(when));
    record_path(n->name, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
    if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY) == -1)
        rc = ct_fail("write '%s': %s", tmp, json_util_get_last_err());
    else if (rename(tmp, path) == -1)
        rc = ct_fail_errno("rename '%s'", tmp);
    if (rc)
        unlink(tmp);
    json_object_put(o);
    return rc;
}

int
network_each(int (*fn)(struct network *n, void *arg), void *arg)
{
    char dir[4096], path[4400];
    DIR *d;
    struct dirent *e;
    struct network n;
    int rc = 0;

    snprintf(dir, sizeof(dir), "%s/networks", mc_lib_dir());
    d = opendir(dir);
    while (d && !rc && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") ||
            e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (read_record(path, &n) == 0)
            rc = fn(&n, arg);
    }
    if (d)
        closedir(d);
    return rc;
}

/* ---- subnets ----------------------------------------------------------- */

static bool
overlaps(uint32_t a, int pa, uint32_t b, int pb)
{
    int p = pa < pb ? pa : pb;
    uint32_t mask = p ? ~0u << (32 - p) : 0;

    return (a & mask) == (b & mask);
}

struct conflict {
    uint32_t subnet;
    int prefix;
    const char *self; /* the network being checked, if it exists */
    char why[256];
};

static int
overlaps_network(struct network *n, void *arg)
{
    struct conflict *k = arg;
    char ip[INET_ADDRSTRLEN];

    if ((k->self && !strcmp(n->name, k->self)) ||
        !overlaps(n->subnet, n->prefix, k->subnet, k->prefix))
        return 0;
    snprintf(k->why, sizeof(k->why), "network '%s' (%s/%d)", n->name,
             ct_ip_str(n->subnet, ip), n->prefix);
    return 1;
}

/* 1 (and what, in k->why) when the subnet is taken by another network
 * or a route of this host; 0 when free; -1 when the routes cannot be
 * read. */
static int
subnet_taken(struct conflict *k, const char *bridge)
{
    if (network_each(overlaps_network, k))
        return 1;
    return net_route_overlap(k->subnet, k->prefix, bridge, k->why,
                             sizeof(k->why));
}

/* Docker's default address pools: 172.17-31.0.0/16, 192.168.N.0/20. */
static int
choose_subnet(struct network *n)
{
    for (int i = 0; i < 15 + 16; i++) {
        struct conflict k = {.self = n->name};
        int rc;

        k.subnet = i < 15
            ? (172u << 24 | (17u + (uint32_t)i) << 16)
            : (192u << 24 | 168u << 16 | (uint32_t)(i - 15) << 12);
        k.prefix = i < 15 ? 16 : 20;
        rc = subnet_taken(&k, n->bridge);
        if (rc == -1)
            return -1;
        if (rc == 0) {
            n->subnet = k.subnet;
            n->prefix = k.prefix;
            n->gateway = k.subnet + 1;
            return 0;
        }
    }
    mc_error_code("subnet_overlap");
    return ct_fail("every subnet of the pool (172.17.0.0/16 to "
                   "172.31.0.0/16, 192.168.0.0/20 to 192.168.240.0/20) is "
                   "used by a route or a network: give --subnet");
}

/* A new network's id and bridge name: mctr0 for the default one,
 * mctr-NAME for a short NAME, else mctr and 11 digits of the id (an
 * interface name has 15 characters at most: IFNAMSIZ counts the NUL). */
static int
name_network(struct network *n, const char *name)
{
    unsigned char raw[MC_ID_LEN / 2];

    memset(n, 0, sizeof(*n));
    snprintf(n->name, sizeof(n->name), "%s", name);
    if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
        return ct_fail_errno("getrandom");
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(n->id + 2 * i, 3, "%02x", raw[i]);
    if (!strcmp(name, MC_DEFAULT_NETWORK))
        snprintf(n->bridge, sizeof(n->bridge), "mctr0");
    else if (strlen(name) <= 10)
        snprintf(n->bridge, sizeof(n->bridge), "mctr-%s", name);
    else
        snprintf(n->bridge, sizeof(n->bridge), "mctr%.11s", n->id);
    n->created_ns = mc_now_ns();
    return 0;
}

int
network_load(const char *name, struct network *n)
{
    char path[4096];
    int lock, rc;

    if (mc_valid_name(name)) {
        record_path(name, path, sizeof(path));
        if (read_record(path, n) == 0)
            return 0;
    }
    if (strcmp(name, MC_DEFAULT_NETWORK) != 0) {
        mc_error_code("no_such_network");
        return ct_fail("no network '%s' (see 'minictr network ls')", name);
    }
    /* The default network, on first use: under the lock, in case another
     * minictr makes it at the same moment. */
    lock = lock_records();
    if (lock == -1)
        return -1;
    rc = read_record(path, n);
    if (rc == -1 && name_network(n, name) == 0 && choose_subnet(n) == 0)
        rc = write_record(n);
    close(lock);
    return rc;
}

/* ---- what a front door was given --------------------------------------- */

/* The mode: --network, else $MINICTR_NETWORK (tests/lib/common.bash sets
 * none, so that no test makes a bridge in the host's namespace), else
 * Docker's default, the "bridge" network; for a user that is not root,
 * none (rootless networks are not here yet). */
static int
configure_mode(struct container *c, const char *s, struct network *n)
{
    const char *env = getenv("MINICTR_NETWORK");

    if (!s)
        s = env && *env ? env : geteuid() == 0 ? MC_DEFAULT_NETWORK : "none";
    if (!strcmp(s, "none")) {
        c->net.mode = NET_NONE;
        return 0;
    }
    if (!strcmp(s, "host")) {
        static char host[65];
        c->net.mode = NET_HOST;
        /* As Docker: the host's hostname, unless --hostname says. */
        if (!c->hostname && gethostname(host, sizeof(host) - 1) == 0)
            c->hostname = host;
        return 0;
    }
    if (!strncmp(s, "container:", 10))
        return mc_usage_error("--network %s: sharing another container's "
                              "network is not supported",
                              s);
    if (!strcmp(s, "default"))
        s = MC_DEFAULT_NETWORK;
    if (network_load(s, n) == -1)
        return -1;
    c->net.mode = NET_BRIDGE;
    snprintf(c->net.name, sizeof(c->net.name), "%s", n->name);
    return 0;
}

/* --add-host NAME:IP (or NAME=IP); IP may be host-gateway, the host. */
static int
configure_add_host(struct container *c, char *s)
{
    char *sep = strpbrk(s, ":="), ip[INET_ADDRSTRLEN];
    struct in_addr in;

    if (!sep || sep == s ||
        strspn(s,
               "abcdefghijklmnopqrstuvwxyz"
               "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789.-_") != (size_t)(sep - s))
        return mc_usage_error("bad --add-host '%s': give NAME:IP", s);
    if (strcmp(sep + 1, "host-gateway") &&
        inet_pton(AF_INET, sep + 1, &in) != 1)
        return mc_usage_error("bad --add-host '%s': '%s' is not an IPv4 "
                              "address (or host-gateway)",
                              s, sep + 1);
    if (!strcmp(sep + 1, "host-gateway") && c->net.mode == NET_NONE)
        return mc_usage_error("--add-host %s: --network none has no host "
                              "gateway",
                              s);
    *sep = ':';
    if (strcmp(sep + 1, "host-gateway"))
        snprintf(sep + 1, strlen(sep + 1) + 1, "%s",
                 ct_ip_str(ntohl(in.s_addr), ip));
    c->net.add_hosts[c->net.nadd_hosts++] = s;
    return 0;
}

void
network_flags_usage(FILE *out)
{
    fputs("  --network NET          bridge (the default), none, host, or a\n"
          "                         network made with 'minictr network "
          "create'\n"
          "  --ip IP                the address on such a network\n"
          "  --network-alias NAME   another name the others reach it by\n"
          "  --add-host NAME:IP     a line in /etc/hosts (IP host-gateway:\n"
          "                         the host)\n"
          "  -p, --publish [IP:][HOST:]CTR[/tcp|/udp]  publish a port\n"
          "  -P, --publish-all      publish every port the image EXPOSEs\n",
          out);
}

int
network_flag(struct net_flags *f, int flag, char *arg)
{
    static const struct {
        int flag, max;
        const char *name;
    } lists[] = {{NETF_ALIAS, MC_MAX_ALIASES, "--network-alias"},
                 {NETF_ADD_HOST, MC_MAX_ADD_HOSTS, "--add-host"},
                 {'p', MC_MAX_PORTS, "-p"}};
    int *count[] = {&f->naliases, &f->nadd_hosts, &f->npublish};
    const char **list[] = {(const char **)f->aliases,
                           (const char **)f->add_hosts, f->publish};

    if (flag == NETF_NETWORK)
        f->network = arg;
    else if (flag == NETF_IP)
        f->ip = arg;
    else if (flag == 'P')
        f->publish_all = true;
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        if (lists[i].flag != flag)
            continue;
        if (*count[i] == lists[i].max)
            return mc_usage_error("too many %s (at most %d)", lists[i].name,
                                  lists[i].max);
        list[i][(*count[i])++] = arg;
    }
    return 0;
}

int
network_configure(struct container *c, const struct net_flags *f)
{
    const char *proxy = getenv("MINICTR_USERLAND_PROXY");
    struct network n;
    bool own; /* a network of the user's: names, --ip, aliases */
    char ip[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

    memset(&c->net, 0, sizeof(c->net));
    if (configure_mode(c, f->network, &n) == -1)
        return -1;
    own = c->net.mode == NET_BRIDGE && strcmp(n.name, MC_DEFAULT_NETWORK);
    if ((f->ip || f->naliases) && !own)
        return mc_usage_error("%s is supported only on a network made with "
                              "'minictr network create', as Docker",
                              f->ip ? "--ip" : "--network-alias");
    if (f->ip) {
        uint32_t last = n.subnet | ~(~0u << (32 - n.prefix));
        struct in_addr in;
        if (inet_pton(AF_INET, f->ip, &in) != 1)
            return mc_usage_error("bad --ip '%s': give an IPv4 address", f->ip);
        c->net.want_ip = ntohl(in.s_addr);
        if (c->net.want_ip <= n.subnet || c->net.want_ip >= last ||
            c->net.want_ip == n.gateway)
            return mc_usage_error("--ip %s is not a free address of network "
                                  "'%s' (%s/%d, gateway %s)",
                                  f->ip, n.name, ct_ip_str(n.subnet, ip),
                                  n.prefix, ct_ip_str(n.gateway, gw));
    }
    for (int i = 0; i < f->naliases; i++) {
        if (!mc_valid_name(f->aliases[i]))
            return mc_usage_error("bad --network-alias '%s': use letters, "
                                  "digits, '_', '.', '-'",
                                  f->aliases[i]);
        c->net.aliases[c->net.naliases++] = f->aliases[i];
    }
    for (int i = 0; i < f->nadd_hosts; i++)
        if (configure_add_host(c, f->add_hosts[i]) == -1)
            return -1;
    for (int i = 0; i < f->npublish; i++)
        if (ports_parse(f->publish[i], &c->net.ports[c->net.nports++]) == -1)
            return -1;
    /* -P: Docker publishes what the image EXPOSEs, each on a free port. */
    for (char **p = f->exposed; f->publish_all && p && *p; p++) {
        if (c->net.nports == MC_MAX_PORTS)
            return mc_usage_error("too many ports to publish (at most %d)",
                                  MC_MAX_PORTS);
        if (ports_parse(*p, &c->net.ports[c->net.nports++]) == -1)
            return -1;
    }
    if (c->net.nports && c->net.mode != NET_BRIDGE) {
        /* Docker's warning, word for word. */
        fprintf(stderr,
                "WARNING: Published ports are discarded when using "
                "%s network mode\n",
                c->net.mode == NET_HOST ? "host" : "none");
        c->net.nports = 0;
    }
    c->net.userland_proxy =
        proxy && (!strcmp(proxy, "1") || !strcmp(proxy, "true"));
    return 0;
}

/* ---- the command ------------------------------------------------------- */

static void
network_usage(FILE *out)
{
    fprintf(out,
            "usage: minictr network create [--subnet CIDR] [--gateway IP] "
            "NAME\n"
            "       minictr network ls [-q]\n"
            "       minictr network inspect NAME...\n"
            "       minictr network rm NAME...\n"
            "\n"
            "A network is a bridge (mctr0 for the default network 'bridge', "
            "mctr-NAME\nfor the others) in this network namespace, with a "
            "private subnet.\nContainers on it (run --network NAME) reach "
            "each other; on a network of\nyour own, by name and "
            "--network-alias too (through /etc/hosts). 'none'\nand 'host' "
            "are --network modes, not networks.\n");
}

static int
network_create(int argc, char **argv)
{
    static const struct option opts[] = {
        {"subnet", required_argument, NULL, 's'},
        {"gateway", required_argument, NULL, 'g'},
        {"driver", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *subnet = NULL, *gateway = NULL, *name;
    char path[4096], ip[INET_ADDRSTRLEN];
    struct network n, old;
    struct conflict k = {0};
    struct in_addr in;
    int opt, lock, rc;

    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "+d:", opts, NULL)) != -1) {
        switch (opt) {
        case 's': subnet = optarg; break;
        case 'g': gateway = optarg; break;
        case 'd':
            if (strcmp(optarg, "bridge") != 0)
                return mc_usage_error("--driver '%s': minictr has the bridge "
                                      "driver only",
                                      optarg);
            break;
        case 'h': network_usage(stdout); return 0;
        default:
            return mc_usage_error("unknown or incomplete option '%s' (see "
                                  "'minictr network --help')",
                                  argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return mc_usage_error("usage: minictr network create [--subnet "
                              "CIDR] [--gateway IP] NAME");
    name = argv[optind];
    if (!mc_valid_name(name))
        return mc_usage_error("bad network name '%s': use letters, digits, "
                              "'_', '.', '-'",
                              name);
    if (!strcmp(name, "none") || !strcmp(name, "host") ||
        !strcmp(name, MC_DEFAULT_NETWORK)) {
        mc_error_code("network_exists");
        return ct_fail("'%s' is minictr's own (--network %s): pick another "
                       "name",
                       name, name);
    }
    if (name_network(&n, name) == -1)
        return -1;
    if (subnet && ct_parse_cidr(subnet, 8, 30, &n.subnet, &n.prefix) == -1) {
        if (errno == EADDRNOTAVAIL)
            return mc_usage_error("--subnet '%s' has host bits set: did you "
                                  "mean %s/%d?",
                                  subnet, ct_ip_str(n.subnet, ip), n.prefix);
        return mc_usage_error("--subnet '%s' is not an IPv4 subnet like "
                              "10.89.0.0/24 (prefix length 8 to 30)",
                              subnet);
    }
    if (gateway && !subnet)
        return mc_usage_error("--gateway needs --subnet");
    if (subnet) {
        uint32_t last = n.subnet | ~(~0u << (32 - n.prefix));
        n.gateway = n.subnet + 1;
        if (gateway) {
            if (inet_pton(AF_INET, gateway, &in) != 1)
                return mc_usage_error("--gateway '%s' is not an IPv4 "
                                      "address",
                                      gateway);
            n.gateway = ntohl(in.s_addr);
        }
        if (n.gateway <= n.subnet || n.gateway >= last)
            return mc_usage_error("--gateway %s is not an address of %s",
                                  ct_ip_str(n.gateway, ip), subnet);
    }
    lock = lock_records();
    if (lock == -1)
        return -1;
    record_path(name, path, sizeof(path));
    if (read_record(path, &old) == 0) {
        close(lock);
        mc_error_code("network_exists");
        return ct_fail("network '%s' exists already", name);
    }
    k.subnet = n.subnet;
    k.prefix = n.prefix;
    rc = subnet ? subnet_taken(&k, NULL) : choose_subnet(&n);
    if (rc == 1) {
        close(lock);
        mc_error_code("subnet_overlap");
        return ct_fail("--subnet %s overlaps %s", subnet, k.why);
    }
    /* Named first: the record, then the bridge. */
    if (rc == -1 || write_record(&n) == -1) {
        close(lock);
        return -1;
    }
    if (net_bridge_up(&n) == -1) {
        net_bridge_remove(&n);
        unlink(path);
        close(lock);
        return -1;
    }
    close(lock);
    printf("%s\n", n.id);
    return 0;
}

static json_object *
network_json(const struct network *n)
{
    static struct lease leases[MAX_LEASES];
    json_object *o = json_object_new_object(), *ipam, *config, *cs, *opts;
    char ip[INET_ADDRSTRLEN], cidr[32], when[64];
    bool freed = false, had = *ct_error_message();
    int lock = network_lock_leases(n), count = 0;

    if (lock >= 0) {
        count = network_read_leases(n, leases, MAX_LEASES, NULL, &freed);
        close(lock);
    }
    if (!had)
        ct_clear_error(); /* no leases to show, then */
    /* Docker's keys, so that what you know from `docker network
     * inspect` reads the same. */
    mc_format_time(n->created_ns, when, sizeof(when));
    json_object_object_add(o, "Name", json_object_new_string(n->name));
    json_object_object_add(o, "Id", json_object_new_string(n->id));
    json_object_object_add(o, "Created", json_object_new_string(when));
    json_object_object_add(o, "Scope", json_object_new_string("local"));
    json_object_object_add(o, "Driver", json_object_new_string("bridge"));
    ipam = json_object_new_object();
    config = json_object_new_object();
    snprintf(cidr, sizeof(cidr), "%s/%d", ct_ip_str(n->subnet, ip), n->prefix);
    json_object_object_add(config, "Subnet", json_object_new_string(cidr));
    json_object_object_add(config, "Gateway",
                           json_object_new_string(ct_ip_str(n->gateway, ip)));
    json_object_object_add(ipam, "Driver", json_object_new_string("default"));
    json_object_object_add(ipam, "Config", json_object_new_array());
    json_object_array_add(json_object_object_get(ipam, "Config"), config);
    json_object_object_add(o, "IPAM", ipam);
    cs = json_object_new_object();
    for (int i = 0; i < count; i++) {
        json_object *e = json_object_new_object();
        char name[64] = "";
        sscanf(leases[i].names, "%63s", name);
        snprintf(cidr, sizeof(cidr), "%s/%d", ct_ip_str(leases[i].ip, ip),
                 n->prefix);
        json_object_object_add(e, "Name", json_object_new_string(name));
        json_object_object_add(e, "IPv4Address", json_object_new_string(cidr));
        json_object_object_add(cs, leases[i].id, e);
    }
    json_object_object_add(o, "Containers", cs);
    opts = json_object_new_object();
    json_object_object_add(opts, "com.docker.network.bridge.name",
                           json_object_new_string(n->bridge));
    json_object_object_add(o, "Options", opts);
    return o;
}

struct listing {
    bool quiet, first;
};

static int
list_one(struct network *n, void *arg)
{
    struct listing *l = arg;

    if (mc_json) {
        json_object *o = network_json(n);
        printf("%s%s", l->first ? "" : ",",
               json_object_to_json_string_ext(
                   o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
    } else if (l->quiet) {
        printf("%.12s\n", n->id);
    } else {
        printf("%-15.12s%-20s%-10s%s\n", n->id, n->name, "bridge", "local");
    }
    l->first = false;
    return 0;
}

static int
network_ls(int argc, char **argv)
{
    struct listing l = {.first = true};
    struct network n;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
            l.quiet = true;
        else
            return mc_usage_error("unknown option '%s' (usage: minictr "
                                  "network ls [-q])",
                                  argv[i]);
    }
    if (network_load(MC_DEFAULT_NETWORK, &n) == -1)
        return -1;
    if (mc_json)
        printf("[");
    else if (!l.quiet)
        printf("%-15s%-20s%-10s%s\n", "NETWORK ID", "NAME", "DRIVER", "SCOPE");
    network_each(list_one, &l);
    if (mc_json)
        printf("]\n");
    return 0;
}

static int
network_inspect(int argc, char **argv)
{
    json_object *all = json_object_new_array();
    int rc = 0;

    if (argc < 2)
        return mc_usage_error("usage: minictr network inspect NAME...");
    for (int i = 1; i < argc; i++) {
        struct network n;
        if (network_load(argv[i], &n) == -1) {
            rc = -1;
            continue;
        }
        json_object_array_add(all, network_json(&n));
    }
    printf("%s\n",
           json_object_to_json_string_ext(
               all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(all);
    return rc;
}

static int
remove_one(const char *name)
{
    static struct lease leases[MAX_LEASES];
    char path[4096], dir[4096];
    struct network n;
    bool freed = false;
    int records, lock, count;

    if (!strcmp(name, MC_DEFAULT_NETWORK))
        return mc_usage_error("'%s' is the default network: it cannot be "
                              "removed",
                              name);
    if (network_load(name, &n) == -1)
        return -1;
    records = lock_records();
    if (records == -1)
        return -1;
    lock = network_lock_leases(&n);
    if (lock == -1) {
        close(records);
        return -1;
    }
    count = network_read_leases(&n, leases, MAX_LEASES, NULL, &freed);
    if (count) {
        char who[64] = "";
        sscanf(leases[0].names, "%63s", who);
        close(lock);
        close(records);
        mc_error_code("network_in_use");
        ct_set_hint("stop the containers on it first (minictr stop), then "
                    "remove the network");
        return ct_fail("network '%s' is in use by container '%s'%s", name, who,
                       count > 1 ? " and others" : "");
    }
    if (net_bridge_remove(&n) == -1) {
        close(lock);
        close(records);
        return -1;
    }
    network_lease_dir(&n, dir, sizeof(dir));
    ct_rm_rf(dir);
    record_path(name, path, sizeof(path));
    unlink(path); /* last: until here, rm can be tried again */
    close(lock);
    close(records);
    printf("%s\n", name);
    return 0;
}

int
cmd_network(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2) {
        network_usage(stderr);
        return mc_usage_error("usage: minictr network create|ls|inspect|rm");
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        network_usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "create"))
        return network_create(argc - 1, argv + 1);
    if (!strcmp(argv[1], "ls") || !strcmp(argv[1], "list"))
        return network_ls(argc - 1, argv + 1);
    if (!strcmp(argv[1], "inspect"))
        return network_inspect(argc - 1, argv + 1);
    if (!strcmp(argv[1], "rm") || !strcmp(argv[1], "remove")) {
        if (argc < 3)
            return mc_usage_error("usage: minictr network rm NAME...");
        for (int i = 2; i < argc; i++)
            if (remove_one(argv[i]) == -1)
                rc = -1;
        return rc;
    }
    return mc_usage_error("unknown network command '%s' (create, ls, "
                          "inspect, rm)",
                          argv[1]);
}
