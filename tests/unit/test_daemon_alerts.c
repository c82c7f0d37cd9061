// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * test_daemon_alerts.c - the daemon's webhook queue and trace retention
 * without BPF: a full queue drops its oldest alert and never blocks the
 * poster, every alert is accounted for (sent, failed or dropped) after
 * stop, and stop is bounded even with retries pending; retention removes
 * by age, then oldest first by size, never a trace in use nor a non-trace.
 * The only network use: connections to a closed loopback port.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "daemon/retention.h"
#include "daemon/webhook.h"
#include "unit.h"

/* a loopback port nothing listens on: bound, never listened, then closed */
static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void test_webhook_queue_drops_oldest(void)
{
	struct webhook_opts o = { .nurls = 1, .queue_max = 2, .retries = 2, .timeout_ms = 1000,
				  .backoff_ms = 400 };
	struct webhook_counts c;
	struct webhook *w = NULL;
	char url[64];
	uint64_t t0, post_ns;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", closed_port());
	o.urls[0] = url;
	CHECK(webhook_new(&o, &w) == 0);
	if (!w)
		return;
	t0 = clock_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < 20; i++)
		webhook_post(w, "{\"n\":1}", 7);
	post_ns = clock_ns(CLOCK_MONOTONIC) - t0;
	/* 20 posts while the sender retries: no wait on the network */
	CHECK(post_ns < 50000000ull);
	webhook_counts(w, &c);
	CHECK(c.queued <= 2);
	CHECK(c.dropped >= 17);
	t0 = clock_ns(CLOCK_MONOTONIC);
	webhook_stop(w, 300);
	/* the deadline cuts the 400 ms + 800 ms backoffs short */
	CHECK(clock_ns(CLOCK_MONOTONIC) - t0 < 1500000000ull);
	webhook_counts(w, &c);
	CHECK_INT(c.sent, 0);
	CHECK_INT(c.queued, 0);
	CHECK_INT(c.failed + c.dropped, 20);
	webhook_free(w);
}

static void make_trace(int dfd, const char *name, size_t bytes, time_t age_s)
{
	struct timespec ts[2];
	char *buf = calloc(1, bytes ? bytes : 1);
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (write(fd, buf, bytes) != (ssize_t)bytes)
		unit_failed_checks++;
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= age_s;
	ts[1] = ts[0];
	futimens(fd, ts);
	close(fd);
	free(buf);
}

static bool in_use_c(void *ctx, const char *path)
{
	size_t n = strlen(path);

	(void)ctx;
	return n >= 5 && !strcmp(path + n - 5, "c.ptr");
}

static void test_retention(void)
{
	char dir[] = "/tmp/pkgtrace-unit-retention.XXXXXX";
	struct retention_counts c = { 0 };
	struct stat st;
	int dfd;

	CHECK(mkdtemp(dir) != NULL);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	make_trace(dfd, "a.ptr", 8192, 7200);   /* too old */
	make_trace(dfd, "b.ptr", 8192, 600);
	make_trace(dfd, "c.ptr", 8192, 500);    /* in use: stays though old enough to go */
	make_trace(dfd, "d.ptr", 8192, 400);
	make_trace(dfd, "e.ptr", 8192, 300);
	make_trace(dfd, "notes.txt", 8192, 9000);
	fstatat(dfd, "b.ptr", &st, 0);
	/* room for two traces: a (age), b (size) go, c is in use, d goes */
	CHECK_INT(retention_enforce(dir, (uint64_t)st.st_blocks * 512 * 2, 3600, in_use_c, NULL, &c), 0);
	CHECK_INT(c.removed, 3);
	CHECK_INT(c.kept, 2);
	CHECK(faccessat(dfd, "a.ptr", F_OK, 0) != 0);
	CHECK(faccessat(dfd, "b.ptr", F_OK, 0) != 0);
	CHECK(faccessat(dfd, "c.ptr", F_OK, 0) == 0);
	CHECK(faccessat(dfd, "d.ptr", F_OK, 0) != 0);
	CHECK(faccessat(dfd, "e.ptr", F_OK, 0) == 0);
	CHECK(faccessat(dfd, "notes.txt", F_OK, 0) == 0);
	/* no bounds: nothing goes */
	CHECK_INT(retention_enforce(dir, 0, 0, NULL, NULL, &c), 0);
	CHECK_INT(c.removed, 3);
	CHECK_INT(c.kept, 2);
	CHECK(retention_enforce("/nonexistent-pkgtrace-dir", 1, 0, NULL, NULL, &c) < 0);
	unlinkat(dfd, "c.ptr", 0);
	unlinkat(dfd, "e.ptr", 0);
	unlinkat(dfd, "notes.txt", 0);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	TEST(test_webhook_queue_drops_oldest);
	TEST(test_retention);
	UNIT_EXIT();
}
