/*
 * daemon/args.h - the daemon's command line: its options with their
 * defaults and bounds, and --help.
 */
#ifndef PKGTRACE_DAEMON_ARGS_H
#define PKGTRACE_DAEMON_ARGS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include "daemon/webhook.h"

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
	const char *status_file;    /* --status-file, NULL: none */
	bool health;                /* --health: check status_file, do not run */
	long health_max_age_s;
	uint64_t traces_max_bytes;  /* 0: no bound */
	long traces_max_age_s;      /* 0: no bound */
	struct webhook_opts webhook; /* nurls 0: no webhook */
	bool help;
};

/* daemon_args_parse: o filled from argv (-v and --json-errors set the
 * globals of err.h).  Returns 0 (o->help set after --help), or
 * PT_EXIT_USAGE with the problem reported (p_usage). */
int daemon_args_parse(int argc, char **argv, struct daemon_opts *o);

/* daemon_usage: the --help text. */
void daemon_usage(FILE *f);

#endif
