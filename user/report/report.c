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

const char *report_action_name(int action)
{
	switch (action) {
	case ACTION_BLOCKED: return "blocked";
	case ACTION_KILLED: return "killed";
	case ACTION_REFUSED: return "refused";
	default: return NULL;
	}
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
	struct json_object *j;
	const char *s;
	int err = 0;

	if (!r || !out)
		return -EINVAL;
	if (fmt == FMT_TEXT)
		return report_text(r, out, color);
	j = fmt == FMT_SARIF ? report_sarif_json(r) : report_json(r);
	if (!j)
		return -ENOMEM;
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || fputs(s, out) < 0 || fputc('\n', out) == EOF)
		err = -EIO;
	json_object_put(j);
	return err;
}
