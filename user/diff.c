// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * diff.c - the diff object of two behaviour sets (schemas/diff.schema.json)
 * and the loading of its inputs: a report is read as JSON, a trace is
 * judged first through replay_trace(), the path `pkgtrace replay` takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "analyze.h"
#include "behaviour.h"
#include "diff.h"
#include "err.h"
#include "jsonstr.h"
#include "replay.h"

#define DIFF_FORMAT "pkgtrace-diff/1"
#define TRACE_MAGIC_LEN 8

int diff_format_parse(const char *s)
{
	static const char *const names[] = { [DIFF_TEXT] = "text", [DIFF_JSON] = "json",
					     [DIFF_MARKDOWN] = "markdown" };

	for (int i = 0; s && i <= DIFF_MARKDOWN; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* read_all: the whole file, NUL-terminated; *len its size.  NULL with
 * errno set. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;
	int saved;

	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		saved = errno ? errno : EIO;
		free(buf);
		fclose(f);
		errno = saved;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int load_trace(const char *path, const struct baseline *bl, struct bh_set **out)
{
	struct pipeline_opts po = { .quiet = true, .baseline = bl };
	struct replay_result res = { 0 };
	struct json_object *j = NULL;
	char msg[256];
	int ret = PT_EXIT_INTERNAL, n;

	n = replay_trace(path, &po, &res);
	if (n == -EINVAL || (!n && res.damaged)) {
		ret = PT_EXIT_BAD_INPUT; /* replay said what is wrong */
		goto cleanup;
	}
	if (n)
		goto cleanup;
	j = report_json(res.report);
	if (!j) {
		p_err("out of memory");
		goto cleanup;
	}
	if (behaviour_from_report(j, out, msg, sizeof(msg))) {
		p_err("%s: %s", path, msg);
		goto cleanup;
	}
	ret = 0;
cleanup:
	json_object_put(j);
	replay_result_free(&res);
	return ret;
}

int diff_load(const char *path, const struct baseline *bl, struct bh_set **out, bool *is_trace)
{
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;
	size_t len = 0, i = 0;
	char *text, msg[256];
	int ret = PT_EXIT_BAD_INPUT, n;

	*is_trace = false;
	text = read_all(path, &len);
	if (!text) {
		p_err("%s: %s", path, strerror(errno));
		return errno == ENOMEM ? PT_EXIT_INTERNAL : PT_EXIT_NOINPUT;
	}
	if (len >= TRACE_MAGIC_LEN && !memcmp(text, "PKGTRACE", TRACE_MAGIC_LEN)) {
		free(text);
		*is_trace = true;
		return load_trace(path, bl, out);
	}
	while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r'))
		i++;
	if (i == len || text[i] != '{' || strlen(text) != len) {
		p_err("%s: not a pkgtrace report or trace (neither a JSON object nor a PKGTRACE trace)", path);
		goto cleanup;
	}
	tok = json_tokener_new();
	if (!tok) {
		p_err("out of memory");
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	n = (int)json_tokener_get_error(tok);
	if (root && n == json_tokener_success) {
		for (i = (size_t)tok->char_offset; i < len; i++)
			if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' && text[i] != '\r')
				break;
	}
	if (!root || n != json_tokener_success || i < len) {
		p_err("%s: not valid JSON at offset %d (%s)", path, (int)tok->char_offset,
		      n == json_tokener_success ? "trailing data" :
		      n == json_tokener_continue ? "unexpected end" :
		      json_tokener_error_desc((enum json_tokener_error)n));
		goto cleanup;
	}
	n = behaviour_from_report(root, out, msg, sizeof(msg));
	if (n) {
		p_err("%s: %s", path, msg);
		ret = n == -ENOMEM ? PT_EXIT_INTERNAL : PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	ret = 0;
cleanup:
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	free(text);
	return ret;
}

bool diff_ecosystems_disjoint(const struct bh_set *old, const struct bh_set *new,
			      const char **old_eco, const char **new_eco)
{
	*old_eco = *new_eco = NULL;
	for (size_t i = 0; i < old->n; i++) {
		if (!old->pkgs[i].eco[0])
			continue;
		if (!*old_eco)
			*old_eco = old->pkgs[i].eco;
		for (size_t k = 0; k < new->n; k++)
			if (!strcmp(old->pkgs[i].eco, new->pkgs[k].eco))
				return false;
	}
	for (size_t k = 0; k < new->n && !*new_eco; k++)
		if (new->pkgs[k].eco[0])
			*new_eco = new->pkgs[k].eco;
	return *old_eco && *new_eco;
}

/* ---------- the diff object ---------- */

static int add(struct json_object *o, const char *k, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_object_add(o, k, v) ? -ENOMEM : 0;
}

/* a string from the install, or JSON null */
static int add_str(struct json_object *o, const char *k, const char *s)
{
	if (!s)
		return json_object_object_add(o, k, NULL) ? -ENOMEM : 0;
	return add(o, k, jsonstr_new_c(s));
}

static int add_sev(struct json_object *o, const char *k, int sev)
{
	if (sev < 0)
		return json_object_object_add(o, k, NULL) ? -ENOMEM : 0;
	return add(o, k, json_object_new_string(severity_name(sev)));
}

/* by_rule: a report without finding keys is on one side; findings are
 * then the same when their rules are */
static bool has_item(const struct bh_package *p, const struct bh_item *it, bool by_rule)
{
	for (size_t i = 0; p && i < p->n; i++) {
		const struct bh_item *o = &p->items[i];

		if (o->kind != it->kind)
			continue;
		if (it->kind == BH_FINDING && by_rule ? !strcmp(o->rule, it->rule) : !strcmp(o->value, it->value))
			return true;
	}
	return false;
}

static struct json_object *finding_ref(const struct bh_item *f)
{
	struct json_object *o = json_object_new_object();

	if (!o || add_str(o, "rule", f->rule) || add_sev(o, "severity", f->sev) ||
	    add_str(o, "key", f->match)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct entries {
	struct json_object *arr;
	size_t n;
	int max_sev;     /* -1: none named by a finding */
};

/* entries: what a has that b lacks (b NULL: all of a), each behaviour with
 * the findings of a that name it; a finding of a that b lacks and that
 * names none of those behaviours is an entry of its own. */
static int entries(const struct bh_package *a, const struct bh_package *b, bool by_rule,
		   struct entries *e)
{
	bool *covered = calloc(a->n ? a->n : 1, sizeof(bool));
	int err = -ENOMEM;

	e->arr = json_object_new_array();
	e->n = 0;
	e->max_sev = -1;
	if (!covered || !e->arr)
		goto cleanup;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < a->n; i++) {
			const struct bh_item *it = &a->items[i];
			struct json_object *o, *fs;
			int sev = it->kind == BH_FINDING ? it->sev : -1;

			/* behaviours first, then the findings left */
			if ((pass == 0) == (it->kind == BH_FINDING) || has_item(b, it, by_rule) ||
			    (it->kind == BH_FINDING && covered[i]))
				continue;
			o = json_object_new_object();
			if (!o || json_object_array_add(e->arr, o)) {
				json_object_put(o);
				goto cleanup;
			}
			fs = json_object_new_array();
			if (add(o, "kind", json_object_new_string(behaviour_kind_name(it->kind))) ||
			    add_str(o, "value", it->value) || add_sev(o, "severity", -1) ||
			    add(o, "findings", fs))
				goto cleanup;
			for (size_t k = 0; k < a->n; k++) {
				const struct bh_item *f = &a->items[k];
				struct json_object *ref;

				if (it->kind == BH_FINDING ? k != i : !behaviour_ties(it, f))
					continue;
				covered[k] = true;
				if (f->sev > sev)
					sev = f->sev;
				ref = finding_ref(f);
				if (!ref || json_object_array_add(fs, ref)) {
					json_object_put(ref);
					goto cleanup;
				}
			}
			/* the severity now that the findings are known (same key:
			 * replaced in place) */
			if (add_sev(o, "severity", sev))
				goto cleanup;
			e->n++;
			if (sev > e->max_sev)
				e->max_sev = sev;
		}
	}
	err = 0;
cleanup:
	free(covered);
	return err;
}

struct tally {
	size_t added, removed, version, behaviour, nnew, ngone;
	int max_new;     /* -2 nothing new, -1 new but named by no finding */
};

/* one package's entry: old or new may be NULL (added, removed) */
static int package_diff(const struct bh_package *old, const struct bh_package *new, bool by_rule,
			struct json_object *arr, struct tally *t)
{
	const struct bh_package *p = new ? new : old;
	struct entries en = { 0 }, gone = { 0 };
	struct json_object *o = NULL;
	const char *change;
	int err = -ENOMEM;

	if (entries(new ? new : old, new ? old : NULL, by_rule, new ? &en : &gone))
		goto cleanup;
	if (new && old && entries(old, new, by_rule, &gone))
		goto cleanup;
	if (!en.arr && !(en.arr = json_object_new_array()))
		goto cleanup;
	if (!gone.arr && !(gone.arr = json_object_new_array()))
		goto cleanup;
	change = !old ? "added" : !new ? "removed" : strcmp(old->versions, new->versions) ? "version" : "behaviour";
	err = 0;
	if (old && new && !strcmp(change, "behaviour") && !en.n && !gone.n)
		goto cleanup; /* the same */
	err = -ENOMEM;
	o = json_object_new_object();
	if (!o || add(o, "ecosystem", json_object_new_string(p->eco)) ||
	    add_str(o, "name", p->name[0] ? p->name : NULL) ||
	    add(o, "kind", json_object_new_string(p->project ? "project" : p->name[0] ? "dependency" : "none")) ||
	    add(o, "change", json_object_new_string(change)) ||
	    add_str(o, "old_version", old && old->versions[0] ? old->versions : NULL) ||
	    add_str(o, "new_version", new && new->versions[0] ? new->versions : NULL))
		goto cleanup;
	if (add(o, "new", en.arr))
		goto cleanup;
	en.arr = NULL;
	if (add(o, "gone", gone.arr))
		goto cleanup;
	gone.arr = NULL;
	if (json_object_array_add(arr, o))
		goto cleanup;
	o = NULL;
	t->added += !old;
	t->removed += !new;
	t->version += old && new && !strcmp(change, "version");
	t->behaviour += old && new && !strcmp(change, "behaviour");
	t->nnew += en.n;
	t->ngone += gone.n;
	if (en.n && t->max_new < en.max_sev)
		t->max_new = en.max_sev;
	if (en.n && t->max_new < -1)
		t->max_new = -1;
	err = 0;
cleanup:
	json_object_put(o);
	json_object_put(en.arr);
	json_object_put(gone.arr);
	return err;
}

struct json_object *diff_build(const struct bh_set *old, const struct bh_set *new,
			       const char *old_label, const char *new_label, int *max_new_sev)
{
	struct json_object *root = json_object_new_object(), *pk = json_object_new_array();
	struct json_object *sum = json_object_new_object();
	struct tally t = { .max_new = -2 };
	bool by_rule = old->keyless || new->keyless;

	if (!root || !pk || !sum)
		goto fail;
	for (size_t i = 0; i < new->n; i++) {
		const struct bh_package *np = &new->pkgs[i];

		if (package_diff(behaviour_find(old, np->eco, np->name, np->project), np, by_rule, pk, &t))
			goto fail;
	}
	for (size_t i = 0; i < old->n; i++) {
		const struct bh_package *op = &old->pkgs[i];

		if (!behaviour_find(new, op->eco, op->name, op->project) && package_diff(op, NULL, by_rule, pk, &t))
			goto fail;
	}
	if (add(root, "format", json_object_new_string(DIFF_FORMAT)) ||
	    add(root, "pkgtrace_version", json_object_new_string(PKGTRACE_VERSION)) ||
	    add_str(root, "old", old_label) || add_str(root, "new", new_label) ||
	    add(sum, "added", json_object_new_int64((int64_t)t.added)) ||
	    add(sum, "removed", json_object_new_int64((int64_t)t.removed)) ||
	    add(sum, "version_changed", json_object_new_int64((int64_t)t.version)) ||
	    add(sum, "behaviour_changed", json_object_new_int64((int64_t)t.behaviour)) ||
	    add(sum, "new", json_object_new_int64((int64_t)t.nnew)) ||
	    add(sum, "gone", json_object_new_int64((int64_t)t.ngone)) ||
	    add_sev(sum, "max_new_severity", t.max_new))
		goto fail;
	if (add(root, "summary", sum))
		goto fail;
	sum = NULL;
	if (add(root, "packages", pk))
		goto fail;
	*max_new_sev = t.max_new;
	return root;
fail:
	json_object_put(root);
	json_object_put(pk);
	json_object_put(sum);
	return NULL;
}
