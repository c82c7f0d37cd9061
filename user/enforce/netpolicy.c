// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * netpolicy.c - what an enforced install may reach (enforce.h): the
 * registries of its package manager's configuration, resolved at start,
 * the system's resolvers for DNS (and only for the registry names), and
 * unix sockets under its own directories; loaded into bpf/enforce.bpf.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <json-c/json.h>
#include "analyze.h"
#include "enforce.skel.h"
#include "enforce/enforce.h"
#include "facts.h"
#include "netaddr.h"
#include "strmap.h"

#define MAX_EPS 1024
#define ATTACH_UNIX_CONNECT 49 /* BPF_CGROUP_UNIX_CONNECT (6.7): newer than this libbpf's UAPI */
#define ATTACH_UNIX_SENDMSG 50 /* BPF_CGROUP_UNIX_SENDMSG */
#define NLINKS 7

struct enf_policy {
	struct pt_enf_ep eps[MAX_EPS];
	uint8_t ep_flags[MAX_EPS];
	int neps;
	struct strmap allowed;    /* "addr:port" of the registries, for the report */
	struct strmap resolvers;  /* "addr:port" */
	struct strmap names;      /* DNS names allowed */
	struct strmap dirs;       /* unix socket directories, with their '/' */
	struct enforce_bpf *skel;
	struct bpf_link *links[NLINKS];
	bool unix_enforced;
};

static int ep_add(struct enf_policy *p, int family, const void *addr, unsigned port, uint8_t flag)
{
	struct pt_enf_ep k = { .family = (uint8_t)family, .port = (uint16_t)port };
	char text[NETADDR_MAX], ep[NETADDR_MAX + 16];

	memcpy(k.addr, addr, family == AF_INET ? 4 : 16);
	netaddr_format(family, addr, family == AF_INET ? 4 : 16, text, sizeof(text));
	netaddr_endpoint(text, port, ep, sizeof(ep));
	if (strmap_add(flag & PT_ENF_RESOLVER ? &p->resolvers : &p->allowed, ep, NULL) == -ENOMEM)
		return -ENOMEM;
	for (int i = 0; i < p->neps; i++)
		if (!memcmp(&p->eps[i], &k, sizeof(k))) {
			p->ep_flags[i] |= flag;
			return 0;
		}
	if (p->neps >= MAX_EPS)
		return -ENOSPC;
	p->eps[p->neps] = k;
	p->ep_flags[p->neps++] = flag;
	return 0;
}

/* host (a name or an IP literal) at port: every address it resolves to
 * now; a name is also a DNS name the install may ask for. */
static int host_add(struct enf_policy *p, const char *host, unsigned port, const char *what,
		    char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	unsigned char bin[16];
	char name[PT_ENF_NAME_MAX];
	int r;

	if (inet_pton(AF_INET, host, bin) == 1)
		return ep_add(p, AF_INET, bin, port, PT_ENF_REGISTRY);
	if (inet_pton(AF_INET6, host, bin) == 1)
		return ep_add(p, AF_INET6, bin, port, PT_ENF_REGISTRY);
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r) {
		snprintf(err, errlen, "--enforce: %s host '%s' does not resolve (%s)", what, host,
			 r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -EHOSTUNREACH;
	}
	for (struct addrinfo *a = res; a && !r; a = a->ai_next) {
		if (a->ai_family == AF_INET)
			r = ep_add(p, AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr, port,
				   PT_ENF_REGISTRY);
		else if (a->ai_family == AF_INET6)
			r = ep_add(p, AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, port,
				   PT_ENF_REGISTRY);
	}
	freeaddrinfo(res);
	/* the key the BPF side builds from a query: lowercase, no final dot */
	snprintf(name, sizeof(name), "%s", host);
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (*name && name[strlen(name) - 1] == '.')
		name[strlen(name) - 1] = '\0';
	if (!r && *name && strmap_add(&p->names, name, NULL) == -ENOMEM)
		r = -ENOMEM;
	return r;
}

/* HOST, HOST:PORT, [V6]:PORT, or a URL. */
static int allow_add(struct enf_policy *p, const char *spec, char *err, size_t errlen)
{
	char host[256], url[300];
	unsigned char bin[16];
	unsigned port = 443;
	const char *colon = strrchr(spec, ':'), *rb = strchr(spec, ']');
	bool port_ok = true;

	if (strstr(spec, "://")) {
		snprintf(url, sizeof(url), "%s", spec);
	} else if (inet_pton(AF_INET6, spec, bin) == 1) {
		snprintf(url, sizeof(url), "https://[%s]", spec); /* a bare IPv6 address */
	} else {
		/* HOST, HOST:PORT or [V6]:PORT: one colon outside brackets, digits after it */
		if (colon && (!rb || colon > rb))
			port_ok = colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
				  (rb || strchr(spec, ':') == colon);
		snprintf(url, sizeof(url), "https://%s", spec);
	}
	if (!port_ok || analyze_url_host(url, host, sizeof(host), &port) || port == 0 || port > 65535) {
		snprintf(err, errlen, "--allow: '%s' is not HOST[:PORT]", spec);
		return -EINVAL;
	}
	return host_add(p, host, port, "--allow", err, errlen);
}

/* The nameservers of /etc/resolv.conf, port 53; with none, glibc's
 * default (the local host). */
static int resolvers_add(struct enf_policy *p)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	char line[512], ns[128];
	unsigned char bin[16];
	int err = 0, n = 0;

	while (f && fgets(line, sizeof(line), f) && !err) {
		if (sscanf(line, " nameserver %127s", ns) != 1)
			continue;
		ns[strcspn(ns, "%")] = '\0'; /* an IPv6 scope */
		if (inet_pton(AF_INET, ns, bin) == 1)
			err = ep_add(p, AF_INET, bin, 53, PT_ENF_RESOLVER);
		else if (inet_pton(AF_INET6, ns, bin) == 1)
			err = ep_add(p, AF_INET6, bin, 53, PT_ENF_RESOLVER);
		else
			continue;
		n++;
	}
	if (f)
		fclose(f);
	if (!err && !n) {
		inet_pton(AF_INET, "127.0.0.1", bin);
		err = ep_add(p, AF_INET, bin, 53, PT_ENF_RESOLVER);
	}
	return err;
}

/* The registries of the package manager the command runs, when its
 * configuration names none: npm's, or PyPI's (index and files). */
static void default_registries(const struct session_info *si, struct strmap *urls)
{
	bool py = false;

	for (int i = 0; i < si->argc && i < 3 && si->argv[i]; i++) {
		const char *base = strrchr(si->argv[i], '/');

		base = base ? base + 1 : si->argv[i];
		py = py || !strncmp(base, "pip", 3) || !strncmp(base, "python", 6) ||
		     !strcmp(base, "uv") || !strcmp(base, "poetry");
	}
	if (py) {
		strmap_add(urls, "https://pypi.org/simple", NULL);
		strmap_add(urls, "https://files.pythonhosted.org", NULL);
	} else {
		strmap_add(urls, "https://registry.npmjs.org/", NULL);
	}
}

/* The hosts of the URLs among urls (a pip find-links folder is none);
 * returns how many, *r the first error. */
static int urls_add(struct enf_policy *p, const struct strmap *urls, int *r, char *err, size_t errlen)
{
	int n = 0;

	for (size_t i = 0; i < urls->n && !*r; i++) {
		char host[256];
		unsigned port;

		if (analyze_url_host(urls->items[i], host, sizeof(host), &port))
			continue;
		*r = host_add(p, host, port, "registry", err, errlen);
		n++;
	}
	return n;
}

/* shared_dir: the root, or a temporary directory every program on the
 * machine uses: other programs' sockets are under it. */
static bool shared_dir(const char *dir)
{
	static const char *const shared[] = { "/", "/tmp", "/var/tmp", "/dev/shm", "/run", "/var/run", NULL };
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (size_t i = 0; shared[i]; i++)
		if (strlen(shared[i]) == n && !strncmp(dir, shared[i], n))
			return true;
	return false;
}

static int dir_add(struct enf_policy *p, const char *dir)
{
	char d[4096];

	if (!dir || dir[0] != '/' || strlen(dir) + 2 > sizeof(d))
		return 0;
	snprintf(d, sizeof(d), "%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
	return strmap_add(&p->dirs, d, NULL) == -ENOMEM ? -ENOMEM : 0;
}

int enf_policy_new(const struct baseline *bl, const struct session_info *si, const char *const *allow,
		   int nallow, char *err, size_t errlen, struct enf_policy **out)
{
	struct enf_policy *p = calloc(1, sizeof(*p));
	struct facts *facts = facts_new(1); /* not the run's: nothing recorded twice */
	struct strmap urls;
	const char *tmp = session_getenv(si, "TMPDIR");
	int r = -ENOMEM;

	*out = NULL;
	strmap_init(&urls, 0);
	if (!p || !facts)
		goto cleanup;
	strmap_init(&p->allowed, 0);
	strmap_init(&p->resolvers, 0);
	strmap_init(&p->names, 0);
	strmap_init(&p->dirs, 0);
	r = analyze_registry_urls(bl, si, facts, &urls);
	if (!r && !urls_add(p, &urls, &r, err, errlen)) {
		strmap_clear(&urls);
		default_registries(si, &urls);
		urls_add(p, &urls, &r, err, errlen);
	}
	for (int i = 0; i < nallow && !r; i++)
		r = allow_add(p, allow[i], err, errlen);
	if (!r)
		r = resolvers_add(p);
	/* the project and TMPDIR only when they are the install's own: a shared
	 * /tmp holds other programs' sockets (tmux, ssh-agent, X11), the way out
	 * of the box, and an install run from / (a Dockerfile's default
	 * WORKDIR) would otherwise reach every socket, docker.sock included */
	if (!r && si->cwd && !shared_dir(si->cwd))
		r = dir_add(p, si->cwd);
	if (!r && tmp && tmp[0] == '/' && !shared_dir(tmp))
		r = dir_add(p, tmp);
	if (r == -ENOSPC)
		snprintf(err, errlen, "--enforce: more than %d allowed endpoints", MAX_EPS);
	else if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (!r) {
		*out = p;
		p = NULL;
	}
cleanup:
	strmap_clear(&urls);
	facts_free(facts);
	enf_policy_free(p);
	return r;
}

static int maps_fill(struct enf_policy *p)
{
	char key[PT_ENF_NAME_MAX];
	int fd = bpf_map__fd(p->skel->maps.allow_ep);

	for (int i = 0; i < p->neps; i++)
		if (bpf_map_update_elem(fd, &p->eps[i], &p->ep_flags[i], BPF_ANY))
			return -errno;
	fd = bpf_map__fd(p->skel->maps.dns_names);
	for (size_t i = 0; i < p->names.n; i++) {
		uint8_t one = 1;

		memset(key, 0, sizeof(key));
		snprintf(key, sizeof(key), "%s", p->names.items[i]);
		if (bpf_map_update_elem(fd, key, &one, BPF_ANY))
			return -errno;
	}
	fd = bpf_map__fd(p->skel->maps.unix_dirs);
	for (uint32_t i = 0; i < p->dirs.n && i < PT_ENF_UNIX_DIRS; i++) {
		struct pt_enf_dir d = { 0 };

		if (strlen(p->dirs.items[i]) >= sizeof(d.path))
			continue; /* too long for the kernel's copy: no socket is allowed there */
		d.len = (uint32_t)strlen(p->dirs.items[i]);
		memcpy(d.path, p->dirs.items[i], d.len);
		if (bpf_map_update_elem(fd, &i, &d, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* Opens, points the records at the tracer's rings, loads; unix hooks
 * included when unix is true. */
static int skel_load(struct enf_policy *p, int rings_fd, bool unix_hooks)
{
	int err;

	p->skel = enforce_bpf__open();
	if (!p->skel)
		return -errno;
	err = bpf_map__reuse_fd(p->skel->maps.rings, rings_fd);
	if (!err && unix_hooks) {
		bpf_program__set_expected_attach_type(p->skel->progs.enf_connect_unix,
						      (enum bpf_attach_type)ATTACH_UNIX_CONNECT);
		bpf_program__set_expected_attach_type(p->skel->progs.enf_sendmsg_unix,
						      (enum bpf_attach_type)ATTACH_UNIX_SENDMSG);
	} else if (!err) {
		bpf_program__set_autoload(p->skel->progs.enf_connect_unix, false);
		bpf_program__set_autoload(p->skel->progs.enf_sendmsg_unix, false);
	}
	if (!err)
		err = enforce_bpf__load(p->skel);
	if (err) {
		enforce_bpf__destroy(p->skel);
		p->skel = NULL;
	}
	return err;
}

int enf_policy_attach(struct enf_policy *p, int cgroup_fd, int rings_fd, char *err, size_t errlen)
{
	struct bpf_program *progs[NLINKS];
	int n = 0, r;

	/* the unix hooks need Linux 6.7: without them, the rest still loads */
	r = skel_load(p, rings_fd, true);
	p->unix_enforced = r == 0;
	if (r)
		r = skel_load(p, rings_fd, false);
	if (r) {
		snprintf(err, errlen, "--enforce: cannot load the network policy into the kernel: %s",
			 strerror(-r));
		return r;
	}
	r = maps_fill(p);
	if (r) {
		snprintf(err, errlen, "--enforce: cannot fill the policy maps: %s", strerror(-r));
		return r;
	}
	progs[n++] = p->skel->progs.enf_connect4;
	progs[n++] = p->skel->progs.enf_connect6;
	progs[n++] = p->skel->progs.enf_sendmsg4;
	progs[n++] = p->skel->progs.enf_sendmsg6;
	if (p->unix_enforced) {
		progs[n++] = p->skel->progs.enf_connect_unix;
		progs[n++] = p->skel->progs.enf_sendmsg_unix;
	}
	/* The packet check is attached without a link: a link is detached when
	 * pkgtrace exits, but an orphaned TCP socket of the install (its process
	 * killed, its data refused) is retransmitted by the kernel for minutes
	 * after, and would then be sent unjudged (a DNS query over TCP to the
	 * resolver arrived 0.4 s after pkgtrace exited).  Attached this way it
	 * stays until the removed cgroup is released, which the kernel does only
	 * after the last socket made in it is freed. */
	if (bpf_prog_attach(bpf_program__fd(p->skel->progs.enf_egress), cgroup_fd,
			    BPF_CGROUP_INET_EGRESS, BPF_F_ALLOW_MULTI)) {
		r = -errno;
		snprintf(err, errlen, "--enforce: cannot attach enf_egress to the install's cgroup: %s",
			 strerror(-r));
		return r;
	}
	for (int i = 0; i < n; i++) {
		p->links[i] = bpf_program__attach_cgroup(progs[i], cgroup_fd);
		if (!p->links[i]) {
			r = -errno;
			p->links[i] = NULL;
			snprintf(err, errlen, "--enforce: cannot attach %s to the install's cgroup: %s",
				 bpf_program__name(progs[i]), strerror(-r));
			return r;
		}
	}
	return 0;
}

bool enf_policy_unix_enforced(const struct enf_policy *p)
{
	return p && p->unix_enforced;
}

uint64_t enf_policy_blocked(const struct enf_policy *p, uint64_t *lost)
{
	uint64_t sum = 0, v;

	*lost = 0;
	if (!p || !p->skel)
		return 0;
	for (uint32_t k = 0; k < PT_BLK_MAX; k++) {
		v = 0;
		bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.blocked), &k, &v);
		if (k == 0)
			*lost = v;
		else
			sum += v;
	}
	return sum;
}

void enf_policy_free(struct enf_policy *p)
{
	if (!p)
		return;
	for (int i = 0; i < NLINKS; i++)
		bpf_link__destroy(p->links[i]);
	enforce_bpf__destroy(p->skel);
	strmap_clear(&p->allowed);
	strmap_clear(&p->resolvers);
	strmap_clear(&p->names);
	strmap_clear(&p->dirs);
	free(p);
}

int enf_unix_supported(void)
{
	struct enforce_bpf *skel = enforce_bpf__open();
	int err;

	if (!skel)
		return -errno;
	/* only the unix program: a load refused for its attach type says it */
	for (struct bpf_program *prog = bpf_object__next_program(skel->obj, NULL); prog;
	     prog = bpf_object__next_program(skel->obj, prog))
		bpf_program__set_autoload(prog, prog == skel->progs.enf_connect_unix);
	bpf_program__set_expected_attach_type(skel->progs.enf_connect_unix,
					      (enum bpf_attach_type)ATTACH_UNIX_CONNECT);
	err = enforce_bpf__load(skel);
	enforce_bpf__destroy(skel);
	if (err == -EPERM)
		return err;
	return err ? 0 : 1;
}

/* ---- the report's enforcement object ------------------------------------ */

static struct json_object *strmap_json(const struct strmap *m)
{
	struct json_object *a = json_object_new_array();
	const char **sorted = strmap_sorted(m);

	for (size_t i = 0; a && sorted && i < m->n; i++)
		json_object_array_add(a, json_object_new_string(sorted[i]));
	free(sorted);
	return a;
}

char *enf_summary_json(const struct enf_summary *s)
{
	struct json_object *o = json_object_new_object(), *net = NULL, *counts, *ne;
	char *text = NULL;

	if (!o)
		return NULL;
	json_object_object_add(o, "mode", json_object_new_string(s->mode));
	json_object_object_add(o, "cgroup", s->cgroup ? json_object_new_string(s->cgroup) : NULL);
	if (s->net) {
		net = json_object_new_object();
		json_object_object_add(net, "allowed", strmap_json(&s->net->allowed));
		json_object_object_add(net, "resolvers", strmap_json(&s->net->resolvers));
		json_object_object_add(net, "dns_names", strmap_json(&s->net->names));
		json_object_object_add(net, "unix_dirs", strmap_json(&s->net->dirs));
	}
	json_object_object_add(o, "network", net);
	counts = json_object_new_object();
	json_object_object_add(counts, "blocked", json_object_new_int64((int64_t)s->blocked));
	json_object_object_add(counts, "killed", json_object_new_int64((int64_t)s->killed));
	json_object_object_add(o, "counts", counts);
	ne = json_object_new_array();
	for (int i = 0; i < s->nnot_enforced; i++)
		json_object_array_add(ne, json_object_new_string(s->not_enforced[i]));
	json_object_object_add(o, "not_enforced", ne);
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}
