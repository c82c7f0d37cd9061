// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * main.c - global options and the command table.  As in bpftool, the first
 * word picks the command; "pkgtrace [OPTIONS] -- CMD" (any argv holding
 * "--") is the run command.
 */
#include <stdio.h>
#include <string.h>
#include "cmds.h"
#include "err.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "run", cmd_run },
	{ "doctor", cmd_doctor },
	{ "replay", cmd_replay },
	{ "daemon", cmd_daemon },
	{ "diff", cmd_diff },
	{ "approve", cmd_approve },
	{ "baseline", cmd_baseline },
	{ "help", cmd_help },
	{ "version", cmd_version },
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: pkgtrace [GLOBAL] [OPTIONS] -- CMD [ARGS...]   trace CMD's process tree\n"
"       pkgtrace [GLOBAL] doctor                       check this machine\n"
"       pkgtrace [GLOBAL] replay [OPTIONS] TRACE       judge a recorded trace again\n"
"       pkgtrace [GLOBAL] daemon [OPTIONS]             trace installs node-wide\n"
"       pkgtrace [GLOBAL] diff [OPTIONS] OLD NEW        what changed between two installs\n"
"       pkgtrace [GLOBAL] approve [OPTIONS] -- CMD     trace every install script in a\n"
"                                                      sandboxed copy; propose approvals\n"
"       pkgtrace baseline --print                      write the built-in baseline\n"
"       pkgtrace help | version | --help | --version\n"
"\n"
"Global options:\n"
"  -v, --verbose        more detail on stderr (libbpf's log too)\n"
"      --json-errors    errors as one JSON object per line on stderr\n"
"\n"
"Run options:\n"
"      --events FILE    every event as one JSON object per line\n"
"      --report FILE    the JSON report\n"
"      --sarif FILE     the report as SARIF 2.1.0 (code scanning)\n"
"      --markdown FILE  the report as a Markdown job summary\n"
"      --html FILE      the report as one self-contained HTML page\n"
"      --record FILE    a trace for 'pkgtrace replay'\n"
"      --format FMT     report on stdout: text (default), json, sarif or\n"
"                       markdown; with any but text, CMD's own stdout goes\n"
"                       to stderr so that stdout parses\n"
"      --policy FILE    allowed endpoints, suppressions, severity overrides\n"
"                       (default: ./.pkgtrace.json when it exists)\n"
"      --no-policy      do not read ./.pkgtrace.json\n"
"      --fail-on SEV    exit 10 on a finding at or above SEV: info, low, medium,\n"
"                       high (default), critical, or never\n"
"      --baseline FILE  the pure-library baseline (default: built in)\n"
"      --compare OLD    an earlier install's report or trace: the report gains\n"
"                       what is new since (see pkgtrace diff --help)\n"
"      --grace MS       how long to wait for descendants once CMD exits\n"
"                       (default 2000)\n"
"      --linger-watch MS  how long to keep tracing what is still running after\n"
"                       the grace period (default 10000, at most 600000); then\n"
"                       it is killed with CMD's PID namespace and reported\n"
"      --keep-survivors leave those processes running, untraced, instead\n"
"      --enforce        the install reaches only its registries and the system\n"
"                       resolvers (DNS only for the registry names), no unix\n"
"                       socket outside its directories, keeps no process (its\n"
"                       own cgroup, killed at the end), and a seccomp filter\n"
"                       refuses the calls an install uses to evade or attack\n"
"                       its monitor (io_uring, 32-bit ABIs, bpf, ptrace, mounts,\n"
"                       new user/mount namespaces...) (README, Enforcement)\n"
"      --allow HOST[:PORT]  with --enforce: one more allowed endpoint (port 443\n"
"                       by default); repeatable\n"
"      --user USER[:GROUP]  run CMD as USER (its groups, HOME, no capabilities);\n"
"                       under sudo the caller is the default; --user root keeps root\n"
"      --shield         hide the credential stores of CMD's HOME (~/.ssh, ~/.aws,\n"
"                       ~/.docker/config.json, ...) in a private mount namespace\n"
"  -q, --quiet          no report on stdout\n"
"      --no-color       no colour, even on a terminal\n"
"\n"
"Exit status: CMD's own (128+N when killed by signal N); 10 findings at or\n"
"above --fail-on, not suppressed by the policy (one line on stderr names\n"
"them); 2 bad arguments; 65 bad input file (trace, baseline, policy); 66\n"
"missing input file; 67 no such --user; 68 --enforce: a registry host does\n"
"not resolve; 69 --enforce: this machine cannot enforce; 77 not root;\n"
"78 BPF unavailable; 125 pkgtrace failed; 126 CMD not executable;\n"
"127 CMD not found.\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc; (void)argv;
	usage(stdout);
	return PT_EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc; (void)argv;
	printf("pkgtrace %s\n", PKGTRACE_VERSION);
	return PT_EXIT_OK;
}

int main(int argc, char **argv)
{
	int i;

	/* Global options come first; the rest belongs to the command. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			verbose++;
		else if (!strcmp(a, "--json-errors"))
			err_json = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return cmd_help(0, NULL);
		else if (!strcmp(a, "-V") || !strcmp(a, "--version"))
			return cmd_version(0, NULL);
		else
			break;
	}
	if (i < argc) {
		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
			if (!strcmp(argv[i], cmds[c].name))
				return cmds[c].fn(argc - i, argv + i);
	}
	/* Default command: run, when a "--" separates the traced command. */
	for (int j = i; j < argc; j++) {
		if (!strcmp(argv[j], "--")) {
			argv[i - 1] = argv[0];
			return cmd_run(argc - i + 1, argv + i - 1);
		}
	}
	if (i < argc && argv[i][0] != '-')
		p_err("unknown command '%s'", argv[i]);
	else if (i < argc)
		p_err("unknown option '%s' or missing '-- CMD'", argv[i]);
	else
		p_err("missing '-- CMD' or a command");
	usage(stderr);
	return PT_EXIT_USAGE;
}
