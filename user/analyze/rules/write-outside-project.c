// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* write-outside-project: a package wrote outside the project, its own
 * folder and the places the baseline expects (medium); the package
 * manager wrote outside its usual places (low). */
#include <stdio.h>
#include "rules.h"
#include "baseline.h"

void write_outside_project_on_write(struct analyzer *an, const struct act *a)
{
	char summary[512];
	struct finding *f;

	if (a->persist) /* persistence says more */
		return;
	if (a->place == WP_PM) {
		if (baseline_match(an->bl, BL_PM_WRITE, a->path,
				   &(struct bl_vars){ an->project, an->home, an->tmp, NULL }))
			return;
		snprintf(summary, sizeof(summary), "the package manager wrote outside its usual places: %s", a->path);
		f = finding_add(an, R_WRITE_OUTSIDE_PROJECT, SEV_LOW, -1, "package-manager", summary);
	} else if (a->place == WP_OUTSIDE) {
		snprintf(summary, sizeof(summary), "%s wrote outside the project and its own folder: %s",
			 owner_label(an, a->p->owner), a->path);
		f = finding_add(an, R_WRITE_OUTSIDE_PROJECT, SEV_MEDIUM, a->p->owner, "", summary);
	} else {
		return;
	}
	evidence_event(an, f, a->v, a->path, NULL, NULL);
}
