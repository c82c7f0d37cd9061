// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * npm.c - what the analysis knows of npm (and of yarn and pnpm, which
 * lay packages out the same way): which exec is the package manager,
 * which package folder a lifecycle script belongs to, the folders it
 * installed and their package.json (names, versions, install scripts it
 * did not run), the root project's approvals (allowScripts, pnpm's
 * onlyBuiltDependencies), pnpm's links and .bin shims.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyzer.h"
#include "pathclass.h"
#include "pkgjson.h"

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static bool base_is(const char *s, const char *name)
{
	return s && !strcmp(path_base(s), name);
}

bool npm_is_pm(const char *b, const char *a1)
{
	if (!strcmp(b, "npm") || !strcmp(b, "npx") || !strcmp(b, "yarn") || !strcmp(b, "pnpm") ||
	    !strcmp(b, "npm-cli.js") || !strcmp(b, "npx-cli.js"))
		return true;
	return (!strcmp(b, "node") || !strcmp(b, "nodejs")) && a1 &&
	       (base_is(a1, "npm-cli.js") || base_is(a1, "npx-cli.js") || base_is(a1, "npm") ||
		base_is(a1, "npx") || base_is(a1, "yarn.js") || base_is(a1, "pnpm.cjs") ||
		base_is(a1, "yarn") || base_is(a1, "pnpm"));
}

/* folder_seg: the end of the package name after a "/node_modules/" at
 * seg (NAME or @scope/NAME), or NULL when none starts there (.bin,
 * .pnpm, .package-lock.json...). */
static const char *folder_seg(const char *seg)
{
	const char *end;

	if (!*seg || *seg == '.' || *seg == '/')
		return NULL;
	end = seg + strcspn(seg, "/");
	if (*seg == '@') {
		if (!*end || !end[1] || end[1] == '/')
			return NULL;
		end = end + 1 + strcspn(end + 1, "/");
	}
	return end;
}

/* npm_folder_len: length of the package folder containing path (or 0):
 * the first node_modules/NAME (or @scope/NAME) of the path, extended only
 * through node_modules/NAME directly nested in it (npm's layout).  What
 * lies deeper in a package folder is that package's, even a path that
 * mirrors another one (gyp's build/Release/.deps/<absolute path>/...). */
size_t npm_folder_len(const char *path)
{
	static const char nm[] = "/node_modules/";
	const char *s = path, *end = NULL;

	/* the first node_modules/NAME; .pnpm/NAME@VER/node_modules/NAME and
	 * other dot folders are skipped to the next one */
	while ((s = strstr(s, nm)) && !(end = folder_seg(s + sizeof(nm) - 1)))
		s += 1;
	if (!s || !end)
		return 0;
	while (!strncmp(end, nm, sizeof(nm) - 1)) {
		const char *next = folder_seg(end + sizeof(nm) - 1);

		if (!next)
			break;
		end = next;
	}
	return (size_t)(end - path);
}

int npm_owner_for_folder(struct analyzer *an, const char *folder, const char *name,
			 const char *version)
{
	char key[4200], nm[512];
	size_t fl;

	/* the project itself, and its workspaces: the project's own code */
	if (an->project && path_under(folder, an->project) && !npm_folder_len(folder))
		return an->project_owner;
	snprintf(key, sizeof(key), "npm:%s", folder);
	if (!name) { /* from the folder: node_modules/@scope/name */
		fl = npm_folder_len(folder);
		const char *nmod = NULL, *s = folder;

		while ((s = strstr(s, "/node_modules/")))
			nmod = s++;
		snprintf(nm, sizeof(nm), "%s", nmod && fl ? nmod + 14 : path_base(folder));
		name = nm;
	}
	return owner_get(an, OWN_PACKAGE, "npm", key, name, version, folder);
}

int npm_script_owner(struct analyzer *an, const struct event_view *v, const char *cmdline,
		     const char **event, char *item, size_t itemlen)
{
	const char *cwd = v->field[2], *env = v->field[3];
	size_t elen = v->field_len[3];
	const char *lifecycle = env_get(env, elen, "npm_lifecycle_event");
	int owner;

	if (lifecycle) {
		const char *json = env_get(env, elen, "npm_package_json");
		const char *script = env_get(env, elen, "npm_lifecycle_script");
		char folder[4096];

		if (json)
			dirname_into(json, folder, sizeof(folder));
		else
			snprintf(folder, sizeof(folder), "%s", cwd ? cwd : "");
		if (!folder[0])
			return -1;
		/* named by its folder, as npm keys it, never by the name its
		 * package.json (npm_package_name) claims; the lockfile has the
		 * last word at finish (npmident.c) */
		owner = npm_owner_for_folder(an, folder, NULL, env_get(env, elen, "npm_package_version"));
		*event = lifecycle;
		snprintf(item, itemlen, "%s: %s", lifecycle, script ? script : cmdline);
		return owner;
	}
	if (cwd && is_shell(path_base(v->field[0] ? v->field[0] : "")) &&
	    (npm_folder_len(cwd) == strlen(cwd) || (an->project && !strcmp(cwd, an->project)))) {
		/* the environment was cut before npm's variables (a large
		 * environment): npm runs every script with cwd in its folder */
		*event = "script";
		snprintf(item, itemlen, "%s: %s", *event, cmdline);
		return npm_owner_for_folder(an, cwd, NULL, NULL);
	}
	return -1;
}

bool npm_pm_write(struct analyzer *an, const struct event_view *v, const char *path,
		  const char *target)
{
	size_t fl = npm_folder_len(path);

	if (target && fl && fl == strlen(path)) {
		/* node_modules/NAME -> .pnpm/NAME@VER/node_modules/NAME: pnpm's
		 * (and npm's workspace) links are no package folder of their own;
		 * the folder they point to is */
		char abs[8400], dir[4096];

		dirname_into(path, dir, sizeof(dir));
		link_resolve(dir, target, abs, sizeof(abs));
		cand_add(an, &an->links, path, -1, -1, path, abs, strlen(abs), v);
		return false;
	}
	if (fl && an->project && path_under(path, an->project) &&
	    strmap_put(&an->npm_folders, path, fl, NULL) == -ENOMEM)
		an->oom = true;
	return true;
}

/* npm_real_folder: where the package manager's symlink of a package
 * folder points (pnpm: node_modules/NAME -> .pnpm/NAME@VER/node_modules/NAME),
 * in place; folder is left alone when it was no such link. */
void npm_real_folder(struct analyzer *an, char *folder, size_t max)
{
	for (int hop = 0; hop < 8; hop++) {
		long idx = strmap_find(&an->links.keys, folder);

		if (idx < 0 || !an->links.v[idx].extra)
			return;
		snprintf(folder, max, "%s", an->links.v[idx].extra);
	}
}

/* npm_shim_target: the file a node_modules/.bin shell shim runs (pnpm
 * writes cmd-shim scripts, not symlinks): the first "$basedir/REL" of its
 * text other than the "$basedir/node" runtime probe.  REL goes to out;
 * returns false for anything else. */
bool npm_shim_target(struct facts *facts, const char *path, char *out, size_t max)
{
	static const char mark[] = "\"$basedir/";
	const char *text, *s;

	if (!strstr(path, "/node_modules/.bin/"))
		return false;
	text = fact(facts, path, 65536);
	if (!text || strncmp(text, "#!", 2))
		return false;
	for (s = strstr(text, mark); s; s = strstr(s, mark)) {
		size_t l;

		s += sizeof(mark) - 1;
		l = strcspn(s, "\"\n");
		if (s[l] != '"' || !l || (l == 4 && !strncmp(s, "node", 4)))
			continue;
		snprintf(out, max, "%.*s", (int)l, s);
		return true;
	}
	return false;
}

static const char *const npm_install_scripts[] = { "preinstall", "install", "postinstall", NULL };

/* package_fields: name, version and install scripts of a package.json;
 * -1 when it is not a JSON object.  The scanner reads the common case;
 * json-c answers whatever it declines, so the result is json-c's. */
static int package_fields(const char *text, struct pkgjson *pj)
{
	struct json_object *pkg, *n, *ver, *scripts;
	int err = pkgjson_scan(text, npm_install_scripts, pj);

	if (err != -EINVAL)
		return err ? -1 : 0;
	pkg = json_tokener_parse(text);
	if (!pkg || !json_object_is_type(pkg, json_type_object)) {
		json_object_put(pkg);
		return -1;
	}
	if (json_object_object_get_ex(pkg, "name", &n) && json_object_get_string(n))
		pj->name = strdup(json_object_get_string(n));
	if (json_object_object_get_ex(pkg, "version", &ver) && json_object_get_string(ver))
		pj->version = strdup(json_object_get_string(ver));
	if (json_object_object_get_ex(pkg, "scripts", &scripts) &&
	    json_object_is_type(scripts, json_type_object))
		for (int k = 0; npm_install_scripts[k]; k++)
			if (json_object_object_get_ex(scripts, npm_install_scripts[k], NULL))
				pj->scripts |= 1u << k;
	json_object_put(pkg);
	return 0;
}

/* npm_tree: the installed folders' package.json files say what each
 * package claims to be and which install scripts it has; npmident.c says
 * who it is and whether its package manager approved them.  The root
 * package.json names the project. */
void npm_tree(struct analyzer *an, struct facts *facts)
{
	char path[4200];
	struct json_object *root_pkg = NULL;
	struct owner *proj = an->owners[an->project_owner];
	struct npm_policy *np;
	const char *text;

	if (an->project) {
		snprintf(path, sizeof(path), "%s/package.json", an->project);
		text = fact(facts, path, FACT_MAX);
		root_pkg = text ? json_tokener_parse(text) : NULL;
		if (root_pkg && json_object_is_type(root_pkg, json_type_object)) {
			struct json_object *n, *ver;

			if (json_object_object_get_ex(root_pkg, "name", &n))
				set_str(an, &proj->name, json_object_get_string(n));
			if (json_object_object_get_ex(root_pkg, "version", &ver))
				set_str(an, &proj->version, json_object_get_string(ver));
			proj->eco = "npm";
		} else {
			json_object_put(root_pkg);
			root_pkg = NULL;
		}
	}
	np = npm_policy_new(an, facts, root_pkg);
	/* folders in stream order: deterministic, and the parent of a nested
	 * package comes before it */
	for (size_t i = 0; i < an->npm_folders.n; i++) {
		char skipped[256] = "", folder[4200];
		struct pkgjson pj;
		struct owner *o;
		int idx;

		/* pnpm chmods bins through its node_modules/NAME links */
		snprintf(folder, sizeof(folder), "%s", an->npm_folders.items[i]);
		npm_real_folder(an, folder, sizeof(folder));
		snprintf(path, sizeof(path), "%s/package.json", folder);
		text = fact(facts, path, FACT_MAX);
		if (!text || package_fields(text, &pj))
			continue;
		/* the index first: making the owner may move an->owners, and C
		 * does not order the array's load against the call */
		idx = npm_owner_for_folder(an, folder, NULL, NULL);
		o = an->owners[idx];
		if (o->kind != OWN_PACKAGE) {
			pkgjson_clear(&pj);
			continue;
		}
		o->shipped_listed = true;
		npm_identify(an, np, o, pj.name, pj.version);
		for (int k = 0; npm_install_scripts[k]; k++) {
			if (pj.scripts & (1u << k)) {
				size_t l = strlen(skipped);

				snprintf(skipped + l, sizeof(skipped) - l, "%s%s", l ? "," : "",
					 npm_install_scripts[k]);
			}
		}
		if (skipped[0] && !o->ran_script)
			set_str(an, &o->skipped, skipped);
		pkgjson_clear(&pj);
	}
	/* packages whose scripts ran but whose folder npm did not write in this
	 * install (a package.json unread or unreadable): the lockfile still
	 * names them */
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];

		if (o->kind == OWN_PACKAGE && o->eco && !strcmp(o->eco, "npm") && !o->pm) {
			snprintf(path, sizeof(path), "%s/package.json", o->path ? o->path : "");
			text = o->path ? fact(facts, path, FACT_MAX) : NULL;
			struct pkgjson pj = { 0 };

			if (text && package_fields(text, &pj))
				memset(&pj, 0, sizeof(pj));
			npm_identify(an, np, o, pj.name, pj.version);
			pkgjson_clear(&pj);
		} else if (o->eco && !strcmp(o->eco, "pip")) {
			o->pm = "pip";
		}
	}
	npm_policy_free(np);
	json_object_put(root_pkg);
}

const char *npm_flavor_of(const char *const *argv, int argc)
{
	static const char *const names[] = { "pnpm", "yarn", "bun", "npm", "npx", NULL };

	/* node .../pnpm.cjs, corepack's yarn, npm-cli.js: the first two words */
	for (int i = 0; argv && i < argc && i < 2; i++) {
		const char *b = argv[i] ? path_base(argv[i]) : "";

		for (int k = 0; names[k]; k++)
			if (!strncmp(b, names[k], strlen(names[k])))
				return k == 4 ? "npm" : names[k];
		if (strcmp(b, "node") && strcmp(b, "nodejs"))
			break;
	}
	return NULL;
}
