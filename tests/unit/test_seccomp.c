// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * test_seccomp.c - the --enforce filter (user/enforce/seccomp.c) in a
 * forked child: what it refuses gets ENOSYS, what it lets through runs
 * (the child reports each result over a pipe).  Needs no BPF and no root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "unit.h"
#include "enforce/sandbox.h"

enum { R_BPF, R_IO_URING, R_UNSHARE_USER, R_UNSHARE_NS, R_UNSHARE_UTS_OK, R_CLONE_NEWUSER,
       R_CLONE3, R_FORK_OK, R_GETPID_OK, R_MOUNT, R_PTRACE, R_X32, R_PACKET, R_SOCK_PACKET,
       R_VSOCK, R_INET_OK, R_UNIX_OK, R_TIOCSTI, R_TIOCSTI_HIGH, R_IOCTL_OK, R_N };

/* -errno or the (non-negative) result */
static long res(long r)
{
	return r < 0 ? -errno : r;
}

/* In the child: the filter, then each call; results written to fd. */
static void probe(int fd)
{
	long r[R_N];
	union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
				.max_entries = 1 };
	pid_t pid;
	ssize_t unused;

	if (seccomp_install())
		_exit(3);
	r[R_BPF] = res(syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
	r[R_IO_URING] = res(syscall(__NR_io_uring_setup, 4, NULL));
	r[R_UNSHARE_USER] = res(unshare(CLONE_NEWUSER));
	r[R_UNSHARE_NS] = res(unshare(CLONE_NEWNS | CLONE_NEWUTS));
	/* as root this one runs (EPERM unprivileged): anything but ENOSYS */
	r[R_UNSHARE_UTS_OK] = res(unshare(CLONE_NEWUTS));
	r[R_CLONE_NEWUSER] = res(syscall(__NR_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
	if (r[R_CLONE_NEWUSER] == 0)
		_exit(0);
	r[R_CLONE3] = res(syscall(__NR_clone3, NULL, 0));
	/* glibc's fork and posix_spawn still work: clone3 falls back to clone */
	pid = fork();
	if (pid == 0)
		_exit(7);
	r[R_FORK_OK] = pid;
	if (pid > 0) {
		int st;

		waitpid(pid, &st, 0);
		r[R_FORK_OK] = WIFEXITED(st) && WEXITSTATUS(st) == 7;
	}
	r[R_GETPID_OK] = res(syscall(__NR_getpid));
	r[R_MOUNT] = res(mount("none", "/nonexistent-pkgtrace-unit", "tmpfs", 0, NULL));
	r[R_PTRACE] = res(syscall(__NR_ptrace, 16 /* PTRACE_ATTACH */, getpid(), 0, 0));
#if defined(__x86_64__)
	r[R_X32] = res(syscall(0x40000000 | __NR_getpid));
#else
	r[R_X32] = -ENOSYS;
#endif
	/* unprivileged, a packet socket fails with EPERM, not ENOSYS */
	r[R_PACKET] = res(socket(AF_PACKET, SOCK_RAW, 0));
	r[R_SOCK_PACKET] = res(socket(AF_INET, SOCK_PACKET | SOCK_CLOEXEC, 0));
	r[R_VSOCK] = res(socket(AF_VSOCK, SOCK_STREAM, 0));
	r[R_INET_OK] = res(socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	r[R_UNIX_OK] = res(socket(AF_UNIX, SOCK_STREAM, 0));
	/* on a pipe: ENOTTY if it got through */
	r[R_TIOCSTI] = res(syscall(__NR_ioctl, fd, TIOCSTI, "x"));
	/* the kernel's command is 32 bits: the high ones do not hide it */
	r[R_TIOCSTI_HIGH] = res(syscall(__NR_ioctl, fd, 0xffffffff00000000ul | TIOCSTI, "x"));
	r[R_IOCTL_OK] = res(syscall(__NR_ioctl, fd, TCGETS, &(char[64]){ 0 }));
	unused = write(fd, r, sizeof(r));
	(void)unused;
	_exit(0);
}

static void test_filter(void)
{
	long r[R_N] = { 0 };
	int p[2], st = 0;
	pid_t pid;

	CHECK_INT(seccomp_available(), 0);
	CHECK_INT(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		probe(p[1]);
	}
	close(p[1]);
	CHECK_INT(read(p[0], r, sizeof(r)), (long)sizeof(r));
	close(p[0]);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_INT(r[R_BPF], -ENOSYS);
	CHECK_INT(r[R_IO_URING], -ENOSYS);
	CHECK_INT(r[R_UNSHARE_USER], -ENOSYS);
	CHECK_INT(r[R_UNSHARE_NS], -ENOSYS);
	CHECK(r[R_UNSHARE_UTS_OK] != -ENOSYS);
	CHECK_INT(r[R_CLONE_NEWUSER], -ENOSYS);
	CHECK_INT(r[R_CLONE3], -ENOSYS);
	CHECK_INT(r[R_FORK_OK], 1);
	CHECK(r[R_GETPID_OK] > 0);
	CHECK_INT(r[R_MOUNT], -ENOSYS);
	CHECK_INT(r[R_PTRACE], -ENOSYS);
	CHECK_INT(r[R_X32], -ENOSYS);
	CHECK_INT(r[R_PACKET], -ENOSYS);
	CHECK_INT(r[R_SOCK_PACKET], -ENOSYS);
	CHECK_INT(r[R_VSOCK], -ENOSYS);
	CHECK(r[R_INET_OK] >= 0);
	CHECK(r[R_UNIX_OK] >= 0);
	CHECK_INT(r[R_TIOCSTI], -ENOSYS);
	CHECK_INT(r[R_TIOCSTI_HIGH], -ENOSYS);
	CHECK_INT(r[R_IOCTL_OK], -ENOTTY);
}

/* The BPF side's table: reported calls only, clone3 left out. */
static void test_tables(void)
{
	int n = 0;
	const int *nrs = seccomp_refusable(&n);
	bool bpf = false, clone3 = false, unshare = false;

	for (int i = 0; i < n; i++) {
		bpf |= nrs[i] == __NR_bpf;
		clone3 |= nrs[i] == __NR_clone3;
		unshare |= nrs[i] == __NR_unshare;
	}
	CHECK(bpf && unshare && !clone3);
	CHECK_STR(seccomp_call_name(__NR_io_uring_setup), "io_uring_setup");
	CHECK_STR(seccomp_call_name(__NR_clone), "clone");
	CHECK_STR(seccomp_call_name(__NR_socket), "socket");
	CHECK_STR(seccomp_call_name(__NR_ioctl), "ioctl");
	CHECK(seccomp_call_name(__NR_read) == NULL);
	CHECK_STR(seccomp_refused_names()[0], "ia32");
}

int main(void)
{
	TEST(test_filter);
	TEST(test_tables);
	UNIT_EXIT();
}
