/*
 * daemon/args.h - the daemon's command line: its options with their
 * defaults and bounds, and --help.
 */
#ifndef PKGTRACE_DAEMON_ARGS_H
#define PKGTRACE_DAEMON_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#define DAEMON_SYNOPSIS "pkgtrace daemon [OPTIONS]  (pkgtrace daemon --help for more)"
#define DAEMON_DEFAULT_CMDS "npm,npx,yarn,pnpm,bun,pip,pip3,python -m pip,uv pip,poetry install"

struct daemon_opts {
	const char *output;         /* --output, NULL: stdout */
	const char *record_dir;
	const char *baseline_path;
	const char *policy_path;    /* --policy, or NULL (no default file: no project root) */
	const char *pods_dir;
	const char *cgroup_root;
	const char *cmds;           /* --session-cmds, as given */
	long grace_ms;
	long max_sessions;
	long max_duration_s;
	bool help;
};

/* daemon_args_parse: o filled from argv (-v and --json-errors set the
 * globals of err.h).  Returns 0 (o->help set after --help), or
 * PT_EXIT_USAGE with the problem reported (p_usage). */
int daemon_args_parse(int argc, char **argv, struct daemon_opts *o);

/* daemon_usage: the --help text. */
void daemon_usage(FILE *f);

#endif
