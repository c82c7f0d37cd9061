// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * report.c - the report as text, JSON (schemas/report.schema.json) and
 * SARIF 2.1.0.  Everything here is a function of struct report alone: no
 * clock, no environment, so a replayed report is byte-identical.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "analyze_int.h"
#include "pathclass.h"
#include "trace.h"

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define REPORT_FORMAT "pkgtrace-report/1"

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical", "never" };

int severity_parse(const char *s)
{
	for (int i = 0; s && i <= SEV_NEVER; i++)
		if (!strcmp(s, sev_names[i]))
			return i;
	return -1;
}

int report_format_parse(const char *s)
{
	static const char *const names[] = { [FMT_TEXT] = "text", [FMT_JSON] = "json",
					     [FMT_SARIF] = "sarif" };

	for (int i = 0; s && i <= FMT_SARIF; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

void report_set_trace_damage(struct report *r, const struct trace_damage *d)
{
	r->damage = d;
}

const char *severity_name(int sev)
{
	return sev >= 0 && sev <= SEV_NEVER ? sev_names[sev] : "none";
}

/* Owners that appear in packages[]: dependencies, and the project when it
 * is known or did something. */
static bool listed(const struct owner *o)
{
	if (o->kind == OWN_PACKAGE)
		return true;
	return o->kind == OWN_PROJECT && (o->name || o->ran_script);
}

static const char *kind_name(const struct owner *o)
{
	return o->kind == OWN_PROJECT ? "project" : o->kind == OWN_PM ? "package-manager" :
	       o->kind == OWN_PACKAGE ? "dependency" : "command";
}

/* ---------- JSON ---------- */

static int add(struct json_object *obj, const char *k, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_object_add(obj, k, v) ? -ENOMEM : 0;
}

static int add_str(struct json_object *obj, const char *k, const char *s)
{
	if (!s)
		return json_object_object_add(obj, k, NULL) ? -ENOMEM : 0;
	return add(obj, k, json_object_new_string(s));
}

static struct json_object *list_json(const char *list, size_t len)
{
	struct json_object *arr = json_object_new_array();

	for (size_t off = 0; arr && list && off < len;) {
		size_t l = strnlen(list + off, len - off);

		json_object_array_add(arr, json_object_new_string_len(list + off, (int)l));
		off += l + 1;
	}
	return arr;
}

static struct json_object *set_json(const struct strmap *m)
{
	struct json_object *arr = json_object_new_array();
	const char **v = strmap_sorted(m);

	for (size_t i = 0; arr && v && i < m->n; i++)
		json_object_array_add(arr, json_object_new_string(v[i]));
	free(v);
	return arr;
}

static struct json_object *evidence_json(const struct evidence *e)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	add(o, "pid", json_object_new_int64(e->pid));
	add(o, "time_ns", json_object_new_int64((int64_t)e->time_ns));
	add(o, "event", json_object_new_string(e->event ? e->event : "?"));
	if (e->path)
		add(o, "path", json_object_new_string(e->path));
	if (e->argv)
		add(o, "argv", list_json(e->argv, e->argv_len));
	if (e->endpoint)
		add(o, "endpoint", json_object_new_string(e->endpoint));
	if (e->dns)
		add(o, "dns", json_object_new_string(e->dns));
	return o;
}

static struct json_object *finding_json(const struct report *r, const struct finding *f)
{
	struct json_object *o = json_object_new_object(), *ev = json_object_new_array();
	const struct owner *ow = f->owner >= 0 ? r->owners[f->owner] : NULL;

	if (!o || !ev) {
		json_object_put(o);
		json_object_put(ev);
		return NULL;
	}
	add(o, "rule", json_object_new_string(rule_info[f->rule].id));
	add(o, "severity", json_object_new_string(severity_name(f->sev)));
	add_str(o, "package", ow ? ow->name : NULL);
	add_str(o, "version", ow ? ow->version : NULL);
	add_str(o, "ecosystem", ow ? ow->eco : NULL);
	add(o, "summary", json_object_new_string(f->summary ? f->summary : ""));
	add(o, "count", json_object_new_int64((int64_t)f->count));
	for (int i = 0; i < f->nev; i++)
		json_object_array_add(ev, evidence_json(&f->ev[i]));
	add(o, "evidence", ev);
	return o;
}

static struct json_object *package_json(const struct owner *o)
{
	static const char *const set_keys[PS_N] = {
		[PS_SCRIPTS] = "scripts", [PS_PROCS] = "processes", [PS_READS] = "files_read",
		[PS_WRITES] = "files_written", [PS_EXECUTABLES] = "executables",
		[PS_NET] = "network", [PS_DNS] = "dns", [PS_LISTEN] = "listen",
		[PS_LINGERING] = "lingering",
	};
	struct json_object *p = json_object_new_object();

	if (!p)
		return NULL;
	add_str(p, "ecosystem", o->eco);
	add_str(p, "name", o->name);
	add_str(p, "version", o->version);
	add(p, "kind", json_object_new_string(kind_name(o)));
	add_str(p, "path", o->path);
	add_str(p, "max_severity", o->max_sev >= 0 ? severity_name(o->max_sev) : NULL);
	add(p, "scripts_ran", json_object_new_boolean(o->ran_script));
	if (o->approved < 0)
		json_object_object_add(p, "scripts_approved", NULL);
	else
		add(p, "scripts_approved", json_object_new_boolean(o->approved));
	add_str(p, "scripts_skipped", o->skipped);
	for (int s = 0; s < PS_N; s++)
		add(p, set_keys[s], set_json(&o->set[s]));
	return p;
}

static void iso_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!ns || !gmtime_r(&t, &tm)) {
		snprintf(buf, len, "unknown");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ns % 1000000000ull / 1000000));
}

/* trace_file: present only when the report was judged from a damaged trace,
 * so a whole trace's replay stays byte for byte the live report. */
static struct json_object *damage_json(const struct trace_damage *d)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	add(o, "complete", json_object_new_boolean(false));
	add(o, "problem", json_object_new_string(trace_damage_name(d->kind)));
	add(o, "offset", json_object_new_int64((int64_t)d->offset));
	add(o, "events_read", json_object_new_int64((int64_t)d->events));
	add(o, "end_record", json_object_new_boolean(d->end_record));
	add(o, "reason", json_object_new_string(d->message));
	return o;
}

struct json_object *report_json(const struct report *r)
{
	struct json_object *root = json_object_new_object();
	struct json_object *cmd = json_object_new_object(), *argv = json_object_new_array();
	struct json_object *host = json_object_new_object(), *tim = json_object_new_object();
	struct json_object *evs = json_object_new_object(), *sum = json_object_new_object();
	struct json_object *bysev = json_object_new_object(), *fs = json_object_new_array();
	struct json_object *pk = json_object_new_array();
	uint64_t by[SEV_NEVER] = { 0 };
	size_t npk = 0, ran = 0, skipped = 0;
	char buf[64];

	if (!root || !cmd || !argv || !host || !tim || !evs || !sum || !bysev || !fs || !pk || !r)
		goto fail;
	add(root, "format", json_object_new_string(REPORT_FORMAT));
	add(root, "pkgtrace_version", json_object_new_string(PKGTRACE_VERSION));
	for (int i = 0; i < r->argc; i++)
		json_object_array_add(argv, json_object_new_string(r->argv[i]));
	add(cmd, "argv", argv);
	argv = NULL;
	add_str(cmd, "cwd", r->cwd);
	add(cmd, "exit_status", json_object_new_int(r->exit_status));
	if (r->exit_status >= 0 && (r->exit_status & 0x7f) == 0) {
		add(cmd, "exit_code", json_object_new_int((r->exit_status >> 8) & 0xff));
		json_object_object_add(cmd, "signal", NULL);
	} else if (r->exit_status >= 0) {
		json_object_object_add(cmd, "exit_code", NULL);
		add(cmd, "signal", json_object_new_int(r->exit_status & 0x7f));
	} else {
		json_object_object_add(cmd, "exit_code", NULL);
		json_object_object_add(cmd, "signal", NULL);
	}
	add(root, "command", cmd);
	cmd = NULL;
	add_str(host, "hostname", r->hostname);
	add_str(host, "kernel", r->kernel);
	add(root, "host", host);
	host = NULL;
	add(tim, "start_ns", json_object_new_int64((int64_t)r->start_ns));
	add(tim, "end_ns", json_object_new_int64((int64_t)r->end_ns));
	add(tim, "duration_ms", json_object_new_int64(r->end_ns > r->start_ns ?
						     (int64_t)((r->end_ns - r->start_ns) / 1000000) : 0));
	iso_time(r->start_ns ? r->start_ns + r->boot_offset_ns : 0, buf, sizeof(buf));
	add(tim, "started_at", json_object_new_string(buf));
	iso_time(r->end_ns ? r->end_ns + r->boot_offset_ns : 0, buf, sizeof(buf));
	add(tim, "ended_at", json_object_new_string(buf));
	add(root, "timings", tim);
	tim = NULL;
	add(evs, "seen", json_object_new_int64((int64_t)r->events));
	add(evs, "dropped", json_object_new_int64((int64_t)r->drops));
	add(evs, "analyzed", json_object_new_int64((int64_t)r->analyzed));
	add(evs, "interrupted", json_object_new_boolean(r->interrupted));
	add(evs, "partial", json_object_new_boolean(r->partial));
	add(root, "events", evs);
	evs = NULL;
	if (r->damage)
		add(root, "trace_file", damage_json(r->damage));
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].sev >= 0 && r->findings[i].sev < SEV_NEVER)
			by[r->findings[i].sev]++;
		json_object_array_add(fs, finding_json(r, &r->findings[i]));
	}
	for (size_t i = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];

		if (!listed(o))
			continue;
		npk++;
		ran += o->ran_script;
		skipped += o->skipped != NULL;
		json_object_array_add(pk, package_json(o));
	}
	add_str(sum, "max_severity", r->max_sev >= 0 ? severity_name(r->max_sev) : NULL);
	add(sum, "findings", json_object_new_int64((int64_t)r->nfindings));
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		add(bysev, severity_name(s), json_object_new_int64((int64_t)by[s]));
	add(sum, "by_severity", bysev);
	bysev = NULL;
	add(sum, "packages", json_object_new_int64((int64_t)npk));
	add(sum, "scripts_ran", json_object_new_int64((int64_t)ran));
	add(sum, "scripts_skipped", json_object_new_int64((int64_t)skipped));
	add(root, "summary", sum);
	sum = NULL;
	add(root, "findings", fs);
	fs = NULL;
	add(root, "packages", pk);
	return root;
fail:
	json_object_put(root);
	json_object_put(cmd);
	json_object_put(argv);
	json_object_put(host);
	json_object_put(tim);
	json_object_put(evs);
	json_object_put(sum);
	json_object_put(bysev);
	json_object_put(fs);
	json_object_put(pk);
	return NULL;
}

/* ---------- SARIF ---------- */

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

static struct json_object *sarif_json(const struct report *r)
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
	add(root, "$schema", json_object_new_string("https://json.schemastore.org/sarif-2.1.0.json"));
	add(root, "version", json_object_new_string("2.1.0"));
	add(driver, "name", json_object_new_string("pkgtrace"));
	add(driver, "version", json_object_new_string(PKGTRACE_VERSION));
	add(driver, "semanticVersion", json_object_new_string(PKGTRACE_VERSION));
	for (int i = 0; i < R_NRULES; i++) {
		struct json_object *rule = json_object_new_object(), *sd = json_object_new_object();
		struct json_object *cfg = json_object_new_object(), *props = json_object_new_object();
		struct json_object *tags = json_object_new_array();

		add(rule, "id", json_object_new_string(rule_info[i].id));
		add(rule, "name", json_object_new_string(rule_info[i].id));
		add(sd, "text", json_object_new_string(rule_info[i].title));
		add(rule, "shortDescription", sd);
		add(cfg, "level", json_object_new_string(sarif_level(rule_info[i].max_sev)));
		add(rule, "defaultConfiguration", cfg);
		json_object_array_add(tags, json_object_new_string("security"));
		json_object_array_add(tags, json_object_new_string("supply-chain"));
		add(props, "tags", tags);
		add(props, "security-severity", json_object_new_string(sarif_score(rule_info[i].max_sev)));
		add(rule, "properties", props);
		json_object_array_add(rules, rule);
	}
	add(driver, "rules", rules);
	add(tool, "driver", driver);
	add(run, "tool", tool);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;
		struct json_object *res = json_object_new_object(), *msg = json_object_new_object();
		struct json_object *locs = json_object_new_array(), *loc = json_object_new_object();
		struct json_object *phys = json_object_new_object(), *art = json_object_new_object();
		struct json_object *region = json_object_new_object(), *fp = json_object_new_object();
		struct json_object *props = json_object_new_object();
		char fpbuf[4400];

		add(res, "ruleId", json_object_new_string(rule_info[f->rule].id));
		add(res, "ruleIndex", json_object_new_int(f->rule));
		add(res, "level", json_object_new_string(sarif_level(f->sev)));
		add(msg, "text", json_object_new_string(f->summary ? f->summary : rule_info[f->rule].title));
		add(res, "message", msg);
		artifact_uri(r, f, uri, sizeof(uri));
		add(art, "uri", json_object_new_string(uri));
		add(art, "uriBaseId", json_object_new_string("%SRCROOT%"));
		add(phys, "artifactLocation", art);
		add(region, "startLine", json_object_new_int(1));
		add(phys, "region", region);
		add(loc, "physicalLocation", phys);
		json_object_array_add(locs, loc);
		add(res, "locations", locs);
		snprintf(fpbuf, sizeof(fpbuf), "%s/%s/%s", rule_info[f->rule].id,
			 o && o->name ? o->name : "-", f->key ? f->key : "");
		add(fp, "pkgtraceFinding/v1", json_object_new_string(fpbuf));
		add(res, "partialFingerprints", fp);
		add(props, "severity", json_object_new_string(severity_name(f->sev)));
		add_str(props, "package", o ? o->name : NULL);
		add(props, "count", json_object_new_int64((int64_t)f->count));
		add(res, "properties", props);
		json_object_array_add(results, res);
	}
	add(run, "results", results);
	if (r->damage) {
		/* the run stopped at a damaged trace: SARIF's place for that */
		struct json_object *invs = json_object_new_array(), *inv = json_object_new_object();
		struct json_object *notes = json_object_new_array(), *note = json_object_new_object();
		struct json_object *msg = json_object_new_object();

		add(msg, "text", json_object_new_string(r->damage->message));
		add(note, "level", json_object_new_string("error"));
		add(note, "message", msg);
		json_object_array_add(notes, note);
		add(inv, "executionSuccessful", json_object_new_boolean(false));
		add(inv, "toolExecutionNotifications", notes);
		json_object_array_add(invs, inv);
		add(run, "invocations", invs);
	}
	json_object_array_add(runs, run);
	add(root, "runs", runs);
	return root;
}

/* ---------- text ---------- */

static const char *sev_color(int sev)
{
	static const char *const c[] = { "\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m" };

	return sev >= 0 && sev <= SEV_CRITICAL ? c[sev] : "";
}

static void upper(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; s[i] && i + 1 < len; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i];
	out[i] = '\0';
}

static void text_evidence(FILE *out, const struct evidence *e)
{
	fprintf(out, "             pid %u %s", e->pid, e->event ? e->event : "?");
	if (e->path)
		fprintf(out, " %s", e->path);
	if (e->argv) {
		fputs(" [", out);
		for (size_t off = 0; off < e->argv_len;) {
			size_t l = strnlen(e->argv + off, e->argv_len - off);

			fprintf(out, "%s%.*s", off ? " " : "", (int)l, e->argv + off);
			off += l + 1;
		}
		fputs("]", out);
	}
	if (e->endpoint)
		fprintf(out, " %s", e->endpoint);
	if (e->dns)
		fprintf(out, " %s", e->dns);
	fputc('\n', out);
}

static void text_finding(FILE *out, const struct finding *f, bool color)
{
	char sev[16];

	upper(severity_name(f->sev), sev, sizeof(sev));
	fprintf(out, "  %s%-8s%s %-21s %s\n", color ? sev_color(f->sev) : "", sev, color ? "\033[0m" : "",
		rule_info[f->rule].id, f->summary ? f->summary : "");
	for (int i = 0; i < f->nev; i++)
		text_evidence(out, &f->ev[i]);
	if (f->count > (uint64_t)f->nev)
		fprintf(out, "             (%llu events in all)\n", (unsigned long long)f->count);
}

/* script_label: what became of a package's install scripts, in the words
 * of the package manager that ran or skipped them: npm's approvals are
 * allowScripts, pnpm's onlyBuiltDependencies; pip and yarn (v1) have none. */
static const char *script_label(const struct owner *o, char *buf, size_t max)
{
	const char *pm = o->pm ? o->pm : o->eco && !strcmp(o->eco, "pip") ? "pip" : "npm";
	const char *list = !strcmp(pm, "npm") ? "allowScripts" : !strcmp(pm, "pnpm") ? "onlyBuiltDependencies" : NULL;

	if (!o->ran_script)
		snprintf(buf, max, "skipped by %s (info)", pm);
	else if (o->kind == OWN_PROJECT)
		snprintf(buf, max, "ran (the project's own)");
	else if (o->approved == 1)
		snprintf(buf, max, "ran (approved)");
	else if (!list)
		snprintf(buf, max, "ran");
	else if (o->approved == 0)
		snprintf(buf, max, "ran (denied in %s)", list);
	else
		snprintf(buf, max, "ran (not in %s)", list);
	return buf;
}

static int report_text(const struct report *r, FILE *out, bool color)
{
	char label[128];
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";

	fprintf(out, "%spkgtrace report%s:", bold, reset);
	for (int i = 0; i < r->argc; i++)
		fprintf(out, " %s", r->argv[i]);
	fputc('\n', out);
	if (r->exit_status >= 0 && (r->exit_status & 0x7f) == 0)
		fprintf(out, "  exit %d", (r->exit_status >> 8) & 0xff);
	else if (r->exit_status >= 0)
		fprintf(out, "  killed by signal %d", r->exit_status & 0x7f);
	else
		fprintf(out, "  exit status unknown");
	fprintf(out, ", %llu events, %llu dropped, %.1f s\n", (unsigned long long)r->events,
		(unsigned long long)r->drops,
		r->end_ns > r->start_ns ? (double)(r->end_ns - r->start_ns) / 1e9 : 0.0);
	if (r->damage)
		fprintf(out, "  trace damaged (%s): %s; the report covers the %llu event%s before it\n",
			trace_damage_name(r->damage->kind), r->damage->message,
			(unsigned long long)r->damage->events, r->damage->events == 1 ? "" : "s");
	fprintf(out, "  %zu finding%s, highest: %s\n\n", r->nfindings, r->nfindings == 1 ? "" : "s",
		r->max_sev >= 0 ? severity_name(r->max_sev) : "none");
	/* grouped by package: owners are sorted most severe first */
	for (size_t i = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];
		bool any = false;

		for (size_t k = 0; k < r->nfindings; k++) {
			if (r->findings[k].owner != (int)i)
				continue;
			if (!any)
				fprintf(out, "%s%s%s%s%s (%s%s%s)\n", bold, o->name ? o->name : "?",
					o->version ? "@" : "", o->version ? o->version : "", reset,
					o->eco ? o->eco : "", o->eco ? " " : "", kind_name(o));
			any = true;
			text_finding(out, &r->findings[k], color);
		}
		if (any)
			fputc('\n', out);
	}
	for (size_t k = 0, any = 0; k < r->nfindings; k++) {
		if (r->findings[k].owner >= 0)
			continue;
		if (!any++)
			fprintf(out, "%s(no package)%s\n", bold, reset);
		text_finding(out, &r->findings[k], color);
	}
	for (size_t i = 0, any = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];

		if (!listed(o) || (!o->ran_script && !o->skipped))
			continue;
		if (!any++)
			fprintf(out, "\n%sInstall scripts%s\n", bold, reset);
		fprintf(out, "  %-40s %s\n", o->name ? o->name : "?", script_label(o, label, sizeof(label)));
	}
	return ferror(out) ? -EIO : 0;
}

int report_write(const struct report *r, FILE *out, enum report_format fmt, bool color)
{
	struct json_object *j;
	const char *s;
	int err = 0;

	if (!r || !out)
		return -EINVAL;
	if (fmt == FMT_TEXT)
		return report_text(r, out, color);
	j = fmt == FMT_SARIF ? sarif_json(r) : report_json(r);
	if (!j)
		return -ENOMEM;
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || fputs(s, out) < 0 || fputc('\n', out) == EOF)
		err = -EIO;
	json_object_put(j);
	return err;
}
