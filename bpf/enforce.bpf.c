// SPDX-License-Identifier: GPL-2.0
/*
 * enforce.bpf.c - pkgtrace --enforce: what the install's cgroup may reach.
 *
 * Loaded only with --enforce (its own skeleton, user/enforce/netpolicy.c),
 * attached to the install's own cgroup, so nothing else on the machine and
 * no run without --enforce pays for it.
 *
 *   cgroup/connect4, connect6     a connect to an endpoint of the policy
 *   cgroup/sendmsg4, sendmsg6     a datagram to one (unconnected UDP)
 *   cgroup_skb/egress             every packet: its destination again (raw
 *                                 sockets pass no connect hook), and a DNS
 *                                 query to a resolver only for an allowed name
 *   cgroup/connect_unix,          a unix socket only under the install's own
 *   sendmsg_unix (6.7+)           directories (not docker.sock, systemd, dbus)
 *
 * Every refusal is counted in blocked[] first, then sent as a
 * PT_EV_NET_BLOCKED record on the tracer's per-CPU rings (the rings map is
 * the main object's, shared by fd), so it takes its place in time among
 * the install's other records; a record the full ring refused is counted
 * in blocked[0], never lost silently.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "events.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define ETH_P_IP_ 0x0800
#define ETH_P_IPV6_ 0x86DD
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define SOCK_STREAM_ 1
#define SOCK_DGRAM_ 2
#define SOCK_RAW_ 3
#define EPERM_ 1
#define DNS_HDR 12
#define UNIX_PATH 108

const volatile __u32 session_id = 1; /* the session the records belong to */

struct ring_def {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

/* The tracer's rings, by CPU (reused from pkgtrace.bpf.c by fd). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ring_def);
} rings SEC(".maps");

/* Endpoints of the policy: registries and resolvers (PT_ENF_* bits). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct pt_enf_ep);
	__type(value, __u8);
} allow_ep SEC(".maps");

/* DNS names the install may ask for: the registry hosts. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct pt_enf_name);
	__type(value, __u8);
} dns_names SEC(".maps");

/* Directories under which the install may reach unix sockets. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_ENF_UNIX_DIRS);
	__type(key, __u32);
	__type(value, struct pt_enf_dir);
} unix_dirs SEC(".maps");

/* Refusals by PT_BLK_* kind; [0]: records the full ring refused. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PT_BLK_MAX);
	__type(key, __u32);
	__type(value, __u64);
} blocked SEC(".maps");

#define F0_MAX 128            /* an address, or a unix path (108 bytes) */
#define REC_MAX (sizeof(struct pt_event) + F0_MAX + PT_ENF_NAME_MAX)

struct scratch {
	__u8 rec[REC_MAX];
	__u8 q[PT_ENF_NAME_MAX];      /* the query's name in wire format */
	char name[PT_ENF_NAME_MAX];   /* ... as a dotted lowercase key */
	char path[UNIX_PATH + 4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

static __always_inline struct scratch *get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
}

static __always_inline void count(__u32 kind)
{
	__u64 *c = bpf_map_lookup_elem(&blocked, &kind);

	if (c)
		__sync_fetch_and_add(c, 1);
}

/* The record's header from the current task.  In cgroup_skb/egress the
 * current task is the sender for what a syscall transmits (the DNS query,
 * a raw packet); a packet sent from a timer (a TCP retransmission) would
 * name whoever ran then: such packets never reach here, their connect was
 * refused first. */
static __always_inline struct pt_event *rec_begin(struct scratch *s, __u32 kind, __u32 family,
						  __u32 port, __u32 type, __u32 proto)
{
	struct pt_event *e = (struct pt_event *)s->rec;
	struct task_struct *task = bpf_get_current_task_btf();

	e->time_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->ret = -EPERM_;
	e->arg[0] = family;
	e->arg[1] = port;
	e->arg[2] = (__u64)(type & 0xffff) | (__u64)(proto & 0xffff) << 16 | (__u64)kind << 32;
	e->type = PT_EV_NET_BLOCKED;
	e->pid = task->tgid;
	e->tid = task->pid;
	e->ppid = task->real_parent ? task->real_parent->tgid : 0;
	e->uid = task->cred ? task->cred->uid.val : 0;
	e->session = session_id;
	e->flags = 0;
	e->len[0] = e->len[1] = e->len[2] = e->len[3] = 0;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), task->comm);
	return e;
}

static __always_inline void rec_send(struct scratch *s, __u32 kind)
{
	struct pt_event *e = (struct pt_event *)s->rec;
	__u32 size = sizeof(struct pt_event) + (e->len[0] & (F0_MAX - 1)) +
		     (e->len[1] & (PT_ENF_NAME_MAX - 1));
	__u32 cpu = bpf_get_smp_processor_id(), lost = 0;
	void *ring = bpf_map_lookup_elem(&rings, &cpu);

	count(kind);
	if (size > REC_MAX)
		size = REC_MAX;
	e->size = size;
	if (!ring || bpf_ringbuf_output(ring, e, size, 0))
		count(lost);
}

/* An IP address into f0: 4 or 16 bytes. */
static __always_inline void rec_addr(struct scratch *s, const __u8 *addr, __u32 family)
{
	struct pt_event *e = (struct pt_event *)s->rec;
	__u32 n = family == AF_INET6_ ? 16 : 4;

	__builtin_memcpy(e->data, addr, 16);
	e->len[0] = n;
}

/* ---- connect and sendmsg ------------------------------------------------ */

static __always_inline bool allowed(const __u8 *addr, __u32 family, __u32 port)
{
	struct pt_enf_ep k = {};

	__builtin_memcpy(k.addr, addr, 16);
	k.family = family;
	k.port = port;
	return bpf_map_lookup_elem(&allow_ep, &k) != NULL;
}

static __always_inline int judge4(struct bpf_sock_addr *ctx, __u32 kind)
{
	__u8 addr[16] = {};
	__u32 ip = ctx->user_ip4, port = bpf_ntohs((__u16)ctx->user_port);
	struct scratch *s;

	__builtin_memcpy(addr, &ip, 4);
	if (allowed(addr, AF_INET_, port))
		return 1;
	s = get_scratch();
	if (!s)
		return 0;
	rec_begin(s, kind, AF_INET_, port, ctx->type, ctx->protocol);
	rec_addr(s, addr, AF_INET_);
	rec_send(s, kind);
	return 0;
}

static __always_inline int judge6(struct bpf_sock_addr *ctx, __u32 kind)
{
	__u8 addr[16] = {};
	__u32 w[4], port = bpf_ntohs((__u16)ctx->user_port), family = AF_INET6_;
	struct scratch *s;

	w[0] = ctx->user_ip6[0];
	w[1] = ctx->user_ip6[1];
	w[2] = ctx->user_ip6[2];
	w[3] = ctx->user_ip6[3];
	/* ::ffff:a.b.c.d on a dual-stack socket reaches a.b.c.d without the
	 * connect4 hook: judged as the IPv4 address it is */
	if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
		__builtin_memcpy(addr, &w[3], 4);
		family = AF_INET_;
	} else {
		__builtin_memcpy(addr, w, 16);
	}
	if (allowed(addr, family, port))
		return 1;
	s = get_scratch();
	if (!s)
		return 0;
	rec_begin(s, kind, family, port, ctx->type, ctx->protocol);
	rec_addr(s, addr, family);
	rec_send(s, kind);
	return 0;
}

SEC("cgroup/connect4")
int enf_connect4(struct bpf_sock_addr *ctx)
{
	return judge4(ctx, PT_BLK_CONNECT);
}

SEC("cgroup/connect6")
int enf_connect6(struct bpf_sock_addr *ctx)
{
	return judge6(ctx, PT_BLK_CONNECT);
}

SEC("cgroup/sendmsg4")
int enf_sendmsg4(struct bpf_sock_addr *ctx)
{
	return judge4(ctx, PT_BLK_SENDMSG);
}

SEC("cgroup/sendmsg6")
int enf_sendmsg6(struct bpf_sock_addr *ctx)
{
	return judge6(ctx, PT_BLK_SENDMSG);
}

/* ---- unix sockets (6.7+) ------------------------------------------------ */

/* The path under one of unix_dirs.  Abstract names (a NUL first) are in
 * no directory: refused. */
static __always_inline bool unix_allowed(const char *path)
{
	/* The hook sees the name, not what it resolves to: a ".." component
	 * would walk out of an allowed directory after the prefix matched
	 * (/project/../run/docker.sock), so a name with one is refused.  A
	 * symbolic link inside an allowed directory is followed by the kernel
	 * after this check: a limit the README states. */
	for (__u32 j = 0; j + 2 < UNIX_PATH; j++) {
		if (!path[j])
			break;
		if (path[j] == '/' && path[j + 1] == '.' && path[j + 2] == '.' &&
		    (j + 3 >= UNIX_PATH || path[j + 3] == '/' || !path[j + 3]))
			return false;
	}
	for (__u32 i = 0; i < PT_ENF_UNIX_DIRS; i++) {
		__u32 k = i;
		struct pt_enf_dir *d = bpf_map_lookup_elem(&unix_dirs, &k);
		bool match = true;

		if (!d || !d->len || d->len > sizeof(d->path))
			continue;
		for (__u32 j = 0; j < sizeof(d->path) && j < UNIX_PATH; j++) {
			if (j >= d->len)
				break;
			if (d->path[j] != path[j]) {
				match = false;
				break;
			}
		}
		if (match)
			return true;
	}
	return false;
}

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

static __always_inline int judge_unix(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_addr_kern *sa = bpf_cast_to_kern_ctx(ctx);
	struct scratch *s = get_scratch();
	struct pt_event *e;
	__u32 n;

	if (!s)
		return 0;
	__builtin_memset(s->path, 0, sizeof(s->path));
	/* sun_path follows the 2-byte family */
	bpf_probe_read_kernel(s->path, UNIX_PATH, (const char *)sa->uaddr + 2);
	if (s->path[0] && unix_allowed(s->path))
		return 1;
	e = rec_begin(s, PT_BLK_UNIX, AF_UNIX_, 0, ctx->type, ctx->protocol);
	if (s->path[0]) {
		n = 0;
		for (__u32 j = 0; j < UNIX_PATH; j++) {
			if (!s->path[j])
				break;
			n = j + 1;
		}
	} else {
		n = UNIX_PATH - 1; /* abstract: the NUL first, the name after */
	}
	n &= 127;
	bpf_probe_read_kernel(e->data, UNIX_PATH, s->path);
	e->data[n & (F0_MAX - 1)] = 0;
	e->len[0] = n + 1;
	rec_send(s, PT_BLK_UNIX);
	return 0;
}

/* Declared as cgroup/connect4 (a sock_addr program) because libbpf before
 * 1.3 knows no "cgroup/connect_unix" section; netpolicy.c sets the
 * expected attach type (BPF_CGROUP_UNIX_CONNECT, 6.7) before loading. */
SEC("cgroup/connect4")
int enf_connect_unix(struct bpf_sock_addr *ctx)
{
	return judge_unix(ctx);
}

SEC("cgroup/sendmsg4") /* BPF_CGROUP_UNIX_SENDMSG: as above */
int enf_sendmsg_unix(struct bpf_sock_addr *ctx)
{
	return judge_unix(ctx);
}

/* ---- packets ------------------------------------------------------------ */

/* The query name of the DNS message at off (UDP payload, or TCP after its
 * length prefix), len bytes, into s->name as a dotted lowercase key.
 * True only for one well-formed question: QR 0, opcode 0, QDCOUNT 1,
 * labels of 1..63 bytes (a compression pointer cannot start a query's
 * name: refused, as anything else malformed) ending with the root label
 * inside the message. */
static __always_inline bool dns_query_name(struct __sk_buff *skb, struct scratch *s, __u32 off,
					   __u32 len)
{
	__u8 hdr[DNS_HDR];
	__u32 n, out = 0, left = 0;
	bool done = false;

	if (len < DNS_HDR + 1 || bpf_skb_load_bytes(skb, off, hdr, DNS_HDR))
		return false;
	if ((hdr[2] & 0x80) || ((hdr[2] >> 3) & 0xf) || hdr[4] != 0 || hdr[5] != 1)
		return false;
	n = len - DNS_HDR;
	if (n > PT_ENF_NAME_MAX - 1)
		n = PT_ENF_NAME_MAX - 1;
	__builtin_memset(s->name, 0, sizeof(s->name));
	if (n < 1 || bpf_skb_load_bytes(skb, off + DNS_HDR, s->q, n & (PT_ENF_NAME_MAX - 1)))
		return false;
	for (__u32 i = 0; i < PT_ENF_NAME_MAX - 1; i++) {
		__u8 c;

		if (i >= n)
			break;
		c = s->q[i & (PT_ENF_NAME_MAX - 1)];
		if (left == 0) {
			if (c == 0) {
				done = true;
				break;
			}
			if (c > 63)
				return false;
			left = c;
			if (out) {
				s->name[out & (PT_ENF_NAME_MAX - 1)] = '.';
				out++;
			}
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		/* a NUL or a dot inside a label would fake another name */
		if (c == 0 || c == '.')
			return false;
		s->name[out & (PT_ENF_NAME_MAX - 1)] = c;
		out++;
		left--;
		if (out >= PT_ENF_NAME_MAX - 1)
			return false;
	}
	return done && out > 0;
}

/* The record of a dropped packet: destination, and for DNS the name (""
 * when it was malformed). */
static __always_inline void packet_blocked(struct scratch *s, __u32 kind, const __u8 *addr,
					   __u32 family, __u32 port, __u32 proto, bool named)
{
	struct pt_event *e = rec_begin(s, kind, family, port,
				       proto == IPPROTO_TCP_ ? SOCK_STREAM_ :
				       proto == IPPROTO_UDP_ ? SOCK_DGRAM_ : SOCK_RAW_, proto);
	__u32 l0, n = 0;

	rec_addr(s, addr, family);
	l0 = e->len[0] & 31;
	if (kind == PT_BLK_DNS) {
		if (named)
			for (__u32 j = 0; j < PT_ENF_NAME_MAX - 1; j++) {
				if (!s->name[j])
					break;
				n = j + 1;
			}
		bpf_probe_read_kernel(e->data + l0, PT_ENF_NAME_MAX - 1, s->name);
		e->data[(l0 + n) & (F0_MAX + PT_ENF_NAME_MAX - 1)] = 0;
		if (!named)
			e->data[l0] = 0;
		e->len[1] = n + 1;
	}
	rec_send(s, kind);
}

SEC("cgroup_skb/egress")
int enf_egress(struct __sk_buff *skb)
{
	__u8 addr[16] = {}, *flag;
	struct pt_enf_ep k = {};
	__u32 family, proto, l4, port = 0, total, payload;
	struct scratch *s;

	if (skb->protocol == bpf_htons(ETH_P_IP_)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return 0;
		family = AF_INET_;
		proto = ip.protocol;
		__builtin_memcpy(addr, &ip.daddr, 4);
		l4 = ip.ihl * 4;
		total = bpf_ntohs(ip.tot_len);
		/* a later fragment carries no ports to judge */
		if (bpf_ntohs(ip.frag_off) & 0x1fff)
			proto = 0;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6_)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return 0;
		family = AF_INET6_;
		proto = ip6.nexthdr; /* extension headers: not TCP/UDP here, refused */
		__builtin_memcpy(addr, &ip6.daddr, 16);
		l4 = sizeof(ip6);
		total = l4 + bpf_ntohs(ip6.payload_len);
	} else {
		return 1; /* not IP: nothing a socket of the install sent */
	}
	if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) {
		__u16 p;

		if (bpf_skb_load_bytes(skb, l4 + 2, &p, 2))
			return 0;
		port = bpf_ntohs(p);
	}
	__builtin_memcpy(k.addr, addr, 16);
	k.family = family;
	k.port = port;
	flag = (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) ? bpf_map_lookup_elem(&allow_ep, &k) : NULL;
	s = get_scratch();
	if (!s)
		return 0;
	if (!flag) {
		packet_blocked(s, PT_BLK_PACKET, addr, family, port, proto, false);
		return 0;
	}
	if (port != 53 || !(*flag & PT_ENF_RESOLVER))
		return 1;
	/* DNS to a resolver: the payload must be one query for an allowed name */
	if (proto == IPPROTO_UDP_) {
		/* UDP GSO (UDP_SEGMENT, Linux 4.18): this one packet is cut into
		 * several datagrams after this hook; the first was an allowed
		 * query and the next any other (a query for another name reached
		 * the resolver).  No resolver client sends them: refused. */
		if (skb->gso_segs > 1 || skb->gso_size) {
			packet_blocked(s, PT_BLK_DNS, addr, family, port, proto, false);
			return 0;
		}
		l4 += 8;
	} else {
		__u8 doff;

		if (bpf_skb_load_bytes(skb, l4 + 12, &doff, 1))
			return 0;
		l4 += (doff >> 4) * 4;
	}
	if (total > skb->len)
		total = skb->len;
	payload = total > l4 ? total - l4 : 0;
	if (proto == IPPROTO_TCP_) {
		__u16 mlen;

		if (!payload)
			return 1; /* SYN, ACK, FIN: no bytes of a query */
		/* the whole message in this segment, after its length */
		if (payload < 2 || bpf_skb_load_bytes(skb, l4, &mlen, 2) ||
		    bpf_ntohs(mlen) != payload - 2) {
			packet_blocked(s, PT_BLK_DNS, addr, family, port, proto, false);
			return 0;
		}
		l4 += 2;
		payload -= 2;
	}
	if (!dns_query_name(skb, s, l4, payload)) {
		packet_blocked(s, PT_BLK_DNS, addr, family, port, proto, false);
		return 0;
	}
	if (bpf_map_lookup_elem(&dns_names, s->name))
		return 1;
	packet_blocked(s, PT_BLK_DNS, addr, family, port, proto, true);
	return 0;
}
