// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * trace_writer.c - writes a trace (schemas/trace-format.md): a file header,
 * then blocks of records, each block deflated on its own and framed with
 * its lengths and a CRC32, so a torn tail is detected and everything before
 * it stays readable.  A block is six streams (schemas/trace-format.md).  Events are coded compactly against a prediction
 * (trace_int.h) before deflate: a raw pt_event header alone is 104 bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>
#include <zlib.h>
#include "clock.h"
#include "trace.h"
#include "trace_int.h"

/* A growable byte buffer: one of a block's three streams. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

#define DIR_HASH 4096
#define PATH_HASH 16384

struct trace_writer {
	int fd;
	int err;                /* sticky: the first write error */
	struct wbuf ctl;        /* records: tags, masks, ids, meta payloads */
	struct wbuf fs;         /* event values: flags, ret, args, and how each
				 * field is coded (selectors, lengths) */
	struct wbuf tb;         /* time delta classes */
	struct wbuf tm;         /* time delta bits */
	struct wbuf hx;         /* hex digit runs, two a byte */
	struct wbuf str;        /* field and comm bytes */
	uint64_t bits;          /* tm bits not yet in tm */
	unsigned int nbits;
	uint8_t *zbuf;
	size_t zcap;
	z_stream zs;
	bool zinit;
	uint64_t block_ns;      /* when the open block got its first record */
	unsigned int since_clock;
	struct tc_state *st;
	uint64_t dir_hash[DIR_HASH];   /* directory hash -> ring seq + 1 */
	uint64_t path_hash[PATH_HASH]; /* path hash -> ring seq + 1 */
};

static int write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Room for need more bytes in b. */
static int reserve(struct wbuf *b, size_t need)
{
	size_t cap = b->cap;
	uint8_t *nb;

	if (b->len + need <= b->cap)
		return 0;
	while (cap < b->len + need)
		cap = cap ? cap * 2 : TRACE_BLOCK_TARGET / 2 + TRACE_EV_MAX + 64;
	nb = realloc(b->p, cap);
	if (!nb)
		return -ENOMEM;
	b->p = nb;
	b->cap = cap;
	return 0;
}

static size_t block_len(const struct trace_writer *w)
{
	return w->ctl.len + w->fs.len + w->tb.len + w->tm.len + w->hx.len + w->str.len;
}

static size_t varint_to(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* flush: deflates the open block (stream lengths, ctl, fs, tb, tm, hx,
 * str) and writes it with its frame.  Like data sits together: deflate's
 * window and Huffman tables do much better than on interleaved records. */
static int flush(struct trace_writer *w)
{
	uint8_t frame[TRACE_FRAME_HDR], lens[60];
	const struct wbuf *part[6] = { &w->ctl, &w->fs, &w->tb, &w->tm, &w->hx, &w->str };
	struct iovec iov[2];
	size_t bound, raw, nl;
	uLong crc;
	int ret;

	if (w->err || !block_len(w))
		return w->err;
	if (w->nbits) { /* the last partial byte, zero-padded */
		w->tm.p[w->tm.len++] = (uint8_t)w->bits;
		w->bits = 0;
		w->nbits = 0;
	}
	nl = varint_to(lens, w->ctl.len);
	nl += varint_to(lens + nl, w->fs.len);
	nl += varint_to(lens + nl, w->tb.len);
	nl += varint_to(lens + nl, w->tm.len);
	nl += varint_to(lens + nl, w->hx.len);
	raw = nl + block_len(w);
	bound = deflateBound(&w->zs, raw);
	if (bound > w->zcap) {
		uint8_t *nz = realloc(w->zbuf, bound);

		if (!nz)
			return w->err = -ENOMEM;
		w->zbuf = nz;
		w->zcap = bound;
	}
	deflateReset(&w->zs);
	w->zs.next_out = w->zbuf;
	w->zs.avail_out = (uInt)w->zcap;
	w->zs.next_in = lens;
	w->zs.avail_in = (uInt)nl;
	ret = deflate(&w->zs, Z_NO_FLUSH);
	for (int i = 0; i < 6 && ret == Z_OK; i++) {
		if (i < 5 && !part[i]->len)
			continue; /* no progress possible: deflate would say Z_BUF_ERROR */
		w->zs.next_in = part[i]->p;
		w->zs.avail_in = (uInt)part[i]->len;
		ret = deflate(&w->zs, i == 5 ? Z_FINISH : Z_NO_FLUSH);
	}
	if (ret != Z_STREAM_END)
		return w->err = -EIO;
	tc_put32(frame, (uint32_t)raw);
	tc_put32(frame + 4, (uint32_t)w->zs.total_out);
	crc = crc32(0, frame, 8);
	crc = crc32(crc, w->zbuf, (uInt)w->zs.total_out);
	tc_put32(frame + 8, (uint32_t)crc);
	iov[0] = (struct iovec){ frame, sizeof(frame) };
	iov[1] = (struct iovec){ w->zbuf, w->zs.total_out };
	ret = write_all(w->fd, iov, 2);
	if (ret)
		return w->err = ret;
	w->ctl.len = w->fs.len = w->tb.len = w->tm.len = w->hx.len = w->str.len = 0;
	/* the prediction state carries on: blocks are read in order */
	return 0;
}

/* ---- encoding helpers (the buffer has room: callers reserve) ---------- */

static void put_varint(struct wbuf *b, uint64_t v)
{
	b->len += varint_to(b->p + b->len, v);
}

/* put_bits: n <= 32 bits of v into tm (room reserved by the caller). */
static void put_bits(struct trace_writer *w, uint64_t v, unsigned int n)
{
	w->bits |= (v & ((1ull << n) - 1)) << w->nbits;
	w->nbits += n;
	while (w->nbits >= 8) {
		w->tm.p[w->tm.len++] = (uint8_t)w->bits;
		w->bits >>= 8;
		w->nbits -= 8;
	}
}

static void put_time(struct trace_writer *w, uint64_t now, uint64_t before)
{
	bool neg = now < before;
	uint64_t mag = neg ? before - now : now - before;
	int n = tc_bitlen(mag);

	w->tb.p[w->tb.len++] = (uint8_t)(n == 0 ? 0 : neg ? 64 + n : n);
	if (n > 33) {
		put_bits(w, mag, 32);
		put_bits(w, mag >> 32, (unsigned int)n - 33);
	} else if (n > 1) {
		put_bits(w, mag, (unsigned int)n - 1);
	}
}

static void put_bytes(struct wbuf *b, const void *p, size_t n)
{
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Strings: varint (len + 1), 0 for NULL. */
static size_t str_size(const char *s)
{
	return 10 + (s ? strlen(s) : 0);
}

static void put_str(struct wbuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_varint(b, s ? n + 1 : 0);
	put_bytes(b, s, n);
}

static size_t si_size(const struct session_info *si)
{
	size_t n = 128 + 8 * SESSION_MONITOR_MAPS + str_size(si->cwd) + str_size(si->hostname) + str_size(si->kernel);

	for (int i = 0; i < si->argc; i++)
		n += str_size(si->argv[i]);
	for (int i = 0; i < si->envc; i++)
		n += str_size(si->env[i]);
	return n;
}

static void put_si(struct wbuf *b, const struct session_info *si)
{
	put_varint(b, (uint64_t)(si->argc > 0 ? si->argc : 0));
	for (int i = 0; i < si->argc; i++)
		put_str(b, si->argv[i]);
	put_str(b, si->cwd);
	put_varint(b, (uint64_t)(si->envc > 0 ? si->envc : 0));
	for (int i = 0; i < si->envc; i++)
		put_str(b, si->env[i]);
	put_str(b, si->hostname);
	put_str(b, si->kernel);
	put_varint(b, si->boot_offset_ns);
	put_varint(b, si->start_ns);
	put_varint(b, si->end_ns);
	put_varint(b, si->root_pid);
	put_varint(b, tc_zigzag(si->exit_status));
	put_varint(b, si->events);
	put_varint(b, si->drops);
	put_varint(b, (si->interrupted ? 1u : 0u) | (si->partial ? 2u : 0u));
	put_varint(b, si->survivors);
	put_varint(b, si->survivors_traced_ms);
	put_varint(b, si->survivor_fate);
	/* format 1.1 */
	put_varint(b, si->collector_pid);
	put_varint(b, (uint64_t)(si->nmonitor_maps > 0 ? si->nmonitor_maps : 0));
	for (int i = 0; i < si->nmonitor_maps; i++)
		put_varint(b, si->monitor_maps[i]);
	/* format 1.2: enforcement */
	put_varint(b, si->enforce);
	put_varint(b, si->run_uid);
	put_varint(b, si->run_gid);
	put_str(b, si->run_user);
	put_varint(b, (uint64_t)(si->nhidden > 0 ? si->nhidden : 0));
	for (int i = 0; i < si->nhidden; i++)
		put_str(b, si->hidden[i]);
}

/* A meta record: tag, varint length, payload.  The payload is written in
 * place after a 5-byte length slot (a padded varint keeps it one pass). */
static size_t meta_begin(struct trace_writer *w, uint8_t tag)
{
	w->ctl.p[w->ctl.len++] = tag;
	w->ctl.len += 5;
	return w->ctl.len;
}

static void meta_end(struct trace_writer *w, size_t start)
{
	uint64_t n = w->ctl.len - start;
	uint8_t *p = w->ctl.p + start - 5;

	for (int i = 0; i < 4; i++, n >>= 7)
		p[i] = (uint8_t)(n | 0x80);
	p[4] = (uint8_t)n;
}

/* ---- events ------------------------------------------------------------ */

static size_t common_prefix(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen, i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static bool compactable(const struct pt_event *ev, size_t size)
{
	size_t total = TRACE_EV_HDR;

	if (size < TRACE_EV_HDR || ev->size != size || ev->type == 0 || ev->type >= TC_TYPES)
		return false;
	for (int i = 0; i < PT_NFIELDS; i++)
		total += ev->len[i];
	return total == size;
}

static uint32_t str_hash(const char *d, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)d[i]) * 16777619u;
	return h;
}

/* The ring position k of s[0..len) (hash table ht of n entries), or -1
 * when it is not in the ring. */
static int64_t ring_find(const struct tc_ring *r, const uint64_t *ht, size_t n,
			 const char *s, size_t len)
{
	uint64_t seq1 = ht[str_hash(s, len) % n];
	const char *e;
	size_t elen = 0;
	uint64_t k;

	if (!len || !seq1 || seq1 <= r->base || seq1 > r->seq)
		return -1;
	k = r->seq - seq1;
	e = tc_ring_get(r, k, &elen);
	if (!e || elen != len || memcmp(e, s, len))
		return -1; /* overwritten, or another string with this hash */
	return (int64_t)k;
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* put_tail: the n literal bytes that end a field.  A long run of lowercase
 * hex digits before a final NUL (cache paths are named by their hashes)
 * goes into hx at two digits a byte. */
static void put_tail(struct trace_writer *w, const char *t, size_t n)
{
	size_t run = 0;

	if (n > TC_HEX_MIN && t[n - 1] == '\0')
		while (run < n - 1 && is_hex(t[n - 2 - run]))
			run++;
	if (run < TC_HEX_MIN) {
		put_varint(&w->fs, (uint64_t)n << 1);
		put_bytes(&w->str, t, n);
		return;
	}
	n -= run + 1;
	put_varint(&w->fs, (uint64_t)n << 1 | 1);
	put_varint(&w->fs, run);
	put_bytes(&w->str, t, n);
	for (size_t i = 0; i < run; i += 2) {
		unsigned int hi = tc_hex_val(t[n + i]);
		unsigned int lo = i + 1 < run ? tc_hex_val(t[n + i + 1]) : 0;

		w->hx.p[w->hx.len++] = (uint8_t)(hi << 4 | lo);
	}
}

/* put_field: field i (len bytes at f) by whichever coding is shortest. */
static void put_field(struct trace_writer *w, const struct pt_event *ev, int i,
		      const char *f, size_t len, const char *f0, const struct tc_slot *sl, int hit)
{
	const struct tc_state *s = w->st;
	const char *ref = s->ref[i];
	size_t reflen = s->reflen[i], pre, cost, best_pre;
	uint64_t sel = FS_PREV;

	if (i == 1 && (ev->type == PT_EV_RENAME || ev->type == PT_EV_LINK)) {
		ref = f0; /* the new name is usually next to the old one */
		reflen = ev->len[0];
	}
	pre = common_prefix(f, len, ref, reflen);
	cost = varint_len(pre) + varint_len(len - pre) + len - pre;
	best_pre = pre;
	if (i == 0 && hit) {
		pre = common_prefix(f, len, sl->path, sl->pathlen);
		if (varint_len(pre) + varint_len(len - pre) + len - pre + 1 < cost) {
			sel = FS_SLOT;
			best_pre = pre;
			cost = varint_len(pre) + varint_len(len - pre) + len - pre + 1;
		}
	}
	if (tc_is_path(ev->type, i)) {
		size_t dl = tc_dir_len(f, len);
		int64_t k = ring_find(s->paths, w->path_hash, PATH_HASH, f, len);

		if (k >= 0) { /* seen lately: its position says it all */
			put_varint(&w->fs, FS_RING + 3 * (uint64_t)k + FR_PATH);
			return;
		}
		if (len >= 2 && len <= TC_RING_MAX && f[len - 1] == '\0' && f[len - 2] != '/') {
			/* "a/b" after "a/b/c" (mkdir -p): the directory "a/b/" */
			char dir[TC_RING_MAX];

			memcpy(dir, f, len - 1);
			dir[len - 1] = '/';
			k = ring_find(s->dirs, w->dir_hash, DIR_HASH, dir, len);
			if (k >= 0) {
				put_varint(&w->fs, FS_RING + 3 * (uint64_t)k + FR_DIRNS);
				return;
			}
		}
		/* the deepest directory above it that is in the ring */
		k = -1;
		while (dl && (k = ring_find(s->dirs, w->dir_hash, DIR_HASH, f, dl)) < 0)
			dl = tc_dir_len(f, dl - 1);
		if (k >= 0 && varint_len(FS_RING + 3 * (uint64_t)k) + varint_len(len - dl) + len - dl < cost) {
			put_varint(&w->fs, FS_RING + 3 * (uint64_t)k + FR_DIR);
			put_tail(w, f + dl, len - dl);
			return;
		}
	}
	put_varint(&w->fs, sel);
	put_varint(&w->fs, best_pre);
	put_tail(w, f + best_pre, len - best_pre);
}

static void put_event(struct trace_writer *w, const struct pt_event *ev, const char *data)
{
	struct tc_state *s = w->st;
	const struct pt_event *last = &s->last;
	int hit;
	struct tc_slot *sl = tc_slot(s, ev->tid, &hit);
	uint32_t t = ev->type, pid_pred = hit ? sl->pid : ev->tid;
	uint32_t ppid = hit ? sl->ppid : last->ppid, uid = hit ? sl->uid : last->uid;
	uint32_t session = hit ? sl->session : last->session;
	uint64_t cgroup = hit ? sl->cgroup : last->cgroup_id;
	const char *comm = hit ? sl->comm : last->comm;
	const char *f[PT_NFIELDS], *d = data;
	uint64_t dseq[PT_NFIELDS] = { 0 }, pseq[PT_NFIELDS] = { 0 };
	struct wbuf *c = &w->ctl;
	uint8_t m1 = 0, m2 = 0, mi;

	for (int i = 0; i < PT_NFIELDS; i++) {
		f[i] = d;
		d += ev->len[i];
		if (ev->len[i])
			m2 |= 1u << i;
	}
	if (ev->tid != last->tid)
		m1 |= EM_TID;
	if (ev->pid != pid_pred)
		m1 |= EM_PID;
	mi = (ev->ppid != ppid ? EI_PPID : 0) | (ev->uid != uid ? EI_UID : 0) |
	     (ev->session != session ? EI_SESSION : 0) | (ev->cgroup_id != cgroup ? EI_CGROUP : 0);
	if (mi)
		m1 |= EM_IDS;
	if (memcmp(ev->comm, comm, PT_COMM_LEN))
		m1 |= EM_COMM;
	if (ev->flags != s->flags[t])
		m1 |= EM_FLAGS;
	if (ev->ret != s->ret[t])
		m1 |= EM_RET;
	for (int i = 0; i < 3; i++)
		if (ev->arg[i] != s->arg[t][i])
			m2 |= EM2_ARG(i);

	c->p[c->len++] = (uint8_t)(TR_EVENT | t);
	c->p[c->len++] = m1;
	c->p[c->len++] = m2;
	if (m1 & EM_TID)
		put_varint(c, ev->tid);
	put_time(w, ev->time_ns, last->time_ns);
	if (m1 & EM_PID)
		put_varint(c, ev->pid);
	if (m1 & EM_IDS) {
		c->p[c->len++] = mi;
		if (mi & EI_PPID)
			put_varint(c, ev->ppid);
		if (mi & EI_UID)
			put_varint(c, ev->uid);
		if (mi & EI_SESSION)
			put_varint(c, ev->session);
		if (mi & EI_CGROUP)
			put_varint(c, ev->cgroup_id);
	}
	if (m1 & EM_COMM) {
		size_t n = strnlen(ev->comm, PT_COMM_LEN);
		bool padded = true;

		for (size_t i = n; i < PT_COMM_LEN; i++)
			padded &= ev->comm[i] == 0;
		/* length and bytes; 0xff and all 16 bytes when not zero-padded */
		c->p[c->len++] = padded ? (uint8_t)n : 0xff;
		put_bytes(&w->str, ev->comm, padded ? n : PT_COMM_LEN);
	}
	if (m1 & EM_FLAGS)
		put_varint(&w->fs, ev->flags);
	if (m1 & EM_RET)
		put_varint(&w->fs, tc_zigzag((int64_t)((uint64_t)ev->ret - (uint64_t)s->ret[t])));
	for (int i = 0; i < 3; i++)
		if (m2 & EM2_ARG(i))
			put_varint(&w->fs, tc_zigzag((int64_t)(ev->arg[i] - s->arg[t][i])));
	for (int i = 0; i < PT_NFIELDS; i++)
		if (ev->len[i])
			put_field(w, ev, i, f[i], ev->len[i], f[0], sl, hit);
	tc_update(s, sl, ev, data, dseq, pseq);
	for (int i = 0; i < PT_NFIELDS; i++) {
		if (dseq[i])
			w->dir_hash[str_hash(f[i], tc_dir_len(f[i], ev->len[i])) % DIR_HASH] = dseq[i];
		if (pseq[i])
			w->path_hash[str_hash(f[i], ev->len[i]) % PATH_HASH] = pseq[i];
	}
}

/* ---- API ---------------------------------------------------------------- */

static int maybe_flush(struct trace_writer *w)
{
	if (block_len(w) >= TRACE_BLOCK_TARGET)
		return flush(w);
	/* a kill -9 loses at most the open block: close it after a while, but
	 * read the clock only every 64 records */
	if (++w->since_clock >= 64) {
		uint64_t now = clock_ns(CLOCK_MONOTONIC_COARSE);

		w->since_clock = 0;
		if (!w->block_ns)
			w->block_ns = now;
		else if (now - w->block_ns >= TRACE_FLUSH_NS) {
			w->block_ns = 0;
			return flush(w);
		}
	}
	return 0;
}

/* writer_free: everything but the file descriptor. */
static void writer_free(struct trace_writer *w)
{
	if (w->zinit)
		deflateEnd(&w->zs);
	tc_free(w->st);
	free(w->ctl.p);
	free(w->fs.p);
	free(w->tb.p);
	free(w->tm.p);
	free(w->hx.p);
	free(w->str.p);
	free(w->zbuf);
	free(w);
}

int trace_writer_new(const char *path, const struct session_info *si, struct trace_writer **out)
{
	struct trace_writer *w = calloc(1, sizeof(*w));
	uint8_t hdr[TRACE_FILE_HDR];
	struct iovec iov = { hdr, sizeof(hdr) };
	size_t start;
	int err = -ENOMEM;

	if (!w)
		return -ENOMEM;
	w->fd = -1;
	w->st = tc_new();
	if (!w->st)
		goto cleanup;
	if (deflateInit2(&w->zs, 9, Z_DEFLATED, 15, 6, Z_DEFAULT_STRATEGY) != Z_OK)
		goto cleanup;
	w->zinit = true;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		err = -errno;
		goto cleanup;
	}
	memcpy(hdr, TRACE_MAGIC, 8);
	hdr[8] = TRACE_MAJOR;
	hdr[9] = 0;
	hdr[10] = TRACE_MINOR;
	hdr[11] = 0;
	tc_put32(hdr + 12, (uint32_t)crc32(0, hdr, 12));
	err = write_all(w->fd, &iov, 1);
	if (err)
		goto cleanup;
	/* the header record is a block of its own, written now: even a trace
	 * killed at once says what was being traced */
	err = reserve(&w->ctl, 16 + str_size(PKGTRACE_VERSION) + si_size(si));
	if (err)
		goto cleanup;
	start = meta_begin(w, TR_HEADER);
	put_str(&w->ctl, PKGTRACE_VERSION);
	put_si(&w->ctl, si);
	meta_end(w, start);
	err = flush(w);
	if (err)
		goto cleanup;
	*out = w;
	return 0;
cleanup:
	if (w->fd >= 0)
		close(w->fd);
	writer_free(w);
	return err;
}

int trace_writer_event(struct trace_writer *w, const void *raw, size_t size)
{
	struct pt_event h;
	int err;

	if (w->err)
		return w->err;
	if (!raw || size > TRACE_EV_MAX)
		return -EINVAL;
	/* worst case of a compact event: 3 + 5 varints + ids + comm + fields */
	err = reserve(&w->ctl, size + 128);
	if (!err)
		err = reserve(&w->fs, 64);
	if (!err)
		err = reserve(&w->tb, 1);
	if (!err)
		err = reserve(&w->tm, 9);
	if (!err)
		err = reserve(&w->hx, size / 2 + 1);
	if (!err)
		err = reserve(&w->str, size);
	if (err)
		return w->err = err;
	if (size >= TRACE_EV_HDR) /* a copy: raw need not be aligned */
		memcpy(&h, raw, sizeof(h));
	if (size >= TRACE_EV_HDR && compactable(&h, size)) {
		put_event(w, &h, (const char *)raw + TRACE_EV_HDR);
	} else {
		/* anything the codec cannot express goes in verbatim */
		size_t start = meta_begin(w, TR_RAW);

		put_bytes(&w->ctl, raw, size);
		meta_end(w, start);
	}
	return maybe_flush(w);
}

int trace_writer_fact(struct trace_writer *w, const char *path, int err, const void *data, size_t len)
{
	size_t start;
	int ret;

	if (w->err)
		return w->err;
	if (!path || (len && !data) || len > TRACE_BLOCK_MAX / 2)
		return -EINVAL;
	if (err)
		len = 0;
	ret = reserve(&w->ctl, 32 + strlen(path) + len);
	if (ret)
		return w->err = ret;
	start = meta_begin(w, TR_FACT);
	put_str(&w->ctl, path);
	put_varint(&w->ctl, tc_zigzag(err));
	put_varint(&w->ctl, len);
	put_bytes(&w->ctl, data, len);
	meta_end(w, start);
	return maybe_flush(w);
}

int trace_writer_close(struct trace_writer *w, const struct session_info *final)
{
	size_t start;
	int err;

	if (!w)
		return 0;
	err = w->err;
	if (!err && final) {
		err = reserve(&w->ctl, si_size(final));
		if (!err) {
			start = meta_begin(w, TR_END);
			put_si(&w->ctl, final);
			meta_end(w, start);
			err = flush(w);
		}
	}
	if (close(w->fd) && !err)
		err = -errno;
	writer_free(w);
	return err;
}
