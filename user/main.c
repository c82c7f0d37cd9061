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
"       pkgtrace help | version | --help | --version\n"
"\n"
"Global options:\n"
"  -v, --verbose        more detail on stderr (libbpf's log too)\n"
"      --json-errors    errors as one JSON object per line on stderr\n"
"\n"
"Run options:\n"
"      --events FILE    every event as one JSON object per line\n"
"      --report FILE    the JSON report\n"
"      --record FILE    a trace for 'pkgtrace replay'\n"
"      --format FMT     report on stdout: text (default), json or sarif\n"
"      --fail-on SEV    exit 10 on a finding at or above SEV: info, low, medium,\n"
"                       high (default), critical, or never\n"
"      --baseline FILE  the pure-library baseline (default: built in)\n"
"      --grace MS       how long to wait for descendants once CMD exits\n"
"                       (default 2000)\n"
"      --linger-watch MS  how long to keep tracing what is still running after\n"
"                       the grace period (default 10000, at most 600000); then\n"
"                       it is killed with CMD's PID namespace and reported\n"
"      --keep-survivors leave those processes running, untraced, instead\n"
"      --enforce        refuse, with a seccomp filter, the calls an install uses\n"
"                       to evade or attack its monitor (io_uring, 32-bit ABIs,\n"
"                       bpf, ptrace, mounts, new user/mount namespaces...)\n"
"      --user USER[:GROUP]  run CMD as USER (its groups, HOME, no capabilities);\n"
"                       under sudo the caller is the default; --user root keeps root\n"
"      --shield         hide the credential stores of CMD's HOME (~/.ssh, ~/.aws,\n"
"                       ~/.docker/config.json, ...) in a private mount namespace\n"
"  -q, --quiet          no report on stdout\n"
"      --no-color       no colour, even on a terminal\n"
"\n"
"Exit status: CMD's own (128+N when killed by signal N); 10 findings at or\n"
"above --fail-on; 2 bad arguments; 65 bad input file; 67 no such --user;\n"
"69 enforcement asked for but not possible here; 77 not root;\n"
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
