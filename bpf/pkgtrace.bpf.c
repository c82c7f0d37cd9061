// SPDX-License-Identifier: GPL-2.0
/*
 * pkgtrace.bpf.c - everything a traced process tree does, from tracepoints.
 *
 * The tree: `tree` maps host tgid -> session.  The root is marked by
 * probe_register_self() (a magic prctl, see events.h) or, in daemon mode,
 * by an exec of a package-manager command; sched_process_fork copies the
 * mark to every new process (threads share their tgid key), and
 * sched_process_exit drops it when the thread group dies.  Every program
 * looks the current tgid up first (its bit in tree_bits, then the map) and
 * returns at once when it is not there, so an untracked process pays one
 * bit test per hook.
 *
 * Syscalls: one raw sys_exit hook tail-calls the syscall's handler, which
 * reads the arguments back from the user registers, builds the record with
 * the result and resolves paths in the kernel (path.bpf.h).  Records are variable-size
 * struct pt_event built in a per-CPU scratch and copied to this CPU's ring
 * buffer with their used size only.
 *
 * The per-CPU scratch assumes one program at a time per CPU, as every
 * tracer built this way does: on a fully preemptible kernel a program
 * preempted mid-record could see its scratch reused (this kernel runs
 * PREEMPT_NONE by default).
 *
 * Where things are (one compilation unit: the headers are parts of this
 * file, included in this order because each uses the ones before it):
 *   compat.bpf.h  the kernel features used, each with its minimum version
 *   path.bpf.h    per-CPU scratch, record builders, the in-kernel path walk
 *   this file     configuration, rings and drop counts, ev_begin/ev_submit,
 *                 the sys_exit dispatch and the EXIT() handler macro
 *   tree.bpf.h    the traced set: tree map and bits, fork, exit, roots
 *   exec.bpf.h    sched_process_exec, daemon session start, failed execs
 *   file.bpf.h    open, the path syscalls, memfd_create
 *   net.bpf.h     connect, bind, listen, accept, sends (DNS payload), write
 *                 and writev on sockets, the ia32 socketcall demultiplexer
 *   proc.bpf.h    set*id, ptrace, signals, process_vm_*, bpf()
 *   sys.bpf.h     mount, namespace and root calls, io_uring_setup
 *   iouring.bpf.h io_uring submissions (they never pass sys_exit)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "events.h"
#include "compat.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by probe.c between open and load. */
const volatile __u64 reg_cookie = 0;    /* 0: registration disabled */
const volatile __u32 daemon_mode = 0;
const volatile __u64 wake_bytes = 4 << 20; /* force a wakeup past this backlog */

/* A syscall's arguments, read back from the user registers at sys_exit. */
struct sc_args {
	__u64 a[8]; /* 6 used; 8 so an index masked with 7 stays inside */
};

/* One ring buffer per CPU, by CPU number (probe.c creates them and fills
 * this array): a single shared ring serialises every producer on its lock,
 * ~7 % of a traced tight loop's time with two CPUs.  Userspace merges the
 * rings by time (user/ringset.c).  The inner definition is only the type
 * the verifier checks against; the real rings are sized by probe.c. */
struct ring_def {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* set to the number of possible CPUs */
	__type(key, __u32);
	__array(values, struct ring_def);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

#include "path.bpf.h"

/* Records lost, by session, so a daemon report counts its own losses and
 * not those of the other installs on the node.  Userspace deletes an entry
 * when it has reported the session. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} session_drops SEC(".maps");

/* One record of session lost: counted per CPU (all sessions) and for the
 * session. */
static __always_inline void count_drop(__u32 session)
{
	__u32 zero = 0;
	__u64 none = 0, *c = bpf_map_lookup_elem(&drops, &zero);

	if (c)
		*c += 1;
	/* The session's first loss makes its entry (NOEXIST: a no-op after
	 * that, and another CPU's entry stands); every loss adds to it. */
	bpf_map_update_elem(&session_drops, &session, &none, BPF_NOEXIST);
	c = bpf_map_lookup_elem(&session_drops, &session);
	if (c)
		__sync_fetch_and_add(c, 1);
}

/*
 * The header fields are plain loads from the task (KCAST) rather than the
 * bpf_get_current_*() helpers, which read the same fields: the helpers
 * cost ~120 ns per record here (uid_gid maps both ids through the user
 * namespace code, comm copies with strscpy, a call each), the loads a few.
 * The values are the helpers': host pid/tgid, the kernel uid (the
 * init-namespace one), the default-hierarchy cgroup's kernfs id.
 */
static __always_inline void ev_begin(struct scratch *s, __u32 type, __u32 session)
{
	struct task_struct *task = cur_task();
	struct pt_event *e = EV(s);
	struct task_struct *parent = task->real_parent;
	const struct cred *cred = task->cred;
	struct css_set *cgroups = task->cgroups;
	struct cgroup *cgrp = cgroups ? cgroups->dfl_cgrp : NULL;
	struct kernfs_node *kn = cgrp ? cgrp->kn : NULL;
	const __u64 *comm = (const __u64 *)task->comm;

	e->time_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = kn ? kn->id : 0;
	e->ret = 0;
	e->arg[0] = e->arg[1] = e->arg[2] = 0;
	e->type = type;
	e->pid = task->tgid;
	e->tid = task->pid;
	e->ppid = parent ? parent->tgid : 0;
	e->uid = cred ? cred->uid.val : 0;
	e->session = session;
	e->flags = 0;
	e->len[0] = e->len[1] = e->len[2] = e->len[3] = 0;
	/* comm is NUL-terminated within its 16 bytes (set_task_comm): two
	 * 8-byte loads copy it whole.  A racing rename may mix old and new
	 * bytes, as the helper's copy could too. */
	((__u64 *)e->comm)[0] = comm[0];
	((__u64 *)e->comm)[1] = comm[1];
	s->pos = 0;
}

/* Send the record with only its used bytes.  No wakeup per record (that
 * costs ~1.8 us each); the consumer polls with a short timeout, and a
 * backlog past wake_bytes forces a wakeup so it never falls far behind. */
static __always_inline void ev_submit(struct scratch *s)
{
	struct pt_event *e = EV(s);
	/* Mask: pos is read back from the map; the bound proves size fits rec. */
	__u32 size = HDR_SZ + (s->pos & (DATA_SZ - 1));
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 flags = BPF_RB_NO_WAKEUP;
	void *ring = bpf_map_lookup_elem(&rings, &cpu);

	if (!ring) {
		count_drop(e->session);
		return;
	}
	e->size = size;
	/* The backlog is checked every 32nd record of a CPU only: reading it
	 * pulls in the consumer's cache line, a miss each time. */
	if ((++s->nsub & 31) == 0 && bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) > wake_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(ring, e, size, flags))
		count_drop(e->session);
}

#include "tree.bpf.h"

/* ---- syscalls: one sys_exit hook, a handler per syscall ----------------- */

/*
 * One raw tracepoint on sys_exit, and nothing on sys_enter:
 * - a syscalls:* tracepoint per call would fire only for those calls, but
 *   ~40 perf-event tracepoints take ~60 ms each to detach (an RCU grace
 *   period apiece), which made every run end 5 s late;
 * - the arguments need no saving at sys_enter: the user registers in
 *   pt_regs still hold them at sys_exit (the syscall's result goes to ax,
 *   its number stays in orig_ax; PT_REGS_PARM*_SYSCALL knows each arch),
 *   and the user memory they point to has been read by the kernel, so it
 *   is paged in.  One hook instead of two halves the cost to every syscall
 *   of every untracked process (a retpoline'd indirect call each).
 * sys_exit tail-calls the syscall's handler from sc_exit_progs (filled by
 * probe.c by syscall number); an empty slot simply falls through.
 */
const volatile __u32 nr_prctl = 157; /* set by probe.c: SYS_prctl */

#define NR_MAX 512

/* By syscall number, PT_SC_NATIVE when the native call of that number has
 * a handler (and prctl, for registration), PT_SC_IA32 when the 32-bit
 * call of that number has one (events.h); set by probe.c before load.
 * sys_exit returns on every other syscall (read, statx, futex...: most of
 * them) before any map lookup, which is what every process on the
 * machine, traced or not, pays. */
const volatile __u8 sc_wanted[NR_MAX] = {};

/* By ia32 syscall number: the native number whose handler serves it (the
 * same call), or PT_NR_SOCKETCALL for socketcall.  Set by probe.c. */
const volatile __u16 sc_ia32_nr[NR_MAX] = {};

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, NR_MAX);
	__type(key, __u32);
	__type(value, __u32);
} sc_exit_progs SEC(".maps");

/*
 * A 32-bit call (int 0x80, sysenter or a 32-bit process): x86-64 kernels
 * with IA32 emulation mark it with TS_COMPAT in the thread's status from
 * entry until the return to user mode, which comes after the sys_exit
 * tracepoint (arch_exit_to_user_mode_prepare clears it).  orig_ax then
 * holds the i386 number, and the arguments are in bx, cx, dx, si, di, bp.
 * Other architectures: never (arm64's 32-bit tasks are not supported).
 */
#define TS_COMPAT_ 0x0002

static __always_inline bool syscall_is_ia32(void)
{
#ifdef __TARGET_ARCH_x86
	return cur_task()->thread_info.status & TS_COMPAT_;
#else
	return false;
#endif
}

static __always_inline void load_args(struct pt_regs *regs, struct sc_args *a,
				      const struct scratch *s)
{
	/* Plain loads through a BTF pointer (KCAST): a helper call per
	 * register otherwise. */
	struct pt_regs *r = KCAST(struct pt_regs, regs);

	if (s->abi == PT_ABI_SOCKETCALL) { /* read from the caller's array */
		a->a[0] = s->sargs[0];
		a->a[1] = s->sargs[1];
		a->a[2] = s->sargs[2];
		a->a[3] = s->sargs[3];
		a->a[4] = s->sargs[4];
		a->a[5] = s->sargs[5];
		return;
	}
#ifdef __TARGET_ARCH_x86
	if (s->abi == PT_ABI_IA32) { /* 32-bit registers, zero-extended */
		a->a[0] = (__u32)r->bx;
		a->a[1] = (__u32)r->cx;
		a->a[2] = (__u32)r->dx;
		a->a[3] = (__u32)r->si;
		a->a[4] = (__u32)r->di;
		a->a[5] = (__u32)r->bp;
		return;
	}
#endif
	a->a[0] = PT_REGS_PARM1_SYSCALL(r);
	a->a[1] = PT_REGS_PARM2_SYSCALL(r);
	a->a[2] = PT_REGS_PARM3_SYSCALL(r);
	a->a[3] = PT_REGS_PARM4_SYSCALL(r);
	a->a[4] = PT_REGS_PARM5_SYSCALL(r);
#ifdef __TARGET_ARCH_x86
	/* libbpf 1.1 has no PT_REGS_PARM6_SYSCALL. */
	a->a[5] = r->r9;
#else
	a->a[5] = 0;
#endif
}

/*
 * Root registration.  probe_register_self() in the traced child calls
 * prctl(PT_REG_PRCTL_OPTION, cookie).  The kernel rejects the unknown option
 * with -EINVAL; on its way out sys_exit sees it, and with the per-run cookie
 * marks the caller's host tgid as the root of session 1 before the child
 * runs another instruction.  Doing it here rather than from userspace makes
 * it work in PID namespaces, where the pid fork() returned is not the
 * kernel's.
 */
static __always_inline void try_register(struct pt_regs *regs, __u32 tgid)
{
	struct pt_regs *r = KCAST(struct pt_regs, regs);

	if (!reg_cookie || PT_REGS_PARM1_SYSCALL(r) != PT_REG_PRCTL_OPTION ||
	    PT_REGS_PARM2_SYSCALL(r) != reg_cookie)
		return;
	if (tree_mark(tgid, 1, PT_TREE_ROOT))
		emit_root(1, 0);
}

/*
 * Refusals of the --enforce seccomp filter (user/enforce/seccomp.c).  The
 * kernel runs seccomp before the sys_enter tracepoint, so a refused call
 * is never seen entering; but it does leave through sys_exit, with its
 * number still in orig_ax and the filter's errno as its result (Linux
 * 5.x+: syscall_exit_work runs for a skipped call too).  The filter
 * answers ENOSYS, which none of the refused calls gives on a kernel that
 * has them; so an ENOSYS of a call the filter refuses (sc_refusable, or
 * any call of the ia32 or x32 ABI) from a process of the tree (which all
 * carry the filter, inherited from the root) is a refusal.  ENOSYS is rare
 * enough that testing it first costs nothing; without --enforce the test
 * is removed by the verifier (refusals is a constant).
 */
const volatile __u32 refusals = 0; /* set by probe.c with --enforce */
/* By native syscall number: 1 when the filter refuses it (probe.c). */
const volatile __u8 sc_refusable[NR_MAX] = {};
#define ENOSYS_ 38
#define X32_BIT_ 0x40000000u

static __noinline bool refusal(struct pt_regs *regs, __u32 nr)
{
	struct pt_regs *r = KCAST(struct pt_regs, regs);
	struct pt_tree_val *tv = tree_get(bpf_get_current_pid_tgid() >> 32);
	__u32 abi = PT_REFUSED_ABI_NATIVE;
	__u64 arg0 = PT_REGS_PARM1_SYSCALL(r);
	struct scratch *s;

	if (!tv || !regs)
		return false;
	if (syscall_is_ia32()) {
		abi = PT_REFUSED_ABI_IA32;
#ifdef __TARGET_ARCH_x86
		arg0 = (__u32)r->bx;
#endif
	} else if ((nr & X32_BIT_) && nr - X32_BIT_ < NR_MAX) {
		abi = PT_REFUSED_ABI_X32;
		nr -= X32_BIT_;
	} else if (nr >= NR_MAX || !sc_refusable[nr & (NR_MAX - 1)]) {
		return false;
	}
	s = scratch_get();
	if (!s)
		return false;
	ev_begin(s, PT_EV_REFUSED, tv->session);
	EV(s)->ret = -ENOSYS_;
	EV(s)->arg[0] = nr;
	EV(s)->arg[1] = abi;
	EV(s)->arg[2] = arg0;
	ev_submit(s);
	return true;
}

static __always_inline __u32 syscall_nr(struct pt_regs *regs)
{
#ifdef __TARGET_ARCH_x86
	return KCAST(struct pt_regs, regs)->orig_ax;
#else
	return BPF_CORE_READ(regs, syscallno); /* arm64 */
#endif
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u32 nr = syscall_nr(regs); /* -1 (huge) outside a syscall */
	struct pt_tree_val *tv;
	struct scratch *s;
	__u32 tgid;
	__u8 want;

	if (refusals && ret == -ENOSYS_ && refusal(regs, nr))
		return 0;
	if (nr >= NR_MAX)
		return 0;
	/* clang checks a 32-bit copy of nr and indexes with the 64-bit
	 * register, which the verifier cannot bound: make it check the one
	 * it indexes with. */
	barrier_var(nr);
	want = sc_wanted[nr & (NR_MAX - 1)];
	if (!want)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	s = scratch_get();
	if (!s)
		return 0;
	/* The last process this CPU found in the tree, while no process has
	 * left it since (see tree_gen): no hash lookup, ~60 ns a record. */
	if (s->cached_tgid != tgid || s->cached_gen != tree_gen) {
		tv = tree_get(tgid);
		if (!tv) {
			if (!reg_cookie)
				return 0;
			if (nr == nr_prctl)
				try_register(regs, tgid);
			return 0;
		}
		s->cached_tgid = tgid;
		s->cached_gen = tree_gen;
		/* The handler finds the session here: a tail call is a jump,
		 * nothing runs on this CPU in between. */
		s->session = tv->session;
	}
	/* Traced processes only, so untraced ones never pay for the look at
	 * the thread's status. */
	s->abi = PT_ABI_NATIVE;
	if (syscall_is_ia32()) {
		if (!(want & PT_SC_IA32))
			return 0;
		nr = sc_ia32_nr[nr & (NR_MAX - 1)];
		s->abi = PT_ABI_IA32;
	} else if (!(want & PT_SC_NATIVE)) {
		return 0;
	}
	s->nr = nr;
	bpf_tail_call(ctx, &sc_exit_progs, nr);
	return 0; /* no handler for this syscall */
}

/*
 * EXIT(sc, type) defines the tail-called handler program exit_<sc>; its
 * body handles (s, a, ret, nr) with the record already begun with that
 * type; nr is the native number of the call (an ia32 call's is mapped, and
 * its record flagged PT_F_COMPAT).  probe.c installs it in sc_exit_progs at
 * the number of each syscall it serves: one program serves a family (open,
 * openat, creat and openat2, say), telling them apart by nr, because each
 * program costs milliseconds of verification at every start, and most of
 * it is the path walk they share.
 *
 * EXIT_IF(sc, type, cond) is the same with a test of (a, ret) made before
 * the record is begun: for calls as frequent as write, where most calls
 * (to files) are not recorded at all.
 */
#define EXIT_IF(sc, ev_type, cond) \
	static __always_inline void handle_##sc(struct scratch *s, const struct sc_args *a, long ret, \
						__u32 nr); \
	SEC("raw_tp") \
	int exit_##sc(__u64 *ctx) \
	{ \
		struct pt_regs *regs = (struct pt_regs *)ctx[0]; \
		struct scratch *s = scratch_get(); \
		long ret = (long)ctx[1]; \
		struct sc_args a = {}; /* a[6], a[7]: read by masked indexes */ \
		if (!s) \
			return 0; \
		load_args(regs, &a, s); \
		if (!(cond)) \
			return 0; \
		ev_begin(s, ev_type, s->session); \
		EV(s)->ret = ret; \
		if (s->abi != PT_ABI_NATIVE) \
			EV(s)->flags |= PT_F_COMPAT; \
		handle_##sc(s, &a, ret, s->nr); \
		if (EV(s)->type) \
			ev_submit(s); \
		return 0; \
	} \
	static __always_inline void handle_##sc(struct scratch *s, const struct sc_args *a, long ret, \
						__u32 nr)
#define EXIT(sc, ev_type) EXIT_IF(sc, ev_type, 1)

/* A handler sets type 0 to send nothing. */
#define DROP_EVENT(s) (EV(s)->type = 0)

#define UPTR(x) ((const char *)(unsigned long)(x))

#include "exec.bpf.h"
#include "file.bpf.h"
#include "net.bpf.h"
#include "proc.bpf.h"
#include "sys.bpf.h"
#include "iouring.bpf.h"
