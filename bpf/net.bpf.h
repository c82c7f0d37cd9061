/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * net.bpf.h - sockets: connect, bind, listen, accept and UDP
 * sends (with the DNS payload for port 53).
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_NET_BPF_H
#define PKGTRACE_NET_BPF_H

#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define S_IFMT_ 00170000
#define S_IFSOCK_ 0140000
#define IPPROTO_UDP_ 17
#define DNS_PORT 53

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

const volatile __u32 nr_bind = -1; /* set by probe.c */

/* connect and bind */
EXIT(connect, PT_EV_CONNECT)
{
	if (nr == nr_bind)
		EV(s)->type = PT_EV_BIND;
	put_sock_type(s, fd_sock(a->a[0]));
	put_uaddr(s, UPTR(a->a[1]), a->a[2]);
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

/* UDP sends: destination from the call or, when connected, from the sock;
 * for DNS (port 53) the first PT_PAYLOAD_MAX bytes of the datagram. */
static __always_inline void do_send(struct scratch *s, int fd, const char *uaddr, __u32 alen,
				    const char *buf, __u64 len)
{
	struct sock *sk = fd_sock(fd);
	__u32 start;

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP_) {
		DROP_EVENT(s);
		return;
	}
	put_sock_type(s, sk);
	if (uaddr && alen)
		put_uaddr(s, uaddr, alen);
	else
		put_skaddr(s, sk, true);
	start = field_open(s);
	if (EV(s)->arg[1] == DNS_PORT && buf && put_ubytes(s, buf, len, PT_PAYLOAD_MAX, false))
		EV(s)->flags |= PT_F_TRUNC(1);
	field_close(s, 1, start);
}

EXIT(sendto, PT_EV_SEND)
{
	do_send(s, a->a[0], UPTR(a->a[4]), a->a[5], UPTR(a->a[1]), a->a[2]);
}

static __always_inline void do_sendmsg(struct scratch *s, int fd, const void *umsg)
{
	struct user_msghdr msg = {};
	struct iovec iov = {};

	if (bpf_probe_read_user(&msg, sizeof(msg), umsg)) {
		DROP_EVENT(s);
		return;
	}
	if (msg.msg_iov && msg.msg_iovlen)
		bpf_probe_read_user(&iov, sizeof(iov), msg.msg_iov);
	do_send(s, fd, msg.msg_name, msg.msg_namelen, iov.iov_base, iov.iov_len);
}

/* sendmsg and sendmmsg: for sendmmsg the first message stands for the
 * batch (ret = messages sent). */
EXIT(sendmsg, PT_EV_SEND) { do_sendmsg(s, a->a[0], UPTR(a->a[1])); }

#endif /* PKGTRACE_NET_BPF_H */
