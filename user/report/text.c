// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * text.c - the report for a person, in a terminal or a CI log.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "report_int.h"
#include "trace.h"

static const char *sev_color(int sev)
{
	static const char *const c[] = { "\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m" };

	return sev >= 0 && sev <= SEV_CRITICAL ? c[sev] : "";
}

static void upper(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; s[i] && i + 1 < len; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i];
	out[i] = '\0';
}

static void text_evidence(FILE *out, const struct evidence *e)
{
	fprintf(out, "             pid %u %s", e->pid, e->event ? e->event : "?");
	if (e->path)
		fprintf(out, " %s", e->path);
	if (e->argv) {
		fputs(" [", out);
		for (size_t off = 0; off < e->argv_len;) {
			size_t l = strnlen(e->argv + off, e->argv_len - off);

			fprintf(out, "%s%.*s", off ? " " : "", (int)l, e->argv + off);
			off += l + 1;
		}
		fputs("]", out);
	}
	if (e->endpoint)
		fprintf(out, " %s", e->endpoint);
	if (e->dns)
		fprintf(out, " %s", e->dns);
	fputc('\n', out);
}

static void text_finding(FILE *out, const struct finding *f, bool color)
{
	char sev[16];

	upper(severity_name(f->sev), sev, sizeof(sev));
	fprintf(out, "  %s%-8s%s %-21s %s\n", color ? sev_color(f->sev) : "", sev, color ? "\033[0m" : "",
		rule_info[f->rule].id, f->summary ? f->summary : "");
	for (int i = 0; i < f->nev; i++)
		text_evidence(out, &f->ev[i]);
	if (f->count > (uint64_t)f->nev)
		fprintf(out, "             (%llu events in all)\n", (unsigned long long)f->count);
}

int report_text(const struct report *r, FILE *out, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";

	fprintf(out, "%spkgtrace report%s:", bold, reset);
	for (int i = 0; i < r->argc; i++)
		fprintf(out, " %s", r->argv[i]);
	fputc('\n', out);
	if (r->exit_status >= 0 && (r->exit_status & 0x7f) == 0)
		fprintf(out, "  exit %d", (r->exit_status >> 8) & 0xff);
	else if (r->exit_status >= 0)
		fprintf(out, "  killed by signal %d", r->exit_status & 0x7f);
	else
		fprintf(out, "  exit status unknown");
	fprintf(out, ", %llu events, %llu dropped, %.1f s\n", (unsigned long long)r->events,
		(unsigned long long)r->drops,
		r->end_ns > r->start_ns ? (double)(r->end_ns - r->start_ns) / 1e9 : 0.0);
	if (r->damage)
		fprintf(out, "  trace damaged (%s): %s; the report covers the %llu event%s before it\n",
			trace_damage_name(r->damage->kind), r->damage->message,
			(unsigned long long)r->damage->events, r->damage->events == 1 ? "" : "s");
	fprintf(out, "  %zu finding%s, highest: %s\n\n", r->nfindings, r->nfindings == 1 ? "" : "s",
		r->max_sev >= 0 ? severity_name(r->max_sev) : "none");
	/* grouped by package: owners are sorted most severe first */
	for (size_t i = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];
		bool any = false;

		for (size_t k = 0; k < r->nfindings; k++) {
			if (r->findings[k].owner != (int)i)
				continue;
			if (!any)
				fprintf(out, "%s%s%s%s%s (%s%s%s)\n", bold, o->name ? o->name : "?",
					o->version ? "@" : "", o->version ? o->version : "", reset,
					o->eco ? o->eco : "", o->eco ? " " : "", report_kind_name(o));
			any = true;
			text_finding(out, &r->findings[k], color);
		}
		if (any)
			fputc('\n', out);
	}
	for (size_t k = 0, any = 0; k < r->nfindings; k++) {
		if (r->findings[k].owner >= 0)
			continue;
		if (!any++)
			fprintf(out, "%s(no package)%s\n", bold, reset);
		text_finding(out, &r->findings[k], color);
	}
	for (size_t i = 0, any = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];

		if (!report_listed(o) || (!o->ran_script && !o->skipped))
			continue;
		if (!any++)
			fprintf(out, "\n%sInstall scripts%s\n", bold, reset);
		fprintf(out, "  %-40s %s\n", o->name ? o->name : "?",
			o->ran_script ? (o->kind == OWN_PROJECT ? "ran (the project's own)" :
					 o->approved == 1 ? "ran (approved)" : o->approved == 0 ? "ran (denied in allowScripts)" :
					 "ran (not in allowScripts)") : "skipped by npm (info)");
	}
	return ferror(out) ? -EIO : 0;
}
