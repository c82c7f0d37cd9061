// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * identity-mismatch: an installed package's package.json claims a name
 * other than the one its package manager installed it under (npmident.c:
 * the registry URL of its lockfile entry, else its node_modules folder or
 * the root's "npm:" alias).  A file: or URL tarball that calls itself
 * "esbuild" borrows a trusted name: for the report, for reviewers and for
 * any tool that approves by the claimed name.
 */
#include <stdio.h>
#include "rules.h"

void identity_mismatch_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	(void)fc;
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];
		char summary[1024], path[4200];
		struct finding *f;
		struct evidence *e;

		if (o->kind != OWN_PACKAGE || !o->claimed)
			continue;
		snprintf(summary, sizeof(summary),
			 "%s's package.json claims to be %s; %s installed it as %s (%s)", o->name, o->claimed,
			 o->pm ? o->pm : "the package manager", o->name, o->path);
		f = finding_add(an, R_IDENTITY_MISMATCH, SEV_HIGH, (int)i, o->claimed, summary);
		snprintf(path, sizeof(path), "%s/package.json", o->path);
		if ((e = evidence_add(f, 0, 0, "session")))
			e->path = xstrdup(an, path);
	}
}
