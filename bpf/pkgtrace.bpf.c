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
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "events.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by probe.c between open and load. */
const volatile __u64 reg_cookie = 0;    /* 0: registration disabled */
const volatile __u32 daemon_mode = 0;
const volatile __u64 wake_bytes = 4 << 20; /* force a wakeup past this backlog */

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

/* A syscall's arguments, read back from the user registers at sys_exit. */
struct sc_args {
	__u64 a[8]; /* 6 used; 8 so an index masked with 7 stays inside */
};

/* Daemon mode: basenames (char[16], NUL-padded) that start a session. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, char[PT_COMM_LEN]);
	__type(value, __u8);
} session_cmds SEC(".maps");

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

/* Daemon-started sessions are numbered from 2 (1 is the registered root). */
__u32 session_seq = 1;

#include "path.bpf.h"

#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define S_IFMT_ 00170000
#define S_IFSOCK_ 0140000
#define IPPROTO_UDP_ 17
#define AT_REMOVEDIR_ 0x200
#define O_CREAT_ 0100
#define O_WRONLY_ 01
#define O_TRUNC_ 01000
#define ENOENT_ 2
#define DNS_PORT 53

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

/* ---- process tree ------------------------------------------------------ */

static __always_inline void emit_root(__u32 session, __u32 flags)
{
	struct scratch *s = scratch_get();

	if (!s)
		return;
	ev_begin(s, PT_EV_ROOT, session);
	EV(s)->arg[0] = session;
	EV(s)->flags = flags;
	ev_submit(s);
}

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

/* ---- exec ---------------------------------------------------------------- */

/*
 * Daemon mode: does this exec (of a process outside the tree) start a
 * session?  session_cmds keys are command specs, NUL-padded to 16 bytes:
 * "npm" (with any arguments) or "uv pip", "python -m pip" (the program
 * followed by these words).  The program name is the basename of
 * bprm->filename as the caller gave it (for #! scripts such as /usr/bin/npm
 * that is the script, while bprm->file is already the interpreter), with a
 * version suffix cut: "python3.12" and "python3" are "python", "pip3" is
 * "pip".  Userspace cuts the specs the same way and keeps them at most 14
 * characters, so a 15-character candidate (cut by the key size) never
 * equals a longer command by accident.
 */

/* Loop-carried positions of the argv scan live in the scratch map (pbuf
 * is free until the exec record is built): the verifier does not track
 * values loaded from map memory, so each iteration ends in one state
 * instead of one per possible position. */
struct dscan {
	__u32 st;   /* start of the current word's basename */
	__u32 args; /* start of the words after the program, 0: not found */
	__u32 words;
};
#define DSCAN(s) ((struct dscan *)(s)->pbuf)
#define DCAND(s) ((s)->pbuf + 64) /* 16-byte candidate key */
#define DARGS_MAX (PT_NAME_MAX - 1) /* argv bytes looked at */
#define DWORDS_MAX 4 /* argv words tried as the program (interpreter, its argument, script) */

/* Is s->name[st..end), version suffix cut, the program name in s->key
 * (klen characters)?  A global function: verified once, and its result
 * is an unknown scalar to the caller's loop. */
__noinline int daemon_word_is(__u32 st, __u32 end, __u32 klen)
{
	struct scratch *s = scratch_get();
	int i;

	if (!s)
		return 0;
	for (i = 0; i < PT_COMM_LEN; i++) {
		char c;

		if (end <= st + 1)
			break;
		c = s->name[(end - 1) & (PT_NAME_MAX - 1)];
		if ((c < '0' || c > '9') && c != '.')
			break;
		end--;
	}
	if (end - st != klen)
		return 0;
	for (i = 0; i < PT_COMM_LEN; i++) {
		if (i >= klen)
			break;
		if (s->name[(st + i) & (PT_NAME_MAX - 1)] != s->key[i & (PT_COMM_LEN - 1)])
			return 0;
	}
	return 1;
}

/* The start of the words after the program among the first argv words in
 * s->name (len bytes; a #! script's argv is interpreter [argument] script
 * args...), or 0.  A global function: the caller's state does not carry
 * the loop's exit position. */
__noinline int daemon_find_args(__u32 len, __u32 klen)
{
	struct scratch *s = scratch_get();
	int i;

	if (!s)
		return 0;
	DSCAN(s)->st = 0;
	DSCAN(s)->args = 0;
	DSCAN(s)->words = 0;
	for (i = 0; i < DARGS_MAX; i++) {
		char c;

		if (i >= len)
			break;
		c = s->name[i & (PT_NAME_MAX - 1)];
		if (c == '/') {
			DSCAN(s)->st = i + 1;
		} else if (c == 0) {
			if (daemon_word_is(DSCAN(s)->st, i, klen)) {
				DSCAN(s)->args = i + 1;
				break;
			}
			if (++DSCAN(s)->words >= DWORDS_MAX)
				break;
			DSCAN(s)->st = i + 1;
		}
	}
	return DSCAN(s)->args;
}

/* Is "prog word1" or "prog word1 word2" (words from s->name at src, the
 * program name in s->key) a spec in session_cmds? */
__noinline int daemon_try_words(__u32 src, __u32 len, __u32 klen)
{
	struct scratch *s = scratch_get();
	__u32 o, words = 1;
	char *cand;
	int i;

	if (!s || klen > 12)
		return 0;
	cand = DCAND(s);
	for (i = 0; i < PT_COMM_LEN; i++)
		cand[i] = s->key[i];
	cand[klen & (PT_COMM_LEN - 1)] = ' ';
	o = klen + 1;
	for (i = 0; i < PT_COMM_LEN; i++) {
		char c;

		if (o >= PT_COMM_LEN - 1 || src >= len)
			break;
		c = s->name[src & (PT_NAME_MAX - 1)];
		src++;
		if (c == 0) {
			if (words == 2)
				break;
			if (bpf_map_lookup_elem(&session_cmds, cand))
				return 1;
			words = 2;
			c = ' ';
		}
		cand[o & (PT_COMM_LEN - 1)] = c;
		o++;
	}
	return words == 2 && bpf_map_lookup_elem(&session_cmds, cand) != NULL;
}

/* A global function so its loops are verified once. */
__noinline int daemon_cmd_match(__u64 filename_p, __u64 arg_lo, __u64 arg_hi)
{
	struct scratch *s = scratch_get();
	const char *fname = (const char *)filename_p;
	__u32 base = 0, klen, len, src;
	long n;
	int i;

	if (!s || !fname)
		return 0;
	n = bpf_probe_read_kernel_str(s->name, PT_NAME_MAX, fname);
	if (n <= 0)
		return 0;
	/* Backwards to the last '/', stopping there: a forward scan keeping
	 * "last slash so far" gives the verifier one distinct state per
	 * possible value and runs out of its 1M-instruction budget. */
	for (i = 0; i < PT_NAME_MAX; i++) {
		int k = n - 2 - i; /* n counts the NUL */

		if (k < 0)
			break;
		if (s->name[k & (PT_NAME_MAX - 1)] == '/') {
			base = k + 1;
			break;
		}
	}
	/* The hash compares all 16 bytes: pad with NULs. */
	__builtin_memset(s->key, 0, sizeof(s->key));
	n = bpf_probe_read_kernel_str(s->key, sizeof(s->key), s->name + (base & (PT_NAME_MAX - 1)));
	if (n <= 1)
		return 0;
	klen = n - 1;
	for (i = 0; i < PT_COMM_LEN; i++) { /* cut the version suffix */
		char c;

		if (klen <= 1)
			break;
		c = s->key[(klen - 1) & (PT_COMM_LEN - 1)];
		if ((c < '0' || c > '9') && c != '.')
			break;
		s->key[(klen - 1) & (PT_COMM_LEN - 1)] = 0;
		klen--;
	}
	if (bpf_map_lookup_elem(&session_cmds, s->key))
		return 1;

	/* Specs with words: find the program among the first argv words (a
	 * #! script's argv is interpreter [argument] script args...). */
	if (arg_hi <= arg_lo || klen > 12)
		return 0;
	len = arg_hi - arg_lo > DARGS_MAX ? DARGS_MAX : arg_hi - arg_lo;
	if (bpf_probe_read_user(s->name, len & (PT_NAME_MAX - 1), (const void *)arg_lo))
		return 0;
	s->name[len & (PT_NAME_MAX - 1)] = 0;
	src = daemon_find_args(len, klen);
	return src && daemon_try_words(src, len, klen);
}

static __always_inline struct pt_tree_val *daemon_start(struct task_struct *p,
							struct linux_binprm *bprm, __u32 tgid)
{
	struct pt_tree_val *tv;
	__u32 session;

	if (!daemon_cmd_match((__u64)BPF_CORE_READ(bprm, filename),
			      BPF_CORE_READ(p, mm, arg_start), BPF_CORE_READ(p, mm, arg_end)))
		return NULL;
	session = __sync_fetch_and_add(&session_seq, 1) + 1;
	tv = tree_mark(tgid, session, PT_TREE_ROOT);
	if (tv)
		emit_root(session, PT_F_DAEMON_START);
	return tv;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pt_tree_val *tv = tree_get(tgid);
	struct file *file;
	struct mm_struct *mm;
	struct scratch *s;
	char pfx[8] = {};
	__u64 lo, hi;
	__u32 start;
	int w;

	if (!tv) {
		if (!daemon_mode)
			return 0;
		tv = daemon_start(p, bprm, tgid);
		if (!tv)
			return 0;
	}
	s = scratch_get();
	if (!s)
		return 0;
	ev_begin(s, PT_EV_EXEC, tv->session);

	/* f0: the file actually executed (not the name it was called by). */
	file = BPF_CORE_READ(bprm, file);
	put_file_path(s, 0, file);
	if (file) {
		if (BPF_CORE_READ(file, f_inode, i_nlink) == 0)
			EV(s)->flags |= PT_F_DELETED;
		bpf_probe_read_kernel(pfx, 6, BPF_CORE_READ(file, f_path.dentry, d_name.name));
		if (pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' &&
		    pfx[4] == 'd' && pfx[5] == ':')
			EV(s)->flags |= PT_F_MEMFD | PT_F_DELETED;
	}

	/* f1: argv, as the new image sees it. */
	mm = BPF_CORE_READ(p, mm);
	lo = BPF_CORE_READ(mm, arg_start);
	hi = BPF_CORE_READ(mm, arg_end);
	start = field_open(s);
	if (hi > lo && put_ubytes(s, (void *)lo, hi - lo, PT_ARGV_MAX, true))
		EV(s)->flags |= PT_F_TRUNC(1);
	field_close(s, 1, start);

	/* f2: cwd. */
	start = field_open(s);
	w = path_walk(0);
	if (w >= 0) {
		put_walked(s, w);
		if (s->walk_trunc)
			EV(s)->flags |= PT_F_TRUNC(2);
	} else {
		put_byte(s, 0);
	}
	field_close(s, 2, start);

	/* f3: environment (npm_package_name & co. attribute the exec). */
	lo = BPF_CORE_READ(mm, env_start);
	hi = BPF_CORE_READ(mm, env_end);
	start = field_open(s);
	if (hi > lo && put_ubytes(s, (void *)lo, hi - lo, PT_ENV_MAX, true))
		EV(s)->flags |= PT_F_TRUNC(3);
	field_close(s, 3, start);

	ev_submit(s);
	return 0;
}

/* ---- syscalls: enter saves, exit emits -------------------------------- */

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

/* 1 for the syscalls with a handler, and prctl (registration); set by
 * probe.c before load.  sys_exit returns on every other syscall (read,
 * statx, futex...: most of them) before any map lookup, which is what
 * every process on the machine, traced or not, pays. */
const volatile __u8 sc_wanted[NR_MAX] = {};

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, NR_MAX);
	__type(key, __u32);
	__type(value, __u32);
} sc_exit_progs SEC(".maps");

static __always_inline void load_args(struct pt_regs *regs, struct sc_args *a)
{
	/* Plain loads through a BTF pointer (KCAST): a helper call per
	 * register otherwise. */
	struct pt_regs *r = KCAST(struct pt_regs, regs);

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

	if (nr >= NR_MAX)
		return 0;
	/* clang checks a 32-bit copy of nr and indexes with the 64-bit
	 * register, which the verifier cannot bound: make it check the one
	 * it indexes with. */
	barrier_var(nr);
	if (!sc_wanted[nr & (NR_MAX - 1)])
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
	bpf_tail_call(ctx, &sc_exit_progs, nr);
	return 0; /* no handler for this syscall */
}

/*
 * EXIT(sc, type) defines the tail-called handler program exit_<sc>; its
 * body handles (s, a, ret, nr) with the record already begun with that
 * type.  probe.c installs it in sc_exit_progs at the number of each
 * syscall it serves: one program serves a family (open, openat, creat and
 * openat2, say), telling them apart by nr, because each program costs
 * milliseconds of verification at every start, and most of it is the path
 * walk they share.
 */
#define EXIT(sc, ev_type) \
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
		load_args(regs, &a); \
		ev_begin(s, ev_type, s->session); \
		EV(s)->ret = ret; \
		handle_##sc(s, &a, ret, syscall_nr(regs)); \
		if (EV(s)->type) \
			ev_submit(s); \
		return 0; \
	} \
	static __always_inline void handle_##sc(struct scratch *s, const struct sc_args *a, long ret, \
						__u32 nr)

/* A handler sets type 0 to send nothing. */
#define DROP_EVENT(s) (EV(s)->type = 0)

#define UPTR(x) ((const char *)(unsigned long)(x))

/* files */

static __always_inline void do_open(struct scratch *s, long ret, int dirfd, const char *path,
				    __u64 flags, __u64 mode)
{
	EV(s)->arg[0] = flags;
	EV(s)->arg[1] = mode;
	if (ret >= 0)
		put_file_path(s, 0, fd_file(ret)); /* the file really opened */
	else
		put_user_path(s, 0, dirfd, path);
}

/* Set by probe.c: the numbers that share exit_open and exit_exec (-1: the
 * architecture has no such call). */
const volatile __u32 nr_openat = -1, nr_creat = -1, nr_openat2 = -1, nr_execveat = -1;

/* open, openat, creat and openat2 */
EXIT(open, PT_EV_OPEN)
{
	__u64 path = a->a[0], flags = a->a[1], mode = a->a[2];
	int dfd = AT_FDCWD_;

	if (nr == nr_openat) {
		dfd = a->a[0];
		path = a->a[1];
		flags = a->a[2];
		mode = a->a[3];
	} else if (nr == nr_openat2) {
		struct open_how how = {};

		bpf_probe_read_user(&how, sizeof(how), UPTR(a->a[2]));
		dfd = a->a[0];
		path = a->a[1];
		flags = how.flags;
		mode = how.mode;
	} else if (nr == nr_creat) {
		flags = O_CREAT_ | O_WRONLY_ | O_TRUNC_;
		mode = a->a[1];
	}
	barrier_var(dfd); /* one verifier state for all four: see exit_exec */
	do_open(s, ret, dfd, UPTR(path), flags, mode);
}

/*
 * Path syscalls that differ only in where their arguments are (unlink,
 * rename, mkdir, chmod, link, symlink, truncate, their *at forms, and
 * fchmod and ftruncate) share one program, exit_paths, which reads the
 * layout from the sc_p_* arrays, filled by probe.c by syscall number.
 * Each program costs milliseconds to load whatever its size, so one
 * instead of eighteen.
 */
/* The layout by syscall number, as plain arrays (the skeleton has no
 * struct types): type (enum pt_event_type, 0: not such a syscall), the
 * arguments holding the dirfd (-1: AT_FDCWD) and path of paths 0 and 1,
 * the argument copied to arg[0] (-1: sc_p_c0 instead).  Path 0 with no
 * path argument (-1) is the file open at the dirfd argument (fchmod,
 * ftruncate); path 1 with dirfd PT_SC_P_RAW (events.h) is the string as
 * given; path 1 -1: none. */
const volatile __u8 sc_p_type[NR_MAX] = {};
const volatile __s8 sc_p_dfd0[NR_MAX] = {}, sc_p_dfd1[NR_MAX] = {};
const volatile __s8 sc_p_path0[NR_MAX] = {}, sc_p_path1[NR_MAX] = {};
const volatile __s8 sc_p_a0[NR_MAX] = {};
const volatile __u32 sc_p_c0[NR_MAX] = {};

/* The record's type comes from the table: the macro's 0 is replaced. */
EXIT(paths, 0)
{
	__s8 dfd0, dfd1, p0, p1, a0;
	__u32 type;

	if (nr >= NR_MAX)
		return;
	barrier_var(nr); /* see sys_exit */
	nr &= NR_MAX - 1;
	type = sc_p_type[nr];
	if (!type)
		return;
	EV(s)->type = type;
	dfd0 = sc_p_dfd0[nr];
	dfd1 = sc_p_dfd1[nr];
	p0 = sc_p_path0[nr];
	p1 = sc_p_path1[nr];
	a0 = sc_p_a0[nr];
	EV(s)->arg[0] = a0 >= 0 ? a->a[a0 & 7] : sc_p_c0[nr];
	if (p0 < 0)
		put_file_path(s, 0, fd_file(a->a[dfd0 & 7]));
	else
		put_user_path(s, 0, dfd0 >= 0 ? (int)a->a[dfd0 & 7] : AT_FDCWD_,
			      UPTR(a->a[p0 & 7]));
	if (p1 >= 0 && dfd1 == PT_SC_P_RAW)
		put_ustr_field(s, 1, UPTR(a->a[p1 & 7]), PT_PATH_MAX);
	else if (p1 >= 0)
		put_user_path(s, 1, dfd1 >= 0 ? (int)a->a[dfd1 & 7] : AT_FDCWD_,
			      UPTR(a->a[p1 & 7]));
}

EXIT(memfd_create, PT_EV_MEMFD)
{
	EV(s)->arg[0] = a->a[1];
	put_ustr_field(s, 0, UPTR(a->a[0]), PT_NAME_MAX);
}

#define FAILED_EXEC_ARGS 32 /* argv entries copied for a failed exec */

struct argv_ctx {
	__u64 argv;  /* the caller's argv array (a user address) */
	__u32 start; /* where field 1 began */
	__u32 ended; /* 1 once the array's NULL, a fault or the size bound stopped it */
};

/* One argv entry of a failed exec.  1 stops the loop. */
static int argv_step(__u32 i, struct argv_ctx *c)
{
	struct scratch *s = scratch_get();
	const char *arg = NULL;
	__u32 used;

	if (!s)
		return 1;
	c->ended = 1;
	if (bpf_probe_read_user(&arg, sizeof(arg), (const char *const *)c->argv + i) || !arg)
		return 1;
	used = s->pos - c->start;
	if (used >= PT_ARGV_MAX || put_ustr(s, arg, PT_ARGV_MAX - used)) {
		EV(s)->flags |= PT_F_TRUNC(1);
		return 1;
	}
	c->ended = 0;
	return 0;
}

/* f1 + f2 of a failed exec: argv from the caller's array (bounded by
 * FAILED_EXEC_ARGS entries and PT_ARGV_MAX bytes), and the cwd.  Under
 * bpf_loop: unrolled, the 32 steps were most of the program's
 * verification, paid at every start for a rare event. */
static __always_inline void put_failed_exec_rest(struct scratch *s, const void *uargv)
{
	struct argv_ctx c = { .argv = (__u64)uargv, .start = field_open(s), .ended = 1 };
	int w;

	if (uargv) {
		bpf_loop(FAILED_EXEC_ARGS, argv_step, &c, 0);
		if (!c.ended) /* all FAILED_EXEC_ARGS taken, more may follow */
			EV(s)->flags |= PT_F_TRUNC(1);
	}
	field_close(s, 1, c.start);

	c.start = field_open(s);
	w = path_walk(0);
	if (w >= 0)
		put_walked(s, w);
	else
		put_byte(s, 0);
	field_close(s, 2, c.start);
}

/* execve and execveat, failed ones only (successes are reported by
 * sched_process_exec).  A shell or npm trying each PATH entry fails with
 * -ENOENT many times per command: those are dropped here, before any
 * copy. */
EXIT(exec, PT_EV_EXEC)
{
	int dfd = AT_FDCWD_;
	__u64 path = a->a[0], argv = a->a[1];

	if (ret == 0 || ret == -ENOENT_) {
		DROP_EVENT(s);
		return;
	}
	if (nr == nr_execveat) {
		dfd = a->a[0];
		path = a->a[1];
		argv = a->a[2];
	}
	/* One state, not one per call: a known AT_FDCWD would have the
	 * verifier walk the rest twice (it did: 6.4 ms instead of 4). */
	barrier_var(dfd);
	put_user_path(s, 0, dfd, UPTR(path));
	put_failed_exec_rest(s, UPTR(argv));
}

/* sockets */

static __always_inline struct sock *fd_sock(int fd)
{
	struct file *f = fd_file(fd);
	struct socket *sock;

	if (!f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT_) != S_IFSOCK_)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

static __always_inline void put_sock_type(struct scratch *s, struct sock *sk)
{
	if (sk)
		EV(s)->arg[2] = BPF_CORE_READ(sk, sk_type) |
				(__u32)BPF_CORE_READ(sk, sk_protocol) << 16;
}

/* f0 + arg0/arg1 from a user sockaddr. */
static __always_inline void put_uaddr(struct scratch *s, const char *uaddr, __u32 alen)
{
	__u32 start = field_open(s);
	__u16 family = 0, port = 0;

	if (uaddr && alen >= 2)
		bpf_probe_read_user(&family, sizeof(family), uaddr);
	EV(s)->arg[0] = family;
	if (family == AF_INET_ && alen >= 8) {
		bpf_probe_read_user(&port, 2, uaddr + 2);
		put_ubytes(s, uaddr + 4, 4, 4, false);
	} else if (family == AF_INET6_ && alen >= 24) {
		bpf_probe_read_user(&port, 2, uaddr + 2);
		put_ubytes(s, uaddr + 8, 16, 16, false);
	} else if (family == AF_UNIX_ && alen > 2) {
		char c = 0;

		bpf_probe_read_user(&c, 1, uaddr + 2);
		if (c == 0 && alen > 3) { /* abstract: shown as @name */
			put_byte(s, '@');
			put_ustr(s, uaddr + 3, 108);
		} else {
			put_ustr(s, uaddr + 2, 108);
		}
	}
	EV(s)->arg[1] = bpf_ntohs(port);
	field_close(s, 0, start);
}

/* f0 + arg0/arg1 from the socket itself: the peer or the local end. */
static __always_inline void put_skaddr(struct scratch *s, struct sock *sk, bool peer)
{
	__u32 start = field_open(s);
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	EV(s)->arg[0] = family;
	if (family == AF_INET_) {
		__u32 *p = peer ? &sk->__sk_common.skc_daddr : &sk->__sk_common.skc_rcv_saddr;

		bpf_probe_read_kernel(EV(s)->data + (s->pos & POS_MASK), 4, p);
		s->pos += 4;
	} else if (family == AF_INET6_) {
		struct in6_addr *p = peer ? &sk->__sk_common.skc_v6_daddr :
					    &sk->__sk_common.skc_v6_rcv_saddr;

		bpf_probe_read_kernel(EV(s)->data + (s->pos & POS_MASK), 16, p);
		s->pos += 16;
	}
	if (peer)
		EV(s)->arg[1] = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	else
		EV(s)->arg[1] = BPF_CORE_READ(sk, __sk_common.skc_num);
	field_close(s, 0, start);
}

const volatile __u32 nr_bind = -1; /* set by probe.c */

/* connect and bind */
EXIT(connect, PT_EV_CONNECT)
{
	if (nr == nr_bind)
		EV(s)->type = PT_EV_BIND;
	put_sock_type(s, fd_sock(a->a[0]));
	put_uaddr(s, UPTR(a->a[1]), a->a[2]);
}
EXIT(listen, PT_EV_LISTEN)
{
	struct sock *sk = fd_sock(a->a[0]);

	if (!sk) {
		DROP_EVENT(s);
		return;
	}
	put_sock_type(s, sk);
	put_skaddr(s, sk, false);
}

static __always_inline void do_accept(struct scratch *s, long ret)
{
	struct sock *sk = ret >= 0 ? fd_sock(ret) : NULL;

	if (sk) {
		put_sock_type(s, sk);
		put_skaddr(s, sk, true);
	}
}
/* accept and accept4 */
EXIT(accept, PT_EV_ACCEPT) { do_accept(s, ret); }

/* UDP sends: destination from the call or, when connected, from the sock;
 * for DNS (port 53) the first PT_PAYLOAD_MAX bytes of the datagram. */
static __always_inline void do_send(struct scratch *s, int fd, const char *uaddr, __u32 alen,
				    const char *buf, __u64 len)
{
	struct sock *sk = fd_sock(fd);
	__u32 start;

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP_) {
		DROP_EVENT(s);
		return;
	}
	put_sock_type(s, sk);
	if (uaddr && alen)
		put_uaddr(s, uaddr, alen);
	else
		put_skaddr(s, sk, true);
	start = field_open(s);
	if (EV(s)->arg[1] == DNS_PORT && buf && put_ubytes(s, buf, len, PT_PAYLOAD_MAX, false))
		EV(s)->flags |= PT_F_TRUNC(1);
	field_close(s, 1, start);
}

EXIT(sendto, PT_EV_SEND)
{
	do_send(s, a->a[0], UPTR(a->a[4]), a->a[5], UPTR(a->a[1]), a->a[2]);
}

static __always_inline void do_sendmsg(struct scratch *s, int fd, const void *umsg)
{
	struct user_msghdr msg = {};
	struct iovec iov = {};

	if (bpf_probe_read_user(&msg, sizeof(msg), umsg)) {
		DROP_EVENT(s);
		return;
	}
	if (msg.msg_iov && msg.msg_iovlen)
		bpf_probe_read_user(&iov, sizeof(iov), msg.msg_iov);
	do_send(s, fd, msg.msg_name, msg.msg_namelen, iov.iov_base, iov.iov_len);
}

/* sendmsg and sendmmsg: for sendmmsg the first message stands for the
 * batch (ret = messages sent). */
EXIT(sendmsg, PT_EV_SEND) { do_sendmsg(s, a->a[0], UPTR(a->a[1])); }

/* credentials and ptrace: arg0 kind, arg1/arg2 the (first two) ids */

/* One program for the six set*id calls: the kind by syscall number, filled
 * by probe.c (one program instead of six, see exit_paths). */
const volatile __u8 sc_setid_kind[NR_MAX] = {};

EXIT(setid, PT_EV_SETID)
{
	barrier_var(nr); /* see sys_exit */
	EV(s)->arg[0] = sc_setid_kind[nr & (NR_MAX - 1)];
	EV(s)->arg[1] = (__u32)a->a[0];
	/* setuid/setgid have one argument: the second register is garbage */
	EV(s)->arg[2] = EV(s)->arg[0] <= PT_SETID_GID ? (__u32)-1 : (__u32)a->a[1];
}

EXIT(ptrace, PT_EV_PTRACE)
{
	EV(s)->arg[0] = a->a[0];
	EV(s)->arg[1] = a->a[1];
}
