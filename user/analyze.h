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
enum report_format { FMT_TEXT = 0, FMT_JSON, FMT_SARIF, FMT_MARKDOWN };

struct baseline;
struct analyzer;
struct report;
struct trace_damage;
struct json_object;

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


/* report_max_severity: the highest finding severity, or -1 with none. */
int report_max_severity(const struct report *r);

/* report_write: text (colour when color), JSON (schemas/report.schema.json),
 * SARIF 2.1.0 or Markdown (a CI job summary).  Returns 0 or -errno. */
int report_write(const struct report *r, FILE *out, enum report_format fmt, bool color);

/* report_write_since: report_write, with since (a diff object, see diff.h;
 * NULL for none) as the JSON report's "new_since" and the text report's
 * closing "New since" section; SARIF is unchanged. */
int report_write_since(const struct report *r, FILE *out, enum report_format fmt, bool color,
		       const struct json_object *since);
/* report_html: the report as one self-contained HTML page (no script, no
 * network load: its Content-Security-Policy forbids both), drawn from
 * report_json's tree.  Returns 0, -ENOMEM or -EIO. */
int report_html(const struct report *r, FILE *out);

/* report_json: the report as a json-c object (caller puts it); the daemon
 * adds container and pod to it.  NULL on allocation failure. */
struct json_object *report_json(const struct report *r);

/* analyze_registry_urls: the registry URLs the traced command is
 * configured with (its argv and environment in si, the .npmrc and
 * pip.conf files under si->cwd, HOME and the system's, read through
 * facts), as the analysis reads them, added to urls.  For --enforce
 * (user/enforce/netpolicy.c): one parser for both.  0 or -ENOMEM. */
struct strmap;
int analyze_registry_urls(const struct baseline *bl, const struct session_info *si,
			  struct facts *facts, struct strmap *urls);

/* analyze_url_host: the host (brackets of an IPv6 literal removed, user
 * info skipped) and port (the scheme's default, 443 for https, else 80)
 * of a registry URL.  0 or -EINVAL. */
int analyze_url_host(const char *url, char *host, size_t hostlen, unsigned *port);

/* severity_parse: "info".."critical", "never"; -1 when unknown. */
int severity_parse(const char *s);
const char *severity_name(int sev);

/* report_format_parse: "text", "json", "sarif" or "markdown"; -1 when
 * unknown. */
int report_format_parse(const char *s);

/* report_text_puts: s as the text report shows what comes from an install:
 * control characters, bidi controls and bytes that are not UTF-8 escaped,
 * long values shortened.  Returns the bytes written. */
size_t report_text_puts(FILE *out, const char *s);
/* report_fail_line: when findings not suppressed reach fail_on, one line
 * into buf naming them ("2 findings at or above high (2 high):
 * network-egress evil@1.0.0, ...") and their count returned; else 0. */
size_t report_fail_line(const struct report *r, int fail_on, char *buf, size_t len);

#endif
