// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* privilege-change: a package's script set setuid/setgid bits, used
 * ptrace on another process, or changed its credentials (set*id). */
#include <stdio.h>
#include "rules.h"

void privilege_change_on_chmod(struct analyzer *an, const struct act *a)
{
	char summary[512];

	if (a->o->kind != OWN_PACKAGE || !(a->v->ev->arg[0] & 06000))
		return;
	snprintf(summary, sizeof(summary), "%s set setuid/setgid bits on %s", owner_label(an, a->p->owner), a->path);
	evidence_event(an, finding_add(an, R_PRIVILEGE_CHANGE, SEV_HIGH, a->p->owner, "setuid-bit", summary),
		       a->v, a->path, NULL, NULL);
}

void privilege_change_on_cred(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	char summary[512];
	const char *key;

	if (ev->type == PT_EV_PTRACE) {
		/* PTRACE_TRACEME (0) names no target; tracing itself is no attack */
		if (ev->arg[0] == 0 || ev->arg[1] == ev->pid || ev->arg[1] == ev->tid)
			return;
		snprintf(summary, sizeof(summary), "%s used ptrace on pid %llu", owner_label(an, a->p->owner),
			 (unsigned long long)ev->arg[1]);
		key = "ptrace";
	} else if (ev->type == PT_EV_SETID) {
		snprintf(summary, sizeof(summary), "%s changed its credentials (set*id kind %llu to %lld)",
			 owner_label(an, a->p->owner), (unsigned long long)ev->arg[0], (long long)ev->arg[1]);
		key = "setid";
	} else {
		return;
	}
	evidence_event(an, finding_add(an, R_PRIVILEGE_CHANGE, SEV_HIGH, a->p->owner, key, summary),
		       a->v, NULL, NULL, NULL);
}
