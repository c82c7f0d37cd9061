// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* network-egress: a script connected to something that is not a
 * configured registry (high when it also ran what it fetched: dropper;
 * high when it read secrets in the same install, critical when a datagram
 * carried data out after the read: net_exfil_sev). */
#include <stdio.h>
#include "rules.h"

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
