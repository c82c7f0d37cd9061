// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * dropper: a file written during the install by a package's script was
 * then executed or loaded (.so, .node).  A package running a copy of its
 * own shipped binary inside its own folder is not one, unless it (or the
 * runner) also fetched something from the network.
 */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "pathclass.h"

void dropper_on_exec(struct analyzer *an, const struct act *a)
{
	int w;

	if (a->o->kind != OWN_PACKAGE || a->v->ev->ret != 0 || !a->exe)
		return;
	if ((w = written_owner_of(an, a->exe)) >= 0)
		cand_add(an, &an->drops, a->exe, w, a->p->owner, a->exe, a->argv, a->alen, a->v);
}

/* loading a library written during the install */
void dropper_on_read(struct analyzer *an, const struct act *a)
{
	int w;

	if (a->v->ev->ret < 0 || !(has_suffix(a->path, ".so") || strstr(a->path, ".so.") || has_suffix(a->path, ".node")))
		return;
	if ((w = written_owner_of(an, a->path)) >= 0)
		cand_add(an, &an->drops, a->path, w, a->p->owner, a->path, NULL, 0, a->v);
}

void dropper_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	(void)fc;
	for (size_t i = 0; i < an->drops.keys.n; i++) {
		struct cand *c = &an->drops.v[i];
		struct owner *w = an->owners[c->owner];
		char summary[512];

		if (w->kind != OWN_PACKAGE)
			continue;
		if (w->path && path_under(c->path, w->path) && !w->egress && !an->owners[c->other]->egress)
			continue;
		w->dropped = true;
		an->owners[c->other]->dropped = true;
		snprintf(summary, sizeof(summary), "%s %s a file written during the install: %s", owner_label(an, c->owner),
			 strcmp(c->event, "exec") ? "loaded" : "executed", c->path);
		evidence_cand(an, finding_add(an, R_DROPPER, SEV_HIGH, c->owner, c->path, summary), c);
	}
}
