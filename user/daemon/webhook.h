/*
 * daemon/webhook.h - the daemon's alerts over HTTP(S): each report with a
 * finding POSTed as JSON to every --webhook URL by a sender thread, with
 * bounded retries and backoff.  Tracing never waits for it: posting only
 * copies the line into a bounded queue, and when the queue is full the
 * oldest alert is dropped and counted.
 */
#ifndef PKGTRACE_DAEMON_WEBHOOK_H
#define PKGTRACE_DAEMON_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_MAX_URLS 8
#define WEBHOOK_MAX_HEADERS 16

struct webhook;

struct webhook_opts {
	const char *urls[WEBHOOK_MAX_URLS];       /* http:// or https:// */
	int nurls;
	/* "Name: value", sent as is; "@FILE": one such line per line of FILE
	 * (a mounted Secret: a token stays out of the command line) */
	const char *headers[WEBHOOK_MAX_HEADERS];
	int nheaders;
	const char *ca_file;        /* CA bundle for https, NULL: the system's */
	long queue_max;             /* alerts waiting at most; then the oldest goes */
	long retries;               /* attempts after the first, per URL */
	long timeout_ms;            /* one attempt, connection included */
	long backoff_ms;            /* before the first retry; doubled each time */
};

/* What the status file and the stopped notice say about delivery.  An
 * alert is counted once per URL. */
struct webhook_counts {
	uint64_t sent;              /* delivered: a 2xx answer */
	uint64_t failed;            /* given up: retries spent or a 4xx answer */
	uint64_t retries;           /* attempts after a first one failed */
	uint64_t dropped;           /* pushed out of a full queue, or still queued at stop */
	uint64_t queued;            /* waiting now */
};

/* webhook_header_valid: is h one "Name: value" header line (a name
 * without blanks, then a colon, no line break)? */
bool webhook_header_valid(const char *h);

/* webhook_new: the sender thread started for o (o's strings must outlive
 * the webhook); "@FILE" headers are read now.  Returns 0 and *out, or
 * -errno (reported): -EINVAL for a header file that cannot be read or
 * holds a line that is not a header. */
int webhook_new(const struct webhook_opts *o, struct webhook **out);

/* webhook_post: json (len bytes, copied) queued for every URL.  Never
 * blocks on the network; a full queue drops its oldest alert (counted). */
void webhook_post(struct webhook *w, const char *json, size_t len);

/* webhook_counts: the counts so far (thread-safe). */
void webhook_counts(struct webhook *w, struct webhook_counts *c);

/* webhook_stop: the queue delivered for up to deadline_ms (no new retry
 * starts past it), then the thread stopped; what is left is counted
 * dropped.  Idempotent. */
void webhook_stop(struct webhook *w, long deadline_ms);

/* webhook_free: webhook_stop(w, 0) and everything released.  NULL is fine. */
void webhook_free(struct webhook *w);

#endif
