/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * file.bpf.h - files: open and its family, the path syscalls
 * (unlink, rename, mkdir, chmod, link, symlink, truncate and their *at
 * forms), open_by_handle_at and memfd_create.
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_FILE_BPF_H
#define PKGTRACE_FILE_BPF_H

#define O_CREAT_ 0100
#define O_WRONLY_ 01
#define O_TRUNC_ 01000
#define S_IFMT_ 00170000
#define S_IFIFO_ 0010000

/* f0: the file open at fd, flagged PT_F_FIFO when it is one (a FIFO's
 * reader may be a process outside the tree, which runs what it reads).
 * The file's identity goes with it (arg1's high half the device, arg2 the
 * inode): a credential opened under another name (a hard link, a chroot, a
 * bind or detached mount) is still the same inode.  Three loads from the
 * inode the FIFO test reads anyway; no field, so the trace codes it as
 * small deltas. */
static __always_inline void put_opened(struct scratch *s, int fd)
{
	struct file *f = fd_file(fd);
	struct inode *ino;

	put_file_path(s, 0, f);
	if (!f)
		return;
	ino = KCAST(struct file, f)->f_inode;
	EV(s)->arg[1] = (__u32)EV(s)->arg[1] | (__u64)ino->i_sb->s_dev << 32;
	EV(s)->arg[2] = ino->i_ino;
	if ((ino->i_mode & S_IFMT_) == S_IFIFO_)
		EV(s)->flags |= PT_F_FIFO;
}

static __always_inline void do_open(struct scratch *s, long ret, int dirfd, const char *path,
				    __u64 flags, __u64 mode)
{
	EV(s)->arg[0] = flags;
	EV(s)->arg[1] = mode;
	if (ret >= 0)
		put_opened(s, ret); /* the file really opened */
	else
		put_user_path(s, 0, dirfd, path);
}

/* open_by_handle_at(mount_fd, handle, flags): a file opened by no path.
 * f0 is the file it opened (failed: the mount fd's), so a credential
 * opened by its handle still has its path. */
EXIT(by_handle, PT_EV_OPEN)
{
	EV(s)->flags |= PT_F_BY_HANDLE;
	EV(s)->arg[0] = a->a[2];
	if (ret >= 0)
		put_opened(s, ret);
	else
		put_file_path(s, 0, fd_file(a->a[0]));
}

/* Set by probe.c: the numbers that share exit_open (-1: the architecture
 * has no such call). */
const volatile __u32 nr_openat = -1, nr_creat = -1, nr_openat2 = -1;

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
	/* A path string's directories are taken as given, symlinks and all:
	 * only a lookup (which no tracepoint offers) resolves them, so the
	 * record says so and userspace resolves the directory at receipt. */
	if (p0 < 0)
		put_file_path(s, 0, fd_file(a->a[dfd0 & 7]));
	else
		put_user_path(s, 0, dfd0 >= 0 ? (int)a->a[dfd0 & 7] : AT_FDCWD_,
			      UPTR(a->a[p0 & 7]));
	if (p0 >= 0 || p1 >= 0)
		EV(s)->flags |= PT_F_DIR_AS_GIVEN;
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

#endif /* PKGTRACE_FILE_BPF_H */
