// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* daemon/notices.c - the daemon's output lines: reports and notices. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "daemon/notices.h"
#include "err.h"

#define NOTICE_FORMAT "pkgtrace-daemon/1"

struct notices {
	const char *path;           /* --output, NULL: stdout */
	FILE *out;
	struct cgroupctx *cg;       /* NULL without a cgroup2 hierarchy */
	struct webhook *hook;       /* NULL: no --webhook */
};

static int open_output(struct notices *n)
{
	FILE *f;
	int err;

	if (!n->path) {
		n->out = stdout;
		return 0;
	}
	f = fopen(n->path, "ae");
	if (!f) {
		err = -errno;
		p_err("daemon: --output %s: %s", n->path, strerror(-err));
		return err;
	}
	if (n->out && n->out != stdout)
		fclose(n->out);
	n->out = f;
	return 0;
}

int notices_new(const char *path, struct cgroupctx *cg, struct notices **out)
{
	struct notices *n = calloc(1, sizeof(*n));
	int err;

	if (!n) {
		p_err("out of memory");
		return -ENOMEM;
	}
	n->path = path;
	n->cg = cg;
	err = open_output(n);
	if (err) {
		free(n);
		return err;
	}
	*out = n;
	return 0;
}

int notices_reopen(struct notices *n)
{
	return open_output(n);
}

void notices_free(struct notices *n)
{
	if (!n)
		return;
	if (n->out && n->out != stdout)
		fclose(n->out);
	free(n);
}

void notices_set_webhook(struct notices *n, struct webhook *w)
{
	n->hook = w;
}

/* o written as one line; returns the line (o's, valid until o changes) */
static const char *emit(struct notices *n, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return NULL;
	/* one write per line, so concurrent readers never see half a report */
	if (fprintf(n->out, "%s\n", s) < 0 || fflush(n->out))
		p_err("daemon: writing to %s: %s", n->path ? n->path : "stdout", strerror(errno));
	return s;
}

static struct json_object *jstr_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* container, pod and cgroup of a cgroup id, as report fields. */
static void add_context(struct notices *n, struct json_object *o, uint64_t cgroup_id)
{
	struct cgroup_meta m;
	struct json_object *c = NULL, *p = NULL;
	int err = n->cg ? cgroupctx_lookup(n->cg, cgroup_id, &m) : -ENOENT;

	if (err)
		cgroupctx_parse(NULL, &m);
	if (m.container_id[0]) {
		c = json_object_new_object();
		json_object_object_add(c, "id", json_object_new_string(m.container_id));
		json_object_object_add(c, "runtime", jstr_or_null(m.runtime));
	}
	if (m.pod_uid[0]) {
		p = json_object_new_object();
		json_object_object_add(p, "uid", json_object_new_string(m.pod_uid));
		json_object_object_add(p, "name", jstr_or_null(m.pod_name));
		json_object_object_add(p, "namespace", jstr_or_null(m.pod_namespace));
	}
	json_object_object_add(o, "container", c);
	json_object_object_add(o, "pod", p);
	json_object_object_add(o, "cgroup", jstr_or_null(m.path));
}

void notices_report(struct notices *n, struct json_object *report, uint64_t cgroup_id,
		    const char *trace)
{
	struct json_object *findings;
	const char *line;

	add_context(n, report, cgroup_id);
	json_object_object_add(report, "trace", jstr_or_null(trace));
	line = emit(n, report);
	/* an alert is a report with something to look at: a clean install
	 * stays in the output lines only */
	if (line && n->hook && json_object_object_get_ex(report, "findings", &findings) &&
	    json_object_array_length(findings) > 0)
		webhook_post(n->hook, line, strlen(line));
}

static struct json_object *notice_new(const char *event)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "format", json_object_new_string(NOTICE_FORMAT));
	json_object_object_add(o, "event", json_object_new_string(event));
	return o;
}

void notices_dropped(struct notices *n, const struct pt_event *ev)
{
	struct json_object *o = notice_new("session-dropped");
	char comm[PT_COMM_LEN + 1];

	if (!o)
		return;
	memcpy(comm, ev->comm, PT_COMM_LEN);
	comm[PT_COMM_LEN] = '\0';
	json_object_object_add(o, "reason", json_object_new_string("max-sessions"));
	json_object_object_add(o, "session", json_object_new_int64(ev->session));
	json_object_object_add(o, "pid", json_object_new_int64(ev->pid));
	json_object_object_add(o, "comm", json_object_new_string(comm));
	json_object_object_add(o, "time_ns", json_object_new_int64((int64_t)ev->time_ns));
	add_context(n, o, ev->cgroup_id);
	emit(n, o);
	json_object_put(o);
}

void notices_started(struct notices *n, const char *const *cmds, int partial)
{
	struct json_object *o = notice_new("started"), *list = json_object_new_array();

	if (!o || !list) {
		json_object_put(o);
		json_object_put(list);
		return;
	}
	json_object_object_add(o, "pkgtrace_version", json_object_new_string(PKGTRACE_VERSION));
	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	for (int i = 0; cmds[i]; i++)
		json_object_array_add(list, json_object_new_string(cmds[i]));
	json_object_object_add(o, "session_cmds", list);
	json_object_object_add(o, "partial_sessions", json_object_new_int(partial));
	json_object_object_add(o, "cgroup_root", jstr_or_null(n->cg ? cgroupctx_root(n->cg) : NULL));
	emit(n, o);
	json_object_put(o);
}

void notices_stopped(struct notices *n, const struct daemon_counts *c,
		     const struct webhook_counts *hook)
{
	struct json_object *o = notice_new("stopped"), *h = NULL;

	if (!o)
		return;
	json_object_object_add(o, "reports", json_object_new_int64((int64_t)c->reports));
	json_object_object_add(o, "dropped_sessions", json_object_new_int64((int64_t)c->dropped_sessions));
	json_object_object_add(o, "kernel_drops", json_object_new_int64((int64_t)c->kernel_drops));
	json_object_object_add(o, "stray_records", json_object_new_int64((int64_t)c->stray_records));
	json_object_object_add(o, "malformed_records", json_object_new_int64((int64_t)c->malformed));
	if (hook) {
		h = json_object_new_object();
		json_object_object_add(h, "sent", json_object_new_int64((int64_t)hook->sent));
		json_object_object_add(h, "failed", json_object_new_int64((int64_t)hook->failed));
		json_object_object_add(h, "retries", json_object_new_int64((int64_t)hook->retries));
		json_object_object_add(h, "dropped", json_object_new_int64((int64_t)hook->dropped));
	}
	json_object_object_add(o, "webhook", h);
	emit(n, o);
	json_object_put(o);
}
