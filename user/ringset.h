/*
 * ringset.h - read a set of BPF ring buffers (one per CPU) in place and
 * deliver their records as one stream in time order.
 *
 * Why per-CPU rings: one ring shared by every CPU serialises all producers
 * on its spinlock and producer position; with two CPUs tracing a tight loop
 * reserving a record took ~7 % of the traced process's time.  The price is
 * that the global order of reservation is gone, and the collector needs
 * it (a fork before the child's first record, an exec before what the new
 * image does).  Each ring is in time order by itself (a CPU runs one
 * program at a time), so the rings are merged by each record's leading
 * 64-bit timestamp (struct pt_event.time_ns, CLOCK_BOOTTIME).
 *
 * The merge delivers the oldest head among the rings when every other ring
 * has a head too (nothing older can still come from a ring whose head is
 * newer), or when it is older than now - hold: a ring with nothing in it
 * may have a record in flight, reserved but not committed, whose time is
 * before the head's; a program commits within microseconds, so hold (a few
 * milliseconds) covers it, vCPU preemption included.
 *
 * Records are read where they are (libbpf's ring_buffer consumes each one
 * as it hands it over, so it cannot leave a record for later without a
 * copy) and a ring's consumer position moves past a record only once it is
 * delivered.
 */
#ifndef PKGTRACE_RINGSET_H
#define PKGTRACE_RINGSET_H

#include <stddef.h>
#include <stdint.h>

struct ringset;

/* Called once per record, in time order.  Non-zero stops the delivery
 * (the record counts as delivered) and is returned by ringset_deliver(). */
typedef int (*ringset_fn)(void *ctx, const void *rec, size_t size);

/* ringset_new: map n ring buffer maps (fds, each of size bytes, a power of
 * two) for reading and waiting.  0 and *out, or -errno. */
int ringset_new(const int *fds, int n, uint32_t size, struct ringset **out);
void ringset_free(struct ringset *rs);

/* ringset_wait: wait up to timeout_ms for a ring to signal (records are
 * sent without wakeups but for a backlog, so a timeout does not mean there
 * is none).  0 or -errno (-EINTR when a signal came). */
int ringset_wait(struct ringset *rs, int timeout_ms);

/* ringset_watch_fd: ringset_wait() also returns when fd is readable (level
 * triggered: read it before waiting again).  Closing fd ends the watch.
 * 0 or -errno. */
int ringset_watch_fd(struct ringset *rs, int fd);

/* ringset_deliver: hand fn the records that are safe to deliver at time
 * now_ns (CLOCK_BOOTTIME) with the given hold (see above), oldest first.
 * With until_ns non-zero, also every record up to until_ns whatever the
 * other rings hold (a drain: the caller waited hold past until_ns first).
 * Returns the number delivered, or fn's non-zero value. */
long ringset_deliver(struct ringset *rs, uint64_t now_ns, uint64_t hold_ns, uint64_t until_ns,
		     ringset_fn fn, void *ctx);

/* ringset_pick: the merge decision, by itself for tests.  heads[i] is ring
 * i's oldest record time, or UINT64_MAX when the ring has none.  Returns
 * the ring to deliver from next, or -1 when nothing may go yet. */
int ringset_pick(const uint64_t *heads, int n, uint64_t now_ns, uint64_t hold_ns,
		 uint64_t until_ns);

#endif
