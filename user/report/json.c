// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * json.c - the report as JSON (schemas/report.schema.json), as a json-c
 * object: report_write prints it, the daemon adds container and pod first.
 * Strings from the traced install go in through jsonstr, so the document
 * is valid UTF-8 and every byte of a hostile file name can be recovered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "jsonstr.h"
#include "report_int.h"
#include "trace.h"
#include "enforce/sandbox.h"
#include "session.h"

#define REPORT_FORMAT "pkgtrace-report/1"

int rjson_add(struct json_object *obj, const char *k, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_object_add(obj, k, v) ? -ENOMEM : 0;
}

int rjson_add_str(struct json_object *obj, const char *k, const char *s)
{
	if (!s)
		return json_object_object_add(obj, k, NULL) ? -ENOMEM : 0;
	return rjson_add(obj, k, jsonstr_new_c(s));
}


static struct json_object *list_json(const char *list, size_t len)
{
	struct json_object *arr = json_object_new_array();

	for (size_t off = 0; arr && list && off < len;) {
		size_t l = strnlen(list + off, len - off);

		json_object_array_add(arr, jsonstr_new(list + off, l));
		off += l + 1;
	}
	return arr;
}

static struct json_object *set_json(const struct strmap *m)
{
	struct json_object *arr = json_object_new_array();
	const char **v = strmap_sorted(m);

	for (size_t i = 0; arr && v && i < m->n; i++)
		json_object_array_add(arr, jsonstr_new_c(v[i]));
	free(v);
	return arr;
}

static struct json_object *evidence_json(const struct evidence *e)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	rjson_add(o, "pid", json_object_new_int64(e->pid));
	rjson_add(o, "time_ns", json_object_new_int64((int64_t)e->time_ns));
	rjson_add(o, "event", json_object_new_string(e->event ? e->event : "?"));
	if (e->path)
		rjson_add(o, "path", jsonstr_new_c(e->path));
	if (e->argv)
		rjson_add(o, "argv", list_json(e->argv, e->argv_len));
	if (e->endpoint)
		rjson_add(o, "endpoint", jsonstr_new_c(e->endpoint));
	if (e->dns)
		rjson_add(o, "dns", jsonstr_new_c(e->dns));
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
	rjson_add(o, "rule", json_object_new_string(rule_info[f->rule].id));
	rjson_add(o, "severity", json_object_new_string(severity_name(f->sev)));
	rjson_add_str(o, "package", ow ? ow->name : NULL);
	rjson_add_str(o, "version", ow ? ow->version : NULL);
	rjson_add_str(o, "ecosystem", ow ? ow->eco : NULL);
	rjson_add(o, "summary", jsonstr_new_c(f->summary ? f->summary : ""));
	rjson_add(o, "count", json_object_new_int64((int64_t)f->count));
	if (report_action_name(f->action))
		rjson_add(o, "action", json_object_new_string(report_action_name(f->action)));
	for (int i = 0; i < f->nev; i++)
		json_object_array_add(ev, evidence_json(&f->ev[i]));
	rjson_add(o, "evidence", ev);
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
	rjson_add_str(p, "ecosystem", o->eco);
	rjson_add_str(p, "name", o->name);
	rjson_add_str(p, "version", o->version);
	rjson_add(p, "kind", json_object_new_string(report_kind_name(o)));
	rjson_add_str(p, "path", o->path);
	rjson_add_str(p, "max_severity", o->max_sev >= 0 ? severity_name(o->max_sev) : NULL);
	rjson_add_str(p, "package_manager", o->pm);
	rjson_add(p, "scripts_ran", json_object_new_boolean(o->ran_script));
	if (o->approved < 0)
		json_object_object_add(p, "scripts_approved", NULL);
	else
		rjson_add(p, "scripts_approved", json_object_new_boolean(o->approved));
	rjson_add_str(p, "scripts_skipped", o->skipped);
	for (int s = 0; s < PS_N; s++)
		rjson_add(p, set_keys[s], set_json(&o->set[s]));
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
static const char *survivor_fate_name(int fate)
{
	switch (fate) {
	case SURVIVORS_KILLED: return "killed";
	case SURVIVORS_LEFT_RUNNING: return "left-running";
	default: return "none";
	}
}

static struct json_object *damage_json(const struct trace_damage *d)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	rjson_add(o, "complete", json_object_new_boolean(false));
	rjson_add(o, "problem", json_object_new_string(trace_damage_name(d->kind)));
	rjson_add(o, "offset", json_object_new_int64((int64_t)d->offset));
	rjson_add(o, "events_read", json_object_new_int64((int64_t)d->events));
	rjson_add(o, "end_record", json_object_new_boolean(d->end_record));
	rjson_add(o, "reason", jsonstr_new_c(d->message));
	return o;
}

/* enforcement: present when anything was enforced (schemas/report.schema.json).
 * The cgroup and network parts are the network policy's (null here). */
static struct json_object *enforcement_json(const struct report *r)
{
	struct json_object *o = json_object_new_object(), *sc = NULL, *user = NULL, *shield = NULL;
	struct json_object *counts = json_object_new_object(), *ne = json_object_new_array();

	if (!o || !counts || !ne) {
		json_object_put(o);
		json_object_put(counts);
		json_object_put(ne);
		return NULL;
	}
	rjson_add(o, "mode", json_object_new_string(r->enforce & SESSION_ENF_SECCOMP ? "enforce" : "monitor"));
	json_object_object_add(o, "cgroup", NULL);
	json_object_object_add(o, "network", NULL);
	if (r->enforce & SESSION_ENF_SECCOMP) {
		struct json_object *list = json_object_new_array();
		const char *const *names = seccomp_refused_names();

		sc = json_object_new_object();
		for (size_t i = 0; list && names[i]; i++)
			json_object_array_add(list, json_object_new_string(names[i]));
		rjson_add(sc, "refused", list);
	}
	json_object_object_add(o, "seccomp", sc);
	if (r->enforce & SESSION_ENF_USER) {
		user = json_object_new_object();
		rjson_add(user, "uid", json_object_new_int64(r->run_uid));
		rjson_add(user, "gid", json_object_new_int64(r->run_gid));
		rjson_add(user, "name", jsonstr_new_c(r->run_user ? r->run_user : ""));
	}
	json_object_object_add(o, "user", user);
	if (r->enforce & SESSION_ENF_SHIELD) {
		struct json_object *list = json_object_new_array();

		shield = json_object_new_object();
		for (size_t i = 0; list && r->hidden && r->hidden[i]; i++)
			json_object_array_add(list, jsonstr_new_c(r->hidden[i]));
		rjson_add(shield, "hidden", list);
		json_object_array_add(ne, json_object_new_string(
			"~/.npmrc: the registry token stays readable (npm reads it in the install's own processes)"));
	}
	json_object_object_add(o, "shield", shield);
	/* the modes not chosen, said (README, Enforce) */
	if (!(r->enforce & SESSION_ENF_SECCOMP))
		json_object_array_add(ne, json_object_new_string(
			"system calls: not filtered (--enforce refuses io_uring, 32-bit ABIs, bpf, ptrace, mounts...)"));
	if (!(r->enforce & SESSION_ENF_USER))
		json_object_array_add(ne, json_object_new_string(
			"identity: the install ran as pkgtrace's own user (--user takes root and its capabilities away)"));
	else if (r->run_uid == 0)
		json_object_array_add(ne, json_object_new_string("identity: --user root kept root and its capabilities"));
	if (!(r->enforce & SESSION_ENF_SHIELD))
		json_object_array_add(ne, json_object_new_string(
			"credential stores: readable by the install (--shield hides them)"));
	rjson_add(counts, "refused", json_object_new_int64((int64_t)r->refused));
	rjson_add(o, "counts", counts);
	rjson_add(o, "not_enforced", ne);
	return o;
}

struct json_object *report_json(const struct report *r)
{
	struct json_object *root = json_object_new_object();
	struct json_object *cmd = json_object_new_object(), *argv = json_object_new_array();
	struct json_object *host = json_object_new_object(), *tim = json_object_new_object();
	struct json_object *evs = json_object_new_object(), *sum = json_object_new_object();
	struct json_object *bysev = json_object_new_object(), *fs = json_object_new_array();
	struct json_object *pk = json_object_new_array(), *surv = json_object_new_object();
	uint64_t by[SEV_NEVER] = { 0 };
	size_t npk = 0, ran = 0, skipped = 0;
	char buf[64];

	if (!root || !cmd || !argv || !host || !tim || !evs || !sum || !bysev || !fs || !pk || !surv || !r)
		goto fail;
	rjson_add(root, "format", json_object_new_string(REPORT_FORMAT));
	rjson_add(root, "pkgtrace_version", json_object_new_string(PKGTRACE_VERSION));
	for (int i = 0; i < r->argc; i++)
		json_object_array_add(argv, jsonstr_new_c(r->argv[i]));
	rjson_add(cmd, "argv", argv);
	argv = NULL;
	rjson_add_str(cmd, "cwd", r->cwd);
	rjson_add(cmd, "exit_status", json_object_new_int(r->exit_status));
	if (r->exit_status >= 0 && (r->exit_status & 0x7f) == 0) {
		rjson_add(cmd, "exit_code", json_object_new_int((r->exit_status >> 8) & 0xff));
		json_object_object_add(cmd, "signal", NULL);
	} else if (r->exit_status >= 0) {
		json_object_object_add(cmd, "exit_code", NULL);
		rjson_add(cmd, "signal", json_object_new_int(r->exit_status & 0x7f));
	} else {
		json_object_object_add(cmd, "exit_code", NULL);
		json_object_object_add(cmd, "signal", NULL);
	}
	rjson_add(root, "command", cmd);
	cmd = NULL;
	rjson_add_str(host, "hostname", r->hostname);
	rjson_add_str(host, "kernel", r->kernel);
	rjson_add(root, "host", host);
	host = NULL;
	rjson_add(tim, "start_ns", json_object_new_int64((int64_t)r->start_ns));
	rjson_add(tim, "end_ns", json_object_new_int64((int64_t)r->end_ns));
	rjson_add(tim, "duration_ms", json_object_new_int64(r->end_ns > r->start_ns ?
						     (int64_t)((r->end_ns - r->start_ns) / 1000000) : 0));
	iso_time(r->start_ns ? r->start_ns + r->boot_offset_ns : 0, buf, sizeof(buf));
	rjson_add(tim, "started_at", json_object_new_string(buf));
	iso_time(r->end_ns ? r->end_ns + r->boot_offset_ns : 0, buf, sizeof(buf));
	rjson_add(tim, "ended_at", json_object_new_string(buf));
	rjson_add(root, "timings", tim);
	tim = NULL;
	rjson_add(evs, "seen", json_object_new_int64((int64_t)r->events));
	rjson_add(evs, "dropped", json_object_new_int64((int64_t)r->drops));
	rjson_add(evs, "analyzed", json_object_new_int64((int64_t)r->analyzed));
	rjson_add(evs, "interrupted", json_object_new_boolean(r->interrupted));
	rjson_add(evs, "partial", json_object_new_boolean(r->partial));
	rjson_add(root, "events", evs);
	evs = NULL;
	rjson_add(surv, "count", json_object_new_int64(r->survivors));
	rjson_add(surv, "traced_ms", json_object_new_int64(r->survivors_traced_ms));
	rjson_add(surv, "fate", json_object_new_string(survivor_fate_name(r->survivor_fate)));
	rjson_add(root, "survivors", surv);
	surv = NULL;
	if (r->damage)
		rjson_add(root, "trace_file", damage_json(r->damage));
	if (r->enforce)
		rjson_add(root, "enforcement", enforcement_json(r));
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].sev >= 0 && r->findings[i].sev < SEV_NEVER)
			by[r->findings[i].sev]++;
		json_object_array_add(fs, finding_json(r, &r->findings[i]));
	}
	for (size_t i = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];

		if (!report_listed(o))
			continue;
		npk++;
		ran += o->ran_script;
		skipped += o->skipped != NULL;
		json_object_array_add(pk, package_json(o));
	}
	rjson_add_str(sum, "max_severity", r->max_sev >= 0 ? severity_name(r->max_sev) : NULL);
	rjson_add(sum, "findings", json_object_new_int64((int64_t)r->nfindings));
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		rjson_add(bysev, severity_name(s), json_object_new_int64((int64_t)by[s]));
	rjson_add(sum, "by_severity", bysev);
	bysev = NULL;
	rjson_add(sum, "packages", json_object_new_int64((int64_t)npk));
	rjson_add(sum, "scripts_ran", json_object_new_int64((int64_t)ran));
	rjson_add(sum, "scripts_skipped", json_object_new_int64((int64_t)skipped));
	rjson_add(root, "summary", sum);
	sum = NULL;
	rjson_add(root, "findings", fs);
	fs = NULL;
	rjson_add(root, "packages", pk);
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
	json_object_put(surv);
	return NULL;
}

