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
#include "dns.h"
#include "netaddr.h"

/* What every consumer (--events, the rules, the report) sees of a record:
 * each thing decoded once, here, to one canonical value.  The raw record
 * is left as it came, so a trace holds what the kernel sent. */
struct event_view {
	const struct pt_event *ev;
	/* into ev->data, or for a path that needed it into fold_buf: the path
	 * with "//", "." and ".." folded (pathfold.h); NULL when len is 0 */
	const char *field[PT_NFIELDS];
	uint32_t field_len[PT_NFIELDS];   /* a folded path's: strlen + 1 */
	const char *addr; /* AF_INET/AF_INET6 socket events: the address (netaddr.h) */
	const char *dns;  /* a send to port 53 holding a query: its name (dns.h) */
	/* an open that opened a file: its device (the kernel's dev_t, major
	 * << 20 | minor) and inode number; both 0 when not known */
	uint32_t file_dev;
	uint64_t file_ino;
	/* storage the pointers above may point into; not cleared */
	char addr_buf[NETADDR_MAX];
	char dns_buf[DNS_NAME_MAX];
	char fold_buf[2][PT_PATH_MAX * 2];
};

/* event_decode: validates a raw record of size bytes and fills *out with
 * pointers into it, or into out's own buffers for what it decodes: paths
 * folded, the socket address as text, a DNS query's name.  Returns 0, or
 * -EINVAL when the record is malformed (size mismatch, unknown type,
 * unterminated string field).  Never reads past raw + size. */
int event_decode(const void *raw, size_t size, struct event_view *out);

/* event_type_name: "exec", "open", ... ; "unknown" for a bad type. */
const char *event_type_name(uint32_t type);

/* event_write_json: one JSON object (schemas/event.schema.json) and a newline.
 * boot_offset_ns converts time_ns to wall-clock time for the wall field.
 * Returns 0 or -errno. */
int event_write_json(FILE *out, const struct event_view *v, uint64_t boot_offset_ns);

#endif
