// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * pip.c - what the analysis knows of pip: which exec is pip, which sdist
 * a build hook belongs to (its unpacked folder, then the name its wheel
 * or egg-info gives it), the metadata of that folder, and the RECORD
 * files that say which distribution installed which file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "analyzer.h"
#include "pathclass.h"
#include "pathfold.h"

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

bool pip_is_pm(const char *b, const char *argv, size_t alen)
{
	const char *a1 = list_get(argv, alen, 1);

	if (!strncmp(b, "pip", 3) && (!b[3] || b[3] == '3'))
		return true;
	if (strncmp(b, "python", 6) || !a1)
		return false;
	if (!strcmp(path_base(a1), "pip") || !strcmp(path_base(a1), "pip3") ||
	    strstr(a1, "/pip/__main__.py"))
		return true;
	for (int i = 1; list_get(argv, alen, i + 1); i++)
		if (!strcmp(list_get(argv, alen, i), "-m") && !strcmp(list_get(argv, alen, i + 1), "pip"))
			return true;
	return false;
}

static int pip_owner_for_dir(struct analyzer *an, const char *dir)
{
	char key[4200], name[256];
	const char *base = path_base(dir);
	size_t l = strlen(base);

	snprintf(key, sizeof(key), "pip:%s", dir);
	/* pip unpacks sdists into /tmp/pip-install-XXX/NAME_HASH (32 hex digits) */
	snprintf(name, sizeof(name), "%s", base);
	if (l > 33 && base[l - 33] == '_' && strspn(base + l - 32, "0123456789abcdef") == 32)
		name[l - 33] = '\0';
	return owner_get(an, OWN_PACKAGE, "pip", key, name, NULL, dir);
}

int pip_script_owner(struct analyzer *an, const struct event_view *v, const char *cmdline,
		     const char **event, char *item, size_t itemlen)
{
	const char *cwd = v->field[2], *argv = v->field[1];
	size_t alen = v->field_len[1];
	const char *hook = "build";

	if (!cwd || (!strstr(cmdline, "_in_process.py") && !strstr(cmdline, "setup.py")))
		return -1;
	/* pip's build-backend hooks and legacy setup.py runs */
	for (int i = 1; list_get(argv, alen, i); i++) {
		const char *a = list_get(argv, alen, i);

		if (strstr(a, "_in_process.py") && list_get(argv, alen, i + 1)) {
			hook = list_get(argv, alen, i + 1);
			break;
		}
	}
	snprintf(item, itemlen, "%s: %.900s", hook, cmdline);
	*event = hook;
	return pip_owner_for_dir(an, cwd);
}

/* pip_name_from_build: a build hook names its distribution in what it
 * writes: NAME-VERSION-*.whl, or NAME.egg-info/ in its tree.  pip removes
 * the build directory before the install ends, so this is read from the
 * stream rather than from PKG-INFO at finish. */
void pip_name_from_build(struct analyzer *an, struct owner *o, const char *path)
{
	const char *base = path_base(path), *egg;
	char name[256], version[128];

	if (has_suffix(base, ".whl")) {
		const char *d1 = strchr(base, '-'), *d2 = d1 ? strchr(d1 + 1, '-') : NULL;

		if (!d1 || !d2 || d1 == base)
			return;
		snprintf(name, sizeof(name), "%.*s", (int)(d1 - base), base);
		snprintf(version, sizeof(version), "%.*s", (int)(d2 - d1 - 1), d1 + 1);
		set_str(an, &o->name, name);
		set_str(an, &o->version, version);
		o->name_from_build = 2;
	} else if (o->name_from_build < 1 && o->path && path_under(path, o->path) &&
		   (egg = strstr(path, ".egg-info/"))) {
		const char *start = egg;

		while (start > path && start[-1] != '/')
			start--;
		if (egg == start)
			return;
		snprintf(name, sizeof(name), "%.*s", (int)(egg - start), start);
		set_str(an, &o->name, name);
		o->name_from_build = 1;
	}
}

/* pip_pm_write: a RECORD pip wrote, read at finish. */
void pip_pm_write(struct analyzer *an, const char *path)
{
	if (strstr(path, ".dist-info/RECORD") && !strcmp(path_base(path), "RECORD") &&
	    strmap_add(&an->records, path, NULL) == -ENOMEM)
		an->oom = true;
}

/* pip_metadata: Name and Version of the distribution in dir, from PKG-INFO,
 * setup.cfg or pyproject.toml. */
static void pip_metadata(struct analyzer *an, struct owner *o, struct facts *facts)
{
	static const struct { const char *file, *name_key, *version_key; } src[] = {
		{ "PKG-INFO", "Name:", "Version:" },
		{ "setup.cfg", "name", "version" },
		{ "pyproject.toml", "name", "version" },
	};
	char path[4200], val[256];

	for (size_t s = 0; s < sizeof(src) / sizeof(src[0]); s++) {
		const char *text;
		bool got_name = false;

		snprintf(path, sizeof(path), "%s/%s", o->path, src[s].file);
		text = fact(facts, path, 65536);
		for (const char *line = text; line && *line;) {
			const char *nl = strchr(line, '\n');
			const char *keys[2] = { src[s].name_key, src[s].version_key };

			for (int k = 0; k < 2; k++) {
				size_t kl = strlen(keys[k]);
				const char *p = line;

				if (strncmp(p, keys[k], kl))
					continue;
				p += kl;
				p += strspn(p, " \t");
				if (s && *p++ != '=')
					continue;
				p += strspn(p, " \t\"'");
				snprintf(val, sizeof(val), "%.*s", (int)strcspn(p, "\"'\r\n"), p);
				while (val[0] && (val[strlen(val) - 1] == ' ' || val[strlen(val) - 1] == '\t'))
					val[strlen(val) - 1] = '\0';
				if (!val[0])
					continue;
				if (k == 0 && !got_name) {
					set_str(an, &o->name, val);
					got_name = true;
				} else if (k == 1 && !o->version) {
					set_str(an, &o->version, val);
				}
			}
			line = nl ? nl + 1 : NULL;
		}
		if (got_name)
			return;
	}
}

/* pip_metadata_all: names and versions of the sdists whose build hooks ran. */
void pip_metadata_all(struct analyzer *an, struct facts *facts)
{
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];

		if (o->kind == OWN_PACKAGE && o->eco && !strcmp(o->eco, "pip") && o->path &&
		    strncmp(o->key, "pip-dist:", 9))
			pip_metadata(an, o, facts);
	}
}

/* normalize_dist: a distribution name as PEP 503 compares them. */
void normalize_dist(const char *in, char *out, size_t max)
{
	size_t o = 0;

	for (; *in && o + 1 < max; in++)
		out[o++] = (*in == '-' || *in == '.' || *in == '_') ? '_' :
			   (*in >= 'A' && *in <= 'Z') ? *in + 32 : *in;
	out[o] = '\0';
}

static int pip_owner_by_name(struct analyzer *an, const char *name, const char *version,
			     const char *path)
{
	char want[256], have[256], key[512];

	normalize_dist(name, want, sizeof(want));
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];

		if (o->kind != OWN_PACKAGE || !o->eco || strcmp(o->eco, "pip") || !o->name)
			continue;
		normalize_dist(o->name, have, sizeof(have));
		if (!strcmp(want, have))
			return (int)i;
	}
	snprintf(key, sizeof(key), "pip-dist:%s", want);
	return owner_get(an, OWN_PACKAGE, "pip", key, name, version, path);
}

/* pip_records: every RECORD pip wrote names the distribution of the files
 * it lists; give that owner the executables and .pth files among them. */
void pip_records(struct analyzer *an, struct facts *facts)
{
	for (size_t i = 0; i < an->records.n; i++) {
		const char *rec = an->records.items[i], *text;
		char site[4096], distdir[4096], name[256], version[128], joined[8400], abs[8400];
		const char *base, *dash;
		int owner;

		dirname_into(rec, distdir, sizeof(distdir));
		dirname_into(distdir, site, sizeof(site));
		base = path_base(distdir);
		dash = strchr(base, '-');
		if (!dash)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(dash - base), base);
		snprintf(version, sizeof(version), "%.*s", (int)(strlen(dash + 1) - strlen(".dist-info")), dash + 1);
		owner = pip_owner_by_name(an, name, version, distdir);
		if (!an->owners[owner]->version)
			set_str(an, &an->owners[owner]->version, version);
		an->owners[owner]->shipped_listed = true;
		text = fact(facts, rec, 4 * FACT_MAX);
		for (const char *line = text; line && *line;) {
			const char *nl = strchr(line, '\n');
			size_t l = strcspn(line, ",\n");
			long idx;

			if (l && line[0] != '"') {
				/* RECORD paths are relative to site-packages, ../../bin/x for scripts */
				snprintf(joined, sizeof(joined), "%s/%.*s", site, (int)l, line);
				if (path_fold(joined, strlen(joined), abs, sizeof(abs)) < 0)
					snprintf(abs, sizeof(abs), "%s", joined);
				if ((idx = strmap_find(&an->bins.keys, abs)) >= 0 && an->bins.v[idx].owner < 0)
					an->bins.v[idx].owner = owner;
				if ((idx = strmap_find(&an->pths.keys, abs)) >= 0 && an->pths.v[idx].owner < 0)
					an->pths.v[idx].owner = owner;
			}
			line = nl ? nl + 1 : NULL;
		}
	}
}
