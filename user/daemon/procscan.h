/*
 * daemon/procscan.h - installs already running when the daemon starts:
 * found in /proc, marked from userspace and reported partial.
 *
 * The daemon drains the records of the sessions the kernel started since
 * attach first (procscan_saw() notes their pids), then runs the scan, so a
 * process the kernel already traces is never taken twice.
 */
#ifndef PKGTRACE_DAEMON_PROCSCAN_H
#define PKGTRACE_DAEMON_PROCSCAN_H

#include <stddef.h>
#include "cgroupctx.h"
#include "daemon/sesscmds.h"
#include "daemon/sessions.h"
#include "probe.h"

struct procscan;

/* procscan_new: an empty set of pids seen.  Returns 0 and *out, or
 * -ENOMEM. */
int procscan_new(struct procscan **out);
void procscan_free(struct procscan *ps);

/* procscan_saw: a record delivered before the scan: the pids it names are
 * in kernel sessions, and the scan leaves them alone. */
void procscan_saw(struct procscan *ps, const void *raw, size_t size);

/* procscan_run: the outermost process matching cmds that no kernel session
 * holds becomes the root of a partial session in t; it and its running
 * descendants are marked in probe (children forked from now on are
 * traced) and given synthetic ROOT/FORK/EXEC records from /proc.  cg (may
 * be NULL) gives their cgroup ids.  Returns the number of sessions taken. */
int procscan_run(struct procscan *ps, struct sessions *t, struct probe *probe,
		 const struct sesscmds *cmds, const struct cgroupctx *cg);

#endif
