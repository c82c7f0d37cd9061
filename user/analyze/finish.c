// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * finish.c - the end of the stream: what the installed tree and the
 * configuration say (npm.c, pip.c, registry.c), the rules' on_finish
 * hooks, and the report: owners and findings in report order.
 */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "analyzer.h"
#include "enforce/enforce.h"

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

	/* what a policy suppressed comes after what still counts */
	if (!x->suppressed != !y->suppressed)
		return x->suppressed ? 1 : -1;
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

/* report_sort: sorts r's owners and renumbers the findings' references,
 * then sorts the findings.  Returns 0 or -ENOMEM. */
static int report_sort(struct report *r)
{
	size_t *pos = calloc(r->nowners + 1, sizeof(*pos));
	struct owner **orig = malloc((r->nowners + 1) * sizeof(*orig));

	if (!pos || !orig) {
		free(pos);
		free(orig);
		return -ENOMEM;
	}
	if (r->nowners) {
		memcpy(orig, r->owners, r->nowners * sizeof(*orig));
		qsort(r->owners, r->nowners, sizeof(*r->owners), owner_qcmp);
	}
	for (size_t i = 0; i < r->nowners; i++)
		for (size_t k = 0; k < r->nowners; k++)
			if (orig[k] == r->owners[i]) {
				pos[k] = i;
				break;
			}
	free(orig);
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].owner >= 0)
			r->findings[i].owner = (int)pos[r->findings[i].owner];
	for (size_t i = 0; i < r->npnodes; i++)
		r->pnodes[i].owner = (int)pos[r->pnodes[i].owner];
	free(pos);
	if (r->nfindings) /* qsort_r's base must not be NULL, even for 0 items */
		qsort_r(r->findings, r->nfindings, sizeof(*r->findings), finding_qcmp, r);
	return 0;
}

/* report_order: the report takes the analyzer's owners and findings, in
 * report order.  Returns 0 or -ENOMEM. */
static int report_order(struct analyzer *an, struct report *r)
{
	r->owners = an->owners;
	r->nowners = an->nowners;
	r->findings = an->findings;
	r->nfindings = an->nfindings;
	an->owners = NULL;
	an->nowners = 0;
	an->findings = NULL;
	an->nfindings = 0;
	r->pnodes = an->pnodes;
	r->npnodes = an->npnodes;
	r->pnodes_total = an->pnodes_total;
	an->pnodes = NULL;
	an->npnodes = an->pnodes_cap = 0;
	return report_sort(r);
}

/* report_registries: the endpoints judged as registries (the configured
 * ones and those the package manager itself used), for the report's
 * network view.  0 or -1 (out of memory). */
static int report_registries(struct report *r, const struct strmap *registry)
{
	const char **v = strmap_sorted(registry);

	if (!registry->n)
		return 0;
	r->registries = calloc(registry->n, sizeof(*r->registries));
	if (!v || !r->registries) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < registry->n; i++)
		if (!(r->registries[r->nregistries++] = strdup(v[i]))) {
			free(v);
			return -1;
		}
	free(v);
	return 0;
}

/* A question only the collector answers (it put the fact first), or the
 * trace in replay: never computed here. */
static int no_answer(void *ctx, int root_fd, char **data, size_t *len)
{
	(void)ctx;
	(void)root_fd;
	*data = NULL;
	*len = 0;
	return -ENOENT;
}

/* The enforcement the run was under (cmd_run: user/enforce/enforce.h), as
 * recorded: the report carries it, and survivors killed through the
 * install's cgroup make lingering-process findings "killed". */
static void enforcement_take(struct analyzer *an, const struct session_info *si,
			     struct facts *facts, struct report *r)
{
	const char *text = NULL;
	size_t len = 0;

	if (!facts || facts_get(facts, ENF_FACT, no_answer, NULL, &text, &len) || !len)
		return;
	r->enforcement = xstrdup(an, text);
	if (si->survivor_fate != SURVIVORS_KILLED || !strstr(text, "\"cgroup\":\"/"))
		return;
	for (size_t i = 0; i < an->nfindings; i++)
		if (an->findings[i].rule == R_LINGERING_PROCESS)
			an->findings[i].action = "killed";
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
	findings_locate(an, si, facts);
	if (an->oom)
		goto fail;
	enforcement_take(an, si, facts, r);

	/* the report takes the owners and findings */
	r->argc = si->argc;
	r->argv = calloc(si->argc + 1, sizeof(char *));
	if (!r->argv)
		goto fail;
	for (int i = 0; i < si->argc; i++)
		r->argv[i] = xstrdup(an, si->argv[i] ? si->argv[i] : "");
	r->cwd = xstrdup(an, si->cwd);
	r->home = xstrdup(an, an->home);
	r->tmpdir = xstrdup(an, an->tmp);
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
	r->fail_on = SEV_HIGH;
	for (size_t i = 0; i < an->nfindings; i++) {
		struct finding *f = &an->findings[i];

		if (f->owner >= 0 && f->sev > an->owners[f->owner]->max_sev)
			an->owners[f->owner]->max_sev = f->sev;
		if (f->sev > r->max_sev)
			r->max_sev = f->sev;
	}
	findings_name(an);
	if (an->oom || report_order(an, r) || report_registries(r, &registry))
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
	free(r->home);
	free(r->tmpdir);
	free(r->hostname);
	free(r->kernel);
	free(r->enforcement);
	free(r->run_user);
	for (size_t i = 0; r->hidden && r->hidden[i]; i++)
		free(r->hidden[i]);
	free(r->hidden);
	for (size_t i = 0; i < r->nowners; i++)
		owner_free(r->owners[i]);
	free(r->owners);
	findings_free(r->findings, r->nfindings);
	free(r->policy_path);
	for (size_t i = 0; i < r->npolicy_unused; i++) {
		free(r->policy_unused[i].package);
		free(r->policy_unused[i].reason);
	}
	free(r->policy_unused);
	pnodes_free(r->pnodes, r->npnodes);
	for (size_t i = 0; i < r->nregistries; i++)
		free(r->registries[i]);
	free(r->registries);
	free(r);
}

int report_rerank(struct report *r)
{
	r->max_sev = -1;
	for (size_t i = 0; i < r->nowners; i++)
		r->owners[i]->max_sev = -1;
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->suppressed)
			continue;
		if (f->owner >= 0 && f->sev > r->owners[f->owner]->max_sev)
			r->owners[f->owner]->max_sev = f->sev;
		if (f->sev > r->max_sev)
			r->max_sev = f->sev;
	}
	return report_sort(r);
}

int report_max_severity(const struct report *r)
{
	return r ? r->max_sev : -1;
}
