// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* listen-socket: a package's script listened on an IP socket (a backdoor,
 * or a dev server that has no business running at install time). */
#include <stdio.h>
#include "rules.h"

void listen_socket_on_net(struct analyzer *an, const struct act *a)
{
	char summary[512];

	if (a->v->ev->type != PT_EV_LISTEN)
		return;
	snprintf(summary, sizeof(summary), "%s listened on %s", owner_label(an, a->p->owner), a->endpoint);
	evidence_event(an, finding_add(an, R_LISTEN_SOCKET, SEV_MEDIUM, a->p->owner, a->endpoint, summary),
		       a->v, NULL, a->endpoint, NULL);
}
