// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fuzz_trace.c - libFuzzer target for the trace reader (user/trace_reader.c, trace_records.c)
 * and the event decoder it feeds.  `make fuzz FUZZ_SECONDS=N` builds it with
 * -fsanitize=fuzzer,address,undefined and runs it, seeded from real traces
 * (tests/fuzz/mkseeds.py).
 *
 * An input whose first byte has its top bit clear is a whole trace file (a
 * real trace starts with 'P').  One with the top bit set is the payload of
 * an event block: the target wraps it in a valid file header, a header
 * block and a correct frame, so mutations reach the record decoder instead
 * of dying at the CRC check.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "event.h"
#include "trace.h"
#include "trace_int.h"

/* The header block's payload: stream lengths (ctl only), then a header
 * record: version "fuzz", an empty session info. */
static const uint8_t header_payload[] = {
	20, 0, 0, 0, 0,
	TR_HEADER, 18, 5, 'f', 'u', 'z', 'z',
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static size_t put_block(uint8_t *out, const uint8_t *raw, size_t len)
{
	uLongf zlen = compressBound(len);
	uLong crc;

	compress2(out + TRACE_FRAME_HDR, &zlen, raw, len, 1);
	tc_put32(out, (uint32_t)len);
	tc_put32(out + 4, (uint32_t)zlen);
	crc = crc32(crc32(0, out, 8), out + TRACE_FRAME_HDR, (uInt)zlen);
	tc_put32(out + 8, (uint32_t)crc);
	return TRACE_FRAME_HDR + zlen;
}

static uint8_t *wrap(const uint8_t *data, size_t size, size_t *outlen)
{
	size_t cap = TRACE_FILE_HDR + 2 * TRACE_FRAME_HDR + compressBound(sizeof(header_payload)) +
		     compressBound(size);
	uint8_t *f = malloc(cap);
	size_t n = TRACE_FILE_HDR;

	if (!f)
		return NULL;
	memcpy(f, TRACE_MAGIC, 8);
	f[8] = TRACE_MAJOR;
	f[9] = 0;
	f[10] = TRACE_MINOR;
	f[11] = 0;
	tc_put32(f + 12, (uint32_t)crc32(0, f, 12));
	n += put_block(f + n, header_payload, sizeof(header_payload));
	if (size)
		n += put_block(f + n, data, size);
	*outlen = n;
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_reader *r = NULL;
	struct trace_item it;
	struct event_view v;
	uint8_t *file = NULL;
	size_t len = size;
	const uint8_t *buf = data;
	char msg[256];
	volatile size_t sink = 0;
	int n;

	if (size && (data[0] & 0x80)) {
		file = wrap(data + 1, size - 1, &len);
		if (!file)
			return 0;
		buf = file;
	}
	if (!trace_reader_open_mem(buf, len, &r, msg, sizeof(msg))) {
		const struct session_info *si = trace_reader_session(r);

		for (int i = 0; i < si->argc; i++)
			sink += si->argv[i] ? strlen(si->argv[i]) : 0;
		while ((n = trace_reader_next(r, &it)) > 0) {
			if (it.kind == TRACE_ITEM_EVENT && !event_decode(it.raw, it.size, &v))
				sink += v.field_len[0];
			else if (it.kind == TRACE_ITEM_FACT)
				sink += strlen(it.path) + it.len + (it.len ? ((const uint8_t *)it.data)[it.len - 1] : 0);
			else if (it.kind == TRACE_ITEM_END)
				sink += it.si->envc;
		}
		sink += strlen(trace_reader_problem(r));
		trace_reader_free(r);
	} else {
		sink += strlen(msg);
	}
	free(file);
	(void)sink;
	return 0;
}
