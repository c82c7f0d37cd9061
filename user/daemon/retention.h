/*
 * daemon/retention.h - bounds on --record-dir: traces older than
 * --traces-max-age, then the oldest while the total is over
 * --traces-max-bytes, are removed; a trace still being written never is.
 */
#ifndef PKGTRACE_DAEMON_RETENTION_H
#define PKGTRACE_DAEMON_RETENTION_H

#include <stdbool.h>
#include <stdint.h>

struct retention_counts {
	uint64_t removed;           /* traces removed since start */
	uint64_t removed_bytes;
	uint64_t kept;              /* traces in the directory after the last pass */
	uint64_t kept_bytes;
};

/* in_use(ctx, path): is path (dir/name) a trace an open session writes? */
typedef bool (*retention_in_use_fn)(void *ctx, const char *path);

/* retention_enforce: one pass over dir's *.ptr files: those modified more
 * than max_age_s ago (0: no age bound) go, then the oldest until the rest
 * fit in max_bytes (0: no size bound), never one in_use names.  c is
 * updated.  Returns 0 or -errno (reported) when dir cannot be read. */
int retention_enforce(const char *dir, uint64_t max_bytes, long max_age_s, retention_in_use_fn in_use,
		      void *ctx, struct retention_counts *c);

#endif
