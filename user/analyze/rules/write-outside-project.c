// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* write-outside-project: a package wrote outside the project, its own
 * folder and the places the baseline expects (medium); the package
 * manager wrote outside its usual places and its configured caches (low). */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "baseline.h"
#include "pathclass.h"

/* The package manager's writes outside its usual places wait for the
 * finish, where its configuration files name its cache directories. */
void write_outside_project_on_write(struct analyzer *an, const struct act *a)
{
	char summary[512];
	struct finding *f;

	if (a->persist) /* persistence says more */
		return;
	if (a->place == WP_PM) {
		/* the bulk of an install's writes (node_modules): usual without
		 * matching the baseline's patterns one by one */
		if (an->project && path_under(a->path, an->project) && strcmp(a->path, an->project))
			return;
		if (baseline_match(an->bl, BL_PM_WRITE, a->path,
				   &(struct bl_vars){ an->project, an->home, an->tmp, NULL }) ||
		    pm_cache_has(an, a->path))
			return;
		an->pm_outside_count++;
		cand_add(an, &an->pm_outside, a->path, -1, -1, a->path, NULL, 0, a->v);
		return;
	}
	if (a->place != WP_OUTSIDE)
		return;
	snprintf(summary, sizeof(summary), "%s wrote outside the project and its own folder: %s",
		 owner_label(an, a->p->owner), a->path);
	f = finding_add(an, R_WRITE_OUTSIDE_PROJECT, SEV_MEDIUM, a->p->owner, "", summary);
	evidence_event(an, f, a->v, a->path, NULL, NULL);
}

void write_outside_project_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	struct finding *f = NULL;
	(void)fc;
	for (size_t i = 0; i < an->pm_outside.keys.n; i++) {
		const struct cand *c = &an->pm_outside.v[i];
		char summary[512];

		if (pm_cache_has(an, c->path))
			continue;
		snprintf(summary, sizeof(summary), "the package manager wrote outside its usual places: %s", c->path);
		f = finding_add(an, R_WRITE_OUTSIDE_PROJECT, SEV_LOW, -1, "package-manager", summary);
		evidence_cand(an, f, c);
	}
	/* writes past the candidates' bound were not judged: they count */
	if (f && an->pm_outside_count > an->pm_outside.keys.n)
		f->count += an->pm_outside_count - an->pm_outside.keys.n;
}
