// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* daemon/sesscmds.c - --session-cmds: parsed, normalised and matched. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/args.h"
#include "daemon/sesscmds.h"
#include "err.h"

struct sesscmds {
	char **specs;               /* normalised, NULL-terminated */
	int n;
};

/* The version suffix of a program name cut, as the kernel does:
 * "python3.12" -> "python", "pip3" -> "pip" (one character always stays). */
static size_t prog_len(const char *s, size_t n)
{
	while (n > 1 && (isdigit((unsigned char)s[n - 1]) || s[n - 1] == '.'))
		n--;
	return n;
}

/* One comma-separated entry tok (cut up in place) normalised into spec
 * (SESSCMD_MAX + 1 bytes at least): its words separated by one space,
 * prog's path and version suffix cut ("" for no words).  Returns 0, or
 * PT_EXIT_USAGE with the problem reported. */
static int spec_normalise(char *tok, char *spec, size_t size)
{
	char *wsave = NULL, *w, *sp;
	size_t n = 0;

	spec[0] = '\0';
	for (w = strtok_r(tok, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
		size_t wl = strlen(w);

		if (n == 0) {
			const char *slash = strrchr(w, '/');

			if (slash) /* a path names its basename */
				w = (char *)slash + 1, wl = strlen(w);
			wl = prog_len(w, wl);
		}
		if (n + (n ? 1 : 0) + wl > SESSCMD_MAX || !wl)
			return p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: '%s' is longer "
				       "than %d characters", tok, SESSCMD_MAX);
		n += (size_t)snprintf(spec + n, size - n, "%s%.*s", n ? " " : "", (int)wl, w);
	}
	if ((sp = strchr(spec, ' ')) && (sp = strchr(sp + 1, ' ')) && strchr(sp + 1, ' '))
		return p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: '%s' has more than two "
			       "words after the program", spec);
	return 0;
}

static bool spec_known(const struct sesscmds *c, const char *spec)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->specs[i], spec))
			return true;
	return false;
}

int sesscmds_new(const char *list, struct sesscmds **out)
{
	struct sesscmds *c = calloc(1, sizeof(*c));
	char *copy = strdup(list), *save = NULL, *tok;
	int err = 0;

	if (c)
		c->specs = calloc(SESSCMDS_MAX + 1, sizeof(char *));
	if (!copy || !c || !c->specs) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char spec[64];

		err = spec_normalise(tok, spec, sizeof(spec));
		if (err)
			goto cleanup;
		if (!spec[0] || spec_known(c, spec))
			continue;
		if (c->n >= SESSCMDS_MAX) {
			err = p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: more than %d commands",
				      SESSCMDS_MAX);
			goto cleanup;
		}
		c->specs[c->n] = strdup(spec);
		if (!c->specs[c->n]) {
			err = -ENOMEM;
			goto cleanup;
		}
		c->n++;
	}
	if (!c->n)
		err = p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: no command given");
cleanup:
	free(copy);
	if (err) {
		sesscmds_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void sesscmds_free(struct sesscmds *c)
{
	if (!c)
		return;
	for (int i = 0; c->specs && i < c->n; i++)
		free(c->specs[i]);
	free(c->specs);
	free(c);
}

const char *const *sesscmds_list(const struct sesscmds *c)
{
	return (const char *const *)c->specs;
}

bool sesscmds_match(const struct sesscmds *c, char **w, int n, int first)
{
	char spec[64];

	for (int i = 0; i < n && i < first; i++) {
		const char *b = strrchr(w[i], '/');
		size_t bl;

		b = b ? b + 1 : w[i];
		bl = prog_len(b, strlen(b));
		if (!bl || bl > SESSCMD_MAX)
			continue;
		snprintf(spec, sizeof(spec), "%.*s", (int)bl, b);
		if (spec_known(c, spec))
			return true;
		if (i + 1 < n) {
			snprintf(spec, sizeof(spec), "%.*s %s", (int)bl, b, w[i + 1]);
			if (spec_known(c, spec))
				return true;
		}
		if (i + 2 < n) {
			snprintf(spec, sizeof(spec), "%.*s %s %s", (int)bl, b, w[i + 1], w[i + 2]);
			if (spec_known(c, spec))
				return true;
		}
	}
	return false;
}

/* Index of the program among the first argv words: a #! script's argv
 * starts with its interpreter. */
static int prog_index(const struct sesscmds *c, char **argv, int argc)
{
	for (int i = 0; i < argc && i < 4; i++)
		if (sesscmds_match(c, argv + i, argc - i, 1))
			return i;
	return 0;
}

void sesscmds_trim_interpreter(const struct sesscmds *c, struct session_info *si)
{
	int k = prog_index(c, si->argv, si->argc);

	if (k <= 0)
		return;
	for (int i = 0; i < k; i++)
		free(si->argv[i]);
	memmove(si->argv, si->argv + k, (size_t)(si->argc - k + 1) * sizeof(char *));
	si->argc -= k;
}
