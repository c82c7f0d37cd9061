// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_diff.c - pkgtrace diff [OPTIONS] OLD NEW
 *
 * What each package does in NEW that it did not in OLD, and what it no
 * longer does: OLD and NEW are JSON reports or traces (judged first, as
 * replay does).  Needs no root and no BPF.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "analyze.h"
#include "behaviour.h"
#include "cmds.h"
#include "diff.h"
#include "err.h"

#define DIFF_SYNOPSIS "pkgtrace diff [OPTIONS] OLD NEW  (pkgtrace diff --help for more)"

struct diff_opts {
	const char *old_path, *new_path, *baseline_path;
	enum diff_format format;
	int fail_on;
	bool no_color, help;
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: pkgtrace diff [--format text|json|markdown] [--fail-on SEV] [--baseline F]\n"
"                     [--no-color] OLD NEW\n"
"\n"
"OLD and NEW are JSON reports (--report) or traces (--record), told apart by\n"
"content.  For each package added, removed, of another version, or that\n"
"behaves differently: the processes, writes outside its folder, credential\n"
"categories, endpoints, DNS names, listening sockets, lingering processes and\n"
"findings that are new or gone.\n"
"\n"
"  --fail-on SEV   exit 10 when an added or changed package does something new\n"
"                  that a finding at or above SEV names: info, low, medium,\n"
"                  high (default), critical, or never\n"
"  --baseline F    the baseline a trace is judged with (default: built in)\n"
"\n"
"Exit status: 0 (nothing new at or above --fail-on); 10; 2 bad arguments;\n"
"65 an input is no report or trace, damaged, or of another ecosystem;\n"
"66 an input is missing or unreadable.\n");
}

static int parse_args(int argc, char **argv, struct diff_opts *o)
{
	enum { O_FORMAT = 256, O_FAIL_ON, O_BASELINE, O_NO_COLOR, O_JSON_ERRORS };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "no-color", no_argument, NULL, O_NO_COLOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json-errors", no_argument, NULL, O_JSON_ERRORS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, fmt;

	o->fail_on = SEV_HIGH;
	o->format = DIFF_TEXT;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			o->help = true;
			return 0;
		case O_FORMAT:
			fmt = diff_format_parse(optarg);
			if (fmt < 0)
				return p_usage(DIFF_SYNOPSIS, "--format: '%s' is not text, json or markdown", optarg);
			o->format = (enum diff_format)fmt;
			break;
		case O_FAIL_ON:
			o->fail_on = severity_parse(optarg);
			if (o->fail_on < 0)
				return p_usage(DIFF_SYNOPSIS, "--fail-on: '%s' is not info, low, medium, high, critical or never", optarg);
			break;
		case O_BASELINE: o->baseline_path = optarg; break;
		case O_NO_COLOR: o->no_color = true; break;
		case 'v': verbose++; break;
		case O_JSON_ERRORS: err_json = true; break;
		case ':':
			return p_usage(DIFF_SYNOPSIS, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return p_usage(DIFF_SYNOPSIS, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return p_usage(DIFF_SYNOPSIS, "needs two reports or traces, OLD and NEW");
	if (argc - optind > 2)
		return p_usage(DIFF_SYNOPSIS, "two inputs only ('%s' is extra)", argv[optind + 2]);
	o->old_path = argv[optind];
	o->new_path = argv[optind + 1];
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = { 0 };
	struct baseline *bl = NULL;
	struct bh_set *old = NULL, *new = NULL;
	struct json_object *d = NULL;
	const char *old_eco, *new_eco;
	bool is_trace;
	int ret, max_new;
	char msg[512];

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	if (o.help) {
		usage(stdout);
		return PT_EXIT_OK;
	}
	bl = baseline_load(o.baseline_path, msg, sizeof(msg));
	if (!bl) {
		p_err("%s", msg);
		return PT_EXIT_BAD_INPUT;
	}
	ret = diff_load(o.old_path, bl, &old, &is_trace);
	if (ret)
		goto cleanup;
	ret = diff_load(o.new_path, bl, &new, &is_trace);
	if (ret)
		goto cleanup;
	if (diff_ecosystems_disjoint(old, new, &old_eco, &new_eco)) {
		p_err("%s has %s packages and %s has %s ones, none in common: nothing to compare",
		      o.old_path, old_eco, o.new_path, new_eco);
		ret = PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	ret = PT_EXIT_INTERNAL;
	d = diff_build(old, new, o.old_path, o.new_path, &max_new);
	if (!d) {
		p_err("out of memory");
		goto cleanup;
	}
	if (diff_write(d, stdout, o.format,
		       o.format == DIFF_TEXT && !o.no_color && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"))) {
		p_err("writing the diff failed");
		goto cleanup;
	}
	ret = o.fail_on != SEV_NEVER && max_new >= o.fail_on ? PT_EXIT_FINDINGS : PT_EXIT_OK;
cleanup:
	json_object_put(d);
	behaviour_free(old);
	behaviour_free(new);
	baseline_free(bl);
	return ret;
}
