// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * net.c - the connections and DNS queries of scripts, kept one record per
 * (owner, endpoint, name) with a count, for network-egress and dns-query
 * to judge at finish, when the registries are known.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "analyzer.h"
#include "netaddr.h"

void net_endpoint(const struct event_view *v, char *ap, size_t aplen, char *ep, size_t eplen)
{
	int type = v->ev->arg[2] & 0xffff;
	const char *proto = type == SOCK_DGRAM ? "udp" : type == SOCK_STREAM ? "tcp" : "ip";

	netaddr_endpoint(v->addr ? v->addr : "?", (unsigned)v->ev->arg[1], ap, aplen);
	snprintf(ep, eplen, "%s/%s", ap, proto);
}

void net_add(struct analyzer *an, struct proc *p, const struct event_view *v, bool dns,
	     const char *ap, const char *ep, const char *name)
{
	char key[1024];
	size_t idx;
	int r;
	struct netrec *n;

	snprintf(key, sizeof(key), "%d\x1%d\x1%s\x1%s", p->owner, dns, ep, name ? name : "");
	r = strmap_add(&an->net_keys, key, &idx);
	if (r < 0) {
		if (r == -ENOMEM)
			an->oom = true;
		return;
	}
	if (r == 0) {
		an->net[idx].count++;
		if (v->ev->type == PT_EV_SEND)
			an->net[idx].last_send_ns = v->ev->time_ns;
		return;
	}
	if (!(idx & (idx + 1)) || !an->net) {
		struct netrec *nv = realloc(an->net, (idx + 1) * 2 * sizeof(*nv));

		if (!nv) {
			an->oom = true;
			return;
		}
		an->net = nv;
	}
	n = &an->net[idx];
	memset(n, 0, sizeof(*n));
	n->owner = p->owner;
	n->dns = dns;
	n->endpoint = xstrdup(an, ep);
	n->addrport = xstrdup(an, ap);
	n->name = xstrdup(an, name);
	n->pid = v->ev->pid;
	n->time_ns = v->ev->time_ns;
	n->event = event_type_name(v->ev->type);
	n->count = 1;
	n->last_send_ns = v->ev->type == PT_EV_SEND ? v->ev->time_ns : 0;
}

/* A query name carries data when it is longer than host names are: a
 * label of 20 characters or more (12 bytes of base32), or a name of 64 or
 * more (the data split across shorter labels). */
static bool dns_name_carries_data(const char *name)
{
	size_t label = 0;

	if (!name || strlen(name) >= 64)
		return name != NULL;
	for (const char *s = name; *s; s++) {
		label = *s == '.' ? 0 : label + 1;
		if (label >= 20)
			return true;
	}
	return false;
}

int net_exfil_sev(struct analyzer *an, const struct netrec *n, const struct strmap *registry,
		  const char **why)
{
	const struct owner *o = an->owners[n->owner];
	bool left;

	*why = "";
	if (!o->cred_ns || (!n->dns && strmap_find(registry, n->addrport) >= 0))
		return -1;
	/* a datagram after the read: its payload (or, to port 53, its query
	 * name) is what left; a TCP connection's bytes are not traced */
	left = n->last_send_ns > o->cred_ns &&
	       (n->dns ? dns_name_carries_data(n->name) : true);
	*why = left ? ", after reading secrets: data left in its datagrams (exfiltration)"
		    : ", after reading secrets (exfiltration)";
	return left ? SEV_CRITICAL : SEV_HIGH;
}

void net_mark_egress(struct analyzer *an, const struct strmap *registry)
{
	for (size_t i = 0; i < an->net_keys.n; i++) {
		struct netrec *n = &an->net[i];

		if (!n->dns && strmap_find(registry, n->addrport) < 0)
			an->owners[n->owner]->egress = true;
	}
}
