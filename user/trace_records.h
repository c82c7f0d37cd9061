/*
 * trace_records.h - the records inside a trace block (schemas/trace-format.md):
 * session info, facts and compact events, decoded from the block's streams.
 * Internal to the trace reader: trace_reader.c reads, checks and inflates
 * the blocks and says where a problem is; trace_records.c turns a record's
 * bytes into a trace_item and says only whether they made sense.  Every
 * length comes from an untrusted file: each is checked against its stream.
 */
#ifndef PKGTRACE_TRACE_RECORDS_H
#define PKGTRACE_TRACE_RECORDS_H

#include <stdbool.h>
#include <stdint.h>
#include "session.h"
#include "trace.h"
#include "trace_int.h"

/* A cursor over bytes; bad once a read went past end (reads then give 0). */
struct cur {
	const uint8_t *p, *end;
	bool bad;
};

/* The streams of the block being read, and the time bits read ahead. */
struct tr_block {
	struct cur ctl, fs, tb, tm, hx, str;
	uint64_t bits;          /* tm bits read ahead */
	unsigned int nbits;
};

/* cur_varint: an unsigned LEB128 varint (at most 64 bits). */
static inline uint64_t cur_varint(struct cur *c)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (c->p >= c->end) {
			c->bad = true;
			return 0;
		}
		b = *c->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->bad = true;
	return 0;
}

/* cur_u8: one byte. */
static inline uint8_t cur_u8(struct cur *c)
{
	if (c->p >= c->end) {
		c->bad = true;
		return 0;
	}
	return *c->p++;
}

/* cur_bytes: n bytes, in place; NULL when fewer are left. */
static inline const uint8_t *cur_bytes(struct cur *c, uint64_t n)
{
	const uint8_t *p = c->p;

	if (n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	return p;
}

/* tr_get_str: a string (varint length + 1, 0 for NULL) into *out
 * (malloc'd, NUL-terminated; NULL for 0).  0, -EBADMSG or -ENOMEM. */
int tr_get_str(struct cur *c, char **out);
/* tr_get_session: the session info encoding (header and end records) into
 * si; bytes after the known fields are a newer minor version's, skipped.
 * 0, or -EBADMSG / -ENOMEM with si freed. */
int tr_get_session(struct cur *c, struct session_info *si);
/* tr_decode_event: one compact event of type (its control bytes at c, its
 * time, fields and strings from b's streams, predicted from s, which it
 * updates) into ev (TRACE_EV_MAX bytes, 8-aligned); it points at ev.
 * 0, or -EBADMSG for bytes that make no such event. */
int tr_decode_event(struct tr_block *b, struct tc_state *s, struct cur *c, uint32_t type,
		    uint8_t *ev, struct trace_item *it);
/* tr_get_fact: a fact record's payload at c; its path is copied into
 * *path (grown as needed, *cap bytes), it->data points into c's bytes.
 * 0, -EBADMSG or -ENOMEM. */
int tr_get_fact(struct cur *c, char **path, size_t *cap, struct trace_item *it);

#endif
