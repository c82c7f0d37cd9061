/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * net.bpf.h - sockets: connect (unix ones with the listener's
 * pid and bound path), bind, listen, accept, and sends on UDP sockets or to
 * TCP port 53 (the DNS payload gathered from every iovec, every message of
 * a sendmmsg, and plain write/writev on a connected socket); the ia32
 * socketcall demultiplexer.
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_NET_BPF_H
#define PKGTRACE_NET_BPF_H

#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define S_IFSOCK_ 0140000
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define DNS_PORT 53
#define IOV_WALK 8  /* iovecs of one message gathered into a payload */
#define MMSG_WALK 8 /* messages of one sendmmsg recorded, one record each */

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

const volatile __u32 nr_bind = -1, nr_writev = -1; /* set by probe.c */

/* A connected unix socket's peer: arg1 the host tgid of the process that
 * called listen() on it (the kernel's SO_PEERCRED), f1 the absolute path the
 * listener is bound to, resolved through symlinks (path sockets only): who
 * really serves /var/run/docker.sock, say, and whether it is in the tree. */
static __always_inline void put_unix_peer(struct scratch *s, struct sock *sk)
{
	struct unix_sock *u = KCAST(struct unix_sock, sk);
	struct unix_sock *peer = KCAST(struct unix_sock, u->peer);
	struct pid *pid = KCAST(struct pid, u->sk.sk_peer_pid);
	__u32 start = field_open(s);
	__u64 peer_p = 0;
	int w = -1;

	EV(s)->arg[1] = pid->numbers[0].nr;
	/* path_walk takes a scalar: the peer's address as read, not as a
	 * BTF pointer. */
	if (peer->path.dentry &&
	    !bpf_probe_read_kernel(&peer_p, sizeof(peer_p), &((struct unix_sock *)sk)->peer))
		w = path_walk((__u64)&((struct unix_sock *)peer_p)->path);
	if (w >= 0)
		put_walked(s, w);
	field_close(s, 1, start);
}

/* connect and bind */
EXIT(connect, PT_EV_CONNECT)
{
	struct sock *sk = fd_sock(a->a[0]);

	if (nr == nr_bind)
		EV(s)->type = PT_EV_BIND;
	put_sock_type(s, sk);
	put_uaddr(s, UPTR(a->a[1]), a->a[2]);
	if (EV(s)->arg[0] == AF_UNIX_ && nr != nr_bind && ret == 0 && sk)
		put_unix_peer(s, sk);
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

/*
 * Sends.  Recorded: every send on a UDP socket, and sends to TCP port 53
 * (DNS over TCP, flagged PT_F_DNS_TCP), with the destination from the call
 * (UDP) or the socket's peer, and for port 53 the first PT_PAYLOAD_MAX
 * bytes of the message gathered from its iovecs.  send_sock is the test:
 * plain loads (KCAST), as write calls it for every write of a traced
 * process, and most writes are to files and pipes.
 */
static __always_inline struct sock *send_sock(int fd)
{
	struct file *f = fd_file(fd);
	struct socket *sock;
	struct sock *sk;

	if (!f)
		return NULL;
	f = KCAST(struct file, f);
	if ((f->f_inode->i_mode & S_IFMT_) != S_IFSOCK_)
		return NULL;
	sock = KCAST(struct socket, f->private_data);
	sk = KCAST(struct sock, sock->sk);
	if (sk->sk_protocol == IPPROTO_UDP_)
		return sock->sk;
	if (sk->sk_protocol == IPPROTO_TCP_ && sk->__sk_common.skc_dport == bpf_htons(DNS_PORT))
		return sock->sk;
	return NULL;
}

/* f0, arg0..arg2: where a send on sk goes. */
static __always_inline void put_send_dest(struct scratch *s, struct sock *sk, const char *uaddr,
					  __u32 alen)
{
	bool tcp = KCAST(struct sock, sk)->sk_protocol == IPPROTO_TCP_;

	put_sock_type(s, sk);
	if (uaddr && alen && !tcp)
		put_uaddr(s, uaddr, alen);
	else
		put_skaddr(s, sk, true);
	if (tcp)
		EV(s)->flags |= PT_F_DNS_TCP;
}

/* f1: a one-buffer payload (port 53 only). */
static __always_inline void put_payload(struct scratch *s, const char *buf, __u64 len)
{
	__u32 start = field_open(s);

	if (EV(s)->arg[1] == DNS_PORT && buf && put_ubytes(s, buf, len, PT_PAYLOAD_MAX, false))
		EV(s)->flags |= PT_F_TRUNC(1);
	field_close(s, 1, start);
}

/* f1: the payload gathered from up to IOV_WALK iovecs at uiov (compat: the
 * 32-bit layout), port 53 only.  A DNS query split over iovecs is whole. */
static __always_inline void put_iov_payload(struct scratch *s, __u64 uiov, __u64 iovlen, bool compat)
{
	__u32 start = field_open(s);
	int i;

	if (EV(s)->arg[1] != DNS_PORT)
		iovlen = 0;
	for (i = 0; i < IOV_WALK; i++) {
		__u64 base = 0, len = 0;
		__u32 used, room;

		if (i >= iovlen)
			break;
		if (compat) {
			__u32 v[2] = {};

			bpf_probe_read_user(v, sizeof(v), (const void *)(uiov + i * 8));
			base = v[0];
			len = v[1];
		} else {
			struct iovec v = {};

			bpf_probe_read_user(&v, sizeof(v), (const void *)(uiov + i * 16));
			base = (__u64)v.iov_base;
			len = v.iov_len;
		}
		used = s->pos - start;
		room = used < PT_PAYLOAD_MAX ? PT_PAYLOAD_MAX - used : 0;
		if (len > room) {
			EV(s)->flags |= PT_F_TRUNC(1);
			len = room;
		}
		if (len && !bpf_probe_read_user(EV(s)->data + (s->pos & POS_MASK),
						len & (2 * PT_PAYLOAD_MAX - 1), (const void *)base))
			s->pos += len & (2 * PT_PAYLOAD_MAX - 1);
	}
	if (iovlen > IOV_WALK)
		EV(s)->flags |= PT_F_TRUNC(1);
	field_close(s, 1, start);
}

/* sendto and send */
EXIT(sendto, PT_EV_SEND)
{
	struct sock *sk = send_sock(a->a[0]);

	if (!sk) {
		DROP_EVENT(s);
		return;
	}
	put_send_dest(s, sk, UPTR(a->a[4]), a->a[5]);
	put_payload(s, UPTR(a->a[1]), a->a[2]);
}

/* write and writev that reached a socket send_sock takes (connected UDP, TCP
 * to port 53): the test comes before the record is begun. */
EXIT_IF(write, PT_EV_SEND, ret > 0 && send_sock(a.a[0]))
{
	struct sock *sk = send_sock(a->a[0]);

	if (!sk) {
		DROP_EVENT(s);
		return;
	}
	put_send_dest(s, sk, NULL, 0);
	if (nr == nr_writev)
		put_iov_payload(s, a->a[1], a->a[2], s->abi != PT_ABI_NATIVE);
	else
		put_payload(s, UPTR(a->a[1]), a->a[2]);
}

/* One message: its destination and payload (compat: struct compat_msghdr). */
static __always_inline void do_sendmsg(struct scratch *s, int fd, __u64 umsg, bool compat)
{
	struct sock *sk = send_sock(fd);
	__u64 name, iov, iovlen;
	__u32 namelen;

	if (!sk) {
		DROP_EVENT(s);
		return;
	}
	if (compat) {
		struct compat_msghdr m = {};

		if (bpf_probe_read_user(&m, sizeof(m), (const void *)umsg)) {
			DROP_EVENT(s);
			return;
		}
		name = m.msg_name;
		namelen = m.msg_namelen;
		iov = m.msg_iov;
		iovlen = m.msg_iovlen;
	} else {
		struct user_msghdr m = {};

		if (bpf_probe_read_user(&m, sizeof(m), (const void *)umsg)) {
			DROP_EVENT(s);
			return;
		}
		name = (__u64)m.msg_name;
		namelen = m.msg_namelen;
		iov = (__u64)m.msg_iov;
		iovlen = m.msg_iovlen;
	}
	put_send_dest(s, sk, UPTR(name), namelen);
	put_iov_payload(s, iov, iovlen, compat);
}

/* sendmmsg's messages, one record each (the first was begun by EXIT). */
struct mmsg_ctx {
	__u64 vec;  /* the caller's struct mmsghdr array */
	__u32 size; /* its element size: native or compat */
	int fd;
};

static int mmsg_step(__u32 i, struct mmsg_ctx *c)
{
	struct scratch *s = scratch_get();
	__u32 flags;
	__s64 ret;

	if (!s)
		return 1;
	if (i > 0) {
		flags = EV(s)->flags & PT_F_COMPAT;
		ret = EV(s)->ret;
		ev_submit(s);
		ev_begin(s, PT_EV_SEND, s->session);
		EV(s)->flags = flags;
		EV(s)->ret = ret;
	}
	do_sendmsg(s, c->fd, c->vec + (__u64)i * c->size, s->abi != PT_ABI_NATIVE);
	return EV(s)->type ? 0 : 1;
}

const volatile __u32 nr_sendmmsg = -1; /* set by probe.c */

/* sendmsg and sendmmsg: sendmmsg makes a record of each message sent, up
 * to MMSG_WALK (ret = the messages sent, in each). */
EXIT(sendmsg, PT_EV_SEND)
{
	struct mmsg_ctx c = { .vec = a->a[1], .fd = a->a[0] };
	__u32 n = 1;

	if (nr != nr_sendmmsg) {
		do_sendmsg(s, a->a[0], a->a[1], s->abi != PT_ABI_NATIVE);
		return;
	}
	c.size = s->abi != PT_ABI_NATIVE ? sizeof(struct compat_msghdr) + 4 :
					   sizeof(struct mmsghdr);
	if (ret > 1)
		n = ret > MMSG_WALK ? MMSG_WALK : ret;
	bpf_loop(n, mmsg_step, &c, 0);
}

/*
 * ia32 socketcall(call, args): the one 32-bit entry to every socket call
 * (before Linux 4.3 the only one).  Its handler reads the call's arguments
 * from the caller's array of 32-bit words into the scratch and tail-calls
 * the native call's handler, whose load_args takes them from there.
 * sc_socketcall_nr (probe.c) maps SYS_CONNECT & co. to native numbers.
 */
#define SOCKETCALL_MAX 21
#define SYS_SEND_ 9 /* send(fd, buf, len, flags): sendto without an address */
const volatile __u16 sc_socketcall_nr[SOCKETCALL_MAX] = {};

SEC("raw_tp")
int exit_socketcall(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	struct scratch *s = scratch_get();
	struct sc_args a = {};
	__u32 words[6] = {};
	__u32 call, nr;

	if (!s)
		return 0;
	load_args(regs, &a, s);
	call = a.a[0];
	if (call >= SOCKETCALL_MAX)
		return 0;
	nr = sc_socketcall_nr[call];
	if (!nr)
		return 0;
	/* Six words, or three when the array ends sooner (at a page end). */
	if (bpf_probe_read_user(words, sizeof(words), UPTR(a.a[1])))
		bpf_probe_read_user(words, 3 * sizeof(words[0]), UPTR(a.a[1]));
	s->sargs[0] = words[0];
	s->sargs[1] = words[1];
	s->sargs[2] = words[2];
	s->sargs[3] = words[3];
	s->sargs[4] = call == SYS_SEND_ ? 0 : words[4];
	s->sargs[5] = call == SYS_SEND_ ? 0 : words[5];
	s->abi = PT_ABI_SOCKETCALL;
	s->nr = nr;
	bpf_tail_call(ctx, &sc_exit_progs, nr);
	return 0;
}

#endif /* PKGTRACE_NET_BPF_H */
