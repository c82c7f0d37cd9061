/*
 * daemon/status.h - the daemon's status file (--status-file): its counts,
 * rewritten by the poll loop about once a second, so its age says whether
 * the rings are still being read; and the check the Kubernetes probes run
 * (pkgtrace daemon --status-file FILE --health).
 */
#ifndef PKGTRACE_DAEMON_STATUS_H
#define PKGTRACE_DAEMON_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include "daemon/notices.h"
#include "daemon/retention.h"
#include "daemon/webhook.h"

#define STATUS_FORMAT "pkgtrace-daemon-status/1"

struct daemon_status {
	long open_sessions;
	struct daemon_counts counts;       /* kernel_drops included */
	bool has_webhook;
	struct webhook_counts webhook;
	bool has_retention;
	struct retention_counts retention;
};

/* status_write: s as one JSON object replacing path (written beside it,
 * then renamed: a reader never sees half), stamped with CLOCK_BOOTTIME,
 * the wall clock and the pid.  Returns 0 or -errno (not reported: the
 * caller says it once). */
int status_write(const char *path, const struct daemon_status *s);

/* status_check: is the status file at path from a live daemon and at most
 * max_age_s old?  Prints one line (stdout when healthy, stderr when not).
 * Returns PT_EXIT_OK, 1 (stale or its daemon gone) or PT_EXIT_BAD_INPUT
 * (missing or not a status file). */
int status_check(const char *path, long max_age_s);

#endif
