// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_run.c - pkgtrace [OPTIONS] -- CMD [ARGS...]
 *
 * The child is forked first, as pid 2 of a PID namespace of its own whose
 * init is ours (nsinit.h: the install can neither signal its collector
 * nor outlive it), and waits on a pipe; the parent loads the BPF programs,
 * then lets the child register itself as the tree root (from the kernel
 * side, so PID namespaces do not matter) and exec CMD.  Nothing CMD does
 * happens before tracing starts.  Exec failures come back through a
 * close-on-exec pipe, as a shell reports them: 127 not found, 126 not
 * executable.  Once CMD exits, the rest of the tree gets --grace to end;
 * survivors are traced --linger-watch more, then killed with the
 * namespace (or left running, untraced, with --keep-survivors).
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
#include <poll.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/wait.h>
#include "analyze.h"
#include "behaviour.h"
#include "diff.h"
#include "enforce/sandbox.h"
#include "clock.h"
#include "cmds.h"
#include "enforce/enforce.h"
#include "err.h"
#include "facts.h"
#include "nsinit.h"
#include "pipeline.h"
#include "policy.h"
#include "probe.h"
#include "session.h"
#include "sessenv.h"

#define GRACE_DEFAULT_MS 2000
#define LINGER_WATCH_DEFAULT_MS 10000
#define LINGER_WATCH_MAX_MS 600000
#define POLL_MS 100
#define ROOT_SESSION 1 /* probe_register_self() marks session 1 */

struct run_opts {
	struct pipeline_opts po;
	const char *baseline_path;
	const char *policy_path;    /* --policy, or NULL: ./.pkgtrace.json if any */
	bool no_policy;
	int fail_on;
	long grace_ms;
	long linger_watch_ms;
	bool keep_survivors;
	bool no_color;
	bool enforce;            /* --enforce: network policy, cgroup, kill, seccomp filter */
	const char **allow;      /* --allow HOST[:PORT], nallow of them */
	int nallow;
	bool shield;             /* --shield */
	const char *user;        /* --user USER[:GROUP], or NULL */
	char **cmd;
	int cmdc;
};

/* What the child reports through the close-on-exec pipe when its exec
 * fails. */
struct child_failure {
	int err;         /* errno of the failed step */
	char stage[96];  /* "" for the exec; else the sandbox step that failed */
};

static volatile sig_atomic_t init_pid; /* our namespace's init, 0 once ended */
static volatile sig_atomic_t got_signal;

#define RUN_SYNOPSIS "pkgtrace [OPTIONS] -- CMD [ARGS...]  (pkgtrace --help for more)"

/* parse_args: fills o.  Returns 0, or PT_EXIT_USAGE with the problem
 * reported (p_usage). */
static int parse_args(int argc, char **argv, struct run_opts *o)
{
	enum { O_EVENTS = 256, O_REPORT, O_HTML, O_RECORD, O_FORMAT, O_FAIL_ON, O_BASELINE, O_COMPARE,
	       O_SARIF, O_MARKDOWN, O_POLICY, O_NO_POLICY, O_GRACE, O_LINGER_WATCH, O_KEEP_SURVIVORS,
	       O_NO_COLOR, O_JSON_ERRORS, O_ENFORCE, O_ALLOW, O_SHIELD, O_USER };
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, O_EVENTS },
		{ "report", required_argument, NULL, O_REPORT },
		{ "html", required_argument, NULL, O_HTML },
		{ "record", required_argument, NULL, O_RECORD },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "compare", required_argument, NULL, O_COMPARE },
		{ "sarif", required_argument, NULL, O_SARIF },
		{ "markdown", required_argument, NULL, O_MARKDOWN },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "no-policy", no_argument, NULL, O_NO_POLICY },
		{ "grace", required_argument, NULL, O_GRACE },
		{ "linger-watch", required_argument, NULL, O_LINGER_WATCH },
		{ "keep-survivors", no_argument, NULL, O_KEEP_SURVIVORS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-color", no_argument, NULL, O_NO_COLOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json-errors", no_argument, NULL, O_JSON_ERRORS },
		{ "enforce", no_argument, NULL, O_ENFORCE },
		{ "allow", required_argument, NULL, O_ALLOW },
		{ "shield", no_argument, NULL, O_SHIELD },
		{ "user", required_argument, NULL, O_USER },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->fail_on = SEV_HIGH;
	o->grace_ms = GRACE_DEFAULT_MS;
	o->linger_watch_ms = LINGER_WATCH_DEFAULT_MS;
	o->po.format = FMT_TEXT;
	opterr = 0;
	optind = 1;
	/* '+': stop at the first non-option, so CMD's own options stay its own */
	while ((c = getopt_long(argc, argv, "+:qv", longopts, NULL)) != -1) {
		switch (c) {
		case O_EVENTS: o->po.events_path = optarg; break;
		case O_REPORT: o->po.report_path = optarg; break;
		case O_HTML: o->po.html_path = optarg; break;
		case O_RECORD: o->po.record_path = optarg; break;
		case O_BASELINE: o->baseline_path = optarg; break;
		case O_COMPARE: o->po.compare_label = optarg; break;
		case O_SARIF: o->po.sarif_path = optarg; break;
		case O_MARKDOWN: o->po.markdown_path = optarg; break;
		case O_POLICY: o->policy_path = optarg; break;
		case O_NO_POLICY: o->no_policy = true; break;
		case O_FORMAT: {
			int fmt = report_format_parse(optarg);

			if (fmt < 0)
				return p_usage(RUN_SYNOPSIS, "--format: '%s' is not text, json, sarif or markdown", optarg);
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
		case O_LINGER_WATCH:
			errno = 0;
			o->linger_watch_ms = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->linger_watch_ms < 0 ||
			    o->linger_watch_ms > LINGER_WATCH_MAX_MS)
				return p_usage(RUN_SYNOPSIS, "--linger-watch: '%s' is not a number of milliseconds (0..%d)",
					       optarg, LINGER_WATCH_MAX_MS);
			break;
		case O_KEEP_SURVIVORS: o->keep_survivors = true; break;
		case 'q': o->po.quiet = true; break;
		case O_NO_COLOR: o->no_color = true; break;
		case 'v': verbose++; break;
		case O_JSON_ERRORS: err_json = true; break;
		case O_ENFORCE: o->enforce = true; break;
		case O_ALLOW:
			if (!o->allow && !(o->allow = calloc((size_t)argc, sizeof(*o->allow))))
				return p_usage(RUN_SYNOPSIS, "out of memory");
			o->allow[o->nallow++] = optarg;
			break;
		case O_SHIELD: o->shield = true; break;
		case O_USER:
			if (!*optarg || *optarg == ':')
				return p_usage(RUN_SYNOPSIS, "--user: '%s' is not USER[:GROUP]", optarg);
			o->user = optarg;
			break;
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
	if (o->nallow && !o->enforce)
		return p_usage(RUN_SYNOPSIS, "--allow needs --enforce");
	if (o->enforce && o->keep_survivors)
		return p_usage(RUN_SYNOPSIS, "--keep-survivors cannot be combined with --enforce "
			       "(survivors are killed with the install's cgroup)");
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

/* ---- enforcement ------------------------------------------------------- */

/* sandbox_identity: who the install runs as (--user, or sudo's caller),
 * checked before anything starts.  HOME, USER and LOGNAME become the
 * install user's here already, so the session's environment (what the
 * analysis takes as HOME) is the install's.  Returns 0 or the exit
 * status, the problem said. */
static int sandbox_identity(const struct run_opts *o, struct privdrop *pd)
{
	char why[320];
	int err = privdrop_resolve(o->user, pd, why, sizeof(why));

	if (err == -ENOENT) {
		p_err("%s", why);
		return PT_EXIT_NOUSER;
	}
	if (err) {
		p_err("--user: %s", strerror(-err));
		return PT_EXIT_INTERNAL;
	}
	if ((pd->active || o->shield) && geteuid() != 0) {
		p_err("--user and --shield need root (pkgtrace runs as root; the install as the user)");
		return PT_EXIT_NOPERM;
	}
	if (pd->active) {
		if (!o->user)
			p_warn("running the install as %s (uid %u, the sudo caller); --user root keeps root",
			       pd->name, (unsigned)pd->uid);
		if (setenv("HOME", pd->home, 1) || setenv("USER", pd->name, 1) || setenv("LOGNAME", pd->name, 1))
			return PT_EXIT_INTERNAL;
	}
	return 0;
}

/* sandbox_record: the rest of the checks (seccomp available, a HOME to
 * shield) and what the install will run under, into si.  Returns 0 or
 * the exit status, the problem said. */
static int sandbox_record(const struct run_opts *o, const struct privdrop *pd, struct session_info *si)
{
	int err;

	if (pd->active) {
		si->enforce |= SESSION_ENF_USER;
		si->run_uid = pd->uid;
		si->run_gid = pd->gid;
		if (!(si->run_user = strdup(pd->name)))
			return PT_EXIT_INTERNAL;
	}
	if (o->enforce) {
		err = seccomp_available();
		if (err) {
			p_err("--enforce: this kernel cannot filter system calls (seccomp: %s)", strerror(-err));
			return PT_EXIT_UNAVAILABLE;
		}
		si->enforce |= SESSION_ENF_SECCOMP;
	}
	if (o->shield) {
		const char *home = getenv("HOME"); /* the install user's (sandbox_identity) */

		if (!home || home[0] != '/') {
			p_err("--shield: no HOME to shield (HOME is not an absolute path)");
			return PT_EXIT_UNAVAILABLE;
		}
		si->hidden = shield_hidden(home, &si->nhidden);
		if (!si->hidden)
			return PT_EXIT_INTERNAL;
		si->enforce |= SESSION_ENF_SHIELD;
	}
	return 0;
}

/* ---- child ------------------------------------------------------------- */

static void child_report(int fd, int err, const char *stage)
{
	struct child_failure f = { .err = err };
	ssize_t unused;

	if (stage)
		snprintf(f.stage, sizeof(f.stage), "%s", stage);
	unused = write(fd, &f, sizeof(f));
	(void)unused;
}

struct child_args {
	int go_fd, err_fd;
	int cgroup_procs_fd;     /* --enforce: the install's cgroup.procs, else -1 */
	uint64_t cookie;
	char **cmd;
	bool stdout_to_stderr; /* a machine format has stdout to itself */
	const struct privdrop *pd;
	bool shield, seccomp;
};

/* The sandbox, in the child before it registers (its own steps are not the
 * install's): shield (needs root), identity, then the filter, which is
 * last so nothing of ours runs under it.  Returns 0 or -errno with *stage
 * set. */
static int child_sandbox(const struct child_args *a, const char **stage)
{
	int err = 0;

	if (a->shield)
		err = shield_apply(a->pd->active ? a->pd->home : getenv("HOME"),
				   a->pd->active ? a->pd->uid : getuid(),
				   a->pd->active ? a->pd->gid : getgid(), stage);
	/* --enforce: the install sees only its own processes in /proc */
	if (!err && a->seccomp)
		err = shield_proc_private(!a->shield, stage);
	if (!err)
		err = privdrop_apply(a->pd, stage);
	/* the project directory: the user's to open, or a clear error now */
	if (!err && a->pd->active && access(".", R_OK | X_OK)) {
		*stage = "the working directory is not readable by the install's user";
		err = -errno;
	}
	return err;
}

/* Runs in the forked child (pid 2 of the namespace): wait for the go byte,
 * register, exec. */
static __attribute__((noreturn)) void child_main(void *arg)
{
	const struct child_args *a = arg;
	const char *stage = "";
	char go;
	ssize_t r;
	int err;

	do
		r = read(a->go_fd, &go, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1) /* the parent gave up (BPF failed): run nothing untraced */
		_exit(PT_EXIT_INTERNAL);
	close(a->go_fd);
	/* in the install's cgroup before anything of the command runs: its
	 * network policy applies from the first instruction */
	if (a->cgroup_procs_fd >= 0 && (err = enf_cgroup_enter(a->cgroup_procs_fd))) {
		p_err("--enforce: cannot enter the install's cgroup: %s", strerror(-err));
		_exit(PT_EXIT_UNAVAILABLE);
	}
	/* the report on stdout must parse: CMD's own output goes to stderr */
	if (a->stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(PT_EXIT_INTERNAL);
	err = child_sandbox(a, &stage);
	if (err) {
		child_report(a->err_fd, -err, stage);
		_exit(PT_EXIT_INTERNAL);
	}
	probe_register_self(a->cookie);
	if (a->seccomp && (err = seccomp_install())) {
		child_report(a->err_fd, -err, "installing the seccomp filter");
		_exit(PT_EXIT_INTERNAL);
	}
	execvp(a->cmd[0], a->cmd);
	err = errno;
	child_report(a->err_fd, err, NULL);
	_exit(err == ENOENT || err == ENOTDIR ? PT_EXIT_NOTFOUND : PT_EXIT_NOEXEC);
}

/* Forwards SIGINT/SIGTERM/SIGHUP sent to pkgtrace, through the init (it
 * sends them on to CMD while CMD runs).  The install has a process group
 * of its own, so even a terminal's ^C to ours has not reached it. */
static void on_signal(int sig)
{
	got_signal = sig;
	if (init_pid > 0)
		kill(init_pid, sig);
}

/* Does nothing but exist: an ignored SIGCHLD is discarded, while a caught
 * one interrupts the ring buffer's epoll_wait (no SA_RESTART), so the
 * init's end is seen at once. */
static void on_sigchld(int sig)
{
	(void)sig;
}

static void install_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
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
	struct enf_cgroup *cg;       /* --enforce, else NULL */
	struct enf_policy *policy;
	unsigned killed;             /* survivors cgroup.kill ended */
	uint64_t cut_ns; /* boot ns: later records are not the run's (0: none yet) */
};

static int on_record(void *ctx, const void *raw, size_t size)
{
	struct run_ctx *rc = ctx;
	const struct pt_event *ev = raw;

	/* after the cut: the survivors' deaths by our kill, not the install's
	 * doing; left out so they stay survivors in the report (and replay) */
	if (rc->cut_ns && size >= sizeof(*ev) && ev->time_ns > rc->cut_ns)
		return 0;
	rc->si->events++;
	if (size >= sizeof(*ev) && ev->type == PT_EV_ROOT && !rc->si->root_pid)
		rc->si->root_pid = ev->pid;
	if (rc->pipe)
		pipeline_feed(rc->pipe, raw, size);
	return 0; /* a malformed record is counted by the pipeline, never fatal */
}

/* Takes what the init said.  True once CMD's end is known: its wait
 * status in *status, or the init gone (killed from outside: the whole
 * install with it; *status stays -1, unknown). */
static bool ns_news(struct nsinit *ns, int *status)
{
	enum nsinit_event ev;
	bool done = false;
	int v;

	while ((ev = nsinit_next(ns, &v)) != NSINIT_NONE) {
		if (ev == NSINIT_EXITED) {
			*status = v;
			done = true;
		} else if (ev == NSINIT_TTY_SIGNAL) {
			got_signal = v;
		} else if (ev == NSINIT_GONE) {
			if (*status == -1)
				p_err("the command's PID namespace ended before the command did "
				      "(its init was killed from outside)");
			return true;
		}
	}
	return done;
}

/* Polls until the traced tree is empty, ms pass, or a signal comes.
 * Returns the processes left in the tree. */
static int wait_tree(struct probe *probe, struct nsinit *ns, long ms, int *status)
{
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000ull;
	int left;

	while ((left = probe_tree_size(probe, ROOT_SESSION)) > 0 &&
	       clock_ns(CLOCK_MONOTONIC) < deadline && !got_signal) {
		probe_poll(probe, 50);
		ns_news(ns, status);
	}
	return left;
}

static int status_exit_code(int st)
{
	if (st == -1)
		return PT_EXIT_INTERNAL;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return PT_EXIT_INTERNAL;
}

/* The end of the run, once CMD has exited: --grace for the rest of the
 * tree, then --linger-watch of tracing for what survived it; then the cut:
 * the survivors are killed with the namespace (or left, --keep-survivors),
 * and the records of their deaths left out. */
static void run_end(const struct run_opts *o, struct probe *probe, struct nsinit *ns,
		    struct run_ctx *rc, int *status)
{
	struct session_info *si = rc->si;
	uint64_t grace_end;
	int left;

	left = wait_tree(probe, ns, o->grace_ms, status);
	grace_end = clock_ns(CLOCK_MONOTONIC);
	if (left > 0 && !got_signal && o->linger_watch_ms > 0) {
		p_warn("%d process(es) of the traced tree still running %ld ms after the command "
		       "exited; tracing them for up to %ld ms more", left, o->grace_ms, o->linger_watch_ms);
		left = wait_tree(probe, ns, o->linger_watch_ms, status);
	}
	rc->cut_ns = clock_ns(CLOCK_BOOTTIME);
	if (left > 0) {
		si->survivors = (uint32_t)left;
		si->survivors_traced_ms = (uint32_t)((clock_ns(CLOCK_MONOTONIC) - grace_end) / 1000000);
		si->survivor_fate = o->keep_survivors ? SURVIVORS_LEFT_RUNNING : SURVIVORS_KILLED;
	}
	/* --enforce: the survivors go with the cgroup first (all of them, a
	 * fork racing the kill included); the namespace's end follows */
	if (rc->cg) { /* never with --keep-survivors (parse_args) */
		int err = enf_cgroup_kill(rc->cg, 5000, &rc->killed);

		if (err)
			p_warn("--enforce: killing the install's cgroup: %s", strerror(-err));
	}
	if (nsinit_end(ns, left > 0 && o->keep_survivors) && left > 0 && o->keep_survivors) {
		si->survivor_fate = SURVIVORS_KILLED; /* the init could not be untied from us */
		p_warn("--keep-survivors: the survivors could not be kept");
	}
	init_pid = 0;
	probe_drain(probe);
	si->end_ns = rc->cut_ns;
	if (si->survivor_fate == SURVIVORS_LEFT_RUNNING)
		p_warn("%d process(es) of the traced tree LEFT RUNNING, UNTRACED (--keep-survivors), "
		       "%u ms after the grace period", left, si->survivors_traced_ms);
	else if (left > 0)
		p_warn("%d process(es) of the traced tree still running %u ms after the grace period; "
		       "killed with the install's %s and reported", left, si->survivors_traced_ms,
		       rc->cg ? "cgroup (cgroup.kill)" : "PID namespace");
}

/* ---- --enforce ---------------------------------------------------------- */

/* The install's cgroup and policy, before anything of it runs.  Returns
 * 0, or the exit status with one line said: PT_EXIT_UNAVAILABLE (no
 * cgroup v2, or it cannot be made), PT_EXIT_NOPERM (not root), PT_EXIT_NOHOST (a host does not
 * resolve), PT_EXIT_USAGE (a bad --allow). */
static int enforce_setup(const struct run_opts *o, const struct baseline *bl,
			 const struct session_info *si, struct run_ctx *rc)
{
	char msg[512] = "";
	int err;

	err = enf_cgroup_new(&rc->cg);
	if (err == -ENOENT) {
		p_err("--enforce: no cgroup v2 hierarchy is mounted (none in /proc/self/mountinfo): "
		      "cannot enforce");
		return PT_EXIT_UNAVAILABLE;
	}
	if (err == -EACCES || err == -EPERM) {
		p_err("--enforce: cannot make the install's cgroup: %s - run as root", strerror(-err));
		return PT_EXIT_NOPERM;
	}
	if (err) {
		p_err("--enforce: cannot make the install's cgroup: %s", strerror(-err));
		return PT_EXIT_UNAVAILABLE;
	}
	err = enf_policy_new(bl, si, o->allow, o->nallow, msg, sizeof(msg), &rc->policy);
	if (err) {
		p_err("%s", msg[0] ? msg : strerror(-err));
		return err == -EHOSTUNREACH ? PT_EXIT_NOHOST : err == -EINVAL ? PT_EXIT_USAGE :
		       PT_EXIT_UNAVAILABLE;
	}
	return 0;
}

/* The summary the report and its replay show, as the fact ENF_FACT. */
static int enforcement_fact(void *ctx, int root_fd, char **data, size_t *len)
{
	const struct enf_summary *s = ctx;

	(void)root_fd;
	*data = enf_summary_json(s);
	*len = *data ? strlen(*data) : 0;
	return *data ? 0 : -ENOMEM;
}

/* At the end: the kernel's count of refusals (a record the ring could not
 * take is a drop of the trace), and the summary put into the facts. */
static void enforce_finish(struct run_ctx *rc, struct facts *facts, struct session_info *si)
{
	struct enf_summary s = { .mode = "enforce", .cgroup = enf_cgroup_path(rc->cg),
				 .net = rc->policy, .killed = rc->killed };
	char unix_note[160];
	uint64_t lost = 0;
	const char *data;
	size_t len;

	s.blocked = enf_policy_blocked(rc->policy, &lost);
	if (lost) {
		p_warn("--enforce: %llu refusal record(s) lost to a full ring (counted, not detailed)",
		       (unsigned long long)lost);
		si->drops += lost;
	}
	if (!enf_policy_unix_enforced(rc->policy)) {
		snprintf(unix_note, sizeof(unix_note), "unix-socket connects: cgroup/connect_unix needs "
			 "Linux 6.7 (this kernel: %s)", si->kernel ? si->kernel : "?");
		s.not_enforced[s.nnot_enforced++] = unix_note;
	}
	facts_get(facts, ENF_FACT, enforcement_fact, &s, &data, &len);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct session_info si;
	struct baseline *bl = NULL;
	struct bh_set *since = NULL;
	struct policy *policy = NULL;
	struct report *rep = NULL;
	struct facts *facts = NULL;
	struct probe *probe = NULL;
	struct probe_opts popts = { 0 };
	struct run_ctx rc = { 0 };
	struct child_failure cf = { 0 };
	struct child_args ca;
	struct nsinit *ns = NULL;
	struct privdrop pd = { 0 };
	int go[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int status = -1, err, ret = PT_EXIT_INTERNAL, sev;
	bool exited = false;
	char msg[512];
	ssize_t r;

	memset(&si, 0, sizeof(si));
	if (parse_args(argc, argv, &o)) {
		free(o.allow);
		return PT_EXIT_USAGE;
	}
	bl = baseline_load(o.baseline_path, msg, sizeof(msg));
	if (!bl) {
		p_err("%s", msg);
		return PT_EXIT_BAD_INPUT;
	}
	o.po.baseline = bl;
	ret = pipeline_load_policy(o.policy_path, o.no_policy, &policy);
	if (ret)
		goto cleanup;
	ret = PT_EXIT_INTERNAL;
	o.po.policy = policy;
	o.po.fail_on = o.fail_on;
	o.po.color = !o.no_color && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	/* OLD is read before the install runs: a typo costs no install */
	if (o.po.compare_label) {
		bool is_trace;

		ret = diff_load(o.po.compare_label, bl, &since, &is_trace);
		if (ret)
			goto cleanup;
		ret = PT_EXIT_INTERNAL;
		o.po.compare = since;
	}
	facts = facts_new(1);
	o.po.facts = facts;
	ret = sandbox_identity(&o, &pd);
	if (ret)
		goto cleanup;
	ret = PT_EXIT_INTERNAL;
	if (!facts || run_session_init(&si, o.cmdc, o.cmd)) {
		p_err("out of memory");
		goto cleanup;
	}
	if (o.enforce && (ret = enforce_setup(&o, bl, &si, &rc)))
		goto cleanup;
	ret = PT_EXIT_INTERNAL;
	ret = sandbox_record(&o, &pd, &si);
	if (ret)
		goto cleanup;
	ret = PT_EXIT_INTERNAL;
	if (o.enforce)
		popts.refusable = seccomp_refusable(&popts.nrefusable);
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
	ca = (struct child_args){ .go_fd = go[0], .err_fd = errp[1], .cookie = popts.reg_cookie,
				  .cmd = o.cmd, .cgroup_procs_fd = enf_cgroup_procs_fd(rc.cg),
				  .stdout_to_stderr = !o.po.quiet && o.po.format != FMT_TEXT,
				  .pd = &pd, .shield = o.shield, .seccomp = o.enforce };
	err = nsinit_start(child_main, &ca, &ns);
	if (err == -EPERM && geteuid() != 0) {
		ret = probe_exit_status(err); /* the same "run as root" line as for BPF */
		goto cleanup;
	}
	if (err) {
		p_err("cannot give the command a PID namespace of its own: %s", strerror(-err));
		goto cleanup;
	}
	init_pid = nsinit_pid(ns);
	close(go[0]);
	close(errp[1]);
	go[0] = errp[1] = -1;

	rc.si = &si;
	err = probe_new(&popts, on_record, &rc, &probe);
	if (err) {
		ret = probe_exit_status(err);
		goto cleanup;
	}
	if (rc.policy) {
		err = enf_policy_attach(rc.policy, enf_cgroup_fd(rc.cg), probe_rings_fd(probe), msg,
					sizeof(msg));
		if (err) {
			p_err("%s", msg);
			ret = err == -EPERM ? PT_EXIT_NOPERM : PT_EXIT_UNAVAILABLE;
			goto cleanup;
		}
		if (!enf_policy_unix_enforced(rc.policy))
			p_warn("--enforce: unix socket connects are NOT enforced: cgroup/connect_unix "
			       "needs Linux 6.7 (see pkgtrace doctor)");
	}
	err = probe_watch_fd(probe, nsinit_fd(ns));
	if (err) {
		p_err("cannot watch the command's namespace: %s", strerror(-err));
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
	if (r == sizeof(cf) && cf.stage[0])
		p_err("cannot set up the install's sandbox%s%s: %s: %s", pd.active ? " as " : "",
		      pd.active ? pd.name : "", cf.stage, strerror(cf.err));
	else if (r == sizeof(cf) && (cf.err == ENOENT || cf.err == ENOTDIR))
		p_err("%s: command not found", o.cmd[0]);
	else if (r == sizeof(cf))
		p_err("%s: %s", o.cmd[0], strerror(cf.err));

	while (!(exited = ns_news(ns, &status))) {
		err = probe_poll(probe, POLL_MS);
		if (err < 0 && err != -EINTR) {
			p_err("reading events: %s", strerror(-err));
			break;
		}
	}
	while (!exited) { /* ring buffer failure: still wait for the command */
		struct pollfd pf = { .fd = nsinit_fd(ns), .events = POLLIN };

		poll(&pf, 1, POLL_MS);
		exited = ns_news(ns, &status);
	}
	si.exit_status = status;
	run_end(&o, probe, ns, &rc, &status);
	si.drops = probe_drops(probe);
	if (rc.policy)
		enforce_finish(&rc, facts, &si);
	si.interrupted = got_signal != 0 || status == -1;
	if (si.drops)
		p_warn("%llu event(s) dropped by the kernel: the trace is incomplete",
		       (unsigned long long)si.drops);

	sev = pipeline_finish_report(rc.pipe, &si, &rep);
	rc.pipe = NULL;
	if (sev < -1) {
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	if (o.fail_on != SEV_NEVER && sev >= o.fail_on) {
		ret = PT_EXIT_FINDINGS;
		pipeline_explain_fail(rep, o.fail_on);
	} else
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
	/* the child never got the go byte: it exits, and the namespace ends */
	init_pid = 0;
	nsinit_free(ns);
	enf_policy_free(rc.policy);
	enf_cgroup_free(rc.cg);
	free(o.allow);
	probe_free(probe);
	facts_free(facts);
	behaviour_free(since);
	report_free(rep);
	policy_free(policy);
	baseline_free(bl);
	session_free(&si);
	privdrop_clear(&pd);
	return ret;
}
