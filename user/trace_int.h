/*
 * trace_int.h - the trace format's constants and the event codec state,
 * shared by trace_writer.c, trace_reader.c and trace_records.c.
 * schemas/trace-format.md is the specification; this is its one
 * implementation.
 */
#ifndef PKGTRACE_TRACE_INT_H
#define PKGTRACE_TRACE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../bpf/events.h"

#define TRACE_MAGIC "PKGTRACE"
#define TRACE_MAJOR 1
#define TRACE_MINOR 2
#define TRACE_FILE_HDR 16         /* magic[8] major:u16 minor:u16 crc32:u32 */
#define TRACE_FRAME_HDR 12        /* raw_len:u32 comp_len:u32 crc32:u32 */
#define TRACE_BLOCK_TARGET (1u << 20)  /* the writer closes a block at this size */
#define TRACE_BLOCK_MAX (16u << 20)    /* the reader refuses larger blocks */
#define TRACE_FLUSH_NS (10000000000ull) /* ... or when it is this old */

#define TRACE_EV_HDR offsetof(struct pt_event, data)
/* the largest raw record: every field at its u16 maximum */
#define TRACE_EV_MAX (TRACE_EV_HDR + PT_NFIELDS * 65535u)

/* Record tags.  1..0x3f: tag, varint length, payload (readers skip unknown
 * ones); 0x40 | type: a compact event (no length: self-delimiting). */
enum {
	TR_HEADER = 0x01,
	TR_FACT = 0x02,
	TR_END = 0x03,
	TR_RAW = 0x04,
	TR_META_LAST = 0x3f,
	TR_EVENT = 0x40,
	TR_EVENT_LAST = 0x7f,
};

/* First mask byte of a compact event: what differs from the prediction. */
#define EM_TID 0x01    /* varint tid (predicted: the previous event's) */
#define EM_PID 0x02    /* varint pid (predicted: the slot's, or tid) */
#define EM_IDS 0x04    /* id mask byte, then the ids that differ */
#define EM_COMM 0x08   /* comm */
#define EM_FLAGS 0x10  /* varint flags (predicted: the type's previous) */
#define EM_RET 0x20    /* zigzag varint ret - predicted (the type's previous) */
#define EM_RESERVED 0xc0
/* Second mask byte: bits 0-3 field i is non-empty; bits 4-6 arg[i] differs
 * from the type's previous (zigzag varint delta follows). */
#define EM2_ARG(i) (0x10u << (i))
#define EM2_RESERVED 0x80
/* Id mask byte. */
#define EI_PPID 0x01
#define EI_UID 0x02
#define EI_SESSION 0x04
#define EI_CGROUP 0x08
/* How a field is coded (varint selector). */
#define FS_PREV 0      /* front-coded against the previous field i */
#define FS_SLOT 1      /* field 0: front-coded against the tid's last path */
#define FS_RING 2      /* FS_RING + 3k + FR_*: the k-th most recent ... */
#define FR_DIR 0       /* ... directory, then the rest */
#define FR_PATH 1      /* ... path: the whole field */
#define FR_DIRNS 2     /* ... directory without its '/', then a NUL: mkdir */

#define TC_HEX_MIN 8             /* shorter hex runs stay in str */
#define TC_DIRS 1024              /* recent directories kept (a ring) */
#define TC_DIRS_ARENA (64u << 10) /* ... in this many bytes */
#define TC_PATHS 4096             /* recent whole paths kept (a ring) */
#define TC_PATHS_ARENA (256u << 10)
#define TC_RING_MAX 255           /* longer strings are not kept */

#define TC_TYPES 64
#define TC_SLOTS 256              /* direct-mapped by tid */
#define TC_SLOT_PATH 256          /* bytes of a tid's last path kept */

struct tc_slot {
	uint32_t gen, tid, pid, ppid, uid, session;
	uint64_t cgroup;
	char comm[PT_COMM_LEN];
	uint32_t pathlen;
	char path[TC_SLOT_PATH];
};

/* The prediction state: reset at every block, so each block decodes on
 * its own. Writer and reader update it identically. */
struct tc_state {
	uint32_t gen;
	struct pt_event last;         /* header of the previous compact event */
	int64_t ret[TC_TYPES];
	uint64_t arg[TC_TYPES][3];
	uint32_t flags[TC_TYPES];
	uint32_t reflen[PT_NFIELDS];
	char (*ref)[65536];           /* [PT_NFIELDS]: the previous field i of any
				       * event (not zeroed: reflen says) */
	struct tc_slot slot[TC_SLOTS];
	struct tc_ring *dirs, *paths; /* separately allocated: tc_new */
};

/* A ring of recent strings: the index of entry seq is e[seq & (n - 1)],
 * its bytes are in a circular arena (masks, not divisions, on the replay hot
 * path; the arena keeps memory small: it is touched once per string).  An
 * entry is gone once n newer ones exist or the arena wrapped over it. */
struct tc_ring {
	uint64_t seq;                 /* strings pushed, ever */
	uint64_t base;                /* seq when the trace began */
	uint64_t n;                   /* entries: a power of two */
	uint64_t wp;                  /* arena bytes written, ever */
	uint64_t asize;               /* arena bytes: a power of two */
	char *arena;
	struct tc_ent {
		uint64_t pos;
		uint32_t len;
	} e[];
};

/* Which fields of which types are paths (their directories go in the
 * ring): field 0 of file events and exec, field 1 of rename and link, field
 * 2 (cwd) of exec. */
static inline bool tc_is_path(uint32_t type, int i)
{
	switch (type) {
	case PT_EV_EXEC: return i == 0 || i == 2;
	case PT_EV_RENAME: case PT_EV_LINK: return i <= 1;
	case PT_EV_OPEN: case PT_EV_UNLINK: case PT_EV_MKDIR: case PT_EV_CHMOD:
	case PT_EV_SYMLINK: case PT_EV_TRUNCATE: return i == 0;
	default: return false;
	}
}

/* tc_dir_len: the length of s's directory part, through its last '/', or
 * 0 when it has none or it is too long to keep. */
static inline size_t tc_dir_len(const char *s, size_t len)
{
	const char *slash = len ? memrchr(s, '/', len) : NULL;
	size_t n = slash ? (size_t)(slash - s) + 1 : 0;

	return n <= TC_RING_MAX ? n : 0;
}

/* tc_ring_get: the k-th most recent string and *len, or NULL. */
static inline const char *tc_ring_get(const struct tc_ring *r, uint64_t k, size_t *len)
{
	const struct tc_ent *e;

	if (k >= r->seq - r->base || k >= r->n)
		return NULL;
	e = &r->e[(r->seq - 1 - k) & (r->n - 1)];
	if (r->wp - e->pos > r->asize)
		return NULL; /* overwritten */
	*len = e->len;
	return r->arena + (e->pos & (r->asize - 1));
}

/* tc_ring_push: s[0..len) becomes the most recent string, unless it
 * already is or is too long (len 0: nothing).  Returns the seq + 1 of the
 * entry that holds it, 0 when none does. */
static inline uint64_t tc_ring_push(struct tc_ring *r, const char *s, size_t len)
{
	size_t tl = 0, off;
	const char *top;
	struct tc_ent *e;

	if (!len || len > TC_RING_MAX)
		return 0;
	top = tc_ring_get(r, 0, &tl);
	if (top && tl == len && !memcmp(top, s, len))
		return r->seq;
	off = r->wp & (r->asize - 1);
	if (off + len > r->asize) /* a string never wraps: skip to the start */
		r->wp += r->asize - off;
	e = &r->e[r->seq & (r->n - 1)];
	e->pos = r->wp;
	e->len = (uint32_t)len;
	memcpy(r->arena + (r->wp & (r->asize - 1)), s, len);
	r->wp += len;
	return ++r->seq;
}

static inline struct tc_ring *tc_ring_new(uint64_t n, uint64_t asize)
{
	/* not zeroed: only entries below seq are ever read */
	struct tc_ring *r = malloc(sizeof(*r) + (size_t)n * sizeof(r->e[0]));

	if (!r)
		return NULL;
	r->seq = r->base = r->wp = 0;
	r->arena = malloc(asize);
	if (!r->arena) {
		free(r);
		return NULL;
	}
	r->n = n;
	r->asize = asize;
	return r;
}

static inline void tc_ring_free(struct tc_ring *r)
{
	if (r)
		free(r->arena);
	free(r);
}

static inline void tc_reset(struct tc_state *s)
{
	s->gen++;
	if (!s->gen) { /* wrapped: really clear the slots */
		memset(s->slot, 0, sizeof(s->slot));
		s->gen = 1;
	}
	memset(&s->last, 0, sizeof(s->last));
	memset(s->ret, 0, sizeof(s->ret));
	memset(s->arg, 0, sizeof(s->arg));
	memset(s->flags, 0, sizeof(s->flags));
	memset(s->reflen, 0, sizeof(s->reflen));
	s->dirs->base = s->dirs->seq;
	s->paths->base = s->paths->seq;
}

/* tc_new: a state with its rings, reset; NULL on allocation failure. */
static inline struct tc_state *tc_new(void)
{
	struct tc_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->dirs = tc_ring_new(TC_DIRS, TC_DIRS_ARENA);
	s->paths = tc_ring_new(TC_PATHS, TC_PATHS_ARENA);
	s->ref = malloc(PT_NFIELDS * sizeof(*s->ref));
	if (!s->dirs || !s->paths || !s->ref) {
		tc_ring_free(s->dirs);
		tc_ring_free(s->paths);
		free(s->ref);
		free(s);
		return NULL;
	}
	tc_reset(s);
	return s;
}

static inline void tc_free(struct tc_state *s)
{
	if (s) {
		tc_ring_free(s->dirs);
		tc_ring_free(s->paths);
		free(s->ref);
		free(s);
	}
}

static inline struct tc_slot *tc_slot(struct tc_state *s, uint32_t tid, int *hit)
{
	struct tc_slot *sl = &s->slot[tid & (TC_SLOTS - 1)];

	*hit = sl->gen == s->gen && sl->tid == tid;
	return sl;
}

/* tc_update: after an event (header h, fields at f) was coded.  dseq and
 * pseq, when not NULL, get tc_ring_push()'s answer for each path field's
 * directory and whole path.  A path used again is pushed again: recently
 * used beats recently first seen. */
static inline void tc_update(struct tc_state *s, struct tc_slot *sl, const struct pt_event *h,
			     const char *f, uint64_t *dseq, uint64_t *pseq)
{
	s->last = *h;
	s->ret[h->type] = h->ret;
	memcpy(s->arg[h->type], h->arg, sizeof(h->arg));
	s->flags[h->type] = h->flags;
	sl->gen = s->gen;
	sl->tid = h->tid;
	sl->pid = h->pid;
	sl->ppid = h->ppid;
	sl->uid = h->uid;
	sl->session = h->session;
	sl->cgroup = h->cgroup_id;
	memcpy(sl->comm, h->comm, PT_COMM_LEN);
	for (int i = 0; i < PT_NFIELDS; i++) {
		if (!h->len[i])
			continue;
		memcpy(s->ref[i], f, h->len[i]);
		s->reflen[i] = h->len[i];
		if (i == 0) {
			sl->pathlen = h->len[0] < TC_SLOT_PATH ? h->len[0] : TC_SLOT_PATH;
			memcpy(sl->path, f, sl->pathlen);
		}
		if (tc_is_path(h->type, i)) {
			uint64_t d = tc_ring_push(s->dirs, f, tc_dir_len(f, h->len[i]));
			uint64_t p = tc_ring_push(s->paths, f, h->len[i]);

			if (dseq)
				dseq[i] = d;
			if (pseq)
				pseq[i] = p;
		}
		f += h->len[i];
	}
}

/* Time deltas: a class byte (tb stream) and the bits below the leading one
 * (tm stream, LSB first).  Class 0: 0; 1..64: +(2^(c-1) + bits) with c-1
 * bits; 65..128: -(2^(c-65) + bits) with c-65 bits. */
static inline int tc_bitlen(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

static inline unsigned int tc_hex_val(char c)
{
	return c <= '9' ? (unsigned int)(c - '0') : (unsigned int)(c - 'a' + 10);
}

static inline uint64_t tc_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t tc_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static inline void tc_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t tc_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
