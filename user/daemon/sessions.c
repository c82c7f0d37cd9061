// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * daemon/sessions.c - the daemon's session table: records in, one pipeline
 * per session, reports out through report_json() with the daemon's fields
 * added (notices.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "clock.h"
#include "daemon/sessions.h"
#include "err.h"
#include "event.h"
#include "facts.h"
#include "pipeline.h"
#include "sessenv.h"

#define TREE_CHECK_MS 200     /* how often a draining session asks the kernel */
#define PREEXIST_BASE 0x80000000u /* partial session ids, above the kernel's */

struct dsession {
	uint32_t id;
	struct session_info si;     /* owns its strings (session.h) */
	struct pipeline *pipe;      /* NULL until the root's exec is seen */
	struct facts *facts;
	int root_fd;                /* O_PATH /proc/<root>/root: its files, for facts */
	int mntns_fd;               /* its mount namespace, kept alive until the report */
	char *record_path;
	void *pending;              /* the ROOT record, until the exec arrives */
	size_t pending_len;
	uint64_t cgroup_id;
	uint64_t start_mono_ns;     /* when the daemon took the session */
	uint64_t root_exit_ns;      /* monotonic; 0 while the root runs */
	uint64_t last_check_ns;
	long live;                  /* processes in the tree, from forks/exits */
	bool root_exited;
};

struct sessions {
	struct sessions_opts o;
	struct dsession **s;        /* open sessions, max_sessions slots */
	struct dsession *last;      /* lookup cache */
	uint32_t next_partial;
	struct daemon_counts counts;
};

int sessions_new(const struct sessions_opts *o, struct sessions **out)
{
	struct sessions *t = calloc(1, sizeof(*t));

	if (t)
		t->s = calloc((size_t)o->max_sessions, sizeof(*t->s));
	if (!t || !t->s) {
		free(t);
		return -ENOMEM;
	}
	t->o = *o;
	t->next_partial = PREEXIST_BASE;
	*out = t;
	return 0;
}

void sessions_free(struct sessions *t)
{
	if (!t)
		return;
	for (long i = 0; i < t->o.max_sessions; i++)
		dsession_discard(t, t->s[i]);
	free(t->s);
	free(t);
}

struct dsession *sessions_find(struct sessions *t, uint32_t id)
{
	if (t->last && t->last->id == id)
		return t->last;
	for (long i = 0; i < t->o.max_sessions; i++)
		if (t->s[i] && t->s[i]->id == id)
			return t->last = t->s[i];
	return NULL;
}

void dsession_discard(struct sessions *t, struct dsession *s)
{
	if (!s)
		return;
	for (long i = 0; i < t->o.max_sessions; i++)
		if (t->s[i] == s)
			t->s[i] = NULL;
	if (t->last == s)
		t->last = NULL;
	if (s->pipe)
		pipeline_finish(s->pipe, &s->si);
	if (s->root_fd >= 0)
		close(s->root_fd);
	if (s->mntns_fd >= 0)
		close(s->mntns_fd);
	facts_free(s->facts);
	free(s->record_path);
	free(s->pending);
	session_free(&s->si);
	free(s);
}

/* A new session slot, or NULL when --max-sessions are open. */
static struct dsession *session_open(struct sessions *t, uint32_t id, uint32_t root_pid,
				     uint64_t cgroup_id)
{
	struct dsession *s;
	char path[64];
	long slot = -1;

	for (long i = 0; i < t->o.max_sessions && slot < 0; i++)
		if (!t->s[i])
			slot = i;
	if (slot < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (session_init(&s->si)) {
		free(s);
		return NULL;
	}
	s->id = id;
	/* The analysis reads the install's files (package.json, lockfiles) as
	 * the install sees them: in a container, through its root.  Opened now,
	 * while the root process surely lives; holding its mount namespace
	 * keeps the container's mounts in place after its processes exit. */
	snprintf(path, sizeof(path), "/proc/%u/root", root_pid);
	s->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%u/ns/mnt", root_pid);
	s->mntns_fd = open(path, O_RDONLY | O_CLOEXEC);
	s->cgroup_id = cgroup_id;
	s->live = 1;
	s->start_mono_ns = clock_ns(CLOCK_MONOTONIC);
	s->si.root_pid = root_pid;
	s->si.collector_pid = (uint32_t)getpid();
	if (t->o.probe)
		s->si.nmonitor_maps = probe_map_ids(t->o.probe, s->si.monitor_maps, SESSION_MONITOR_MAPS);
	t->s[slot] = s;
	return s;
}

struct dsession *sessions_open_partial(struct sessions *t, uint32_t root_pid, uint64_t cgroup_id)
{
	struct dsession *s = session_open(t, t->next_partial++, root_pid, cgroup_id);

	if (!s)
		return NULL;
	s->si.partial = true;
	s->si.start_ns = clock_ns(CLOCK_BOOTTIME);
	return s;
}

int dsession_start(struct sessions *t, struct dsession *s)
{
	struct pipeline_opts po = { 0 };
	char ts[32];
	time_t wall;
	struct tm tm;
	int err;

	s->facts = facts_new(1);
	if (!s->facts) {
		p_err("daemon: session %u: out of memory", s->id);
		return -ENOMEM;
	}
	facts_set_root(s->facts, s->root_fd);
	if (t->o.record_dir) {
		wall = (time_t)((s->si.start_ns + s->si.boot_offset_ns) / 1000000000ull);
		gmtime_r(&wall, &tm);
		strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
		if (asprintf(&s->record_path, "%s/%s-%u.ptr", t->o.record_dir, ts, s->id) < 0) {
			s->record_path = NULL;
			return -ENOMEM;
		}
	}
	/* no report file and nothing on stdout: the report is taken from
	 * pipeline_finish_report() */
	po.record_path = s->record_path;
	po.quiet = true;
	po.baseline = t->o.bl;
	po.policy = t->o.policy;
	po.fail_on = SEV_HIGH; /* the verdict a report carries; the daemon exits on none */
	po.facts = s->facts;
	err = pipeline_new(&po, &s->si, &s->pipe);
	if (err && s->record_path) {
		/* no trace (already said why): the report still matters more */
		free(s->record_path);
		s->record_path = NULL;
		po.record_path = NULL;
		err = pipeline_new(&po, &s->si, &s->pipe);
	}
	if (err)
		s->pipe = NULL;
	return err;
}

void dsession_feed(struct dsession *s, const void *raw, size_t size)
{
	pipeline_feed(s->pipe, raw, size);
	s->si.events++;
}

void dsession_add_process(struct dsession *s)
{
	s->live++;
}

uint32_t dsession_id(const struct dsession *s)
{
	return s->id;
}

uint64_t dsession_cgroup_id(const struct dsession *s)
{
	return s->cgroup_id;
}

struct session_info *dsession_info(struct dsession *s)
{
	return &s->si;
}

/* The session info of a kernel-started session from its root's exec
 * record (NULL: the exec was lost; the command is then its comm). */
static int session_from_exec(struct sessions *t, struct dsession *s, const void *raw, size_t size)
{
	struct event_view v;
	const struct pt_event *root = s->pending;
	char comm[PT_COMM_LEN + 1];
	int err;

	if (raw && !event_decode(raw, size, &v)) {
		err = session_set_argv_nul(&s->si, v.field[1] ? v.field[1] : "",
					   v.field[1] ? v.field_len[1] : 0);
		if (!err)
			sesscmds_trim_interpreter(t->o.cmds, &s->si);
		if (!err && v.field[2])
			s->si.cwd = strndup(v.field[2], v.field_len[2]);
		if (!err && v.field[3])
			err = sessenv_filter(NULL, v.field[3], v.field_len[3], &s->si.env, &s->si.envc);
		else if (!err)
			err = sessenv_filter(NULL, NULL, 0, &s->si.env, &s->si.envc);
	} else {
		memcpy(comm, root ? root->comm : "?", root ? PT_COMM_LEN : 2);
		comm[PT_COMM_LEN] = '\0';
		err = session_set_argv_nul(&s->si, comm, strlen(comm) + 1);
		if (!err)
			err = sessenv_filter(NULL, NULL, 0, &s->si.env, &s->si.envc);
	}
	if (err)
		return err;
	err = dsession_start(t, s);
	if (err)
		return err;
	if (s->pending) {
		dsession_feed(s, s->pending, s->pending_len);
		free(s->pending);
		s->pending = NULL;
	}
	return 0;
}

/* The report: report_json() of the pipeline's report, plus the daemon's
 * fields, one line; s is freed. */
static int session_finish(struct sessions *t, struct dsession *s, bool interrupted)
{
	struct report *r = NULL;
	struct json_object *j = NULL;
	int sev, err = 0;

	if (!s->pipe && session_from_exec(t, s, NULL, 0)) {
		p_err("daemon: session %u: cannot build its report", s->id);
		dsession_discard(t, s);
		return -ENOMEM;
	}
	s->si.end_ns = clock_ns(CLOCK_BOOTTIME);
	s->si.drops = probe_session_drops(t->o.probe, s->id);
	probe_forget_session(t->o.probe, s->id);
	s->si.interrupted = interrupted;
	sev = pipeline_finish_report(s->pipe, &s->si, &r);
	s->pipe = NULL;
	if (sev < -1)
		p_warn("daemon: session %u: the report may be incomplete", s->id);
	j = r ? report_json(r) : NULL;
	if (j) {
		notices_report(t->o.out, j, s->cgroup_id, s->record_path);
		t->counts.reports++;
	} else {
		p_err("daemon: session %u: no report was written", s->id);
		err = -EIO;
	}
	json_object_put(j);
	report_free(r);
	dsession_discard(t, s);
	return err;
}

int sessions_feed(struct sessions *t, const void *raw, size_t size)
{
	const struct pt_event *ev = raw;
	struct dsession *s;

	if (size < sizeof(*ev) || ev->size != size) {
		t->counts.malformed++;
		return 0;
	}
	s = sessions_find(t, ev->session);
	if (!s) {
		if (ev->type != PT_EV_ROOT || !(ev->flags & PT_F_DAEMON_START)) {
			/* a finished session's lingering processes, or a dropped one's */
			t->counts.stray_records++;
			return 0;
		}
		s = session_open(t, ev->session, ev->pid, ev->cgroup_id);
		if (!s) {
			t->counts.dropped_sessions++;
			notices_dropped(t->o.out, ev);
			return 0;
		}
		s->si.start_ns = ev->time_ns;
		s->pending = malloc(size);
		if (s->pending) {
			memcpy(s->pending, raw, size);
			s->pending_len = size;
		}
		return 0;
	}
	if (!s->pipe) {
		bool root_exec = ev->type == PT_EV_EXEC && ev->pid == s->si.root_pid && ev->ret == 0;

		if (session_from_exec(t, s, root_exec ? raw : NULL, size)) {
			p_err("daemon: session %u: cannot start its analysis; dropped", s->id);
			t->counts.dropped_sessions++;
			dsession_discard(t, s);
			return 0;
		}
	}
	dsession_feed(s, raw, size);
	if (ev->type == PT_EV_FORK) {
		s->live++;
	} else if (ev->type == PT_EV_EXIT) {
		s->live--;
		if (ev->pid == s->si.root_pid && !s->root_exited) {
			s->si.exit_status = (int)ev->arg[0];
			s->root_exited = true;
			s->root_exit_ns = clock_ns(CLOCK_MONOTONIC);
		}
	}
	return 0;
}

void sessions_reap(struct sessions *t)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), grace = (uint64_t)t->o.grace_ms * 1000000ull;

	for (long i = 0; i < t->o.max_sessions; i++) {
		struct dsession *s = t->s[i];
		bool done;

		if (s && now - s->start_mono_ns >= (uint64_t)t->o.max_duration_s * 1000000000ull) {
			/* a server started by npm start: reported, slot freed */
			probe_drain(t->o.probe);
			if (t->s[i] == s)
				session_finish(t, s, true);
			continue;
		}
		if (!s || !s->root_exited)
			continue;
		done = now - s->root_exit_ns >= grace;
		if (!done && (s->live <= 0 || now - s->last_check_ns >= TREE_CHECK_MS * 1000000ull)) {
			s->last_check_ns = now;
			done = probe_tree_size(t->o.probe, s->id) == 0;
		}
		if (!done)
			continue;
		probe_drain(t->o.probe);
		if (t->s[i] == s)
			session_finish(t, s, false);
	}
}

void sessions_finish_all(struct sessions *t)
{
	for (long i = 0; i < t->o.max_sessions; i++)
		if (t->s[i])
			session_finish(t, t->s[i], true);
}

void sessions_counts(const struct sessions *t, struct daemon_counts *c)
{
	*c = t->counts;
}

void sessions_count_dropped(struct sessions *t)
{
	t->counts.dropped_sessions++;
}

long sessions_open_count(const struct sessions *t)
{
	long n = 0;

	for (long i = 0; i < t->o.max_sessions; i++)
		n += t->s[i] != NULL;
	return n;
}

bool sessions_trace_in_use(void *ctx, const char *path)
{
	const struct sessions *t = ctx;

	for (long i = 0; i < t->o.max_sessions; i++)
		if (t->s[i] && t->s[i]->record_path && !strcmp(t->s[i]->record_path, path))
			return true;
	return false;
}
