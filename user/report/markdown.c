// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * markdown.c - the report as a job summary a person reads in the CI UI
 * (GitHub's $GITHUB_STEP_SUMMARY, a GitLab or Jenkins page): the verdict,
 * what may be missing (drops, a damaged trace, an interrupted run), a
 * table of the packages with findings by severity, and each finding's
 * one-line summary.  Strings from the install are escaped twice: as the
 * text report escapes them (text_escaped), then Markdown's own
 * characters, so a package name can neither hide text nor add markup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"
#include "trace.h"

/* md_puts: s escaped for Markdown, inline (tables and list items). */
static void md_puts(FILE *out, const char *s)
{
	char *t = text_escaped(s);

	if (!t) {
		fputs("(out of memory)", out);
		return;
	}
	for (const char *p = t; *p; p++) {
		if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '&')
			fputs("&amp;", out);
		else if (strchr("\\`*_[]|~", *p)) /* mid-line, what makes markup there */
			fprintf(out, "\\%c", *p);
		else
			fputc(*p, out);
	}
	free(t);
}

static void md_owner(FILE *out, const struct owner *o)
{
	md_puts(out, o && o->name ? o->name : "(no package)");
	if (o && o->version) {
		fputs("@", out);
		md_puts(out, o->version);
	}
}

/* The verdict line: what --fail-on decides, in words. */
static void md_verdict(const struct report *r, FILE *out)
{
	char line[1024];
	size_t n = report_fail_line(r, r->fail_on, line, sizeof(line));

	if (n)
		fprintf(out, "## :x: pkgtrace: %zu finding%s at or above %s\n\n", n, n == 1 ? "" : "s",
			severity_name(r->fail_on));
	else if (r->fail_on >= SEV_NEVER)
		fprintf(out, "## pkgtrace: highest finding %s (--fail-on never)\n\n",
			r->max_sev >= 0 ? severity_name(r->max_sev) : "none");
	else
		fprintf(out, "## :white_check_mark: pkgtrace: no finding at or above %s\n\n",
			severity_name(r->fail_on));
}

/* What the report may miss, stated before anything else is believed. */
static void md_gaps(const struct report *r, FILE *out)
{
	if (r->drops)
		fprintf(out, "> [!WARNING]\n> **Trace incomplete:** %llu event%s dropped by the kernel; "
			"the report may miss something.\n\n", (unsigned long long)r->drops, r->drops == 1 ? "" : "s");
	if (r->damage) {
		fprintf(out, "> [!WARNING]\n> **Trace damaged** (%s): ", trace_damage_name(r->damage->kind));
		md_puts(out, r->damage->message);
		fprintf(out, "; the report covers the %llu event%s before it.\n\n",
			(unsigned long long)r->damage->events, r->damage->events == 1 ? "" : "s");
	}
	if (r->interrupted)
		fprintf(out, "> [!WARNING]\n> **Interrupted:** pkgtrace was stopped before the command ended.\n\n");
	if (r->survivors)
		fprintf(out, "> [!NOTE]\n> %u process%s of the install outlived it (%s).\n\n", r->survivors,
			r->survivors == 1 ? "" : "es",
			r->survivor_fate == SURVIVORS_LEFT_RUNNING ? "left running, untraced" : "killed");
}

/* The table: one row per owner with findings, counts by severity. */
static void md_table(const struct report *r, FILE *out)
{
	bool header = false;

	for (size_t i = 0; i <= r->nowners; i++) {
		size_t by[SEV_NEVER] = { 0 }, sup = 0, n = 0;
		int owner = i < r->nowners ? (int)i : -1; /* last: findings of no package */

		for (size_t k = 0; k < r->nfindings; k++) {
			const struct finding *f = &r->findings[k];

			if (f->owner != owner || f->sev < 0 || f->sev >= SEV_NEVER)
				continue;
			n++;
			if (f->suppressed)
				sup++;
			else
				by[f->sev]++;
		}
		if (!n)
			continue;
		if (!header)
			fputs("| Package | Critical | High | Medium | Low | Info | Suppressed |\n"
			      "|---|---:|---:|---:|---:|---:|---:|\n", out);
		header = true;
		fputs("| ", out);
		md_owner(out, owner >= 0 ? r->owners[owner] : NULL);
		for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
			fprintf(out, " | %zu", by[s]);
		fprintf(out, " | %zu |\n", sup);
	}
	if (header)
		fputc('\n', out);
}

static void md_findings(const struct report *r, FILE *out)
{
	if (!r->nfindings)
		return;
	fputs("### Findings\n\n", out);
	for (size_t k = 0; k < r->nfindings; k++) {
		const struct finding *f = &r->findings[k];

		if (f->suppressed)
			fprintf(out, "- ~~%s~~ `%s` ", severity_name(f->sev), rule_info[f->rule].id);
		else
			fprintf(out, "- **%s** `%s` ", severity_name(f->sev), rule_info[f->rule].id);
		md_puts(out, f->summary ? f->summary : rule_info[f->rule].title);
		if (f->suppressed) {
			fputs(" — *suppressed:* ", out);
			md_puts(out, f->suppressed);
		}
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void md_policy(const struct report *r, FILE *out)
{
	if (!r->policy_path)
		return;
	fputs("Policy `", out);
	md_puts(out, r->policy_path);
	fprintf(out, "`: %zu finding%s suppressed", r->nsuppressed, r->nsuppressed == 1 ? "" : "s");
	if (r->npolicy_unused)
		fprintf(out, "; %zu suppression%s matched nothing:", r->npolicy_unused,
			r->npolicy_unused == 1 ? "" : "s");
	fputs("\n\n", out);
	for (size_t i = 0; i < r->npolicy_unused; i++) {
		const struct policy_unused *u = &r->policy_unused[i];

		fprintf(out, "- suppressions\\[%zu\\]: `%s` for ", u->index, u->rule);
		md_puts(out, u->package ? u->package : "any package");
		fputs(" (", out);
		md_puts(out, u->reason);
		fputs(")\n", out);
	}
	if (r->npolicy_unused)
		fputc('\n', out);
}

int report_markdown(const struct report *r, FILE *out)
{
	size_t by[SEV_NEVER] = { 0 };

	md_verdict(r, out);
	fputs("`", out);
	for (int i = 0; i < r->argc; i++) {
		char *t = text_escaped(r->argv[i]);

		/* inside a code span only a backtick matters */
		for (const char *p = t ? t : "?"; *p; p++)
			fputc(*p == '`' ? '\'' : *p, out);
		if (i + 1 < r->argc)
			fputc(' ', out);
		free(t);
	}
	fputs("`", out);
	if (r->exit_status >= 0 && (r->exit_status & 0x7f) == 0)
		fprintf(out, " exited %d", (r->exit_status >> 8) & 0xff);
	else if (r->exit_status >= 0)
		fprintf(out, " was killed by signal %d", r->exit_status & 0x7f);
	else
		fputs(" (exit status unknown)", out);
	for (size_t k = 0; k < r->nfindings; k++)
		if (!r->findings[k].suppressed && r->findings[k].sev >= 0 && r->findings[k].sev < SEV_NEVER)
			by[r->findings[k].sev]++;
	fprintf(out, "; %llu events, %llu dropped, %.1f s; %zu finding%s: %zu critical, %zu high, "
		"%zu medium, %zu low, %zu info, %zu suppressed.\n\n", (unsigned long long)r->events,
		(unsigned long long)r->drops,
		r->end_ns > r->start_ns ? (double)(r->end_ns - r->start_ns) / 1e9 : 0.0,
		r->nfindings, r->nfindings == 1 ? "" : "s", by[SEV_CRITICAL], by[SEV_HIGH], by[SEV_MEDIUM],
		by[SEV_LOW], by[SEV_INFO], r->nsuppressed);
	md_gaps(r, out);
	md_table(r, out);
	md_findings(r, out);
	md_policy(r, out);
	return ferror(out) ? -EIO : 0;
}
