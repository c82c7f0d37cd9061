// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * pipeline.c - the one path every record takes, live or replayed:
 * decode -> count -> --events line -> trace record -> analysis; and at the
 * end the report on stdout and in --report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "behaviour.h"
#include "diff.h"
#include "err.h"
#include "event.h"
#include "analyze_int.h"
#include "pipeline.h"
#include "policy.h"
#include "trace.h"

struct pipeline {
	struct pipeline_opts o;
	FILE *events;               /* --events, or NULL */
	struct trace_writer *tw;    /* --record, or NULL */
	int record_err;             /* first trace write error, 0 when none */
	struct analyzer *an;
	uint64_t boot_offset_ns;
	uint64_t malformed;         /* records event_decode() refused */
	const struct trace_damage *damage; /* replay of a damaged trace, or NULL */
};

/* Facts the analysis reads go into the trace too, so replay gets the same
 * answers. */
static void record_fact(void *ctx, const char *path, int err, const void *data, size_t len)
{
	struct pipeline *p = ctx;
	int ret;

	if (!p->tw || p->record_err)
		return;
	ret = trace_writer_fact(p->tw, path, err, data, len);
	if (ret) {
		p->record_err = ret;
		p_err("--record %s: writing a fact failed: %s; the trace is incomplete",
		      p->o.record_path, strerror(-ret));
	}
}

static FILE *open_output(const char *what, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		p_err("%s %s: %s", what, path, strerror(errno));
	return f;
}

int pipeline_new(const struct pipeline_opts *o, const struct session_info *si, struct pipeline **out)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	int err = -ENOMEM;

	if (!p) {
		p_err("out of memory");
		return -ENOMEM;
	}
	p->o = *o;
	p->boot_offset_ns = si->boot_offset_ns;
	if (o->events_path) {
		p->events = open_output("--events", o->events_path);
		if (!p->events) {
			err = -errno;
			goto cleanup;
		}
	}
	if (o->record_path) {
		err = trace_writer_new(o->record_path, si, &p->tw);
		if (err) {
			p_err("--record %s: cannot start the trace: %s", o->record_path,
			      err == -ENOSYS ? "recording is not available in this build" :
			      strerror(-err));
			p->tw = NULL;
			goto cleanup;
		}
		if (o->facts)
			facts_set_recorder(o->facts, record_fact, p);
	}
	p->an = analyzer_new(o->baseline, si);
	if (!p->an) {
		err = -ENOMEM;
		p_err("out of memory");
		goto cleanup;
	}
	/* after the recorder: what it learns at session start is recorded
	 * before the first event */
	analyzer_set_facts(p->an, o->facts);
	*out = p;
	return 0;
cleanup:
	if (p->tw)
		trace_writer_close(p->tw, si);
	if (o->facts && o->record_path)
		facts_set_recorder(o->facts, NULL, NULL);
	if (p->events)
		fclose(p->events);
	free(p);
	return err;
}

/* every record goes into the trace, malformed ones too: the trace is the
 * evidence, and replay skips them exactly as this run does */
static void record_event(struct pipeline *p, const void *raw, size_t size)
{
	int err;

	if (!p->tw || p->record_err)
		return;
	err = trace_writer_event(p->tw, raw, size);
	if (err) {
		p->record_err = err;
		p_err("--record %s: %s; the trace ends here", p->o.record_path, strerror(-err));
	}
}

int pipeline_feed(struct pipeline *p, const void *raw, size_t size)
{
	struct event_view v;

	if (event_decode(raw, size, &v)) {
		record_event(p, raw, size);
		if (!p->malformed++)
			p_warn("skipping a malformed record (%zu bytes)", size);
		return -EINVAL;
	}
	/* a write error is sticky in the FILE and reported once, at finish */
	if (p->events)
		event_write_json(p->events, &v, p->boot_offset_ns);
	analyzer_feed(p->an, &v);
	/* after the analysis: a fact it asked the collector about this event
	 * (where.c) precedes the event in the trace, so a replay has it */
	record_event(p, raw, size);
	return 0;
}

void pipeline_set_trace_damage(struct pipeline *p, const struct trace_damage *d)
{
	p->damage = d;
}

/* write_report_file: r in format fmt into path (the option named what);
 * since goes into the JSON report as new_since. */
static int write_report_file(const char *what, const char *path, enum report_format fmt,
			     const struct report *r, const struct json_object *since)
{
	FILE *f = open_output(what, path);
	int err;

	if (!f)
		return -errno;
	err = report_write_since(r, f, fmt, false, since);
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		p_err("%s %s: %s", what, path, strerror(-err));
	return err;
}

/* new_since: the diff from --compare's install to this one, or NULL (one
 * line said why) */
static struct json_object *new_since(const struct pipeline *p, const struct report *r)
{
	struct json_object *j = report_json(r), *d = NULL;
	struct bh_set *now = NULL;
	char msg[256];
	int max_new;

	if (!j || behaviour_from_report(j, &now, msg, sizeof(msg)))
		p_err("--compare: out of memory");
	else if (!(d = diff_build(p->o.compare, now, p->o.compare_label, "this run", &max_new)))
		p_err("--compare: out of memory");
	behaviour_free(now);
	json_object_put(j);
	return d;
}

static int write_html_file(const struct pipeline *p, const struct report *r)
{
	FILE *f = open_output("--html", p->o.html_path);
	int err;

	if (!f)
		return -errno;
	err = report_html(r, f);
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		p_err("--html %s: %s", p->o.html_path, strerror(-err));
	return err;
}

int pipeline_finish(struct pipeline *p, struct session_info *si)
{
	return pipeline_finish_report(p, si, NULL);
}

int pipeline_finish_report(struct pipeline *p, struct session_info *si, struct report **report)
{
	struct report *r = NULL;
	struct json_object *since = NULL;
	int ret, err = 0;

	if (p->malformed)
		p_warn("%llu malformed record(s) skipped", (unsigned long long)p->malformed);
	if (p->events) {
		if (ferror(p->events) | fclose(p->events)) {
			p_err("--events %s: write failed", p->o.events_path);
			err = -EIO;
		}
		p->events = NULL;
	}
	r = analyzer_finish(p->an, si, p->o.facts);
	if (!r) {
		p_err("out of memory while building the report");
		ret = -ENOMEM;
		goto cleanup;
	}
	report_set_trace_damage(r, p->damage);
	report_set_survivors(r, si);
	if (report_set_enforcement(r, si)) {
		p_err("out of memory while building the report");
		ret = -ENOMEM;
		goto cleanup;
	}
	r->fail_on = p->o.fail_on;
	if (p->o.policy) {
		char today[11];

		policy_today(today);
		ret = policy_apply(p->o.policy, r, today);
		if (ret) {
			p_err("out of memory while applying the policy");
			goto cleanup;
		}
		for (size_t i = 0; i < r->npolicy_unused; i++)
			p_warn("policy %s: suppressions[%zu] (%s for %s) matched no finding", r->policy_path,
			       r->policy_unused[i].index, r->policy_unused[i].rule,
			       r->policy_unused[i].package ? r->policy_unused[i].package : "any package");
	}
	if (p->o.compare) {
		since = new_since(p, r);
		if (!since && !err)
			err = -ENOMEM;
	}
	if (!p->o.quiet) {
		ret = report_write_since(r, stdout, p->o.format, p->o.color, since);
		fflush(stdout);
		if (ret && !err)
			err = ret;
	}
	const struct { const char *what, *path; enum report_format fmt; } files[] = {
		{ "--report", p->o.report_path, FMT_JSON },
		{ "--sarif", p->o.sarif_path, FMT_SARIF },
		{ "--markdown", p->o.markdown_path, FMT_MARKDOWN },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!files[i].path)
			continue;
		ret = write_report_file(files[i].what, files[i].path, files[i].fmt, r, since);
		if (ret && !err)
			err = ret;
	}
	if (p->o.html_path) {
		ret = write_html_file(p, r);
		if (ret && !err)
			err = ret;
	}
	if (p->tw) {
		ret = trace_writer_close(p->tw, si);
		p->tw = NULL;
		if (ret && !p->record_err) {
			p_err("--record %s: closing the trace failed: %s", p->o.record_path,
			      strerror(-ret));
			p->record_err = ret;
		}
	}
	if (p->o.facts && p->o.record_path)
		facts_set_recorder(p->o.facts, NULL, NULL);
	if (p->record_err && !err)
		err = p->record_err;
	ret = err ? err : report_max_severity(r);
cleanup:
	json_object_put(since);
	if (report)
		*report = r;
	else
		report_free(r);
	if (p->tw)
		trace_writer_close(p->tw, si);
	if (p->events)
		fclose(p->events);
	analyzer_free(p->an);
	free(p);
	return ret;
}

void pipeline_explain_fail(const struct report *r, int fail_on)
{
	char line[1024];

	if (r && report_fail_line(r, fail_on, line, sizeof(line)))
		p_err("exit %d: %s", PT_EXIT_FINDINGS, line);
}

int pipeline_load_policy(const char *path, bool no_default, struct policy **out)
{
	char msg[512];

	*out = policy_find(path, !no_default, msg, sizeof(msg));
	if (!*out && *msg) {
		p_err("%s", msg);
		return PT_EXIT_BAD_INPUT;
	}
	if (*out)
		p_info("policy: %s", path ? path : POLICY_DEFAULT_PATH);
	return 0;
}
