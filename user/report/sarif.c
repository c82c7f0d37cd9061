// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sarif.c - the report as SARIF 2.1.0, for code scanning: one rule per
 * rule id (with help and a link to README.md's rule reference), one
 * result per finding with its own level and security-severity, located
 * on its dependency's entry in the project's lockfile (findings_locate)
 * relative to SRCROOT, the directory the install ran in, else on a
 * logical location (name@version), and a fingerprint that is the same on
 * every machine.  Strings from the traced install go in through jsonstr,
 * as in json.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonstr.h"
#include "pathclass.h"
#include "report_int.h"
#include "trace.h"

/* Keys and URIs are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static const char *sarif_level(int sev)
{
	return sev >= SEV_HIGH ? "error" : sev == SEV_MEDIUM ? "warning" : "note";
}

/* security-severity, the 0-10 score GitHub ranks alerts by: critical 9.5
 * and high 8.0 (GitHub's "critical" is 9.0 and up, "high" 7.0-8.9),
 * medium 5.5, low 3.0, info 1.0 (README.md, Reports). */
static const char *sarif_score(int sev)
{
	static const char *const s[] = { "1.0", "3.0", "5.5", "8.0", "9.5" };

	return sev >= 0 && sev <= SEV_CRITICAL ? s[sev] : "0.0";
}

/* uri_escape: s as a URI path (RFC 3986): unreserved characters, '/' and
 * the sub-delimiters a path may hold stay, every other byte is %XX. */
static void uri_escape(const char *s, char *buf, size_t len)
{
	static const char keep[] = "-._~!$&'()*+,;=:@/";
	size_t o = 0;

	for (; *s && o + 4 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr(keep, c))
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "%%%02X", c);
	}
	buf[o] = '\0';
}

/* norm_path: a path of the evidence without what differs between
 * machines and runs: the project, HOME and the temp dir become {project},
 * {home} and {tmp} (the longest that holds), a directory right under a
 * temp dir that has more below it (mkdtemp's random names) becomes '*',
 * and a run of four or more digits (pids, times, mkstemp numbers) '#'. */
static void norm_path(const struct report *r, const char *p, char *buf, size_t len)
{
	static const char *const tmps[] = { "/tmp", "/var/tmp", "/dev/shm" };
	const char *base[3 + 3] = { r->cwd, r->home, r->tmpdir, tmps[0], tmps[1], tmps[2] };
	static const char *const names[] = { "{project}", "{home}", "{tmp}", "{tmp}", "{tmp}", "{tmp}" };
	size_t best = 0, o = 0;
	int which = -1;

	for (int i = 0; i < 6; i++) {
		size_t l = base[i] ? strlen(base[i]) : 0;

		if (l > 1 && l > best && path_under(p, base[i]) && (p[l] == '/' || !p[l])) {
			best = l;
			which = i;
		}
	}
	if (which >= 0) {
		o = (size_t)snprintf(buf, len, "%s", names[which]);
		p += best;
		/* a temp dir's own subdirectory: a random name */
		if (which >= 2 && p[0] == '/' && strchr(p + 1, '/')) {
			o += (size_t)snprintf(buf + o, len - o, "/*");
			p = strchr(p + 1, '/');
		}
	}
	while (*p && o + 1 < len) {
		size_t d = strspn(p, "0123456789");

		if (d >= 4) {
			buf[o++] = '#';
			p += d;
		} else if (d) {
			memcpy(buf + o, p, d < len - o - 1 ? d : len - o - 1);
			o += d < len - o - 1 ? d : len - o - 1;
			p += d;
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o < len ? o : len - 1] = '\0';
}

void sarif_norm_key(const struct report *r, const char *key, char *buf, size_t len)
{
	char word[4200];
	size_t o = 0;
	bool after_pid = false;

	buf[0] = '\0';
	while (*key && o + 1 < len) {
		size_t n = strcspn(key, " ");

		snprintf(word, sizeof(word), "%.*s", (int)n, key);
		if (word[0] == '/')
			norm_path(r, word, buf + o, len - o);
		else if (after_pid && n && strspn(word, "0123456789") == n)
			snprintf(buf + o, len - o, "#");
		else
			snprintf(buf + o, len - o, "%s", word);
		after_pid = !strcmp(word, "pid");
		o += strlen(buf + o);
		key += n;
		if (*key == ' ' && o + 1 < len) {
			buf[o++] = ' ';
			buf[o] = '\0';
			key++;
		}
	}
}

/* fingerprint: rule, ecosystem, package name and the finding's key (a
 * path and pid normalised by sarif_norm_key) hashed to 32 hex digits: FNV-1a 64 from
 * two offset bases.  material gets what was hashed. */
static void fingerprint(const struct report *r, const struct finding *f, char *out, size_t outlen,
			char *material, size_t mlen)
{
	const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;
	uint64_t h[2] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };
	char key[4200];
	size_t n;

	sarif_norm_key(r, f->key ? f->key : "", key, sizeof(key));
	n = (size_t)snprintf(material, mlen, "%s|%s|%s|%s", rule_info[f->rule].id,
			     o && o->eco ? o->eco : "", o && o->name ? o->name : "", key);
	if (n >= mlen)
		n = mlen - 1;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < n; i++) {
			h[k] ^= (unsigned char)material[i];
			h[k] *= 0x100000001b3ULL;
		}
	snprintf(out, outlen, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

static struct json_object *message(const char *text)
{
	struct json_object *m = json_object_new_object();

	if (m)
		rjson_add(m, "text", jsonstr_new_c(text));
	return m;
}

static struct json_object *rule_json(int i)
{
	struct json_object *rule = json_object_new_object(), *help = json_object_new_object();
	struct json_object *cfg = json_object_new_object(), *props = json_object_new_object();
	struct json_object *tags = json_object_new_array();
	const struct rule_help *h = rule_help(i);
	char uri[512], text[2048], md[2600];

	rule_help_uri(i, uri, sizeof(uri));
	snprintf(text, sizeof(text), "%s\n\nWhy it matters: %s\n\nHow to allow: %s\n\n%s",
		 h->what, h->why, h->allow, uri);
	snprintf(md, sizeof(md), "**%s** (`%s`)\n\n%s\n\n**Why it matters:** %s\n\n"
		 "**How to allow:** %s\n\n[Rule reference](%s)",
		 rule_info[i].title, rule_info[i].id, h->what, h->why, h->allow, uri);
	rjson_add(rule, "id", json_object_new_string(rule_info[i].id));
	rjson_add(rule, "name", json_object_new_string(rule_info[i].id));
	rjson_add(rule, "shortDescription", message(rule_info[i].title));
	rjson_add(rule, "fullDescription", message(h->what));
	rjson_add(rule, "helpUri", json_object_new_string(uri));
	rjson_add(help, "text", json_object_new_string(text));
	rjson_add(help, "markdown", json_object_new_string(md));
	rjson_add(rule, "help", help);
	/* a rule's default is its highest severity; each result has its own */
	rjson_add(cfg, "level", json_object_new_string(sarif_level(rule_info[i].max_sev)));
	rjson_add(rule, "defaultConfiguration", cfg);
	json_object_array_add(tags, json_object_new_string("security"));
	json_object_array_add(tags, json_object_new_string("supply-chain"));
	rjson_add(props, "tags", tags);
	rjson_add(props, "security-severity", json_object_new_string(sarif_score(rule_info[i].max_sev)));
	rjson_add(rule, "properties", props);
	return rule;
}

/* location_json: the lockfile entry (physical, relative to SRCROOT) and
 * the package itself (logical); only the logical one when no file of the
 * project was found (a replay without the recorded lockfile). */
static struct json_object *location_json(const struct report *r, const struct finding *f)
{
	const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;
	struct json_object *loc = json_object_new_object(), *logs = json_object_new_array();
	struct json_object *lg = json_object_new_object();
	char uri[4200], name[1200];

	if (f->loc_file) {
		struct json_object *phys = json_object_new_object(), *art = json_object_new_object();
		struct json_object *region = json_object_new_object();

		uri_escape(f->loc_file, uri, sizeof(uri));
		rjson_add(art, "uri", jsonstr_new_c(uri));
		rjson_add(art, "uriBaseId", json_object_new_string("SRCROOT"));
		rjson_add(phys, "artifactLocation", art);
		rjson_add(region, "startLine", json_object_new_int(f->loc_line > 0 ? f->loc_line : 1));
		rjson_add(phys, "region", region);
		rjson_add(loc, "physicalLocation", phys);
	}
	if (o && o->name) {
		snprintf(name, sizeof(name), "%s@%s", o->name, o->version ? o->version : "");
		rjson_add(lg, "name", jsonstr_new_c(name));
		snprintf(uri, sizeof(uri), "%s:%s", o->eco ? o->eco : "package", name);
		rjson_add(lg, "fullyQualifiedName", jsonstr_new_c(uri));
		rjson_add(lg, "kind", json_object_new_string("module"));
	} else {
		rjson_add(lg, "name", json_object_new_string("install"));
		rjson_add(lg, "fullyQualifiedName", jsonstr_new_c(r->argc > 0 ? r->argv[0] : "install"));
		rjson_add(lg, "kind", json_object_new_string("resource"));
	}
	json_object_array_add(logs, lg);
	rjson_add(loc, "logicalLocations", logs);
	return loc;
}

static struct json_object *result_json(const struct report *r, const struct finding *f)
{
	const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;
	struct json_object *res = json_object_new_object(), *locs = json_object_new_array();
	struct json_object *fp = json_object_new_object(), *props = json_object_new_object();
	char hash[40], material[4500];

	rjson_add(res, "ruleId", json_object_new_string(rule_info[f->rule].id));
	rjson_add(res, "ruleIndex", json_object_new_int(f->rule));
	rjson_add(res, "level", json_object_new_string(sarif_level(f->sev)));
	rjson_add(res, "message", message(f->summary ? f->summary : rule_info[f->rule].title));
	json_object_array_add(locs, location_json(r, f));
	rjson_add(res, "locations", locs);
	fingerprint(r, f, hash, sizeof(hash), material, sizeof(material));
	rjson_add(fp, "pkgtraceFinding/v2", json_object_new_string(hash));
	rjson_add(res, "partialFingerprints", fp);
	rjson_add(props, "severity", json_object_new_string(severity_name(f->sev)));
	/* this finding's own score: a rule's is its highest, and a LOW
	 * toolchain exec must not rank as unexpected-exec's worst */
	rjson_add(props, "security-severity", json_object_new_string(sarif_score(f->sev)));
	rjson_add_str(props, "package", o ? o->name : NULL);
	rjson_add_str(props, "version", o ? o->version : NULL);
	rjson_add_str(props, "ecosystem", o ? o->eco : NULL);
	rjson_add(props, "fingerprintInput", jsonstr_new_c(material));
	rjson_add(props, "count", json_object_new_int64((int64_t)f->count));
	if (f->action)
		rjson_add_str(props, "action", f->action);
	rjson_add(res, "properties", props);
	if (f->suppressed) {
		/* the policy file's suppression, for an audit to see */
		struct json_object *sups = json_object_new_array(), *sup = json_object_new_object();

		rjson_add(sup, "kind", json_object_new_string("external"));
		rjson_add(sup, "justification", jsonstr_new_c(f->suppressed));
		json_object_array_add(sups, sup);
		rjson_add(res, "suppressions", sups);
	}
	return res;
}

/* invocation_json: the run stopped at a damaged trace: SARIF's place for
 * that is a failed invocation with an error notification. */
static struct json_object *invocations_json(const struct report *r)
{
	struct json_object *invs = json_object_new_array(), *inv = json_object_new_object();
	struct json_object *notes = json_object_new_array(), *note = json_object_new_object();

	rjson_add(note, "level", json_object_new_string("error"));
	rjson_add(note, "message", message(r->damage->message));
	json_object_array_add(notes, note);
	rjson_add(inv, "executionSuccessful", json_object_new_boolean(false));
	rjson_add(inv, "toolExecutionNotifications", notes);
	json_object_array_add(invs, inv);
	return invs;
}

struct json_object *report_sarif_json(const struct report *r)
{
	struct json_object *root = json_object_new_object(), *runs = json_object_new_array();
	struct json_object *run = json_object_new_object(), *tool = json_object_new_object();
	struct json_object *driver = json_object_new_object(), *rules = json_object_new_array();
	struct json_object *results = json_object_new_array();
	char uri[4200], esc[4200];

	if (!root || !runs || !run || !tool || !driver || !rules || !results) {
		json_object_put(root);
		json_object_put(runs);
		json_object_put(run);
		json_object_put(tool);
		json_object_put(driver);
		json_object_put(rules);
		json_object_put(results);
		return NULL;
	}
	rjson_add(root, "$schema", json_object_new_string("https://json.schemastore.org/sarif-2.1.0.json"));
	rjson_add(root, "version", json_object_new_string("2.1.0"));
	rjson_add(driver, "name", json_object_new_string("pkgtrace"));
	rjson_add(driver, "informationUri", json_object_new_string(PKGTRACE_HOME_URL));
	rjson_add(driver, "version", json_object_new_string(PKGTRACE_VERSION));
	rjson_add(driver, "semanticVersion", json_object_new_string(PKGTRACE_VERSION));
	for (int i = 0; i < R_NRULES; i++)
		json_object_array_add(rules, rule_json(i));
	rjson_add(driver, "rules", rules);
	rjson_add(tool, "driver", driver);
	rjson_add(run, "tool", tool);
	if (r->cwd && r->cwd[0] == '/') {
		/* SRCROOT: the directory the install ran in, the repository's root */
		struct json_object *bases = json_object_new_object(), *src = json_object_new_object();

		uri_escape(r->cwd, esc, sizeof(esc));
		snprintf(uri, sizeof(uri), "file://%s%s", esc, esc[strlen(esc) - 1] == '/' ? "" : "/");
		rjson_add(src, "uri", jsonstr_new_c(uri));
		rjson_add(src, "description", message("the directory the install ran in"));
		rjson_add(bases, "SRCROOT", src);
		rjson_add(run, "originalUriBaseIds", bases);
	}
	for (size_t i = 0; i < r->nfindings; i++)
		json_object_array_add(results, result_json(r, &r->findings[i]));
	rjson_add(run, "results", results);
	if (r->damage)
		rjson_add(run, "invocations", invocations_json(r));
	if (r->enforcement || r->enforce) { /* what was enforced: the JSON report's object, in the run's bag */
		struct json_object *props = json_object_new_object();

		rjson_add(props, "enforcement", report_enforcement_json(r));
		rjson_add(run, "properties", props);
	}
	json_object_array_add(runs, run);
	rjson_add(root, "runs", runs);
	return root;
}
