/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * sys.bpf.h - calls that change what a path means rather than touch a
 * file: mount, umount, chroot, pivot_root, unshare, setns, open_tree,
 * move_mount, fsopen, fsmount, and io_uring_setup (work that will never
 * come back through sys_exit).  One PT_EV_SYS record each, the call in
 * arg0 (events.h lists each call's fields).
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_SYS_BPF_H
#define PKGTRACE_SYS_BPF_H

/* The call by syscall number (probe.c), PT_SYS_* of events.h. */
const volatile __u8 sc_sys_kind[NR_MAX] = {};

EXIT(sys, PT_EV_SYS)
{
	__u8 call;

	barrier_var(nr); /* see sys_exit */
	call = sc_sys_kind[nr & (NR_MAX - 1)];
	EV(s)->arg[0] = call;
	switch (call) {
	case PT_SYS_MOUNT: /* (source, target, fstype, flags, data) */
		put_user_path(s, 0, AT_FDCWD_, UPTR(a->a[1]));
		put_ustr_field(s, 1, UPTR(a->a[0]), PT_PATH_MAX);
		put_ustr_field(s, 2, UPTR(a->a[2]), PT_NAME_MAX);
		EV(s)->arg[1] = a->a[3];
		break;
	case PT_SYS_UMOUNT: /* (target, flags) */
	case PT_SYS_CHROOT: /* (path) */
		put_user_path(s, 0, AT_FDCWD_, UPTR(a->a[0]));
		EV(s)->arg[1] = call == PT_SYS_UMOUNT ? a->a[1] : 0;
		break;
	case PT_SYS_PIVOT_ROOT: /* (new_root, put_old) */
		put_user_path(s, 0, AT_FDCWD_, UPTR(a->a[0]));
		put_user_path(s, 1, AT_FDCWD_, UPTR(a->a[1]));
		break;
	case PT_SYS_UNSHARE: /* (CLONE_* flags) */
		EV(s)->arg[1] = a->a[0];
		break;
	case PT_SYS_SETNS: /* (fd, nstype): the fd's file names the namespace */
		put_file_path(s, 0, fd_file(a->a[0]));
		EV(s)->arg[1] = a->a[1];
		break;
	case PT_SYS_OPEN_TREE: /* (dfd, path, flags) */
		put_user_path(s, 0, a->a[0], UPTR(a->a[1]));
		EV(s)->arg[1] = a->a[2];
		break;
	case PT_SYS_MOVE_MOUNT: /* (from_dfd, from_path, to_dfd, to_path, flags) */
		put_user_path(s, 0, a->a[0], UPTR(a->a[1]));
		put_user_path(s, 1, a->a[2], UPTR(a->a[3]));
		EV(s)->arg[1] = a->a[4];
		break;
	case PT_SYS_FSOPEN: /* (fsname, flags) */
		put_ustr_field(s, 0, UPTR(a->a[0]), PT_NAME_MAX);
		EV(s)->arg[1] = a->a[1];
		break;
	case PT_SYS_FSMOUNT: /* (fs_fd, flags, attr_flags) */
		EV(s)->arg[1] = a->a[1];
		EV(s)->arg[2] = a->a[2];
		break;
	case PT_SYS_IO_URING_SETUP: { /* (entries, params): params->flags */
		__u32 flags = 0;

		bpf_probe_read_user(&flags, sizeof(flags),
				    UPTR(a->a[1] + offsetof(struct io_uring_params, flags)));
		EV(s)->arg[1] = flags;
		EV(s)->arg[2] = (__u32)a->a[0];
		break;
	}
	default:
		DROP_EVENT(s);
	}
}

#endif /* PKGTRACE_SYS_BPF_H */
