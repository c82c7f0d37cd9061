// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_daemon.c - pkgtrace daemon: every package install on the node.
 *
 * Sessions start in the kernel: an exec of a session command by a process
 * outside the traced tree marks it as the root of a new session (ids from
 * 2, bpf/pkgtrace.bpf.c), before its first instruction; its descendants
 * inherit the mark, so an npm inside an install stays in that install.
 * Here records are demultiplexed by pt_event.session into one pipeline per
 * session (its own analysis, facts and --record-dir trace).  When a root
 * exits and its tree is empty, or the grace period has passed, the report
 * goes out as one JSON line with the container and pod it ran in.
 *
 * Installs already running at start are found in /proc, marked from
 * userspace (ids from PREEXIST_BASE) and reported partial.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "analyze.h"
#include "cgroupctx.h"
#include "clock.h"
#include "cmds.h"
#include "err.h"
#include "event.h"
#include "facts.h"
#include "pipeline.h"
#include "probe.h"
#include "sessenv.h"
#include "session.h"

#define GRACE_DEFAULT_MS 2000
#define MAX_SESSIONS_DEFAULT 64
#define MAX_SESSIONS_LIMIT 4096
#define MAX_DURATION_DEFAULT_S 3600
#define POLL_MS 100
#define TREE_CHECK_MS 200     /* how often a draining session asks the kernel */
#define PREEXIST_BASE 0x80000000u
#define SPEC_MAX 14           /* the kernel key is 16 bytes, see the BPF side */
#define SPECS_MAX 64          /* entries of the kernel's session_cmds map */
#define PROC_ARGS_MAX 4096
#define PROC_ENV_MAX 65536
#define NOTICE_FORMAT "pkgtrace-daemon/1"
#define DEFAULT_CMDS "npm,npx,yarn,pnpm,bun,pip,pip3,python -m pip,uv pip,poetry install"

struct daemon_opts {
	const char *output;
	const char *record_dir;
	const char *baseline_path;
	const char *pods_dir;
	const char *cgroup_root;
	const char *cmds;
	long grace_ms;
	long max_sessions;
	long max_duration_s;
	bool help;
};

struct dsession {
	uint32_t id;
	struct session_info si;     /* owns its strings */
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

struct daemon {
	struct daemon_opts o;
	struct probe *probe;
	struct baseline *bl;
	struct cgroupctx *cg;       /* NULL when no cgroup2 mount is found */
	FILE *out;
	char **specs;               /* normalised session commands, NULL-terminated */
	int nspecs;
	struct dsession **s;        /* open sessions, max_sessions slots */
	long nopen;
	struct dsession *last;      /* lookup cache */
	uint8_t *seen;              /* startup only: pids seen in kernel sessions */
	size_t seen_bits;
	uint64_t reports, dropped_sessions, stray_records, malformed;
	uint32_t next_partial;
};

static volatile sig_atomic_t stop_sig, hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup = 1;
	else
		stop_sig = sig;
}

/* ---- arguments ----------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: pkgtrace daemon [OPTIONS]\n"
"Trace every package install on this node; one JSON report line per install.\n"
"\n"
"      --output FILE        append report lines to FILE (default: stdout);\n"
"                           SIGHUP reopens it\n"
"      --record-dir DIR     keep one trace per session in DIR for 'pkgtrace replay'\n"
"      --baseline FILE      the pure-library baseline (default: built in)\n"
"      --pods-dir DIR       the kubelet's pod log folders, <namespace>_<name>_<uid>\n"
"                           (default: " CGCTX_PODS_DIR ")\n"
"      --cgroup-root DIR    the cgroup2 hierarchy (default: the cgroup2 mount\n"
"                           in /proc/self/mountinfo)\n"
"      --grace MS           after a session's command exits, wait up to MS for\n"
"                           its descendants (default 2000)\n"
"      --session-cmds LIST  commands that start a session, comma-separated\n"
"                           (default: \"" DEFAULT_CMDS "\");\n"
"                           \"prog word...\" needs those words after prog;\n"
"                           version suffixes are ignored (pip = pip3 = pip3.11)\n"
"      --max-sessions N     sessions traced at once (default 64); more are\n"
"                           reported as dropped\n"
"      --max-duration S     a session still running after S seconds is reported\n"
"                           (interrupted) and no longer followed (default 3600)\n"
"  -v, --verbose            more detail on stderr\n"
"      --json-errors        errors as JSON objects on stderr\n"
"  -h, --help               this help\n"
"\n"
"SIGTERM/SIGINT: open sessions are reported (interrupted) and the daemon\n"
"exits 0.  Exit status: 2 bad arguments; 65 bad baseline; 77 not root;\n"
"78 BPF unavailable; 125 internal error.\n");
}

#define DAEMON_SYNOPSIS "pkgtrace daemon [OPTIONS]  (pkgtrace daemon --help for more)"

/* parse_long: *out from s in lo..hi.  Returns 0, or PT_EXIT_USAGE with the
 * problem reported (p_usage). */
static int parse_long(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || end == s || *end || *out < lo || *out > hi)
		return p_usage(DAEMON_SYNOPSIS, "daemon: %s: '%s' is not a number in %ld..%ld", opt, s,
			       lo, hi);
	return 0;
}

/* parse_args: fills o.  Returns 0 (o->help set after --help), or
 * PT_EXIT_USAGE with the problem reported (p_usage). */
static int parse_args(int argc, char **argv, struct daemon_opts *o)
{
	enum { O_OUTPUT = 256, O_RECORD_DIR, O_BASELINE, O_PODS_DIR, O_CGROUP_ROOT, O_GRACE,
	       O_CMDS, O_MAX, O_MAX_DURATION, O_JSON_ERRORS };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "record-dir", required_argument, NULL, O_RECORD_DIR },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "pods-dir", required_argument, NULL, O_PODS_DIR },
		{ "cgroup-root", required_argument, NULL, O_CGROUP_ROOT },
		{ "grace", required_argument, NULL, O_GRACE },
		{ "session-cmds", required_argument, NULL, O_CMDS },
		{ "max-sessions", required_argument, NULL, O_MAX },
		{ "max-duration", required_argument, NULL, O_MAX_DURATION },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json-errors", no_argument, NULL, O_JSON_ERRORS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	o->grace_ms = GRACE_DEFAULT_MS;
	o->max_sessions = MAX_SESSIONS_DEFAULT;
	o->max_duration_s = MAX_DURATION_DEFAULT_S;
	o->cmds = DEFAULT_CMDS;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case O_OUTPUT: o->output = optarg; break;
		case O_RECORD_DIR: o->record_dir = optarg; break;
		case O_BASELINE: o->baseline_path = optarg; break;
		case O_PODS_DIR: o->pods_dir = optarg; break;
		case O_CGROUP_ROOT: o->cgroup_root = optarg; break;
		case O_CMDS: o->cmds = optarg; break;
		case O_GRACE:
			err = parse_long("--grace", optarg, 0, 3600000, &o->grace_ms);
			if (err)
				return err;
			break;
		case O_MAX:
			err = parse_long("--max-sessions", optarg, 1, MAX_SESSIONS_LIMIT, &o->max_sessions);
			if (err)
				return err;
			break;
		case O_MAX_DURATION:
			err = parse_long("--max-duration", optarg, 1, 7 * 86400, &o->max_duration_s);
			if (err)
				return err;
			break;
		case 'v': verbose++; break;
		case O_JSON_ERRORS: err_json = true; break;
		case 'h':
			o->help = true;
			return 0;
		case ':':
			return p_usage(DAEMON_SYNOPSIS, "daemon: option '%s' needs an argument",
				       argv[optind - 1]);
		default:
			return p_usage(DAEMON_SYNOPSIS, "daemon: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return p_usage(DAEMON_SYNOPSIS, "daemon: unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ---- session commands ---------------------------------------------------- */

/* The version suffix of a program name cut, as the kernel does:
 * "python3.12" -> "python", "pip3" -> "pip" (one character always stays). */
static size_t prog_len(const char *s, size_t n)
{
	while (n > 1 && (isdigit((unsigned char)s[n - 1]) || s[n - 1] == '.'))
		n--;
	return n;
}

/* --session-cmds: comma-separated specs, words separated by spaces; each
 * normalised to "prog word..." with prog's version suffix cut.  Returns 0,
 * -ENOMEM, or PT_EXIT_USAGE with the problem reported (p_usage). */
static int parse_specs(struct daemon *d, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int err = 0;

	d->specs = calloc(SPECS_MAX + 1, sizeof(char *));
	if (!copy || !d->specs) {
		free(copy);
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char spec[64] = "", *wsave = NULL, *w;
		size_t n = 0;
		bool dup = false;

		for (w = strtok_r(tok, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
			size_t wl = strlen(w);

			if (n == 0) {
				const char *slash = strrchr(w, '/');

				if (slash) /* a path names its basename */
					w = (char *)slash + 1, wl = strlen(w);
				wl = prog_len(w, wl);
			}
			if (n + (n ? 1 : 0) + wl > SPEC_MAX || !wl) {
				err = p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: '%s' is longer "
					      "than %d characters", tok, SPEC_MAX);
				goto cleanup;
			}
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%s%.*s", n ? " " : "",
					      (int)wl, w);
		}
		if (!n)
			continue;
		if (strchr(spec, ' ') && strchr(strchr(spec, ' ') + 1, ' ') &&
		    strchr(strchr(strchr(spec, ' ') + 1, ' ') + 1, ' ')) {
			err = p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: '%s' has more than two "
				      "words after the program", spec);
			goto cleanup;
		}
		for (int i = 0; i < d->nspecs && !dup; i++)
			dup = !strcmp(d->specs[i], spec);
		if (dup)
			continue;
		if (d->nspecs >= SPECS_MAX) {
			err = p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: more than %d commands", SPECS_MAX);
			goto cleanup;
		}
		d->specs[d->nspecs] = strdup(spec);
		if (!d->specs[d->nspecs]) {
			err = -ENOMEM;
			goto cleanup;
		}
		d->nspecs++;
	}
	if (!d->nspecs)
		err = p_usage(DAEMON_SYNOPSIS, "daemon: --session-cmds: no command given");
cleanup:
	free(copy);
	return err;
}

static bool spec_known(const struct daemon *d, const char *spec)
{
	for (int i = 0; i < d->nspecs; i++)
		if (!strcmp(d->specs[i], spec))
			return true;
	return false;
}

/* Userspace twin of the kernel match, for processes found in /proc: one of
 * the first words (interpreter, its argument, script) is a session program,
 * alone or followed by the spec's words (among the first "first" words).
 * node rewrites its argv into one "npm ci" string: split into words by
 * the caller. */
static bool words_match(const struct daemon *d, char **w, int n, int first)
{
	char spec[64];

	for (int i = 0; i < n && i < first; i++) {
		const char *b = strrchr(w[i], '/');
		size_t bl;

		b = b ? b + 1 : w[i];
		bl = prog_len(b, strlen(b));
		if (!bl || bl > SPEC_MAX)
			continue;
		snprintf(spec, sizeof(spec), "%.*s", (int)bl, b);
		if (spec_known(d, spec))
			return true;
		if (i + 1 < n) {
			snprintf(spec, sizeof(spec), "%.*s %s", (int)bl, b, w[i + 1]);
			if (spec_known(d, spec))
				return true;
		}
		if (i + 2 < n) {
			snprintf(spec, sizeof(spec), "%.*s %s %s", (int)bl, b, w[i + 1], w[i + 2]);
			if (spec_known(d, spec))
				return true;
		}
	}
	return false;
}

/* Index of the program among the first argv words: a #! script's argv
 * starts with its interpreter (["/usr/bin/env", "node", "/usr/bin/npm",
 * "ci"]); the report shows the command as typed (["/usr/bin/npm", "ci"]). */
static int prog_index(const struct daemon *d, char **argv, int argc)
{
	for (int i = 0; i < argc && i < 4; i++)
		if (words_match(d, argv + i, argc - i, 1))
			return i;
	return 0;
}

/* argv without the interpreter words before the program. */
static void trim_interpreter(const struct daemon *d, struct session_info *si)
{
	int k = prog_index(d, si->argv, si->argc);

	if (k <= 0)
		return;
	for (int i = 0; i < k; i++)
		free(si->argv[i]);
	memmove(si->argv, si->argv + k, (size_t)(si->argc - k + 1) * sizeof(char *));
	si->argc -= k;
}

/* ---- output -------------------------------------------------------------- */

static void emit(struct daemon *d, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return;
	/* one write per line, so concurrent readers never see half a report */
	if (fprintf(d->out, "%s\n", s) < 0 || fflush(d->out))
		p_err("daemon: writing to %s: %s", d->o.output ? d->o.output : "stdout",
		      strerror(errno));
}

static struct json_object *jstr_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* container, pod and cgroup of a cgroup id, as report fields. */
static void add_context(struct daemon *d, struct json_object *o, uint64_t cgroup_id)
{
	struct cgroup_meta m;
	struct json_object *c = NULL, *p = NULL;
	int err = d->cg ? cgroupctx_lookup(d->cg, cgroup_id, &m) : -ENOENT;

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

static struct json_object *notice_new(const char *event)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "format", json_object_new_string(NOTICE_FORMAT));
	json_object_object_add(o, "event", json_object_new_string(event));
	return o;
}

/* A session the daemon could not take (--max-sessions): said, not lost. */
static void notice_dropped(struct daemon *d, const struct pt_event *ev)
{
	struct json_object *o = notice_new("session-dropped");
	char comm[PT_COMM_LEN + 1];

	d->dropped_sessions++;
	if (!o)
		return;
	memcpy(comm, ev->comm, PT_COMM_LEN);
	comm[PT_COMM_LEN] = '\0';
	json_object_object_add(o, "reason", json_object_new_string("max-sessions"));
	json_object_object_add(o, "session", json_object_new_int64(ev->session));
	json_object_object_add(o, "pid", json_object_new_int64(ev->pid));
	json_object_object_add(o, "comm", json_object_new_string(comm));
	json_object_object_add(o, "time_ns", json_object_new_int64((int64_t)ev->time_ns));
	add_context(d, o, ev->cgroup_id);
	emit(d, o);
	json_object_put(o);
}

static void notice_started(struct daemon *d, int partial)
{
	struct json_object *o = notice_new("started"), *cmds = json_object_new_array();

	if (!o || !cmds) {
		json_object_put(o);
		json_object_put(cmds);
		return;
	}
	json_object_object_add(o, "pkgtrace_version", json_object_new_string(PKGTRACE_VERSION));
	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	for (int i = 0; i < d->nspecs; i++)
		json_object_array_add(cmds, json_object_new_string(d->specs[i]));
	json_object_object_add(o, "session_cmds", cmds);
	json_object_object_add(o, "partial_sessions", json_object_new_int(partial));
	json_object_object_add(o, "cgroup_root", jstr_or_null(d->cg ? cgroupctx_root(d->cg) : NULL));
	emit(d, o);
	json_object_put(o);
}

static void notice_stopped(struct daemon *d)
{
	struct json_object *o = notice_new("stopped");

	if (!o)
		return;
	json_object_object_add(o, "reports", json_object_new_int64((int64_t)d->reports));
	json_object_object_add(o, "dropped_sessions", json_object_new_int64((int64_t)d->dropped_sessions));
	json_object_object_add(o, "kernel_drops", json_object_new_int64((int64_t)probe_drops(d->probe)));
	json_object_object_add(o, "stray_records", json_object_new_int64((int64_t)d->stray_records));
	json_object_object_add(o, "malformed_records", json_object_new_int64((int64_t)d->malformed));
	emit(d, o);
	json_object_put(o);
}

static int open_output(struct daemon *d)
{
	FILE *f;

	if (!d->o.output) {
		d->out = stdout;
		return 0;
	}
	f = fopen(d->o.output, "ae");
	if (!f) {
		p_err("daemon: --output %s: %s", d->o.output, strerror(errno));
		return -errno;
	}
	if (d->out && d->out != stdout)
		fclose(d->out);
	d->out = f;
	return 0;
}

/* ---- sessions ------------------------------------------------------------ */

static struct dsession *session_find(struct daemon *d, uint32_t id)
{
	if (d->last && d->last->id == id)
		return d->last;
	for (long i = 0; i < d->o.max_sessions; i++)
		if (d->s[i] && d->s[i]->id == id)
			return d->last = d->s[i];
	return NULL;
}

static void dsession_free(struct daemon *d, struct dsession *s)
{
	if (!s)
		return;
	for (long i = 0; i < d->o.max_sessions; i++)
		if (d->s[i] == s) {
			d->s[i] = NULL;
			d->nopen--;
		}
	if (d->last == s)
		d->last = NULL;
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
static struct dsession *session_new(struct daemon *d, uint32_t id, uint32_t root_pid,
				    uint64_t cgroup_id)
{
	struct dsession *s;
	char path[64];
	long slot = -1;

	for (long i = 0; i < d->o.max_sessions && slot < 0; i++)
		if (!d->s[i])
			slot = i;
	if (slot < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
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
	if (session_init(&s->si)) {
		free(s);
		return NULL;
	}
	s->si.root_pid = root_pid;
	d->s[slot] = s;
	d->nopen++;
	return s;
}

/* Opens the session's pipeline: si is complete (argv, cwd, env). */
static int session_start(struct daemon *d, struct dsession *s)
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
	if (d->o.record_dir) {
		wall = (time_t)((s->si.start_ns + s->si.boot_offset_ns) / 1000000000ull);
		gmtime_r(&wall, &tm);
		strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
		if (asprintf(&s->record_path, "%s/%s-%u.ptr", d->o.record_dir, ts, s->id) < 0) {
			s->record_path = NULL;
			return -ENOMEM;
		}
	}
	/* no report file and nothing on stdout: the report is taken from
	 * pipeline_finish_report() */
	po.record_path = s->record_path;
	po.quiet = true;
	po.baseline = d->bl;
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

/* The session info of a kernel-started session from its root's exec
 * record (NULL: the exec was lost; the command is then its comm). */
static int session_from_exec(struct daemon *d, struct dsession *s, const void *raw, size_t size)
{
	struct event_view v;
	const struct pt_event *root = s->pending;
	char comm[PT_COMM_LEN + 1];
	int err;

	if (raw && !event_decode(raw, size, &v)) {
		err = session_set_argv_nul(&s->si, v.field[1] ? v.field[1] : "", v.field[1] ? v.field_len[1] : 0);
		if (!err)
			trim_interpreter(d, &s->si);
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
	err = session_start(d, s);
	if (err)
		return err;
	if (s->pending) {
		pipeline_feed(s->pipe, s->pending, s->pending_len);
		s->si.events++;
		free(s->pending);
		s->pending = NULL;
	}
	return 0;
}

/* The report: report_json() of the pipeline's report, plus the daemon's
 * fields, one line; s is freed. */
static int session_finish(struct daemon *d, struct dsession *s, bool interrupted)
{
	struct report *r = NULL;
	struct json_object *rep = NULL;
	int sev, err = 0;

	if (!s->pipe && session_from_exec(d, s, NULL, 0)) {
		p_err("daemon: session %u: cannot build its report", s->id);
		dsession_free(d, s);
		return -ENOMEM;
	}
	s->si.end_ns = clock_ns(CLOCK_BOOTTIME);
	s->si.drops = probe_session_drops(d->probe, s->id);
	probe_forget_session(d->probe, s->id);
	s->si.interrupted = interrupted;
	sev = pipeline_finish_report(s->pipe, &s->si, &r);
	s->pipe = NULL;
	if (sev < -1)
		p_warn("daemon: session %u: the report may be incomplete", s->id);
	rep = r ? report_json(r) : NULL;
	if (rep) {
		add_context(d, rep, s->cgroup_id);
		json_object_object_add(rep, "trace", jstr_or_null(s->record_path));
		emit(d, rep);
		d->reports++;
	} else {
		p_err("daemon: session %u: no report was written", s->id);
		err = -EIO;
	}
	json_object_put(rep);
	report_free(r);
	dsession_free(d, s);
	return err;
}

/* ---- records ------------------------------------------------------------- */

static void seen_mark(struct daemon *d, uint64_t pid)
{
	if (d->seen && pid < d->seen_bits)
		d->seen[pid / 8] |= (uint8_t)(1u << (pid % 8));
}

static bool seen_has(const struct daemon *d, uint64_t pid)
{
	return d->seen && pid < d->seen_bits && (d->seen[pid / 8] >> (pid % 8)) & 1;
}

static int on_record(void *ctx, const void *raw, size_t size)
{
	struct daemon *d = ctx;
	const struct pt_event *ev = raw;
	struct dsession *s;

	if (size < sizeof(*ev) || ev->size != size) {
		d->malformed++;
		return 0;
	}
	seen_mark(d, ev->pid);
	if (ev->type == PT_EV_FORK)
		seen_mark(d, ev->arg[0]);
	s = session_find(d, ev->session);
	if (!s) {
		if (ev->type != PT_EV_ROOT || !(ev->flags & PT_F_DAEMON_START)) {
			/* a finished session's lingering processes, or a dropped one's */
			d->stray_records++;
			return 0;
		}
		s = session_new(d, ev->session, ev->pid, ev->cgroup_id);
		if (!s) {
			notice_dropped(d, ev);
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

		if (session_from_exec(d, s, root_exec ? raw : NULL, size)) {
			p_err("daemon: session %u: cannot start its analysis; dropped", s->id);
			d->dropped_sessions++;
			dsession_free(d, s);
			return 0;
		}
	}
	pipeline_feed(s->pipe, raw, size);
	s->si.events++;
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

/* Sessions whose root has exited: report once the tree is empty or the
 * grace period is over.  The rings are drained after the kernel said the
 * tree is empty, so every record the tree sent is in. */
static void reap_sessions(struct daemon *d)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), grace = (uint64_t)d->o.grace_ms * 1000000ull;

	for (long i = 0; i < d->o.max_sessions; i++) {
		struct dsession *s = d->s[i];
		bool done;

		if (s && now - s->start_mono_ns >= (uint64_t)d->o.max_duration_s * 1000000000ull) {
			/* a server started by npm start: reported, slot freed */
			probe_drain(d->probe);
			if (d->s[i] == s)
				session_finish(d, s, true);
			continue;
		}
		if (!s || !s->root_exited)
			continue;
		done = now - s->root_exit_ns >= grace;
		if (!done && (s->live <= 0 || now - s->last_check_ns >= TREE_CHECK_MS * 1000000ull)) {
			s->last_check_ns = now;
			done = probe_tree_size(d->probe, s->id) == 0;
		}
		if (!done)
			continue;
		probe_drain(d->probe);
		if (d->s[i] == s)
			session_finish(d, s, false);
	}
}

/* ---- installs already running at start ----------------------------------- */

struct pinfo {
	uint32_t pid, ppid;
	bool match;
	uint32_t session;  /* partial session it was put in, 0 none */
};

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < len && (n = read(fd, buf + total, len - (size_t)total)) > 0)
		total += n;
	close(fd);
	return total;
}

static uint32_t proc_ppid(uint32_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	unsigned ppid = 0;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p || sscanf(p + 1, " %*c %u", &ppid) != 1)
		return 0;
	return ppid;
}

/* Does /proc/pid/cmdline name a session command? */
static bool proc_matches(struct daemon *d, uint32_t pid)
{
	char path[64], buf[PROC_ARGS_MAX], *w[8];
	ssize_t n;
	int nw = 0;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false; /* kernel threads have none */
	buf[n] = '\0';
	/* a rewritten title ("npm ci") is padded with NULs: no empty words */
	for (ssize_t pos = 0; pos < n && nw < 8; pos += (ssize_t)strlen(buf + pos) + 1)
		if (buf[pos])
			w[nw++] = buf + pos;
	if (nw == 1 && strchr(w[0], ' ')) { /* a rewritten title: "npm ci" */
		char *save = NULL, *t;

		nw = 0;
		for (t = strtok_r(buf, " ", &save); t && nw < 8; t = strtok_r(NULL, " ", &save))
			w[nw++] = t;
	}
	return words_match(d, w, nw, 4);
}

/* A /proc cmdline (n bytes, room for one more) as argv strings: node
 * and others rewrite it into one NUL-padded title, "npm run wait", which
 * is split back into its words.  Returns the new length. */
static size_t cmdline_words(char *buf, size_t n, bool *title)
{
	bool t = false;

	while (n > 1 && !buf[n - 1] && !buf[n - 2]) /* the title's padding */
		n--;
	buf[n] = '\0';
	if (n && !memchr(buf, '\0', n - 1))
		for (char *c = buf; *c; c++)
			if (*c == ' ')
				*c = '\0', t = true;
	if (title)
		*title = t;
	if (n && buf[n - 1])
		buf[n++] = '\0';
	return n;
}

/* The session info of a running process, from /proc. */
static int session_from_proc(struct daemon *d, struct dsession *s, uint32_t pid)
{
	char path[64], buf[PROC_ARGS_MAX], *env;
	ssize_t n;
	int err;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	n = cmdline_words(buf, n > 0 ? (size_t)n : 0, NULL);
	err = session_set_argv_nul(&s->si, buf, (size_t)n);
	if (err)
		return err;
	trim_interpreter(d, &s->si);
	snprintf(path, sizeof(path), "/proc/%u/cwd", pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		s->si.cwd = strdup(buf);
	}
	env = malloc(PROC_ENV_MAX);
	if (!env)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%u/environ", pid);
	n = read_file(path, env, PROC_ENV_MAX);
	err = sessenv_filter(NULL, env, n > 0 ? (size_t)n : 0, &s->si.env, &s->si.envc);
	free(env);
	return err;
}

/* The cgroup id of a running process: its cgroup v2 directory's inode. */
static uint64_t proc_cgroup_id(struct daemon *d, uint32_t pid)
{
	char path[64], buf[4096], dir[PATH_MAX + 4096];
	struct stat st;
	ssize_t n;
	char *line;

	if (!d->cg)
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "0::", 3))
			continue;
		*strchrnul(line, '\n') = '\0';
		snprintf(dir, sizeof(dir), "%s%s", cgroupctx_root(d->cg), line + 3);
		return stat(dir, &st) == 0 ? st.st_ino : 0;
	}
	return 0;
}

/* Synthetic records for a partial session: what the kernel would have
 * sent had tracing started earlier - the root mark, and for every process
 * already running its fork from its parent and its exec (from /proc), so
 * the analysis attributes them as usual.  Fed to the pipeline, so they are
 * in the session's trace too. */
struct synth {
	struct pt_event ev;
	uint8_t data[PT_PATH_MAX + PT_ARGV_MAX + PT_PATH_MAX + PT_ENV_MAX];
};

static void synth_begin(struct synth *r, const struct dsession *s, uint32_t type, uint32_t pid)
{
	char path[64], comm[64];
	ssize_t n;

	memset(&r->ev, 0, sizeof(r->ev));
	r->ev.time_ns = s->si.start_ns; /* before the marks: no kernel record is older */
	r->ev.cgroup_id = s->cgroup_id;
	r->ev.type = type;
	r->ev.pid = r->ev.tid = pid;
	r->ev.ppid = proc_ppid(pid);
	r->ev.session = s->id;
	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	n = read_file(path, comm, sizeof(comm) - 1);
	if (n > 0) {
		comm[n] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		memcpy(r->ev.comm, comm, strnlen(comm, sizeof(r->ev.comm) - 1));
	}
}

/* Field i from a /proc file (link: readlink) or nothing, NUL-terminated. */
static void synth_field(struct synth *r, size_t *pos, int i, uint32_t pid, const char *name,
			bool link, size_t max)
{
	char path[64];
	uint8_t *dst = r->data + *pos;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, name);
	n = link ? readlink(path, (char *)dst, max - 2) : read_file(path, (char *)dst, max - 2);
	if (n < 0)
		n = 0;
	if (n == (ssize_t)max - 2)
		r->ev.flags |= PT_F_TRUNC(i);
	if (n == 0 || dst[n - 1] != '\0')
		dst[n++] = '\0';
	r->ev.len[i] = (uint16_t)n;
	*pos += (size_t)n;
}

/* Field 1, argv, after field 0 (the exe).  A rewritten title ("npm run
 * wait" in node) lost the real argv; the exe followed by the title's words
 * (["/usr/bin/node", "npm", "run", "wait"]) is the closest honest
 * reconstruction, and lets the analysis see which package manager runs. */
static void synth_argv(struct synth *r, size_t *pos, uint32_t pid)
{
	char path[64], *dst = (char *)r->data + *pos;
	size_t max = PT_ARGV_MAX, n, pre = 0;
	bool title;
	ssize_t got;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	got = read_file(path, dst, max - 2);
	n = cmdline_words(dst, got > 0 ? (size_t)got : 0, &title);
	if (got == (ssize_t)max - 2)
		r->ev.flags |= PT_F_TRUNC(1);
	if (title && r->ev.len[0] > 1 && r->ev.len[0] + n <= max) {
		pre = r->ev.len[0];
		memmove(dst + pre, dst, n);
		memcpy(dst, r->data, pre);
	}
	if (!n)
		dst[n++] = '\0';
	r->ev.len[1] = (uint16_t)(pre + n);
	*pos += pre + n;
}

static void synth_feed(struct dsession *s, struct synth *r, size_t data_len)
{
	r->ev.size = (uint32_t)(offsetof(struct pt_event, data) + data_len);
	pipeline_feed(s->pipe, r, r->ev.size);
	s->si.events++;
}

static void feed_partial(struct dsession *s, uint32_t pid, uint32_t parent)
{
	struct synth *r = malloc(sizeof(*r));
	size_t pos = 0;

	if (!r)
		return;
	if (!parent) {
		synth_begin(r, s, PT_EV_ROOT, pid);
		r->ev.arg[0] = s->id;
		synth_feed(s, r, 0);
	} else {
		synth_begin(r, s, PT_EV_FORK, parent);
		r->ev.arg[0] = pid;
		synth_feed(s, r, 0);
	}
	synth_begin(r, s, PT_EV_EXEC, pid);
	synth_field(r, &pos, 0, pid, "exe", true, PT_PATH_MAX);
	synth_argv(r, &pos, pid);
	synth_field(r, &pos, 2, pid, "cwd", true, PT_PATH_MAX);
	synth_field(r, &pos, 3, pid, "environ", false, PT_ENV_MAX);
	synth_feed(s, r, pos);
	free(r);
}

static long pinfo_find(const struct pinfo *pi, long n, uint32_t pid)
{
	for (long i = 0; i < n; i++)
		if (pi[i].pid == pid)
			return i;
	return -1;
}

/* Installs already running: the outermost matching process not in a
 * kernel session becomes the root of a partial session; it and its
 * running descendants are marked, so children forked from now on are
 * traced.  Anything the kernel already traces is left alone, so nothing
 * is split or counted twice: what its records (drained first) name is
 * skipped, and the mark itself refuses a process already in the tree.
 * Children forked between the scan and the mark are missed (not
 * mis-attributed): the report says partial. */
static int scan_running(struct daemon *d)
{
	struct pinfo *pi = NULL;
	long n = 0, cap = 0, sessions = 0;
	int err;
	struct dirent *de;
	DIR *dir = opendir("/proc");
	uint32_t self = (uint32_t)getpid();

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid == self || seen_has(d, pid))
			continue;
		if (n == cap) {
			struct pinfo *np = realloc(pi, (size_t)(cap = cap ? cap * 2 : 1024) * sizeof(*pi));

			if (!np)
				break;
			pi = np;
		}
		pi[n].pid = (uint32_t)pid;
		pi[n].ppid = proc_ppid((uint32_t)pid);
		pi[n].match = proc_matches(d, (uint32_t)pid);
		pi[n].session = 0;
		n++;
	}
	closedir(dir);
	/* roots: matching, with no matching ancestor */
	for (long i = 0; i < n; i++) {
		struct dsession *s;
		bool outer = pi[i].match;
		uint32_t a = pi[i].ppid;
		long j;

		for (int depth = 0; outer && a > 1 && depth < 128; depth++) {
			j = pinfo_find(pi, n, a);
			if (j < 0)
				break;
			if (pi[j].match)
				outer = false;
			a = pi[j].ppid;
		}
		if (!outer)
			continue;
		s = session_new(d, d->next_partial++, pi[i].pid, proc_cgroup_id(d, pi[i].pid));
		if (!s) {
			p_warn("daemon: --max-sessions reached; install pid %u already running is not traced",
			       pi[i].pid);
			d->dropped_sessions++;
			continue;
		}
		s->si.partial = true;
		s->si.start_ns = clock_ns(CLOCK_BOOTTIME);
		err = session_from_proc(d, s, pi[i].pid);
		if (!err)
			err = probe_mark_pid(d->probe, pi[i].pid, s->id);
		if (!err)
			err = session_start(d, s);
		if (err) {
			/* EEXIST: it exec'd after the drain, the kernel has it */
			if (err != -EEXIST)
				p_warn("daemon: install pid %u already running cannot be traced: %s",
				       pi[i].pid, strerror(-err));
			dsession_free(d, s);
			continue;
		}
		feed_partial(s, pi[i].pid, 0);
		pi[i].session = s->id;
		sessions++;
	}
	/* descendants of each root, outermost first (parents precede in a
	 * few passes; pid order is not creation order after wrap-around) */
	for (int pass = 0; pass < 16; pass++) {
		bool more = false;

		for (long i = 0; i < n; i++) {
			long j;
			struct dsession *s;

			if (pi[i].session || (j = pinfo_find(pi, n, pi[i].ppid)) < 0 || !pi[j].session)
				continue;
			pi[i].session = pi[j].session;
			more = true;
			s = session_find(d, pi[i].session);
			if (s && !probe_mark_pid(d->probe, pi[i].pid, s->id)) {
				s->live++;
				feed_partial(s, pi[i].pid, pi[j].pid);
			}
		}
		if (!more)
			break;
	}
	free(pi);
	return (int)sessions;
}

/* ---- main ------------------------------------------------------------------ */

static int probe_error(int err)
{
	if (err == -EPERM || err == -EACCES || geteuid() != 0) {
		p_err("cannot load the BPF programs: %s; run as root (needs CAP_BPF, "
		      "CAP_PERFMON and CAP_SYS_ADMIN)", strerror(-err));
		return PT_EXIT_NOPERM;
	}
	p_err("cannot load the BPF programs: %s; 'pkgtrace doctor' says why", strerror(-err));
	return PT_EXIT_NOBPF;
}

static void install_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon d = { 0 };
	struct probe_opts popts = { 0 };
	char msg[512];
	int err, partial, ret = PT_EXIT_INTERNAL;
	struct stat st;

	err = parse_args(argc, argv, &d.o);
	if (err)
		return err;
	if (d.o.help) {
		usage(stdout);
		return PT_EXIT_OK;
	}
	err = parse_specs(&d, d.o.cmds);
	if (err) {
		ret = err == PT_EXIT_USAGE ? PT_EXIT_USAGE : PT_EXIT_INTERNAL;
		goto cleanup;
	}
	if (d.o.record_dir && (stat(d.o.record_dir, &st) || !S_ISDIR(st.st_mode))) {
		p_err("daemon: --record-dir %s: %s", d.o.record_dir,
		      stat(d.o.record_dir, &st) ? strerror(errno) : "not a directory");
		ret = PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	d.bl = baseline_load(d.o.baseline_path, msg, sizeof(msg));
	if (!d.bl) {
		p_err("%s", msg);
		ret = PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	if (geteuid() != 0) {
		p_err("daemon: needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)");
		ret = PT_EXIT_NOPERM;
		goto cleanup;
	}
	d.s = calloc((size_t)d.o.max_sessions, sizeof(*d.s));
	d.seen_bits = 1u << 22; /* PID_MAX_LIMIT on 64-bit */
	d.seen = calloc(d.seen_bits / 8, 1);
	if (!d.s || !d.seen) {
		p_err("out of memory");
		goto cleanup;
	}
	d.next_partial = PREEXIST_BASE;
	err = cgroupctx_new(d.o.cgroup_root, d.o.pods_dir, &d.cg);
	if (err) {
		if (d.o.cgroup_root) {
			p_err("daemon: --cgroup-root %s: %s", d.o.cgroup_root, strerror(-err));
			ret = PT_EXIT_BAD_INPUT;
			goto cleanup;
		}
		p_warn("daemon: no cgroup v2 hierarchy (%s): reports will have no container or pod",
		       strerror(-err));
		d.cg = NULL;
	}
	if (open_output(&d))
		goto cleanup;
	install_handlers();

	popts.daemon = true;
	popts.session_cmds = (const char *const *)d.specs;
	err = probe_new(&popts, on_record, &d, &d.probe);
	if (err) {
		ret = probe_error(err);
		goto cleanup;
	}
	/* Sessions the kernel started since attach are seen first, then the
	 * installs that were already running are taken. */
	probe_drain(d.probe);
	partial = scan_running(&d);
	free(d.seen);
	d.seen = NULL;
	notice_started(&d, partial);
	p_info("daemon: tracing; %d install(s) already running taken as partial", partial);

	while (!stop_sig) {
		err = probe_poll(d.probe, POLL_MS);
		if (err < 0 && err != -EINTR) {
			p_err("daemon: reading events: %s", strerror(-err));
			goto cleanup;
		}
		if (hup) {
			hup = 0;
			open_output(&d); /* on failure the old file stays in use */
		}
		reap_sessions(&d);
	}
	/* Stopped: every open session is reported, marked interrupted. */
	probe_drain(d.probe);
	for (long i = 0; i < d.o.max_sessions; i++)
		if (d.s[i])
			session_finish(&d, d.s[i], true);
	notice_stopped(&d);
	ret = PT_EXIT_OK;
cleanup:
	for (long i = 0; d.s && i < d.o.max_sessions; i++)
		dsession_free(&d, d.s[i]);
	free(d.s);
	free(d.seen);
	probe_free(d.probe);
	cgroupctx_free(d.cg);
	baseline_free(d.bl);
	for (int i = 0; d.specs && i < d.nspecs; i++)
		free(d.specs[i]);
	free(d.specs);
	if (d.out && d.out != stdout)
		fclose(d.out);
	return ret;
}
