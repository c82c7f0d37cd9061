// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * lockloc.c - where in the repository a finding points: the line of its
 * dependency's entry in the project's lockfile (package-lock.json,
 * npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, bun.lock) or in its
 * requirements file / pyproject.toml / uv.lock / poetry.lock, else the
 * project's package.json entry; a file the finding is about when that file
 * is the project's own (a CI workflow it tampered with).  SARIF's
 * physicalLocation, which code scanning needs inside the repository:
 * node_modules/ is not.
 *
 * The files are read through facts, so a live run records them in its
 * trace and a replay finds the same lines; a replay of a trace recorded
 * without them finds none, and the SARIF writer falls back to a logical
 * location (the package's name@version).
 */
#define _GNU_SOURCE /* memmem, strchrnul */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"
#include "pathclass.h"

/* Lockfiles are read whole up to this size (npmident reads
 * package-lock.json with the same bound, so it is asked once). */
#define LOCKLOC_MAX (64u << 20)

/* The project's files for one package: name, version, and the install
 * folder relative to the project ("node_modules/a/node_modules/b"). */
struct lockpkg {
	const char *name, *version, *rel;
};

/* A matcher: the 1-based line of pkg's entry in text, 0 for none. */
typedef int (*lock_match_fn)(const char *text, const struct lockpkg *pkg);

/* line_at: the 1-based number of the line holding text[off]. */
static int line_at(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* next_line: the start of the line after the one at p, or NULL at the end. */
static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : NULL;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* package-lock.json, npm-shrinkwrap.json: `"node_modules/<rel>": {` */
static int match_npm_lock(const char *text, const struct lockpkg *pkg)
{
	char want[4200];
	size_t wl;

	if (pkg->rel)
		snprintf(want, sizeof(want), "\"%s\":", pkg->rel);
	else
		snprintf(want, sizeof(want), "\"node_modules/%s\":", pkg->name);
	wl = strlen(want);
	for (const char *p = text; p; p = next_line(p)) {
		const char *s = skip_blanks(p);

		if (!strncmp(s, want, wl))
			return line_at(text, (size_t)(s - text));
	}
	return 0;
}

/* pnpm-lock.yaml: `  /name@1.2.3:` (v6), `  name@1.2.3:` or
 * `  'name@1.2.3(peer@1)':` (v9), `  /name/1.2.3:` (v5). */
static int match_pnpm_lock(const char *text, const struct lockpkg *pkg)
{
	size_t nl = strlen(pkg->name), vl = pkg->version ? strlen(pkg->version) : 0;

	if (!vl)
		return 0;
	for (const char *p = text; p; p = next_line(p)) {
		const char *s = skip_blanks(p);

		if (*s == '\'' || *s == '"')
			s++;
		if (*s == '/')
			s++;
		if (strncmp(s, pkg->name, nl) || (s[nl] != '@' && s[nl] != '/') ||
		    strncmp(s + nl + 1, pkg->version, vl))
			continue;
		if (strchr(s[nl] == '@' ? ":('\"_" : ":_'\"", s[nl + 1 + vl]) && s[nl + 1 + vl])
			return line_at(text, (size_t)(p - text));
	}
	return 0;
}

/* yarn_header_names: the header line at s (`a@^1, "a@^1.1":`, berry's
 * `"a@npm:^1":`) names pkg. */
static bool yarn_header_names(const char *s, const char *end, const char *name)
{
	size_t nl = strlen(name);

	while (s < end) {
		if (*s == '"')
			s++;
		if ((size_t)(end - s) > nl && !strncmp(s, name, nl) && s[nl] == '@')
			return true;
		s = memchr(s, ',', (size_t)(end - s));
		if (!s)
			return false;
		s = skip_blanks(s + 1);
	}
	return false;
}

/* yarn.lock: the header line of the block whose `version "x"` (classic)
 * or `version: x` (berry) is pkg's; the first block of that name when no
 * version matches. */
static int match_yarn_lock(const char *text, const struct lockpkg *pkg)
{
	const char *header = NULL, *first = NULL;

	for (const char *p = text; p; p = next_line(p)) {
		const char *eol = strchr(p, '\n'), *s;

		if (!eol)
			eol = p + strlen(p);
		if (*p != ' ' && *p != '#' && *p != '\n') {
			header = yarn_header_names(p, eol, pkg->name) ? p : NULL;
			if (header && !first)
				first = header;
			continue;
		}
		s = skip_blanks(p);
		if (header && pkg->version && !strncmp(s, "version", 7)) {
			s = skip_blanks(s + 7 + (s[7] == ':'));
			s += *s == '"';
			if (!strncmp(s, pkg->version, strlen(pkg->version)) &&
			    strchr("\"\n\r", s[strlen(pkg->version)]))
				return line_at(text, (size_t)(header - text));
		}
	}
	return first ? line_at(text, (size_t)(first - text)) : 0;
}

/* bun.lock (text, JSONC): `"name": ["name@1.2.3", ...` */
static int match_bun_lock(const char *text, const struct lockpkg *pkg)
{
	char want[600];
	const char *hit;

	snprintf(want, sizeof(want), "[\"%s@%s\"", pkg->name, pkg->version ? pkg->version : "");
	hit = strstr(text, want);
	return hit ? line_at(text, (size_t)(hit - text)) : 0;
}

/* package.json: the dependency's own line in one of its dependency maps. */
static int match_package_json(const char *text, const struct lockpkg *pkg)
{
	char want[600];
	size_t wl;
	bool in_deps = false;

	snprintf(want, sizeof(want), "\"%s\"", pkg->name);
	wl = strlen(want);
	for (const char *p = text; p; p = next_line(p)) {
		const char *s = skip_blanks(p), *eol = strchrnul(s, '\n');
		size_t n = (size_t)(eol - s);

		/* `"dependencies": {` (dev, peer, optional) opens a map on its line */
		if (memmem(s, n, "ependencies\"", strlen("ependencies\"")) && memchr(s, '{', n) &&
		    !memchr(s, '}', n))
			in_deps = true;
		else if (*s == '}')
			in_deps = false;
		else if (in_deps && !strncmp(s, want, wl) && *skip_blanks(s + wl) == ':')
			return line_at(text, (size_t)(s - text));
	}
	return 0;
}

/* pep503_eq: Python distribution names compare case-insensitively with
 * runs of '-', '_' and '.' equal (PEP 503); a is n bytes. */
static bool pep503_eq(const char *a, size_t n, const char *b)
{
	size_t i = 0;

	while (i < n && *b) {
		bool sa = strchr("-_.", a[i]) != NULL, sb = strchr("-_.", *b) != NULL;

		if (sa != sb || (!sa && tolower((unsigned char)a[i]) != tolower((unsigned char)*b)))
			return false;
		if (sa) {
			while (i < n && strchr("-_.", a[i]))
				i++;
			while (*b && strchr("-_.", *b))
				b++;
		} else {
			i++;
			b++;
		}
	}
	return i == n && !*b;
}

static size_t pyname_len(const char *s)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || (s[n] && strchr("-_.", s[n])))
		n++;
	return n;
}

/* requirements files: a line starting with the name (`pkg==1`,
 * `pkg[extra]>=1`, `pkg ; marker`); options and comments are skipped. */
static int match_requirements(const char *text, const struct lockpkg *pkg)
{
	for (const char *p = text; p; p = next_line(p)) {
		const char *s = skip_blanks(p);

		if (*s != '#' && *s != '-' && pep503_eq(s, pyname_len(s), pkg->name))
			return line_at(text, (size_t)(s - text));
	}
	return 0;
}

/* pyproject.toml: a quoted requirement (`"pkg>=1",` in a dependency list)
 * or a key (`pkg = "^1"`, Poetry's tables). */
static int match_pyproject(const char *text, const struct lockpkg *pkg)
{
	for (const char *p = text; p; p = next_line(p)) {
		const char *s = skip_blanks(p), *eol = strchrnul(s, '\n');
		size_t n = pyname_len(s);
		const char *eq = skip_blanks(s + n);

		if (n && pep503_eq(s, n, pkg->name) && eq[0] == '=' && eq[1] != '=')
			return line_at(text, (size_t)(s - text));
		for (const char *q = s; q < eol; q++)
			if ((*q == '"' || *q == '\'') && q + 1 < eol && (n = pyname_len(q + 1)) &&
			    pep503_eq(q + 1, n, pkg->name))
				return line_at(text, (size_t)(s - text));
	}
	return 0;
}

/* uv.lock, poetry.lock: `name = "pkg"` in a [[package]] table. */
static int match_pylock(const char *text, const struct lockpkg *pkg)
{
	for (const char *p = text; p; p = next_line(p)) {
		const char *s = skip_blanks(p);
		size_t n;

		if (strncmp(s, "name", 4) || *(s = skip_blanks(s + 4)) != '=')
			continue;
		s = skip_blanks(s + 1);
		if (*s++ != '"')
			continue;
		n = pyname_len(s);
		if (s[n] == '"' && pep503_eq(s, n, pkg->name))
			return line_at(text, (size_t)(p - text));
	}
	return 0;
}

struct lockfile {
	const char *file;
	lock_match_fn match;
};

static const struct lockfile npm_files[] = {
	{ "package-lock.json", match_npm_lock }, { "npm-shrinkwrap.json", match_npm_lock },
	{ "pnpm-lock.yaml", match_pnpm_lock }, { "yarn.lock", match_yarn_lock },
	{ "bun.lock", match_bun_lock }, { "package.json", match_package_json },
};

static const struct lockfile pip_files[] = {
	{ "requirements.txt", match_requirements }, { "pyproject.toml", match_pyproject },
	{ "uv.lock", match_pylock }, { "poetry.lock", match_pylock },
};

/* npm_first: the lockfile the owner's package manager writes, tried first. */
static const char *npm_first(const char *pm)
{
	if (pm && !strcmp(pm, "pnpm"))
		return "pnpm-lock.yaml";
	if (pm && !strcmp(pm, "yarn"))
		return "yarn.lock";
	if (pm && !strcmp(pm, "bun"))
		return "bun.lock";
	return "package-lock.json";
}

/* project_file: the text of the project's file rel (relative, or absolute
 * for a requirements file named so), or NULL. */
static const char *project_file(struct analyzer *an, struct facts *facts, const char *rel)
{
	char path[4200];

	if (rel[0] == '/')
		return fact(facts, rel, LOCKLOC_MAX);
	snprintf(path, sizeof(path), "%s/%s", an->project, rel);
	return fact(facts, path, LOCKLOC_MAX);
}

/* locate_in: f's place in file rel (line 1 when the file exists but has no
 * entry and any_line).  true when set. */
static bool locate_in(struct analyzer *an, struct facts *facts, struct finding *f, const char *rel,
		      lock_match_fn match, const struct lockpkg *pkg, bool any_line)
{
	const char *text = project_file(an, facts, rel); 
	size_t pl = strlen(an->project);
	int line;

	if (!text)
		return false;
	line = pkg ? match(text, pkg) : 0;
	if (!line && !any_line)
		return false;
	if (rel[0] == '/')
		rel += path_under(rel, an->project) && rel[pl] == '/' ? pl + 1 : 0;
	f->loc_file = xstrdup(an, rel);
	f->loc_line = line ? line : 1;
	return true;
}

/* requirement_files: the -r/--requirement files of a pip command in argv,
 * at most max, as given (relative to the project or absolute). */
static int requirement_files(const struct session_info *si, const char **out, int max)
{
	int n = 0;

	for (int i = 0; i < si->argc && n < max; i++) {
		const char *a = si->argv[i];

		if (!a)
			continue;
		if ((!strcmp(a, "-r") || !strcmp(a, "--requirement")) && i + 1 < si->argc && si->argv[i + 1])
			out[n++] = si->argv[++i];
		else if (!strncmp(a, "--requirement=", 14))
			out[n++] = a + 14;
		else if (!strncmp(a, "-r", 2) && a[2])
			out[n++] = a + 2;
	}
	return n;
}

static bool is_manifest(const char *rel)
{
	for (size_t i = 0; i < sizeof(npm_files) / sizeof(*npm_files); i++)
		if (!strcmp(rel, npm_files[i].file))
			return true;
	for (size_t i = 0; i < sizeof(pip_files) / sizeof(*pip_files); i++)
		if (!strcmp(rel, pip_files[i].file))
			return true;
	return false;
}

/* in_repo_path: the evidence path is one of the project's own files (not
 * what the install put there: node_modules, site-packages, .git's
 * internals) and still exists: the place to point at. */
static const char *in_repo_path(struct analyzer *an, struct facts *facts, const struct finding *f)
{
	size_t pl = strlen(an->project);

	for (int i = 0; i < f->nev; i++) {
		const char *p = f->ev[i].path, *rel;

		if (!p || !path_under(p, an->project) || p[pl] != '/')
			continue;
		rel = p + pl + 1;
		if (!strncmp(rel, ".git/", 5) || strstr(rel, "node_modules/") ||
		    strstr(rel, "site-packages/") || strstr(rel, "dist-packages/") ||
		    strstr(rel, "__pycache__/"))
			continue;
		/* whether it exists: no content wanted, but a manifest is read
		 * whole, as facts keeps the first answer for a path */
		if (fact(facts, p, is_manifest(rel) ? LOCKLOC_MAX : 0))
			return rel;
	}
	return NULL;
}

/* locate_one: f->loc_file and f->loc_line, or nothing found. */
static void locate_one(struct analyzer *an, const struct session_info *si, struct facts *facts,
		       struct finding *f)
{
	const struct owner *o = f->owner >= 0 ? an->owners[f->owner] : NULL;
	const char *reqs[8], *rel = in_repo_path(an, facts, f);
	size_t pl = strlen(an->project);
	struct lockpkg pkg = { 0 };
	bool pip = o && o->eco && !strcmp(o->eco, "pip");
	int nreqs = requirement_files(si, reqs, 8);

	if (rel) {
		f->loc_file = xstrdup(an, rel);
		f->loc_line = 1;
		return;
	}
	if (o && o->name) {
		pkg.name = o->name;
		pkg.version = o->version;
		if (o->path && path_under(o->path, an->project) && o->path[pl] == '/')
			pkg.rel = o->path + pl + 1;
	}
	/* the package's entry: the files its package manager writes first */
	for (int pass = 0; pass < 2 && pkg.name; pass++) {
		if (pip) {
			for (int i = 0; i < nreqs; i++)
				if (locate_in(an, facts, f, reqs[i], match_requirements, &pkg, pass))
					return;
			for (size_t i = 0; i < sizeof(pip_files) / sizeof(*pip_files); i++)
				if (locate_in(an, facts, f, pip_files[i].file, pip_files[i].match, &pkg, pass))
					return;
			continue;
		}
		for (size_t i = 0; i < sizeof(npm_files) / sizeof(*npm_files); i++)
			if (!strcmp(npm_files[i].file, npm_first(o->pm)) &&
			    locate_in(an, facts, f, npm_files[i].file, npm_files[i].match, &pkg, pass))
				return;
		for (size_t i = 0; i < sizeof(npm_files) / sizeof(*npm_files); i++)
			if (locate_in(an, facts, f, npm_files[i].file, npm_files[i].match, &pkg, pass))
				return;
	}
	if (pkg.name)
		return; /* none of its ecosystem's files: a logical location */
	/* a finding of the install as a whole: the project's first manifest */
	for (int i = 0; i < nreqs; i++)
		if (locate_in(an, facts, f, reqs[i], NULL, NULL, true))
			return;
	for (size_t i = 0; i < sizeof(npm_files) / sizeof(*npm_files); i++)
		if (locate_in(an, facts, f, npm_files[i].file, NULL, NULL, true))
			return;
	for (size_t i = 0; i < sizeof(pip_files) / sizeof(*pip_files); i++)
		if (locate_in(an, facts, f, pip_files[i].file, NULL, NULL, true))
			return;
}

void findings_locate(struct analyzer *an, const struct session_info *si, struct facts *facts)
{
	if (!an->project || an->project[0] != '/' || !facts)
		return;
	for (size_t i = 0; i < an->nfindings; i++)
		locate_one(an, si, facts, &an->findings[i]);
}
