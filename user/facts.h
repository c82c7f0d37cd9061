/*
 * facts.h - what the analysis learns from outside the event stream.
 *
 * The analysis never touches the disk itself: it asks facts_read_file().
 * Live, the file is read and the answer (content or errno) is handed to a
 * recorder, so the trace holds it; in replay the same question is answered
 * from the trace.  That is what makes a replayed report byte-identical.
 */
#ifndef PKGTRACE_FACTS_H
#define PKGTRACE_FACTS_H

#include <stddef.h>

struct facts;

typedef void (*facts_record_fn)(void *ctx, const char *path, int err,
				const void *data, size_t len);

/* facts_new: live facts read the disk; replay facts answer only from
 * facts_put().  Returns NULL on allocation failure. */
struct facts *facts_new(int live);
void facts_free(struct facts *f);

/* facts_set_recorder: every answer a live facts object gives is passed to
 * fn once (repeated questions are served from memory). */
void facts_set_recorder(struct facts *f, facts_record_fn fn, void *ctx);

/* facts_set_root: live facts resolve paths inside root_fd (an O_PATH fd
 * of the traced process's root directory, e.g. /proc/PID/root for an
 * install in a container; not owned) instead of /; -1 restores /.
 * Questions and recorded answers keep the process's own paths. */
void facts_set_root(struct facts *f, int root_fd);

/* facts_put: store an answer (err 0 with data, or a -errno).  Used by the
 * trace reader.  Returns 0 or -ENOMEM. */
int facts_put(struct facts *f, const char *path, int err, const void *data, size_t len);

/* facts_compute_fn: the live answer to a question, from the disk (root_fd
 * as set by facts_set_root, -1: /): 0 with *data (malloc'd, or NULL when
 * *len is 0) and *len, or -errno.  Never called in replay. */
typedef int (*facts_compute_fn)(void *ctx, int root_fd, char **data, size_t *len);

/* facts_get: the answer to question key.  Live, fn computes it the first
 * time (and the recorder gets it); in replay it comes from facts_put().
 * Keys that are absolute paths are files (facts_read_file); keys starting
 * "pkgtrace:" are what the collector learned otherwise (user/resolve.h).
 * Returns 0 with *data (NUL-terminated, owned by f) and *len, or -errno
 * (-ENOENT in replay for a question the live run never asked). */
int facts_get(struct facts *f, const char *key, facts_compute_fn fn, void *ctx,
	      const char **data, size_t *len);

/* facts_live: f answers from the disk (not a replay). */
int facts_live(const struct facts *f);

/* facts_read_file: up to max bytes of path.  Returns 0 and sets *data
 * (NUL-terminated, owned by f) and *len, or -errno (-ENOENT in replay for a
 * question the live run never asked). */
int facts_read_file(struct facts *f, const char *path, size_t max,
		    const char **data, size_t *len);

#endif
