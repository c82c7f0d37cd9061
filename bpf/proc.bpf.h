/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * proc.bpf.h - what a process does to its own identity or to
 * another process: set*id, ptrace, signals, process_vm_readv/writev, and
 * bpf() (which can rewrite the monitor's own maps).
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_PROC_BPF_H
#define PKGTRACE_PROC_BPF_H

/* credentials and ptrace: arg0 kind, arg1/arg2 the (first two) ids asked for;
 * set*id also the ids after the call (see PT_EV_SETID in events.h) */

/* One program for the six set*id calls: the kind by syscall number, filled
 * by probe.c (one program instead of six, see exit_paths). */
const volatile __u8 sc_setid_kind[NR_MAX] = {};

EXIT(setid, PT_EV_SETID)
{
	const struct cred *cred = cur_task()->cred;
	__u8 kind;
	__u32 r, e, sv;

	barrier_var(nr); /* see sys_exit */
	kind = sc_setid_kind[nr & (NR_MAX - 1)];
	EV(s)->arg[0] = kind;
	EV(s)->arg[1] = (__u32)a->a[0];
	/* setuid/setgid have one argument: the second register is garbage */
	EV(s)->arg[2] = kind <= PT_SETID_GID ? (__u32)-1 : (__u32)a->a[1];
	/* The ids after the call (PT_F_SETID_AFTER), real, effective, saved,
	 * in the upper halves: a change shows as the ids before and after,
	 * whatever the call asked (-1 asks for no change). */
	if (!cred)
		return;
	if (kind == PT_SETID_UID || kind == PT_SETID_REUID || kind == PT_SETID_RESUID) {
		r = cred->uid.val;
		e = cred->euid.val;
		sv = cred->suid.val;
	} else {
		r = cred->gid.val;
		e = cred->egid.val;
		sv = cred->sgid.val;
	}
	EV(s)->arg[0] |= (__u64)r << 32;
	EV(s)->arg[1] |= (__u64)e << 32;
	EV(s)->arg[2] |= (__u64)sv << 32;
	EV(s)->flags |= PT_F_SETID_AFTER;
}

EXIT(ptrace, PT_EV_PTRACE)
{
	EV(s)->arg[0] = a->a[0];
	EV(s)->arg[1] = a->a[1];
}

/* Signals: the call by syscall number (probe.c), PT_SIG_* of events.h. */
const volatile __u8 sc_sig_kind[NR_MAX] = {};

/* A pidfd's process: the pid it refers to, in the initial namespace.  Only
 * after a successful call on it, when it is sure to be a pidfd. */
static __always_inline __u32 pidfd_pid(int fd)
{
	struct file *f = fd_file(fd);
	struct pid *pid;

	if (!f)
		return 0;
	f = KCAST(struct file, f);
	/* pidfs (6.9+) keeps the pid in the inode; before, private_data */
	pid = KCAST(struct pid, f->f_inode->i_private);
	if (!pid->numbers[0].nr)
		pid = KCAST(struct pid, f->private_data);
	return pid->numbers[0].nr;
}

/* kill, tkill, tgkill, pidfd_send_signal, rt_sigqueueinfo and
 * rt_tgsigqueueinfo: the target as the caller named it (its own pid
 * namespace's number; a pidfd's host pid) and the signal, so userspace
 * sees a signal aimed at the collector. */
EXIT(signal, PT_EV_SIGNAL)
{
	__u8 kind;

	barrier_var(nr); /* see sys_exit */
	kind = sc_sig_kind[nr & (NR_MAX - 1)];
	EV(s)->arg[2] = kind;
	if (kind == PT_SIG_TGKILL || kind == PT_SIG_TGQUEUE) { /* (tgid, tid, sig) */
		EV(s)->arg[0] = (__s32)a->a[0];
		EV(s)->arg[1] = (__u32)a->a[2];
	} else { /* (pid or pidfd, sig) */
		EV(s)->arg[0] = kind == PT_SIG_PIDFD ? (ret == 0 ? pidfd_pid(a->a[0]) : 0) :
						       (__s32)a->a[0];
		EV(s)->arg[1] = (__u32)a->a[1];
	}
}

const volatile __u32 nr_process_vm_writev = -1; /* set by probe.c */

/* process_vm_readv and process_vm_writev: another process's memory. */
EXIT(procvm, PT_EV_PROCVM)
{
	struct pid *own = cur_task()->thread_pid;
	struct upid up = {};

	EV(s)->arg[0] = (__s32)a->a[0];
	EV(s)->arg[1] = nr == nr_process_vm_writev;
	/* The caller's own pid as its namespace numbers it: the target is a
	 * number in that namespace (CMD runs in a PID namespace of its own),
	 * so this, not the host pid, tells a read of itself from another's.
	 * numbers[] is indexed by the namespace level, a variable offset the
	 * verifier refuses on a direct load: read it with the helper. */
	bpf_probe_read_kernel(&up, sizeof(up), (void *)((unsigned long)own->numbers +
							  (own->level & 31) * sizeof(up)));
	EV(s)->arg[2] = up.nr;
}

/* The id of the BPF map open at fd, or 0.  A map fd is an anonymous-inode
 * file named "bpf-map" whose private_data is the struct bpf_map (its
 * file_operations would say it better, but data symbols are in kallsyms
 * only with CONFIG_KALLSYMS_ALL, which distribution kernels leave off). */
static __always_inline __u32 fd_map_id(int fd)
{
	struct file *f = fd_file(fd);
	char name[8] = {};

	if (!f)
		return 0;
	f = KCAST(struct file, f);
	bpf_probe_read_kernel(name, sizeof(name), f->f_path.dentry->d_name.name);
	if (name[0] != 'b' || name[1] != 'p' || name[2] != 'f' || name[3] != '-' || name[4] != 'm' ||
	    name[5] != 'a' || name[6] != 'p' || name[7] != 0)
		return 0;
	return KCAST(struct bpf_map, f->private_data)->id;
}

#define BPF_MAP_LOOKUP_ELEM_ 1
#define BPF_MAP_GET_NEXT_KEY_ 4
#define BPF_MAP_LOOKUP_AND_DELETE_ELEM_ 21
#define BPF_MAP_FREEZE_ 22
#define BPF_MAP_LOOKUP_BATCH_ 24
#define BPF_MAP_DELETE_BATCH_ 27
#define BPF_BATCH_MAP_FD_OFF 36 /* offsetof(union bpf_attr, batch.map_fd) */

/* bpf(cmd, attr, size): arg1 the attr's first word (an fd or an id; the
 * map fd of the batch commands), arg2 the id of the map when that word is
 * a BPF map fd, for the map commands: a traced process rewriting a map of
 * the monitor itself (its tree, say) is named by the id userspace knows. */
EXIT(bpf, PT_EV_BPF)
{
	__u32 cmd = a->a[0], word = 0;
	bool batch = cmd >= BPF_MAP_LOOKUP_BATCH_ && cmd <= BPF_MAP_DELETE_BATCH_;

	EV(s)->arg[0] = cmd;
	bpf_probe_read_user(&word, sizeof(word), UPTR(a->a[1] + (batch ? BPF_BATCH_MAP_FD_OFF : 0)));
	EV(s)->arg[1] = word;
	if (!batch && !(cmd >= BPF_MAP_LOOKUP_ELEM_ && cmd <= BPF_MAP_GET_NEXT_KEY_) &&
	    cmd != BPF_MAP_LOOKUP_AND_DELETE_ELEM_ && cmd != BPF_MAP_FREEZE_)
		return;
	EV(s)->arg[2] = fd_map_id(word);
}

#endif /* PKGTRACE_PROC_BPF_H */
