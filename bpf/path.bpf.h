/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * path.bpf.h - per-CPU scratch, record building and the dentry walk that
 * turns a (dentry, vfsmount) pair into an absolute path, in the kernel.
 *
 * Included by pkgtrace.bpf.c only (it owns the maps declared here), after
 * compat.bpf.h.
 */
#ifndef PKGTRACE_PATH_BPF_H
#define PKGTRACE_PATH_BPF_H

/* Record data area.  Fields are laid out back to back; the worst case is an
 * exec (path 4096 + argv 4096 + cwd 4096 + env 8192 = 20480).  Every write
 * starts below 16 KiB (no field but the last of an exec starts past 12 KiB)
 * and is shorter than 16 KiB (the largest, env, is 8 KiB), so masking the
 * offset with POS_MASK and the length with LEN_MASK lets the verifier prove
 * every write inside DATA_SZ = 32 KiB.  LEN_MASK must exceed the largest
 * bound: a length equal to a power-of-two mask + 1 would be masked to 0. */
#define DATA_SZ 32768
#define POS_MASK (16384 - 1)
#define LEN_MASK (16384 - 1)
#define PATH_MASK (PT_PATH_MAX - 1)
/* The walk writes components backwards from PT_PATH_MAX-1; a component
 * write starts at (pos & PATH_MASK) and is at most PATH_MASK long, hence
 * twice PT_PATH_MAX. */
#define PBUF_SZ (PT_PATH_MAX * 2)
/* Components (plus mount crossings) walked before giving up and flagging
 * truncation: enough for any real install tree, cheap to verify. */
#define PATH_DEPTH 64

#define HDR_SZ offsetof(struct pt_event, data)

struct scratch {
	__u8 rec[sizeof(struct pt_event) + DATA_SZ];
	char pbuf[PBUF_SZ];
	char name[PT_NAME_MAX + PT_COMM_LEN];
	char key[PT_COMM_LEN];
	__u32 pos;        /* bytes of data[] used by the record */
	__u32 walk_trunc; /* last walk hit PATH_DEPTH or PT_PATH_MAX */
	__u32 nsub;       /* records sent from this CPU (ev_submit) */
	__u32 session;    /* set by sys_exit for the handler it tail-calls */
	__u32 cached_tgid; /* sys_exit's tree cache: this tgid is in session */
	__u64 cached_gen;  /* ... as long as tree_gen is this */
	__u32 nr;          /* set by sys_exit: the handler's (native) syscall number */
	__u32 abi;         /* ... and where its arguments are (enum pt_abi) */
	__u64 sargs[6];    /* PT_ABI_SOCKETCALL: the arguments from the caller's array */
};

/* Where a syscall's arguments are (load_args). */
enum pt_abi {
	PT_ABI_NATIVE = 0,     /* this architecture's registers */
	PT_ABI_IA32 = 1,       /* a 32-bit call on x86-64: bx, cx, dx, si, di, bp */
	PT_ABI_SOCKETCALL = 2, /* ia32 socketcall: an array of 32-bit words in memory */
};

/* An ARRAY indexed by CPU rather than a PERCPU_ARRAY: per-CPU map values are
 * limited to 32 KiB, and a record alone needs more.  max_entries is set to
 * the number of possible CPUs by probe.c before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} heap SEC(".maps");

#define EV(s) ((struct pt_event *)(s)->rec)

static __always_inline struct scratch *scratch_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&heap, &cpu);
}

/* KCAST (compat.bpf.h): plain loads through a read-only BTF pointer. */

/* The current task as a read-only (untrusted) BTF pointer.  Not
 * bpf_get_current_task_btf(): every field walked from a trusted pointer
 * makes the verifier scan all of vmlinux's BTF by name for a __safe_trusted
 * type (btf_nested_type_is_trusted), a quarter of the load time. */
static __always_inline struct task_struct *cur_task(void)
{
	return KCAST(struct task_struct, bpf_get_current_task());
}

/* The walk's state between bpf_loop steps.  Kernel pointers are kept as
 * plain integers and re-cast each step: the callback's view of the caller's
 * stack holds scalars only. */
struct walk_ctx {
	__u64 d, vm, mnt;      /* current dentry, its vfsmount and struct mount */
	__u64 root_d, root_m;  /* the task's root */
	__u64 mnt_off;         /* offsetof(struct mount, mnt) */
	int pos;               /* start of the path written so far in pbuf */
	int trunc;             /* 1 until the walk reaches a root */
};

/* One component (or one mount crossing) of path_walk.  1 stops the loop. */
static int walk_step(__u32 i, struct walk_ctx *c)
{
	struct dentry *d = KCAST(struct dentry, c->d);
	struct vfsmount *vm = KCAST(struct vfsmount, c->vm);
	struct mount *mnt = KCAST(struct mount, c->mnt);
	const unsigned char *name;
	struct scratch *s;
	__u64 parent, up;
	int pos = c->pos;
	__u32 n;

	if (c->d == c->root_d && c->vm == c->root_m) {
		c->trunc = 0;
		return 1;
	}
	if (c->d == (__u64)vm->mnt_root) {
		up = (__u64)mnt->mnt_parent;
		if (!up || up == c->mnt) { /* top of the mount tree */
			c->trunc = 0;
			return 1;
		}
		c->d = (__u64)mnt->mnt_mountpoint;
		c->mnt = up;
		c->vm = up + c->mnt_off;
		return 0;
	}
	parent = (__u64)d->d_parent;
	n = d->d_name.len;
	name = d->d_name.name;
	s = scratch_get();
	if (!s || !name || n + 1 > (__u32)pos || pos > PT_PATH_MAX - 1)
		return 1; /* would not fit: truncated */
	pos -= n;
	/* Masks: pos is data-dependent; (pos & PATH_MASK) + n stays inside
	 * PBUF_SZ, which the verifier needs to see. */
	bpf_probe_read_kernel(s->pbuf + (pos & PATH_MASK), n & PATH_MASK, name);
	pos -= 1;
	s->pbuf[pos & PATH_MASK] = '/';
	c->pos = pos;
	if (c->d == parent || !parent) { /* pseudo file: its name is all */
		c->trunc = 0;
		return 1;
	}
	c->d = parent;
	return 0;
}

/*
 * path_walk - write the absolute path of a struct path (path_p != 0: a
 * file's f_path, a unix socket's bound path) or of the current working
 * directory (path_p == 0) into this CPU's pbuf, ending
 * at pbuf[PT_PATH_MAX-1] (the NUL).  Returns the start offset (the string is
 * pbuf + ret, PT_PATH_MAX - ret bytes with its NUL) or -1.
 *
 * Walks d_parent up to the mount root, then crosses to the parent mount at
 * its mountpoint (struct mount from the embedded vfsmount), and stops at the
 * task's root (so a chroot or container sees its own paths) or at the top of
 * the mount tree.  A pseudo file (memfd, pipe) is its own parent: its name
 * is the whole path, as in /proc/PID/fd.
 *
 * The steps run under bpf_loop, so the verifier checks one step once
 * instead of unrolling PATH_DEPTH of them in every program (that was most
 * of the ~1 s load time).  A global (non-static) function so it is
 * verified once per program, not at every call site; global functions take
 * scalars only, so it gets the struct path's address.
 */
__noinline int path_walk(__u64 path_p)
{
	struct task_struct *task = cur_task();
	struct walk_ctx c = {};
	struct fs_struct *fs;
	struct scratch *s;

	s = scratch_get();
	fs = task->fs;
	if (!s || !fs)
		return -1;
	c.root_d = (__u64)fs->root.dentry;
	c.root_m = (__u64)fs->root.mnt;
	if (path_p) {
		struct path *p = KCAST(struct path, path_p);

		c.d = (__u64)p->dentry;
		c.vm = (__u64)p->mnt;
	} else {
		c.d = (__u64)fs->pwd.dentry;
		c.vm = (__u64)fs->pwd.mnt;
	}
	if (!c.d || !c.vm)
		return -1;
	c.mnt_off = bpf_core_field_offset(struct mount, mnt);
	c.mnt = c.vm - c.mnt_off;
	c.pos = PT_PATH_MAX - 1;
	c.trunc = 1;
	s->pbuf[PT_PATH_MAX - 1] = 0;
	bpf_loop(PATH_DEPTH, walk_step, &c, 0);
	s->walk_trunc = c.trunc;
	if (c.pos == PT_PATH_MAX - 1) { /* the root itself */
		c.pos -= 1;
		s->pbuf[c.pos & PATH_MASK] = '/';
	}
	return c.pos & PATH_MASK;
}

/* Record builders.  s->pos is the write cursor into data[]; a field is the
 * bytes written between field_open() and field_close(). */

static __always_inline __u32 field_open(struct scratch *s)
{
	return s->pos;
}

static __always_inline void field_close(struct scratch *s, int idx, __u32 start)
{
	EV(s)->len[idx & (PT_NFIELDS - 1)] = s->pos - start;
}

/* Append the last walk's result (start = path_walk()'s return). */
static __always_inline void put_walked(struct scratch *s, int start)
{
	__u32 n = PT_PATH_MAX - start;

	bpf_probe_read_kernel(EV(s)->data + (s->pos & POS_MASK), n & LEN_MASK,
			      s->pbuf + (start & PATH_MASK));
	s->pos += n;
}

static __always_inline void put_byte(struct scratch *s, char c)
{
	EV(s)->data[s->pos & POS_MASK] = c;
	s->pos += 1;
}

/* Append a NUL-terminated user (kern: kernel) string of at most max bytes
 * (with NUL).  Returns true when it was cut by max. */
static __always_inline bool put_str(struct scratch *s, const void *str, __u32 max, bool kern)
{
	void *dst = EV(s)->data + (s->pos & POS_MASK);
	long n = kern ? bpf_probe_read_kernel_str(dst, max & LEN_MASK, str) :
			bpf_probe_read_user_str(dst, max & LEN_MASK, str);

	if (n <= 0) {
		put_byte(s, 0);
		return false;
	}
	s->pos += n;
	return (__u32)n == max;
}

static __always_inline bool put_ustr(struct scratch *s, const void *ustr, __u32 max)
{
	return put_str(s, ustr, max, false);
}

/* Append a user string as given (a symlink's target, a memfd's name) as
 * field idx, cut at max bytes with its NUL. */
static __always_inline void put_ustr_field(struct scratch *s, int idx, const void *ustr, __u32 max)
{
	__u32 start = field_open(s);

	if (put_ustr(s, ustr, max))
		EV(s)->flags |= PT_F_TRUNC(idx);
	field_close(s, idx, start);
}

/* Append up to max raw user bytes; when nul_end, the last byte is forced to
 * NUL (argv/env lists).  Returns true when cut by max. */
static __always_inline bool put_ubytes(struct scratch *s, const void *uptr, __u64 len, __u32 max,
				       bool nul_end)
{
	bool cut = len > max;

	if (cut)
		len = max;
	if (!len || !uptr)
		return false;
	if (bpf_probe_read_user(EV(s)->data + (s->pos & POS_MASK), len & LEN_MASK, uptr))
		return false;
	s->pos += len;
	if (nul_end)
		EV(s)->data[(s->pos - 1) & (DATA_SZ - 1)] = 0;
	return cut;
}

/* The struct file behind fd in the current task, or NULL.  Plain loads
 * through the BTF task pointer (see KCAST); the array slot itself needs a
 * probe read, as a variable index into it cannot be verified. */
static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *task = cur_task();
	struct files_struct *files = task->files;
	struct fdtable *fdt;
	struct file **fds;
	struct file *f = NULL;

	if (!files)
		return NULL;
	fdt = files->fdt;
	if (!fdt || fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	if (!fds)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* Append the absolute path of an open file as field idx. */
static __always_inline void put_file_path(struct scratch *s, int idx, struct file *f)
{
	__u32 start = field_open(s);
	int w = -1;

	if (f)
		w = path_walk((__u64)&f->f_path);
	if (w >= 0) {
		put_walked(s, w);
		if (s->walk_trunc)
			EV(s)->flags |= PT_F_TRUNC(idx);
	} else {
		put_byte(s, 0);
		EV(s)->flags |= PT_F_PATH_RAW;
	}
	field_close(s, idx, start);
}

#define AT_FDCWD_ -100

/* Append the absolute form of a user path given relative to dirfd (or the
 * cwd): the base directory is resolved by a walk, the string is appended as
 * given ("." and ".." are folded by userspace).  Absolute strings are taken
 * as they are.  kern: the string is in kernel memory (io_uring's copy).
 * PT_F_PATH_RAW when the base could not be resolved.
 *
 * The string is read first and its first byte decides: an absolute path
 * (most of them) is read once.  A separate 1-byte read to decide cost
 * ~150 ns per path here (bpf_probe_read_user's hardened-usercopy checks),
 * more than reading a relative string twice. */
static __always_inline void put_path_str(struct scratch *s, int idx, int dirfd, const char *upath,
					 bool kern)
{
	__u32 start = field_open(s);
	struct file *f = NULL;
	bool cut;
	int w = -1;

	cut = put_str(s, upath, PT_PATH_MAX, kern);
	if (EV(s)->data[start & POS_MASK] != '/') {
		s->pos = start; /* the base goes first: read the string again after it */
		if (dirfd == AT_FDCWD_)
			w = path_walk(0);
		else if ((f = fd_file(dirfd)))
			w = path_walk((__u64)&f->f_path);
		if (w >= 0) {
			put_walked(s, w);
			if (s->walk_trunc)
				EV(s)->flags |= PT_F_TRUNC(idx);
			s->pos -= 1; /* overwrite the NUL */
			if (w != PT_PATH_MAX - 2) /* base is not "/" */
				put_byte(s, '/');
		} else {
			EV(s)->flags |= PT_F_PATH_RAW;
		}
		cut = put_str(s, upath, PT_PATH_MAX - (s->pos - start), kern);
	}
	if (cut)
		EV(s)->flags |= PT_F_TRUNC(idx);
	field_close(s, idx, start);
}

static __always_inline void put_user_path(struct scratch *s, int idx, int dirfd, const char *upath)
{
	put_path_str(s, idx, dirfd, upath, false);
}

#endif /* PKGTRACE_PATH_BPF_H */
