// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * diff_text.c - the diff object (user/diff.c, schemas/diff.schema.json) as
 * text, Markdown or JSON.  Its strings are the traced install's bytes in
 * the jsonstr encoding: decoded, then shown through text_put (text) or
 * HTML-escaped inside <code> (Markdown), so a hostile name can neither move
 * the cursor nor break out of a table cell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "diff.h"
#include "jsonstr.h"
#include "report_int.h"

static struct json_object *get(const struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static const char *get_str(const struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static long long get_int(const struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return v ? (long long)json_object_get_int64(v) : 0;
}

/* put: a string of the diff, escaped for fmt; returns the bytes shown */
static size_t put(FILE *out, const char *s, enum diff_format fmt)
{
	size_t n, w = 0;
	char *b;

	if (!s)
		return 0;
	b = jsonstr_decode_dup(s, strlen(s), &n);
	if (!b) {
		fputs("(out of memory)", out);
		return 15;
	}
	if (fmt == DIFF_TEXT) {
		w = text_put(out, b, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)b[i];

			if (c == '&') fputs("&amp;", out);
			else if (c == '<') fputs("&lt;", out);
			else if (c == '>') fputs("&gt;", out);
			else if (c == '|') fputs("&#124;", out);
			else if (c == '`') fputs("&#96;", out);
			else if (c == '\\') fputs("&#92;", out);
			else if (c < 0x20 || c == 0x7f) fprintf(out, "\\x%02x", c);
			else fputc(c, out);
		}
		w = n;
	}
	free(b);
	return w;
}

static void summary_line(const struct json_object *d, FILE *out, const char *indent)
{
	struct json_object *s = get(d, "summary");
	const char *max = get_str(s, "max_new_severity");
	long long nnew = get_int(s, "new"), ngone = get_int(s, "gone");

	fprintf(out, "%s%lld added, %lld removed, %lld version changed, %lld behaviour changed; "
		"%lld new behaviour%s%s%s%s, %lld gone\n", indent,
		get_int(s, "added"), get_int(s, "removed"), get_int(s, "version_changed"),
		get_int(s, "behaviour_changed"), nnew, nnew == 1 ? "" : "s",
		max ? " (highest: " : "", max ? max : "", max ? ")" : "", ngone);
}

/* "name (eco kind): old -> new" */
static void package_head(const struct json_object *p, FILE *out, enum diff_format fmt,
			 const char *bold, const char *reset)
{
	const char *change = get_str(p, "change"), *ov = get_str(p, "old_version"),
		   *nv = get_str(p, "new_version"), *name = get_str(p, "name");
	const char *arrow = fmt == DIFF_TEXT ? " -> " : " → ";

	fputs(fmt == DIFF_MARKDOWN ? "#### " : bold, out);
	if (name)
		put(out, name, fmt);
	else
		fputs("(no package)", out);
	fprintf(out, "%s (%s %s): ", fmt == DIFF_MARKDOWN ? "" : reset, get_str(p, "ecosystem"),
		get_str(p, "kind"));
	if (!strcmp(change, "added")) {
		fputs("added ", out);
		put(out, nv, fmt);
	} else if (!strcmp(change, "removed")) {
		fputs("removed ", out);
		put(out, ov, fmt);
	} else if (!strcmp(change, "version")) {
		put(out, ov, fmt);
		fputs(arrow, out);
		put(out, nv, fmt);
	} else {
		put(out, nv, fmt);
		fputs(", behaviour changed", out);
	}
	fputs(fmt == DIFF_MARKDOWN ? "\n\n" : "\n", out);
}

/* the rules of the findings that name an entry, comma-separated */
static void entry_rules(const struct json_object *e, FILE *out)
{
	struct json_object *fs = get(e, "findings");

	for (size_t i = 0; fs && i < json_object_array_length(fs); i++)
		fprintf(out, "%s%s", i ? ", " : "", get_str(json_object_array_get_idx(fs, i), "rule"));
}

static void entries_text(const struct json_object *arr, char sign, FILE *out, bool color)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *sev = get_str(e, "severity");
		size_t w;

		fprintf(out, "  %c %-13s ", sign, get_str(e, "kind"));
		w = put(out, get_str(e, "value"), DIFF_TEXT);
		if (sev) {
			char up[16];
			size_t k = 0;

			for (; sev[k] && k + 1 < sizeof(up); k++)
				up[k] = sev[k] >= 'a' && sev[k] <= 'z' ? sev[k] - 32 : sev[k];
			up[k] = '\0';
			fprintf(out, "%*s  %s%s%s ", w < 40 ? (int)(40 - w) : 0, "",
				color ? text_sev_color(severity_parse(sev)) : "", up, color ? "\033[0m" : "");
			entry_rules(e, out);
		} else if (json_object_array_length(get(e, "findings"))) {
			fprintf(out, "%*s  ", w < 40 ? (int)(40 - w) : 0, "");
			entry_rules(e, out);
		}
		fputc('\n', out);
	}
}

static void entries_markdown(const struct json_object *arr, const char *what, FILE *out)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *sev = get_str(e, "severity");

		fprintf(out, "| %s | %s | <code>", what, get_str(e, "kind"));
		put(out, get_str(e, "value"), DIFF_MARKDOWN);
		fprintf(out, "</code> | %s%s%s ", sev ? "**" : "", sev ? sev : "", sev ? "**" : "");
		entry_rules(e, out);
		fputs(" |\n", out);
	}
}

static void body(const struct json_object *d, FILE *out, enum diff_format fmt, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	struct json_object *pk = get(d, "packages");
	size_t n = pk ? json_object_array_length(pk) : 0;

	if (!n) {
		fputs(fmt == DIFF_TEXT ? "  " : "", out);
		fputs("No package added, removed or changed; no behaviour new or gone.\n", out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(pk, i);
		struct json_object *nw = get(p, "new"), *gone = get(p, "gone");

		fputc('\n', out);
		package_head(p, out, fmt, bold, reset);
		if (fmt == DIFF_TEXT) {
			entries_text(nw, '+', out, color);
			entries_text(gone, '-', out, color);
			continue;
		}
		if (!json_object_array_length(nw) && !json_object_array_length(gone)) {
			fputs("No behaviour new or gone.\n", out);
			continue;
		}
		fputs("| | behaviour | value | finding |\n|---|---|---|---|\n", out);
		entries_markdown(nw, "new", out);
		entries_markdown(gone, "gone", out);
	}
}

static int write_json(const struct json_object *d, FILE *out)
{
	const char *s = json_object_to_json_string_ext((struct json_object *)d, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return -ENOMEM;
	return fputs(s, out) < 0 || fputc('\n', out) == EOF ? -EIO : 0;
}

int diff_write(const struct json_object *diff, FILE *out, enum diff_format fmt, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";

	if (fmt == DIFF_JSON)
		return write_json(diff, out);
	if (fmt == DIFF_MARKDOWN) {
		fputs("### pkgtrace diff: <code>", out);
		put(out, get_str(diff, "old"), fmt);
		fputs("</code> → <code>", out);
		put(out, get_str(diff, "new"), fmt);
		fputs("</code>\n\n", out);
		summary_line(diff, out, "");
	} else {
		fprintf(out, "%spkgtrace diff%s: ", bold, reset);
		put(out, get_str(diff, "old"), fmt);
		fputs(" -> ", out);
		put(out, get_str(diff, "new"), fmt);
		fputc('\n', out);
		summary_line(diff, out, "  ");
	}
	body(diff, out, fmt, color);
	return ferror(out) ? -EIO : 0;
}

int diff_write_section(const struct json_object *diff, FILE *out, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";

	fprintf(out, "\n%sNew since ", bold);
	put(out, get_str(diff, "old"), DIFF_TEXT);
	fprintf(out, "%s\n", reset);
	summary_line(diff, out, "  ");
	body(diff, out, DIFF_TEXT, color);
	return ferror(out) ? -EIO : 0;
}
