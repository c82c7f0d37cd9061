// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * persistence: the install planted something that runs later: a write to
 * a shell rc file, cron, systemd, autostart, git hooks... (pathclass.h),
 * by a package or by the package manager, whether or not the write
 * succeeded; and, judged at finish, a .pth file that imports code at
 * every Python start.
 */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "baseline.h"
#include "pathclass.h"

void persistence_on_write(struct analyzer *an, const struct act *a)
{
	char summary[512];
	struct finding *f;
	bool pm = a->place == WP_PM;

	if (!pm && a->persist) {
		snprintf(summary, sizeof(summary), "%s wrote a %s hook: %s", owner_label(an, a->p->owner),
			 a->persist, a->path);
		f = finding_add(an, R_PERSISTENCE, SEV_HIGH, a->p->owner, a->persist, summary);
		evidence_event(an, f, a->v, a->path, NULL, NULL);
	}
	if (has_suffix(a->path, ".pth") && a->creates)
		cand_add(an, &an->pths, a->path, pm ? -1 : a->p->owner, -1, a->path, NULL, 0, a->v);
	if (pm && a->persist) {
		snprintf(summary, sizeof(summary), "the package manager wrote a %s hook: %s", a->persist, a->path);
		f = finding_add(an, R_PERSISTENCE, SEV_HIGH, a->p->owner, a->persist, summary);
		evidence_event(an, f, a->v, a->path, NULL, NULL);
	}
}

/* A .pth file runs its "import" lines at every Python start; path-only
 * .pth files and the well-known ones of the baseline do not count. */
void persistence_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	for (size_t i = 0; i < an->pths.keys.n; i++) {
		struct cand *c = &an->pths.v[i];
		const char *text;
		char summary[512];
		bool imports = false;

		if (baseline_match(an->bl, BL_BENIGN_PTH, path_base(c->path), NULL))
			continue;
		text = fact(fc->facts, c->path, 65536);
		for (const char *line = text; line && *line;) {
			if (!strncmp(line, "import ", 7) || !strncmp(line, "import\t", 7))
				imports = true;
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		if (!imports)
			continue;
		snprintf(summary, sizeof(summary), "%s installed a .pth file that runs code at every Python start: %s",
			 owner_label(an, c->owner), c->path);
		evidence_cand(an, finding_add(an, R_PERSISTENCE, SEV_HIGH, c->owner, "pth", summary), c);
	}
}
