// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* daemon/procscan.c - installs already running at start, from /proc. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "daemon/procscan.h"
#include "err.h"
#include "event.h"
#include "sessenv.h"

#define PROC_ARGS_MAX 4096
#define PROC_ENV_MAX 65536
#define PID_BITS (1u << 22)   /* PID_MAX_LIMIT on 64-bit */

struct procscan {
	uint8_t *seen;              /* a bit per pid named by a kernel session */
};

int procscan_new(struct procscan **out)
{
	struct procscan *ps = calloc(1, sizeof(*ps));

	if (ps)
		ps->seen = calloc(PID_BITS / 8, 1);
	if (!ps || !ps->seen) {
		free(ps);
		return -ENOMEM;
	}
	*out = ps;
	return 0;
}

void procscan_free(struct procscan *ps)
{
	if (!ps)
		return;
	free(ps->seen);
	free(ps);
}

static void seen_mark(struct procscan *ps, uint64_t pid)
{
	if (pid < PID_BITS)
		ps->seen[pid / 8] |= (uint8_t)(1u << (pid % 8));
}

static bool seen_has(const struct procscan *ps, uint64_t pid)
{
	return pid < PID_BITS && (ps->seen[pid / 8] >> (pid % 8)) & 1;
}

void procscan_saw(struct procscan *ps, const void *raw, size_t size)
{
	const struct pt_event *ev = raw;

	if (size < sizeof(*ev) || ev->size != size)
		return;
	seen_mark(ps, ev->pid);
	if (ev->type == PT_EV_FORK)
		seen_mark(ps, ev->arg[0]);
}

/* ---- /proc ---------------------------------------------------------------- */

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
static bool proc_matches(const struct sesscmds *cmds, uint32_t pid)
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
	return sesscmds_match(cmds, w, nw, 4);
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
static int info_from_proc(const struct sesscmds *cmds, struct session_info *si, uint32_t pid)
{
	char path[64], buf[PROC_ARGS_MAX], *env;
	ssize_t n;
	int err;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	n = cmdline_words(buf, n > 0 ? (size_t)n : 0, NULL);
	err = session_set_argv_nul(si, buf, (size_t)n);
	if (err)
		return err;
	sesscmds_trim_interpreter(cmds, si);
	snprintf(path, sizeof(path), "/proc/%u/cwd", pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		si->cwd = strdup(buf);
	}
	env = malloc(PROC_ENV_MAX);
	if (!env)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%u/environ", pid);
	n = read_file(path, env, PROC_ENV_MAX);
	err = sessenv_filter(NULL, env, n > 0 ? (size_t)n : 0, &si->env, &si->envc);
	free(env);
	return err;
}

/* The cgroup id of a running process: its cgroup v2 directory's inode. */
static uint64_t proc_cgroup_id(const struct cgroupctx *cg, uint32_t pid)
{
	char path[64], buf[4096], dir[PATH_MAX + 4096];
	struct stat st;
	ssize_t n;
	char *line;

	if (!cg)
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
		snprintf(dir, sizeof(dir), "%s%s", cgroupctx_root(cg), line + 3);
		return stat(dir, &st) == 0 ? st.st_ino : 0;
	}
	return 0;
}

/* ---- synthetic records ---------------------------------------------------- */

/* Synthetic records for a partial session: what the kernel would have
 * sent had tracing started earlier - the root mark, and for every process
 * already running its fork from its parent and its exec (from /proc), so
 * the analysis attributes them as usual.  Fed to the pipeline, so they are
 * in the session's trace too. */
struct synth {
	struct pt_event ev;
	uint8_t data[PT_PATH_MAX + PT_ARGV_MAX + PT_PATH_MAX + PT_ENV_MAX];
};

static void synth_begin(struct synth *r, struct dsession *s, uint32_t type, uint32_t pid)
{
	char path[64], comm[64];
	ssize_t n;

	memset(&r->ev, 0, sizeof(r->ev));
	r->ev.time_ns = dsession_info(s)->start_ns; /* before the marks: no kernel record is older */
	r->ev.cgroup_id = dsession_cgroup_id(s);
	r->ev.type = type;
	r->ev.pid = r->ev.tid = pid;
	r->ev.ppid = proc_ppid(pid);
	r->ev.session = dsession_id(s);
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
	dsession_feed(s, r, r->ev.size);
}

/* The records of pid, running in s: the ROOT mark (parent 0) or its fork
 * from parent, then its exec. */
static void feed_partial(struct dsession *s, uint32_t pid, uint32_t parent)
{
	struct synth *r = malloc(sizeof(*r));
	size_t pos = 0;

	if (!r)
		return;
	if (!parent) {
		synth_begin(r, s, PT_EV_ROOT, pid);
		r->ev.arg[0] = dsession_id(s);
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

/* ---- the scan ------------------------------------------------------------- */

static long pinfo_find(const struct pinfo *pi, long n, uint32_t pid)
{
	for (long i = 0; i < n; i++)
		if (pi[i].pid == pid)
			return i;
	return -1;
}

/* Every process but ours and those kernel sessions named, with its
 * parent and whether it runs a session command; *n of them. */
static struct pinfo *scan_proc(const struct procscan *ps, const struct sesscmds *cmds, long *n)
{
	struct pinfo *pi = NULL;
	long cap = 0;
	struct dirent *de;
	DIR *dir = opendir("/proc");
	uint32_t self = (uint32_t)getpid();

	*n = 0;
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid == self || seen_has(ps, pid))
			continue;
		if (*n == cap) {
			struct pinfo *np = realloc(pi, (size_t)(cap = cap ? cap * 2 : 1024) * sizeof(*pi));

			if (!np)
				break;
			pi = np;
		}
		pi[*n].pid = (uint32_t)pid;
		pi[*n].ppid = proc_ppid((uint32_t)pid);
		pi[*n].match = proc_matches(cmds, (uint32_t)pid);
		pi[*n].session = 0;
		(*n)++;
	}
	closedir(dir);
	return pi;
}

/* Is pi[i] a session command with no session command among its
 * ancestors? */
static bool outermost_match(const struct pinfo *pi, long n, long i)
{
	uint32_t a = pi[i].ppid;

	if (!pi[i].match)
		return false;
	for (int depth = 0; a > 1 && depth < 128; depth++) {
		long j = pinfo_find(pi, n, a);

		if (j < 0)
			break;
		if (pi[j].match)
			return false;
		a = pi[j].ppid;
	}
	return true;
}

/* Installs already running: the outermost matching process not in a
 * kernel session becomes the root of a partial session; it and its
 * running descendants are marked, so children forked from now on are
 * traced.  Anything the kernel already traces is left alone, so nothing
 * is split or counted twice: what its records (drained first) name is
 * skipped, and the mark itself refuses a process already in the tree.
 * Children forked between the scan and the mark are missed (not
 * mis-attributed): the report says partial. */
int procscan_run(struct procscan *ps, struct sessions *t, struct probe *probe,
		 const struct sesscmds *cmds, const struct cgroupctx *cg)
{
	long n, sessions = 0;
	struct pinfo *pi = scan_proc(ps, cmds, &n);
	int err;

	/* roots: matching, with no matching ancestor */
	for (long i = 0; i < n; i++) {
		struct dsession *s;

		if (!outermost_match(pi, n, i))
			continue;
		s = sessions_open_partial(t, pi[i].pid, proc_cgroup_id(cg, pi[i].pid));
		if (!s) {
			p_warn("daemon: --max-sessions reached; install pid %u already running is not traced",
			       pi[i].pid);
			sessions_count_dropped(t);
			continue;
		}
		err = info_from_proc(cmds, dsession_info(s), pi[i].pid);
		if (!err)
			err = probe_mark_pid(probe, pi[i].pid, dsession_id(s));
		if (!err)
			err = dsession_start(t, s);
		if (err) {
			/* EEXIST: it exec'd after the drain, the kernel has it */
			if (err != -EEXIST)
				p_warn("daemon: install pid %u already running cannot be traced: %s",
				       pi[i].pid, strerror(-err));
			dsession_discard(t, s);
			continue;
		}
		feed_partial(s, pi[i].pid, 0);
		pi[i].session = dsession_id(s);
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
			s = sessions_find(t, pi[i].session);
			if (s && !probe_mark_pid(probe, pi[i].pid, dsession_id(s))) {
				dsession_add_process(s);
				feed_partial(s, pi[i].pid, pi[j].pid);
			}
		}
		if (!more)
			break;
	}
	free(pi);
	return (int)sessions;
}
