// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * npmident.c - who an installed npm-layout package is, and whether its
 * package manager approved its scripts, decided as the package manager
 * decides them for the same files.
 *
 * Identity: npm keys a package by its node_modules path and its lockfile
 * entry (package-lock.json, else node_modules/.package-lock.json: the
 * "packages" map).  A registry package is the name and version in its
 * resolved tarball URL (<registry>/<name>/-/<base>-<version>.tgz), as
 * npm's own allowScripts matcher takes them; any other package (file:,
 * git, remote tarball, no lockfile: yarn, pnpm) is the name of its
 * node_modules folder, or the package an "npm:" alias in the root
 * package.json names.  The name the tarball's package.json claims is
 * never trusted; a different one is an identity-mismatch finding.
 *
 * Approvals, per package manager (the traced command's):
 * - npm 11: the root package.json's allowScripts, else allow-scripts of
 *   the .npmrc files (project, user, global).  Keys that are neither a bare
 *   name, name@* nor exact versions joined by "||" are dropped, as npm
 *   drops them.  A registry key matches registry packages only, by the
 *   URL's name (and version: a pin never matches an unknown version); a
 *   file: key matches the package's resolved path; a URL key its resolved
 *   URL; aliases match nothing; bundled packages are never covered.  A
 *   false entry wins over a true one.
 * - pnpm: onlyBuiltDependencies (name or name@exact||exact),
 *   neverBuiltDependencies and allowBuilds (name: true/false), from the
 *   root package.json's "pnpm" object and from pnpm-workspace.yaml.
 * - bun: the root package.json's trustedDependencies.
 * - yarn classic has no list: every script runs, none is approved.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyzer.h"
#include "pathclass.h"

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define LOCK_MAX (64u << 20)

struct npm_policy {
	const char *pm;               /* "npm", "pnpm", "yarn", "bun" */
	struct json_object *root;     /* root package.json */
	struct json_object *lock;     /* the lockfile's "packages" map, or NULL */
	struct json_object *lockdoc;
	struct json_object *allow;    /* npm: key -> bool, validated */
	struct strmap pnpm_yes, pnpm_no;
	bool pnpm_listed;
};

/* ---------- small parsers ---------- */

/* is_semver: N.N.N with an optional -pre and +build (a leading v or =, as
 * semver's loose mode takes it). */
static bool is_semver(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == 'v' || s[i] == '='))
		i++;
	for (int part = 0; part < 3; part++) {
		size_t d = i;

		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == d || (part < 2 && (i >= n || s[i++] != '.')))
			return false;
	}
	if (i < n && s[i] != '-' && s[i] != '+')
		return false;
	for (; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-+.", s[i]))
			return false;
	return true;
}

/* version_eq: a version of the key against the package's (loose: a leading
 * v or = ignored). */
static bool version_eq(const char *k, size_t kn, const char *v)
{
	while (kn && (*k == 'v' || *k == '=')) {
		k++;
		kn--;
	}
	while (*v == 'v' || *v == '=')
		v++;
	return strlen(v) == kn && !strncmp(k, v, kn);
}

/* versions_match: spec is exact versions joined by "||"; *valid false when
 * it is anything else (a range, a tag). */
static bool versions_match(const char *spec, const char *version, bool *valid)
{
	bool hit = false;

	*valid = true;
	for (const char *s = spec;;) {
		size_t l = strcspn(s, "|");
		const char *t = s + strspn(s, " ");
		size_t tl = l - (size_t)(t - s);

		while (tl && t[tl - 1] == ' ')
			tl--;
		if (!is_semver(t, tl)) {
			*valid = false;
			return false;
		}
		if (version && version_eq(t, tl, version))
			hit = true;
		s += l;
		if (!*s)
			break;
		if (strncmp(s, "||", 2)) {
			*valid = false;
			return false;
		}
		s += 2;
	}
	return hit;
}

/* split_spec: "name@spec" or "@scope/name@spec" into name and spec. */
static void split_spec(const char *key, char *name, size_t nlen, const char **spec)
{
	const char *at = strchr(key + (key[0] == '@'), '@');

	snprintf(name, nlen, "%.*s", at ? (int)(at - key) : (int)strlen(key), key);
	*spec = at ? at + 1 : "";
}

/* registry_ident: name and version of a registry tarball URL, as npm's
 * version-from-tgz reads it: <registry>/<name>/-/<base>-<version>.tgz, the
 * name maybe "@scope/name" or "@scope%2fname".  Returns false when url is
 * no such URL; *version is "" when the file name does not repeat the name. */
static bool registry_ident(const char *url, char *name, size_t nlen, char *version, size_t vlen)
{
	const char *p, *tf, *file, *seg, *prev;
	char pre[1024], project[512], scope[512] = "";
	size_t l;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return false;
	p = strchr(strstr(url, "://") + 3, '/');
	if (!p || !(tf = strstr(p, "/-/")) || tf == p)
		return false;
	for (const char *n; (n = strstr(tf + 3, "/-/")); tf = n)
		;
	file = tf + 3;
	if (strchr(file, '/') || !has_suffix(file, ".tgz"))
		return false;
	/* the path before "/-/", %2f decoded to '/' */
	l = 0;
	for (const char *s = p; s < tf && l + 1 < sizeof(pre); s++) {
		if (s[0] == '%' && s[1] == '2' && (s[2] == 'f' || s[2] == 'F')) {
			pre[l++] = '/';
			s += 2;
		} else {
			pre[l++] = *s;
		}
	}
	pre[l] = '\0';
	seg = strrchr(pre, '/');
	snprintf(project, sizeof(project), "%s", seg + 1);
	if (seg > pre) {
		for (prev = seg - 1; prev > pre && *prev != '/'; prev--)
			;
		if (prev[*prev == '/'] == '@')
			snprintf(scope, sizeof(scope), "%.*s", (int)(seg - prev - (*prev == '/')),
				 prev + (*prev == '/'));
	}
	if (!project[0])
		return false;
	snprintf(name, nlen, "%s%s%s", scope, scope[0] ? "/" : "", project);
	l = strlen(project);
	version[0] = '\0';
	if (!strncmp(file, project, l) && file[l] == '-' && is_semver(file + l + 1, strlen(file + l + 1) - 4))
		snprintf(version, vlen, "%.*s", (int)(strlen(file + l + 1) - 4), file + l + 1);
	return true;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool jtrue(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

/* ---------- identity ---------- */

struct ident {
	char name[512];
	char version[256];
	const char *resolved;   /* the lockfile's, or NULL */
	bool registry;
	bool bundled;
	bool trusted_version;   /* version from the registry URL */
};

/* alias_of: the package an "npm:" alias of the root package.json names for
 * the top-level dependency key, into out; false when it is no alias. */
static bool alias_of(struct json_object *root, const char *key, char *out, size_t max)
{
	static const char *const deps[] = { "dependencies", "devDependencies", "optionalDependencies",
					    "peerDependencies", NULL };

	for (int i = 0; root && deps[i]; i++) {
		struct json_object *d;
		const char *spec, *at;

		if (!json_object_object_get_ex(root, deps[i], &d) || !(spec = jstr(d, key)) ||
		    strncmp(spec, "npm:", 4))
			continue;
		spec += 4;
		at = strchr(spec + (spec[0] == '@'), '@');
		snprintf(out, max, "%.*s", at ? (int)(at - spec) : (int)strlen(spec), spec);
		return true;
	}
	return false;
}

/* ident_of: who the package in folder is, as its package manager has it. */
static void ident_of(struct analyzer *an, struct npm_policy *np, const char *folder, struct ident *id)
{
	size_t fl = npm_folder_len(folder);
	const char *seg = NULL, *rel = NULL, *pnpm;
	struct json_object *e = NULL;

	memset(id, 0, sizeof(*id));
	/* a folder outside node_modules (file:../dir, a workspace): the
	 * package manager's link to it is what names it */
	for (size_t i = 0; !fl && i < an->links.keys.n; i++) {
		if (an->links.v[i].extra && !strcmp(an->links.v[i].extra, folder)) {
			folder = an->links.v[i].path;
			fl = npm_folder_len(folder);
		}
	}
	for (const char *s = folder; (s = strstr(s, "/node_modules/")); s++)
		seg = s + strlen("/node_modules/");
	if (seg && fl)
		snprintf(id->name, sizeof(id->name), "%.*s", (int)(folder + fl - seg), seg);
	if (an->project && path_under(folder, an->project) && strlen(folder) > strlen(an->project))
		rel = folder + strlen(an->project) + 1;
	if (rel && np->lock)
		json_object_object_get_ex(np->lock, rel, &e);
	if (e) {
		const char *v = jstr(e, "version");

		const char *alias = jstr(e, "name");

		id->resolved = jstr(e, "resolved");
		id->bundled = jtrue(e, "inBundle");
		if (v)
			snprintf(id->version, sizeof(id->version), "%s", v);
		/* npm writes "name" into an entry whose folder name is not the
		 * package's: an alias ("string-width-cjs": "npm:string-width@^4",
		 * declared by any package, not only the root), or a file:, git or
		 * URL package whose own package.json says so.  Only a registry
		 * package's "name" is the registry's word (the URL, when there
		 * is one, says it below); a tarball's claim is not. */
		if (alias && *alias && !id->resolved && !jtrue(e, "link"))
			snprintf(id->name, sizeof(id->name), "%s", alias);
		if (id->resolved &&
		    registry_ident(id->resolved, id->name, sizeof(id->name), id->version, sizeof(id->version))) {
			id->registry = true;
			id->trusted_version = id->version[0] != '\0';
			if (!id->trusted_version && v)
				snprintf(id->version, sizeof(id->version), "%s", v);
			return;
		}
		/* no URL (omit-lockfile-registry-resolved): a registry package
		 * when nothing says otherwise, named by its edge */
		id->registry = !id->resolved && !jtrue(e, "link") && v;
	} else if (!strcmp(np->pm, "npm") && fl) {
		/* no lockfile entry: npm's fallback, a registry package named by
		 * its folder (the edge), of no verifiable version */
		id->registry = true;
	}
	/* the root's "npm:" alias names the package behind a top-level key */
	if (rel && !strncmp(rel, "node_modules/", 13) && !strchr(rel + 13 + (rel[13] == '@'), '/'))
		alias_of(np->root, rel + 13, id->name, sizeof(id->name));
	/* pnpm's store: .pnpm/<name>@<version>[_peers|(peers)]/node_modules/<name> */
	if (!id->version[0] && (pnpm = strstr(folder, "/.pnpm/")) && seg) {
		const char *at = strchr(pnpm + 7 + (pnpm[7] == '@'), '@');

		if (at && at < seg) {
			size_t l = strcspn(at + 1, "_(/");

			if (is_semver(at + 1, l))
				snprintf(id->version, sizeof(id->version), "%.*s", (int)l, at + 1);
		}
	}
}

/* ---------- approvals ---------- */

/* npm_key_matches: does the allowScripts key match the package? */
static bool npm_key_matches(struct analyzer *an, const char *key, const struct ident *id,
			    const char *folder, bool deny)
{
	char name[512], a[4200], b[4200];
	const char *spec;
	bool valid;

	if (!strncmp(key, "npm:", 4))
		return false; /* aliases match nothing: the real name must be used */
	if (!strncmp(key, "file:", 5) || key[0] == '.' || key[0] == '/' || key[0] == '~') {
		const char *k = strncmp(key, "file:", 5) ? key : key + 5;

		if (!an->project)
			return false;
		link_resolve(an->project, k, a, sizeof(a));
		if (id->resolved && !strncmp(id->resolved, "file:", 5)) {
			link_resolve(an->project, id->resolved + 5, b, sizeof(b));
			if (!strcmp(a, b))
				return true;
		}
		return !id->registry && !strcmp(a, folder); /* a linked directory */
	}
	if (strstr(key, "://") || !strncmp(key, "git", 3) || !strncmp(key, "github:", 7) ||
	    !strncmp(key, "gitlab:", 7) || !strncmp(key, "bitbucket:", 10))
		return id->resolved && !strcmp(id->resolved, key);
	if (!id->registry)
		return false; /* a registry key never matches a file:, git or URL package */
	split_spec(key, name, sizeof(name), &spec);
	if (strcmp(name, id->name))
		return false;
	if (!spec[0] || !strcmp(spec, "*"))
		return true;
	/* npm believes a version only from the registry URL it resolved
	 * (a lockfile without "resolved" leaves "core-js@3.51.0" pending) */
	if (!id->trusted_version)
		return deny; /* an unverifiable version: a deny blocks, an allow is refused */
	return versions_match(spec, id->version, &valid) && valid;
}

static int npm_verdict(struct analyzer *an, struct npm_policy *np, const struct ident *id, const char *folder)
{
	bool yes = false, no = false;

	if (!np->allow || id->bundled)
		return -1;
	json_object_object_foreach(np->allow, k, val) {
		bool v = json_object_get_boolean(val);

		if (!npm_key_matches(an, k, id, folder, !v))
			continue;
		if (v)
			yes = true;
		else
			no = true;
	}
	return no ? 0 : yes ? 1 : -1;
}

/* npm_key_valid: a key npm keeps (validatePolicy): not a tag, not a range
 * other than exact versions joined by "||". */
static bool npm_key_valid(const char *key)
{
	char name[512];
	const char *spec;
	bool valid;

	if (!strncmp(key, "npm:", 4) || !strncmp(key, "file:", 5) || key[0] == '.' || key[0] == '/' ||
	    key[0] == '~' || strstr(key, "://") || !strncmp(key, "git", 3) || strchr(key, ':'))
		return true;
	split_spec(key, name, sizeof(name), &spec);
	if (!spec[0] || !strcmp(spec, "*"))
		return true;
	versions_match(spec, NULL, &valid);
	return valid;
}

static void allow_add(struct npm_policy *np, const char *key, bool val)
{
	if (!npm_key_valid(key))
		return;
	if (!np->allow)
		np->allow = json_object_new_object();
	if (np->allow)
		json_object_object_add(np->allow, key, json_object_new_boolean(val));
}

/* npmrc_allow: the allow-scripts entries of one .npmrc text ("a,b" or
 * allow-scripts[]=a lines); true when it had any. */
static bool npmrc_allow(struct npm_policy *np, const char *text)
{
	bool any = false;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n'), *s = line + strspn(line, " \t");
		size_t l = end ? (size_t)(end - line) : strlen(line);
		char buf[4096];

		snprintf(buf, sizeof(buf), "%.*s", (int)l, line);
		s = buf + strspn(buf, " \t");
		if (!strncmp(s, "allow-scripts", 13)) {
			const char *v = s + 13;

			v += !strncmp(v, "[]", 2) ? 2 : 0;
			v += strspn(v, " \t");
			if (*v == '=') {
				char *save = NULL;

				for (char *t = strtok_r((char *)v + 1, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
					char *e;

					t += strspn(t, " \t\"'");
					e = t + strlen(t);
					while (e > t && strchr(" \t\r\"'", e[-1]))
						*--e = '\0';
					if (*t) {
						allow_add(np, t, true);
						any = true;
					}
				}
			}
		}
		line = end ? end + 1 : NULL;
	}
	return any;
}

static void npm_policy_load(struct analyzer *an, struct npm_policy *np, struct facts *facts)
{
	struct json_object *allow;
	const char *files[] = { "/usr/etc/npmrc", "/etc/npmrc", "/usr/local/etc/npmrc", NULL };
	char path[4200];

	if (np->root && json_object_object_get_ex(np->root, "allowScripts", &allow) &&
	    json_object_is_type(allow, json_type_object)) {
		json_object_object_foreach(allow, k, val)
			if (json_object_is_type(val, json_type_boolean))
				allow_add(np, k, json_object_get_boolean(val));
	}
	if (np->allow)
		return;
	/* the .npmrc cascade: the first file with an entry decides */
	if (an->project) {
		snprintf(path, sizeof(path), "%s/.npmrc", an->project);
		if (npmrc_allow(np, fact(facts, path, 65536)))
			return;
	}
	snprintf(path, sizeof(path), "%s/.npmrc", an->home);
	if (npmrc_allow(np, fact(facts, path, 65536)))
		return;
	for (int i = 0; files[i]; i++)
		if (npmrc_allow(np, fact(facts, files[i], 65536)))
			return;
}

static void pnpm_add(struct analyzer *an, struct npm_policy *np, const char *list, const char *entry, bool yes)
{
	char buf[1024];
	const char *at;

	snprintf(buf, sizeof(buf), "%s", entry);
	if (!strcmp(list, "onlyBuiltDependencies"))
		np->pnpm_listed = true;
	/* name@1.0.0 || 2.0.0: one entry per version */
	at = strchr(buf + (buf[0] == '@'), '@');
	if (at && strstr(at, "||")) {
		char name[512];
		const char *spec;

		split_spec(buf, name, sizeof(name), &spec);
		for (const char *s = spec; *s;) {
			size_t l = strcspn(s, "|");
			char one[1024];
			const char *t = s + strspn(s, " ");
			size_t tl = l - (size_t)(t - s);

			while (tl && t[tl - 1] == ' ')
				tl--;
			snprintf(one, sizeof(one), "%s@%.*s", name, (int)tl, t);
			pnpm_add(an, np, list, one, yes);
			s += l;
			s += strspn(s, "|");
		}
		return;
	}
	if (strmap_add(yes ? &np->pnpm_yes : &np->pnpm_no, buf, NULL) == -ENOMEM)
		an->oom = true;
}

/* pnpm_json: the lists of the root package.json's "pnpm" object. */
static void pnpm_json(struct analyzer *an, struct npm_policy *np)
{
	struct json_object *pnpm, *l;
	static const char *const lists[] = { "onlyBuiltDependencies", "neverBuiltDependencies", NULL };

	if (!np->root || !json_object_object_get_ex(np->root, "pnpm", &pnpm) ||
	    !json_object_is_type(pnpm, json_type_object))
		return;
	for (int k = 0; lists[k]; k++) {
		if (!json_object_object_get_ex(pnpm, lists[k], &l) || !json_object_is_type(l, json_type_array))
			continue;
		if (!k)
			np->pnpm_listed = true;
		for (size_t i = 0; i < json_object_array_length(l); i++) {
			const char *e = json_object_get_string(json_object_array_get_idx(l, i));

			if (e)
				pnpm_add(an, np, lists[k], e, k == 0);
		}
	}
	if (json_object_object_get_ex(pnpm, "allowBuilds", &l) && json_object_is_type(l, json_type_object)) {
		json_object_object_foreach(l, k, val)
			pnpm_add(an, np, "allowBuilds", k, json_object_get_boolean(val));
	}
}

/* yaml_scalar: s without quotes, comment and trailing space, into out. */
static void yaml_scalar(const char *s, size_t l, char *out, size_t max)
{
	const char *h;

	while (l && (*s == ' ' || *s == '\t'))
		s++, l--;
	if ((h = memchr(s, '#', l)) && (h == s || h[-1] == ' '))
		l = (size_t)(h - s);
	while (l && strchr(" \t\r,", s[l - 1]))
		l--;
	if (l >= 2 && (s[0] == '"' || s[0] == '\'') && s[l - 1] == s[0])
		s++, l -= 2;
	snprintf(out, max, "%.*s", (int)l, s);
}

/* pnpm_yaml: onlyBuiltDependencies, neverBuiltDependencies (block or flow
 * lists) and allowBuilds (a map of name: true/false) of
 * pnpm-workspace.yaml; the rest of the file is not read. */
static void pnpm_yaml(struct analyzer *an, struct npm_policy *np, const char *text)
{
	const char *list = NULL;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t l = end ? (size_t)(end - line) : strlen(line);
		char item[1024], val[64];

		if (line[0] != ' ' && line[0] != '\t' && line[0] != '-') {
			const char *colon = memchr(line, ':', l);
			char key[128];

			list = NULL;
			yaml_scalar(line, colon ? (size_t)(colon - line) : l, key, sizeof(key));
			if (colon && (!strcmp(key, "onlyBuiltDependencies") || !strcmp(key, "neverBuiltDependencies") ||
				      !strcmp(key, "allowBuilds"))) {
				const char *rest = colon + 1 + strspn(colon + 1, " \t");

				list = !strcmp(key, "onlyBuiltDependencies") ? "onlyBuiltDependencies" :
				       !strcmp(key, "allowBuilds") ? "allowBuilds" : "neverBuiltDependencies";
				if (list[0] == 'o')
					np->pnpm_listed = true;
				if (*rest == '[') { /* [a, b] */
					for (const char *s = rest + 1; *s && *s != ']' && s < line + l;) {
						size_t il = strcspn(s, ",]\n");

						yaml_scalar(s, il, item, sizeof(item));
						if (item[0])
							pnpm_add(an, np, list, item, list[0] == 'o');
						s += il + (s[il] == ',');
					}
					list = NULL;
				}
			}
		} else if (list) {
			const char *s = line + strspn(line, " \t");
			size_t sl = l - (size_t)(s - line);

			if (!strcmp(list, "allowBuilds")) {
				const char *colon = memchr(s, ':', sl);

				if (colon) {
					yaml_scalar(s, (size_t)(colon - s), item, sizeof(item));
					yaml_scalar(colon + 1, sl - (size_t)(colon + 1 - s), val, sizeof(val));
					if (item[0])
						pnpm_add(an, np, list, item, !strcmp(val, "true"));
				}
			} else if (*s == '-') {
				yaml_scalar(s + 1, sl - 1, item, sizeof(item));
				if (item[0])
					pnpm_add(an, np, list, item, list[0] == 'o');
			}
		}
		line = end ? end + 1 : NULL;
	}
}

static int pnpm_verdict(struct npm_policy *np, const struct ident *id)
{
	char nv[1024];

	snprintf(nv, sizeof(nv), "%s@%s", id->name, id->version);
	if (strmap_find(&np->pnpm_no, id->name) >= 0 || strmap_find(&np->pnpm_no, nv) >= 0)
		return 0;
	/* pnpm builds only packages of a semver version from the list */
	if (id->version[0] && (strmap_find(&np->pnpm_yes, id->name) >= 0 || strmap_find(&np->pnpm_yes, nv) >= 0))
		return 1;
	return -1;
}

static int bun_verdict(struct npm_policy *np, const struct ident *id)
{
	struct json_object *t;

	if (!np->root || !json_object_object_get_ex(np->root, "trustedDependencies", &t) ||
	    !json_object_is_type(t, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(t); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(t, i));

		if (e && !strcmp(e, id->name))
			return 1;
	}
	return -1;
}

/* ---------- the public part ---------- */

struct npm_policy *npm_policy_new(struct analyzer *an, struct facts *facts, struct json_object *root)
{
	struct npm_policy *np = calloc(1, sizeof(*np));
	char path[4200];
	const char *text;

	if (!np) {
		an->oom = true;
		return NULL;
	}
	np->pm = an->npm_flavor ? an->npm_flavor : "npm";
	np->root = root;
	strmap_init(&np->pnpm_yes, 0);
	strmap_init(&np->pnpm_no, 0);
	if (an->project) {
		snprintf(path, sizeof(path), "%s/package-lock.json", an->project);
		text = fact(facts, path, LOCK_MAX);
		if (!text) {
			snprintf(path, sizeof(path), "%s/node_modules/.package-lock.json", an->project);
			text = fact(facts, path, LOCK_MAX);
		}
		np->lockdoc = text ? json_tokener_parse(text) : NULL;
		if (np->lockdoc && json_object_is_type(np->lockdoc, json_type_object))
			json_object_object_get_ex(np->lockdoc, "packages", &np->lock);
		if (np->lock && !json_object_is_type(np->lock, json_type_object))
			np->lock = NULL;
	}
	if (!strcmp(np->pm, "npm")) {
		npm_policy_load(an, np, facts);
	} else if (!strcmp(np->pm, "pnpm")) {
		pnpm_json(an, np);
		if (an->project) {
			snprintf(path, sizeof(path), "%s/pnpm-workspace.yaml", an->project);
			pnpm_yaml(an, np, fact(facts, path, 1u << 20));
		}
	}
	return np;
}

void npm_policy_free(struct npm_policy *np)
{
	if (!np)
		return;
	json_object_put(np->lockdoc);
	json_object_put(np->allow);
	strmap_clear(&np->pnpm_yes);
	strmap_clear(&np->pnpm_no);
	free(np);
}

void npm_identify(struct analyzer *an, struct npm_policy *np, struct owner *o, const char *claimed,
		  const char *claimed_version)
{
	struct ident id;

	if (!np || o->kind != OWN_PACKAGE || !o->path)
		return;
	ident_of(an, np, o->path, &id);
	o->pm = np->pm;
	if (id.name[0]) {
		if (claimed && strcmp(claimed, id.name))
			set_str(an, &o->claimed, claimed);
		set_str(an, &o->name, id.name);
	}
	if (id.version[0])
		set_str(an, &o->version, id.version);
	else if (claimed_version && !o->version)
		set_str(an, &o->version, claimed_version);
	if (!strcmp(np->pm, "npm"))
		o->approved = npm_verdict(an, np, &id, o->path);
	else if (!strcmp(np->pm, "pnpm"))
		o->approved = pnpm_verdict(np, &id);
	else if (!strcmp(np->pm, "bun"))
		o->approved = bun_verdict(np, &id);
	else
		o->approved = -1; /* yarn runs every script: there is no list */
}
