/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * tree.bpf.h - the process tree: which processes are traced, and
 * the fork and exit tracepoints that keep the set up to date.
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_TREE_BPF_H
#define PKGTRACE_TREE_BPF_H

#define TREE_MAX 65536

/*
 * One bit per pid, set while the tgid is in `tree` (PT_TREE_BITS_WORDS in
 * events.h: every pid below PID_MAX_LIMIT has its bit).  Untracked
 * processes are nearly everyone, and for them a hash lookup that misses
 * was most of what the hooks cost (~40 ns of an open's ~150); a bit test
 * is one load.  A bit may be set for a tgid not (yet, or any more) in the
 * map, never the other way round: it is set before the insert and cleared
 * after the delete, and the map stays the authority.  Userspace sets bits
 * through the mmapped .bss (probe_mark_pid).
 */
__u64 tree_bits[PT_TREE_BITS_WORDS];

#define TREE_BIT_WORD(tgid) tree_bits[((tgid) >> 6) & (PT_TREE_BITS_WORDS - 1)]
#define TREE_BIT(tgid) (1ull << ((tgid) & 63))

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TREE_MAX);
	__type(key, __u32);
	__type(value, struct pt_tree_val);
} tree SEC(".maps");

/* The tree entry of tgid, or NULL. */
static __always_inline struct pt_tree_val *tree_get(__u32 tgid)
{
	if (!(TREE_BIT_WORD(tgid) & TREE_BIT(tgid)))
		return NULL;
	return bpf_map_lookup_elem(&tree, &tgid);
}

/*
 * Bumped whenever a process leaves the tree.  sys_exit keeps, per CPU, the
 * last tgid it found in the tree with the generation it saw; the entry is
 * good while the generation stands.  Only deletions matter: the cache
 * holds members only, and a member's entry never changes while it runs
 * (inserts are for processes not in the tree, userspace's with NOEXIST).
 * A reused pid comes after its predecessor's exit, hence after a bump.
 * Starts at 1 so the zeroed cache matches nothing.
 */
__u64 tree_gen = 1;

/* task_vpid: t's pid as its own PID namespace numbers it.  CMD runs in a
 * namespace of its own and, under --enforce, sees that namespace's /proc:
 * a process reading /proc/<its vpid>/maps reads its own.  numbers[] is
 * indexed by the namespace level, a variable offset the verifier refuses
 * on a direct load: read it with the helper. */
static __always_inline __u32 task_vpid(struct task_struct *t)
{
	struct pid *pid = t->thread_pid;
	struct upid up = {};

	if (!pid)
		return 0;
	bpf_probe_read_kernel(&up, sizeof(up), (void *)((unsigned long)pid->numbers +
							  (pid->level & 31) * sizeof(up)));
	return up.nr;
}

/* The record saying the current process became the root of session. */
static __always_inline void emit_root(__u32 session, __u32 flags)
{
	struct scratch *s = scratch_get();

	if (!s)
		return;
	ev_begin(s, PT_EV_ROOT, session);
	EV(s)->arg[0] = session;
	EV(s)->arg[1] = task_vpid(cur_task());
	EV(s)->flags = flags;
	ev_submit(s);
}

/* Mark tgid as traced, in session: the bit first, then the map entry.
 * NULL when the tree is full (the loss is counted). */
static __always_inline struct pt_tree_val *tree_mark(__u32 tgid, __u32 session, __u32 flags)
{
	struct pt_tree_val v = { .session = session, .flags = flags };

	__sync_fetch_and_or(&TREE_BIT_WORD(tgid), TREE_BIT(tgid));
	if (bpf_map_update_elem(&tree, &tgid, &v, BPF_ANY)) {
		count_drop(session); /* tree full: this process goes untraced */
		return NULL;
	}
	return bpf_map_lookup_elem(&tree, &tgid);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 cpid = BPF_CORE_READ(child, pid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct pt_tree_val *tv = tree_get(ptgid);
	struct scratch *s;
	__u32 session;

	/* Threads share the tgid key, so they are in the tree already. */
	if (!tv || cpid != ctgid)
		return 0;
	session = tv->session;
	/* The child has not run yet (the tracepoint fires before it is woken):
	 * it is marked before its first instruction. */
	if (!tree_mark(ctgid, session, 0))
		return 0;
	s = scratch_get();
	if (!s)
		return 0;
	ev_begin(s, PT_EV_FORK, session);
	EV(s)->arg[0] = ctgid;
	EV(s)->arg[1] = task_vpid(child);
	ev_submit(s);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task, bool group_dead)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pt_tree_val *tv = tree_get(tgid);
	struct scratch *s;

	if (!tv || !group_dead) /* another thread of the process still runs */
		return 0;
	s = scratch_get();
	if (s) {
		ev_begin(s, PT_EV_EXIT, tv->session);
		/* exit_code is already the wait status: (code << 8) | signal. */
		EV(s)->arg[0] = BPF_CORE_READ(task, exit_code);
		ev_submit(s);
	}
	bpf_map_delete_elem(&tree, &tgid);
	__sync_fetch_and_and(&TREE_BIT_WORD(tgid), ~TREE_BIT(tgid));
	__sync_fetch_and_add(&tree_gen, 1);
	return 0;
}

#endif /* PKGTRACE_TREE_BPF_H */
