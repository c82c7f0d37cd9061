/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * exec.bpf.h - exec: sched_process_exec (the image really run,
 * argv, cwd, env), daemon-mode session start by a package-manager command,
 * and failed execve/execveat calls.
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_EXEC_BPF_H
#define PKGTRACE_EXEC_BPF_H

#define ENOENT_ 2

/* Daemon mode: basenames (char[16], NUL-padded) that start a session. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, char[PT_COMM_LEN]);
	__type(value, __u8);
} session_cmds SEC(".maps");


/* Daemon-started sessions are numbered from 2 (1 is the registered root). */
__u32 session_seq = 1;


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

/* An argv longer than PT_ARGV_MAX keeps its first ARGV_HEAD and last
 * ARGV_TAIL bytes (PT_F_ARGV_TAIL). */
#define ARGV_TAIL 1024
#define ARGV_HEAD (PT_ARGV_MAX - ARGV_TAIL)

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
	if (hi > lo && hi - lo > PT_ARGV_MAX) {
		/* Too long: its head and its tail, so a command hidden behind
		 * padding (bash -c '<spaces>... /dev/tcp/...') is still seen. */
		put_ubytes(s, (void *)lo, ARGV_HEAD, ARGV_HEAD, true);
		put_ubytes(s, (void *)(hi - ARGV_TAIL), ARGV_TAIL, ARGV_TAIL, true);
		EV(s)->flags |= PT_F_TRUNC(1) | PT_F_ARGV_TAIL;
	} else if (hi > lo) {
		put_ubytes(s, (void *)lo, hi - lo, PT_ARGV_MAX, true);
	}
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

/* Set by probe.c: the number that shares exit_exec with execve. */
const volatile __u32 nr_execveat = -1;

#define FAILED_EXEC_ARGS 32 /* argv entries copied for a failed exec */

struct argv_ctx {
	__u64 argv;  /* the caller's argv array (a user address) */
	__u32 psize; /* its pointers' size: 8, or 4 for an ia32 call */
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
	if (c->psize == 4) {
		__u32 arg32 = 0;

		if (bpf_probe_read_user(&arg32, sizeof(arg32), (const __u32 *)c->argv + i))
			return 1;
		arg = (const char *)(__u64)arg32;
	} else if (bpf_probe_read_user(&arg, sizeof(arg), (const char *const *)c->argv + i)) {
		return 1;
	}
	if (!arg)
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
	struct argv_ctx c = { .argv = (__u64)uargv, .start = field_open(s), .ended = 1,
			      .psize = s->abi == PT_ABI_NATIVE ? 8 : 4 };
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

#endif /* PKGTRACE_EXEC_BPF_H */
