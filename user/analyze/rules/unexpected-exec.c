// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * unexpected-exec: a package's script ran something a pure-library build
 * would not: a reverse shell (critical), a network tool (high when piped
 * into a shell), a system tool, a package publish, an inline interpreter
 * payload, an AI coding agent's CLI (high with its permission checks
 * turned off: an install that drives an agent with every tool allowed
 * runs whatever the agent is told), or any program the baseline does not
 * expect (low).
 *
 * Environment injection: a variable that makes a program load or run code
 * it was not asked to, set for a child by a dependency's script (present
 * in the exec's environment with a value the package manager did not give
 * the script: unexpected_exec_on_script keeps that one):
 *   high    LD_PRELOAD, LD_AUDIT, BASH_ENV, ENV (a path), PERL5OPT, RUBYOPT,
 *           PYTHONSTARTUP, NODE_OPTIONS with --require/-r/--import/--loader/
 *           --experimental-loader; LD_LIBRARY_PATH naming a directory outside
 *           the package's folder, the project and the system's (/usr, /lib,
 *           /opt): temp, home, anything a script can fill;
 *   medium  PYTHONPATH, PERL5LIB, RUBYLIB, NODE_PATH naming such a
 *           directory; GIT_SSH_COMMAND, GIT_SSH (git runs them).
 * A build's own LD_LIBRARY_PATH or PYTHONPATH into its folder is not one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "baseline.h"
#include "pathclass.h"

static bool pipes_to_shell(const char *s)
{
	static const char *const pats[] = { "| sh", "|sh", "| bash", "|bash", "| /bin/sh",
					    "| /bin/bash", "|/bin/sh", "|/bin/bash", NULL };

	for (int i = 0; s && pats[i]; i++)
		if (strstr(s, pats[i]))
			return true;
	return false;
}

/* is_reverse_shell: an interactive shell, /dev/tcp, nc -e, socat exec: */
static bool is_reverse_shell(const char *b, const char *argv, size_t alen, const char *cmdline)
{
	int nargs = list_count(argv, alen);

	if (is_shell(b))
		for (int i = 1; i < nargs; i++)
			if (!strcmp(list_get(argv, alen, i), "-i"))
				return true;
	if (strstr(cmdline, "/dev/tcp/") || strstr(cmdline, "/dev/udp/"))
		return true;
	if ((!strcmp(b, "nc") || !strcmp(b, "ncat") || !strcmp(b, "netcat") || !strncmp(b, "nc.", 3)) &&
	    (strstr(cmdline, " -e ") || strstr(cmdline, " -c ")))
		return true;
	return !strcmp(b, "socat") && (strstr(cmdline, "exec:") || strstr(cmdline, "EXEC:"));
}

/* AI coding agents' command-line tools, by basename, and by the folder
 * of their npm package when run as "node .../cli.js". */
static const char *const agent_names[] = {
	"claude", "gemini", "q", "qchat", "kiro-cli", "codex", "cursor-agent", "aider", "copilot",
	"github-copilot-cli", "opencode", "crush", "goose", "amp", "qwen", "auggie", "droid", "cline",
	"cn", NULL };
static const char *const agent_paths[] = {
	"/@anthropic-ai/claude-code/", "/@google/gemini-cli/", "/@openai/codex/", "/@github/copilot/",
	"/@qwen-code/", "/@sourcegraph/amp/", "/opencode-ai/", "/@augmentcode/", "/@continuedev/cli/", NULL };
/* Flags that let an agent act without asking: names no other tool uses,
 * then generic ones that count only on an agent's command line. */
static const char *const bypass_unique[] = {
	"--dangerously-skip-permissions", "--dangerously-bypass-approvals-and-sandbox",
	"--trust-all-tools", "--allow-all-tools", "--allow-all-paths", "bypassPermissions", NULL };
static const char *const bypass_agent[] = {
	"--yolo", "-y", "--full-auto", "--yes-always", "--yes", "--force", "-f", "--approval-mode=yolo",
	"--auto-approve", "--no-interactive", "--sandbox=danger-full-access", "danger-full-access", "yolo", NULL };

static bool in_strs(const char *const *l, const char *s)
{
	for (; s && *l; l++)
		if (!strcmp(*l, s))
			return true;
	return false;
}

/* agent_cli: the agent's name when the exec runs an AI agent's CLI, and
 * in *bypass its first permission-bypass flag (NULL when none). */
static const char *agent_cli(const char *b, const char *argv, size_t alen, const char **bypass)
{
	int n = list_count(argv, alen);
	const char *agent = in_strs(agent_names, b) ? b : NULL;
	bool runner = !strcmp(b, "node") || !strcmp(b, "nodejs") || !strcmp(b, "bun") || !strcmp(b, "deno") ||
		      !strcmp(b, "npx") || !strcmp(b, "bunx");

	*bypass = NULL;
	/* node .../claude-code/cli.js, npx claude: the script names the agent */
	for (int i = 1; runner && i < n && i < 3 && !agent; i++) {
		const char *a = list_get(argv, alen, i);

		if (in_strs(agent_names, path_base(a)))
			agent = path_base(a);
		for (int k = 0; !agent && agent_paths[k]; k++)
			if (strstr(a, agent_paths[k]))
				agent = agent_paths[k] + 1;
	}
	for (int i = 1; i < n && !*bypass; i++) {
		const char *a = list_get(argv, alen, i);
		char flag[64];

		snprintf(flag, sizeof(flag), "%.*s", (int)strcspn(a, "="), a);
		if (in_strs(bypass_unique, a) || in_strs(bypass_unique, flag) ||
		    (agent && (in_strs(bypass_agent, a) || in_strs(bypass_agent, flag) ||
			       (!strcmp(flag, "--permission-mode") && strstr(a, "bypass")))))
			*bypass = a;
		/* --approval-mode yolo, --permission-mode bypassPermissions */
		if (agent && !*bypass && i + 1 < n &&
		    (!strcmp(a, "--approval-mode") || !strcmp(a, "--permission-mode") || !strcmp(a, "--sandbox")) &&
		    (in_strs(bypass_agent, list_get(argv, alen, i + 1)) ||
		     in_strs(bypass_unique, list_get(argv, alen, i + 1))))
			*bypass = list_get(argv, alen, i + 1);
	}
	return agent ? agent : *bypass ? "an AI agent" : NULL;
}

/* inline_payload: the code of an interpreter's -c/-e/-p option when it
 * holds a payload marker, else NULL. */
static const char *inline_payload(struct analyzer *an, const char *argv, size_t alen)
{
	int nargs = list_count(argv, alen);

	for (int i = 1; i + 1 < nargs; i++) {
		const char *a = list_get(argv, alen, i);

		if (strcmp(a, "-c") && strcmp(a, "-e") && strcmp(a, "--eval") && strcmp(a, "-p") &&
		    strcmp(a, "--print") && strcmp(a, "-E"))
			continue;
		if (!baseline_contains(an->bl, BL_PAYLOAD_MARKERS, list_get(argv, alen, i + 1)))
			return NULL;
		return list_get(argv, alen, i + 1);
	}
	return NULL;
}

/* judge: the finding's severity, key and summary for the exec, or false
 * when it is none. */
static bool judge(struct analyzer *an, const struct act *a, const char *b, int *sev,
		  char *key, size_t keylen, char *summary, size_t sumlen)
{
	const char *who = owner_label(an, a->p->owner), *payload, *agent, *bypass;
	const struct owner *o = a->o;
	const char *exe = a->exe, *cmdline = a->cmdline;

	if (is_reverse_shell(b, a->argv, a->alen, cmdline)) {
		snprintf(summary, sumlen, "%s ran a reverse shell: %.200s", who, cmdline);
		snprintf(key, keylen, "reverse-shell");
		*sev = SEV_CRITICAL;
		return true;
	}
	if ((agent = agent_cli(b, a->argv, a->alen, &bypass))) {
		if (bypass)
			snprintf(summary, sumlen, "%s ran the AI agent CLI %s with its permission checks off (%s): %.200s",
				 who, agent, bypass, cmdline);
		else
			snprintf(summary, sumlen, "%s ran the AI agent CLI %s: %.200s", who, agent, cmdline);
		snprintf(key, keylen, "ai-agent");
		*sev = bypass ? SEV_HIGH : SEV_MEDIUM;
		return true;
	}
	if (baseline_match(an->bl, BL_NET_TOOLS, b, NULL)) {
		bool piped = pipes_to_shell(cmdline);

		for (size_t i = 0; !piped && i < o->set[PS_SCRIPTS].n; i++)
			piped = pipes_to_shell(o->set[PS_SCRIPTS].items[i]);
		snprintf(summary, sumlen, "%s ran the network tool %s%s", who, b, piped ? ", piped into a shell" : "");
		snprintf(key, keylen, "%s", b);
		*sev = piped ? SEV_HIGH : SEV_MEDIUM;
		return true;
	}
	if (baseline_match(an->bl, BL_SYS_TOOLS, b, NULL)) {
		snprintf(summary, sumlen, "%s ran the system tool %s", who, b);
		snprintf(key, keylen, "%s", b);
		*sev = SEV_MEDIUM;
		return true;
	}
	if ((!strcmp(b, "npm") || !strcmp(b, "npx") || pm_of_exec(exe, a->argv, a->alen)) &&
	    strstr(cmdline, " publish")) {
		snprintf(summary, sumlen, "%s ran a package publish: %.200s", who, cmdline);
		snprintf(key, keylen, "publish");
		*sev = SEV_HIGH;
		return true;
	}
	/* the inline code of pip's own helpers is pip's, not the package's */
	if (baseline_match(an->bl, BL_INTERPRETERS, b, NULL) && !a->pm_argv &&
	    (payload = inline_payload(an, a->argv, a->alen))) {
		snprintf(summary, sumlen, "%s ran an inline %s payload: %.200s", who, b, payload);
		snprintf(key, keylen, "inline-payload");
		*sev = SEV_MEDIUM;
		return true;
	}
	if (baseline_match(an->bl, BL_SCRIPT_EXEC, b, NULL))
		return false;
	/* dropped and fileless executables have rules of their own */
	if (!exe || written_owner_of(an, exe) >= 0 || (a->v->ev->flags & (PT_F_MEMFD | PT_F_DELETED)) ||
	    !strncmp(exe, "/memfd:", 7))
		return false;
	/* the package's own shipped programs, and the project's dependencies' */
	if (path_under(exe, o->path) || (an->project && npm_folder_len(exe) && path_under(exe, an->project)) ||
	    !strncmp(exe, "/tmp/pip-", 9))
		return false;
	snprintf(summary, sumlen, "%s ran %s, which a pure-library build does not", who, b);
	snprintf(key, keylen, "%s", b);
	*sev = SEV_LOW;
	return true;
}

/* The variables of environment injection; dirs: judged by where the
 * directories of their value lie; marker: judged by one of these options. */
static const struct inj_var {
	const char *key;
	int sev;
	bool dirs;
	const char *const *markers;
} inj_vars[] = {
	{ "LD_PRELOAD", SEV_HIGH, false, NULL }, { "LD_AUDIT", SEV_HIGH, false, NULL },
	{ "BASH_ENV", SEV_HIGH, false, NULL }, { "ENV", SEV_HIGH, false, NULL },
	{ "PERL5OPT", SEV_HIGH, false, NULL }, { "RUBYOPT", SEV_HIGH, false, NULL },
	{ "PYTHONSTARTUP", SEV_HIGH, false, NULL },
	{ "NODE_OPTIONS", SEV_HIGH, false,
	  (const char *const[]){ "--require", "-r", "--import", "--loader", "--experimental-loader", NULL } },
	{ "LD_LIBRARY_PATH", SEV_HIGH, true, NULL },
	{ "PYTHONPATH", SEV_MEDIUM, true, NULL }, { "PERL5LIB", SEV_MEDIUM, true, NULL },
	{ "RUBYLIB", SEV_MEDIUM, true, NULL }, { "NODE_PATH", SEV_MEDIUM, true, NULL },
	{ "GIT_SSH_COMMAND", SEV_MEDIUM, false, NULL }, { "GIT_SSH", SEV_MEDIUM, false, NULL },
};

/* has_marker: one of the options in the value's words ("--require=x" too). */
static bool has_marker(const char *val, const char *const *markers)
{
	char buf[1024], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", val);
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		for (int i = 0; markers[i]; i++) {
			size_t l = strlen(markers[i]);

			if (!strncmp(w, markers[i], l) && (!w[l] || w[l] == '=' || (l == 2 && w[l])))
				return true;
		}
	return false;
}

/* outside_dir: a directory of the ':'-list val lies outside the package's
 * folder, the project and the system's library places. */
static bool outside_dir(struct analyzer *an, const struct owner *o, const char *val)
{
	static const char *const sys[] = { "/usr", "/lib", "/lib64", "/lib32", "/opt", NULL };
	char buf[4096], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", val);
	for (char *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		bool ok = d[0] != '/' || (o->path && path_under(d, o->path)) ||
			  (an->project && path_under(d, an->project));

		for (int i = 0; !ok && sys[i]; i++)
			ok = path_under(d, sys[i]);
		if (!ok)
			return true;
	}
	return false;
}

static const struct inj_var *injection(struct analyzer *an, const struct owner *o, const char *kv)
{
	for (size_t i = 0; i < sizeof(inj_vars) / sizeof(inj_vars[0]); i++) {
		const struct inj_var *iv = &inj_vars[i];
		size_t kl = strlen(iv->key);
		const char *val = kv + kl + 1;

		if (strncmp(kv, iv->key, kl) || kv[kl] != '=' || !*val)
			continue;
		if (!strcmp(iv->key, "ENV") && !strchr(val, '/'))
			return NULL; /* ENV=production is no file sh reads */
		if (iv->markers && !has_marker(val, iv->markers))
			return NULL;
		if (iv->dirs && !outside_dir(an, o, val))
			return NULL;
		return iv;
	}
	return NULL;
}

/* The environment the package manager gave the script: its injection
 * variables, for unexpected_exec_on_exec to compare with.  A script
 * started by another script (a package manager of its own) is no new
 * start: the first script's stays. */
void unexpected_exec_on_script(struct analyzer *an, const struct act *a)
{
	const char *env = a->v->field[3];
	size_t len = a->v->field_len[3], n = 0;
	char *base;

	if (a->o->kind == OWN_PACKAGE)
		return;
	free(a->p->env_base);
	a->p->env_base = NULL;
	a->p->env_base_len = 0;
	base = malloc(len + 1);
	if (!base) {
		an->oom = true;
		return;
	}
	for (size_t off = 0; env && off < len;) {
		const char *kv = env + off;
		size_t l = strnlen(kv, len - off);

		for (size_t i = 0; i < sizeof(inj_vars) / sizeof(inj_vars[0]); i++) {
			size_t kl = strlen(inj_vars[i].key);

			if (!strncmp(kv, inj_vars[i].key, kl) && kv[kl] == '=') {
				memcpy(base + n, kv, l);
				n += l;
				base[n++] = '\0';
				break;
			}
		}
		off += l + 1;
	}
	a->p->env_base = base;
	a->p->env_base_len = n;
}

/* judge_env: the exec's injection variables the script set itself. */
static void judge_env(struct analyzer *an, const struct act *a)
{
	const char *env = a->v->field[3];
	size_t len = a->v->field_len[3];
	char summary[512], key[64];

	for (size_t off = 0; env && off < len;) {
		const char *kv = env + off, *eq = strchr(kv, '=');
		size_t l = strnlen(kv, len - off);
		const struct inj_var *iv;
		const char *given;

		off += l + 1;
		if (!eq || kv[l] || !(iv = injection(an, a->o, kv)))
			continue;
		snprintf(key, sizeof(key), "%s", iv->key);
		given = env_get(a->p->env_base, a->p->env_base_len, key);
		if (given && !strcmp(given, eq + 1))
			continue;
		snprintf(summary, sizeof(summary), "%s set %s for %s: %.300s", owner_label(an, a->p->owner), iv->key,
			 path_base(a->exe ? a->exe : "?"), kv);
		snprintf(key, sizeof(key), "env:%s", iv->key);
		evidence_event(an, finding_add(an, R_UNEXPECTED_EXEC, iv->sev, a->p->owner, key, summary), a->v,
			       a->exe, NULL, NULL);
	}
}

/* PATH lookups fail before the hit: a name is judged once it ran, or when
 * every try failed (the first failure is kept as evidence). */
void unexpected_exec_on_exec(struct analyzer *an, const struct act *a)
{
	const char *a0 = list_get(a->argv, a->alen, 0);
	const char *b = a->exe ? path_base(a->exe) : a0 ? path_base(a0) : "?";
	char summary[512], key[300];
	int sev;

	if (a->o->kind != OWN_PACKAGE)
		return;
	if (a->v->ev->ret == 0)
		judge_env(an, a);
	if (!judge(an, a, b, &sev, key, sizeof(key), summary, sizeof(summary)))
		return;
	evidence_event(an, finding_add(an, R_UNEXPECTED_EXEC, sev, a->p->owner, key, summary), a->v,
		       a->exe, NULL, NULL);
}
