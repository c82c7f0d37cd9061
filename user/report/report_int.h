/*
 * report_int.h - what the report writers (user/report/: report.c builds
 * nothing itself but dispatches, json.c, sarif.c, text.c) share.  Internal
 * to user/report/.
 */
#ifndef PKGTRACE_REPORT_INT_H
#define PKGTRACE_REPORT_INT_H

#include <stdbool.h>
#include <stdio.h>
#include "analyze_int.h"

struct json_object;

/* The project's home page: SARIF's driver informationUri and the base of
 * each rule's helpUri (README.md's rule reference). */
#define PKGTRACE_HOME_URL "https://github.com/pkgtrace/pkgtrace"

/* What a rule means, why it matters and how to allow a finding one trusts
 * (rulehelp.c), one sentence or a few each. */
struct rule_help {
	const char *what, *why, *allow;
};

/* rule_help: the help of a rule id (enum rule_id), or NULL; never NULL
 * fields for a rule id (a rule without an entry gets a generic one). */
const struct rule_help *rule_help(int rule);

/* rule_help_uri: the README's anchor for the rule, into buf. */
void rule_help_uri(int rule, char *buf, size_t len);

/* report_listed: the owner appears in packages[]: a dependency, or the
 * project when it is known or did something. */
bool report_listed(const struct owner *o);

/* report_kind_name: "project", "package-manager", "dependency", "command". */
const char *report_kind_name(const struct owner *o);

/* rjson_add: obj[k] = v, taking v; -ENOMEM (and nothing added) when v is
 * NULL, so a failed constructor is never stored as a JSON null. */
int rjson_add(struct json_object *obj, const char *k, struct json_object *v);

/* rjson_add_str: obj[k] = s through jsonstr (jsonstr.h), or null when s
 * is NULL.  Every string that comes from the traced install goes into
 * the JSON and SARIF reports through jsonstr. */
int rjson_add_str(struct json_object *obj, const char *k, const char *s);

/* report_sarif_json: the report as a SARIF 2.1.0 log.  NULL on
 * allocation failure. */
struct json_object *report_sarif_json(const struct report *r);

/* text_put: s[0..n) for a terminal: control characters, bytes that are
 * not UTF-8 and invisible reordering characters escaped, a value past 400
 * bytes shortened around "…".  Returns the bytes written. */
size_t text_put(FILE *out, const char *s, size_t n);

/* text_sev_color: the escape sequence a severity is shown in. */
const char *text_sev_color(int sev);
/* report_markdown: the job summary a person reads in the CI UI
 * (markdown.c).  0 or -EIO. */
int report_markdown(const struct report *r, FILE *out);

/* text_escaped: s as the text report shows it (control bytes, invalid
 * UTF-8 and hidden format characters escaped, a long string shortened),
 * in a malloc'd string; NULL on allocation failure. */
char *text_escaped(const char *s);

/* sarif_norm_key: a finding's key as SARIF fingerprints hash it, into buf
 * (len > 0): each blank-separated word that is an absolute path without
 * what differs between machines and runs (the project, HOME and temp dir
 * as {project}, {home}, {tmp}, a random directory right under a temp dir
 * as '*', runs of 4+ digits as '#'), the number after "pid" as '#';
 * endpoints, categories and names as they are. */
void sarif_norm_key(const struct report *r, const char *key, char *buf, size_t len);
/* report_unit_escape: how a person's report (text, HTML) shows the
 * character at p (n >= 1 bytes left): C0 controls, DEL and bytes that are
 * not UTF-8 as \xNN, C1 controls and invisible bidi/line-separator code
 * points as \uNNNN, written into esc (NUL-terminated) and their length
 * returned; 0 when it stands as it is.  *len: the input bytes it covers. */
size_t report_unit_escape(const unsigned char *p, size_t n, size_t *len, char esc[8]);

/* report_html_json: report_html of a report's JSON tree (report_json's,
 * or one with fields other writers add: enforcement, a finding's action
 * or suppressed).  root stays the caller's.  0, -ENOMEM or -EIO. */
int report_html_json(struct json_object *root, FILE *out);

/* report_enforcement_json: the report's "enforcement" object (the
 * network policy's half as recorded, the session's sandbox half), or NULL
 * when nothing was enforced; the caller puts it. */
struct json_object *report_enforcement_json(const struct report *r);

/* report_text: the human report; colour when color.  0 or -EIO. */
int report_text(const struct report *r, FILE *out, bool color);

#endif
