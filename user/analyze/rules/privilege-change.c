// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* privilege-change: a package's script set setuid/setgid bits, used
 * ptrace on another process, or gained privileges by a set*id call
 * (high; other credential changes are info). */
#include <stdio.h>
#include <string.h>
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

/* holds: id is one of ids (real, effective, saved) */
static bool holds(const uint32_t ids[3], uint32_t id)
{
	return ids[0] == id || ids[1] == id || ids[2] == id;
}

/* A set*id call is judged by what it changed (analyze.c gives the ids
 * before and after; -1 asks for no change, and a failed call changes
 * nothing): a gain of privilege (an id 0 the process did not hold, or an
 * effective id it did not hold, without being root) is high; a root
 * process dropping privileges, or one shuffling ids it held, is info. */
static void setid_judge(struct analyzer *an, const struct act *a)
{
	const char *who = owner_label(an, a->p->owner), *what = a->ids_gid ? "gid" : "uid";
	const uint32_t *was = a->ids_before, *now = a->ids_after;
	bool root = a->p->ids_known[0] && (a->ids_gid ? a->p->ids[0][1] : was[1]) == 0;
	bool gain;
	char summary[512], key[64];

	if (a->ids_known && !memcmp(was, now, 3 * sizeof(*was)))
		return;
	if (!a->ids_known) { /* nothing to compare with: only a change to 0 says something */
		if (root || !holds(now, 0))
			return;
		snprintf(summary, sizeof(summary), "%s gained privileges: %s now %u/%u/%u (real/effective/saved)",
			 who, what, now[0], now[1], now[2]);
		gain = true;
	} else if ((gain = !root && ((holds(now, 0) && !holds(was, 0)) || !holds(was, now[1]))))
		snprintf(summary, sizeof(summary), "%s gained privileges: %s %u/%u/%u -> %u/%u/%u (real/effective/saved)",
			 who, what, was[0], was[1], was[2], now[0], now[1], now[2]);
	else
		snprintf(summary, sizeof(summary), "%s changed its %s: %u/%u/%u -> %u/%u/%u (real/effective/saved)",
			 who, what, was[0], was[1], was[2], now[0], now[1], now[2]);
	snprintf(key, sizeof(key), "setid-%s%s", what, gain ? "-gain" : "");
	evidence_event(an, finding_add(an, R_PRIVILEGE_CHANGE, gain ? SEV_HIGH : SEV_INFO, a->p->owner, key, summary),
		       a->v, NULL, NULL, NULL);
}

void privilege_change_on_cred(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	char summary[512];

	if (ev->type == PT_EV_SETID) {
		setid_judge(an, a);
		return;
	}
	if (ev->type != PT_EV_PTRACE)
		return;
	/* PTRACE_TRACEME (0) names no target; tracing itself is no attack */
	if (ev->arg[0] == 0 || ev->arg[1] == ev->pid || ev->arg[1] == ev->tid)
		return;
	snprintf(summary, sizeof(summary), "%s used ptrace on pid %llu", owner_label(an, a->p->owner),
		 (unsigned long long)ev->arg[1]);
	evidence_event(an, finding_add(an, R_PRIVILEGE_CHANGE, SEV_HIGH, a->p->owner, "ptrace", summary),
		       a->v, NULL, NULL, NULL);
}
