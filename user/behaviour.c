// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * behaviour.c - a JSON report's packages as normalised behaviour sets
 * (behaviour.h).  Strings come out of the report through jsonstr_decode,
 * so they are the traced bytes again, whatever the report escaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyze.h"
#include "behaviour.h"
#include "jsonstr.h"

static const char *const kind_names[BH_NKINDS] = {
	[BH_PROCESS] = "process", [BH_WRITE] = "file-written", [BH_CREDENTIAL] = "credential",
	[BH_ENDPOINT] = "endpoint", [BH_DNS] = "dns", [BH_LISTEN] = "listen",
	[BH_LINGERING] = "lingering", [BH_FINDING] = "finding",
};

const char *behaviour_kind_name(int kind)
{
	return kind >= 0 && kind < BH_NKINDS ? kind_names[kind] : "?";
}

/* ---------- normalisation ---------- */

static bool comp_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == '~';
}

struct buf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static char *buf_take(struct buf *b)
{
	if (b->oom || !b->s) {
		free(b->s);
		return b->oom ? NULL : strdup("");
	}
	return b->s;
}

/* the length of root without a trailing '/'; 0 for no usable root ("/"
 * would make every path relative to it) */
static size_t root_len(const char *root)
{
	size_t n = root ? strlen(root) : 0;

	while (n > 0 && root[n - 1] == '/')
		n--;
	return root && root[0] == '/' ? n : 0;
}

static bool rand_chars(const char *w, size_t n, bool upper, bool underscore)
{
	for (size_t i = 0; i < n; i++) {
		char c = w[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (upper && c >= 'A' && c <= 'Z') || (underscore && c == '_')))
			return false;
	}
	return true;
}

/* temp_file_name: Python's tempfile names ("tmp" and 8 of [a-z0-9_]) and,
 * directly in a temp dir (in_tmp), gcc's ("cc" and 6 of [A-Za-z0-9]),
 * either with an extension.  Returns the length of the prefix before the
 * random part (which is *rand long), 0 when w is neither. */
static size_t temp_file_name(const char *w, size_t n, bool in_tmp, size_t *rand)
{
	if (n >= 11 && !strncmp(w, "tmp", 3) && (n == 11 || w[11] == '.') &&
	    rand_chars(w + 3, 8, false, true)) {
		*rand = 8;
		return 3;
	}
	if (in_tmp && n >= 8 && !strncmp(w, "cc", 2) && (n == 8 || w[8] == '.') &&
	    rand_chars(w + 2, 6, true, false)) {
		*rand = 6;
		return 2;
	}
	return 0;
}

static bool ends_with(const struct buf *b, const char *s)
{
	size_t n = strlen(s);

	return b->n >= n && !memcmp(b->s + b->n - n, s, n);
}

/* A component's random suffix after its last '.' or '-' (mkdtemp's XXXXXX,
 * pip's pip-req-build-XXXXXXXX): 6 to 16 of [A-Za-z0-9_], with a digit and
 * a letter or both cases, or any 8 of [a-z0-9_] after "pip-".  Returns the
 * suffix's offset in w, or 0 when there is none. */
static size_t random_suffix(const char *w, size_t n)
{
	size_t p = n, len;
	bool digit = false, lower = false, upper = false;

	while (p > 0 && w[p - 1] != '.' && w[p - 1] != '-')
		p--;
	if (p < 2)
		return 0;
	len = n - p;
	if (len < 6 || len > 16)
		return 0;
	for (size_t i = p; i < n; i++) {
		char c = w[i];

		if (c >= '0' && c <= '9')
			digit = true;
		else if (c >= 'a' && c <= 'z')
			lower = true;
		else if (c >= 'A' && c <= 'Z')
			upper = true;
		else if (c != '_')
			return 0;
	}
	if ((digit && (lower || upper)) || (lower && upper))
		return p;
	if (len == 8 && !upper && !strncmp(w, "pip-", 4))
		return p;
	return 0;
}

static bool all_digits(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return false;
	return n > 0;
}

/* the words of s (runs of comp_char) with temp names and /proc pids as "*" */
static char *normalise_names(const char *s)
{
	struct buf b = { 0 };

	for (size_t i = 0; s[i];) {
		size_t n = 0, p, r;

		while (s[i + n] && comp_char(s[i + n]))
			n++;
		if (!n) {
			buf_put(&b, s + i, 1);
			i++;
			continue;
		}
		if ((p = temp_file_name(s + i, n, ends_with(&b, "<tmp>/") || ends_with(&b, "/tmp/"), &r))) {
			buf_put(&b, s + i, p);
			buf_puts(&b, "*");
			buf_put(&b, s + i + p + r, n - p - r);
		} else if (all_digits(s + i, n) && ends_with(&b, "/proc/"))
			buf_puts(&b, "*");
		else if ((p = random_suffix(s + i, n))) {
			buf_put(&b, s + i, p);
			buf_puts(&b, "*");
		} else {
			buf_put(&b, s + i, n);
		}
		i += n;
	}
	return buf_take(&b);
}

char *behaviour_normalise(const struct bh_roots *roots, const char *s)
{
	/* by priority: on equal lengths the first wins (a project in $HOME) */
	const char *rs[4] = { roots->pkg, roots->project, roots->home, roots->tmp };
	static const char *const names[4] = { "<pkg>", "<project>", "~", "<tmp>" };
	size_t lens[4];
	struct buf b = { 0 };
	char *out;

	for (int r = 0; r < 4; r++)
		lens[r] = root_len(rs[r]);
	for (size_t i = 0; s[i];) {
		int best = -1;

		/* a root matches at the start of a path only, and only whole
		 * components of it */
		if (s[i] == '/' && (i == 0 || !comp_char(s[i - 1]))) {
			for (int r = 0; r < 4; r++) {
				size_t l = lens[r];

				if (!l || strncmp(s + i, rs[r], l) || (s[i + l] && comp_char(s[i + l])))
					continue;
				if (best < 0 || l > lens[best])
					best = r;
			}
		}
		if (best >= 0) {
			buf_puts(&b, names[best]);
			i += lens[best];
		} else {
			buf_put(&b, s + i, 1);
			i++;
		}
	}
	if (b.oom || !b.s) {
		free(b.s);
		return b.oom ? NULL : strdup("");
	}
	out = normalise_names(b.s);
	free(b.s);
	return out;
}

char *behaviour_listen_port(const char *ep)
{
	const char *colon = strrchr(ep, ':'), *slash = strrchr(ep, '/');
	char *end = NULL, *out;
	unsigned long port;

	if (!colon || !slash || slash < colon)
		return strdup(ep);
	port = strtoul(colon + 1, &end, 10);
	if (end != slash || port < 32768 || port > 65535)
		return strdup(ep);
	if (asprintf(&out, "%.*s*%s", (int)(colon + 1 - ep), ep, slash) < 0)
		return NULL;
	return out;
}

/* ---------- reading the report ---------- */

/* str_decode: a JSON string as the traced bytes (malloc'd), or NULL when
 * v is absent, null or not a string. */
static char *str_decode(const struct json_object *v)
{
	if (!v || !json_object_is_type(v, json_type_string))
		return NULL;
	return jsonstr_decode_dup(json_object_get_string((struct json_object *)v),
				  (size_t)json_object_get_string_len(v), NULL);
}

/* str_of: str_decode of obj[key] */
static char *str_of(const struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return str_decode(v);
}

static struct json_object *arr_of(const struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

/* One packages[] entry while the sets are built. */
struct raw_pkg {
	char *eco, *name, *version, *path;
	bool project;
	struct bh_item *items;
	size_t n, cap;
};

struct loader {
	struct raw_pkg *raw;
	size_t n, cap;
	struct bh_roots roots;   /* pkg set per package */
	bool oom;
};

static void item_clear(struct bh_item *it)
{
	free(it->value);
	free(it->match);
	free(it->rule);
	free(it->evidence);
	memset(it, 0, sizeof(*it));
}

/* item_add: takes value and match (match NULL: a copy of value). */
static struct bh_item *item_add(struct loader *l, struct raw_pkg *p, int kind, char *value, char *match)
{
	struct bh_item *it;

	if (!value || (!match && !(match = strdup(value)))) {
		free(value);
		free(match);
		l->oom = true;
		return NULL;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct bh_item *ni = realloc(p->items, cap * sizeof(*ni));

		if (!ni) {
			free(value);
			free(match);
			l->oom = true;
			return NULL;
		}
		p->items = ni;
		p->cap = cap;
	}
	it = &p->items[p->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->value = value;
	it->match = match;
	it->sev = -1;
	return it;
}

static char *norm(struct loader *l, const char *s)
{
	char *out = behaviour_normalise(&l->roots, s ? s : "");

	if (!out)
		l->oom = true;
	return out;
}

/* the profile list key of a package as items of kind */
static void load_list(struct loader *l, struct raw_pkg *p, const struct json_object *pkg,
		      const char *key, int kind)
{
	struct json_object *arr = arr_of(pkg, key);

	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		char *s = str_decode(json_object_array_get_idx(arr, i)), *v, *cut;

		if (!s)
			continue;
		if (kind == BH_CREDENTIAL) {
			/* "category path": the category alone */
			cut = strchr(s, ' ');
			if (cut)
				*cut = '\0';
		} else if (kind == BH_DNS) {
			/* "name via resolver": the resolver is the machine's */
			cut = strstr(s, " via ");
			if (cut)
				*cut = '\0';
		}
		v = norm(l, s);
		free(s);
		if (!v)
			return;
		if (kind == BH_WRITE && !strncmp(v, "<pkg>", 5) && (!v[5] || v[5] == '/')) {
			free(v); /* its own folder */
			continue;
		}
		if (kind == BH_LISTEN)
			item_add(l, p, kind, behaviour_listen_port(v), v);
		else
			item_add(l, p, kind, v, NULL);
	}
}

static int load_package(struct loader *l, const struct json_object *pkg)
{
	static const struct { const char *key; int kind; } lists[] = {
		{ "processes", BH_PROCESS }, { "files_written", BH_WRITE },
		{ "files_read", BH_CREDENTIAL }, { "network", BH_ENDPOINT }, { "dns", BH_DNS },
		{ "listen", BH_LISTEN }, { "lingering", BH_LINGERING },
	};
	struct raw_pkg *p;
	char *kind;

	if (!json_object_is_type(pkg, json_type_object))
		return -EINVAL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct raw_pkg *nr = realloc(l->raw, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		l->raw = nr;
		l->cap = cap;
	}
	p = &l->raw[l->n++];
	memset(p, 0, sizeof(*p));
	p->eco = str_of(pkg, "ecosystem");
	p->name = str_of(pkg, "name");
	p->version = str_of(pkg, "version");
	p->path = str_of(pkg, "path");
	kind = str_of(pkg, "kind");
	p->project = kind && !strcmp(kind, "project");
	free(kind);
	/* the project's folder is <project>, a dependency's <pkg> */
	l->roots.pkg = p->project ? NULL : p->path;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		load_list(l, p, pkg, lists[i].key, lists[i].kind);
	return l->oom ? -ENOMEM : 0;
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* the raw package a finding names, made (with no path) when packages[]
 * lacks it; the findings of no package go to one with an empty name */
static struct raw_pkg *finding_owner(struct loader *l, const char *eco, const char *name,
				     const char *version)
{
	struct raw_pkg *p;

	for (size_t i = 0; i < l->n; i++)
		if (same(l->raw[i].eco, eco) && same(l->raw[i].name, name) &&
		    same(l->raw[i].version, version))
			return &l->raw[i];
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct raw_pkg *nr = realloc(l->raw, cap * sizeof(*nr));

		if (!nr)
			return NULL;
		l->raw = nr;
		l->cap = cap;
	}
	p = &l->raw[l->n++];
	memset(p, 0, sizeof(*p));
	p->eco = eco ? strdup(eco) : NULL;
	p->name = name ? strdup(name) : NULL;
	p->version = version ? strdup(version) : NULL;
	if ((eco && !p->eco) || (name && !p->name) || (version && !p->version))
		return NULL;
	return p;
}

/* the evidence values of a finding, normalised, NUL-separated */
static int load_evidence(struct loader *l, struct bh_item *it, const struct json_object *f)
{
	static const char *const keys[] = { "path", "endpoint", "dns" };
	struct json_object *evs = arr_of(f, "evidence");
	struct buf b = { 0 };

	for (size_t i = 0; evs && i < json_object_array_length(evs); i++) {
		struct json_object *e = json_object_array_get_idx(evs, i), *argv;
		struct buf joined = { 0 };

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			char *s = str_of(e, keys[k]), *v;

			if (!s)
				continue;
			v = norm(l, s);
			free(s);
			if (v)
				buf_put(&b, v, strlen(v) + 1);
			free(v);
		}
		argv = arr_of(e, "argv");
		for (size_t a = 0; argv && a < json_object_array_length(argv); a++) {
			char *s = str_decode(json_object_array_get_idx(argv, a));

			if (a)
				buf_puts(&joined, " ");
			buf_puts(&joined, s ? s : "");
			free(s);
		}
		if (joined.s) {
			char *v = norm(l, joined.s);

			if (v)
				buf_put(&b, v, strlen(v) + 1);
			free(v);
		}
		free(joined.s);
		if (joined.oom)
			b.oom = true;
	}
	if (b.oom) {
		free(b.s);
		return -ENOMEM;
	}
	it->evidence = b.s;
	it->evidence_len = b.n;
	return 0;
}

/* a report without finding keys (before pkgtrace 0.1.0's diff): the
 * first evidence's endpoint, DNS name or path stands for it */
static char *fallback_key(const struct json_object *f)
{
	static const char *const keys[] = { "endpoint", "dns", "path" };
	struct json_object *evs = arr_of(f, "evidence");
	struct json_object *e = evs && json_object_array_length(evs) ? json_object_array_get_idx(evs, 0) : NULL;

	for (size_t k = 0; e && k < sizeof(keys) / sizeof(keys[0]); k++) {
		char *s = str_of(e, keys[k]);

		if (s)
			return s;
	}
	return strdup("");
}

static int load_finding(struct loader *l, const struct json_object *f, bool *keyless)
{
	char *eco, *name, *version, *rule, *sev, *key, *k, *value = NULL;
	struct raw_pkg *p;
	struct bh_item *it;
	int err = -ENOMEM;

	if (!json_object_is_type(f, json_type_object))
		return -EINVAL;
	eco = str_of(f, "ecosystem");
	name = str_of(f, "package");
	version = str_of(f, "version");
	rule = str_of(f, "rule");
	sev = str_of(f, "severity");
	key = str_of(f, "key");
	if (!key) {
		*keyless = true;
		key = fallback_key(f);
	}
	if (!rule || !key) {
		err = rule ? -ENOMEM : -EINVAL;
		goto cleanup;
	}
	p = finding_owner(l, eco, name, version);
	if (!p)
		goto cleanup;
	l->roots.pkg = p->project ? NULL : p->path;
	k = norm(l, key);
	if (!k || asprintf(&value, "%s%s%s", rule, k[0] ? " " : "", k) < 0) {
		free(k);
		goto cleanup;
	}
	it = item_add(l, p, BH_FINDING, value, k);
	if (!it)
		goto cleanup;
	it->rule = rule;
	rule = NULL;
	it->sev = severity_parse(sev);
	err = load_evidence(l, it, f);
cleanup:
	free(eco);
	free(name);
	free(version);
	free(rule);
	free(sev);
	free(key);
	return err;
}

static int item_cmp(const void *a, const void *b)
{
	const struct bh_item *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->value, y->value);
}

static int pkg_cmp(const void *a, const void *b)
{
	const struct bh_package *x = a, *y = b;
	int c = strcmp(x->eco, y->eco);

	if (c)
		return c;
	if (x->project != y->project)
		return x->project ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* merge: b's item joins a (same kind and value): the higher severity, the
 * evidence of both */
static int item_merge(struct bh_item *a, struct bh_item *b)
{
	if (b->sev > a->sev)
		a->sev = b->sev;
	if (b->evidence_len) {
		char *ne = realloc(a->evidence, a->evidence_len + b->evidence_len);

		if (!ne)
			return -ENOMEM;
		memcpy(ne + a->evidence_len, b->evidence, b->evidence_len);
		a->evidence = ne;
		a->evidence_len += b->evidence_len;
	}
	item_clear(b);
	return 0;
}

/* items_distinct: p's items sorted, equal neighbours merged */
static int items_distinct(struct bh_package *p)
{
	size_t w = 0;

	if (!p->n)
		return 0;
	qsort(p->items, p->n, sizeof(*p->items), item_cmp);
	for (size_t t = 0; t < p->n; t++) {
		if (w && !item_cmp(&p->items[w - 1], &p->items[t])) {
			if (item_merge(&p->items[w - 1], &p->items[t]))
				return -ENOMEM;
			continue;
		}
		p->items[w++] = p->items[t];
	}
	p->n = w;
	return 0;
}

static int version_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* group: the raw packages of one (eco, project, name) as one package */
static int group(struct loader *l, struct bh_set *s)
{
	s->pkgs = calloc(l->n ? l->n : 1, sizeof(*s->pkgs));
	if (!s->pkgs)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		struct raw_pkg *r = &l->raw[i];
		struct bh_package *p = NULL;
		char *versions[64];
		size_t nv = 0;
		struct buf vb = { 0 };

		for (size_t k = 0; k < s->n; k++)
			if (same(s->pkgs[k].eco, r->eco) && same(s->pkgs[k].name, r->name) &&
			    s->pkgs[k].project == r->project)
				p = &s->pkgs[k];
		if (p)
			continue; /* merged with the first of its name below */
		p = &s->pkgs[s->n++];
		p->eco = strdup(r->eco ? r->eco : "");
		p->name = strdup(r->name ? r->name : "");
		p->project = r->project;
		if (!p->eco || !p->name)
			return -ENOMEM;
		for (size_t j = i; j < l->n; j++) {
			struct raw_pkg *o = &l->raw[j];

			if (!same(o->eco, r->eco) || !same(o->name, r->name) || o->project != r->project)
				continue;
			if (o->version && nv < sizeof(versions) / sizeof(versions[0]))
				versions[nv++] = o->version;
			for (size_t t = 0; t < o->n; t++) {
				if (p->n % 16 == 0) {
					struct bh_item *ni = realloc(p->items, (p->n + 16) * sizeof(*ni));

					if (!ni)
						return -ENOMEM;
					p->items = ni;
				}
				p->items[p->n++] = o->items[t];
			}
			free(o->items);
			o->items = NULL;
			o->n = 0;
		}
		qsort(versions, nv, sizeof(versions[0]), version_cmp);
		for (size_t v = 0; v < nv; v++) {
			if (v && !strcmp(versions[v], versions[v - 1]))
				continue;
			if (vb.n)
				buf_puts(&vb, ", ");
			buf_puts(&vb, versions[v]);
		}
		p->versions = buf_take(&vb);
		if (!p->versions)
			return -ENOMEM;
		if (items_distinct(p))
			return -ENOMEM;
	}
	qsort(s->pkgs, s->n, sizeof(*s->pkgs), pkg_cmp);
	return 0;
}

static void loader_clear(struct loader *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct raw_pkg *r = &l->raw[i];

		for (size_t t = 0; t < r->n; t++)
			item_clear(&r->items[t]);
		free(r->items);
		free(r->eco);
		free(r->name);
		free(r->version);
		free(r->path);
	}
	free(l->raw);
}

int behaviour_from_report(const struct json_object *report, struct bh_set **out, char *err,
			  size_t errlen)
{
	struct loader l = { 0 };
	struct json_object *cmd = NULL, *pkgs, *fs;
	struct bh_set *s = NULL;
	char *format = NULL, *cwd = NULL, *home = NULL, *tmp = NULL;
	bool keyless = false;
	int ret = -EINVAL;

	if (!report || !json_object_is_type(report, json_type_object) ||
	    !(format = str_of(report, "format")) || strncmp(format, "pkgtrace-report/", 16)) {
		snprintf(err, errlen, "not a pkgtrace report (no \"format\": \"pkgtrace-report/...\")");
		goto cleanup;
	}
	pkgs = arr_of(report, "packages");
	fs = arr_of(report, "findings");
	if (!pkgs || !fs) {
		snprintf(err, errlen, "a pkgtrace report without its packages or findings");
		goto cleanup;
	}
	if (json_object_object_get_ex(report, "command", &cmd)) {
		cwd = str_of(cmd, "cwd");
		home = str_of(cmd, "home");
		tmp = str_of(cmd, "tmpdir");
	}
	l.roots.project = cwd;
	l.roots.home = home;
	l.roots.tmp = tmp;
	for (size_t i = 0; i < json_object_array_length(pkgs); i++) {
		ret = load_package(&l, json_object_array_get_idx(pkgs, i));
		if (ret == -EINVAL)
			snprintf(err, errlen, "packages[%zu] is not an object", i);
		if (ret)
			goto cleanup;
	}
	for (size_t i = 0; i < json_object_array_length(fs); i++) {
		ret = load_finding(&l, json_object_array_get_idx(fs, i), &keyless);
		if (ret == -EINVAL)
			snprintf(err, errlen, "findings[%zu] is not a finding object with a rule", i);
		if (ret)
			goto cleanup;
	}
	ret = -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s || group(&l, s))
		goto cleanup;
	s->keyless = keyless;
	*out = s;
	s = NULL;
	ret = 0;
cleanup:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	behaviour_free(s);
	loader_clear(&l);
	free(format);
	free(cwd);
	free(home);
	free(tmp);
	return ret;
}

void behaviour_free(struct bh_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct bh_package *p = &s->pkgs[i];

		for (size_t t = 0; t < p->n; t++)
			item_clear(&p->items[t]);
		free(p->items);
		free(p->eco);
		free(p->name);
		free(p->versions);
	}
	free(s->pkgs);
	free(s);
}

const struct bh_package *behaviour_find(const struct bh_set *s, const char *eco, const char *name,
					bool project)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (!strcmp(s->pkgs[i].eco, eco) && !strcmp(s->pkgs[i].name, name) &&
		    s->pkgs[i].project == project)
			return &s->pkgs[i];
	return NULL;
}

bool behaviour_ties(const struct bh_item *b, const struct bh_item *f)
{
	if (f->kind != BH_FINDING || b->kind == BH_FINDING)
		return false;
	if (f->match[0] && !strcmp(f->match, b->match))
		return true;
	for (size_t off = 0; off < f->evidence_len;) {
		const char *e = f->evidence + off;

		if (!strcmp(e, b->match))
			return true;
		off += strlen(e) + 1;
	}
	return false;
}
