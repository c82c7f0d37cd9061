// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* daemon/args.c - the daemon's options, their defaults and bounds. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include "cgroupctx.h"
#include "daemon/args.h"
#include "err.h"

#define GRACE_DEFAULT_MS 2000
#define MAX_SESSIONS_DEFAULT 64
#define MAX_SESSIONS_LIMIT 4096
#define MAX_DURATION_DEFAULT_S 3600

void daemon_usage(FILE *f)
{
	fprintf(f,
"Usage: pkgtrace daemon [OPTIONS]\n"
"Trace every package install on this node; one JSON report line per install.\n"
"\n"
"      --output FILE        append report lines to FILE (default: stdout);\n"
"                           SIGHUP reopens it\n"
"      --record-dir DIR     keep one trace per session in DIR for 'pkgtrace replay'\n"
"      --baseline FILE      the pure-library baseline (default: built in)\n"
"      --policy FILE        a policy file (README: Policy file) for every report\n"
"      --pods-dir DIR       the kubelet's pod log folders, <namespace>_<name>_<uid>\n"
"                           (default: " CGCTX_PODS_DIR ")\n"
"      --cgroup-root DIR    the cgroup2 hierarchy (default: the cgroup2 mount\n"
"                           in /proc/self/mountinfo)\n"
"      --grace MS           after a session's command exits, wait up to MS for\n"
"                           its descendants (default 2000)\n"
"      --session-cmds LIST  commands that start a session, comma-separated\n"
"                           (default: \"" DAEMON_DEFAULT_CMDS "\");\n"
"                           \"prog word...\" needs those words after prog;\n"
"                           version suffixes are ignored (pip = pip3 = pip3.11)\n"
"      --max-sessions N     sessions traced at once (default 64); more are\n"
"                           reported as dropped\n"
"      --max-duration S     a session still running after S seconds is reported\n"
"                           (interrupted) and no longer followed (default 3600)\n"
"  -v, --verbose            more detail on stderr\n"
"      --json-errors        errors as JSON objects on stderr\n"
"  -h, --help               this help\n"
"\n"
"SIGTERM/SIGINT: open sessions are reported (interrupted) and the daemon\n"
"exits 0.  Exit status: 2 bad arguments; 65 bad baseline or policy; 77 not root;\n"
"78 BPF unavailable; 125 internal error.\n");
}

/* parse_long: *out from s in lo..hi.  Returns 0, or PT_EXIT_USAGE with the
 * problem reported (p_usage). */
static int parse_long(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || end == s || *end || *out < lo || *out > hi)
		return p_usage(DAEMON_SYNOPSIS, "daemon: %s: '%s' is not a number in %ld..%ld", opt, s,
			       lo, hi);
	return 0;
}

int daemon_args_parse(int argc, char **argv, struct daemon_opts *o)
{
	enum { O_OUTPUT = 256, O_RECORD_DIR, O_BASELINE, O_POLICY, O_PODS_DIR, O_CGROUP_ROOT, O_GRACE,
	       O_CMDS, O_MAX, O_MAX_DURATION, O_JSON_ERRORS };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "record-dir", required_argument, NULL, O_RECORD_DIR },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "pods-dir", required_argument, NULL, O_PODS_DIR },
		{ "cgroup-root", required_argument, NULL, O_CGROUP_ROOT },
		{ "grace", required_argument, NULL, O_GRACE },
		{ "session-cmds", required_argument, NULL, O_CMDS },
		{ "max-sessions", required_argument, NULL, O_MAX },
		{ "max-duration", required_argument, NULL, O_MAX_DURATION },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json-errors", no_argument, NULL, O_JSON_ERRORS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	o->grace_ms = GRACE_DEFAULT_MS;
	o->max_sessions = MAX_SESSIONS_DEFAULT;
	o->max_duration_s = MAX_DURATION_DEFAULT_S;
	o->cmds = DAEMON_DEFAULT_CMDS;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case O_OUTPUT: o->output = optarg; break;
		case O_RECORD_DIR: o->record_dir = optarg; break;
		case O_BASELINE: o->baseline_path = optarg; break;
		case O_POLICY: o->policy_path = optarg; break;
		case O_PODS_DIR: o->pods_dir = optarg; break;
		case O_CGROUP_ROOT: o->cgroup_root = optarg; break;
		case O_CMDS: o->cmds = optarg; break;
		case O_GRACE:
			err = parse_long("--grace", optarg, 0, 3600000, &o->grace_ms);
			if (err)
				return err;
			break;
		case O_MAX:
			err = parse_long("--max-sessions", optarg, 1, MAX_SESSIONS_LIMIT, &o->max_sessions);
			if (err)
				return err;
			break;
		case O_MAX_DURATION:
			err = parse_long("--max-duration", optarg, 1, 7 * 86400, &o->max_duration_s);
			if (err)
				return err;
			break;
		case 'v': verbose++; break;
		case O_JSON_ERRORS: err_json = true; break;
		case 'h':
			o->help = true;
			return 0;
		case ':':
			return p_usage(DAEMON_SYNOPSIS, "daemon: option '%s' needs an argument",
				       argv[optind - 1]);
		default:
			return p_usage(DAEMON_SYNOPSIS, "daemon: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return p_usage(DAEMON_SYNOPSIS, "daemon: unexpected argument '%s'", argv[optind]);
	return 0;
}
