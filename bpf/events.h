/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * events.h - the one event format shared by the BPF programs and userspace.
 *
 * Every record on the ring buffer, in a recorded trace and in replay is a
 * struct pt_event: a fixed header followed by up to PT_NFIELDS variable-size
 * fields packed back to back in data[].  len[i] is the byte length of field i;
 * field i starts at data + len[0] + ... + len[i-1].  size is the length of the
 * whole record (offsetof(struct pt_event, data) + sum(len)).
 *
 * String fields are stored with their terminating NUL (len counts it).
 * List fields (argv, env) are NUL-separated strings, each NUL-terminated.
 * Address fields are raw bytes (4 for AF_INET, 16 for AF_INET6) or a
 * NUL-terminated path for AF_UNIX.
 *
 * This layout is part of the trace format (schemas/trace-format.md): append
 * new types and flags, never renumber.
 */
#ifndef PKGTRACE_EVENTS_H
#define PKGTRACE_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PT_NFIELDS 4
#define PT_COMM_LEN 16

/* Bounds on variable fields; a field cut by a bound sets PT_F_TRUNC(i). */
#define PT_PATH_MAX 4096
#define PT_ARGV_MAX 4096
#define PT_ENV_MAX 8192
#define PT_PAYLOAD_MAX 512
#define PT_NAME_MAX 256

enum pt_event_type {
	PT_EV_EXEC = 1,     /* f0 exe path, f1 argv, f2 cwd, f3 env; ret 0 or -errno */
	PT_EV_EXIT = 2,     /* arg0 wait status ((code << 8) | signal) */
	PT_EV_FORK = 3,     /* arg0 child tgid, arg1 its pid in its own PID namespace
			     * (0: not known); emitted for new processes only */
	PT_EV_OPEN = 4,     /* f0 path; arg0 open flags; arg1 mode (low 32 bits) |
			     * the opened file's device << 32 (the kernel's
			     * dev_t, major << 20 | minor), arg2 its inode number:
			     * both 0 when no file was opened or none is known
			     * (failed, io_uring); ret fd */
	PT_EV_UNLINK = 5,   /* f0 path; arg0 flags (AT_REMOVEDIR for rmdir) */
	PT_EV_RENAME = 6,   /* f0 old path, f1 new path; arg0 flags */
	PT_EV_MKDIR = 7,    /* f0 path; arg0 mode */
	PT_EV_CHMOD = 8,    /* f0 path; arg0 mode */
	PT_EV_SYMLINK = 9,  /* f0 link path (absolute), f1 target as given */
	PT_EV_LINK = 10,    /* f0 old path, f1 new path */
	PT_EV_TRUNCATE = 11,/* f0 path; arg0 length */
	PT_EV_MEMFD = 12,   /* f0 name; arg0 flags; ret fd */
	PT_EV_CONNECT = 13, /* socket events: arg0 family, arg1 port (host order), */
	PT_EV_BIND = 14,    /*   arg2 sock type | protocol << 16; f0 address;     */
	PT_EV_LISTEN = 15,  /*   LISTEN/ACCEPT: the local / peer address          */
	PT_EV_ACCEPT = 16,
	PT_EV_SEND = 17,    /* UDP send: dest as above; f1 payload (port 53 only); arg? */
	PT_EV_SETID = 18,   /* low 32 bits: arg0 PT_SETID_*, arg1, arg2 the ids asked for
			     * (arg2 -1 for setuid/setgid); with PT_F_SETID_AFTER the
			     * high 32 bits of arg0, arg1, arg2 are the real, effective
			     * and saved uid (uid calls) or gid (gid calls) after it */
	PT_EV_PTRACE = 19,  /* arg0 request, arg1 target pid */
	PT_EV_ROOT = 20,    /* pid became the root of session arg0 (tree mark set);
			     * arg1 its pid in its own PID namespace (0: not known) */
	PT_EV_SYS = 21,     /* mount, namespace and root calls: arg0 PT_SYS_*, arg1 flags,
			     * arg2 a second integer; f0..f2 per call (user/event.c) */
	PT_EV_BPF = 22,     /* bpf(): arg0 cmd, arg1 the attr's first word (a map, prog or
			     * link fd, or an id), arg2 the id of the BPF map behind that
			     * fd (0: none) */
	PT_EV_SIGNAL = 23,  /* arg0 target pid (as the caller named it; a pidfd's host
			     * pid), arg1 signal, arg2 PT_SIG_* */
	PT_EV_PROCVM = 24,  /* process_vm_readv/writev: arg0 target pid, arg1 1 = write,
			     * arg2 the caller's pid in its own namespace */
	PT_EV_IOURING = 25, /* an io_uring submission without a record of its own:
			     * arg0 IORING_OP_*, arg1 the request's fd (-1 none),
			     * arg2 fixed-file 1; ret 0 (not known at submission) */
	PT_EV_NET_BLOCKED = 26, /* --enforce refused it (bpf/enforce.bpf.c): arg0 family,
			     * arg1 port (host order), arg2 sock type | protocol << 16 |
			     * PT_BLK_* << 32; f0 address (4 or 16 bytes; AF_UNIX: the
			     * path, '\0' first for an abstract one), f1 the DNS query
			     * name (PT_BLK_DNS, "" when malformed); ret -EPERM */
	PT_EV_REFUSED = 27, /* the --enforce seccomp filter refused a call (it never ran):
			     * arg0 its number in its ABI (x32: without __X32_SYSCALL_BIT),
			     * arg1 PT_REFUSED_ABI_*, arg2 its first argument; ret -ENOSYS */
	PT_EV_MAX
};

/* PT_EV_SYS calls (arg0).  Fields: mount f0 target, f1 source, f2 fstype;
 * umount f0 target; chroot f0 path; pivot_root f0 new root, f1 put_old;
 * unshare (arg1 CLONE_* flags); setns f0 the namespace file (arg1 nstype);
 * open_tree f0 path; move_mount f0 from, f1 to; fsopen f0 fs name;
 * fsmount (arg1 flags); io_uring_setup (arg1 IORING_SETUP_* flags, ret fd). */
enum pt_sys_call {
	PT_SYS_MOUNT = 1, PT_SYS_UMOUNT, PT_SYS_CHROOT, PT_SYS_PIVOT_ROOT, PT_SYS_UNSHARE,
	PT_SYS_SETNS, PT_SYS_OPEN_TREE, PT_SYS_MOVE_MOUNT, PT_SYS_FSOPEN, PT_SYS_FSMOUNT,
	PT_SYS_IO_URING_SETUP, PT_SYS_MAX
};

/* PT_EV_SIGNAL calls (arg2). */
enum pt_sig_call {
	PT_SIG_KILL = 1, PT_SIG_TKILL, PT_SIG_TGKILL, PT_SIG_PIDFD, PT_SIG_QUEUE, PT_SIG_TGQUEUE,
	PT_SIG_MAX
};

/* PT_EV_NET_BLOCKED: which enforcement hook refused (arg2 >> 32). */
enum pt_block_kind {
	PT_BLK_CONNECT = 1, /* cgroup/connect4, connect6 */
	PT_BLK_SENDMSG,     /* cgroup/sendmsg4, sendmsg6: a datagram's destination */
	PT_BLK_DNS,         /* cgroup_skb/egress: a DNS query for a name not allowed */
	PT_BLK_UNIX,        /* cgroup/connect_unix, sendmsg_unix */
	PT_BLK_PACKET,      /* cgroup_skb/egress: a packet to no allowed endpoint
			     * (raw sockets, fragments, other protocols) */
	PT_BLK_MAX
};

/* The enforcement maps' keys (bpf/enforce.bpf.c, user/enforce/netpolicy.c). */
struct pt_enf_ep {
	__u8 addr[16];   /* IPv4: the 4 bytes first, the rest 0 */
	__u16 port;      /* host order */
	__u8 family;     /* AF_INET, AF_INET6 */
	__u8 pad;
};
#define PT_ENF_REGISTRY 1 /* value bits: an endpoint of the policy */
#define PT_ENF_RESOLVER 2 /*   a resolver: port-53 packets to it are DNS-checked */
#define PT_ENF_NAME_MAX 256
struct pt_enf_name {
	char name[PT_ENF_NAME_MAX]; /* a DNS name: lowercase, dotted, NUL-padded */
};
#define PT_ENF_UNIX_DIRS 4  /* unix socket directories the install may connect under */
struct pt_enf_dir {
	__u32 len;       /* bytes of path that must match, 0: unused slot */
	char path[124];  /* a directory with its trailing '/' */
};

/* PT_EV_REFUSED arg1: the system call ABI of the refused call. */
enum pt_refused_abi {
	PT_REFUSED_ABI_NATIVE = 0, PT_REFUSED_ABI_IA32 = 1, PT_REFUSED_ABI_X32 = 2,
};

enum pt_setid_kind {
	PT_SETID_UID = 1, PT_SETID_GID, PT_SETID_REUID, PT_SETID_REGID,
	PT_SETID_RESUID, PT_SETID_RESGID,
};

/* flags */
#define PT_F_TRUNC(i) (1u << (i))  /* field i was cut by its bound */
#define PT_F_DELETED (1u << 8)     /* exec: the file had no links (deleted, memfd) */
#define PT_F_MEMFD (1u << 9)       /* exec: the file is a memfd */
/* (1u << 10) is free: it was PT_F_THREAD, which no record ever carried */
#define PT_F_PATH_RAW (1u << 11)   /* f0 could not be resolved; it is the string as given */
#define PT_F_DAEMON_START (1u << 12) /* root: session started by a package-manager exec */
#define PT_F_COMPAT (1u << 13)     /* the call came through the 32-bit (ia32) syscall ABI */
#define PT_F_IOURING (1u << 14)    /* submitted through io_uring: ret is 0, not known */
#define PT_F_DNS_TCP (1u << 15)    /* send: a TCP write to port 53 (DNS over TCP, length
				    * prefix included when the write carried it) */
#define PT_F_ARGV_TAIL (1u << 16)  /* exec: argv too long; f1 is its head, then its tail
				    * (the two meet inside an argument) */
#define PT_F_FIFO (1u << 17)       /* open: the file opened is a FIFO */
#define PT_F_BY_HANDLE (1u << 18)  /* open: open_by_handle_at (f0 is the file opened, or
				    * the mount fd's path when it failed) */
#define PT_F_DIR_AS_GIVEN (1u << 19) /* path calls: the final directory of f0/f1 is the
				      * string as given, not resolved through symlinks:
				      * userspace resolves it at receipt */
#define PT_F_SETID_AFTER (1u << 20) /* setid: the ids after the call are in the args'
				     * high halves (traces before it lack them) */

struct pt_event {
	__u64 time_ns;   /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id; /* cgroup v2 id of the task */
	__s64 ret;       /* syscall result: 0, fd, or -errno */
	__u64 arg[3];    /* type-specific integers, see enum pt_event_type */
	__u32 type;      /* enum pt_event_type */
	__u32 size;      /* bytes of the whole record */
	__u32 pid;       /* host tgid */
	__u32 tid;       /* host tid */
	__u32 ppid;      /* host tgid of the real parent */
	__u32 uid;
	__u32 session;   /* tree mark: session id the process belongs to */
	__u32 flags;     /* PT_F_* */
	__u16 len[PT_NFIELDS];
	char comm[PT_COMM_LEN];
	__u8 data[];
};

/*
 * Root registration (probe_register_self): the traced child calls
 * prctl(PT_REG_PRCTL_OPTION, cookie, 0, 0, 0).  No kernel knows this option,
 * so the call just fails with -EINVAL, but the sys_exit program sees it
 * and marks the caller (by host tgid) as the root of session 1 when the
 * cookie matches the per-run secret.
 */
#define PT_REG_PRCTL_OPTION 0x50544b47u /* "PTKG" */

/* exit_paths' layout tables (sc_p_*, filled by probe.c): a path-1 dirfd of
 * PT_SC_P_RAW means the string as given, never resolved (a symlink's
 * target). */
#define PT_SC_P_RAW -2

/* sc_wanted bits (probe.c fills them by syscall number): a handler exists
 * for the native call of that number, for the ia32 call of that number. */
#define PT_SC_NATIVE 1
#define PT_SC_IA32 2

/* The sc_exit_progs slot of the ia32 socketcall demultiplexer: a number no
 * native call uses. */
#define PT_NR_SOCKETCALL 511

/* Words of the tree's membership bitmap (tree_bits in the BPF object, one
 * bit per pid): 2^16 * 64 = 2^22, Linux's PID_MAX_LIMIT on 64-bit. */
#define PT_TREE_BITS_WORDS 65536

/* Value of the tree map (key: host tgid). */
struct pt_tree_val {
	__u32 session;
	__u32 flags; /* PT_TREE_* */
};
#define PT_TREE_ROOT 1u

#endif /* PKGTRACE_EVENTS_H */
