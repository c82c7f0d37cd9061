// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * dropper: a file written during the install by a package's script was
 * then run by any means: executed, given to an interpreter as its script
 * or preload (node x.js, node -r x.js, python x.py, sh x, perl, ruby, bun,
 * deno, NODE_OPTIONS=--require), given to the dynamic loader
 * (ld-linux*.so x, LD_PRELOAD) or loaded (.so, .node).  A package running
 * a copy of its own shipped binary inside its own folder is not one,
 * unless it (or the runner) also fetched something from the network.
 */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "pathclass.h"

/* Options of each runner that take the next argument as a value (not the
 * script), and those that load a file of their own (a preload). */
struct runner {
	const char *name;       /* basename, prefix when it ends in '*' */
	const char *const *valued;
	const char *const *preload;
	const char *const *stop; /* code follows, no script file: -c, -e */
	const char *subcmd;     /* bun run / deno run: a word before the script */
};

static const char *const node_valued[] = { "--input-type", "--title", "--env-file", "--conditions", "-C", NULL };
static const char *const node_preload[] = { "-r", "--require", "--import", "--loader", "--experimental-loader", NULL };
static const char *const node_stop[] = { "-e", "--eval", "-p", "--print", "-v", "--version", "-h", "--help", NULL };
static const char *const py_valued[] = { "-W", "-X", "--check-hash-based-pycs", NULL };
static const char *const py_stop[] = { "-c", "-m", "-V", "--version", "-h", "--help", NULL };
static const char *const sh_valued[] = { "-o", "+o", "--rcfile", "--init-file", "-O", "+O", NULL };
static const char *const sh_stop[] = { "-c", "-s", "--version", "--help", NULL };
static const char *const pl_valued[] = { "-I", "-M", "-m", "-x", NULL };
static const char *const pl_stop[] = { "-e", "-E", "-v", "--version", NULL };
static const char *const rb_valued[] = { "-I", "-r", "-C", NULL };
static const char *const ld_valued[] = { "--library-path", "--inhibit-rpath", "--argv0", "--audit", NULL };
static const char *const ld_preload[] = { "--preload", NULL };
static const char *const ld_stop[] = { "--list", "--verify", "--help", "--version", NULL };
static const char *const none[] = { NULL };

static const struct runner runners[] = {
	{ "node", node_valued, node_preload, node_stop, NULL },
	{ "nodejs", node_valued, node_preload, node_stop, NULL },
	{ "bun", node_valued, node_preload, node_stop, "run" },
	{ "deno", none, none, node_stop, "run" },
	{ "python*", py_valued, none, py_stop, NULL },
	{ "pypy*", py_valued, none, py_stop, NULL },
	{ "sh", sh_valued, none, sh_stop, NULL },
	{ "bash", sh_valued, none, sh_stop, NULL },
	{ "dash", sh_valued, none, sh_stop, NULL },
	{ "zsh", sh_valued, none, sh_stop, NULL },
	{ "ksh", sh_valued, none, sh_stop, NULL },
	{ "busybox", none, none, sh_stop, NULL },
	{ "perl*", pl_valued, none, pl_stop, NULL },
	{ "ruby*", rb_valued, none, pl_stop, NULL },
	{ "ld-linux*", ld_valued, ld_preload, ld_stop, NULL },
	{ "ld.so", ld_valued, ld_preload, ld_stop, NULL },
	{ "ld64.so*", ld_valued, ld_preload, ld_stop, NULL },
	{ "ld-musl*", ld_valued, ld_preload, ld_stop, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static bool in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (!strcmp(*l, s))
			return true;
	return false;
}

static const struct runner *runner_of(const char *base)
{
	for (const struct runner *r = runners; r->name; r++) {
		size_t n = strlen(r->name);

		if (r->name[n - 1] == '*' ? !strncmp(base, r->name, n - 1) : !strcmp(base, r->name))
			return r;
	}
	return NULL;
}

/* note_run: file, as the exec's cwd sees it, run by the exec's owner. */
static void note_run(struct analyzer *an, const struct act *a, const char *file)
{
	const char *cwd = a->v->field[2];
	char abs[4200];
	int w;

	if (!file || !*file || (file[0] != '/' && !cwd))
		return;
	link_resolve(file[0] == '/' ? "/" : cwd, file, abs, sizeof(abs));
	if ((w = written_owner_of(an, abs)) >= 0)
		cand_add(an, &an->drops, abs, w, a->p->owner, abs, a->argv, a->alen, a->v);
}

/* run_args: the script and preloads an interpreter or the dynamic loader
 * was given: options skipped (with their values), "--" ends them, the
 * first other word is the script. */
static void run_args(struct analyzer *an, const struct act *a, const struct runner *r)
{
	int n = list_count(a->argv, a->alen);
	bool subcmd = r->subcmd != NULL;

	for (int i = 1; i < n; i++) {
		const char *arg = list_get(a->argv, a->alen, i);
		const char *eq = strchr(arg, '=');
		char opt[64];

		if (!strcmp(arg, "--")) {
			note_run(an, a, list_get(a->argv, a->alen, i + 1));
			return;
		}
		if (arg[0] != '-' && arg[0] != '+') {
			if (subcmd && !strcmp(arg, r->subcmd)) {
				subcmd = false;
				continue;
			}
			note_run(an, a, arg);
			return;
		}
		snprintf(opt, sizeof(opt), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		if (in_list(r->stop, opt))
			return;
		if (in_list(r->preload, opt)) {
			note_run(an, a, eq ? eq + 1 : list_get(a->argv, a->alen, ++i));
			continue;
		}
		if (!eq && in_list(r->valued, opt))
			i++;
	}
}

/* env_preloads: the files NODE_OPTIONS (--require, -r, --import) and
 * LD_PRELOAD (every word) have loaded into the new program. */
static void env_preloads(struct analyzer *an, const struct act *a)
{
	const char *env = a->v->field[3];
	size_t elen = a->v->field_len[3];
	const char *node = env_get(env, elen, "NODE_OPTIONS"), *ld = env_get(env, elen, "LD_PRELOAD");
	char buf[4096], *save = NULL;
	bool next = false;

	if (node) {
		snprintf(buf, sizeof(buf), "%s", node);
		for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			if (next)
				note_run(an, a, t);
			next = in_list(node_preload, t);
			if (!strncmp(t, "--require=", 10) || !strncmp(t, "--import=", 9))
				note_run(an, a, strchr(t, '=') + 1);
		}
	}
	if (ld) {
		snprintf(buf, sizeof(buf), "%s", ld);
		for (char *t = strtok_r(buf, " :", &save); t; t = strtok_r(NULL, " :", &save))
			note_run(an, a, t);
	}
}

void dropper_on_exec(struct analyzer *an, const struct act *a)
{
	const char *a0;
	const struct runner *r;
	int w;

	if (a->o->kind != OWN_PACKAGE || a->v->ev->ret != 0 || !a->exe)
		return;
	if ((w = written_owner_of(an, a->exe)) >= 0)
		cand_add(an, &an->drops, a->exe, w, a->p->owner, a->exe, a->argv, a->alen, a->v);
	/* the program that really ran decides how its words are read */
	if ((r = runner_of(path_base(a->exe))) ||
	    ((a0 = list_get(a->argv, a->alen, 0)) && (r = runner_of(path_base(a0)))))
		run_args(an, a, r);
	env_preloads(an, a);
}

/* loading a library written during the install */
void dropper_on_read(struct analyzer *an, const struct act *a)
{
	int w;

	if (a->v->ev->ret < 0 || !(has_suffix(a->path, ".so") || strstr(a->path, ".so.") || has_suffix(a->path, ".node")))
		return;
	if ((w = written_owner_of(an, a->path)) >= 0)
		cand_add(an, &an->drops, a->path, w, a->p->owner, a->path, NULL, 0, a->v);
}

void dropper_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	(void)fc;
	for (size_t i = 0; i < an->drops.keys.n; i++) {
		struct cand *c = &an->drops.v[i];
		struct owner *w = an->owners[c->owner];
		char summary[512];

		if (w->kind != OWN_PACKAGE)
			continue;
		if (w->path && path_under(c->path, w->path) && !w->egress && !an->owners[c->other]->egress)
			continue;
		w->dropped = true;
		an->owners[c->other]->dropped = true;
		snprintf(summary, sizeof(summary), "%s %s a file written during the install: %s", owner_label(an, c->owner),
			 strcmp(c->event, "exec") ? "loaded" : "executed", c->path);
		evidence_cand(an, finding_add(an, R_DROPPER, SEV_HIGH, c->owner, c->path, summary), c);
	}
}
