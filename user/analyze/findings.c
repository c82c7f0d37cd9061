// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * findings.c - findings and their evidence; the candidates rules keep
 * for analyzer_finish; the files scripts wrote (for dropper).
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"
#include "enforce/sandbox.h"

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* summary_set: f's summary; one that starts with its owner's name keeps
 * only the rest, the name being put in by findings_name() at the end. */
static void summary_set(struct analyzer *an, struct finding *f, const char *summary)
{
	const char *who = f->owner >= 0 ? an->owners[f->owner]->name : NULL;
	size_t wl = who ? strlen(who) : 0;

	free(f->summary);
	f->named = wl && summary && !strncmp(summary, who, wl) && summary[wl] == ' ';
	f->summary = xstrdup(an, f->named ? summary + wl : summary);
}

void findings_name(struct analyzer *an)
{
	for (size_t i = 0; i < an->nfindings; i++) {
		struct finding *f = &an->findings[i];
		char *full;

		if (!f->named)
			continue;
		f->named = false;
		if (asprintf(&full, "%s%s", owner_label(an, f->owner), f->summary ? f->summary : "") < 0) {
			an->oom = true;
			continue;
		}
		free(f->summary);
		f->summary = full;
	}
}

struct finding *finding_find(struct analyzer *an, int rule, int owner, const char *key)
{
	char k[4300];
	long idx;

	if (owner >= 0 && an->owners[owner]->kind != OWN_PACKAGE)
		owner = -1;
	snprintf(k, sizeof(k), "%d\x1%d\x1%s", rule, owner, key ? key : "");
	idx = strmap_find(&an->finding_keys, k);
	return idx < 0 ? NULL : &an->findings[idx];
}

const char *refusal_name(const struct pt_event *ev, char *buf, size_t len)
{
	const char *name = ev->arg[1] == PT_REFUSED_ABI_NATIVE ? seccomp_call_name((long)ev->arg[0]) : NULL;

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s call %llu", ev->arg[1] == PT_REFUSED_ABI_IA32 ? "ia32 (int 0x80)" :
			 ev->arg[1] == PT_REFUSED_ABI_X32 ? "x32" : "system", (unsigned long long)ev->arg[0]);
	return buf;
}

void refusal_add(struct analyzer *an, const struct act *a, int rule, int sev)
{
	char name[64], key[80], summary[256];
	struct finding *f;

	refusal_name(a->v->ev, name, sizeof(name));
	/* one finding per ABI for the foreign ones: every call of them is refused */
	snprintf(key, sizeof(key), "refused:%s", a->v->ev->arg[1] == PT_REFUSED_ABI_NATIVE ? name :
		 a->v->ev->arg[1] == PT_REFUSED_ABI_IA32 ? "ia32" : "x32");
	snprintf(summary, sizeof(summary), "%s tried %s: refused by the --enforce seccomp filter",
		 owner_label(an, a->p->owner), name);
	f = finding_add(an, rule, sev, a->p->owner, key, summary);
	if (f)
		f->action = "refused";
	evidence_event(an, f, a->v, NULL, NULL, NULL);
}

struct finding *finding_add(struct analyzer *an, int rule, int sev, int owner,
			    const char *key, const char *summary)
{
	char k[4300];
	size_t idx;
	int r;
	struct finding *f;

	if (owner >= 0 && an->owners[owner]->kind != OWN_PACKAGE)
		owner = -1;
	snprintf(k, sizeof(k), "%d\x1%d\x1%s", rule, owner, key ? key : "");
	r = strmap_add(&an->finding_keys, k, &idx);
	if (r < 0) {
		an->oom = true;
		return NULL;
	}
	if (r == 1) {
		struct finding *v = realloc(an->findings, (an->nfindings + 1) * sizeof(*v));

		if (!v) {
			an->oom = true;
			return NULL;
		}
		an->findings = v;
		f = &v[an->nfindings++];
		memset(f, 0, sizeof(*f));
		f->rule = rule;
		f->sev = sev;
		f->owner = owner;
		f->key = xstrdup(an, key ? key : "");
		summary_set(an, f, summary);
	} else {
		f = &an->findings[idx];
		if (sev > f->sev) {
			f->sev = sev;
			summary_set(an, f, summary);
		}
	}
	f->count++;
	return f;
}

struct evidence *evidence_add(struct finding *f, uint32_t pid, uint64_t time_ns, const char *event)
{
	struct evidence *e;

	if (!f || f->nev >= EVIDENCE_MAX)
		return NULL;
	e = &f->ev[f->nev++];
	e->pid = pid;
	e->time_ns = time_ns;
	e->event = event;
	return e;
}

void evidence_event(struct analyzer *an, struct finding *f, const struct event_view *v,
		    const char *path, const char *endpoint, const char *dns)
{
	struct evidence *e = evidence_add(f, v ? v->ev->pid : 0, v ? v->ev->time_ns : 0,
					  v ? event_type_name(v->ev->type) : "session");

	if (!e)
		return;
	e->path = xstrdup(an, path);
	if (v && v->ev->type == PT_EV_EXEC && v->field[1]) {
		e->argv = xmemdup(an, v->field[1], v->field_len[1]);
		e->argv_len = v->field_len[1];
	}
	e->endpoint = xstrdup(an, endpoint);
	e->dns = xstrdup(an, dns);
}

void evidence_cand(struct analyzer *an, struct finding *f, const struct cand *c)
{
	struct evidence *e = evidence_add(f, c->pid, c->time_ns, c->event);

	if (!e)
		return;
	e->path = xstrdup(an, c->path);
	if (c->extra && !strcmp(c->event, "exec")) {
		e->argv = xmemdup(an, c->extra, c->extra_len);
		e->argv_len = c->extra_len;
	}
}

static void evidence_clear(struct evidence *e)
{
	free(e->path);
	free(e->argv);
	free(e->endpoint);
	free(e->dns);
	memset(e, 0, sizeof(*e));
}

void findings_free(struct finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < f[i].nev; k++)
			evidence_clear(&f[i].ev[k]);
		free(f[i].key);
		free(f[i].summary);
		free(f[i].suppressed);
		free(f[i].loc_file);
	}
	free(f);
}

void cand_add(struct analyzer *an, struct candlist *cl, const char *key, int owner, int other,
	      const char *path, const char *extra, size_t extra_len, const struct event_view *v)
{
	size_t idx;
	int r = strmap_add(&cl->keys, key, &idx);
	struct cand *c;

	if (r < 0) {
		if (r == -ENOMEM)
			an->oom = true;
		return;
	}
	if (r == 0)
		return;
	if (!(idx & (idx + 1)) || !cl->v) { /* grow at powers of two */
		struct cand *nv = realloc(cl->v, (idx + 1) * 2 * sizeof(*nv));

		if (!nv) {
			an->oom = true;
			return;
		}
		cl->v = nv;
	}
	c = &cl->v[idx];
	memset(c, 0, sizeof(*c));
	c->owner = owner;
	c->other = other;
	c->path = xstrdup(an, path);
	c->extra = extra ? xmemdup(an, extra, extra_len) : NULL;
	c->extra_len = extra_len;
	c->pid = v ? v->ev->pid : 0;
	c->time_ns = v ? v->ev->time_ns : 0;
	c->event = v ? event_type_name(v->ev->type) : "";
}

void candlist_clear(struct candlist *cl)
{
	for (size_t i = 0; i < cl->keys.n; i++) {
		free(cl->v[i].path);
		free(cl->v[i].extra);
	}
	free(cl->v);
	strmap_clear(&cl->keys);
	cl->v = NULL;
}

void written_note(struct analyzer *an, int owner, const char *path)
{
	size_t idx;
	int r = strmap_add(&an->written, path, &idx);

	if (r == 1)
		an->written_owner[idx] = owner;
	else if (r == -ENOMEM)
		an->oom = true;
}

int written_owner_of(struct analyzer *an, const char *path)
{
	long w = strmap_find(&an->written, path);

	return w >= 0 ? an->written_owner[w] : -1;
}
