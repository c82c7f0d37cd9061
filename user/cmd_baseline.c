// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_baseline.c - pkgtrace baseline --print
 *
 * Writes the built-in baseline (baseline/default.json, compiled in by the
 * Makefile as baseline_default_json) to stdout, byte for byte: the
 * starting point for a --baseline file of one's own.
 */
#include <stdio.h>
#include <string.h>
#include "cmds.h"
#include "err.h"

extern const char baseline_default_json[];

#define BASELINE_SYNOPSIS "pkgtrace baseline --print  (pkgtrace baseline --help for more)"

static void usage(FILE *out)
{
	fprintf(out, "Usage: pkgtrace baseline --print\n"
		"  --print   write the built-in baseline (JSON, schemas/baseline.schema.json)\n"
		"            to stdout, to edit and pass back with --baseline FILE\n");
}

int cmd_baseline(int argc, char **argv)
{
	size_t len = strlen(baseline_default_json);

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return PT_EXIT_OK;
	}
	if (argc < 2)
		return p_usage(BASELINE_SYNOPSIS, "missing --print");
	if (strcmp(argv[1], "--print"))
		return p_usage(BASELINE_SYNOPSIS, "unknown option '%s'", argv[1]);
	if (argc > 2)
		return p_usage(BASELINE_SYNOPSIS, "'%s' is extra", argv[2]);
	if (fwrite(baseline_default_json, 1, len, stdout) != len || fflush(stdout)) {
		p_err("writing the baseline: %m");
		return PT_EXIT_INTERNAL;
	}
	return PT_EXIT_OK;
}
