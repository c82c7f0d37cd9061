// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sarif.c - the report as SARIF 2.1.0, for code scanning: one rule per
 * rule id, one result per finding.  Strings from the traced install go in
 * through jsonstr, as in json.c.
 */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonstr.h"
#include "pathclass.h"
#include "report_int.h"
#include "trace.h"

/* Artifact URIs and fingerprints are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static const char *sarif_level(int sev)
{
	return sev >= SEV_HIGH ? "error" : sev == SEV_MEDIUM ? "warning" : "note";
}

/* security-severity, the 0-10 score GitHub ranks alerts by */
static const char *sarif_score(int sev)
{
	static const char *const s[] = { "1.0", "3.0", "5.5", "8.0", "9.5" };

	return sev >= 0 && sev <= SEV_CRITICAL ? s[sev] : "0.0";
}

/* artifact_uri: where a finding points in the repository: the evidence
 * path or the package's manifest relative to the project, else the
 * project's manifest. */
static void artifact_uri(const struct report *r, const struct finding *f, char *buf, size_t len)
{
	const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;
	const char *proj = r->cwd;
	size_t pl = proj ? strlen(proj) : 0;
	bool npm = o && o->eco && !strcmp(o->eco, "npm");

	for (int i = 0; i < f->nev; i++) {
		const char *p = f->ev[i].path;

		if (p && proj && path_under(p, proj) && p[pl] == '/') {
			snprintf(buf, len, "%s", p + pl + 1);
			return;
		}
	}
	if (o && o->path && proj && path_under(o->path, proj) && o->path[pl] == '/') {
		snprintf(buf, len, "%s/%s", o->path + pl + 1, npm ? "package.json" : "PKG-INFO");
		return;
	}
	if (o && o->eco && !strcmp(o->eco, "pip"))
		snprintf(buf, len, "requirements.txt");
	else
		snprintf(buf, len, "package.json");
}

struct json_object *report_sarif_json(const struct report *r)
{
	struct json_object *root = json_object_new_object(), *runs = json_object_new_array();
	struct json_object *run = json_object_new_object(), *tool = json_object_new_object();
	struct json_object *driver = json_object_new_object(), *rules = json_object_new_array();
	struct json_object *results = json_object_new_array();
	char uri[4096];

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
	rjson_add(driver, "version", json_object_new_string(PKGTRACE_VERSION));
	rjson_add(driver, "semanticVersion", json_object_new_string(PKGTRACE_VERSION));
	for (int i = 0; i < R_NRULES; i++) {
		struct json_object *rule = json_object_new_object(), *sd = json_object_new_object();
		struct json_object *cfg = json_object_new_object(), *props = json_object_new_object();
		struct json_object *tags = json_object_new_array();

		rjson_add(rule, "id", json_object_new_string(rule_info[i].id));
		rjson_add(rule, "name", json_object_new_string(rule_info[i].id));
		rjson_add(sd, "text", json_object_new_string(rule_info[i].title));
		rjson_add(rule, "shortDescription", sd);
		rjson_add(cfg, "level", json_object_new_string(sarif_level(rule_info[i].max_sev)));
		rjson_add(rule, "defaultConfiguration", cfg);
		json_object_array_add(tags, json_object_new_string("security"));
		json_object_array_add(tags, json_object_new_string("supply-chain"));
		rjson_add(props, "tags", tags);
		rjson_add(props, "security-severity", json_object_new_string(sarif_score(rule_info[i].max_sev)));
		rjson_add(rule, "properties", props);
		json_object_array_add(rules, rule);
	}
	rjson_add(driver, "rules", rules);
	rjson_add(tool, "driver", driver);
	rjson_add(run, "tool", tool);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;
		struct json_object *res = json_object_new_object(), *msg = json_object_new_object();
		struct json_object *locs = json_object_new_array(), *loc = json_object_new_object();
		struct json_object *phys = json_object_new_object(), *art = json_object_new_object();
		struct json_object *region = json_object_new_object(), *fp = json_object_new_object();
		struct json_object *props = json_object_new_object();
		char fpbuf[4400];

		rjson_add(res, "ruleId", json_object_new_string(rule_info[f->rule].id));
		rjson_add(res, "ruleIndex", json_object_new_int(f->rule));
		rjson_add(res, "level", json_object_new_string(sarif_level(f->sev)));
		rjson_add(msg, "text", jsonstr_new_c(f->summary ? f->summary : rule_info[f->rule].title));
		rjson_add(res, "message", msg);
		artifact_uri(r, f, uri, sizeof(uri));
		rjson_add(art, "uri", jsonstr_new_c(uri));
		rjson_add(art, "uriBaseId", json_object_new_string("%SRCROOT%"));
		rjson_add(phys, "artifactLocation", art);
		rjson_add(region, "startLine", json_object_new_int(1));
		rjson_add(phys, "region", region);
		rjson_add(loc, "physicalLocation", phys);
		json_object_array_add(locs, loc);
		rjson_add(res, "locations", locs);
		snprintf(fpbuf, sizeof(fpbuf), "%s/%s/%s", rule_info[f->rule].id,
			 o && o->name ? o->name : "-", f->key ? f->key : "");
		rjson_add(fp, "pkgtraceFinding/v1", jsonstr_new_c(fpbuf));
		rjson_add(res, "partialFingerprints", fp);
		rjson_add(props, "severity", json_object_new_string(severity_name(f->sev)));
		/* this finding's own score: a rule's is its highest, and a LOW
		 * toolchain exec must not rank as unexpected-exec's worst */
		rjson_add(props, "security-severity", json_object_new_string(sarif_score(f->sev)));
		rjson_add_str(props, "package", o ? o->name : NULL);
		rjson_add(props, "count", json_object_new_int64((int64_t)f->count));
		if (report_action_name(f->action))
			rjson_add(props, "action", json_object_new_string(report_action_name(f->action)));
		rjson_add(res, "properties", props);
		json_object_array_add(results, res);
	}
	rjson_add(run, "results", results);
	if (r->damage) {
		/* the run stopped at a damaged trace: SARIF's place for that */
		struct json_object *invs = json_object_new_array(), *inv = json_object_new_object();
		struct json_object *notes = json_object_new_array(), *note = json_object_new_object();
		struct json_object *msg = json_object_new_object();

		rjson_add(msg, "text", jsonstr_new_c(r->damage->message));
		rjson_add(note, "level", json_object_new_string("error"));
		rjson_add(note, "message", msg);
		json_object_array_add(notes, note);
		rjson_add(inv, "executionSuccessful", json_object_new_boolean(false));
		rjson_add(inv, "toolExecutionNotifications", notes);
		json_object_array_add(invs, inv);
		rjson_add(run, "invocations", invs);
	}
	json_object_array_add(runs, run);
	rjson_add(root, "runs", runs);
	return root;
}
