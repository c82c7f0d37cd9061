// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * proposal.c - approvals in the package manager's own format.  See
 * proposal.h for the formats and the rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "approve/jsonedit.h"
#include "approve/proposal.h"

#define TEXT_MAX (16u << 20)
#define DIFF_CONTEXT 3

static const char *const pm_names[] = { "npm", "pnpm", "bun", "yarn" };

int pm_kind_parse(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	if (!strcmp(base, "npx"))
		return PM_NPM;
	if (!strcmp(base, "bunx"))
		return PM_BUN;
	if (!strcmp(base, "pnpx"))
		return PM_PNPM;
	for (int i = 0; i < (int)(sizeof(pm_names) / sizeof(pm_names[0])); i++)
		if (!strcmp(base, pm_names[i]))
			return i;
	return -1;
}

const char *pm_kind_name(int pm)
{
	return pm >= 0 && pm < (int)(sizeof(pm_names) / sizeof(pm_names[0])) ? pm_names[pm] : "?";
}

/* read_text: the whole file, NUL-terminated; NULL with errno set. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > TEXT_MAX + 4096) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap + 1);
			if (!nb)
				goto fail;
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	if (!buf && !(buf = malloc(1)))
		return NULL;
	buf[len] = '\0';
	if (strlen(buf) != len) { /* a NUL inside: not a text we edit */
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* spec_name: the package name of an allowScripts key ("@s/n@1.0.0" ->
 * "@s/n"), in buf. */
static const char *spec_name(const char *key, char *buf, size_t cap)
{
	const char *at = strchr(key + (key[0] == '@'), '@');
	size_t n = at ? (size_t)(at - key) : strlen(key);

	snprintf(buf, cap, "%.*s", (int)n, key);
	return buf;
}

/* denied_already: an entry of obj (an object of key -> bool) denies name. */
static bool denied_already(struct json_object *obj, const char *name)
{
	char buf[512];

	if (!obj)
		return false;
	json_object_object_foreach(obj, k, v) {
		if (json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v) &&
		    !strcmp(spec_name(k, buf, sizeof(buf)), name))
			return true;
	}
	return false;
}

static char *pin(const struct approve_pkg *p)
{
	char *s = NULL;

	if (p->version && p->version[0])
		return asprintf(&s, "%s@%s", p->name, p->version) < 0 ? NULL : s;
	return strdup(p->name);
}

static bool array_has(struct json_object *a, const char *s)
{
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(a, i));

		if (e && !strcmp(e, s))
			return true;
	}
	return false;
}

/* npm_allow: package.json allowScripts. */
static int npm_allow(struct json_object *doc, const struct approve_list *l, struct proposal *p, char **out)
{
	static const char *const path[] = { "allowScripts" };
	struct json_object *old = NULL, *allow;
	int err;

	if (json_object_object_get_ex(doc, "allowScripts", &old) && !json_object_is_type(old, json_type_object))
		return -EINVAL;
	allow = json_object_new_object();
	if (!allow)
		return -ENOMEM;
	if (old) {
		json_object_object_foreach(old, k, v)
			json_object_object_add(allow, k, json_object_get(v));
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct approve_pkg *a = &l->pkg[i];
		char *key;

		if (a->eco && strcmp(a->eco, "npm"))
			continue;
		if (a->verdict == AV_APPROVE) {
			if (denied_already(allow, a->name)) {
				p->kept_denied++;
				continue;
			}
			key = pin(a);
			if (!key)
				goto nomem;
			if (!json_object_object_get_ex(allow, key, NULL)) {
				json_object_object_add(allow, key, json_object_new_boolean(1));
				p->approved++;
			}
			free(key);
		} else if (a->verdict == AV_DENY && !denied_already(allow, a->name)) {
			json_object_object_add(allow, a->name, json_object_new_boolean(0));
			p->denied++;
		}
	}
	err = p->approved || p->denied ? jsonedit_set(p->old_text, path, 1, allow, out) : 0;
	json_object_put(allow);
	return err;
nomem:
	json_object_put(allow);
	return -ENOMEM;
}

/* json_list: an array of names (or pins) at path, approvals appended. */
static int json_list(struct json_object *doc, const char *const *path, size_t depth, bool pinned,
		     const struct approve_list *l, struct proposal *p, char **out)
{
	struct json_object *cur = doc, *list;
	int err;

	for (size_t i = 0; cur && i < depth; i++) {
		if (!json_object_is_type(cur, json_type_object))
			return -EINVAL;
		if (!json_object_object_get_ex(cur, path[i], &cur))
			cur = NULL;
	}
	if (cur && !json_object_is_type(cur, json_type_array))
		return -EINVAL;
	list = json_object_new_array();
	if (!list)
		return -ENOMEM;
	for (size_t i = 0; cur && i < json_object_array_length(cur); i++)
		json_object_array_add(list, json_object_get(json_object_array_get_idx(cur, i)));
	for (size_t i = 0; i < l->n; i++) {
		const struct approve_pkg *a = &l->pkg[i];
		char *entry;

		if (a->verdict != AV_APPROVE || (a->eco && strcmp(a->eco, "npm")))
			continue;
		entry = pinned ? pin(a) : strdup(a->name);
		if (!entry) {
			json_object_put(list);
			return -ENOMEM;
		}
		if (!array_has(list, entry) && !array_has(list, a->name)) {
			json_object_array_add(list, json_object_new_string(entry));
			p->approved++;
		}
		free(entry);
	}
	err = p->approved ? jsonedit_set(p->old_text, path, depth, list, out) : 0;
	json_object_put(list);
	return err;
}

/* yarn_meta: dependenciesMeta.<pin>.built, one edit per package. */
static int yarn_meta(struct json_object *doc, const struct approve_list *l, struct proposal *p, char **out)
{
	struct json_object *meta = NULL, *v;
	char *text = strdup(p->old_text);
	int err = 0;

	if (!text)
		return -ENOMEM;
	if (json_object_object_get_ex(doc, "dependenciesMeta", &meta) && !json_object_is_type(meta, json_type_object)) {
		free(text);
		return -EINVAL;
	}
	for (size_t i = 0; !err && i < l->n; i++) {
		const struct approve_pkg *a = &l->pkg[i];
		char *key = a->verdict == AV_DENY ? strdup(a->name) : pin(a);
		const char *path[] = { "dependenciesMeta", key, "built" };
		struct json_object *entry, *b;
		char *next = NULL;

		if (!key) {
			err = -ENOMEM;
			break;
		}
		if (a->verdict == AV_REVIEW || (a->eco && strcmp(a->eco, "npm")) ||
		    (meta && json_object_object_get_ex(meta, key, &entry) && json_object_is_type(entry, json_type_object) &&
		     json_object_object_get_ex(entry, "built", &b))) {
			if (a->verdict == AV_APPROVE && meta && json_object_object_get_ex(meta, a->name, &entry) &&
			    json_object_object_get_ex(entry, "built", &b) && !json_object_get_boolean(b))
				p->kept_denied++;
			free(key);
			continue; /* undecided, or the user decided already */
		}
		if (a->verdict == AV_APPROVE && meta && json_object_object_get_ex(meta, a->name, &entry) &&
		    json_object_is_type(entry, json_type_object) && json_object_object_get_ex(entry, "built", &b) &&
		    !json_object_get_boolean(b)) {
			p->kept_denied++;
			free(key);
			continue;
		}
		v = json_object_new_boolean(a->verdict == AV_APPROVE);
		err = v ? jsonedit_set(text, path, 3, v, &next) : -ENOMEM;
		json_object_put(v);
		free(key);
		if (!err) {
			free(text);
			text = next;
			if (a->verdict == AV_APPROVE)
				p->approved++;
			else
				p->denied++;
		}
	}
	if (err || !(p->approved || p->denied)) {
		free(text);
		return err;
	}
	*out = text;
	return 0;
}

/* yaml_item: the entry of a "  - entry" line, unquoted, in buf. */
static const char *yaml_item(const char *line, size_t n, char *buf, size_t cap)
{
	size_t i = strspn(line, " \t") + 1; /* past "-" */

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (n > i && (line[n - 1] == ' ' || line[n - 1] == '\r' || line[n - 1] == '\t'))
		n--;
	if (n > i + 1 && (line[i] == '"' || line[i] == '\'') && line[n - 1] == line[i]) {
		i++;
		n--;
	}
	snprintf(buf, cap, "%.*s", (int)(n - i), line + i);
	return buf;
}

/* pnpm_yaml: onlyBuiltDependencies of pnpm-workspace.yaml, a block list
 * appended to (or made at the end). */
static int pnpm_yaml(const struct approve_list *l, struct proposal *p, char **out)
{
	const char *t = p->old_text, *key = NULL, *line, *insert;
	char *buf = NULL, indent[32] = "  ", item[1024];
	size_t len = 0;
	FILE *f;
	const char *nl = strstr(t, "\r\n") ? "\r\n" : "\n";

	for (line = t; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		if (!strncmp(line, "onlyBuiltDependencies:", 22)) {
			key = line;
			break;
		}
	}
	insert = t + strlen(t);
	if (key) {
		const char *rest = key + 22;

		rest += strspn(rest, " \t");
		if (*rest && *rest != '\n' && *rest != '\r' && *rest != '#')
			return -EINVAL; /* flow style: edited by hand */
		insert = strchr(key, '\n') ? strchr(key, '\n') + 1 : key + strlen(key);
		for (line = insert; *line; ) {
			size_t n = strcspn(line, "\n"), ind = strspn(line, " \t");

			if (ind && line[ind] == '-') {
				snprintf(indent, sizeof(indent), "%.*s", (int)(ind < 31 ? ind : 31), line);
				insert = line + n + (line[n] == '\n');
			} else if (line[ind] && line[ind] != '\r' && line[ind] != '#' && !ind) {
				break; /* the next top-level key */
			}
			line += n + (line[n] == '\n');
		}
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fwrite(t, 1, (size_t)(insert - t), f);
	if (!key) {
		if (insert > t && insert[-1] != '\n')
			fputs(nl, f);
		fprintf(f, "onlyBuiltDependencies:%s", nl);
	} else if (insert > t && insert[-1] != '\n') {
		fputs(nl, f);
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct approve_pkg *a = &l->pkg[i];
		char *entry;
		bool dup = false;

		if (a->verdict != AV_APPROVE || (a->eco && strcmp(a->eco, "npm")))
			continue;
		entry = pin(a);
		if (!entry)
			continue;
		if (key) {
			for (line = key; *line && line < insert; line += strcspn(line, "\n") + 1) {
				size_t n = strcspn(line, "\n"), ind = strspn(line, " \t");

				if (ind && line[ind] == '-') {
					yaml_item(line, n, item, sizeof(item));
					dup |= !strcmp(item, entry) || !strcmp(item, a->name);
				}
				if (!line[n])
					break;
			}
		}
		if (!dup) {
			fprintf(f, "%s- \"%s\"%s", indent, entry, nl);
			p->approved++;
		}
		free(entry);
	}
	fputs(insert, f);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	if (!p->approved) {
		free(buf);
		return 0;
	}
	*out = buf;
	return 0;
}

int proposal_make(int pm, const char *project, const struct approve_list *l, struct proposal *out)
{
	static const char *const pnpm_path[] = { "pnpm", "onlyBuiltDependencies" };
	static const char *const bun_path[] = { "trustedDependencies" };
	struct json_object *doc = NULL;
	char path[4096], *next = NULL;
	int err;

	*out = (struct proposal){ .file = "package.json" };
	if (pm == PM_PNPM) {
		snprintf(path, sizeof(path), "%s/pnpm-workspace.yaml", project);
		if (!access(path, F_OK))
			out->file = "pnpm-workspace.yaml";
	}
	snprintf(path, sizeof(path), "%s/%s", project, out->file);
	out->old_text = read_text(path);
	if (!out->old_text)
		return errno == ENOENT ? -ENOENT : errno == EINVAL ? -EINVAL : -errno;
	if (!strcmp(out->file, "pnpm-workspace.yaml")) {
		err = pnpm_yaml(l, out, &next);
		goto done;
	}
	doc = json_tokener_parse(out->old_text);
	if (!doc || !json_object_is_type(doc, json_type_object)) {
		err = -EINVAL;
		goto done;
	}
	switch (pm) {
	case PM_NPM: err = npm_allow(doc, l, out, &next); break;
	case PM_PNPM: err = json_list(doc, pnpm_path, 2, true, l, out, &next); break;
	case PM_BUN: err = json_list(doc, bun_path, 1, false, l, out, &next); break;
	default: err = yarn_meta(doc, l, out, &next); break;
	}
done:
	json_object_put(doc);
	if (!err && !next)
		next = strdup(out->old_text);
	if (!err && !next)
		err = -ENOMEM;
	out->new_text = next;
	return err;
}

void proposal_free(struct proposal *p)
{
	free(p->old_text);
	free(p->new_text);
	*p = (struct proposal){ 0 };
}

bool proposal_changed(const struct proposal *p)
{
	return p->old_text && p->new_text && strcmp(p->old_text, p->new_text);
}

/* lines: pointers to the starts of text's lines (a last line without a
 * newline counts); *n their number. */
static const char **lines(const char *text, size_t *n)
{
	size_t cap = 16, k = 0;
	const char **v = malloc(cap * sizeof(*v));

	for (const char *s = text; v && *s; ) {
		if (k + 1 >= cap) {
			const char **nv = realloc(v, (cap *= 2) * sizeof(*v));

			if (!nv) {
				free(v);
				return NULL;
			}
			v = nv;
		}
		v[k++] = s;
		s += strcspn(s, "\n");
		if (*s)
			s++;
	}
	if (v)
		v[k] = text + strlen(text);
	*n = k;
	return v;
}

static size_t line_len(const char *const *v, size_t i)
{
	return (size_t)(v[i + 1] - v[i]);
}

static bool line_eq(const char *const *a, size_t i, const char *const *b, size_t j)
{
	return line_len(a, i) == line_len(b, j) && !memcmp(a[i], b[j], line_len(a, i));
}

static void put_line(FILE *f, char mark, const char *const *v, size_t i)
{
	size_t n = line_len(v, i);

	fputc(mark, f);
	fwrite(v[i], 1, n, f);
	if (!n || v[i][n - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", f);
}

void proposal_print_diff(FILE *f, const struct proposal *p)
{
	size_t na, nb, pre = 0, suf = 0, from, to_a, to_b;
	const char **a = lines(p->old_text, &na), **b = lines(p->new_text, &nb);

	if (!a || !b || !proposal_changed(p))
		goto cleanup;
	while (pre < na && pre < nb && line_eq(a, pre, b, pre))
		pre++;
	while (suf < na - pre && suf < nb - pre && line_eq(a, na - 1 - suf, b, nb - 1 - suf))
		suf++;
	from = pre > DIFF_CONTEXT ? pre - DIFF_CONTEXT : 0;
	to_a = na - suf + (suf > DIFF_CONTEXT ? DIFF_CONTEXT : suf);
	to_b = nb - suf + (suf > DIFF_CONTEXT ? DIFF_CONTEXT : suf);
	fprintf(f, "--- a/%s\n+++ b/%s\n@@ -%zu,%zu +%zu,%zu @@\n", p->file, p->file,
		from + 1, to_a - from, from + 1, to_b - from);
	for (size_t i = from; i < pre; i++)
		put_line(f, ' ', a, i);
	for (size_t i = pre; i < na - suf; i++)
		put_line(f, '-', a, i);
	for (size_t i = pre; i < nb - suf; i++)
		put_line(f, '+', b, i);
	for (size_t i = na - suf; i < to_a; i++)
		put_line(f, ' ', a, i);
cleanup:
	free(a);
	free(b);
}

int proposal_write(const char *project, const struct proposal *p)
{
	char path[4096], tmp[4200];
	struct stat st;
	size_t len = strlen(p->new_text);
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", project, p->file);
	if (stat(path, &st))
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s/.%s.pkgtrace-XXXXXX", project, p->file);
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, p->new_text + off, len - off);

		if (w < 0) {
			err = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (!err && (fchmod(fd, st.st_mode & 07777) || fsync(fd)))
		err = -errno;
	if (!err && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid))
		err = -errno; /* the project's owner keeps its file */
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
