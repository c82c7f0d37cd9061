// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* STUB: replaced by record and replay (issue 4). */
#include <errno.h>
#include "trace.h"

int trace_writer_new(const char *path, const struct session_info *si, struct trace_writer **out)
{
	(void)path; (void)si; (void)out;
	return -ENOSYS;
}
int trace_writer_event(struct trace_writer *w, const void *raw, size_t size)
{
	(void)w; (void)raw; (void)size;
	return -ENOSYS;
}
int trace_writer_fact(struct trace_writer *w, const char *path, int err, const void *data, size_t len)
{
	(void)w; (void)path; (void)err; (void)data; (void)len;
	return -ENOSYS;
}
int trace_writer_close(struct trace_writer *w, const struct session_info *final)
{
	(void)w; (void)final;
	return -ENOSYS;
}
