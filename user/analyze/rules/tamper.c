// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tamper: a package's script wrote where installs must not: CI
 * configuration, another package's folder, the project's own files,
 * installed Python packages (pip's setup.py install step: other than the
 * files it installed), or a build file outside its own tree.  Where
 * a write lands is decided once (enum write_place); this is what tamper
 * makes of it.
 */
#include <stdio.h>
#include "rules.h"
#include "pathclass.h"

void tamper_on_write(struct analyzer *an, const struct act *a)
{
	const char *who = owner_label(an, a->p->owner);
	char summary[512], key[4200];
	struct finding *f;

	switch (a->place) {
	case WP_INSTALL: /* judged at finish, against what pip says it installed */
		cand_add(an, &an->install_writes, a->path, a->p->owner, -1, a->path, NULL, 0, a->v);
		return;
	case WP_CI:
		snprintf(summary, sizeof(summary), "%s wrote CI configuration: %s", who, a->path);
		snprintf(key, sizeof(key), "ci");
		break;
	case WP_OTHER_PACKAGE:
		snprintf(key, sizeof(key), "%.*s", (int)npm_folder_len(a->path), a->path);
		snprintf(summary, sizeof(summary), "%s modified another package's files: %s", who, key);
		break;
	case WP_PROJECT:
		snprintf(summary, sizeof(summary), "%s modified the project's %s: %s", who,
			 pathclass_manifest(a->path) ? "manifest" : "files", a->path);
		snprintf(key, sizeof(key), "project");
		break;
	case WP_SITE_PACKAGES:
		snprintf(summary, sizeof(summary), "%s modified installed Python packages: %s", who, a->path);
		snprintf(key, sizeof(key), "site-packages");
		break;
	case WP_OUTSIDE:
		if (!pathclass_buildfile(a->path))
			return;
		snprintf(summary, sizeof(summary), "%s edited a build file outside its own tree: %s", who, a->path);
		snprintf(key, sizeof(key), "build-file");
		break;
	default:
		return;
	}
	f = finding_add(an, R_TAMPER, SEV_HIGH, a->p->owner, key, summary);
	evidence_event(an, f, a->v, a->path, NULL, NULL);
}

/* A setup.py install step may write the files it installs, and no others:
 * pip lists them in the egg-info's installed-files.txt. */
void tamper_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	for (size_t i = 0; i < an->install_writes.keys.n; i++) {
		const struct cand *c = &an->install_writes.v[i];
		char summary[512];

		if (pip_installed(an, fc->facts, c->owner, c->path))
			continue;
		snprintf(summary, sizeof(summary), "%s modified installed Python packages: %s (not a file it installed)",
			 owner_label(an, c->owner), c->path);
		evidence_cand(an, finding_add(an, R_TAMPER, SEV_HIGH, c->owner, "site-packages", summary), c);
	}
}
