// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * text.c - the report for a person, in a terminal or a CI log.  Everything
 * that comes from the traced install (paths, argv, package names, DNS
 * names, summaries built from them) goes through text_put: a file name
 * must not be able to move the cursor, erase lines or flood the log.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonstr.h"
#include "report_int.h"
#include "trace.h"

/* A value longer than TEXT_MAX bytes is shown as its first TEXT_HEAD and
 * last TEXT_TAIL bytes around "…" (the JSON report has it whole).  Long
 * enough for any real command line or node_modules path in one piece. */
#define TEXT_MAX 400
#define TEXT_HEAD 200
#define TEXT_TAIL 160

/* The code point of a 3-byte UTF-8 sequence. */
static unsigned int cp3(const unsigned char *p)
{
	return (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
}

/* Invisible code points that reorder or break lines (bidi controls of
 * "Trojan Source", U+2028/U+2029): shown escaped like control characters. */
static bool hidden_format(unsigned int cp)
{
	return cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static size_t unit_len(const unsigned char *p, size_t n)
{
	size_t l = jsonstr_unit(p, n);

	return l ? l : 1;
}

size_t report_unit_escape(const unsigned char *p, size_t n, size_t *len, char esc[8])
{
	size_t l = jsonstr_unit(p, n);

	*len = l ? l : 1;
	if (l == 1 && p[0] >= 0x20 && p[0] != 0x7f)
		return 0;
	if (l <= 1)
		return (size_t)snprintf(esc, 8, "\\x%02x", p[0]);
	if (l == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return (size_t)snprintf(esc, 8, "\\u%04x", p[1]);
	if (l == 3 && hidden_format(cp3(p)))
		return (size_t)snprintf(esc, 8, "\\u%04x", cp3(p));
	return 0;
}

/* Writes the character at p (n >= 1 bytes left) as it is or escaped
 * (report_unit_escape).  *len: the input bytes it covered.  Returns the
 * bytes written. */
static size_t put_unit(FILE *out, const unsigned char *p, size_t n, size_t *len)
{
	char esc[8];
	size_t e = report_unit_escape(p, n, len, esc);

	if (e)
		return fwrite(esc, 1, e, out);
	return fwrite(p, 1, *len, out);
}

/* text_put: s[0..n) escaped as put_unit does, shortened to head…tail past
 * TEXT_MAX bytes, cut between characters.  Returns the bytes written. */
size_t text_put(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t head = n, tail = n, w = 0, l;

	if (n > TEXT_MAX) {
		head = 0;
		for (size_t b = 0; b < n; b += unit_len(p + b, n - b)) {
			if (b <= TEXT_HEAD)
				head = b;
			if (b >= n - TEXT_TAIL) {
				tail = b;
				break;
			}
		}
	}
	for (size_t i = 0; i < head; i += l)
		w += put_unit(out, p + i, head - i, &l);
	if (head == n)
		return w;
	w += fwrite("…", 1, strlen("…"), out);
	for (size_t i = tail; i < n; i += l)
		w += put_unit(out, p + i, n - i, &l);
	return w;
}

static size_t text_puts(FILE *out, const char *s)
{
	return text_put(out, s, strlen(s));
}

size_t report_text_puts(FILE *out, const char *s)
{
	return text_puts(out, s);
}

char *text_escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	text_puts(m, s ? s : "");
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A NUL-separated list (argv) on one line, items joined by spaces, as one
 * value for text_put: a long command line is shortened as a whole. */
static void text_list(FILE *out, const char *list, size_t len)
{
	char *joined = malloc(len + 1);
	size_t n = 0;

	if (!joined) {
		fputs("(out of memory)", out);
		return;
	}
	for (size_t off = 0; off < len;) {
		size_t l = strnlen(list + off, len - off);

		if (off)
			joined[n++] = ' ';
		memcpy(joined + n, list + off, l);
		n += l;
		off += l + 1;
	}
	text_put(out, joined, n);
	free(joined);
}

/* The traced command's argv, as text_list shows an exec's. */
static void text_argv(FILE *out, char *const *argv, int argc)
{
	size_t len = 0, off = 0;
	char *list;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	list = malloc(len + 1);
	if (!list) {
		fputs("(out of memory)", out);
		return;
	}
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;

		memcpy(list + off, argv[i], l);
		off += l;
	}
	text_list(out, list, len);
	free(list);
}

const char *text_sev_color(int sev)
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
	if (e->path) {
		fputc(' ', out);
		text_puts(out, e->path);
	}
	if (e->argv) {
		fputs(" [", out);
		text_list(out, e->argv, e->argv_len);
		fputs("]", out);
	}
	if (e->endpoint) {
		fputc(' ', out);
		text_puts(out, e->endpoint);
	}
	if (e->dns) {
		fputc(' ', out);
		text_puts(out, e->dns);
	}
	fputc('\n', out);
}

/* One line of the enforcement in force (the report's "enforcement"). */
static void text_enforcement(FILE *out, const struct report *r)
{
	struct json_object *e = report_enforcement_json(r);
	struct json_object *v, *counts, *ne;
	size_t n;

	if (!e)
		return;
	fputs("  enforcement: ", out);
	text_puts(out, json_object_object_get_ex(e, "mode", &v) ? json_object_get_string(v) : "?");
	if (json_object_object_get_ex(e, "cgroup", &v) && v) {
		fputs(", cgroup ", out);
		text_puts(out, json_object_get_string(v));
	}
	if (json_object_object_get_ex(e, "seccomp", &v) && v)
		fputs(", seccomp filter", out);
	if (r->enforce & SESSION_ENF_USER) {
		fputs(", install ran as ", out);
		text_puts(out, r->run_user ? r->run_user : "?");
		fprintf(out, " (uid %u)", r->run_uid);
	}
	if (json_object_object_get_ex(e, "shield", &v) && v &&
	    json_object_object_get_ex(v, "hidden", &v)) {
		n = json_object_array_length(v);
		fprintf(out, ", shield hid %zu credential store%s", n, n == 1 ? "" : "s");
	}
	if (json_object_object_get_ex(e, "counts", &counts)) {
		if (json_object_object_get_ex(counts, "blocked", &v))
			fprintf(out, "; %lld blocked", (long long)json_object_get_int64(v));
		if (json_object_object_get_ex(counts, "killed", &v))
			fprintf(out, ", %lld killed", (long long)json_object_get_int64(v));
		if (json_object_object_get_ex(counts, "refused", &v))
			fprintf(out, ", %lld refused", (long long)json_object_get_int64(v));
	}
	if (json_object_object_get_ex(e, "not_enforced", &ne) && json_object_array_length(ne)) {
		fputs("; NOT ENFORCED: ", out);
		for (size_t i = 0; i < json_object_array_length(ne); i++) {
			if (i)
				fputs("; ", out);
			text_puts(out, json_object_get_string(json_object_array_get_idx(ne, i)));
		}
	}
	fputc('\n', out);
	json_object_put(e);
}

static void text_finding(FILE *out, const struct finding *f, bool color)
{
	char sev[16];

	upper(severity_name(f->sev), sev, sizeof(sev));
	if (f->action) { /* what enforcement did about it, first on the line */
		char act[16];

		upper(f->action, act, sizeof(act));
		fprintf(out, "  %s%s%s", color ? "\033[1m" : "", act, color ? "\033[0m" : "");
	}
	fprintf(out, "  %s%-8s%s %-21s ", color ? text_sev_color(f->sev) : "", sev, color ? "\033[0m" : "",
		rule_info[f->rule].id);
	text_puts(out, f->summary ? f->summary : "");
	fputc('\n', out);
	for (int i = 0; i < f->nev; i++)
		text_evidence(out, &f->ev[i]);
	if (f->count > (uint64_t)f->nev)
		fprintf(out, "             (%llu events in all)\n", (unsigned long long)f->count);
	if (f->suppressed) {
		fputs("             SUPPRESSED by the policy: ", out);
		text_puts(out, f->suppressed);
		fputc('\n', out);
	}
}

/* "name@version (eco kind)", the heading of a package's findings */
static void text_owner(FILE *out, const struct owner *o, const char *bold, const char *reset)
{
	fputs(bold, out);
	text_puts(out, o->name ? o->name : "?");
	if (o->version) {
		fputc('@', out);
		text_puts(out, o->version);
	}
	fprintf(out, "%s (", reset);
	if (o->eco) {
		text_puts(out, o->eco);
		fputc(' ', out);
	}
	fprintf(out, "%s)\n", report_kind_name(o));
}

/* script_verdict: whether the owner's scripts ran, in the words of the
 * package manager that decided it (its approval list by name). */
static const char *script_verdict(const struct owner *o, char *buf, size_t len)
{
	const char *pm = o->pm ? o->pm : o->eco ? o->eco : "the package manager";
	const char *list = !strcmp(pm, "npm") ? "allowScripts" : !strcmp(pm, "pnpm") ? "onlyBuiltDependencies" :
			   !strcmp(pm, "bun") ? "trustedDependencies" : NULL;

	if (o->kind == OWN_PROJECT && o->ran_script)
		snprintf(buf, len, "ran (the project's own)");
	else if (!o->ran_script)
		snprintf(buf, len, "skipped by %s (info)", pm);
	else if (!list)
		snprintf(buf, len, "ran (%s runs every package's scripts)", pm);
	else if (o->approved == 1)
		snprintf(buf, len, "ran (approved in %s)", list);
	else if (o->approved == 0)
		snprintf(buf, len, "ran (denied in %s)", list);
	else
		snprintf(buf, len, "ran (not covered by %s)", list);
	return buf;
}

static void text_header(const struct report *r, FILE *out, const char *bold, const char *reset)
{
	fprintf(out, "%spkgtrace report%s:", bold, reset);
	if (r->argc > 0) {
		fputc(' ', out);
		text_argv(out, r->argv, r->argc);
	}
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
	if (r->damage) {
		fprintf(out, "  trace damaged (%s): ", trace_damage_name(r->damage->kind));
		text_puts(out, r->damage->message);
		fprintf(out, "; the report covers the %llu event%s before it\n",
			(unsigned long long)r->damage->events, r->damage->events == 1 ? "" : "s");
	}
	if (r->survivors && r->survivor_fate == SURVIVORS_LEFT_RUNNING)
		fprintf(out, "  %s%u process%s of the install LEFT RUNNING, UNTRACED (--keep-survivors)%s\n",
			bold, r->survivors, r->survivors == 1 ? "" : "es", reset);
	else if (r->survivors)
		fprintf(out, "  %u process%s of the install outlived it: traced %u ms more, then %s\n",
			r->survivors, r->survivors == 1 ? "" : "es", r->survivors_traced_ms,
			r->survivor_fate == SURVIVORS_KILLED ? "killed" : "left");
	text_enforcement(out, r);
	fprintf(out, "  %zu finding%s, highest: %s", r->nfindings, r->nfindings == 1 ? "" : "s",
		r->max_sev >= 0 ? severity_name(r->max_sev) : "none");
	if (r->policy_path) {
		fprintf(out, "; policy ");
		text_puts(out, r->policy_path);
		fprintf(out, ": %zu suppressed (not counted), %zu suppression%s unused", r->nsuppressed,
			r->npolicy_unused, r->npolicy_unused == 1 ? "" : "s");
	}
	fputs("\n\n", out);
}

int report_text(const struct report *r, FILE *out, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";

	text_header(r, out, bold, reset);
	/* grouped by package: owners are sorted most severe first */
	for (size_t i = 0; i < r->nowners; i++) {
		bool any = false;

		for (size_t k = 0; k < r->nfindings; k++) {
			if (r->findings[k].owner != (int)i)
				continue;
			if (!any)
				text_owner(out, r->owners[i], bold, reset);
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
		char verdict[128];
		size_t w;

		if (!report_listed(o) || (!o->ran_script && !o->skipped))
			continue;
		if (!any++)
			fprintf(out, "\n%sInstall scripts%s\n", bold, reset);
		fputs("  ", out);
		w = text_puts(out, o->name ? o->name : "?");
		fprintf(out, "%*s %s\n", w < 40 ? (int)(40 - w) : 0, "", script_verdict(o, verdict, sizeof(verdict)));
	}
	return ferror(out) ? -EIO : 0;
}
