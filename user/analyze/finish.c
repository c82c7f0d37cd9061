// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * finish.c - the end of the stream: what the installed tree and the
 * configuration say (npm.c, pip.c, registry.c), the rules' on_finish
 * hooks, and the report: owners and findings in report order.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"

static int owner_cmp(const struct owner *a, const struct owner *b)
{
	int c;

	if (a->max_sev != b->max_sev)
		return b->max_sev - a->max_sev;
	if (a->kind != b->kind)
		return a->kind == OWN_PROJECT ? -1 : b->kind == OWN_PROJECT ? 1 : a->kind - b->kind;
	if ((c = strcmp(a->name ? a->name : "", b->name ? b->name : "")))
		return c;
	if ((c = strcmp(a->version ? a->version : "", b->version ? b->version : "")))
		return c;
	return strcmp(a->key, b->key);
}

static int owner_qcmp(const void *a, const void *b)
{
	return owner_cmp(*(struct owner *const *)a, *(struct owner *const *)b);
}

static int finding_qcmp(const void *a, const void *b, void *ctx)
{
	const struct finding *x = a, *y = b;
	const struct report *r = ctx;
	const struct owner *ox = x->owner >= 0 ? r->owners[x->owner] : NULL;
	const struct owner *oy = y->owner >= 0 ? r->owners[y->owner] : NULL;
	int c;

	if (x->sev != y->sev)
		return y->sev - x->sev;
	if (ox != oy) {
		if (!ox || !oy)
			return ox ? -1 : 1;
		if ((c = strcmp(ox->name ? ox->name : "", oy->name ? oy->name : "")))
			return c;
		if ((c = strcmp(ox->key, oy->key)))
			return c;
	}
	if (x->rule != y->rule)
		return x->rule - y->rule;
	return strcmp(x->key, y->key);
}

/* judge_all: the installed tree, the registries, then every rule's
 * on_finish (those that read other rules' verdicts last). */
static void judge_all(struct analyzer *an, const struct session_info *si, struct facts *facts,
		      struct strmap *registry)
{
	struct finish_ctx fc = { si, facts, registry };

	pip_metadata_all(an, facts);
	npm_tree(an, facts);
	pip_records(an, facts);
	registry_endpoints(an, si, facts, registry);
	net_mark_egress(an, registry);
	for (int late = 0; late < 2; late++)
		for (int r = 0; r < R_NRULES; r++)
			if (rule_info[r].on_finish && rule_info[r].finish_late == late)
				rule_info[r].on_finish(an, &fc);
}

/* report_order: sorts the owners and renumbers the findings' references,
 * then sorts the findings.  Returns 0 or -ENOMEM. */
static int report_order(struct analyzer *an, struct report *r)
{
	size_t *pos = calloc(an->nowners ? an->nowners : 1, sizeof(*pos));
	struct owner **orig = malloc(an->nowners * sizeof(*orig) + 1);

	if (!pos || !orig) {
		free(pos);
		free(orig);
		return -1;
	}
	r->owners = an->owners;
	r->nowners = an->nowners;
	memcpy(orig, an->owners, an->nowners * sizeof(*orig));
	qsort(r->owners, r->nowners, sizeof(*r->owners), owner_qcmp);
	for (size_t i = 0; i < r->nowners; i++)
		for (size_t k = 0; k < an->nowners; k++)
			if (orig[k] == r->owners[i]) {
				pos[k] = i;
				break;
			}
	free(orig);
	for (size_t i = 0; i < an->nfindings; i++)
		if (an->findings[i].owner >= 0)
			an->findings[i].owner = (int)pos[an->findings[i].owner];
	free(pos);
	r->findings = an->findings;
	r->nfindings = an->nfindings;
	if (r->nfindings) /* qsort_r's base must not be NULL, even for 0 items */
		qsort_r(r->findings, r->nfindings, sizeof(*r->findings), finding_qcmp, r);
	an->owners = NULL;
	an->nowners = 0;
	an->findings = NULL;
	an->nfindings = 0;
	return 0;
}

struct report *analyzer_finish(struct analyzer *an, const struct session_info *si,
			       struct facts *facts)
{
	struct report *r = calloc(1, sizeof(*r));
	struct strmap registry;

	strmap_init(&registry, 0);
	if (!r || !an || !si)
		goto fail;
	judge_all(an, si, facts, &registry);
	if (an->oom)
		goto fail;

	/* the report takes the owners and findings */
	r->argc = si->argc;
	r->argv = calloc(si->argc + 1, sizeof(char *));
	if (!r->argv)
		goto fail;
	for (int i = 0; i < si->argc; i++)
		r->argv[i] = xstrdup(an, si->argv[i] ? si->argv[i] : "");
	r->cwd = xstrdup(an, si->cwd);
	r->hostname = xstrdup(an, si->hostname);
	r->kernel = xstrdup(an, si->kernel);
	r->exit_status = si->exit_status;
	r->events = si->events;
	r->drops = si->drops;
	r->analyzed = an->fed;
	r->start_ns = si->start_ns;
	r->end_ns = si->end_ns;
	r->boot_offset_ns = si->boot_offset_ns;
	r->interrupted = si->interrupted;
	r->partial = si->partial;
	r->refused = an->refused;
	r->max_sev = -1;
	for (size_t i = 0; i < an->nfindings; i++) {
		struct finding *f = &an->findings[i];

		if (f->owner >= 0 && f->sev > an->owners[f->owner]->max_sev)
			an->owners[f->owner]->max_sev = f->sev;
		if (f->sev > r->max_sev)
			r->max_sev = f->sev;
	}
	findings_name(an);
	if (an->oom || report_order(an, r))
		goto fail;
	strmap_clear(&registry);
	return r;
fail:
	strmap_clear(&registry);
	report_free(r);
	return NULL;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (int i = 0; r->argv && i < r->argc; i++)
		free(r->argv[i]);
	free(r->argv);
	free(r->cwd);
	free(r->hostname);
	free(r->kernel);
	free(r->run_user);
	for (size_t i = 0; r->hidden && r->hidden[i]; i++)
		free(r->hidden[i]);
	free(r->hidden);
	for (size_t i = 0; i < r->nowners; i++)
		owner_free(r->owners[i]);
	free(r->owners);
	findings_free(r->findings, r->nfindings);
	free(r);
}

int report_max_severity(const struct report *r)
{
	return r ? r->max_sev : -1;
}
