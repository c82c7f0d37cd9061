// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * jsonedit.c - set one member of a JSON document in its text.  See
 * jsonedit.h for the contract.
 *
 * A small scanner walks the already validated text to find where each
 * member's key and value start and end; the new value replaces the old
 * one's bytes, or is inserted after the object's last member.  Only the
 * printing of the new value follows a style: the file's indentation unit
 * (the first indented key's leading blanks) and its line ending.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonedit.h"

struct style {
	char unit[17];   /* one indentation level: "  ", "    " or "\t" */
	const char *nl;  /* "\n" or "\r\n" */
};

/* Where a member of an object is in the text. */
struct member {
	size_t key;       /* offset of the key's opening quote */
	size_t val, end;  /* its value: [val, end) */
};

static size_t skip_ws(const char *t, size_t i)
{
	while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
		i++;
	return i;
}

/* skip_string: t[i] is '"'; returns the offset after the closing quote. */
static size_t skip_string(const char *t, size_t i)
{
	for (i++; t[i] && t[i] != '"'; i++)
		if (t[i] == '\\' && t[i + 1])
			i++;
	return t[i] ? i + 1 : i;
}

/* skip_value: returns the offset after the value starting at t[i]. */
static size_t skip_value(const char *t, size_t i)
{
	int depth = 0;

	if (t[i] == '"')
		return skip_string(t, i);
	if (t[i] != '{' && t[i] != '[') {
		while (t[i] && !strchr(",}] \t\r\n", t[i]))
			i++;
		return i;
	}
	for (; t[i]; i++) {
		if (t[i] == '"') {
			i = skip_string(t, i) - 1;
		} else if (t[i] == '{' || t[i] == '[') {
			depth++;
		} else if (t[i] == '}' || t[i] == ']') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return i;
}

/* key_is: does the JSON string at t[i] decode to key? */
static int key_is(const char *t, size_t i, const char *key)
{
	size_t end = skip_string(t, i);
	char *raw = strndup(t + i, end - i);
	struct json_object *s;
	int same = 0;

	if (!raw)
		return -ENOMEM;
	s = json_tokener_parse(raw);
	if (s && json_object_is_type(s, json_type_string))
		same = !strcmp(json_object_get_string(s), key);
	json_object_put(s);
	free(raw);
	return same;
}

/* object_scan: the object opening at t[obj]: finds the last member named
 * key (m->key == 0 when none), the end of its last member (*last, 0 when
 * empty) and its closing brace (*close).  Returns 0 or -ENOMEM. */
static int object_scan(const char *t, size_t obj, const char *key, struct member *m,
		       size_t *last, size_t *close)
{
	size_t i = skip_ws(t, obj + 1);

	m->key = 0;
	*last = 0;
	while (t[i] == '"') {
		size_t k = i, v;
		int same = key_is(t, k, key);

		if (same < 0)
			return same;
		i = skip_ws(t, skip_string(t, i));
		if (t[i] == ':')
			i++;
		v = skip_ws(t, i);
		i = skip_value(t, v);
		if (same)
			*m = (struct member){ .key = k, .val = v, .end = i };
		*last = i;
		i = skip_ws(t, i);
		if (t[i] == ',')
			i = skip_ws(t, i + 1);
	}
	*close = i;
	return 0;
}

/* style_of: the indentation unit of the first indented line, and the line
 * ending of the first line break. */
static void style_of(const char *t, struct style *st)
{
	const char *nl = strchr(t, '\n');
	size_t n;

	st->nl = nl && nl > t && nl[-1] == '\r' ? "\r\n" : "\n";
	strcpy(st->unit, "  ");
	for (; nl; nl = strchr(nl + 1, '\n')) {
		n = strspn(nl + 1, " \t");
		if (n && nl[1 + n] == '"') {
			if (n >= sizeof(st->unit))
				n = sizeof(st->unit) - 1;
			memcpy(st->unit, nl + 1, n);
			st->unit[n] = '\0';
			return;
		}
	}
}

/* line_indent: the blanks in front of t[i] on its line. */
static void line_indent(const char *t, size_t i, char *out, size_t cap)
{
	size_t b = i, n;

	while (b > 0 && t[b - 1] != '\n')
		b--;
	n = strspn(t + b, " \t");
	if (n > i - b)
		n = i - b;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, t + b, n);
	out[n] = '\0';
}

static void put_scalar(FILE *f, struct json_object *v)
{
	fputs(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), f);
}

/* put_value: v printed with its inner lines at ind + one unit. */
static void put_value(FILE *f, struct json_object *v, const char *ind, const struct style *st)
{
	char inner[512];
	bool first = true;

	snprintf(inner, sizeof(inner), "%s%s", ind, st->unit);
	if (json_object_is_type(v, json_type_object)) {
		if (!json_object_object_length(v)) {
			fputs("{}", f);
			return;
		}
		fputc('{', f);
		json_object_object_foreach(v, k, e) {
			struct json_object *ks = json_object_new_string(k);

			fprintf(f, "%s%s%s", first ? "" : ",", st->nl, inner);
			put_scalar(f, ks);
			json_object_put(ks);
			fputs(": ", f);
			put_value(f, e, inner, st);
			first = false;
		}
		fprintf(f, "%s%s}", st->nl, ind);
	} else if (json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v);

		if (!n) {
			fputs("[]", f);
			return;
		}
		fputc('[', f);
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "%s%s%s", i ? "," : "", st->nl, inner);
			put_value(f, json_object_array_get_idx(v, i), inner, st);
		}
		fprintf(f, "%s%s]", st->nl, ind);
	} else {
		put_scalar(f, v);
	}
}

/* nest: value wrapped in objects named path[from..depth-2]; the caller
 * inserts it under path[from - 1].  Takes a reference of value. */
static struct json_object *nest(const char *const *path, size_t from, size_t depth, struct json_object *value)
{
	struct json_object *v = json_object_get(value);

	for (size_t i = depth; i-- > from;) {
		struct json_object *o = json_object_new_object();

		if (!o) {
			json_object_put(v);
			return NULL;
		}
		json_object_object_add(o, path[i], v);
		v = o;
	}
	return v;
}

int jsonedit_set(const char *text, const char *const *path, size_t depth,
		 struct json_object *value, char **out)
{
	struct json_object *doc = json_tokener_parse(text), *v = NULL;
	struct style st;
	struct member m;
	size_t obj, last, close, i;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int err = -EINVAL;

	*out = NULL;
	if (!doc || !json_object_is_type(doc, json_type_object) || !depth)
		goto cleanup;
	style_of(text, &st);
	obj = skip_ws(text, 0);
	for (i = 0; i < depth; i++) {
		err = object_scan(text, obj, path[i], &m, &last, &close);
		if (err)
			goto cleanup;
		if (!m.key || i == depth - 1)
			break;
		if (text[m.val] != '{') {
			err = -EINVAL;
			goto cleanup;
		}
		obj = m.val;
	}
	err = -ENOMEM;
	f = open_memstream(&buf, &len);
	if (!f)
		goto cleanup;
	if (m.key) {
		/* replace the value of the member path[depth - 1] */
		char ind[256];

		line_indent(text, m.key, ind, sizeof(ind));
		fwrite(text, 1, m.val, f);
		put_value(f, value, ind, &st);
		fputs(text + m.end, f);
	} else {
		/* insert path[i] (holding the rest of the path) into obj */
		char parent[256], ind[512];
		struct json_object *ks = json_object_new_string(path[i]);

		v = nest(path, i + 1, depth, value);
		if (!v || !ks) {
			json_object_put(ks);
			goto cleanup;
		}
		line_indent(text, obj, parent, sizeof(parent));
		if (last) {
			/* a sibling's indentation is the member's */
			size_t first = skip_ws(text, obj + 1);

			line_indent(text, first, ind, sizeof(ind));
			if (text[first - 1] != '\n' && text[first - 1] != ' ' && text[first - 1] != '\t')
				snprintf(ind, sizeof(ind), "%s%s", parent, st.unit);
			fwrite(text, 1, last, f);
			fprintf(f, ",%s%s", st.nl, ind);
			put_scalar(f, ks);
			fputs(": ", f);
			put_value(f, v, ind, &st);
			fputs(text + last, f);
		} else {
			snprintf(ind, sizeof(ind), "%s%s", parent, st.unit);
			fwrite(text, 1, obj + 1, f);
			fprintf(f, "%s%s", st.nl, ind);
			put_scalar(f, ks);
			fputs(": ", f);
			put_value(f, v, ind, &st);
			fprintf(f, "%s%s", st.nl, parent);
			fputs(text + close, f);
		}
		json_object_put(ks);
	}
	if (fclose(f)) {
		f = NULL;
		goto cleanup;
	}
	f = NULL;
	*out = buf;
	buf = NULL;
	err = 0;
cleanup:
	if (f)
		fclose(f);
	free(buf);
	json_object_put(v);
	json_object_put(doc);
	return err;
}
