// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* daemon/args.c - the daemon's options, their defaults and bounds. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cgroupctx.h"
#include "daemon/args.h"
#include "err.h"

#define GRACE_DEFAULT_MS 2000
#define MAX_SESSIONS_DEFAULT 64
#define MAX_SESSIONS_LIMIT 4096
#define MAX_DURATION_DEFAULT_S 3600
#define HEALTH_MAX_AGE_DEFAULT_S 10
#define WEBHOOK_QUEUE_DEFAULT 256
#define WEBHOOK_RETRIES_DEFAULT 3
#define WEBHOOK_TIMEOUT_DEFAULT_MS 5000
#define WEBHOOK_BACKOFF_MS 500

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
"      --traces-max-bytes N[K|M|G]  keep --record-dir under N bytes on disk:\n"
"                           the oldest traces are removed first\n"
"      --traces-max-age S   remove traces older than S seconds (60 or more)\n"
"      --status-file FILE   rewrite FILE about once a second with the daemon's\n"
"                           counts (sessions, drops, webhook, traces)\n"
"      --health             check --status-file instead of running: exit 0 when\n"
"                           its daemon lives and it is fresh, 1 when not\n"
"      --health-max-age S   the age --health accepts (default 10)\n"
"      --webhook URL        POST each report with a finding to URL (http or\n"
"                           https; repeatable, up to 8)\n"
"      --webhook-header 'NAME: VALUE'  sent with each POST (repeatable);\n"
"                           @FILE: one such line per line of FILE (a token\n"
"                           stays out of the command line)\n"
"      --webhook-ca FILE    CA certificates (PEM) that https webhooks are\n"
"                           verified with (default: the system's)\n"
"      --webhook-retries N  attempts after a failed one, 0..10 (default 3),\n"
"                           backoff 0.5 s doubling\n"
"      --webhook-timeout MS one attempt's time limit (default 5000)\n"
"      --webhook-queue N    alerts waiting at most (default 256); the oldest\n"
"                           is dropped (counted) when full\n"
"  -v, --verbose            more detail on stderr\n"
"      --json-errors        errors as JSON objects on stderr\n"
"  -h, --help               this help\n"
"\n"
"SIGTERM/SIGINT: open sessions are reported (interrupted), queued alerts\n"
"get up to 5 s, and the daemon exits 0.  Exit status: 2 bad arguments;\n"
"65 bad baseline, policy, --record-dir, --webhook-ca or header file\n"
"(--health: no status file); 77 not root; 78 BPF unavailable; 125 internal\n"
"error; --health: 1 unhealthy.\n");
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

/* parse_bytes: *out from s, a count of bytes with an optional K, M or G
 * (powers of 1024).  Returns 0, or PT_EXIT_USAGE (reported). */
static int parse_bytes(const char *opt, const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'M' || *end == 'G')
		shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 30;
	if (shift)
		end++;
	if (errno || end == s || *s == '-' || *end || !v || v > (1ull << 50) >> shift)
		return p_usage(DAEMON_SYNOPSIS, "daemon: %s: '%s' is not a size such as 500M", opt, s);
	*out = (uint64_t)v << shift;
	return 0;
}

/* --webhook URL: http or https only, as the transfer is restricted to them */
static int add_webhook(struct webhook_opts *w, const char *url)
{
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return p_usage(DAEMON_SYNOPSIS, "daemon: --webhook: '%s' is not an http:// or https:// URL",
			       url);
	if (w->nurls == WEBHOOK_MAX_URLS)
		return p_usage(DAEMON_SYNOPSIS, "daemon: --webhook: at most %d URLs", WEBHOOK_MAX_URLS);
	w->urls[w->nurls++] = url;
	return 0;
}

/* --webhook-header 'NAME: VALUE' or @FILE (checked when read) */
static int add_header(struct webhook_opts *w, const char *h)
{
	if (h[0] != '@' && !webhook_header_valid(h))
		return p_usage(DAEMON_SYNOPSIS, "daemon: --webhook-header: '%s' is not 'Name: value' or @FILE", h);
	if (h[0] == '@' && !h[1])
		return p_usage(DAEMON_SYNOPSIS, "daemon: --webhook-header: '@' needs a file name");
	if (w->nheaders == WEBHOOK_MAX_HEADERS)
		return p_usage(DAEMON_SYNOPSIS, "daemon: --webhook-header: at most %d headers",
			       WEBHOOK_MAX_HEADERS);
	w->headers[w->nheaders++] = h;
	return 0;
}

int daemon_args_parse(int argc, char **argv, struct daemon_opts *o)
{
	enum { O_OUTPUT = 256, O_RECORD_DIR, O_BASELINE, O_POLICY, O_PODS_DIR, O_CGROUP_ROOT, O_GRACE,
	       O_CMDS, O_MAX, O_MAX_DURATION, O_JSON_ERRORS, O_STATUS_FILE, O_HEALTH,
	       O_HEALTH_MAX_AGE, O_TRACES_MAX_BYTES, O_TRACES_MAX_AGE, O_WEBHOOK, O_WEBHOOK_HEADER,
	       O_WEBHOOK_RETRIES, O_WEBHOOK_TIMEOUT, O_WEBHOOK_QUEUE, O_WEBHOOK_CA };
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
		{ "status-file", required_argument, NULL, O_STATUS_FILE },
		{ "health", no_argument, NULL, O_HEALTH },
		{ "health-max-age", required_argument, NULL, O_HEALTH_MAX_AGE },
		{ "traces-max-bytes", required_argument, NULL, O_TRACES_MAX_BYTES },
		{ "traces-max-age", required_argument, NULL, O_TRACES_MAX_AGE },
		{ "webhook", required_argument, NULL, O_WEBHOOK },
		{ "webhook-header", required_argument, NULL, O_WEBHOOK_HEADER },
		{ "webhook-retries", required_argument, NULL, O_WEBHOOK_RETRIES },
		{ "webhook-timeout", required_argument, NULL, O_WEBHOOK_TIMEOUT },
		{ "webhook-queue", required_argument, NULL, O_WEBHOOK_QUEUE },
		{ "webhook-ca", required_argument, NULL, O_WEBHOOK_CA },
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
	o->health_max_age_s = HEALTH_MAX_AGE_DEFAULT_S;
	o->webhook.queue_max = WEBHOOK_QUEUE_DEFAULT;
	o->webhook.retries = WEBHOOK_RETRIES_DEFAULT;
	o->webhook.timeout_ms = WEBHOOK_TIMEOUT_DEFAULT_MS;
	o->webhook.backoff_ms = WEBHOOK_BACKOFF_MS;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		err = 0;
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
			break;
		case O_MAX:
			err = parse_long("--max-sessions", optarg, 1, MAX_SESSIONS_LIMIT, &o->max_sessions);
			break;
		case O_MAX_DURATION:
			err = parse_long("--max-duration", optarg, 1, 7 * 86400, &o->max_duration_s);
			break;
		case O_STATUS_FILE: o->status_file = optarg; break;
		case O_HEALTH: o->health = true; break;
		case O_HEALTH_MAX_AGE:
			err = parse_long("--health-max-age", optarg, 1, 86400, &o->health_max_age_s);
			break;
		case O_TRACES_MAX_BYTES:
			err = parse_bytes("--traces-max-bytes", optarg, &o->traces_max_bytes);
			break;
		case O_TRACES_MAX_AGE:
			err = parse_long("--traces-max-age", optarg, 60, 366 * 86400L, &o->traces_max_age_s);
			break;
		case O_WEBHOOK: err = add_webhook(&o->webhook, optarg); break;
		case O_WEBHOOK_HEADER: err = add_header(&o->webhook, optarg); break;
		case O_WEBHOOK_CA: o->webhook.ca_file = optarg; break;
		case O_WEBHOOK_RETRIES:
			err = parse_long("--webhook-retries", optarg, 0, 10, &o->webhook.retries);
			break;
		case O_WEBHOOK_TIMEOUT:
			err = parse_long("--webhook-timeout", optarg, 100, 60000, &o->webhook.timeout_ms);
			break;
		case O_WEBHOOK_QUEUE:
			err = parse_long("--webhook-queue", optarg, 1, 100000, &o->webhook.queue_max);
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
		if (err)
			return err;
	}
	if (optind < argc)
		return p_usage(DAEMON_SYNOPSIS, "daemon: unexpected argument '%s'", argv[optind]);
	if (o->health && !o->status_file)
		return p_usage(DAEMON_SYNOPSIS, "daemon: --health needs --status-file");
	if ((o->traces_max_bytes || o->traces_max_age_s) && !o->record_dir)
		return p_usage(DAEMON_SYNOPSIS, "daemon: --traces-max-bytes and --traces-max-age need --record-dir");
	if ((o->webhook.nheaders || o->webhook.ca_file) && !o->webhook.nurls)
		return p_usage(DAEMON_SYNOPSIS, "daemon: --webhook-header and --webhook-ca need --webhook");
	return 0;
}
