// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * seccomp.c - the --enforce system call filter, written with the
 * linux/filter.h macros (no libseccomp).  See sandbox.h for the contract.
 *
 * The filter refuses, with ENOSYS:
 *   - every call of another ABI than the native one: seccomp_data.arch is
 *     AUDIT_ARCH_I386 for int 0x80 / sysenter / a 32-bit process, and an
 *     x32 call is a native-arch call whose number has __X32_SYSCALL_BIT;
 *   - the calls in refused[] whatever their arguments: io_uring (its
 *     requests never pass sys_exit), bpf and perf_event_open (the
 *     monitor's own tools), modules and kexec, ptrace, process_vm_*,
 *     pidfd_getfd (another process's memory or files: npm holds the
 *     registry token), file handles (a file opened without a path), every
 *     mount call, chroot, pivot_root, setns, and clone3;
 *   - unshare and clone with CLONE_NEWUSER or CLONE_NEWNS (a new root or a
 *     new view of the paths the monitor records);
 *   - socket of any family but unix, inet, inet6 and netlink, and of type
 *     SOCK_PACKET: the cgroup hooks of the network policy see only the IP
 *     stack's sockets, so a packet socket (root: a frame sent on an
 *     interface, no egress hook on its way) or a vsock (anyone: the
 *     hypervisor's host) would reach past them.  (AF_INET, SOCK_PACKET) is
 *     the kernel's old spelling of a packet socket;
 *   - ioctl TIOCSTI and TIOCLINUX: input pushed into the caller's terminal
 *     (a --user nobody install typed a command that root's shell read
 *     after pkgtrace exited).
 * clone3 passes its flags in memory, which seccomp cannot read: it is
 * refused outright, and glibc (2.34+) falls back to clone on ENOSYS, whose
 * flags are registers (the technique container runtimes use).
 *
 * Signals to the collector need no rule: the install runs in a PID
 * namespace of its own (nsinit.h), where the collector has no pid, so
 * kill, tkill, tgkill, pidfd_open and pidfd_send_signal cannot name it.
 * A filter could not say "a pid outside the namespace" anyway: seccomp
 * sees numbers, not what they name.
 *
 * Why ENOSYS, not EPERM: it is what a caller takes as "not on this
 * kernel" and falls back from (libuv's io_uring, glibc's clone3), and it
 * marks a refusal for the BPF side without doubt: a kernel that has these
 * calls never fails them with ENOSYS itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "enforce/sandbox.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define X32_BIT 0x40000000u /* __X32_SYSCALL_BIT */
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp.c: add this architecture's AUDIT_ARCH"
#endif

#define CLONE_NEWNS_ 0x00020000u
#define CLONE_NEWUSER_ 0x10000000u
#define SOCK_PACKET_ 10u
#define TIOCSTI_ 0x5412u
#define TIOCLINUX_ 0x541Cu
#define SOCK_TYPE_MASK_ 0xfu /* the type without SOCK_NONBLOCK / SOCK_CLOEXEC */

/* The socket families an install may create: the ones the network policy's
 * cgroup hooks judge (unix, inet, inet6), and netlink, which never leaves
 * the machine (glibc's getifaddrs, node's os.networkInterfaces). */
static const uint32_t socket_families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
#define NFAMILIES (sizeof(socket_families) / sizeof(socket_families[0]))

struct refused_call {
	const char *name;
	long nr;
	bool report; /* its ENOSYS is reported (clone3's is routing) */
};

#define R(n) { #n, __NR_##n, true }
static const struct refused_call refused[] = {
	R(io_uring_setup), R(io_uring_enter), R(io_uring_register),
	R(bpf), R(perf_event_open),
	R(init_module), R(finit_module), R(delete_module), R(kexec_load), R(kexec_file_load),
	R(ptrace), R(process_vm_readv), R(process_vm_writev), R(pidfd_getfd),
	R(open_by_handle_at), R(name_to_handle_at),
	R(mount), R(umount2), R(open_tree), R(move_mount), R(fsopen), R(fsmount), R(fsconfig),
	R(fspick), R(mount_setattr), R(pivot_root), R(chroot), R(setns),
	{ "clone3", __NR_clone3, false },
};
#undef R

/* unshare and clone: refused when arg0 (the flags) has one of these */
static const struct refused_call by_flags[] = {
	{ "unshare", __NR_unshare, true },
	{ "clone", __NR_clone, true },
};
#define NS_FLAGS (CLONE_NEWUSER_ | CLONE_NEWNS_)

#define NREFUSED (sizeof(refused) / sizeof(refused[0]))
#define NBY_FLAGS (sizeof(by_flags) / sizeof(by_flags[0]))
#define PROG_MAX (9 + NREFUSED + 3 * NBY_FLAGS + 5 + NFAMILIES + 4)

static const char *const refused_names[] = {
	"ia32", "x32",
	"io_uring_setup", "io_uring_enter", "io_uring_register", "bpf", "perf_event_open",
	"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
	"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
	"open_by_handle_at", "name_to_handle_at", "mount", "umount2", "open_tree", "move_mount",
	"fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr", "pivot_root", "chroot",
	"setns", "clone3", "unshare(CLONE_NEWUSER|CLONE_NEWNS)", "clone(CLONE_NEWUSER|CLONE_NEWNS)",
	"socket(a family but unix, inet, inet6, netlink; SOCK_PACKET)", "ioctl(TIOCSTI, TIOCLINUX)",
	NULL
};

const char *const *seccomp_refused_names(void)
{
	return refused_names;
}

const int *seccomp_refusable(int *n)
{
	static int nrs[NREFUSED + NBY_FLAGS + 2];
	int k = 0;

	for (size_t i = 0; i < NREFUSED; i++)
		if (refused[i].report)
			nrs[k++] = (int)refused[i].nr;
	for (size_t i = 0; i < NBY_FLAGS; i++)
		nrs[k++] = (int)by_flags[i].nr;
	nrs[k++] = __NR_socket;
	nrs[k++] = __NR_ioctl;
	*n = k;
	return nrs;
}

const char *seccomp_call_name(long nr)
{
	for (size_t i = 0; i < NREFUSED; i++)
		if (refused[i].nr == nr)
			return refused[i].name;
	for (size_t i = 0; i < NBY_FLAGS; i++)
		if (by_flags[i].nr == nr)
			return by_flags[i].name;
	if (nr == __NR_socket)
		return "socket";
	if (nr == __NR_ioctl)
		return "ioctl";
	return NULL;
}

/* Jumps to the two returns at the end are fixed once the length is known. */
enum { TO_NEXT, TO_REFUSE, TO_ALLOW };

struct prog {
	struct sock_filter ins[PROG_MAX];
	uint8_t jt[PROG_MAX], jf[PROG_MAX]; /* TO_* of each jump */
	unsigned int n;
};

static void emit(struct prog *p, struct sock_filter f, int jt, int jf)
{
	p->jt[p->n] = (uint8_t)jt;
	p->jf[p->n] = (uint8_t)jf;
	p->ins[p->n++] = f;
}

static void jump_fix(struct prog *p, unsigned int allow, unsigned int refuse)
{
	for (unsigned int i = 0; i < p->n; i++) {
		if (p->jt[i] != TO_NEXT)
			p->ins[i].jt = (uint8_t)((p->jt[i] == TO_REFUSE ? refuse : allow) - i - 1);
		if (p->jf[i] != TO_NEXT)
			p->ins[i].jf = (uint8_t)((p->jf[i] == TO_REFUSE ? refuse : allow) - i - 1);
	}
}

/* The smallest number the filter refuses natively: every call below it
 * (read, write, close, mmap, stat...: most of the calls made) is let
 * through after one comparison instead of the whole list. */
static uint32_t lowest_refused(void)
{
	long low = __NR_socket;

	for (size_t i = 0; i < NREFUSED; i++)
		low = refused[i].nr < low ? refused[i].nr : low;
	for (size_t i = 0; i < NBY_FLAGS; i++)
		low = by_flags[i].nr < low ? by_flags[i].nr : low;
	return (uint32_t)low;
}

static void prog_build(struct prog *p)
{
	unsigned int allow;

	p->n = 0;
	/* another ABI: refused whatever the call */
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	     TO_NEXT, TO_NEXT);
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0, 0), TO_NEXT, TO_REFUSE);
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	     TO_NEXT, TO_NEXT);
#ifdef X32_BIT
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 0, 0), TO_REFUSE, TO_NEXT);
#endif
	/* ioctl (16, below the rest): the command is arg1's low 32 bits (the
	 * kernel's is an unsigned int); A is nr again after, for the rest */
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 3), TO_NEXT, TO_NEXT);
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
	     TO_NEXT, TO_NEXT);
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI_, 0, 0), TO_REFUSE, TO_NEXT);
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX_, 0, 0), TO_REFUSE, TO_ALLOW);
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lowest_refused(), 0, 0), TO_NEXT, TO_ALLOW);
	for (size_t i = 0; i < NREFUSED; i++)
		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)refused[i].nr, 0, 0),
		     TO_REFUSE, TO_NEXT);
	/* by flags: each test ends in allow or refuse (A no longer holds nr) */
	for (size_t i = 0; i < NBY_FLAGS; i++) {
		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)by_flags[i].nr, 0, 2),
		     TO_NEXT, TO_NEXT);
		/* the low 32 bits of arg0 (little endian): every CLONE_NEW* is there */
		emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		     TO_NEXT, TO_NEXT);
		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 0), TO_REFUSE, TO_ALLOW);
	}
	/* socket: the type first (arg1), then the family (arg0) in the list */
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 0), TO_NEXT, TO_ALLOW);
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
	     TO_NEXT, TO_NEXT);
	emit(p, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, SOCK_TYPE_MASK_), TO_NEXT, TO_NEXT);
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_PACKET_, 0, 0), TO_REFUSE, TO_NEXT);
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
	     TO_NEXT, TO_NEXT);
	for (size_t i = 0; i < NFAMILIES; i++)
		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, socket_families[i], 0, 0),
		     TO_ALLOW, i + 1 < NFAMILIES ? TO_NEXT : TO_REFUSE);
	allow = p->n;
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), TO_NEXT, TO_NEXT);
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | SANDBOX_REFUSE_ERRNO),
	     TO_NEXT, TO_NEXT);
	jump_fix(p, allow, allow + 1);
}

int seccomp_available(void)
{
	uint32_t action = SECCOMP_RET_ERRNO;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action))
		return -errno;
	return 0;
}

int seccomp_install(void)
{
	struct prog p;
	struct sock_fprog fprog;

	prog_build(&p);
	fprog.len = (unsigned short)p.n;
	fprog.filter = p.ins;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	/* TSYNC is not needed: the child is single-threaded here.  SPEC_ALLOW
	 * (Linux 4.17): before 5.16 the default spec_store_bypass_disable=seccomp
	 * turns Speculative Store Bypass Disable on for every filtered task,
	 * which slows JIT-heavy node; the filter is about system calls, and an
	 * install without it runs without SSBD too.  A kernel without the flag
	 * (EINVAL) gets the filter alone. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &fprog) == 0)
		return 0;
	if (errno != EINVAL || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog))
		return -errno;
	return 0;
}
