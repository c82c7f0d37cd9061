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
	rjson_add(o, "key", jsonstr_new_c(f->key ? f->key : ""));
	rjson_add(o, "summary", jsonstr_new_c(f->summary ? f->summary : ""));
	rjson_add(o, "count", json_object_new_int64((int64_t)f->count));
	if (f->action)
		rjson_add(o, "action", json_object_new_string(f->action));
	for (int i = 0; i < f->nev; i++)
		json_object_array_add(ev, evidence_json(&f->ev[i]));
	rjson_add(o, "evidence", ev);
	if (f->suppressed) {
		struct json_object *sup = json_object_new_object();

		if (sup) {
			rjson_add(sup, "reason", jsonstr_new_c(f->suppressed));
			rjson_add_str(sup, "policy", r->policy_path ? r->policy_path : "");
		}
		rjson_add(o, "suppressed", sup);
	}
	return o;
}

/* policy_json: what the policy did, beyond the marks on the findings */
static struct json_object *policy_json(const struct report *r)
{
	struct json_object *o = json_object_new_object(), *unused = json_object_new_array();

	if (!o || !unused) {
		json_object_put(o);
		json_object_put(unused);
		return NULL;
	}
	rjson_add(o, "file", jsonstr_new_c(r->policy_path));
	rjson_add(o, "suppressed", json_object_new_int64((int64_t)r->nsuppressed));
	for (size_t i = 0; i < r->npolicy_unused; i++) {
		const struct policy_unused *u = &r->policy_unused[i];
		struct json_object *e = json_object_new_object();

		if (!e)
			continue;
		rjson_add(e, "index", json_object_new_int64((int64_t)u->index));
		rjson_add(e, "rule", json_object_new_string(u->rule));
		rjson_add_str(e, "package", u->package);
		rjson_add(e, "reason", jsonstr_new_c(u->reason));
		json_object_array_add(unused, e);
	}
	rjson_add(o, "unused", unused);
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

/* The process tree as the report shows it: every recorded exec up to
 * TREE_SHOWN; past that the images of the packages with the worst findings
 * first, then the rest in exec order, each with its ancestors so the tree
 * stays connected.  A flagged package's image whose ancestors do not all
 * fit comes with its TREE_NEAR nearest ones and the root of its branch, and
 * its "ancestors_hidden" says how many lie between.  Per shown node, the
 * number of its children left out. */
#define TREE_SHOWN 400
#define TREE_NEAR 6

/* shown_parent: the nearest shown ancestor of node i, or -1; *gap: the
 * ancestors passed over. */
static int shown_parent(const struct report *r, const bool *shown, size_t i, uint64_t *gap)
{
	int p = r->pnodes[i].parent;

	*gap = 0;
	for (; p >= 0 && !shown[p]; p = r->pnodes[p].parent)
		++*gap;
	return p;
}

/* tree_pick: marks in shown[] the nodes the report lists; returns how many. */
static size_t tree_pick(const struct report *r, bool *shown)
{
	size_t n = r->npnodes, picked = 0, *order = malloc((n ? n : 1) * sizeof(*order));

	if (n <= TREE_SHOWN || !order) {
		for (size_t i = 0; i < n && i < TREE_SHOWN; i++)
			shown[i] = true;
		free(order);
		return n < TREE_SHOWN ? n : TREE_SHOWN;
	}
	/* a stable counting order: severity critical..info, then none */
	for (int sev = SEV_CRITICAL, k = 0; sev >= -1; sev--)
		for (size_t i = 0; i < n; i++)
			if (r->owners[r->pnodes[i].owner]->max_sev == sev)
				order[k++] = i;
	for (size_t k = 0; k < n && picked < TREE_SHOWN; k++) {
		size_t need = 0, near = 0;
		int i, top = -1;

		for (i = (int)order[k]; i >= 0 && !shown[i]; i = r->pnodes[i].parent)
			need++;
		if (picked + need <= TREE_SHOWN) {
			for (i = (int)order[k]; i >= 0 && !shown[i]; i = r->pnodes[i].parent)
				shown[i] = true;
			picked += need;
			continue;
		}
		if (r->owners[r->pnodes[order[k]].owner]->max_sev < SEV_LOW || picked + 2 > TREE_SHOWN)
			continue;
		/* the image, its nearest ancestors and the root of its branch */
		for (i = (int)order[k]; i >= 0 && !shown[i]; i = r->pnodes[i].parent)
			top = i;
		if (top >= 0 && !shown[top]) {
			shown[top] = true;
			picked++;
		}
		for (i = (int)order[k]; i >= 0 && !shown[i] && near <= TREE_NEAR && picked < TREE_SHOWN;
		     i = r->pnodes[i].parent, near++) {
			shown[i] = true;
			picked++;
		}
	}
	free(order);
	return picked;
}

static struct json_object *pnode_json(const struct report *r, size_t i, const int *pkg_of,
				      const bool *shown, const size_t *out_idx, uint64_t hidden)
{
	const struct pnode *n = &r->pnodes[i];
	const struct owner *o = r->owners[n->owner];
	struct json_object *j = json_object_new_object();
	uint64_t gap;
	int parent = shown_parent(r, shown, i, &gap);

	if (!j)
		return NULL;
	if (parent >= 0)
		rjson_add(j, "parent", json_object_new_int64((int64_t)out_idx[parent]));
	else
		json_object_object_add(j, "parent", NULL);
	rjson_add(j, "ancestors_hidden", json_object_new_int64((int64_t)gap));
	rjson_add(j, "pid", json_object_new_int64(n->pid));
	if (pkg_of[n->owner] >= 0)
		rjson_add(j, "package", json_object_new_int(pkg_of[n->owner]));
	else
		json_object_object_add(j, "package", NULL);
	rjson_add(j, "role", json_object_new_string(report_kind_name(o)));
	rjson_add(j, "start_ns", json_object_new_int64((int64_t)n->start_ns));
	rjson_add(j, "end_ns", json_object_new_int64((int64_t)n->end_ns));
	rjson_add_str(j, "exe", n->exe);
	rjson_add(j, "argv", list_json(n->argv, n->argv_len));
	rjson_add(j, "argv_cut", json_object_new_boolean(n->argv_cut));
	rjson_add(j, "hidden_children", json_object_new_int64((int64_t)hidden));
	return j;
}

/* activity: per listed owner with a recorded exec, when its processes
 * started and ended (the timeline), from every recorded node. */
static struct json_object *activity_json(const struct report *r, const int *pkg_of)
{
	struct json_object *arr = json_object_new_array();

	for (size_t ow = 0; arr && ow < r->nowners; ow++) {
		uint64_t first = 0, last = 0, execs = 0;
		struct json_object *a;

		if (pkg_of[ow] < 0)
			continue;
		for (size_t i = 0; i < r->npnodes; i++) {
			const struct pnode *n = &r->pnodes[i];
			uint64_t end = n->end_ns > n->start_ns ? n->end_ns : n->start_ns;

			if (n->owner != (int)ow)
				continue;
			if (!execs++ || n->start_ns < first)
				first = n->start_ns;
			if (end > last)
				last = end;
		}
		if (!execs || !(a = json_object_new_object()))
			continue;
		rjson_add(a, "package", json_object_new_int(pkg_of[ow]));
		rjson_add(a, "first_ns", json_object_new_int64((int64_t)first));
		rjson_add(a, "last_ns", json_object_new_int64((int64_t)last));
		rjson_add(a, "execs", json_object_new_int64((int64_t)execs));
		json_object_array_add(arr, a);
	}
	return arr;
}

/* process_tree_json: pkg_of[owner] is the owner's index in packages[], or -1. */
static struct json_object *process_tree_json(const struct report *r, const int *pkg_of)
{
	struct json_object *t = json_object_new_object(), *nodes = json_object_new_array();
	size_t n = r->npnodes, shown_n = 0, k = 0;
	bool *shown = calloc(n ? n : 1, sizeof(*shown));
	size_t *out_idx = calloc(n ? n : 1, sizeof(*out_idx));
	uint64_t *hidden = calloc(n ? n : 1, sizeof(*hidden));

	if (!t || !nodes || !shown || !out_idx || !hidden) {
		json_object_put(t);
		t = NULL;
		goto cleanup;
	}
	shown_n = tree_pick(r, shown);
	for (size_t i = 0; i < n; i++) {
		int p = r->pnodes[i].parent;

		if (shown[i])
			out_idx[i] = k++;
		else if (p >= 0 && shown[p])
			hidden[p]++;
	}
	for (size_t i = 0; i < n; i++)
		if (shown[i])
			json_object_array_add(nodes, pnode_json(r, i, pkg_of, shown, out_idx, hidden[i]));
	rjson_add(t, "execs", json_object_new_int64((int64_t)r->pnodes_total));
	rjson_add(t, "recorded", json_object_new_int64((int64_t)n));
	rjson_add(t, "shown", json_object_new_int64((int64_t)shown_n));
	rjson_add(t, "nodes", nodes);
	nodes = NULL;
	rjson_add(t, "activity", activity_json(r, pkg_of));
cleanup:
	json_object_put(nodes);
	free(shown);
	free(out_idx);
	free(hidden);
	return t;
}

/* registries_json: at most REGISTRIES_SHOWN of the registry endpoints. */
#define REGISTRIES_SHOWN 100
static struct json_object *registries_json(const struct report *r)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < r->nregistries && i < REGISTRIES_SHOWN; i++)
		json_object_array_add(arr, jsonstr_new_c(r->registries[i]));
	return arr;
}

/* sandbox_json: the session's half of the enforcement object (seccomp,
 * user, shield, counts.refused, what was not enforced); the cgroup and
 * network parts are the network policy's (null here). */
static struct json_object *sandbox_json(const struct report *r)
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
			"registry tokens: ~/.npmrc's credential lines are hidden, so an install that needs one fails; a token in the environment (NPM_TOKEN...) or the project's .npmrc stays readable"));
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

/* report_enforcement_json: the one "enforcement" object (schemas/report.schema.json):
 * the network half as the collector recorded it (r->enforcement: cgroup,
 * network, counts.blocked/killed; user/enforce/netpolicy.c) and the sandbox
 * half from the session (sandbox_json), each key present either way. */
struct json_object *report_enforcement_json(const struct report *r)
{
	struct json_object *o = r->enforcement ? json_tokener_parse(r->enforcement) : NULL;
	struct json_object *sb = r->enforce ? sandbox_json(r) : NULL, *counts, *ne, *v;

	if (!r->enforcement && !r->enforce)
		return NULL;
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	if (!o) {
		o = json_object_new_object();
		if (!o) {
			json_object_put(sb);
			return NULL;
		}
		json_object_object_add(o, "mode", json_object_new_string("monitor"));
		json_object_object_add(o, "cgroup", NULL);
		json_object_object_add(o, "network", NULL);
	}
	if (!json_object_object_get_ex(o, "counts", &counts) || !json_object_is_type(counts, json_type_object)) {
		counts = json_object_new_object();
		json_object_object_add(o, "counts", counts);
	}
	if (!json_object_object_get_ex(o, "not_enforced", &ne) || !json_object_is_type(ne, json_type_array)) {
		ne = json_object_new_array();
		json_object_object_add(o, "not_enforced", ne);
	}
	if (counts && !json_object_object_get_ex(counts, "blocked", NULL))
		json_object_object_add(counts, "blocked", json_object_new_int64(0));
	if (counts && !json_object_object_get_ex(counts, "killed", NULL))
		json_object_object_add(counts, "killed", json_object_new_int64(0));
	if (counts)
		json_object_object_add(counts, "refused", json_object_new_int64((int64_t)r->refused));
	if (sb) {
		static const char *const keys[] = { "seccomp", "user", "shield" };

		if (json_object_object_get_ex(sb, "mode", &v) && !strcmp(json_object_get_string(v), "enforce"))
			json_object_object_add(o, "mode", json_object_get(v));
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			json_object_object_add(o, keys[i], json_object_object_get_ex(sb, keys[i], &v) ?
					       json_object_get(v) : NULL);
		if (ne && json_object_object_get_ex(sb, "not_enforced", &v))
			for (size_t i = 0; i < json_object_array_length(v); i++)
				json_object_array_add(ne, json_object_get(json_object_array_get_idx(v, i)));
	} else {
		json_object_object_add(o, "seccomp", NULL);
		json_object_object_add(o, "user", NULL);
		json_object_object_add(o, "shield", NULL);
	}
	/* the keys in the schema's order, not_enforced last */
	json_object_get(ne);
	json_object_object_del(o, "not_enforced");
	json_object_get(counts);
	json_object_object_del(o, "counts");
	json_object_object_add(o, "counts", counts);
	json_object_object_add(o, "not_enforced", ne);
	json_object_put(sb);
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
	int *pkg_of = r ? malloc((r->nowners ? r->nowners : 1) * sizeof(*pkg_of)) : NULL;
	char buf[64];

	if (!pkg_of || !root || !cmd || !argv || !host || !tim || !evs || !sum || !bysev || !fs || !pk || !surv || !r)
		goto fail;
	rjson_add(root, "format", json_object_new_string(REPORT_FORMAT));
	rjson_add(root, "pkgtrace_version", json_object_new_string(PKGTRACE_VERSION));
	for (int i = 0; i < r->argc; i++)
		json_object_array_add(argv, jsonstr_new_c(r->argv[i]));
	rjson_add(cmd, "argv", argv);
	argv = NULL;
	rjson_add_str(cmd, "cwd", r->cwd);
	rjson_add_str(cmd, "home", r->home);
	rjson_add_str(cmd, "tmpdir", r->tmpdir);
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
	if (r->policy_path)
		rjson_add(root, "policy", policy_json(r));
	if (r->damage)
		rjson_add(root, "trace_file", damage_json(r->damage));
	if (r->enforcement || r->enforce)
		rjson_add(root, "enforcement", report_enforcement_json(r));
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].sev >= 0 && r->findings[i].sev < SEV_NEVER && !r->findings[i].suppressed)
			by[r->findings[i].sev]++;
		json_object_array_add(fs, finding_json(r, &r->findings[i]));
	}
	for (size_t i = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];

		pkg_of[i] = -1;
		if (!report_listed(o))
			continue;
		pkg_of[i] = (int)npk;
		npk++;
		ran += o->ran_script;
		skipped += o->skipped != NULL;
		json_object_array_add(pk, package_json(o));
	}
	rjson_add_str(sum, "max_severity", r->max_sev >= 0 ? severity_name(r->max_sev) : NULL);
	rjson_add(sum, "findings", json_object_new_int64((int64_t)r->nfindings));
	if (r->policy_path) /* absent without a policy: reports stay as they were */
		rjson_add(sum, "suppressed", json_object_new_int64((int64_t)r->nsuppressed));
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
	rjson_add(root, "registries", registries_json(r));
	rjson_add(root, "process_tree", process_tree_json(r, pkg_of));
	free(pkg_of);
	return root;
fail:
	free(pkg_of);
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

