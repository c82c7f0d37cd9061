// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_run.c - pkgtrace [OPTIONS] -- CMD [ARGS...]
 *
 * The child is forked first and waits on a pipe; the parent loads the BPF
 * programs, then lets the child register itself as the tree root (from the
 * kernel side, so PID namespaces do not matter) and exec CMD.  Nothing CMD
 * does happens before tracing starts.  Exec failures come back through a
 * close-on-exec pipe, as a shell reports them: 127 not found, 126 not
 * executable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/wait.h>
#include "analyze.h"
#include "clock.h"
#include "cmds.h"
#include "err.h"
#include "facts.h"
#include "pipeline.h"
#include "probe.h"
#include "session.h"
#include "sessenv.h"

#define GRACE_DEFAULT_MS 2000
#define POLL_MS 100
#define ROOT_SESSION 1 /* probe_register_self() marks session 1 */

struct run_opts {
	struct pipeline_opts po;
	const char *baseline_path;
	int fail_on;
	long grace_ms;
	bool no_color;
	char **cmd;
	int cmdc;
};

/* What the child reports through the close-on-exec pipe when its exec
 * fails. */
struct child_failure {
	int err;   /* errno of the failed exec */
};

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t got_signal;

#define RUN_SYNOPSIS "pkgtrace [OPTIONS] -- CMD [ARGS...]  (pkgtrace --help for more)"

/* parse_args: fills o.  Returns 0, or PT_EXIT_USAGE with the problem
 * reported (p_usage). */
static int parse_args(int argc, char **argv, struct run_opts *o)
{
	enum { O_EVENTS = 256, O_REPORT, O_RECORD, O_FORMAT, O_FAIL_ON, O_BASELINE,
	       O_GRACE, O_NO_COLOR, O_JSON_ERRORS };
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, O_EVENTS },
		{ "report", required_argument, NULL, O_REPORT },
		{ "record", required_argument, NULL, O_RECORD },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "grace", required_argument, NULL, O_GRACE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-color", no_argument, NULL, O_NO_COLOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json-errors", no_argument, NULL, O_JSON_ERRORS },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->fail_on = SEV_HIGH;
	o->grace_ms = GRACE_DEFAULT_MS;
	o->po.format = FMT_TEXT;
	opterr = 0;
	optind = 1;
	/* '+': stop at the first non-option, so CMD's own options stay its own */
	while ((c = getopt_long(argc, argv, "+:qv", longopts, NULL)) != -1) {
		switch (c) {
		case O_EVENTS: o->po.events_path = optarg; break;
		case O_REPORT: o->po.report_path = optarg; break;
		case O_RECORD: o->po.record_path = optarg; break;
		case O_BASELINE: o->baseline_path = optarg; break;
		case O_FORMAT: {
			int fmt = report_format_parse(optarg);

			if (fmt < 0)
				return p_usage(RUN_SYNOPSIS, "--format: '%s' is not text, json or sarif", optarg);
			o->po.format = (enum report_format)fmt;
			break;
		}
		case O_FAIL_ON:
			o->fail_on = severity_parse(optarg);
			if (o->fail_on < 0)
				return p_usage(RUN_SYNOPSIS, "--fail-on: '%s' is not info, low, medium, high, critical or never", optarg);
			break;
		case O_GRACE:
			errno = 0;
			o->grace_ms = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->grace_ms < 0 || o->grace_ms > 3600000)
				return p_usage(RUN_SYNOPSIS, "--grace: '%s' is not a number of milliseconds (0..3600000)", optarg);
			break;
		case 'q': o->po.quiet = true; break;
		case O_NO_COLOR: o->no_color = true; break;
		case 'v': verbose++; break;
		case O_JSON_ERRORS: err_json = true; break;
		case ':':
			return p_usage(RUN_SYNOPSIS, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return p_usage(RUN_SYNOPSIS, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < 2 || strcmp(argv[optind - 1], "--"))
		return p_usage(RUN_SYNOPSIS, "missing '--' before the command");
	if (optind >= argc)
		return p_usage(RUN_SYNOPSIS, "missing the command after '--'");
	o->cmd = argv + optind;
	o->cmdc = argc - optind;
	return 0;
}

/* ---- session info ------------------------------------------------------ */

/* The session info of the command: this host, argv, pkgtrace's cwd and
 * the wanted part of its environment (the command inherits both). */
static int run_session_init(struct session_info *si, int cmdc, char **cmd)
{
	extern char **environ;
	int err = session_init(si);

	if (!err)
		err = session_set_argv(si, cmdc, cmd);
	if (!err && !(si->cwd = getcwd(NULL, 0)))
		err = -errno;
	if (!err)
		err = sessenv_filter(environ, NULL, 0, &si->env, &si->envc);
	return err;
}

/* ---- child ------------------------------------------------------------- */

static void child_report(int fd, int err)
{
	struct child_failure f = { .err = err };
	ssize_t unused = write(fd, &f, sizeof(f));

	(void)unused;
}

/* Runs in the forked child: wait for the go byte, register, exec. */
static __attribute__((noreturn)) void child_main(int go_fd, int err_fd, uint64_t cookie, char **cmd)
{
	char go;
	ssize_t r;
	int err;

	do
		r = read(go_fd, &go, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1) /* the parent gave up (BPF failed): run nothing untraced */
		_exit(PT_EXIT_INTERNAL);
	close(go_fd);
	probe_register_self(cookie);
	execvp(cmd[0], cmd);
	err = errno;
	child_report(err_fd, err);
	_exit(err == ENOENT || err == ENOTDIR ? PT_EXIT_NOTFOUND : PT_EXIT_NOEXEC);
}

/* Forwards SIGINT/SIGTERM/SIGHUP sent to pkgtrace.  A terminal's ^C
 * (SI_KERNEL) already reached the child in the same process group, so it
 * is not sent twice. */
static void on_signal(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	got_signal = sig;
	if (child_pid > 0 && info->si_code != SI_KERNEL)
		kill(child_pid, sig);
}

/* Does nothing but exist: an ignored SIGCHLD is discarded, while a caught
 * one interrupts the ring buffer's epoll_wait (no SA_RESTART), so the end
 * of the command is seen at once instead of at the next poll timeout
 * (POLL_MS: 50 ms on average added to every run). */
static void on_sigchld(int sig)
{
	(void)sig;
}

static void install_handlers(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	struct sigaction chld = { .sa_handler = on_sigchld, .sa_flags = SA_NOCLDSTOP };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&chld.sa_mask);
	sigaction(SIGCHLD, &chld, NULL);
}

/* ---- parent ------------------------------------------------------------ */

struct run_ctx {
	struct pipeline *pipe;
	struct session_info *si;
};

static int on_record(void *ctx, const void *raw, size_t size)
{
	struct run_ctx *rc = ctx;
	const struct pt_event *ev = raw;

	rc->si->events++;
	if (size >= sizeof(*ev) && ev->type == PT_EV_ROOT && !rc->si->root_pid)
		rc->si->root_pid = ev->pid;
	if (rc->pipe)
		pipeline_feed(rc->pipe, raw, size);
	return 0; /* a malformed record is counted by the pipeline, never fatal */
}

/* Reaps every exited child; when pkgtrace is PID 1 of a namespace, orphans
 * of the traced tree are ours to reap too.  True once cmd has exited. */
static bool reap(pid_t cmd, int *status)
{
	bool done = false;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == cmd) {
			*status = st;
			done = true;
		}
	}
	return done;
}

static int status_exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return PT_EXIT_INTERNAL;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct session_info si;
	struct baseline *bl = NULL;
	struct facts *facts = NULL;
	struct probe *probe = NULL;
	struct probe_opts popts = { 0 };
	struct run_ctx rc = { 0 };
	struct child_failure cf = { 0 };
	int go[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int status = 0, err, ret = PT_EXIT_INTERNAL, lingering = 0, sev;
	bool exited = false;
	char msg[512];
	pid_t pid = -1;
	ssize_t r;

	memset(&si, 0, sizeof(si));
	if (parse_args(argc, argv, &o))
		return PT_EXIT_USAGE;
	bl = baseline_load(o.baseline_path, msg, sizeof(msg));
	if (!bl) {
		p_err("%s", msg);
		return PT_EXIT_BAD_INPUT;
	}
	o.po.baseline = bl;
	o.po.color = !o.no_color && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	facts = facts_new(1);
	o.po.facts = facts;
	if (!facts || run_session_init(&si, o.cmdc, o.cmd)) {
		p_err("out of memory");
		goto cleanup;
	}
	if (getrandom(&popts.reg_cookie, sizeof(popts.reg_cookie), 0) != sizeof(popts.reg_cookie)) {
		p_err("getrandom: %s", strerror(errno));
		goto cleanup;
	}
	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		p_err("pipe: %s", strerror(errno));
		goto cleanup;
	}
	install_handlers();
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("fork: %s", strerror(errno));
		goto cleanup;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(go[1]);
		close(errp[0]);
		child_main(go[0], errp[1], popts.reg_cookie, o.cmd);
	}
	child_pid = pid;
	close(go[0]);
	close(errp[1]);
	go[0] = errp[1] = -1;

	rc.si = &si;
	err = probe_new(&popts, on_record, &rc, &probe);
	if (err) {
		ret = probe_exit_status(err);
		goto cleanup;
	}
	si.collector_pid = (uint32_t)getpid();
	si.nmonitor_maps = probe_map_ids(probe, si.monitor_maps, SESSION_MONITOR_MAPS);
	if (pipeline_new(&o.po, &si, &rc.pipe))
		goto cleanup;
	si.start_ns = clock_ns(CLOCK_BOOTTIME);
	if (write(go[1], "g", 1) != 1) {
		p_err("cannot start the command: %s", strerror(errno));
		goto cleanup;
	}
	close(go[1]);
	go[1] = -1;
	/* EOF: the exec succeeded; a record: it failed */
	do
		r = read(errp[0], &cf, sizeof(cf));
	while (r < 0 && errno == EINTR);
	if (r == sizeof(cf) && (cf.err == ENOENT || cf.err == ENOTDIR))
		p_err("%s: command not found", o.cmd[0]);
	else if (r == sizeof(cf))
		p_err("%s: %s", o.cmd[0], strerror(cf.err));

	while (!(exited = reap(pid, &status))) {
		err = probe_poll(probe, POLL_MS);
		if (err < 0 && err != -EINTR) {
			p_err("reading events: %s", strerror(-err));
			break;
		}
	}
	if (!exited) { /* ring buffer failure: still wait for the command */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	si.exit_status = status;

	/* Grace period: let the rest of the tree finish; survivors are
	 * reported (lingering-process), never killed. */
	{
		uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + (uint64_t)o.grace_ms * 1000000ull;

		/* a signal to pkgtrace during the grace period ends it early */
		while ((lingering = probe_tree_size(probe, ROOT_SESSION)) > 0 &&
		       clock_ns(CLOCK_MONOTONIC) < deadline && !got_signal) {
			probe_poll(probe, 50);
			reap(pid, &status);
		}
	}
	probe_drain(probe);
	si.end_ns = clock_ns(CLOCK_BOOTTIME);
	si.drops = probe_drops(probe);
	si.interrupted = got_signal != 0;
	if (lingering > 0)
		p_warn("%d process(es) of the traced tree still running %ld ms after the command "
		       "exited; left running and reported", lingering, o.grace_ms);
	if (si.drops)
		p_warn("%llu event(s) dropped by the kernel: the trace is incomplete",
		       (unsigned long long)si.drops);

	sev = pipeline_finish(rc.pipe, &si);
	rc.pipe = NULL;
	if (sev < -1) {
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	if (o.fail_on != SEV_NEVER && sev >= o.fail_on)
		ret = PT_EXIT_FINDINGS;
	else
		ret = status_exit_code(status);
cleanup:
	if (rc.pipe) {
		pipeline_finish(rc.pipe, &si);
		rc.pipe = NULL;
	}
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (pid > 0 && !exited) { /* the child never got the go byte: it exits */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	probe_free(probe);
	facts_free(facts);
	baseline_free(bl);
	session_free(&si);
	return ret;
}
