/*
 * evbuild.h - builds raw pt_event records in memory for unit tests, the
 * way the BPF side lays them out (bpf/events.h), and feeds them through
 * event_decode() into an analyzer.
 */
#ifndef PKGTRACE_EVBUILD_H
#define PKGTRACE_EVBUILD_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include "analyze.h"
#include "event.h"

#define EVB_MAX 32768

struct evb {
	union {
		struct pt_event ev;
		uint8_t raw[EVB_MAX];
	};
	size_t used;      /* bytes of data[] filled */
	int nfield;
	uint64_t clock;   /* time_ns of the next record */
	int bad;          /* records event_decode refused */
	uint32_t uid;     /* the uid of the records built */
};

/* evb_start: a new record of type for pid (parent ppid). */
static inline void evb_start(struct evb *b, uint32_t type, uint32_t pid, uint32_t ppid)
{
	memset(&b->ev, 0, sizeof(b->ev));
	b->ev.type = type;
	b->ev.pid = b->ev.tid = pid;
	b->ev.ppid = ppid;
	b->ev.uid = b->uid;
	b->ev.session = 1;
	b->ev.time_ns = (b->clock += 1000);
	snprintf(b->ev.comm, sizeof(b->ev.comm), "test");
	b->used = 0;
	b->nfield = 0;
}

/* evb_field: appends the next field (fields go in order 0..3). */
static inline void evb_field(struct evb *b, const void *data, size_t len)
{
	if (b->nfield >= PT_NFIELDS || b->used + len > EVB_MAX - sizeof(b->ev))
		return;
	memcpy(b->ev.data + b->used, data, len);
	b->ev.len[b->nfield++] = (uint16_t)len;
	b->used += len;
}

static inline void evb_str(struct evb *b, const char *s)
{
	evb_field(b, s ? s : "", s ? strlen(s) + 1 : 0);
}

/* evb_list: a NUL-separated list from a NULL-terminated array. */
static inline void evb_list(struct evb *b, const char *const *items)
{
	char buf[8192];
	size_t o = 0;

	for (int i = 0; items && items[i]; i++) {
		size_t l = strlen(items[i]) + 1;

		if (o + l > sizeof(buf))
			break;
		memcpy(buf + o, items[i], l);
		o += l;
	}
	evb_field(b, buf, o);
}

/* evb_feed: finishes the record, decodes it and feeds it. */
static inline void evb_feed(struct evb *b, struct analyzer *an)
{
	struct event_view v;

	b->ev.size = (uint32_t)(offsetof(struct pt_event, data) + b->used);
	if (event_decode(b->raw, b->ev.size, &v)) {
		b->bad++;
		return;
	}
	analyzer_feed(an, &v);
}

/* ---- one call per kind of event ---- */

static inline void ev_root(struct evb *b, struct analyzer *an, uint32_t pid)
{
	evb_start(b, PT_EV_ROOT, pid, 1);
	b->ev.arg[0] = 1;
	evb_feed(b, an);
}

static inline void ev_fork(struct evb *b, struct analyzer *an, uint32_t parent, uint32_t child)
{
	evb_start(b, PT_EV_FORK, parent, 1);
	b->ev.arg[0] = child;
	evb_feed(b, an);
}

static inline void ev_exit(struct evb *b, struct analyzer *an, uint32_t pid)
{
	evb_start(b, PT_EV_EXIT, pid, 1);
	evb_feed(b, an);
}

/* ev_exec: argv and env are NULL-terminated arrays. */
static inline void ev_exec_ret(struct evb *b, struct analyzer *an, uint32_t pid, const char *exe,
			       const char *const *argv, const char *cwd, const char *const *env,
			       int ret, uint32_t flags)
{
	evb_start(b, PT_EV_EXEC, pid, 1);
	b->ev.ret = ret;
	b->ev.flags = flags;
	evb_str(b, exe);
	evb_list(b, argv);
	evb_str(b, cwd);
	evb_list(b, env);
	evb_feed(b, an);
}

static inline void ev_exec(struct evb *b, struct analyzer *an, uint32_t pid, const char *exe,
			   const char *const *argv, const char *cwd, const char *const *env)
{
	ev_exec_ret(b, an, pid, exe, argv, cwd, env, 0, 0);
}

static inline void ev_open(struct evb *b, struct analyzer *an, uint32_t pid, const char *path, int flags)
{
	evb_start(b, PT_EV_OPEN, pid, 1);
	b->ev.arg[0] = (uint64_t)flags;
	b->ev.ret = 3;
	evb_str(b, path);
	evb_feed(b, an);
}

/* ev_open_id: an open of the file (dev, ino) (0, 0: none known) with
 * record flags evflags (PT_F_FIFO, ...). */
static inline void ev_open_id(struct evb *b, struct analyzer *an, uint32_t pid, const char *path,
			      int flags, uint32_t dev, uint64_t ino, uint32_t evflags)
{
	evb_start(b, PT_EV_OPEN, pid, 1);
	b->ev.arg[0] = (uint64_t)flags;
	b->ev.arg[1] = (uint64_t)dev << 32;
	b->ev.arg[2] = ino;
	b->ev.flags = evflags;
	b->ev.ret = 3;
	evb_str(b, path);
	evb_feed(b, an);
}

/* ev_path2_flags: a path call with record flags (PT_F_DIR_AS_GIVEN). */
static inline void ev_path2_flags(struct evb *b, struct analyzer *an, uint32_t type, uint32_t pid,
				  const char *p1, const char *p2, uint32_t evflags)
{
	evb_start(b, type, pid, 1);
	b->ev.flags = evflags;
	evb_str(b, p1);
	if (p2)
		evb_str(b, p2);
	evb_feed(b, an);
}

/* ev_unix: a connect to the unix socket addr ("@name": abstract), served
 * by peer_pid bound at peer_path (NULL: none). */
static inline void ev_unix(struct evb *b, struct analyzer *an, uint32_t pid, const char *addr,
			   uint32_t peer_pid, const char *peer_path)
{
	char a[256];
	size_t n = strlen(addr) + 1;

	evb_start(b, PT_EV_CONNECT, pid, 1);
	b->ev.arg[0] = AF_UNIX;
	b->ev.arg[1] = peer_pid;
	b->ev.arg[2] = SOCK_STREAM;
	snprintf(a, sizeof(a), "%s", addr);
	if (a[0] == '@')
		a[0] = '\0';
	evb_field(b, a, n < sizeof(a) ? n : sizeof(a));
	if (peer_path)
		evb_str(b, peer_path);
	evb_feed(b, an);
}

/* ev_path2: rename, link and symlink (path, then new path or target). */
static inline void ev_path2(struct evb *b, struct analyzer *an, uint32_t type, uint32_t pid,
			    const char *p1, const char *p2)
{
	evb_start(b, type, pid, 1);
	evb_str(b, p1);
	evb_str(b, p2);
	evb_feed(b, an);
}

static inline void ev_chmod(struct evb *b, struct analyzer *an, uint32_t pid, const char *path, unsigned mode)
{
	evb_start(b, PT_EV_CHMOD, pid, 1);
	b->ev.arg[0] = mode;
	evb_str(b, path);
	evb_feed(b, an);
}

/* ev_sock: connect/listen/send to addr:port (IPv4 or IPv6 text). */
static inline void ev_sock(struct evb *b, struct analyzer *an, uint32_t type, uint32_t pid,
			   const char *addr, unsigned port, int socktype, const void *payload, size_t plen)
{
	uint8_t a[16];

	evb_start(b, type, pid, 1);
	b->ev.arg[1] = port;
	b->ev.arg[2] = (uint64_t)socktype;
	if (inet_pton(AF_INET, addr, a) == 1) {
		b->ev.arg[0] = AF_INET;
		evb_field(b, a, 4);
	} else {
		inet_pton(AF_INET6, addr, a);
		b->ev.arg[0] = AF_INET6;
		evb_field(b, a, 16);
	}
	if (payload)
		evb_field(b, payload, plen);
	evb_feed(b, an);
}

/* ev_setid: a set*id call of kind asking for ids a, b; after: the ids
 * after it (NULL: a record without them, as traces before them have). */
static inline void ev_setid(struct evb *b, struct analyzer *an, uint32_t pid, uint32_t kind, int32_t a,
			    int32_t bb, const uint32_t *after, int ret)
{
	evb_start(b, PT_EV_SETID, pid, 1);
	b->ev.ret = ret;
	b->ev.arg[0] = kind;
	b->ev.arg[1] = (uint32_t)a;
	b->ev.arg[2] = (uint32_t)bb;
	if (after) {
		b->ev.arg[0] |= (uint64_t)after[0] << 32;
		b->ev.arg[1] |= (uint64_t)after[1] << 32;
		b->ev.arg[2] |= (uint64_t)after[2] << 32;
		b->ev.flags |= PT_F_SETID_AFTER;
	}
	evb_feed(b, an);
}

static inline void ev_simple(struct evb *b, struct analyzer *an, uint32_t type, uint32_t pid,
			     uint64_t a0, uint64_t a1)
{
	evb_start(b, type, pid, 1);
	b->ev.arg[0] = a0;
	b->ev.arg[1] = a1;
	evb_feed(b, an);
}

#endif
