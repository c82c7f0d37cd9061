/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * iouring.bpf.h - io_uring submissions.  The work an io_uring request does
 * never returns through sys_exit (io_uring_enter returns, or an SQPOLL
 * thread submits with no syscall at all), so each request is recorded when
 * it is submitted: the io_uring:io_uring_submit_req tracepoint fires in the
 * submitting task (the caller of io_uring_enter, or the ring's SQPOLL
 * thread, a thread of the same process) after the request was prepared.
 * There its arguments are in the kernel's per-opcode struct, overlaid on
 * the request (io_kiocb_to_cmd): paths already copied in (struct filename),
 * user pointers (a connect's sockaddr, a send's buffer) still readable in
 * the submitter's memory.
 *
 * Opens, connects, sends and path operations become the record the
 * equivalent syscall makes, flagged PT_F_IOURING, with ret 0 (the result
 * is not known at submission); every other opcode is a PT_EV_IOURING
 * record naming it.  Requests on fixed files (registered fds) have no fd
 * to look at: they are PT_EV_IOURING records.  A compat (32-bit) ring's
 * sendmsg is read with the native layout.
 *
 * The tracepoint and the per-opcode structs are Linux 6.0+ (before that
 * io_uring_submit_sqe, with other arguments): probe.c leaves the program
 * out on a kernel without it.
 *
 * Included by pkgtrace.bpf.c only, after file.bpf.h and net.bpf.h.
 */
#ifndef PKGTRACE_IOURING_BPF_H
#define PKGTRACE_IOURING_BPF_H

/* Opcodes (UAPI, stable). */
#define IOP_WRITEV 2
#define IOP_SENDMSG 9
#define IOP_CONNECT 16
#define IOP_OPENAT 18
#define IOP_WRITE 23
#define IOP_SEND 26
#define IOP_OPENAT2 28
#define IOP_RENAMEAT 35
#define IOP_UNLINKAT 36
#define IOP_MKDIRAT 37
#define IOP_SYMLINKAT 38
#define IOP_LINKAT 39
#define IOP_SEND_ZC 47
#define IOP_SENDMSG_ZC 48
#define REQ_F_FIXED_FILE_ 1

/* A path operation: the record type, f0 (and f1) from kernel strings. */
static __always_inline void uring_paths(struct scratch *s, __u32 type, int dfd0, const char *p0,
					int dfd1, const char *p1, bool raw1)
{
	EV(s)->type = type;
	EV(s)->flags |= PT_F_DIR_AS_GIVEN;
	put_path_str(s, 0, dfd0, p0, true);
	if (raw1) {
		__u32 start = field_open(s);

		if (put_str(s, p1, PT_PATH_MAX, true))
			EV(s)->flags |= PT_F_TRUNC(1);
		field_close(s, 1, start);
	} else if (p1) {
		put_path_str(s, 1, dfd1, p1, true);
	}
}

/* The kernel copy of a struct filename's string. */
#define FNAME(f) ((const char *)KCAST(struct filename, f)->name)

/* A send-like request on fd: a PT_EV_SEND record when the socket is one
 * send_sock takes (false: not recorded as a send). */
static __always_inline bool uring_send(struct scratch *s, __u8 op, int fd, struct io_kiocb *req)
{
	struct sock *sk = send_sock(fd);

	if (!sk)
		return false;
	EV(s)->type = PT_EV_SEND;
	if (op == IOP_SENDMSG || op == IOP_SENDMSG_ZC) {
		do_sendmsg(s, fd, (__u64)KCAST(struct io_sr_msg, req)->umsg, false);
	} else if (op == IOP_WRITE || op == IOP_WRITEV) {
		struct io_rw *rw = KCAST(struct io_rw, req);

		put_send_dest(s, sk, NULL, 0);
		if (op == IOP_WRITEV)
			put_iov_payload(s, rw->addr, rw->len, false);
		else
			put_payload(s, UPTR(rw->addr), rw->len);
	} else {
		struct io_sr_msg *sr = KCAST(struct io_sr_msg, req);

		put_send_dest(s, sk, NULL, 0);
		put_payload(s, sr->buf, sr->len);
	}
	return EV(s)->type != 0;
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(on_io_uring_submit, struct io_kiocb *req_arg)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pt_tree_val *tv = tree_get(tgid);
	struct io_kiocb *req;
	struct scratch *s;
	bool fixed;
	int fd;
	__u8 op;

	if (!tv)
		return 0;
	s = scratch_get();
	if (!s)
		return 0;
	req = KCAST(struct io_kiocb, req_arg);
	op = req->opcode;
	fixed = req->flags & REQ_F_FIXED_FILE_;
	fd = fixed ? -1 : req->cqe.fd;
	ev_begin(s, PT_EV_IOURING, tv->session);
	EV(s)->flags = PT_F_IOURING;
	s->abi = PT_ABI_NATIVE;

	if (op == IOP_OPENAT || op == IOP_OPENAT2) {
		struct io_open *o = KCAST(struct io_open, req);

		EV(s)->type = PT_EV_OPEN;
		EV(s)->arg[0] = o->how.flags;
		EV(s)->arg[1] = o->how.mode;
		put_path_str(s, 0, o->dfd, FNAME(o->filename), true);
	} else if (op == IOP_RENAMEAT) {
		struct io_rename *r = KCAST(struct io_rename, req);

		uring_paths(s, PT_EV_RENAME, r->old_dfd, FNAME(r->oldpath), r->new_dfd,
			    FNAME(r->newpath), false);
		EV(s)->arg[0] = r->flags;
	} else if (op == IOP_UNLINKAT) {
		struct io_unlink *u = KCAST(struct io_unlink, req);

		uring_paths(s, PT_EV_UNLINK, u->dfd, FNAME(u->filename), 0, NULL, false);
		EV(s)->arg[0] = u->flags;
	} else if (op == IOP_MKDIRAT) {
		struct io_mkdir *m = KCAST(struct io_mkdir, req);

		uring_paths(s, PT_EV_MKDIR, m->dfd, FNAME(m->filename), 0, NULL, false);
		EV(s)->arg[0] = m->mode;
	} else if (op == IOP_LINKAT || op == IOP_SYMLINKAT) {
		struct io_link *l = KCAST(struct io_link, req);

		if (op == IOP_LINKAT) /* old (existing) then new */
			uring_paths(s, PT_EV_LINK, l->old_dfd, FNAME(l->oldpath), l->new_dfd,
				    FNAME(l->newpath), false);
		else /* the link made, then its target as given */
			uring_paths(s, PT_EV_SYMLINK, l->new_dfd, FNAME(l->newpath), 0,
				    FNAME(l->oldpath), true);
	} else if (op == IOP_CONNECT && !fixed) {
		struct io_connect *c = KCAST(struct io_connect, req);

		EV(s)->type = PT_EV_CONNECT;
		put_sock_type(s, fd_sock(fd));
		put_uaddr(s, (const char *)c->addr, c->addr_len);
	} else if ((op == IOP_SEND || op == IOP_SEND_ZC || op == IOP_SENDMSG ||
		    op == IOP_SENDMSG_ZC || op == IOP_WRITE || op == IOP_WRITEV) && !fixed &&
		   uring_send(s, op, fd, req)) {
		/* recorded as a send */
	} else {
		s->pos = 0;
		EV(s)->len[0] = EV(s)->len[1] = EV(s)->len[2] = EV(s)->len[3] = 0;
		EV(s)->type = PT_EV_IOURING;
		EV(s)->arg[0] = op;
		EV(s)->arg[1] = (__u64)(__s64)fd;
		EV(s)->arg[2] = fixed;
	}
	/* Plain writes and reads of files are the bulk of io_uring traffic
	 * (libuv's file I/O): their opcode alone says little, so they are
	 * not recorded; the open that made their fd was. */
	if (EV(s)->type == PT_EV_IOURING && (op == IOP_WRITE || op == IOP_WRITEV || op == 22 /* READ */ ||
					     op == 1 /* READV */))
		return 0;
	ev_submit(s);
	return 0;
}

#endif /* PKGTRACE_IOURING_BPF_H */
