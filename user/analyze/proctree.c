// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * proctree.c - the analyzer's process table: one entry per pid of the
 * traced tree, with its owner, whether the package manager's own code
 * runs in it, and whether it is still alive (lingering-process).
 */
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"

struct proc *proc_find(struct analyzer *an, uint32_t pid)
{
	for (struct proc *p = an->procs[pid % PROC_BUCKETS]; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

struct proc *proc_new(struct analyzer *an, uint32_t pid, const struct proc *parent, uint64_t t)
{
	struct proc *p = proc_find(an, pid);

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			an->oom = true;
			return NULL;
		}
		p->pid = pid;
		p->next = an->procs[pid % PROC_BUCKETS];
		an->procs[pid % PROC_BUCKETS] = p;
	}
	free(p->cmd);
	free(p->env_base);
	p->cmd = parent ? xstrdup(an, parent->cmd) : NULL;
	p->env_base = parent && parent->env_base ? xmemdup(an, parent->env_base, parent->env_base_len) : NULL;
	p->env_base_len = p->env_base ? parent->env_base_len : 0;
	p->owner = parent ? parent->owner : an->command_owner;
	p->node = parent ? parent->node : 0;
	p->is_pm = parent ? parent->is_pm : false;
	p->pm_eco = parent ? parent->pm_eco : NULL;
	p->own_root = parent ? parent->own_root : false;
	p->python = parent ? parent->python : false;
	p->install_step = parent ? parent->install_step : false;
	free(p->last_py);
	p->last_py = NULL;
	for (int k = 0; k < 2; k++) {
		p->ids_known[k] = parent ? parent->ids_known[k] : false;
		for (int i = 0; i < 3; i++)
			p->ids[k][i] = parent ? parent->ids[k][i] : 0;
	}
	p->alive = true;
	p->root = false;
	p->time_ns = t;
	return p;
}

struct proc *proc_of(struct analyzer *an, const struct pt_event *ev)
{
	struct proc *p = proc_find(an, ev->pid);

	if (!p)
		p = proc_new(an, ev->pid, proc_find(an, ev->ppid), ev->time_ns);
	return p;
}

static int cmp_pid(const void *a, const void *b)
{
	uint32_t x = (*(struct proc *const *)a)->pid, y = (*(struct proc *const *)b)->pid;

	return x < y ? -1 : x > y;
}

struct proc **proc_alive(struct analyzer *an, uint32_t root_pid, size_t *n)
{
	struct proc **alive = NULL;

	*n = 0;
	for (int i = 0; i < PROC_BUCKETS; i++)
		for (struct proc *p = an->procs[i]; p; p = p->next) {
			struct proc **nv;

			if (!p->alive || p->root || p->pid == root_pid)
				continue;
			nv = realloc(alive, (*n + 1) * sizeof(*nv));
			if (!nv) {
				an->oom = true;
				free(alive);
				*n = 0;
				return NULL;
			}
			alive = nv;
			alive[(*n)++] = p;
		}
	if (*n)
		qsort(alive, *n, sizeof(*alive), cmp_pid);
	return alive;
}

void proc_free_all(struct analyzer *an)
{
	for (int i = 0; i < PROC_BUCKETS; i++) {
		struct proc *n;

		for (struct proc *p = an->procs[i]; p; p = n) {
			n = p->next;
			free(p->cmd);
			free(p->env_base);
			free(p->last_py);
			free(p);
		}
		an->procs[i] = NULL;
	}
}

void pnode_exec(struct analyzer *an, struct proc *p, const char *exe, const char *argv,
		size_t alen, uint64_t t)
{
	struct pnode *n;
	size_t keep = alen;

	an->pnodes_total++;
	if (an->npnodes >= PNODE_CAP)
		return;
	if (an->npnodes == an->pnodes_cap) {
		size_t cap = an->pnodes_cap ? an->pnodes_cap * 2 : 64;
		struct pnode *nv = realloc(an->pnodes, cap * sizeof(*nv));

		if (!nv) {
			an->oom = true;
			return;
		}
		an->pnodes = nv;
		an->pnodes_cap = cap;
	}
	/* a re-exec in the same pid ends the image it replaces */
	if (p->node && an->pnodes[p->node - 1].pid == p->pid && !an->pnodes[p->node - 1].end_ns)
		an->pnodes[p->node - 1].end_ns = t;
	if (!argv)
		keep = 0;
	if (keep > PNODE_ARGV_MAX) {
		/* cut after the last whole string, unless that loses over half */
		keep = PNODE_ARGV_MAX;
		while (keep > PNODE_ARGV_MAX / 2 && argv[keep - 1])
			keep--;
		if (argv[keep - 1])
			keep = PNODE_ARGV_MAX;
	}
	n = &an->pnodes[an->npnodes];
	*n = (struct pnode){ .pid = p->pid, .parent = p->node - 1, .owner = p->owner,
			     .start_ns = t, .argv_len = keep, .argv_cut = keep < alen };
	n->exe = exe ? xstrdup(an, exe) : NULL;
	n->argv = keep ? xmemdup(an, argv, keep) : NULL;
	p->node = (int)++an->npnodes;
}

void pnode_exit(struct analyzer *an, const struct proc *p, uint64_t t)
{
	struct pnode *n = p->node ? &an->pnodes[p->node - 1] : NULL;

	if (n && n->pid == p->pid && !n->end_ns)
		n->end_ns = t;
}

void pnodes_free(struct pnode *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].exe);
		free(v[i].argv);
	}
	free(v);
}
