/*
 * trace.h - recorded traces (schemas/trace-format.md): a zlib-compressed,
 * block-streamed file holding the session info, every raw event and every
 * fact the analysis read, so that replay gives a byte-identical report.
 */
#ifndef PKGTRACE_TRACE_H
#define PKGTRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "session.h"

struct trace_writer;
struct trace_reader;

/* trace_writer_new: creates path (truncating) and writes the header.
 * Returns 0 and *out, or -errno. */
int trace_writer_new(const char *path, const struct session_info *si, struct trace_writer **out);
/* trace_writer_event: appends one raw pt_event record.  0 or -errno. */
int trace_writer_event(struct trace_writer *w, const void *raw, size_t size);
/* trace_writer_fact: appends one answer given by facts (see facts.h). */
int trace_writer_fact(struct trace_writer *w, const char *path, int err, const void *data, size_t len);
/* trace_writer_close: writes the final session info, flushes, closes, frees.
 * 0 or -errno (the file is still readable up to its last complete block). */
int trace_writer_close(struct trace_writer *w, const struct session_info *final);

/* ---- reading ------------------------------------------------------------ */

enum trace_item_kind { TRACE_ITEM_EVENT = 1, TRACE_ITEM_FACT, TRACE_ITEM_END };

/* One record of a trace; pointers stay valid until the next call. */
struct trace_item {
	int kind;
	const void *raw;                /* EVENT: the raw pt_event record */
	size_t size;
	const char *path;               /* FACT: as facts_put() takes it */
	int err;
	const void *data;
	size_t len;
	const struct session_info *si;  /* END: the final session info */
};

/* trace_reader_open: opens a trace and reads its header.  Returns 0 and
 * *out, or -errno with one line naming the problem and its byte offset in
 * err (-EBADMSG: not a trace, wrong version, truncated or corrupt header). */
int trace_reader_open(const char *path, struct trace_reader **out, char *err, size_t errlen);
/* trace_reader_open_mem: the same over len bytes at buf (not copied: buf
 * must outlive the reader). */
int trace_reader_open_mem(const void *buf, size_t len, struct trace_reader **out,
			  char *err, size_t errlen);
/* trace_reader_session: the session info as recorded at the start. */
const struct session_info *trace_reader_session(const struct trace_reader *r);
/* trace_reader_version: the pkgtrace version that wrote the trace. */
const char *trace_reader_version(const struct trace_reader *r);
/* trace_reader_next: the next record.  Returns 1 and *it, 0 after the end
 * record at the end of the file, or -errno (-EBADMSG: truncated or corrupt;
 * trace_reader_problem() says what and where).  Every record before a
 * problem was returned: a torn tail loses only its last block. */
int trace_reader_next(struct trace_reader *r, struct trace_item *it);
/* trace_reader_problem: one line naming the last problem and its offset. */
const char *trace_reader_problem(const struct trace_reader *r);
void trace_reader_free(struct trace_reader *r);

/* What made a trace unreadable past some point (schemas/trace-format.md,
 * "Errors").  A report judged from such a trace covers only what came
 * before; the command may well have run to its end. */
enum trace_damage_kind {
	TRACE_DAMAGE_NONE = 0,
	TRACE_DAMAGE_HEADER,         /* not a trace, other version, bad file header */
	TRACE_DAMAGE_READ_ERROR,     /* the file could not be read */
	TRACE_DAMAGE_TRUNCATED,      /* the file ends inside a block */
	TRACE_DAMAGE_NO_END,         /* it ends between blocks, before the end record */
	TRACE_DAMAGE_CORRUPT_BLOCK,  /* a block's frame, CRC, zlib data or streams */
	TRACE_DAMAGE_CORRUPT_RECORD, /* a record inside a sound block */
	TRACE_DAMAGE_TRAILING,       /* bytes after the end record */
};

struct trace_damage {
	enum trace_damage_kind kind;
	uint64_t offset;     /* file byte offset of the problem; inside a block:
			      * of that block's frame */
	uint64_t events;     /* event records read before it */
	bool end_record;     /* the end record was read before it */
	char message[256];   /* trace_reader_problem()'s line */
};

/* trace_reader_damage: the problem that ended reading (after
 * trace_reader_next() returned -EBADMSG, or -errno for a read error): 0 and
 * *d, or -ENOENT when there was none. */
int trace_reader_damage(const struct trace_reader *r, struct trace_damage *d);
/* trace_damage_name: "truncated", "missing-end-record", "corrupt-block",
 * "corrupt-record", "trailing-data", "read-error", "bad-header" ("none"). */
const char *trace_damage_name(enum trace_damage_kind kind);

#endif
