/*
 * daemon/notices.h - what the daemon writes: one JSON line per report
 * (with the container, pod and cgroup it ran in) and "pkgtrace-daemon/1"
 * notices (started, session-dropped, stopped), to stdout or appended to
 * --output.  Each line goes out in one write, so a reader never sees half.
 */
#ifndef PKGTRACE_DAEMON_NOTICES_H
#define PKGTRACE_DAEMON_NOTICES_H

#include <stdint.h>
#include "cgroupctx.h"
#include "daemon/webhook.h"
#include "event.h"

struct json_object;
struct notices;

/* What the stopped notice counts. */
struct daemon_counts {
	uint64_t reports;           /* report lines written */
	uint64_t dropped_sessions;  /* sessions not taken (--max-sessions) or lost */
	uint64_t stray_records;     /* records of no open session */
	uint64_t malformed;         /* records too short or of the wrong size */
	uint64_t kernel_drops;      /* records the kernel could not deliver */
};

/* notices_new: lines go to path, appended (NULL: stdout); cg (may be NULL:
 * no container or pod then; not owned) names where a session ran.  Returns
 * 0 and *out, or -errno (reported). */
int notices_new(const char *path, struct cgroupctx *cg, struct notices **out);

/* notices_reopen: the output file opened again (SIGHUP, after a log
 * rotation).  Returns 0, or -errno (reported) with the old file kept. */
int notices_reopen(struct notices *n);
void notices_free(struct notices *n);

/* notices_set_webhook: from now on each report with a finding is also
 * posted to w (not owned; NULL: none). */
void notices_set_webhook(struct notices *n, struct webhook *w);

/* notices_report: a session's report (from report_json(), still the
 * caller's) with "container", "pod" and "cgroup" of cgroup_id and "trace"
 * (its --record-dir file, or NULL) added, written as one line; the same
 * line is queued for the webhook when the report has a finding. */
void notices_report(struct notices *n, struct json_object *report, uint64_t cgroup_id,
		    const char *trace);

/* notices_started: readiness: the session commands (NULL-terminated) and
 * the number of installs already running that were taken as partial. */
void notices_started(struct notices *n, const char *const *cmds, int partial);

/* notices_dropped: a session could not be taken (--max-sessions): said,
 * not lost.  ev is its root record. */
void notices_dropped(struct notices *n, const struct pt_event *ev);

/* notices_stopped: the daemon's last line, with its counts and, when a
 * webhook was set (hook not NULL), its delivery counts. */
void notices_stopped(struct notices *n, const struct daemon_counts *c,
		     const struct webhook_counts *hook);

#endif
