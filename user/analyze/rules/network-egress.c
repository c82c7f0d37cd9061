// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* network-egress: a script connected to something that is not a
 * configured registry (high when it also ran what it fetched: dropper;
 * high when it read secrets in the same install, critical when a datagram
 * carried data out after the read: net_exfil_sev). */
#include <stdio.h>
#include "rules.h"

/* --enforce refused a connection or a datagram (bpf/enforce.bpf.c): the
 * same finding as the connection would have made, marked blocked; any
 * owner's, the package manager's too (nothing it may reach was refused). */
void network_egress_on_event(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	uint32_t kind = (uint32_t)(ev->arg[2] >> 32);
	char ap[128], ep[160], summary[512];
	struct finding *f;

	if (ev->type != PT_EV_NET_BLOCKED || (kind != PT_BLK_CONNECT && kind != PT_BLK_SENDMSG &&
					      kind != PT_BLK_PACKET))
		return;
	net_endpoint(a->v, ap, sizeof(ap), ep, sizeof(ep));
	snprintf(summary, sizeof(summary), "%s %s %s, which is not a configured registry: blocked",
		 owner_label(an, a->p->owner), kind == PT_BLK_CONNECT ? "tried to connect to" :
		 kind == PT_BLK_SENDMSG ? "tried to send datagrams to" : "tried to send packets to", ep);
	f = finding_add(an, R_NETWORK_EGRESS, SEV_MEDIUM, a->p->owner, ep, summary);
	if (!f)
		return;
	f->action = "blocked";
	evidence_event(an, f, a->v, NULL, ep, NULL);
}

void network_egress_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	for (size_t i = 0; i < an->net_keys.n; i++) {
		struct netrec *n = &an->net[i];
		struct owner *o = an->owners[n->owner];
		char summary[512];
		struct finding *f;
		struct evidence *e;
		const char *why;
		int sev, exfil;

		if (n->dns || strmap_find(fc->registry, n->addrport) >= 0)
			continue;
		exfil = net_exfil_sev(an, n, fc->registry, &why);
		sev = exfil > SEV_MEDIUM ? exfil : o->dropped ? SEV_HIGH : SEV_MEDIUM;
		f = finding_find(an, R_NETWORK_EGRESS, n->owner, n->endpoint);
		if (f && f->action) {
			/* refused by --enforce: the failed calls are the same
			 * attempts; what it read before still ranks it */
			if (exfil > f->sev)
				f->sev = exfil;
			continue;
		}
		snprintf(summary, sizeof(summary), "%s %s %s, which is not a configured registry%s%s",
			 owner_label(an, n->owner), n->last_send_ns ? "sent datagrams to" : "connected to",
			 n->endpoint, o->dropped ? ", and ran what it fetched" : "", why);
		f = finding_add(an, R_NETWORK_EGRESS, sev, n->owner, n->endpoint, summary);
		if (!f)
			continue;
		f->count += n->count - 1;
		if ((e = evidence_add(f, n->pid, n->time_ns, n->event)))
			e->endpoint = xstrdup(an, n->endpoint);
	}
}
