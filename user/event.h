/*
 * event.h - decoding of raw pt_event records (bpf/events.h) for userspace.
 *
 * Raw records come from the ring buffer (live), or from a trace (replay);
 * everything downstream of the decoder sees only struct event_view, so live
 * and replay are judged by the same code.
 */
#ifndef PKGTRACE_EVENT_H
#define PKGTRACE_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../bpf/events.h"

struct event_view {
	const struct pt_event *ev;
	const char *field[PT_NFIELDS]; /* into ev->data; NULL when len is 0 */
	uint32_t field_len[PT_NFIELDS];
};

/* event_decode: validates a raw record of size bytes and fills *out with
 * pointers into it.  Returns 0, or -EINVAL when the record is malformed
 * (size mismatch, unknown type, unterminated string field).  Never reads
 * past raw + size. */
int event_decode(const void *raw, size_t size, struct event_view *out);

/* event_type_name: "exec", "open", ... ; "unknown" for a bad type. */
const char *event_type_name(uint32_t type);

/* event_write_json: one JSON object (schemas/event.schema.json) and a newline.
 * boot_offset_ns converts time_ns to wall-clock time for the wall field.
 * Returns 0 or -errno. */
int event_write_json(FILE *out, const struct event_view *v, uint64_t boot_offset_ns);

#endif
