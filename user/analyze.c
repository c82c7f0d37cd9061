// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* STUB: replaced by the analysis (issue 3).  Reports no findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyze.h"

struct baseline { int unused; };
struct analyzer { int unused; };
struct report { int unused; };

struct baseline *baseline_load(const char *path, char *err, size_t errlen)
{
	(void)path; (void)err; (void)errlen;
	return calloc(1, sizeof(struct baseline));
}
void baseline_free(struct baseline *bl) { free(bl); }
struct analyzer *analyzer_new(const struct baseline *bl, const struct session_info *si)
{
	(void)bl; (void)si;
	return calloc(1, sizeof(struct analyzer));
}
void analyzer_free(struct analyzer *an) { free(an); }
void analyzer_feed(struct analyzer *an, const struct event_view *v) { (void)an; (void)v; }
struct report *analyzer_finish(struct analyzer *an, const struct session_info *si, struct facts *f)
{
	(void)an; (void)si; (void)f;
	return calloc(1, sizeof(struct report));
}
void report_free(struct report *r) { free(r); }
int report_max_severity(const struct report *r) { (void)r; return -1; }
struct json_object *report_json(const struct report *r) { (void)r; return json_object_new_object(); }
int report_write(const struct report *r, FILE *out, enum report_format fmt, bool color)
{
	(void)r; (void)fmt; (void)color;
	fprintf(out, "{}\n");
	return 0;
}
int severity_parse(const char *s)
{
	static const char *n[] = { "info", "low", "medium", "high", "critical", "never" };
	for (int i = 0; i < 6; i++)
		if (!strcmp(s, n[i]))
			return i;
	return -1;
}
const char *severity_name(int sev)
{
	static const char *n[] = { "info", "low", "medium", "high", "critical", "never" };
	return sev >= 0 && sev < 6 ? n[sev] : "none";
}
