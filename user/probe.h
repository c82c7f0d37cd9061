/*
 * probe.h - the BPF side, from userspace: load, attach, register the root of
 * a traced tree, and drain the per-CPU ring buffers.  Implemented in probe.c
 * over the skeleton of bpf/pkgtrace.bpf.c.
 */
#ifndef PKGTRACE_PROBE_H
#define PKGTRACE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe;

/* Called once per raw record (a struct pt_event of size bytes).  Return 0 to
 * go on; non-zero stops the current probe_poll() and is returned by it. */
typedef int (*probe_event_fn)(void *ctx, const void *raw, size_t size);

struct probe_opts {
	uint64_t reg_cookie;        /* secret the child passes to probe_register_self() */
	bool daemon;                /* start sessions at package-manager execs (issue 5) */
	const char *const *session_cmds; /* NULL-terminated basenames, daemon only */
	uint32_t ringbuf_bytes;     /* per CPU; 0: default (64 MiB / CPUs, 1 to 8 MiB) */
	/* --enforce: the native syscall numbers the seccomp filter refuses
	 * with ENOSYS; the tree's ENOSYS of these (and of any ia32 or x32
	 * call) become PT_EV_REFUSED records.  NULL: no refusals recorded. */
	const int *refusable;
	int nrefusable;
};

/* probe_new: open, configure, load and attach.  Returns 0 and sets *out, or
 * -errno (-EPERM: no privilege; other: BPF unavailable).  libbpf's own log
 * goes to stderr only when verbose is set. */
int probe_new(const struct probe_opts *opts, probe_event_fn fn, void *ctx, struct probe **out);
void probe_free(struct probe *p);

/* probe_exit_status: probe_new()'s error said on one line (no privilege, or
 * BPF unavailable: see 'pkgtrace doctor'); returns the exit status for it,
 * PT_EXIT_NOPERM or PT_EXIT_NOBPF. */
int probe_exit_status(int err);

/* probe_register_self: called in the forked child, after probe_new() in the
 * parent: marks the calling process as the root of session 1, from the kernel
 * side (so it works inside PID namespaces).  Async-signal-safe.  It cannot
 * fail visibly: the prctl always fails, and only the BPF side knows whether
 * it took the mark (the parent sees the ROOT record). */
void probe_register_self(uint64_t reg_cookie);

/* probe_poll: wait up to timeout_ms for records, then deliver those whose
 * place in time order is settled (all CPUs' rings merged by time; a record
 * may wait ~10 ms for records still in flight on other CPUs).  Returns the
 * number delivered, or -errno / the callback's non-zero value. */
int probe_poll(struct probe *p, int timeout_ms);

/* probe_watch_fd: probe_poll() also wakes up when fd is readable (level
 * triggered: the caller reads it after each poll).  Closing fd ends the
 * watch.  0 or -errno. */
int probe_watch_fd(struct probe *p, int fd);

/* probe_drain: deliver every record that happened before the call, in time
 * order (it waits out the in-flight hold first, ~10 ms).  For the end of a
 * run or of a session; later records stay for the next probe_poll().
 * Returns the number delivered or the callback's non-zero value. */
int probe_drain(struct probe *p);

/* probe_drops: records the kernel could not deliver, summed over CPUs. */
uint64_t probe_drops(struct probe *p);

/* probe_session_drops: the records of one session the kernel could not
 * deliver (a process the full tree could not take counts as one).
 * probe_forget_session: drop that count once the session is reported. */
uint64_t probe_session_drops(struct probe *p, uint32_t session);
void probe_forget_session(struct probe *p, uint32_t session);

/* probe_map_ids: the ids of pkgtrace's own BPF maps (the object's and the
 * per-CPU rings), at most max of them into ids, so the analysis can tell
 * a bpf() call that touches the monitor.  Returns how many were stored. */
int probe_map_ids(struct probe *p, uint32_t *ids, int max);

/* probe_rings_fd: the map of the per-CPU rings (by CPU number), for
 * another BPF object whose records join the stream (--enforce's
 * refusals, bpf/enforce.bpf.c).  -1 before probe_new. */
int probe_rings_fd(struct probe *p);

/* probe_tree_size: processes currently marked in the tree, for a session
 * (0 = any).  Used for the lingering-process grace period. */
int probe_tree_size(struct probe *p, uint32_t session);

/* probe_mark_pid: put a running process (host tgid) in the tree as the root
 * of session (daemon: installs already running at start).  Kernel-started
 * daemon sessions count up from 2; use ids >= 0x80000000 to avoid them.
 * Its children forked from now on inherit the mark.  0 or -errno
 * (-EEXIST: it is in the tree already, e.g. a session the kernel started;
 * the check and the mark are one atomic map update). */
int probe_mark_pid(struct probe *p, uint32_t pid, uint32_t session);

#endif
