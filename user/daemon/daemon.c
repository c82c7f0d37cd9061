// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * daemon/daemon.c - pkgtrace daemon: every package install on the node.
 *
 * Sessions start in the kernel: an exec of a session command by a process
 * outside the traced tree marks it as the root of a new session (ids from
 * 2, bpf/pkgtrace.bpf.c), before its first instruction; its descendants
 * inherit the mark, so an npm inside an install stays in that install.
 * The modules:
 *   args.c      the command line
 *   sesscmds.c  --session-cmds: parsed once, for the kernel and for /proc
 *   sessions.c  records demultiplexed by pt_event.session into one pipeline
 *               per session; reaped when the root has exited and its tree
 *               is empty (or --grace, --max-duration)
 *   procscan.c  installs already running at start, from /proc (partial)
 *   notices.c   the output: report lines with container and pod, notices
 *   webhook.c   --webhook: alerts POSTed by a sender thread, never blocking
 *   status.c    --status-file, refreshed by the poll loop; --health checks it
 *   retention.c --traces-max-bytes, --traces-max-age on --record-dir
 * This file: setup, the poll loop, signals.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "analyze.h"
#include "cgroupctx.h"
#include "clock.h"
#include "cmds.h"
#include "daemon/args.h"
#include "daemon/notices.h"
#include "daemon/procscan.h"
#include "daemon/retention.h"
#include "daemon/sesscmds.h"
#include "daemon/sessions.h"
#include "daemon/status.h"
#include "daemon/webhook.h"
#include "err.h"
#include "pipeline.h"
#include "policy.h"
#include "probe.h"

#define POLL_MS 100
#define STATUS_EVERY_MS 1000
#define RETENTION_EVERY_MS 10000
/* SIGTERM: queued alerts get this long, within Kubernetes' default 30 s grace */
#define WEBHOOK_STOP_MS 5000

struct daemon {
	struct daemon_opts o;
	struct sesscmds *cmds;
	struct baseline *bl;
	struct policy *policy;      /* --policy, or NULL */
	struct cgroupctx *cg;       /* NULL when no cgroup2 mount is found */
	struct notices *out;
	struct procscan *scan;      /* startup only: pids the kernel sessions hold */
	struct probe *probe;
	struct sessions *sessions;
	struct webhook *hook;       /* NULL without --webhook */
	struct retention_counts kept;
	uint64_t status_ns, retention_ns; /* CLOCK_MONOTONIC of the last pass */
	uint64_t reports_seen;      /* a new report closed a trace: bound it now */
	bool status_failed;         /* said once */
};

static volatile sig_atomic_t stop_sig, hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup = 1;
	else
		stop_sig = sig;
}

static void install_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int on_record(void *ctx, const void *raw, size_t size)
{
	struct daemon *d = ctx;

	if (d->scan)
		procscan_saw(d->scan, raw, size);
	return sessions_feed(d->sessions, raw, size);
}

/* The probe loaded, the sessions table ready, the installs already running
 * taken: the started notice.  Returns 0 or a PT_EXIT_* status (reported). */
static int daemon_attach(struct daemon *d)
{
	struct probe_opts popts = { 0 };
	struct sessions_opts so = { 0 };
	int err, partial;

	popts.daemon = true;
	popts.session_cmds = sesscmds_list(d->cmds);
	/* no record arrives before the first drain: d->sessions is set by then */
	err = probe_new(&popts, on_record, d, &d->probe);
	if (err)
		return probe_exit_status(err);
	so.max_sessions = d->o.max_sessions;
	so.grace_ms = d->o.grace_ms;
	so.max_duration_s = d->o.max_duration_s;
	so.record_dir = d->o.record_dir;
	so.bl = d->bl;
	so.policy = d->policy;
	so.cmds = d->cmds;
	so.probe = d->probe;
	so.out = d->out;
	if (sessions_new(&so, &d->sessions)) {
		p_err("out of memory");
		return PT_EXIT_INTERNAL;
	}
	/* Sessions the kernel started since attach are seen first, then the
	 * installs that were already running are taken. */
	probe_drain(d->probe);
	partial = procscan_run(d->scan, d->sessions, d->probe, d->cmds, d->cg);
	procscan_free(d->scan);
	d->scan = NULL;
	notices_started(d->out, sesscmds_list(d->cmds), partial);
	p_info("daemon: tracing; %d install(s) already running taken as partial", partial);
	return 0;
}

static bool retention_on(const struct daemon *d)
{
	return d->o.traces_max_bytes || d->o.traces_max_age_s;
}

/* The retention pass (after each new report, else every 10 s), then the
 * status file (every second): both run from the poll loop, so a stale
 * status file means unread rings. */
static void daemon_housekeeping(struct daemon *d, bool now)
{
	uint64_t t = clock_ns(CLOCK_MONOTONIC);
	struct daemon_status st = { 0 };
	struct daemon_counts c;
	int err;

	sessions_counts(d->sessions, &c);
	if (c.reports != d->reports_seen)
		now = true;
	d->reports_seen = c.reports;
	if (retention_on(d) && (now || t - d->retention_ns >= RETENTION_EVERY_MS * 1000000ull)) {
		d->retention_ns = t;
		retention_enforce(d->o.record_dir, d->o.traces_max_bytes, d->o.traces_max_age_s,
				  sessions_trace_in_use, d->sessions, &d->kept);
	}
	if (!d->o.status_file || (!now && t - d->status_ns < STATUS_EVERY_MS * 1000000ull))
		return;
	d->status_ns = t;
	st.open_sessions = sessions_open_count(d->sessions);
	sessions_counts(d->sessions, &st.counts);
	st.counts.kernel_drops = probe_drops(d->probe);
	st.has_webhook = d->hook != NULL;
	if (d->hook)
		webhook_counts(d->hook, &st.webhook);
	st.has_retention = retention_on(d);
	st.retention = d->kept;
	err = status_write(d->o.status_file, &st);
	if (err && !d->status_failed)
		p_err("daemon: --status-file %s: %s", d->o.status_file, strerror(-err));
	d->status_failed = err != 0;
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon d = { 0 };
	struct daemon_counts counts;
	struct webhook_counts hook_counts;
	char msg[512];
	int err, ret = PT_EXIT_INTERNAL;
	struct stat st;

	err = daemon_args_parse(argc, argv, &d.o);
	if (err)
		return err;
	if (d.o.help) {
		daemon_usage(stdout);
		return PT_EXIT_OK;
	}
	if (d.o.health)
		return status_check(d.o.status_file, d.o.health_max_age_s);
	err = sesscmds_new(d.o.cmds, &d.cmds);
	if (err) {
		ret = err == PT_EXIT_USAGE ? PT_EXIT_USAGE : PT_EXIT_INTERNAL;
		goto cleanup;
	}
	if (d.o.record_dir && (stat(d.o.record_dir, &st) || !S_ISDIR(st.st_mode))) {
		p_err("daemon: --record-dir %s: %s", d.o.record_dir,
		      stat(d.o.record_dir, &st) ? strerror(errno) : "not a directory");
		ret = PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	if (d.o.webhook.ca_file && access(d.o.webhook.ca_file, R_OK)) {
		p_err("daemon: --webhook-ca %s: %s", d.o.webhook.ca_file, strerror(errno));
		ret = PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	d.bl = baseline_load(d.o.baseline_path, msg, sizeof(msg));
	if (!d.bl) {
		p_err("%s", msg);
		ret = PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	if (d.o.policy_path && (ret = pipeline_load_policy(d.o.policy_path, true, &d.policy)))
		goto cleanup;
	ret = PT_EXIT_INTERNAL;
	if (geteuid() != 0) {
		p_err("daemon: needs root (CAP_BPF, CAP_PERFMON)");
		ret = PT_EXIT_NOPERM;
		goto cleanup;
	}
	if (procscan_new(&d.scan)) {
		p_err("out of memory");
		goto cleanup;
	}
	err = cgroupctx_new(d.o.cgroup_root, d.o.pods_dir, &d.cg);
	if (err) {
		if (d.o.cgroup_root) {
			p_err("daemon: --cgroup-root %s: %s", d.o.cgroup_root, strerror(-err));
			ret = PT_EXIT_BAD_INPUT;
			goto cleanup;
		}
		p_warn("daemon: no cgroup v2 hierarchy (%s): reports will have no container or pod",
		       strerror(-err));
		d.cg = NULL;
	}
	if (notices_new(d.o.output, d.cg, &d.out))
		goto cleanup;
	if (d.o.webhook.nurls) {
		err = webhook_new(&d.o.webhook, &d.hook);
		if (err) {
			ret = err == -EINVAL ? PT_EXIT_BAD_INPUT : PT_EXIT_INTERNAL;
			goto cleanup;
		}
		notices_set_webhook(d.out, d.hook);
	}
	install_handlers();
	ret = daemon_attach(&d);
	if (ret)
		goto cleanup;
	/* ready: the first status file says so */
	daemon_housekeeping(&d, true);

	ret = PT_EXIT_INTERNAL;
	while (!stop_sig) {
		err = probe_poll(d.probe, POLL_MS);
		if (err < 0 && err != -EINTR) {
			p_err("daemon: reading events: %s", strerror(-err));
			goto cleanup;
		}
		if (hup) {
			hup = 0;
			notices_reopen(d.out); /* on failure the old file stays in use */
		}
		sessions_reap(d.sessions);
		daemon_housekeeping(&d, false);
	}
	/* Stopped: every open session is reported, marked interrupted. */
	probe_drain(d.probe);
	sessions_finish_all(d.sessions);
	sessions_counts(d.sessions, &counts);
	counts.kernel_drops = probe_drops(d.probe);
	if (d.hook) {
		webhook_stop(d.hook, WEBHOOK_STOP_MS);
		webhook_counts(d.hook, &hook_counts);
	}
	notices_stopped(d.out, &counts, d.hook ? &hook_counts : NULL);
	daemon_housekeeping(&d, true);
	ret = PT_EXIT_OK;
cleanup:
	/* the sender thread reads reports the notices queued: stopped first */
	webhook_free(d.hook);
	sessions_free(d.sessions);
	procscan_free(d.scan);
	probe_free(d.probe);
	notices_free(d.out);
	cgroupctx_free(d.cg);
	baseline_free(d.bl);
	policy_free(d.policy);
	sesscmds_free(d.cmds);
	return ret;
}
