// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * where.c - what a file really is, for the rules: a credential by its
 * device and inode (whatever name it is opened by), the real location of
 * a path a path call took as given, who holds a FIFO.  The answers come
 * from the collector (user/resolve.h) through facts, so a replay judges
 * with the same ones.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"
#include "pathclass.h"
#include "pathfold.h"
#include "resolve.h"

static int credid_cmp(const void *a, const void *b)
{
	const struct credid *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The category of a line, as one of pathclass's own static strings (the
 * text comes from a trace: nothing in it is trusted). */
static const char *known_cat(struct analyzer *an, const char *cat, const char *path)
{
	const char *c = pathclass_credential(path, an->home, 0);

	return c && !strcmp(c, cat) ? c : NULL;
}

/* Parses "DEV INO CATEGORY PATH\n" lines; bad lines are skipped. */
static void credids_parse(struct analyzer *an, const char *text)
{
	size_t cap = 0;

	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char line[4400], cat[64];
		unsigned int dev;
		unsigned long long ino;
		int off = 0;

		if (n < sizeof(line)) {
			memcpy(line, l, n);
			line[n] = '\0';
			if (sscanf(line, "%u %llu %63s %n", &dev, &ino, cat, &off) == 3 && off &&
			    line[off] == '/') {
				const char *c = known_cat(an, cat, line + off);

				if (c && an->ncredids == cap) {
					struct credid *nv = realloc(an->credids, (cap ? cap * 2 : 16) * sizeof(*nv));

					if (!nv) {
						an->oom = true;
						return;
					}
					an->credids = nv;
					cap = cap ? cap * 2 : 16;
				}
				if (c) {
					struct credid *ci = &an->credids[an->ncredids];

					ci->dev = dev;
					ci->ino = ino;
					ci->cat = c;
					ci->path = xstrdup(an, line + off);
					if (ci->path)
						an->ncredids++;
				}
			}
		}
		l += n + (nl ? 1 : 0);
	}
	qsort(an->credids, an->ncredids, sizeof(*an->credids), credid_cmp);
}

static void credids_load(struct analyzer *an)
{
	const char *data;
	size_t len;
	int err;

	if (!an->facts || an->credids_final)
		return;
	err = facts_get(an->facts, RESOLVE_KEY_CREDS, resolve_creds, an->home, &data, &len);
	/* in replay the answer is read with the trace's first records */
	if (err == -ENOENT && !facts_live(an->facts) && !an->fed)
		return;
	an->credids_final = true;
	if (!err)
		credids_parse(an, data);
}

void where_init(struct analyzer *an)
{
	credids_load(an);
}

void analyzer_set_facts(struct analyzer *an, struct facts *facts)
{
	if (!an)
		return;
	an->facts = facts;
	where_init(an);
}

const char *where_cred(struct analyzer *an, uint32_t dev, uint64_t ino, const char **path)
{
	struct credid key = { .dev = dev, .ino = ino }, *ci;

	if (!ino)
		return NULL;
	credids_load(an);
	ci = an->ncredids ? bsearch(&key, an->credids, an->ncredids, sizeof(key), credid_cmp) : NULL;
	if (!ci)
		return NULL;
	if (path)
		*path = ci->path;
	return ci->cat;
}

/* The pid a question about p's view of the filesystem is keyed by: 0
 * (shared by the session) unless p has a root or mount namespace of its
 * own. */
static uint32_t view_pid(struct analyzer *an, const struct event_view *v)
{
	struct proc *p = proc_find(an, v->ev->pid);

	return p && p->own_root ? v->ev->pid : 0;
}

const char *where_folded(const char *path, char *buf, size_t max)
{
	if (!path || !strstr(path, "/.") || path_fold(path, strlen(path), buf, max) < 0)
		return path;
	return buf;
}

const char *where_real(struct analyzer *an, const struct event_view *v, const char *path,
		       char *buf, size_t max)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	char dir[4096], key[4200], real[4096 + 256];
	struct resolve_q q = { v->ev->pid, dir };
	const char *data;
	size_t len, dl;

	if (!an->facts || !slash || path[0] != '/' || (size_t)(slash - path) >= sizeof(dir))
		return where_folded(path, buf, max);
	dl = (size_t)(slash - path);
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	if (!dl)
		return where_folded(path, buf, max); /* in / itself */
	/* the directory as given, ".." and all: the lookup follows its
	 * symlinks first, as the call did */
	resolve_key(key, sizeof(key), "realdir", view_pid(an, v), dir);
	if (facts_get(an->facts, key, resolve_dir, &q, &data, &len) || data[0] != '/' ||
	    len + strlen(slash) + 1 > sizeof(real))
		return where_folded(path, buf, max);
	if (len == dl && !memcmp(data, dir, len))
		return where_folded(path, buf, max); /* no symlink on the way */
	snprintf(real, sizeof(real), "%s%s", len > 1 ? data : "", slash);
	/* the last component may be "." or "..", of a real directory now */
	if (where_folded(real, buf, max) == real)
		snprintf(buf, max, "%s", real);
	return buf;
}

bool where_id(struct analyzer *an, const struct event_view *v, const char *path, uint32_t *dev,
	      uint64_t *ino)
{
	struct resolve_q q = { v->ev->pid, path };
	char key[4200];
	const char *data;
	size_t len;
	unsigned int d;
	unsigned long long i;

	if (!an->facts || !path || path[0] != '/')
		return false;
	resolve_key(key, sizeof(key), "id", v->ev->pid, path);
	if (facts_get(an->facts, key, resolve_id, &q, &data, &len) ||
	    sscanf(data, "%u %llu", &d, &i) != 2)
		return false;
	*dev = d;
	*ino = i;
	return true;
}

bool proc_in_tree(struct analyzer *an, uint32_t pid)
{
	struct proc *p = proc_find(an, pid);

	return p && p->alive;
}

long where_fifo_outside(struct analyzer *an, const struct event_view *v, const char *path)
{
	struct resolve_q q = { v->ev->pid, path };
	char key[4200];
	const char *data, *s;
	size_t len;

	if (!an->facts)
		return -1;
	resolve_key(key, sizeof(key), "fifo", q.pid, path);
	if (facts_get(an->facts, key, resolve_fifo, &q, &data, &len))
		return -1;
	for (s = data; *s;) {
		char *end;
		unsigned long pid = strtoul(s, &end, 10);

		if (end == s)
			break;
		if (pid && pid <= UINT32_MAX && !proc_in_tree(an, (uint32_t)pid))
			return (long)pid;
		s = end;
		while (*s == ' ')
			s++;
	}
	return 0;
}

bool procvm_other_process(struct analyzer *an, const struct pt_event *ev)
{
	uint32_t target = (uint32_t)ev->arg[0];

	if (ev->type != PT_EV_PROCVM)
		return false;
	if (ev->arg[2])
		return target != (uint32_t)ev->arg[2];
	return ev->ret != -ESRCH && target != ev->pid && !proc_in_tree(an, target);
}
