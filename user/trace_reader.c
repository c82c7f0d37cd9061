// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * trace_reader.c - reads a trace (schemas/trace-format.md) back into raw
 * pt_event records, facts and session info: the file header, the block
 * frames (CRC, zlib), the record dispatch, and the damage report.  What is
 * inside a record is decoded by trace_records.c.  The file is untrusted:
 * every length is checked before it is used, and every problem is one line
 * that names what is wrong and the byte offset where it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>
#include "trace.h"
#include "trace_int.h"
#include "trace_records.h"

struct trace_reader {
	int fd;                 /* -1 for a memory source */
	const uint8_t *mem;
	size_t memlen;
	void *map;              /* mem is this mapping of the file */
	bool populate;          /* a file: blk is a prefaulted mapping */
	uint64_t off;           /* file offset of the next unread byte */
	uint8_t *zbuf;          /* compressed block (file source) */
	size_t zcap;
	uint8_t *blk;           /* the current block, uncompressed */
	size_t blen, bcap;
	struct tr_block b;      /* its six streams (trace_records.h) */
	uint64_t blk_off;       /* file offset of the current block's frame */
	z_stream zs;
	bool zinit;
	bool ended;             /* the end record was read */
	bool failed;            /* a problem was reported: stay failed */
	struct tc_state *st;
	uint8_t *ev;            /* the decoded raw record, 8-aligned */
	char *path;             /* the current fact's path, NUL-terminated */
	size_t pathcap;
	char *version;
	struct session_info si, fin;
	uint64_t events;        /* event records returned */
	struct trace_damage damage; /* the problem: kind, offset, line */
};

static int problem(struct trace_reader *r, enum trace_damage_kind kind, uint64_t off,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* problem: records what is wrong (kind, the file offset, one line) and
 * fails the reader for good.  Returns -EBADMSG. */
static int problem(struct trace_reader *r, enum trace_damage_kind kind, uint64_t off,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->damage.message, sizeof(r->damage.message), fmt, ap);
	va_end(ap);
	r->damage.kind = kind;
	r->damage.offset = off;
	r->damage.events = r->events;
	r->damage.end_record = r->ended;
	r->failed = true;
	return -EBADMSG;
}

/* Up to n bytes at the current offset; returns how many (fewer at EOF),
 * or -errno. */
static ssize_t src_read(struct trace_reader *r, void *buf, size_t n)
{
	size_t got = 0;

	if (r->fd < 0) {
		size_t left = r->off < r->memlen ? r->memlen - r->off : 0;

		got = n < left ? n : left;
		if (got)
			memcpy(buf, r->mem + r->off, got);
	} else {
		while (got < n) {
			ssize_t k = read(r->fd, (uint8_t *)buf + got, n - got);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			if (k == 0)
				break;
			got += (size_t)k;
		}
	}
	r->off += got;
	return (ssize_t)got;
}

/* ---- block layer -------------------------------------------------------- */

/* blk_alloc: room for a block of n bytes.  Reading a file, it is mapped
 * prefaulted in one go, at least the usual block size: page faults one by
 * one cost more than inflating on a virtual machine. */
static uint8_t *blk_alloc(struct trace_reader *r, size_t n)
{
	void *p;

	if (!r->populate)
		return malloc(n);
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void blk_free(struct trace_reader *r)
{
	if (r->blk && r->populate)
		munmap(r->blk, r->bcap);
	else
		free(r->blk);
	r->blk = NULL;
	r->bcap = 0;
}

/* next_block: reads, checks and inflates the next block.  1 when read, 0 at
 * a clean end of file, -errno on a problem. */
static int next_block(struct trace_reader *r)
{
	uint8_t frame[TRACE_FRAME_HDR];
	const uint8_t *z;
	uint32_t raw_len, comp_len, crc;
	ssize_t n;
	int zr;

	r->blk_off = r->off;
	r->blen = 0;
	r->b.ctl = r->b.fs = r->b.tb = r->b.tm = r->b.hx = r->b.str = (struct cur){ NULL, NULL, false };
	r->b.bits = 0;
	r->b.nbits = 0;
	n = src_read(r, frame, sizeof(frame));
	if (n < 0)
		return problem(r, TRACE_DAMAGE_READ_ERROR, r->blk_off,
			       "read error at byte %llu: %s", (unsigned long long)r->blk_off,
			       strerror((int)-n)), (int)n;
	if (n == 0)
		return 0;
	if ((size_t)n < sizeof(frame))
		return problem(r, TRACE_DAMAGE_TRUNCATED, r->blk_off,
			       "truncated at byte %llu: the block frame there is cut short",
			       (unsigned long long)r->blk_off);
	raw_len = tc_get32(frame);
	comp_len = tc_get32(frame + 4);
	crc = tc_get32(frame + 8);
	if (!raw_len || raw_len > TRACE_BLOCK_MAX || !comp_len || comp_len > compressBound(raw_len))
		return problem(r, TRACE_DAMAGE_CORRUPT_BLOCK, r->blk_off,
			       "corrupt block frame at byte %llu (lengths %u/%u)",
			       (unsigned long long)r->blk_off, raw_len, comp_len);
	if (r->fd < 0) {
		/* memory: inflate in place, no copy */
		if (r->memlen - r->off < comp_len)
			return problem(r, TRACE_DAMAGE_TRUNCATED, r->blk_off,
				       "truncated at byte %llu: the block there is cut short "
				       "(%u of %u bytes)", (unsigned long long)r->blk_off,
				       (unsigned)(r->memlen - r->off), comp_len);
		z = r->mem + r->off;
		r->off += comp_len;
	} else {
		if (comp_len > r->zcap) {
			uint8_t *nz = realloc(r->zbuf, comp_len);

			if (!nz)
				return problem(r, TRACE_DAMAGE_NONE, r->blk_off,
					       "out of memory reading the block at byte %llu",
					       (unsigned long long)r->blk_off), -ENOMEM;
			r->zbuf = nz;
			r->zcap = comp_len;
		}
		n = src_read(r, r->zbuf, comp_len);
		if (n < 0)
			return problem(r, TRACE_DAMAGE_READ_ERROR, r->blk_off,
				       "read error at byte %llu: %s",
				       (unsigned long long)r->blk_off, strerror((int)-n)), (int)n;
		if ((size_t)n < comp_len)
			return problem(r, TRACE_DAMAGE_TRUNCATED, r->blk_off,
				       "truncated at byte %llu: the block there is cut short "
				       "(%zd of %u bytes)", (unsigned long long)r->blk_off, n, comp_len);
		z = r->zbuf;
	}
	if ((uint32_t)crc32(crc32(0, frame, 8), z, comp_len) != crc)
		return problem(r, TRACE_DAMAGE_CORRUPT_BLOCK, r->blk_off,
			       "corrupt block at byte %llu: CRC mismatch",
			       (unsigned long long)r->blk_off);
	if (raw_len > r->bcap) {
		uint8_t *nb = blk_alloc(r, raw_len);

		if (!nb)
			return problem(r, TRACE_DAMAGE_NONE, r->blk_off,
				       "out of memory reading the block at byte %llu",
				       (unsigned long long)r->blk_off), -ENOMEM;
		blk_free(r);
		r->blk = nb;
		r->bcap = raw_len;
	}
	inflateReset(&r->zs);
	r->zs.next_in = (Bytef *)z;
	r->zs.avail_in = comp_len;
	r->zs.next_out = r->blk;
	r->zs.avail_out = raw_len;
	zr = inflate(&r->zs, Z_FINISH);
	if (zr != Z_STREAM_END || r->zs.avail_out || r->zs.avail_in)
		return problem(r, TRACE_DAMAGE_CORRUPT_BLOCK, r->blk_off,
			       "corrupt block at byte %llu: bad compressed data",
			       (unsigned long long)r->blk_off);
	r->blen = raw_len;
	{
		struct cur c = { r->blk, r->blk + raw_len, false };
		uint64_t n[5];
		struct cur *part[5] = { &r->b.ctl, &r->b.fs, &r->b.tb, &r->b.tm, &r->b.hx };
		const uint8_t *p;

		for (int i = 0; i < 5; i++)
			n[i] = cur_varint(&c);
		p = c.p;
		for (int i = 0; i < 5; i++) {
			if (c.bad || n[i] > (uint64_t)(c.end - p))
				return problem(r, TRACE_DAMAGE_CORRUPT_BLOCK, r->blk_off,
					       "corrupt block at byte %llu: bad stream lengths",
					       (unsigned long long)r->blk_off);
			*part[i] = (struct cur){ p, p + n[i], false };
			p += n[i];
		}
		r->b.str = (struct cur){ p, c.end, false };
	}
	/* the prediction state carries on from the previous block */
	return 1;
}

/* ---- record parsing ------------------------------------------------------ */

static int record_problem(struct trace_reader *r, const uint8_t *at, const char *what)
{
	return problem(r, TRACE_DAMAGE_CORRUPT_RECORD, r->blk_off,
		       "corrupt record at byte %zu of the (uncompressed) block at byte %llu: %s",
		       (size_t)(at - r->blk), (unsigned long long)r->blk_off, what);
}

/* next_record: parses the record at the ctl cursor.  1 with an item, 0 for
 * a record that yields nothing (an unknown meta record), -errno. */
static int next_record(struct trace_reader *r, struct trace_item *it)
{
	const uint8_t *at = r->b.ctl.p;
	struct cur c = r->b.ctl;
	uint8_t tag = cur_u8(&c);
	int err = 0;

	if (tag >= TR_EVENT && tag <= TR_EVENT_LAST) {
		if (tag == TR_EVENT)
			return record_problem(r, at, "event of type 0");
		err = tr_decode_event(&r->b, r->st, &c, tag - TR_EVENT, r->ev, it);
		if (err)
			return err == -ENOMEM ? err : record_problem(r, at, "bad event encoding");
	} else if (tag >= 1 && tag <= TR_META_LAST) {
		uint64_t n = cur_varint(&c);
		struct cur m;

		if (c.bad || n > (uint64_t)(c.end - c.p))
			return record_problem(r, at, "record length past the end of its block");
		m = (struct cur){ c.p, c.p + n, false };
		c.p += n;
		switch (tag) {
		case TR_HEADER:
			return record_problem(r, at, "a second header record");
		case TR_FACT:
			err = tr_get_fact(&m, &r->path, &r->pathcap, it);
			if (err)
				return err == -ENOMEM ? err : record_problem(r, at, "bad fact record");
			break;
		case TR_END:
			err = tr_get_session(&m, &r->fin);
			if (err)
				return err == -ENOMEM ? err : record_problem(r, at, "bad end record");
			r->ended = true;
			it->kind = TRACE_ITEM_END;
			it->si = &r->fin;
			break;
		case TR_RAW:
			if (n < 1 || n > TRACE_EV_MAX)
				return record_problem(r, at, "bad raw event length");
			memcpy(r->ev, m.p, n);
			it->kind = TRACE_ITEM_EVENT;
			it->raw = r->ev;
			it->size = n;
			break;
		default: /* a newer minor version's record: skip it */
			r->b.ctl.p = c.p;
			return 0;
		}
	} else {
		return record_problem(r, at, tag ? "unknown record tag" : "record tag 0");
	}
	r->b.ctl.p = c.p;
	return 1;
}

int trace_reader_next(struct trace_reader *r, struct trace_item *it)
{
	int ret;

	if (r->failed)
		return -EBADMSG;
	memset(it, 0, sizeof(*it));
	for (;;) {
		if (r->b.ctl.p >= r->b.ctl.end) {
			if (r->b.fs.p != r->b.fs.end || r->b.tb.p != r->b.tb.end || r->b.tm.p != r->b.tm.end ||
			    r->b.hx.p != r->b.hx.end ||
			    r->b.str.p != r->b.str.end)
				return problem(r, TRACE_DAMAGE_CORRUPT_BLOCK, r->blk_off,
					       "corrupt block at byte %llu: its streams do not "
					       "end together", (unsigned long long)r->blk_off);
			if (r->ended) {
				uint8_t b;
				ssize_t k = src_read(r, &b, 1);

				if (k < 0)
					return problem(r, TRACE_DAMAGE_READ_ERROR, r->off,
						       "read error at byte %llu: %s",
						       (unsigned long long)r->off, strerror((int)-k)), (int)k;
				if (k == 0)
					return 0;
				return problem(r, TRACE_DAMAGE_TRAILING, r->off - 1,
					       "corrupt: data after the end record at byte %llu",
					       (unsigned long long)(r->off - 1));
			}
			ret = next_block(r);
			if (ret < 0)
				return ret;
			if (ret == 0)
				return problem(r, TRACE_DAMAGE_NO_END, r->off,
					       "truncated at byte %llu: the recording stopped "
					       "before its end record", (unsigned long long)r->off);
		}
		if (r->ended)
			return problem(r, TRACE_DAMAGE_TRAILING, r->blk_off,
				       "corrupt: data after the end record in the block at byte %llu",
				       (unsigned long long)r->blk_off);
		ret = next_record(r, it);
		if (ret > 0 && it->kind == TRACE_ITEM_EVENT)
			r->events++;
		if (ret)
			return ret;
	}
}

/* ---- open ----------------------------------------------------------------- */

static int open_common(struct trace_reader *r)
{
	uint8_t hdr[TRACE_FILE_HDR];
	struct cur c;
	ssize_t n;
	int err;

	r->st = tc_new();
	r->ev = aligned_alloc(8, (TRACE_EV_MAX + 7) & ~(size_t)7);
	if (!r->st || !r->ev)
		return problem(r, TRACE_DAMAGE_NONE, 0, "out of memory"), -ENOMEM;
	if (inflateInit(&r->zs) != Z_OK)
		return problem(r, TRACE_DAMAGE_NONE, 0, "out of memory"), -ENOMEM;
	r->zinit = true;
	n = src_read(r, hdr, sizeof(hdr));
	if (n < 0)
		return problem(r, TRACE_DAMAGE_READ_ERROR, 0,
			       "read error at byte 0: %s", strerror((int)-n)), (int)n;
	if (n == 0)
		return problem(r, TRACE_DAMAGE_HEADER, 0,
			       "not a pkgtrace trace: the file is empty");
	if (memcmp(hdr, TRACE_MAGIC, (size_t)n < 8 ? (size_t)n : 8))
		return problem(r, TRACE_DAMAGE_HEADER, 0,
			       "not a pkgtrace trace: no PKGTRACE magic at byte 0");
	if ((size_t)n < sizeof(hdr))
		return problem(r, TRACE_DAMAGE_HEADER, (uint64_t)n,
			       "truncated at byte %zd: the file header is cut short", n);
	if (hdr[8] != TRACE_MAJOR || hdr[9])
		return problem(r, TRACE_DAMAGE_HEADER, 8,
			       "unsupported trace format version %u.%u at byte 8 (this pkgtrace "
			       "reads version %u.x)", hdr[8] | hdr[9] << 8, hdr[10] | hdr[11] << 8,
			       TRACE_MAJOR);
	if ((uint32_t)crc32(0, hdr, 12) != tc_get32(hdr + 12))
		return problem(r, TRACE_DAMAGE_HEADER, 0,
			       "corrupt file header at byte 0: CRC mismatch");
	err = next_block(r);
	if (err < 0)
		return err;
	if (err == 0)
		return problem(r, TRACE_DAMAGE_HEADER, TRACE_FILE_HDR,
			       "truncated at byte %u: no header record", TRACE_FILE_HDR);
	c = r->b.ctl;
	if (cur_u8(&c) != TR_HEADER)
		return record_problem(r, r->blk, "the first record is not the header");
	{
		uint64_t len = cur_varint(&c);
		struct cur m;

		if (c.bad || len > (uint64_t)(c.end - c.p))
			return record_problem(r, r->blk, "header length past the end of its block");
		m = (struct cur){ c.p, c.p + len, false };
		err = tr_get_str(&m, &r->version);
		if (!err && !r->version)
			err = -EBADMSG;
		if (!err)
			err = tr_get_session(&m, &r->si);
		if (err)
			return err == -ENOMEM ? (problem(r, TRACE_DAMAGE_NONE, 0,
							 "out of memory"), err) :
				record_problem(r, r->blk, "bad header record");
		r->b.ctl.p = c.p + len;
	}
	return 0;
}

static int open_finish(struct trace_reader *r, int err, struct trace_reader **out,
		       char *msg, size_t msglen)
{
	if (err) {
		if (msg && msglen)
			snprintf(msg, msglen, "%s", r->damage.message[0] ? r->damage.message :
				 strerror(-err));
		trace_reader_free(r);
		return err;
	}
	*out = r;
	return 0;
}

int trace_reader_open(const char *path, struct trace_reader **out, char *msg, size_t msglen)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	struct stat st;
	int err;

	if (!r) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		err = -errno;
		problem(r, TRACE_DAMAGE_READ_ERROR, 0, "cannot open: %s", strerror(errno));
	} else if (fstat(r->fd, &st)) {
		err = -errno;
		problem(r, TRACE_DAMAGE_READ_ERROR, 0, "cannot stat: %s", strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		problem(r, TRACE_DAMAGE_HEADER, 0, "not a pkgtrace trace: a directory");
	} else {
		/* a regular file is read through a mapping: no copy of the
		 * compressed blocks; a pipe is read() */
		r->populate = true;
		if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX) {
			r->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
				      r->fd, 0);
			if (r->map == MAP_FAILED) {
				r->map = NULL;
			} else {
				r->mem = r->map;
				r->memlen = (size_t)st.st_size;
				close(r->fd);
				r->fd = -1;
			}
		}
		err = open_common(r);
	}
	return open_finish(r, err, out, msg, msglen);
}

int trace_reader_open_mem(const void *buf, size_t len, struct trace_reader **out,
			  char *msg, size_t msglen)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	r->fd = -1;
	r->mem = buf;
	r->memlen = buf ? len : 0;
	return open_finish(r, open_common(r), out, msg, msglen);
}

const struct session_info *trace_reader_session(const struct trace_reader *r)
{
	return &r->si;
}

const char *trace_reader_version(const struct trace_reader *r)
{
	return r->version;
}

const char *trace_reader_problem(const struct trace_reader *r)
{
	return r->damage.message[0] ? r->damage.message : "no problem";
}

int trace_reader_damage(const struct trace_reader *r, struct trace_damage *d)
{
	if (r->damage.kind == TRACE_DAMAGE_NONE)
		return -ENOENT;
	*d = r->damage;
	return 0;
}

const char *trace_damage_name(enum trace_damage_kind kind)
{
	static const char *const names[] = {
		[TRACE_DAMAGE_NONE] = "none",
		[TRACE_DAMAGE_HEADER] = "bad-header",
		[TRACE_DAMAGE_READ_ERROR] = "read-error",
		[TRACE_DAMAGE_TRUNCATED] = "truncated",
		[TRACE_DAMAGE_NO_END] = "missing-end-record",
		[TRACE_DAMAGE_CORRUPT_BLOCK] = "corrupt-block",
		[TRACE_DAMAGE_CORRUPT_RECORD] = "corrupt-record",
		[TRACE_DAMAGE_TRAILING] = "trailing-data",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

void trace_reader_free(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->zinit)
		inflateEnd(&r->zs);
	session_free(&r->si);
	session_free(&r->fin);
	free(r->version);
	free(r->path);
	tc_free(r->st);
	free(r->ev);
	blk_free(r);
	if (r->map)
		munmap(r->map, r->memlen);
	free(r->zbuf);
	free(r);
}
