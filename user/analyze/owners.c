// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * owners.c - who did it: the traced command, a package manager, the root
 * project or a package, each with its behaviour profile (sets of distinct
 * scripts, processes, reads, writes, executables, endpoints, DNS names,
 * listeners and lingering processes, capped at SET_CAP each).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"

int owner_get(struct analyzer *an, int kind, const char *eco, const char *key,
	      const char *name, const char *version, const char *path)
{
	size_t idx;
	int r = strmap_add(&an->owner_keys, key, &idx);
	struct owner *o;

	if (r < 0) {
		an->oom = true;
		return an->command_owner;
	}
	if (r == 0)
		return (int)idx;
	if (an->nowners == an->owners_cap) {
		size_t cap = an->owners_cap ? an->owners_cap * 2 : 64;
		struct owner **v = realloc(an->owners, cap * sizeof(*v));

		if (!v) {
			an->oom = true;
			return an->command_owner;
		}
		an->owners = v;
		an->owners_cap = cap;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		an->oom = true;
		return an->command_owner;
	}
	o->kind = kind;
	o->eco = eco;
	o->key = xstrdup(an, key);
	o->name = xstrdup(an, name);
	o->version = xstrdup(an, version);
	o->path = xstrdup(an, path);
	o->approved = -1;
	o->max_sev = -1;
	for (int i = 0; i < PS_N; i++)
		strmap_init(&o->set[i], SET_CAP);
	an->owners[an->nowners] = o;
	return (int)an->nowners++;
}

void owner_free(struct owner *o)
{
	if (!o)
		return;
	free(o->key);
	free(o->name);
	free(o->version);
	free(o->path);
	free(o->skipped);
	free(o->claimed);
	for (int i = 0; i < PS_N; i++)
		strmap_clear(&o->set[i]);
	free(o);
}

void prof_add(struct analyzer *an, int owner, enum prof_set s, const char *item)
{
	if (owner >= 0 && item && strmap_add(&an->owners[owner]->set[s], item, NULL) == -ENOMEM)
		an->oom = true;
}

const char *owner_label(struct analyzer *an, int owner)
{
	struct owner *o = owner >= 0 ? an->owners[owner] : NULL;

	return o && o->name ? o->name : "the install";
}

void set_str(struct analyzer *an, char **dst, const char *val)
{
	if (!val || (*dst && !strcmp(*dst, val)))
		return;
	free(*dst);
	*dst = xstrdup(an, val);
}

bool owner_is_package(struct analyzer *an, int owner)
{
	return owner >= 0 && an->owners[owner]->kind == OWN_PACKAGE;
}
