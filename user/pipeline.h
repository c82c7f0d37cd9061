/*
 * pipeline.h - what happens to every record, live or replayed: decode, count,
 * write --events, record, feed the analysis; and at the end, the report.
 * cmd_run, cmd_replay and the daemon all go through here, so a replayed
 * report is the live one by construction.
 */
#ifndef PKGTRACE_PIPELINE_H
#define PKGTRACE_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include "analyze.h"
#include "facts.h"
#include "session.h"

struct policy;

struct pipeline_opts {
	const char *events_path;    /* --events: JSON Lines, or NULL */
	const char *record_path;    /* --record: trace file, or NULL */
	const char *report_path;    /* --report: JSON report file, or NULL */
	const char *sarif_path;     /* --sarif: SARIF file, or NULL */
	const char *markdown_path;  /* --markdown: the job summary, or NULL */
	const char *html_path;      /* --html: the report as an HTML page, or NULL */
	enum report_format format;  /* what goes to stdout */
	int fail_on;                /* --fail-on, for the summary's verdict
				     * (0 is info: set it) */
	const struct policy *policy;/* --policy, applied to the report, or NULL */
	bool color;
	bool quiet;                 /* nothing on stdout */
	const struct baseline *baseline;
	struct facts *facts;        /* live or replay facts, not owned */
	const struct bh_set *compare; /* --compare: the behaviour of an earlier
				       * install; the report gains "new_since" */
	const char *compare_label;  /* its file name */
};

struct pipeline;
struct bh_set;

/* pipeline_new: opens the outputs.  0 and *out, or -errno (one line already
 * reported). */
int pipeline_new(const struct pipeline_opts *o, const struct session_info *si, struct pipeline **out);

/* pipeline_feed: one raw record.  Malformed records are counted and skipped
 * (-EINVAL is returned so a trace reader can name the offset). */
int pipeline_feed(struct pipeline *p, const void *raw, size_t size);

/* pipeline_set_trace_damage: replay only: the trace was damaged (d, which
 * must outlive pipeline_finish()); the report will say what and where. */
void pipeline_set_trace_damage(struct pipeline *p, const struct trace_damage *d);

/* pipeline_finish: final session info in; writes the report(s).  Returns the
 * highest finding severity (-1 for none) or -errno. Frees p. */
int pipeline_finish(struct pipeline *p, struct session_info *si);

/* pipeline_finish_report: pipeline_finish(), with the report handed over in
 * *report (the caller frees it with report_free(); NULL when it could not
 * be built) instead of freed: the daemon adds its own fields to it. */
int pipeline_finish_report(struct pipeline *p, struct session_info *si, struct report **report);

/* pipeline_explain_fail: the line on stderr that says why the exit status
 * is 10: the findings not suppressed at or above fail_on, counted by
 * severity, the first few named by rule and package.  Nothing when none
 * or r is NULL. */
void pipeline_explain_fail(const struct report *r, int fail_on);

/* pipeline_load_policy: --policy path, else ./.pkgtrace.json unless
 * no_default; *out NULL when there is none.  Returns 0, or
 * PT_EXIT_BAD_INPUT with one line said (the file and the problem). */
int pipeline_load_policy(const char *path, bool no_default, struct policy **out);

#endif
