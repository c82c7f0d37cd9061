// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * command-shadowing: the install put an executable where a shell finds
 * commands (in_bin_dir) under the name of a well-known CLI (high) or of a
 * command already on PATH (medium); low when the package is the genuine
 * provider of that name.  Candidates come from writes and chmods; owners
 * of the package manager's are resolved at finish (npm's .bin links and
 * shims, pip's RECORD files).
 */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "baseline.h"
#include "pathclass.h"

void command_shadowing_on_chmod(struct analyzer *an, const struct act *a)
{
	if ((a->v->ev->arg[0] & 0111) && a->v->ev->ret >= 0 && in_bin_dir(an, a->path))
		cand_add(an, &an->bins, a->path, a->o->kind == OWN_PACKAGE ? a->p->owner : -1, -1,
			 a->path, NULL, 0, a->v);
}

void command_shadowing_on_write(struct analyzer *an, const struct act *a)
{
	if (a->place == WP_PM) {
		if (in_bin_dir(an, a->path))
			cand_add(an, &an->bins, a->path, -1, -1, a->path, a->target,
				 a->target ? strlen(a->target) : 0, a->v);
		return;
	}
	/* past its own folder: what lands there is its own business */
	if (a->place > WP_OWN && a->creates && in_bin_dir(an, a->path))
		cand_add(an, &an->bins, a->path, a->p->owner, -1, a->path, NULL, 0, a->v);
}

/* on_path: name is a command in a PATH directory other than skip_dir and
 * the project's own. */
static bool on_path(struct analyzer *an, struct facts *facts, const char *name, const char *skip_dir)
{
	char path[4200];
	const char *data;
	size_t len;

	for (size_t i = 0; i < an->npathdirs; i++) {
		const char *d = an->pathdirs[i];

		if (!strcmp(d, skip_dir) || (an->project && path_under(d, an->project)) ||
		    strstr(d, "/node_modules/"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d, name);
		/* existence only: max 0 reads nothing, the error tells */
		if (facts && !facts_read_file(facts, path, 0, &data, &len))
			return true;
	}
	return false;
}

/* bin_owner: the package that declared the package manager's .bin entry:
 * npm's .bin/x -> ../pkg/bin/x (a link, or pnpm's shim), or -1. */
static int bin_owner(struct analyzer *an, struct facts *facts, const struct cand *c, const char *dir)
{
	char resolved[8400], shim[4096];
	const char *target = c->extra;
	size_t fl;

	if (!target && npm_shim_target(facts, c->path, shim, sizeof(shim)))
		target = shim;
	if (!target)
		return -1;
	link_resolve(dir, target, resolved, sizeof(resolved));
	fl = npm_folder_len(resolved);
	if (!fl)
		return -1;
	resolved[fl] = '\0';
	npm_real_folder(an, resolved, sizeof(resolved));
	return npm_owner_for_folder(an, resolved, NULL, NULL);
}

void command_shadowing_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	for (size_t i = 0; i < an->bins.keys.n; i++) {
		struct cand *c = &an->bins.v[i];
		const char *name = path_base(c->path);
		char dir[4096], summary[512], pkgname[256], cmd[256];
		bool known, found;
		int sev, owner = c->owner;

		dirname_into(c->path, dir, sizeof(dir));
		if (owner < 0)
			owner = bin_owner(an, fc->facts, c, dir);
		if (owner >= 0)
			prof_add(an, owner, PS_EXECUTABLES, c->path);
		if (owner < 0 || an->owners[owner]->kind != OWN_PACKAGE)
			continue; /* the package manager's own (venv python, pip) */
		known = baseline_match(an->bl, BL_WELL_KNOWN, name, NULL);
		found = !known && on_path(an, fc->facts, name, dir);
		if (!known && !found)
			continue;
		/* the genuine provider of a command bears its name */
		normalize_dist(an->owners[owner]->name ? path_base(an->owners[owner]->name) : "", pkgname, sizeof(pkgname));
		normalize_dist(name, cmd, sizeof(cmd));
		sev = !strcmp(pkgname, cmd) ? SEV_LOW : known ? SEV_HIGH : SEV_MEDIUM;
		snprintf(summary, sizeof(summary), "%s installed the command %s, which shadows %s", owner_label(an, owner),
			 name, known ? "a well-known CLI" : "a command on PATH");
		evidence_cand(an, finding_add(an, R_COMMAND_SHADOWING, sev, owner, name, summary), c);
	}
}
