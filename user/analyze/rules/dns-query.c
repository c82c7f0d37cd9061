// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* dns-query: a script sent DNS queries itself (high to a resolver of its
 * own choosing, medium to one of /etc/resolv.conf; high when it read
 * secrets in the same install, critical when a query name after the read
 * is long enough to carry them: net_exfil_sev). */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "netaddr.h"

/* --enforce dropped a DNS query for a name that is no registry's (or a
 * malformed one): the install's query never left; marked blocked. */
void dns_query_on_event(struct analyzer *an, const struct act *a)
{
	const struct event_view *v = a->v;
	const struct pt_event *ev = v->ev;
	const char *name = v->dns && v->dns[0] ? v->dns : NULL;
	char ap[128], ep[160], summary[512], key[400];
	struct finding *f;

	if (ev->type != PT_EV_NET_BLOCKED || (ev->arg[2] >> 32) != PT_BLK_DNS)
		return;
	net_endpoint(v, ap, sizeof(ap), ep, sizeof(ep));
	if (name)
		snprintf(summary, sizeof(summary), "%s looked up %.256s (DNS via %s), not a registry's name: blocked",
			 owner_label(an, a->p->owner), name, ap);
	else
		snprintf(summary, sizeof(summary), "%s sent a malformed DNS query to %s: blocked",
			 owner_label(an, a->p->owner), ap);
	snprintf(key, sizeof(key), "blocked %s", name ? name : "malformed");
	f = finding_add(an, R_DNS_QUERY, SEV_MEDIUM, a->p->owner, key, summary);
	if (!f)
		return;
	f->action = "blocked";
	evidence_event(an, f, v, NULL, ep, name);
}

void dns_query_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	struct strmap resolvers;
	const char *resolv = fact(fc->facts, "/etc/resolv.conf", 65536);

	strmap_init(&resolvers, 64);
	for (const char *line = resolv; line && *line;) {
		char ns[128], ep[160];

		if (sscanf(line, "nameserver %127s", ns) == 1) {
			netaddr_endpoint(ns, 53, ep, sizeof(ep));
			strmap_add(&resolvers, ep, NULL);
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	for (size_t i = 0; i < an->net_keys.n; i++) {
		struct netrec *n = &an->net[i];
		char summary[512];
		struct finding *f;
		struct evidence *e;
		const char *why;
		int sev, exfil;
		bool own;

		if (!n->dns)
			continue;
		own = strmap_find(&resolvers, n->addrport) < 0;
		exfil = net_exfil_sev(an, n, fc->registry, &why);
		sev = own ? SEV_HIGH : SEV_MEDIUM;
		if (exfil > sev)
			sev = exfil;
		/* the query is what it asked; the resolver only says how */
		if (n->name)
			snprintf(summary, sizeof(summary), "%s looked up %s (DNS via %s%s)%s", owner_label(an, n->owner),
				 n->name, n->addrport, own ? ", a resolver of its own choosing" : "", why);
		else
			snprintf(summary, sizeof(summary), "%s tried a DNS lookup, name not captured (via %s%s)%s",
				 owner_label(an, n->owner), n->addrport, own ? ", a resolver of its own choosing" : "",
				 why);
		f = finding_add(an, R_DNS_QUERY, sev, n->owner, n->addrport, summary);
		if (!f)
			continue;
		f->count += n->count - 1;
		if (!(e = evidence_add(f, n->pid, n->time_ns, n->event)))
			continue;
		e->endpoint = xstrdup(an, n->endpoint);
		e->dns = xstrdup(an, n->name);
	}
	strmap_clear(&resolvers);
}
