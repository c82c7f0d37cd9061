/*
 * analyze.h - from events to findings: attribution of every event to one
 * owner (package, package manager, root project), per-package behaviour
 * profiles, the pure-library baseline, rules and the report.
 *
 * The analysis is a pure function of (session_info, events, facts, baseline):
 * it reads no clock and no disk of its own, so replay gives the same report.
 */
#ifndef PKGTRACE_ANALYZE_H
#define PKGTRACE_ANALYZE_H

#include <stdbool.h>
#include <stdio.h>
#include "event.h"
#include "facts.h"
#include "session.h"

enum severity { SEV_INFO = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV_NEVER };
enum report_format { FMT_TEXT = 0, FMT_JSON, FMT_SARIF };

struct baseline;
struct analyzer;
struct report;
struct trace_damage;

/* baseline_load: path NULL loads the built-in default.  Returns NULL and
 * writes one line into err on a malformed or unreadable file. */
struct baseline *baseline_load(const char *path, char *err, size_t errlen);
void baseline_free(struct baseline *bl);

/* analyzer_new: si holds what is known at the start (argv, cwd, env). */
struct analyzer *analyzer_new(const struct baseline *bl, const struct session_info *si);
void analyzer_free(struct analyzer *an);

/* analyzer_set_facts: the facts questions asked while events come go to
 * (where a path really is, which files are credentials); live, the
 * credential files are looked up now, at session start.  Not owned. */
void analyzer_set_facts(struct analyzer *an, struct facts *facts);

/* analyzer_feed: one decoded event, in stream order.  Keeps only what the
 * profiles need, so memory grows with distinct behaviour, not event count. */
void analyzer_feed(struct analyzer *an, const struct event_view *v);

/* analyzer_finish: si is final (exit status, drops, end time).  Questions
 * about files go to facts.  Returns NULL only on allocation failure. */
struct report *analyzer_finish(struct analyzer *an, const struct session_info *si,
			       struct facts *facts);
void report_free(struct report *r);

/* report_set_trace_damage: the report was judged from a damaged trace (see
 * trace.h): it says so (JSON "trace_file", a text line, a SARIF
 * notification).  d must outlive r; NULL for a whole trace or a live run. */
void report_set_trace_damage(struct report *r, const struct trace_damage *d);

/* report_set_survivors: what became of the processes still running at the
 * end (si->survivors, survivors_traced_ms, survivor_fate): JSON
 * "survivors", a text line when there were any. */
void report_set_survivors(struct report *r, const struct session_info *si);

/* report_set_enforcement: what the install ran under (si->enforce and its
 * details, copied).  Returns 0 or -ENOMEM. */
int report_set_enforcement(struct report *r, const struct session_info *si);

/* report_action_name: "blocked", "killed", "refused", or NULL for none. */
const char *report_action_name(int action);

/* report_max_severity: the highest finding severity, or -1 with none. */
int report_max_severity(const struct report *r);

/* report_write: text (colour when color), JSON (schemas/report.schema.json)
 * or SARIF 2.1.0.  Returns 0 or -errno. */
int report_write(const struct report *r, FILE *out, enum report_format fmt, bool color);

/* report_json: the report as a json-c object (caller puts it); the daemon
 * adds container and pod to it.  NULL on allocation failure. */
struct json_object *report_json(const struct report *r);

/* severity_parse: "info".."critical", "never"; -1 when unknown. */
int severity_parse(const char *s);
const char *severity_name(int sev);

/* report_format_parse: "text", "json" or "sarif"; -1 when unknown. */
int report_format_parse(const char *s);

#endif
