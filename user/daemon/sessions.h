/*
 * daemon/sessions.h - the daemon's open sessions: records demultiplexed by
 * pt_event.session into one pipeline per session (its own analysis, facts
 * and --record-dir trace), and each session reported once its root has
 * exited and its tree is empty (or --grace, --max-duration, SIGTERM).
 *
 * A kernel-started session opens at its ROOT record and starts its
 * pipeline at the root's exec, which carries the command, cwd and
 * environment.  The /proc scan (procscan.h) opens partial sessions itself.
 */
#ifndef PKGTRACE_DAEMON_SESSIONS_H
#define PKGTRACE_DAEMON_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyze.h"
#include "daemon/notices.h"
#include "daemon/sesscmds.h"
#include "probe.h"
#include "session.h"

struct sessions;
struct dsession;

struct sessions_opts {
	long max_sessions;          /* open at once; more are dropped (said) */
	long grace_ms;              /* after the root's exit */
	long max_duration_s;        /* a session running longer is reported */
	const char *record_dir;     /* one trace per session, or NULL */
	const struct baseline *bl;
	const struct policy *policy; /* --policy, or NULL */
	const struct sesscmds *cmds;
	struct probe *probe;        /* the kernel's view: trees, drops, marks */
	struct notices *out;        /* where reports go */
};

/* sessions_new: an empty table for o (o's pointers are not owned and must
 * outlive it).  Returns 0 and *out, or -ENOMEM. */
int sessions_new(const struct sessions_opts *o, struct sessions **out);

/* sessions_free: open sessions are closed without a report. */
void sessions_free(struct sessions *t);

/* sessions_feed: one raw record from the probe.  Malformed ones and those
 * of no open session are counted; a new kernel session is opened at its
 * ROOT record, or said dropped when the table is full.  Returns 0. */
int sessions_feed(struct sessions *t, const void *raw, size_t size);

/* sessions_reap: reports the sessions whose root has exited and whose tree
 * is empty or whose grace period is over, and those past --max-duration
 * (interrupted).  The rings are drained first, so every record the tree
 * sent is in. */
void sessions_reap(struct sessions *t);

/* sessions_finish_all: every open session reported, interrupted. */
void sessions_finish_all(struct sessions *t);

/* sessions_counts: reports, dropped sessions, stray and malformed records
 * (kernel_drops is the probe's, not set here). */
void sessions_counts(const struct sessions *t, struct daemon_counts *c);

/* sessions_open_count: sessions open now. */
long sessions_open_count(const struct sessions *t);

/* sessions_trace_in_use: is path the --record-dir trace of an open
 * session?  (ctx is the table: a retention_in_use_fn.) */
bool sessions_trace_in_use(void *ctx, const char *path);

/* sessions_count_dropped: a session that could not be taken (the /proc
 * scan's, at --max-sessions): counted in the stopped notice. */
void sessions_count_dropped(struct sessions *t);

/* sessions_open_partial: a session for root_pid, already running: partial,
 * its start now, an id of its own (never one the kernel gives).  Its info
 * is filled by the caller before dsession_start().  NULL when
 * --max-sessions are open or on allocation failure. */
struct dsession *sessions_open_partial(struct sessions *t, uint32_t root_pid, uint64_t cgroup_id);

/* sessions_find: the open session of that id, or NULL. */
struct dsession *sessions_find(struct sessions *t, uint32_t id);

/* dsession_start: opens the session's pipeline: its info is complete
 * (argv, cwd, env).  Returns 0 or -errno (reported). */
int dsession_start(struct sessions *t, struct dsession *s);

/* dsession_discard: closes s without a report and frees it. */
void dsession_discard(struct sessions *t, struct dsession *s);

/* dsession_feed: a record made up for s (the /proc scan's synthetic
 * ones): into its pipeline and counted as seen. */
void dsession_feed(struct dsession *s, const void *raw, size_t size);

/* dsession_add_process: one more running process in s's tree. */
void dsession_add_process(struct dsession *s);

/* Its id, cgroup and session info (the caller may fill the info until
 * dsession_start()). */
uint32_t dsession_id(const struct dsession *s);
uint64_t dsession_cgroup_id(const struct dsession *s);
struct session_info *dsession_info(struct dsession *s);

#endif
