// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* credential-access: a package's script read credentials (pathclass.h:
 * tokens, keys, browser stores) or another process's secrets. */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "pathclass.h"

void credential_access_on_read(struct analyzer *an, const struct act *a)
{
	const char *cat = pathclass_credential(a->path, an->home, a->v->ev->pid);
	char item[4200], summary[512];
	struct finding *f;

	/* a package manager a script started reads its own config */
	if (!cat || (a->p->is_pm && (!strcmp(cat, "npm-token") || !strcmp(cat, "pypi-token"))))
		return;
	if (!a->o->cred_ns)
		a->o->cred_ns = a->v->ev->time_ns ? a->v->ev->time_ns : 1;
	snprintf(item, sizeof(item), "%s %s", cat, a->path);
	prof_add(an, a->p->owner, PS_READS, item);
	snprintf(summary, sizeof(summary), "%s read %s secrets: %s", owner_label(an, a->p->owner), cat, a->path);
	f = finding_add(an, R_CREDENTIAL_ACCESS, SEV_HIGH, a->p->owner, cat, summary);
	evidence_event(an, f, a->v, a->path, NULL, NULL);
}
