// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * unexpected-exec: a package's script ran something a pure-library build
 * would not: a reverse shell (critical), a network tool (high when piped
 * into a shell), a system tool, a package publish, an inline interpreter
 * payload, or any program the baseline does not expect (low).
 */
#include <stdio.h>
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
	const char *who = owner_label(an, a->p->owner), *payload;
	const struct owner *o = a->o;
	const char *exe = a->exe, *cmdline = a->cmdline;

	if (is_reverse_shell(b, a->argv, a->alen, cmdline)) {
		snprintf(summary, sumlen, "%s ran a reverse shell: %.200s", who, cmdline);
		snprintf(key, keylen, "reverse-shell");
		*sev = SEV_CRITICAL;
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

/* PATH lookups fail before the hit: a name is judged once it ran, or when
 * every try failed (the first failure is kept as evidence). */
void unexpected_exec_on_exec(struct analyzer *an, const struct act *a)
{
	const char *a0 = list_get(a->argv, a->alen, 0);
	const char *b = a->exe ? path_base(a->exe) : a0 ? path_base(a0) : "?";
	char summary[512], key[300];
	int sev;

	if (a->o->kind != OWN_PACKAGE || !judge(an, a, b, &sev, key, sizeof(key), summary, sizeof(summary)))
		return;
	evidence_event(an, finding_add(an, R_UNEXPECTED_EXEC, sev, a->p->owner, key, summary), a->v,
		       a->exe, NULL, NULL);
}
