// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * pip.c - what the analysis knows of pip: which exec is pip, which sdist
 * a build hook belongs to (its unpacked folder, then the name its wheel
 * or egg-info gives it), the metadata of that folder, and the RECORD
 * files that say which distribution installed which file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
	/* pip 22.2+ runs its build-environment installs as
	 * `python .../pip/__pip-runner__.py install ...`, older ones as
	 * `python .../site-packages/pip install ...` or `python -m pip` */
	if (!strcmp(path_base(a1), "pip") || !strcmp(path_base(a1), "pip3") ||
	    strstr(a1, "/pip/__main__.py") || !strcmp(path_base(a1), "__pip-runner__.py"))
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

bool pip_install_step(const char *argv, size_t alen)
{
	bool install = false, record = false;

	for (int i = 1; list_get(argv, alen, i); i++) {
		const char *a = list_get(argv, alen, i);

		install |= !strcmp(a, "install");
		record |= !strcmp(a, "--record");
		if (!strcmp(a, "develop"))
			return true;
	}
	return install && record;
}

/* Names a pip distribution is known by, from the weakest: the build
 * folder, a name-only NAME.egg-info, a file name with the version
 * (wheel, NAME-VERSION.dist-info or -pyX.Y.egg-info, the sdist), the
 * metadata itself (PKG-INFO, METADATA). */
enum { NAMED_FOLDER, NAMED_EGG, NAMED_FILE, NAMED_METADATA };

/* name_as: o's name (and version, when given) from a source of strength
 * level; a weaker source never overrides, and fills only a missing version. */
static void name_as(struct analyzer *an, struct owner *o, int level, const char *name, const char *version)
{
	if (level >= o->name_from_build && name && *name) {
		set_str(an, &o->name, name);
		o->name_from_build = level;
		if (version && *version)
			set_str(an, &o->version, version);
	}
	if (!o->version && version && *version)
		set_str(an, &o->version, version);
}

/* file_name_version: NAME and VERSION of a distribution file or folder
 * name: NAME-VERSION-TAGS.whl, NAME-VERSION.dist-info,
 * NAME-VERSION[-pyX.Y].egg-info, NAME-VERSION.tar.gz (an old sdist's NAME
 * may hold dashes: its version is after the last one).  False when it
 * holds no version. */
static bool file_name_version(const char *base, char *name, size_t nmax, char *version, size_t vmax)
{
	static const char *const sdist_ext[] = { ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".tar", NULL };
	char stem[512];
	const char *d1, *d2;

	snprintf(stem, sizeof(stem), "%s", base);
	for (int i = 0; sdist_ext[i]; i++) {
		if (has_suffix(stem, sdist_ext[i])) {
			char *d;

			stem[strlen(stem) - strlen(sdist_ext[i])] = '\0';
			d = strrchr(stem, '-');
			if (!d || d == stem)
				return false;
			*d = '\0';
			snprintf(name, nmax, "%s", stem);
			snprintf(version, vmax, "%s", d + 1);
			return true;
		}
	}
	d1 = strchr(stem, '-');
	if (!d1 || d1 == stem)
		return false;
	d2 = d1 + 1 + strcspn(d1 + 1, "-");
	if (has_suffix(stem, ".dist-info") || has_suffix(stem, ".egg-info")) {
		if (!*d2) /* NAME-VERSION.dist-info: the extension ends the version */
			d2 = stem + strlen(stem) - (has_suffix(stem, ".dist-info") ? 10 : 9);
	} else if (!has_suffix(stem, ".whl") || !*d2) {
		return false;
	}
	snprintf(name, nmax, "%.*s", (int)(d1 - stem), stem);
	snprintf(version, vmax, "%.*s", (int)(d2 - d1 - 1), d1 + 1);
	return version[0] != '\0';
}

/* pip_name_from_build: a build hook names its distribution in what it
 * writes: NAME-VERSION-*.whl, NAME.egg-info/ or NAME-VERSION-pyX.Y.egg-info/,
 * and the PKG-INFO or METADATA inside them, read at finish (the one left
 * in site-packages by a legacy install; pip removes the build folder). */
void pip_name_from_build(struct analyzer *an, int owner, const struct event_view *v, const char *path)
{
	struct owner *o = an->owners[owner];
	const char *base = path_base(path), *meta;
	char name[256], version[128], dir[4096];

	if (has_suffix(base, ".whl")) {
		if (file_name_version(base, name, sizeof(name), version, sizeof(version)))
			name_as(an, o, NAMED_FILE, name, version);
		return;
	}
	meta = strstr(path, ".egg-info/");
	if (!meta)
		meta = strstr(path, ".dist-info/");
	if (!meta)
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(strchr(meta + 1, '/') - path), path);
	if (!strcmp(base, "PKG-INFO") || !strcmp(base, "METADATA"))
		cand_add(an, &an->pip_meta, path, owner, -1, path, NULL, 0, v);
	if (file_name_version(path_base(dir), name, sizeof(name), version, sizeof(version)))
		name_as(an, o, NAMED_FILE, name, version);
	else if (o->path && path_under(path, o->path) && has_suffix(dir, ".egg-info")) {
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(path_base(dir)) - 9), path_base(dir));
		name_as(an, o, NAMED_EGG, name, NULL);
	}
}

/* pip_pm_read: the sdist or wheel file pip opens is the one it unpacks next. */
void pip_pm_read(struct analyzer *an, const char *path)
{
	char name[256], version[128];

	if (file_name_version(path_base(path), name, sizeof(name), version, sizeof(version)) &&
	    !strstr(path_base(path), ".dist-info") && !strstr(path_base(path), ".egg-info")) {
		free(an->pip_archive);
		an->pip_archive = xstrdup(an, path);
	}
}

/* build_dir: the folder pip unpacks a distribution into, of a path inside
 * it: .../pip-req-build-XXX (a file or URL requirement) or
 * .../pip-install-XXX/NAME_HASH (one from an index); 0 when none. */
static size_t build_dir(const char *path)
{
	const char *s;

	if ((s = strstr(path, "/pip-req-build-")))
		return (size_t)(s + 1 + strcspn(s + 1, "/") - path);
	if ((s = strstr(path, "/pip-install-"))) {
		s += 1 + strcspn(s + 1, "/");
		if (*s == '/' && s[1])
			return (size_t)(s + 1 + strcspn(s + 1, "/") - path);
	}
	return 0;
}

/* pip_pm_write: a RECORD pip wrote, read at finish; the first file pip
 * unpacks into a build folder ties it to the archive it opened last. */
void pip_pm_write(struct analyzer *an, const struct event_view *v, const char *path)
{
	size_t bl = build_dir(path);
	const char *base = path_base(path);

	/* the base name first: most writes are neither (npm's, say) */
	if (!strcmp(base, "RECORD") && strstr(path, ".dist-info/RECORD") &&
	    strmap_add(&an->records, path, NULL) == -ENOMEM)
		an->oom = true;
	if (!strcmp(base, "installed-files.txt") && strstr(path, ".egg-info/installed-files.txt") &&
	    strmap_add(&an->installed_lists, path, NULL) == -ENOMEM)
		an->oom = true;
	if (bl && path[bl] == '/' && an->pip_archive) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%.*s", (int)bl, path);
		cand_add(an, &an->pip_builds, dir, -1, -1, dir, an->pip_archive, strlen(an->pip_archive) + 1, v);
	}
}

/* meta_fields: Name and Version of a PKG-INFO or METADATA text (RFC 822
 * headers up to the first empty line) into name and version ("" if none). */
static void meta_fields(const char *text, char *name, size_t nmax, char *version, size_t vmax)
{
	name[0] = version[0] = '\0';
	for (const char *line = text; line && *line && *line != '\n' && *line != '\r';) {
		size_t l = strcspn(line, "\r\n");

		if (!strncmp(line, "Name:", 5))
			snprintf(name, nmax, "%.*s", (int)(l - 5 - strspn(line + 5, " \t")), line + 5 + strspn(line + 5, " \t"));
		else if (!strncmp(line, "Version:", 8))
			snprintf(version, vmax, "%.*s", (int)(l - 8 - strspn(line + 8, " \t")), line + 8 + strspn(line + 8, " \t"));
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	for (char *s = name + strlen(name); s > name && (s[-1] == ' ' || s[-1] == '\t'); *--s = '\0')
		;
	for (char *s = version + strlen(version); s > version && (s[-1] == ' ' || s[-1] == '\t'); *--s = '\0')
		;
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

/* pip_metadata_all: names and versions of the sdists whose build hooks
 * ran: the metadata files they wrote that are still there, then the
 * PKG-INFO of the build folder, then the archive pip unpacked into it,
 * and only then the names the sources declare (setup.cfg, pyproject.toml). */
void pip_metadata_all(struct analyzer *an, struct facts *facts)
{
	char name[256], version[128];

	for (size_t i = 0; i < an->pip_meta.keys.n; i++) {
		const struct cand *c = &an->pip_meta.v[i];
		const char *text = fact(facts, c->path, 65536);

		if (!text)
			continue;
		meta_fields(text, name, sizeof(name), version, sizeof(version));
		name_as(an, an->owners[c->owner], NAMED_METADATA, name, version);
	}
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];
		char path[4200];
		const char *text;

		if (o->kind != OWN_PACKAGE || !o->eco || strcmp(o->eco, "pip") || !o->path ||
		    strncmp(o->key, "pip:", 4))
			continue;
		snprintf(path, sizeof(path), "%s/PKG-INFO", o->path);
		if ((text = fact(facts, path, 65536))) {
			meta_fields(text, name, sizeof(name), version, sizeof(version));
			name_as(an, o, NAMED_METADATA, name, version);
		}
		for (size_t k = 0; k < an->pip_builds.keys.n; k++) {
			const struct cand *c = &an->pip_builds.v[k];

			if (path_under(o->path, c->path) &&
			    file_name_version(path_base(c->extra), name, sizeof(name), version, sizeof(version)))
				name_as(an, o, NAMED_FILE, name, version);
		}
		if (o->name_from_build == NAMED_FOLDER)
			pip_metadata(an, o, facts);
	}
}

bool pip_installed(struct analyzer *an, struct facts *facts, int owner, const char *path)
{
	char want[256], have[256], top[256], joined[8400], abs[8400], dir[4096];
	const char *site, *rel;
	bool any = false;

	/* the files pip listed after the install step, relative to the egg-info */
	for (size_t i = 0; i < an->installed_lists.n; i++) {
		const char *list = an->installed_lists.items[i], *text = fact(facts, list, 4 * FACT_MAX);

		if (!text)
			continue;
		any = true;
		dirname_into(list, dir, sizeof(dir));
		for (const char *line = text; *line;) {
			size_t l = strcspn(line, "\r\n");

			snprintf(joined, sizeof(joined), "%s/%.*s", dir, (int)l, line);
			if (path_fold(joined, strlen(joined), abs, sizeof(abs)) < 0)
				snprintf(abs, sizeof(abs), "%s", joined);
			if (l && !strcmp(abs, path))
				return true;
			line += l;
			line += strspn(line, "\r\n");
		}
	}
	if (any)
		return false;
	/* no list (the install failed): its own top-level name in site-packages */
	site = strstr(path, "/site-packages/");
	if (!site)
		site = strstr(path, "/dist-packages/");
	if (!site || !an->owners[owner]->name)
		return false;
	rel = site + 15;
	snprintf(top, sizeof(top), "%.*s", (int)strcspn(rel, "/-."), rel);
	normalize_dist(top, have, sizeof(have));
	normalize_dist(an->owners[owner]->name, want, sizeof(want));
	return want[0] && !strcmp(want, have);
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
		snprintf(joined, sizeof(joined), "%s/METADATA", distdir);
		if ((text = fact(facts, joined, 65536))) {
			char mname[256], mversion[128];

			meta_fields(text, mname, sizeof(mname), mversion, sizeof(mversion));
			name_as(an, an->owners[owner], NAMED_METADATA, mname, mversion);
		}
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
