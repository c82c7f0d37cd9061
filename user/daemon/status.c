// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* daemon/status.c - the status file and its health check. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "clock.h"
#include "daemon/status.h"
#include "err.h"

#define I64(v) json_object_new_int64((int64_t)(v))

static struct json_object *status_json(const struct daemon_status *s)
{
	struct json_object *o = json_object_new_object(), *h;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(o, "format", json_object_new_string(STATUS_FORMAT));
	json_object_object_add(o, "pid", I64(getpid()));
	json_object_object_add(o, "updated_at", json_object_new_string(when));
	json_object_object_add(o, "boottime_ns", I64(clock_ns(CLOCK_BOOTTIME)));
	json_object_object_add(o, "open_sessions", I64(s->open_sessions));
	json_object_object_add(o, "reports", I64(s->counts.reports));
	json_object_object_add(o, "dropped_sessions", I64(s->counts.dropped_sessions));
	json_object_object_add(o, "kernel_drops", I64(s->counts.kernel_drops));
	json_object_object_add(o, "stray_records", I64(s->counts.stray_records));
	json_object_object_add(o, "malformed_records", I64(s->counts.malformed));
	h = NULL;
	if (s->has_webhook) {
		h = json_object_new_object();
		json_object_object_add(h, "sent", I64(s->webhook.sent));
		json_object_object_add(h, "failed", I64(s->webhook.failed));
		json_object_object_add(h, "retries", I64(s->webhook.retries));
		json_object_object_add(h, "dropped", I64(s->webhook.dropped));
		json_object_object_add(h, "queued", I64(s->webhook.queued));
	}
	json_object_object_add(o, "webhook", h);
	h = NULL;
	if (s->has_retention) {
		h = json_object_new_object();
		json_object_object_add(h, "removed", I64(s->retention.removed));
		json_object_object_add(h, "removed_bytes", I64(s->retention.removed_bytes));
		json_object_object_add(h, "kept", I64(s->retention.kept));
		json_object_object_add(h, "kept_bytes", I64(s->retention.kept_bytes));
	}
	json_object_object_add(o, "traces", h);
	return o;
}

int status_write(const char *path, const struct daemon_status *s)
{
	struct json_object *o = status_json(s);
	char *tmp = NULL;
	FILE *f = NULL;
	int err = 0;

	if (asprintf(&tmp, "%s.tmp", path) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto cleanup;
	}
	f = fopen(tmp, "we");
	if (!f) {
		err = -errno;
		goto cleanup;
	}
	if (fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	f = NULL;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
cleanup:
	free(tmp);
	json_object_put(o);
	return err;
}

int status_check(const char *path, long max_age_s)
{
	struct json_object *o, *v;
	const char *fmt;
	int64_t pid, stamp, age_ms;
	int ret = PT_EXIT_BAD_INPUT;

	errno = 0;
	o = json_object_from_file(path);
	if (!o) {
		p_err("daemon --health: %s: %s", path, errno ? strerror(errno) : "not JSON");
		return PT_EXIT_BAD_INPUT;
	}
	fmt = json_object_object_get_ex(o, "format", &v) ? json_object_get_string(v) : NULL;
	if (!fmt || strcmp(fmt, STATUS_FORMAT) || !json_object_object_get_ex(o, "pid", &v)) {
		p_err("daemon --health: %s: not a pkgtrace daemon status file", path);
		goto cleanup;
	}
	pid = json_object_get_int64(v);
	stamp = json_object_object_get_ex(o, "boottime_ns", &v) ? json_object_get_int64(v) : 0;
	age_ms = ((int64_t)clock_ns(CLOCK_BOOTTIME) - stamp) / 1000000;
	ret = 1;
	/* the probe runs in the daemon's pid namespace (hostPID or the same pod) */
	if (pid <= 0 || (kill((pid_t)pid, 0) && errno == ESRCH)) {
		p_err("daemon --health: the daemon of %s (pid %lld) is gone", path, (long long)pid);
		goto cleanup;
	}
	if (age_ms > max_age_s * 1000) {
		p_err("daemon --health: %s is %lld ms old (limit %ld s): the daemon no longer reads its rings",
		      path, (long long)age_ms, max_age_s);
		goto cleanup;
	}
	printf("healthy: pid %lld, status %lld ms old\n", (long long)pid, (long long)age_ms);
	ret = PT_EXIT_OK;
cleanup:
	json_object_put(o);
	return ret;
}
