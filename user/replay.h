/*
 * replay.h - a recorded trace through the pipeline (cmd_replay.c): what
 * `pkgtrace replay` does, and what `pkgtrace diff` does with a trace given
 * where a report is expected.
 */
#ifndef PKGTRACE_REPLAY_H
#define PKGTRACE_REPLAY_H

#include <stdbool.h>
#include "pipeline.h"

struct replay_result {
	struct report *report;        /* the report built, or NULL */
	int max_sev;                  /* its highest finding severity, -1 none */
	bool damaged;                 /* judged up to the trace's last good block */
	struct trace_damage *damage;  /* what the report points at when damaged */
};

/* replay_trace: the trace at path through a pipeline made with po (whose
 * baseline the caller sets; facts are the trace's); the pipeline writes
 * what po asks (stdout unless quiet, --report, --events).  Returns 0 with
 * res filled (res->damaged: the trace is damaged, one line said so), or
 * -EINVAL when path is no readable pkgtrace trace, or another -errno; the
 * problem is reported on stderr in every case.  The caller frees res with
 * replay_result_free(). */
int replay_trace(const char *path, struct pipeline_opts *po, struct replay_result *res);
void replay_result_free(struct replay_result *res);

#endif
