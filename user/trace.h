/*
 * trace.h - recorded traces (schemas/trace-format.md): a zlib-compressed,
 * block-streamed file holding the session info, every raw event and every
 * fact the analysis read, so that replay gives a byte-identical report.
 */
#ifndef PKGTRACE_TRACE_H
#define PKGTRACE_TRACE_H

#include <stddef.h>
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

#endif
