// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * daemon/webhook.c - alerts POSTed by one sender thread (libcurl).
 *
 * The poll loop only appends a copy of the line to a ring under a mutex
 * that the sender never holds across the network, so a slow or dead
 * endpoint costs tracing nothing; a full ring loses its oldest alert.
 * The sender delivers each alert to every URL in turn: a 2xx is sent; a
 * connection error, a timeout, 408, 429 or 5xx is retried after a backoff
 * that doubles (capped); any other answer, and a TLS certificate that does
 * not verify, is a failure at once (retrying cannot change them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "clock.h"
#include "daemon/webhook.h"
#include "err.h"

#define BACKOFF_CAP_MS 30000

struct alert {
	char *body;
	size_t len;
};

struct webhook {
	struct webhook_opts o;
	CURL *curl;                 /* the sender's only: kept for keep-alive */
	struct curl_slist *headers;
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;         /* guards everything below */
	pthread_cond_t cv;          /* an alert queued, or stop */
	struct alert *ring;         /* queue_max slots */
	long head, n;
	bool stopping;
	uint64_t deadline_ns;       /* CLOCK_MONOTONIC, once stopping */
	struct webhook_counts c;
};

static size_t discard_body(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

enum attempt { SENT, RETRY, FAILED };

/* One POST of a to url. */
static enum attempt post_once(struct webhook *w, const char *url, const struct alert *a)
{
	long code = 0;
	CURLcode rc;

	curl_easy_setopt(w->curl, CURLOPT_URL, url);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, a->body);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)a->len);
	rc = curl_easy_perform(w->curl);
	if (rc != CURLE_OK) {
		bool fatal = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
			     rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT;

		if (verbose || fatal)
			p_warn("daemon: webhook %s: %s", url, curl_easy_strerror(rc));
		return fatal ? FAILED : RETRY;
	}
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300)
		return SENT;
	if (verbose)
		p_info("daemon: webhook %s: HTTP %ld", url, code);
	return code == 408 || code == 429 || code >= 500 ? RETRY : FAILED;
}

/* Sleeps ms, or until the deadline once stopping.  Called and returns
 * with w->mu held.  Returns false when the deadline is past. */
static bool backoff_wait(struct webhook *w, long ms)
{
	uint64_t until = clock_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000ull;
	struct timespec ts;

	for (;;) {
		uint64_t now = clock_ns(CLOCK_MONOTONIC), end = until;

		if (w->stopping && now >= w->deadline_ns)
			return false;
		if (now >= until)
			return true;
		if (w->stopping && w->deadline_ns < end)
			end = w->deadline_ns;
		ts.tv_sec = (time_t)(end / 1000000000ull);
		ts.tv_nsec = (long)(end % 1000000000ull);
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
	}
}

/* Past the deadline of a stop?  Called with w->mu held. */
static bool too_late(struct webhook *w)
{
	return w->stopping && clock_ns(CLOCK_MONOTONIC) >= w->deadline_ns;
}

/* a to url, with the retries; counts the outcome.  Called without w->mu. */
static void deliver(struct webhook *w, const char *url, const struct alert *a)
{
	long backoff = w->o.backoff_ms;
	enum attempt r = RETRY;
	bool in_time;

	for (long i = 0;; i++) {
		pthread_mutex_lock(&w->mu);
		in_time = i == 0 ? !too_late(w) : backoff_wait(w, backoff);
		if (in_time && i > 0)
			w->c.retries++;
		pthread_mutex_unlock(&w->mu);
		if (!in_time)
			break;
		if (i > 0)
			backoff = backoff * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : backoff * 2;
		r = post_once(w, url, a);
		if (r != RETRY || i == w->o.retries)
			break;
	}
	pthread_mutex_lock(&w->mu);
	if (r == SENT)
		w->c.sent++;
	else
		w->c.failed++;
	pthread_mutex_unlock(&w->mu);
	if (r != SENT)
		p_warn("daemon: webhook %s: an alert was not delivered (%s)", url,
		       r == FAILED ? "refused" : in_time ? "retries spent" : "stopping");
}

static void *sender(void *arg)
{
	struct webhook *w = arg;
	struct alert a;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->n && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->n || too_late(w))
			break;
		a = w->ring[w->head];
		w->ring[w->head].body = NULL;
		w->head = (w->head + 1) % w->o.queue_max;
		w->n--;
		pthread_mutex_unlock(&w->mu);
		for (int i = 0; i < w->o.nurls; i++)
			deliver(w, w->o.urls[i], &a);
		free(a.body);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

bool webhook_header_valid(const char *h)
{
	const char *colon = strchr(h, ':');

	return colon && colon != h && !strpbrk(h, "\r\n") && strcspn(h, " \t") >= (size_t)(colon - h);
}

/* One header line onto *l.  Returns 0 or -ENOMEM (*l freed). */
static int header_add(struct curl_slist **l, const char *h)
{
	struct curl_slist *n = curl_slist_append(*l, h);

	if (!n) {
		curl_slist_free_all(*l);
		*l = NULL;
		return -ENOMEM;
	}
	*l = n;
	return 0;
}

/* The header lines of path (blank lines and # comments skipped) onto *l.
 * Returns 0 or -errno (reported). */
static int header_file_add(struct curl_slist **l, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0, lineno = 0;

	if (!f) {
		err = -errno;
		p_err("daemon: --webhook-header @%s: %s", path, strerror(-err));
		return -EINVAL;
	}
	while (!err && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (!webhook_header_valid(line)) {
			/* the line may hold a secret: only its number is said */
			p_err("daemon: --webhook-header @%s: line %d is not 'Name: value'", path, lineno);
			err = -EINVAL;
		} else {
			err = header_add(l, line);
		}
	}
	free(line);
	fclose(f);
	return err;
}

int webhook_new(const struct webhook_opts *o, struct webhook **out)
{
	struct webhook *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;
	sigset_t all, old;
	char agent[64];
	int err = -ENOMEM;

	if (!w)
		goto cleanup;
	w->o = *o;
	pthread_mutex_init(&w->mu, NULL);
	/* backoff deadlines are monotonic: a clock step must not stretch them */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	w->ring = calloc((size_t)o->queue_max, sizeof(*w->ring));
	if (!w->ring)
		goto cleanup;
	/* before any thread: curl_global_init is not thread-safe */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err = -EIO;
		goto cleanup;
	}
	w->curl = curl_easy_init();
	if (!w->curl)
		goto cleanup;
	err = header_add(&w->headers, "Content-Type: application/json");
	for (int i = 0; !err && i < o->nheaders; i++)
		err = o->headers[i][0] == '@' ? header_file_add(&w->headers, o->headers[i] + 1)
					      : header_add(&w->headers, o->headers[i]);
	if (err)
		goto cleanup;
	snprintf(agent, sizeof(agent), "pkgtrace/%s", PKGTRACE_VERSION);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, agent);
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, w->headers);
	/* a thread: no SIGALRM for name resolution timeouts */
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, discard_body);
	if (o->ca_file)
		curl_easy_setopt(w->curl, CURLOPT_CAINFO, o->ca_file);
	/* the daemon's signals (SIGTERM, SIGHUP) are the poll loop's: the
	 * sender starts with them all blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&w->thread, NULL, sender, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->thread_started = !err;
cleanup:
	if (!err) {
		*out = w;
		return 0;
	}
	if (err != -EINVAL)
		p_err("daemon: webhook: cannot start: %s", strerror(-err));
	webhook_free(w);
	return err;
}

void webhook_post(struct webhook *w, const char *json, size_t len)
{
	char *body = malloc(len);
	long tail;

	if (!body) {
		pthread_mutex_lock(&w->mu);
		w->c.dropped++;
		pthread_mutex_unlock(&w->mu);
		return;
	}
	memcpy(body, json, len);
	pthread_mutex_lock(&w->mu);
	if (w->n == w->o.queue_max) {
		/* full: the oldest alert goes, the newest is kept */
		free(w->ring[w->head].body);
		w->ring[w->head].body = NULL;
		w->head = (w->head + 1) % w->o.queue_max;
		w->n--;
		w->c.dropped++;
	}
	tail = (w->head + w->n) % w->o.queue_max;
	w->ring[tail] = (struct alert){ body, len };
	w->n++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void webhook_counts(struct webhook *w, struct webhook_counts *c)
{
	pthread_mutex_lock(&w->mu);
	*c = w->c;
	c->queued = (uint64_t)w->n;
	pthread_mutex_unlock(&w->mu);
}

void webhook_stop(struct webhook *w, long deadline_ms)
{
	pthread_mutex_lock(&w->mu);
	if (!w->stopping) {
		w->stopping = true;
		w->deadline_ns = clock_ns(CLOCK_MONOTONIC) + (uint64_t)deadline_ms * 1000000ull;
	}
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->thread_started) {
		pthread_join(w->thread, NULL);
		w->thread_started = false;
	}
	/* the thread is gone: no lock needed for what it left */
	for (; w->n > 0; w->n--) {
		free(w->ring[w->head].body);
		w->ring[w->head].body = NULL;
		w->head = (w->head + 1) % w->o.queue_max;
		w->c.dropped++;
	}
}

void webhook_free(struct webhook *w)
{
	if (!w)
		return;
	if (w->ring)
		webhook_stop(w, 0);
	if (w->curl)
		curl_easy_cleanup(w->curl);
	curl_slist_free_all(w->headers);
	free(w->ring);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	/* curl_global_init was called iff the ring exists and got past it:
	 * cleanup without init is harmless in libcurl */
	curl_global_cleanup();
	free(w);
}
