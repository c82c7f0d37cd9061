// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * report.c - the report's names (severities, formats, owner kinds) and
 * report_write, which hands the report to its format: json.c
 * (schemas/report.schema.json), sarif.c (SARIF 2.1.0) or text.c.
 * Everything in user/report/ is a function of struct report alone: no
 * clock, no environment, so a replayed report is byte-identical.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include <stdlib.h>
#include "diff.h"
#include "report_int.h"
#include "session.h"

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
					     [FMT_SARIF] = "sarif", [FMT_MARKDOWN] = "markdown" };

	for (int i = 0; s && i <= FMT_MARKDOWN; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

void report_set_trace_damage(struct report *r, const struct trace_damage *d)
{
	r->damage = d;
}

void report_set_survivors(struct report *r, const struct session_info *si)
{
	r->survivors = si->survivors;
	r->survivors_traced_ms = si->survivors_traced_ms;
	r->survivor_fate = si->survivor_fate;
}

int report_set_enforcement(struct report *r, const struct session_info *si)
{
	r->enforce = si->enforce;
	r->run_uid = si->run_uid;
	r->run_gid = si->run_gid;
	if (si->run_user && !(r->run_user = strdup(si->run_user)))
		return -ENOMEM;
	if (si->enforce & SESSION_ENF_SHIELD) {
		r->hidden = calloc((size_t)si->nhidden + 1, sizeof(char *));
		if (!r->hidden)
			return -ENOMEM;
		for (int i = 0; i < si->nhidden; i++)
			if (si->hidden[i] && !(r->hidden[i] = strdup(si->hidden[i])))
				return -ENOMEM;
	}
	return 0;
}

const char *severity_name(int sev)
{
	return sev >= 0 && sev <= SEV_NEVER ? sev_names[sev] : "none";
}

bool report_listed(const struct owner *o)
{
	if (o->kind == OWN_PACKAGE)
		return true;
	return o->kind == OWN_PROJECT && (o->name || o->ran_script);
}

const char *report_kind_name(const struct owner *o)
{
	return o->kind == OWN_PROJECT ? "project" : o->kind == OWN_PM ? "package-manager" :
	       o->kind == OWN_PACKAGE ? "dependency" : "command";
}

int report_write(const struct report *r, FILE *out, enum report_format fmt, bool color)
{
	return report_write_since(r, out, fmt, color, NULL);
}

int report_write_since(const struct report *r, FILE *out, enum report_format fmt, bool color,
		       const struct json_object *since)
{
	struct json_object *j;
	const char *s;
	int err = 0;

	if (!r || !out)
		return -EINVAL;
	if (fmt == FMT_TEXT) {
		err = report_text(r, out, color);
		return err || !since ? err : diff_write_section(since, out, color);
	}
	if (fmt == FMT_MARKDOWN)
		return report_markdown(r, out);
	j = fmt == FMT_SARIF ? report_sarif_json(r) : report_json(r);
	if (!j)
		return -ENOMEM;
	/* SARIF has no place for it: the JSON report only */
	if (since && fmt == FMT_JSON &&
	    json_object_object_add(j, "new_since", json_object_get((struct json_object *)since))) {
		json_object_put(j);
		return -ENOMEM;
	}
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || fputs(s, out) < 0 || fputc('\n', out) == EOF)
		err = -EIO;
	json_object_put(j);
	return err;
}

size_t report_fail_line(const struct report *r, int fail_on, char *buf, size_t len)
{
	size_t n = 0, by[SEV_NEVER] = { 0 }, off, shown = 0;
	const size_t show_max = 3;

	if (!r || fail_on < 0 || fail_on >= SEV_NEVER)
		return 0;
	for (size_t i = 0; i < r->nfindings; i++)
		if (!r->findings[i].suppressed && r->findings[i].sev >= fail_on && r->findings[i].sev < SEV_NEVER) {
			by[r->findings[i].sev]++;
			n++;
		}
	if (!n || !len)
		return n;
	off = (size_t)snprintf(buf, len, "%zu finding%s at or above %s (", n, n == 1 ? "" : "s",
			       severity_name(fail_on));
	for (int s = SEV_CRITICAL, first = 1; s >= fail_on && off < len; s--)
		if (by[s]) {
			off += (size_t)snprintf(buf + off, len - off, "%s%zu %s", first ? "" : ", ", by[s],
						severity_name(s));
			first = 0;
		}
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off, ")");
	/* findings are in report order: the most severe first */
	for (size_t i = 0; i < r->nfindings && shown < show_max && off < len; i++) {
		const struct finding *f = &r->findings[i];
		const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;
		bool seen = false;

		if (f->suppressed || f->sev < fail_on || f->sev >= SEV_NEVER)
			continue;
		/* one mention per rule and package: three credential files are
		 * one credential-access of that package here */
		for (size_t k = 0; k < i && !seen; k++)
			seen = !r->findings[k].suppressed && r->findings[k].sev >= fail_on &&
			       r->findings[k].rule == f->rule && r->findings[k].owner == f->owner;
		if (seen)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s%s%s", shown ? ", " : ": ",
					rule_info[f->rule].id, o && o->name ? o->name : "(no package)",
					o && o->version ? "@" : "", o && o->version ? o->version : "");
		shown++;
	}
	if (n > shown && shown == show_max && off < len)
		snprintf(buf + off, len - off, ", ...");
	for (char *p = buf; *p; p++) /* names from the install: no control bytes on a terminal */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return n;
}
