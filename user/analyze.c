// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * analyze.c - from events to findings.
 *
 * A process table follows the stream (ROOT, FORK, EXEC, EXIT); every
 * process has one owner: the traced command, the package manager, the root
 * project or a package.  Ownership is inherited at fork and re-derived only
 * where a package manager starts a script, so a transitive dependency's
 * deeds stay with it and a script cannot hand its blame to another package
 * by faking npm_* variables.  Events are judged as they come where the
 * answer needs nothing more; what needs the registry configuration, the
 * installed tree or RECORD files is kept as bounded candidates and judged in
 * analyzer_finish, which asks facts_read_file() for every file it needs.
 */
#define _GNU_SOURCE /* qsort_r */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "analyze_int.h"
#include "baseline.h"
#include "pathclass.h"
#include "pkgjson.h"

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define PROC_BUCKETS 1024
#define SET_CAP 64              /* distinct items kept per profile set */
#define WRITTEN_CAP 65536       /* files written by scripts, for dropper */
#define CAND_CAP 4096           /* candidates of each kind */
#define NPM_FOLDERS_CAP 20000   /* installed npm package folders */
#define FACT_MAX (1u << 20)

const struct rule_info rule_info[R_NRULES] = {
	[R_INSTALL_SCRIPT] = { "install-script", "A dependency ran a lifecycle or build script", SEV_INFO },
	[R_UNEXPECTED_EXEC] = { "unexpected-exec", "A script ran something a pure-library build would not", SEV_CRITICAL },
	[R_NETWORK_EGRESS] = { "network-egress", "A connection to something that is not a configured registry", SEV_HIGH },
	[R_DNS_QUERY] = { "dns-query", "A script sent a DNS query", SEV_HIGH },
	[R_CREDENTIAL_ACCESS] = { "credential-access", "A script read credentials or another process's secrets", SEV_HIGH },
	[R_WRITE_OUTSIDE_PROJECT] = { "write-outside-project", "A write outside the project, the package's folder, caches and temp", SEV_MEDIUM },
	[R_PERSISTENCE] = { "persistence", "The install planted something that runs later", SEV_HIGH },
	[R_COMMAND_SHADOWING] = { "command-shadowing", "The install created an executable named like an existing command", SEV_HIGH },
	[R_DROPPER] = { "dropper", "A file written during the install was then executed or loaded", SEV_HIGH },
	[R_FILELESS_EXEC] = { "fileless-exec", "Exec of a memfd or a deleted file", SEV_CRITICAL },
	[R_LINGERING_PROCESS] = { "lingering-process", "A process of the install outlived it", SEV_HIGH },
	[R_TAMPER] = { "tamper", "Writes to another package, the project's sources or CI configuration", SEV_HIGH },
	[R_LISTEN_SOCKET] = { "listen-socket", "A script opened a listening socket", SEV_MEDIUM },
	[R_PRIVILEGE_CHANGE] = { "privilege-change", "setuid/setgid bits, ptrace or a credential change", SEV_HIGH },
	[R_TRACE_INCOMPLETE] = { "trace-incomplete", "Events were lost; the report may miss something", SEV_MEDIUM },
};

struct proc {
	struct proc *next;
	uint32_t pid;
	int owner;
	bool is_pm;          /* the package manager's own code runs in it */
	const char *pm_eco;
	bool alive;
	bool root;
	uint64_t time_ns;    /* fork or exec time */
	char *cmd;           /* exe and argv, for lingering-process */
};

/* A file created by a script (dropper) or an executable in a bin dir. */
struct cand {
	int owner;           /* -1: the package manager, resolved at finish */
	int other;           /* dropper: the owner that ran it */
	char *path;
	char *extra;         /* symlink target, or argv */
	size_t extra_len;
	uint32_t pid;
	uint64_t time_ns;
	const char *event;
};

/* A connection or DNS query by a script, judged at finish. */
struct netrec {
	int owner;
	bool dns;
	char *endpoint;      /* "addr:port/proto" */
	char *addrport;      /* "addr:port", matched against registries */
	char *name;          /* DNS query name or NULL */
	uint32_t pid;
	uint64_t time_ns;
	const char *event;
	uint64_t count;
};

struct candlist {
	struct strmap keys;
	struct cand *v;
};

struct analyzer {
	const struct baseline *bl;
	char *project, *home, *tmp;
	char **pathdirs;
	size_t npathdirs;
	struct proc *procs[PROC_BUCKETS];

	struct owner **owners;
	size_t nowners, owners_cap;
	struct strmap owner_keys;
	int command_owner, project_owner, pm_npm, pm_pip;

	struct finding *findings;
	size_t nfindings;
	struct strmap finding_keys;

	struct strmap written;      /* files written by scripts */
	int *written_owner;
	struct candlist drops, bins, pths;
	struct candlist links;      /* package folders the PM made as symlinks (pnpm) */
	struct strmap records;      /* *.dist-info/RECORD written */
	struct strmap npm_folders;  /* node_modules/<pkg> written by npm */
	struct strmap registry_urls;
	struct strmap pm_endpoints; /* addr:port the package manager used */
	struct strmap net_keys;
	struct netrec *net;
	uint64_t fed;
	bool oom;
};

/* ---------- small helpers ---------- */

static char *xstrdup(struct analyzer *an, const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		an->oom = true;
	return d;
}

static char *xmemdup(struct analyzer *an, const char *s, size_t len)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(len + 1);
	if (!d) {
		an->oom = true;
		return NULL;
	}
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* list_get: the i-th string of a NUL-separated list field, or NULL. */
static const char *list_get(const char *list, size_t len, int i)
{
	size_t off = 0;

	if (!list)
		return NULL;
	while (off < len) {
		if (i-- == 0)
			return list + off;
		off += strnlen(list + off, len - off) + 1;
	}
	return NULL;
}

static int list_count(const char *list, size_t len)
{
	int n = 0;

	for (size_t off = 0; list && off < len; n++)
		off += strnlen(list + off, len - off) + 1;
	return n;
}

/* env_get: value of KEY in a NUL-separated KEY=VALUE list, or NULL. */
static const char *env_get(const char *env, size_t len, const char *key)
{
	size_t kl = strlen(key);

	for (size_t off = 0; env && off < len;) {
		const char *e = env + off;

		if (!strncmp(e, key, kl) && e[kl] == '=')
			return e + kl + 1;
		off += strnlen(e, len - off) + 1;
	}
	return NULL;
}

/* join_argv: "a b c" cut at max bytes, into buf. */
static void join_argv(const char *argv, size_t len, char *buf, size_t max)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t off = 0; argv && off < len && o + 1 < max;) {
		const char *a = argv + off;
		size_t l = strnlen(a, len - off);

		if (o && o + 1 < max)
			buf[o++] = ' ';
		if (o + l >= max)
			l = max - o - 1;
		memcpy(buf + o, a, l);
		o += l;
		buf[o] = '\0';
		off += strnlen(a, len - off) + 1;
	}
}

/* npm_folder_len: length of the node_modules/<name> (or @scope/name)
 * prefix of path that is the package folder containing path, or 0. */
static size_t npm_folder_len(const char *path)
{
	const char *nm = NULL, *s = path, *seg, *end;

	while ((s = strstr(s, "/node_modules/"))) {
		nm = s;
		s += 1;
	}
	if (!nm)
		return 0;
	seg = nm + strlen("/node_modules/");
	if (!*seg || *seg == '.')
		return 0;
	end = strchr(seg, '/');
	if (*seg == '@') {
		if (!end)
			return 0;
		end = strchr(end + 1, '/');
	}
	return end ? (size_t)(end - path) : strlen(path);
}

static void dirname_into(const char *path, char *buf, size_t max)
{
	const char *s = strrchr(path, '/');
	size_t l = s ? (size_t)(s - path) : 0;

	if (l >= max)
		l = max - 1;
	memcpy(buf, path, l);
	buf[l] = '\0';
	if (!l && s)
		strcpy(buf, "/");
}

/* normalize: collapses "//", "/./" and "/../" of an absolute path in place. */
static void normalize(char *p)
{
	char *out = p, *in = p;

	while (*in) {
		if (in[0] == '/' && in[1] == '/') {
			in++;
		} else if (in[0] == '/' && in[1] == '.' && (in[2] == '/' || !in[2])) {
			in += 2;
		} else if (in[0] == '/' && in[1] == '.' && in[2] == '.' && (in[3] == '/' || !in[3])) {
			in += 3;
			while (out > p && *--out != '/')
				;
		} else {
			*out++ = *in++;
		}
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/* link_resolve: the absolute path a symlink in dir with target points to. */
static void link_resolve(const char *dir, const char *target, char *out, size_t max)
{
	if (target[0] == '/')
		snprintf(out, max, "%s", target);
	else
		snprintf(out, max, "%s/%s", dir, target);
	normalize(out);
}

/* ---------- owners ---------- */

static void set_str(struct analyzer *an, char **dst, const char *val);

static int owner_get(struct analyzer *an, int kind, const char *eco, const char *key,
		     const char *name, const char *version, const char *path)
{
	size_t idx;
	int r = strmap_add(&an->owner_keys, key, &idx);
	struct owner *o;

	if (r < 0) {
		an->oom = true;
		return an->command_owner;
	}
	if (r == 0)
		return (int)idx;
	if (an->nowners == an->owners_cap) {
		size_t cap = an->owners_cap ? an->owners_cap * 2 : 64;
		struct owner **v = realloc(an->owners, cap * sizeof(*v));

		if (!v) {
			an->oom = true;
			return an->command_owner;
		}
		an->owners = v;
		an->owners_cap = cap;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		an->oom = true;
		return an->command_owner;
	}
	o->kind = kind;
	o->eco = eco;
	o->key = xstrdup(an, key);
	o->name = xstrdup(an, name);
	o->version = xstrdup(an, version);
	o->path = xstrdup(an, path);
	o->approved = -1;
	o->max_sev = -1;
	for (int i = 0; i < PS_N; i++)
		strmap_init(&o->set[i], SET_CAP);
	an->owners[an->nowners] = o;
	return (int)an->nowners++;
}

static void owner_free(struct owner *o)
{
	if (!o)
		return;
	free(o->key);
	free(o->name);
	free(o->version);
	free(o->path);
	free(o->skipped);
	for (int i = 0; i < PS_N; i++)
		strmap_clear(&o->set[i]);
	free(o);
}

static void prof_add(struct analyzer *an, int owner, enum prof_set s, const char *item)
{
	if (owner >= 0 && item && strmap_add(&an->owners[owner]->set[s], item, NULL) == -ENOMEM)
		an->oom = true;
}

static int npm_owner_for_folder(struct analyzer *an, const char *folder, const char *name,
				const char *version)
{
	char key[4200], nm[512];
	size_t fl;

	/* the project itself, and its workspaces: the project's own code */
	if (an->project && path_under(folder, an->project) && !npm_folder_len(folder))
		return an->project_owner;
	snprintf(key, sizeof(key), "npm:%s", folder);
	if (!name) { /* from the folder: node_modules/@scope/name */
		fl = npm_folder_len(folder);
		const char *nmod = NULL, *s = folder;

		while ((s = strstr(s, "/node_modules/")))
			nmod = s++;
		snprintf(nm, sizeof(nm), "%s", nmod && fl ? nmod + 14 : path_base(folder));
		name = nm;
	}
	return owner_get(an, OWN_PACKAGE, "npm", key, name, version, folder);
}

static int pip_owner_for_dir(struct analyzer *an, const char *dir)
{
	char key[4200], name[256];
	const char *base = path_base(dir);
	size_t l = strlen(base);

	snprintf(key, sizeof(key), "pip:%s", dir);
	/* pip unpacks sdists into /tmp/pip-install-XXX/NAME_HASH (32 hex digits) */
	snprintf(name, sizeof(name), "%s", base);
	if (l > 33 && base[l - 33] == '_' && strspn(base + l - 32, "0123456789abcdef") == 32)
		name[l - 33] = '\0';
	return owner_get(an, OWN_PACKAGE, "pip", key, name, NULL, dir);
}

/* ---------- findings ---------- */

static void evidence_fill(struct analyzer *an, struct evidence *e, const struct event_view *v,
			  const char *path, const char *endpoint, const char *dns)
{
	e->pid = v ? v->ev->pid : 0;
	e->time_ns = v ? v->ev->time_ns : 0;
	e->event = v ? event_type_name(v->ev->type) : "session";
	e->path = xstrdup(an, path);
	if (v && v->ev->type == PT_EV_EXEC && v->field[1]) {
		e->argv = xmemdup(an, v->field[1], v->field_len[1]);
		e->argv_len = v->field_len[1];
	}
	e->endpoint = xstrdup(an, endpoint);
	e->dns = xstrdup(an, dns);
}

static void evidence_clear(struct evidence *e)
{
	free(e->path);
	free(e->argv);
	free(e->endpoint);
	free(e->dns);
	memset(e, 0, sizeof(*e));
}

/* finding_add: one finding per (rule, owner, key); later events add
 * evidence (up to EVIDENCE_MAX) and raise the count and severity.
 * Returns the finding or NULL. */
static struct finding *finding_add(struct analyzer *an, int rule, int sev, int owner,
				   const char *key, const char *summary)
{
	char k[4300];
	size_t idx;
	int r;
	struct finding *f;

	if (owner >= 0 && an->owners[owner]->kind != OWN_PACKAGE)
		owner = -1;
	snprintf(k, sizeof(k), "%d\x1%d\x1%s", rule, owner, key ? key : "");
	r = strmap_add(&an->finding_keys, k, &idx);
	if (r < 0) {
		an->oom = true;
		return NULL;
	}
	if (r == 1) {
		struct finding *v = realloc(an->findings, (an->nfindings + 1) * sizeof(*v));

		if (!v) {
			an->oom = true;
			return NULL;
		}
		an->findings = v;
		f = &v[an->nfindings++];
		memset(f, 0, sizeof(*f));
		f->rule = rule;
		f->sev = sev;
		f->owner = owner;
		f->key = xstrdup(an, key ? key : "");
		f->summary = xstrdup(an, summary);
	} else {
		f = &an->findings[idx];
		if (sev > f->sev) {
			f->sev = sev;
			free(f->summary);
			f->summary = xstrdup(an, summary);
		}
	}
	f->count++;
	return f;
}

static void finding_ev(struct analyzer *an, struct finding *f, const struct event_view *v,
		       const char *path, const char *endpoint, const char *dns)
{
	if (f && f->nev < EVIDENCE_MAX)
		evidence_fill(an, &f->ev[f->nev++], v, path, endpoint, dns);
}

static const char *owner_label(struct analyzer *an, int owner)
{
	struct owner *o = owner >= 0 ? an->owners[owner] : NULL;

	return o && o->name ? o->name : "the install";
}

/* ---------- process table ---------- */

static struct proc *proc_find(struct analyzer *an, uint32_t pid)
{
	for (struct proc *p = an->procs[pid % PROC_BUCKETS]; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* proc_new: a fresh entry for pid (a reused pid starts over). */
static struct proc *proc_new(struct analyzer *an, uint32_t pid, const struct proc *parent,
			     uint64_t t)
{
	struct proc *p = proc_find(an, pid);

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			an->oom = true;
			return NULL;
		}
		p->pid = pid;
		p->next = an->procs[pid % PROC_BUCKETS];
		an->procs[pid % PROC_BUCKETS] = p;
	}
	free(p->cmd);
	p->cmd = parent ? xstrdup(an, parent->cmd) : NULL;
	p->owner = parent ? parent->owner : an->command_owner;
	p->is_pm = parent ? parent->is_pm : false;
	p->pm_eco = parent ? parent->pm_eco : NULL;
	p->alive = true;
	p->root = false;
	p->time_ns = t;
	return p;
}

/* proc_of: the entry of the event's process; one we never saw start
 * (drops, or tracing started late) inherits from its parent. */
static struct proc *proc_of(struct analyzer *an, const struct pt_event *ev)
{
	struct proc *p = proc_find(an, ev->pid);

	if (!p)
		p = proc_new(an, ev->pid, proc_find(an, ev->ppid), ev->time_ns);
	return p;
}

/* ---------- package managers ---------- */

static bool base_is(const char *s, const char *name)
{
	return s && !strcmp(path_base(s), name);
}

/* pm_of_exec: "npm" or "pip" when the exec runs a package manager. */
static const char *pm_of_exec(const char *exe, const char *argv, size_t alen)
{
	const char *a0 = list_get(argv, alen, 0), *a1 = list_get(argv, alen, 1);
	const char *b = exe ? path_base(exe) : a0 ? path_base(a0) : "";

	if (!strcmp(b, "npm") || !strcmp(b, "npx") || !strcmp(b, "yarn") || !strcmp(b, "pnpm") ||
	    !strcmp(b, "npm-cli.js") || !strcmp(b, "npx-cli.js"))
		return "npm";
	if (!strncmp(b, "pip", 3) && (!b[3] || b[3] == '3'))
		return "pip";
	if ((!strcmp(b, "node") || !strcmp(b, "nodejs")) && a1 &&
	    (base_is(a1, "npm-cli.js") || base_is(a1, "npx-cli.js") || base_is(a1, "npm") ||
	     base_is(a1, "npx") || base_is(a1, "yarn.js") || base_is(a1, "pnpm.cjs") ||
	     base_is(a1, "yarn") || base_is(a1, "pnpm")))
		return "npm";
	if (!strncmp(b, "python", 6) && a1) {
		if (base_is(a1, "pip") || base_is(a1, "pip3") || strstr(a1, "/pip/__main__.py"))
			return "pip";
		for (int i = 1; list_get(argv, alen, i + 1); i++)
			if (!strcmp(list_get(argv, alen, i), "-m") &&
			    !strcmp(list_get(argv, alen, i + 1), "pip"))
				return "pip";
	}
	return NULL;
}

static void registry_add(struct analyzer *an, const char *url)
{
	if (url && *url && strmap_add(&an->registry_urls, url, NULL) == -ENOMEM)
		an->oom = true;
}

/* registry_from_argv: --registry, --index-url, -i, --extra-index-url,
 * -f, --find-links, with "=" or as the next word. */
static void registry_from_argv(struct analyzer *an, const char *argv, size_t len)
{
	static const char *const opts[] = { "--registry", "--index-url", "-i", "--extra-index-url",
					    "-f", "--find-links", NULL };

	for (int i = 1; list_get(argv, len, i); i++) {
		const char *a = list_get(argv, len, i);

		for (int k = 0; opts[k]; k++) {
			size_t l = strlen(opts[k]);

			if (!strncmp(a, opts[k], l) && a[l] == '=')
				registry_add(an, a + l + 1);
			else if (!strcmp(a, opts[k]))
				registry_add(an, list_get(argv, len, i + 1));
		}
	}
}

static void registry_from_env(struct analyzer *an, const char *env, size_t len)
{
	static const char *const keys[] = { "npm_config_registry", "NPM_CONFIG_REGISTRY",
					    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS",
					    NULL };

	for (int k = 0; keys[k]; k++) {
		const char *v = env_get(env, len, keys[k]);
		char buf[1024];

		if (!v)
			continue;
		/* pip takes space-separated lists */
		snprintf(buf, sizeof(buf), "%s", v);
		for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
			registry_add(an, t);
	}
}

/* ---------- judging ---------- */

static bool is_shell(const char *b)
{
	return !strcmp(b, "sh") || !strcmp(b, "bash") || !strcmp(b, "dash") || !strcmp(b, "zsh") ||
	       !strcmp(b, "ksh") || !strcmp(b, "ash") || !strcmp(b, "busybox");
}

static bool pipes_to_shell(const char *s)
{
	static const char *const pats[] = { "| sh", "|sh", "| bash", "|bash", "| /bin/sh",
					    "| /bin/bash", "|/bin/sh", "|/bin/bash", NULL };

	for (int i = 0; s && pats[i]; i++)
		if (strstr(s, pats[i]))
			return true;
	return false;
}

static void judge_exec(struct analyzer *an, struct proc *p, const struct event_view *v,
		       const char *exe, const char *argv, size_t alen, const char *cmdline)
{
	struct owner *o = an->owners[p->owner];
	const char *a0 = list_get(argv, alen, 0);
	const char *b = exe ? path_base(exe) : a0 ? path_base(a0) : "?";
	struct bl_vars vars = { an->project, an->home, an->tmp, o->path };
	char summary[512], key[300];
	int nargs = list_count(argv, alen);
	struct finding *f = NULL;
	bool revshell = false;

	/* a reverse shell: an interactive shell, /dev/tcp, nc -e */
	if (is_shell(b) && nargs >= 2) {
		for (int i = 1; i < nargs; i++)
			if (!strcmp(list_get(argv, alen, i), "-i"))
				revshell = true;
	}
	if (strstr(cmdline, "/dev/tcp/") || strstr(cmdline, "/dev/udp/"))
		revshell = true;
	if ((!strcmp(b, "nc") || !strcmp(b, "ncat") || !strcmp(b, "netcat") || !strncmp(b, "nc.", 3)) &&
	    (strstr(cmdline, " -e ") || strstr(cmdline, " -c ")))
		revshell = true;
	if (!strcmp(b, "socat") && (strstr(cmdline, "exec:") || strstr(cmdline, "EXEC:")))
		revshell = true;
	if (revshell) {
		snprintf(summary, sizeof(summary), "%s ran a reverse shell: %.200s", owner_label(an, p->owner), cmdline);
		f = finding_add(an, R_UNEXPECTED_EXEC, SEV_CRITICAL, p->owner, "reverse-shell", summary);
		finding_ev(an, f, v, exe, NULL, NULL);
		return;
	}
	if (baseline_match(an->bl, BL_NET_TOOLS, b, NULL)) {
		bool piped = pipes_to_shell(cmdline);

		for (size_t i = 0; !piped && i < o->set[PS_SCRIPTS].n; i++)
			piped = pipes_to_shell(o->set[PS_SCRIPTS].items[i]);
		snprintf(summary, sizeof(summary), "%s ran the network tool %s%s", owner_label(an, p->owner), b,
			 piped ? ", piped into a shell" : "");
		snprintf(key, sizeof(key), "%s", b);
		f = finding_add(an, R_UNEXPECTED_EXEC, piped ? SEV_HIGH : SEV_MEDIUM, p->owner, key, summary);
		finding_ev(an, f, v, exe, NULL, NULL);
		return;
	}
	if (baseline_match(an->bl, BL_SYS_TOOLS, b, NULL)) {
		snprintf(summary, sizeof(summary), "%s ran the system tool %s", owner_label(an, p->owner), b);
		snprintf(key, sizeof(key), "%s", b);
		f = finding_add(an, R_UNEXPECTED_EXEC, SEV_MEDIUM, p->owner, key, summary);
		finding_ev(an, f, v, exe, NULL, NULL);
		return;
	}
	if ((!strcmp(b, "npm") || !strcmp(b, "npx") || pm_of_exec(exe, argv, alen)) &&
	    strstr(cmdline, " publish")) {
		snprintf(summary, sizeof(summary), "%s ran a package publish: %.200s", owner_label(an, p->owner), cmdline);
		f = finding_add(an, R_UNEXPECTED_EXEC, SEV_HIGH, p->owner, "publish", summary);
		finding_ev(an, f, v, exe, NULL, NULL);
		return;
	}
	if (baseline_match(an->bl, BL_INTERPRETERS, b, NULL)) {
		for (int i = 1; i + 1 < nargs; i++) {
			const char *a = list_get(argv, alen, i);

			if (strcmp(a, "-c") && strcmp(a, "-e") && strcmp(a, "--eval") && strcmp(a, "-p") &&
			    strcmp(a, "--print") && strcmp(a, "-E"))
				continue;
			if (!baseline_contains(an->bl, BL_PAYLOAD_MARKERS, list_get(argv, alen, i + 1)))
				break;
			snprintf(summary, sizeof(summary), "%s ran an inline %s payload: %.200s",
				 owner_label(an, p->owner), b, list_get(argv, alen, i + 1));
			f = finding_add(an, R_UNEXPECTED_EXEC, SEV_MEDIUM, p->owner, "inline-payload", summary);
			finding_ev(an, f, v, exe, NULL, NULL);
			return;
		}
	}
	if (baseline_match(an->bl, BL_SCRIPT_EXEC, b, NULL))
		return;
	/* dropped and fileless executables have rules of their own */
	if (!exe || strmap_find(&an->written, exe) >= 0 || (v->ev->flags & (PT_F_MEMFD | PT_F_DELETED)) ||
	    !strncmp(exe, "/memfd:", 7))
		return;
	/* the package's own shipped programs, and the project's dependencies' */
	if (exe && (path_under(exe, o->path) || (an->project && npm_folder_len(exe) &&
						 path_under(exe, an->project)) ||
		    !strncmp(exe, "/tmp/pip-", 9)))
		return;
	(void)vars;
	snprintf(summary, sizeof(summary), "%s ran %s, which a pure-library build does not", owner_label(an, p->owner), b);
	snprintf(key, sizeof(key), "%s", b);
	f = finding_add(an, R_UNEXPECTED_EXEC, SEV_LOW, p->owner, key, summary);
	finding_ev(an, f, v, exe, NULL, NULL);
}

static void cand_add(struct analyzer *an, struct candlist *cl, const char *key, int owner, int other,
		     const char *path, const char *extra, size_t extra_len, const struct event_view *v)
{
	size_t idx;
	int r = strmap_add(&cl->keys, key, &idx);
	struct cand *c;

	if (r < 0) {
		if (r == -ENOMEM)
			an->oom = true;
		return;
	}
	if (r == 0)
		return;
	if (!(idx & (idx + 1)) || !cl->v) { /* grow at powers of two */
		struct cand *nv = realloc(cl->v, (idx + 1) * 2 * sizeof(*nv));

		if (!nv) {
			an->oom = true;
			return;
		}
		cl->v = nv;
	}
	c = &cl->v[idx];
	memset(c, 0, sizeof(*c));
	c->owner = owner;
	c->other = other;
	c->path = xstrdup(an, path);
	c->extra = extra ? xmemdup(an, extra, extra_len) : NULL;
	c->extra_len = extra_len;
	c->pid = v ? v->ev->pid : 0;
	c->time_ns = v ? v->ev->time_ns : 0;
	c->event = v ? event_type_name(v->ev->type) : "";
}

static void candlist_clear(struct candlist *cl)
{
	for (size_t i = 0; i < cl->keys.n; i++) {
		free(cl->v[i].path);
		free(cl->v[i].extra);
	}
	free(cl->v);
	strmap_clear(&cl->keys);
	cl->v = NULL;
}

/* in_bin_dir: path sits where a shell finds commands: node_modules/.bin,
 * a directory on PATH, or a <prefix>/bin outside any package's folder.
 * A .bin inside a package folder is not one: yarn v1 keeps such links in
 * its cache's copy of each package, where no PATH points. */
static bool in_bin_dir(struct analyzer *an, const char *path)
{
	char dir[4096];
	size_t dl;

	dirname_into(path, dir, sizeof(dir));
	dl = strlen(dir);
	if (dl > 18 && !strcmp(dir + dl - 18, "/node_modules/.bin"))
		return true;
	for (size_t i = 0; i < an->npathdirs; i++)
		if (!strcmp(dir, an->pathdirs[i]))
			return true;
	/* pip's build environments (/tmp/pip-build-env-*) are not on any PATH */
	return !strcmp(path_base(dir), "bin") && !npm_folder_len(path) && strncmp(path, "/tmp/pip-", 9) &&
	       strncmp(path, "/proc/", 6);
}

static void note_written(struct analyzer *an, int owner, const char *path)
{
	size_t idx;
	int r = strmap_add(&an->written, path, &idx);

	if (r == 1)
		an->written_owner[idx] = owner;
	else if (r == -ENOMEM)
		an->oom = true;
}

/* pip_name_from_build: a build hook names its distribution in what it
 * writes: NAME-VERSION-*.whl, or NAME.egg-info/ in its tree.  pip removes
 * the build directory before the install ends, so this is read from the
 * stream rather than from PKG-INFO at finish. */
static void pip_name_from_build(struct analyzer *an, struct owner *o, const char *path)
{
	const char *base = path_base(path), *egg;
	size_t l = strlen(base);
	char name[256], version[128];

	if (l > 4 && !strcmp(base + l - 4, ".whl")) {
		const char *d1 = strchr(base, '-'), *d2 = d1 ? strchr(d1 + 1, '-') : NULL;

		if (!d1 || !d2 || d1 == base)
			return;
		snprintf(name, sizeof(name), "%.*s", (int)(d1 - base), base);
		snprintf(version, sizeof(version), "%.*s", (int)(d2 - d1 - 1), d1 + 1);
		set_str(an, &o->name, name);
		set_str(an, &o->version, version);
		o->name_from_build = 2;
	} else if (o->name_from_build < 1 && o->path && path_under(path, o->path) &&
		   (egg = strstr(path, ".egg-info/"))) {
		const char *start = egg;

		while (start > path && start[-1] != '/')
			start--;
		if (egg == start)
			return;
		snprintf(name, sizeof(name), "%.*s", (int)(egg - start), start);
		set_str(an, &o->name, name);
		o->name_from_build = 1;
	}
}

/* judge_write: a package's file write, delete, rename or chmod of path. */
static void judge_write(struct analyzer *an, struct proc *p, const struct event_view *v,
			const char *path, bool creates)
{
	struct owner *o = an->owners[p->owner];
	const char *cat = pathclass_persistence(path, an->home);
	struct bl_vars vars = { an->project, an->home, an->tmp, o->path };
	bool in_project = an->project && path_under(path, an->project);
	size_t fl = npm_folder_len(path);
	char summary[512], key[4200];
	struct finding *f;

	if (creates && v->ev->ret >= 0)
		note_written(an, p->owner, path);
	if (creates && v->ev->ret >= 0 && o->eco && !strcmp(o->eco, "pip"))
		pip_name_from_build(an, o, path);
	if (cat) {
		snprintf(summary, sizeof(summary), "%s wrote a %s hook: %s", owner_label(an, p->owner), cat, path);
		f = finding_add(an, R_PERSISTENCE, SEV_HIGH, p->owner, cat, summary);
		finding_ev(an, f, v, path, NULL, NULL);
	}
	if (strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".pth") && creates)
		cand_add(an, &an->pths, path, p->owner, -1, path, NULL, 0, v);
	if (v->ev->ret < 0)
		return;
	if (pathclass_ci(path)) {
		snprintf(summary, sizeof(summary), "%s wrote CI configuration: %s", owner_label(an, p->owner), path);
		f = finding_add(an, R_TAMPER, SEV_HIGH, p->owner, "ci", summary);
		finding_ev(an, f, v, path, NULL, NULL);
		return;
	}
	if (o->path && path_under(path, o->path) && (!fl || fl == strlen(o->path)))
		return; /* its own folder */
	if (in_bin_dir(an, path) && creates)
		cand_add(an, &an->bins, path, p->owner, -1, path, NULL, 0, v);
	if (fl && (!o->path || strncmp(path, o->path, fl) || fl != strlen(o->path))) {
		snprintf(key, sizeof(key), "%.*s", (int)fl, path);
		snprintf(summary, sizeof(summary), "%s modified another package's files: %s",
			 owner_label(an, p->owner), key);
		f = finding_add(an, R_TAMPER, SEV_HIGH, p->owner, key, summary);
		finding_ev(an, f, v, path, NULL, NULL);
		prof_add(an, p->owner, PS_WRITES, path);
		return;
	}
	if (in_project) {
		char nm[4200];

		snprintf(nm, sizeof(nm), "%s/node_modules", an->project);
		if (path_under(path, nm))
			return; /* .bin (judged as an executable), .cache, lock metadata */
		snprintf(summary, sizeof(summary), "%s modified the project's %s: %s", owner_label(an, p->owner),
			 pathclass_manifest(path) ? "manifest" : "files", path);
		f = finding_add(an, R_TAMPER, SEV_HIGH, p->owner, "project", summary);
		finding_ev(an, f, v, path, NULL, NULL);
		prof_add(an, p->owner, PS_WRITES, path);
		return;
	}
	/* Python caches compiled modules next to whatever it imports */
	if (strstr(path, "/__pycache__/") && strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".pyc"))
		return;
	if (baseline_match(an->bl, BL_SCRIPT_WRITE, path, &vars))
		return;
	if ((strstr(path, "/site-packages/") || strstr(path, "/dist-packages/")) && !p->is_pm) {
		snprintf(summary, sizeof(summary), "%s modified installed Python packages: %s", owner_label(an, p->owner), path);
		f = finding_add(an, R_TAMPER, SEV_HIGH, p->owner, "site-packages", summary);
		finding_ev(an, f, v, path, NULL, NULL);
		prof_add(an, p->owner, PS_WRITES, path);
		return;
	}
	if (baseline_match(an->bl, BL_SCRIPT_WRITE, path, &vars))
		return;
	prof_add(an, p->owner, PS_WRITES, path);
	if (pathclass_buildfile(path)) {
		snprintf(summary, sizeof(summary), "%s edited a build file outside its own tree: %s",
			 owner_label(an, p->owner), path);
		f = finding_add(an, R_TAMPER, SEV_HIGH, p->owner, "build-file", summary);
		finding_ev(an, f, v, path, NULL, NULL);
	}
	if (cat)
		return;
	snprintf(summary, sizeof(summary), "%s wrote outside the project and its own folder: %s",
		 owner_label(an, p->owner), path);
	f = finding_add(an, R_WRITE_OUTSIDE_PROJECT, SEV_MEDIUM, p->owner, "", summary);
	finding_ev(an, f, v, path, NULL, NULL);
}

/* pm_write: the package manager's own file events: note what finish needs
 * (installed folders, RECORD, .pth, executables) and judge the rest
 * against what a package manager does. */
static void pm_write(struct analyzer *an, struct proc *p, const struct event_view *v,
		     const char *path, const char *target, bool creates)
{
	size_t fl = npm_folder_len(path);
	const char *cat;
	char summary[512];
	struct finding *f;

	if (v->ev->ret < 0)
		return;
	if (target && fl && fl == strlen(path)) {
		/* node_modules/NAME -> .pnpm/NAME@VER/node_modules/NAME: pnpm's
		 * (and npm's workspace) links are no package folder of their own;
		 * the folder they point to is */
		char abs[8400], dir[4096];

		dirname_into(path, dir, sizeof(dir));
		link_resolve(dir, target, abs, sizeof(abs));
		cand_add(an, &an->links, path, -1, -1, path, abs, strlen(abs), v);
		return;
	}
	if (fl && an->project && path_under(path, an->project) &&
	    strmap_put(&an->npm_folders, path, fl, NULL) == -ENOMEM)
		an->oom = true;
	if (!creates)
		return;
	if (in_bin_dir(an, path))
		cand_add(an, &an->bins, path, -1, -1, path, target, target ? strlen(target) : 0, v);
	if (strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".pth"))
		cand_add(an, &an->pths, path, -1, -1, path, NULL, 0, v);
	if (strstr(path, ".dist-info/RECORD") && !strcmp(path_base(path), "RECORD") &&
	    strmap_add(&an->records, path, NULL) == -ENOMEM)
		an->oom = true;
	cat = pathclass_persistence(path, an->home);
	if (cat) {
		snprintf(summary, sizeof(summary), "the package manager wrote a %s hook: %s", cat, path);
		f = finding_add(an, R_PERSISTENCE, SEV_HIGH, p->owner, cat, summary);
		finding_ev(an, f, v, path, NULL, NULL);
		return;
	}
	if (!baseline_match(an->bl, BL_PM_WRITE, path, &(struct bl_vars){ an->project, an->home, an->tmp, NULL })) {
		snprintf(summary, sizeof(summary), "the package manager wrote outside its usual places: %s", path);
		f = finding_add(an, R_WRITE_OUTSIDE_PROJECT, SEV_LOW, -1, "package-manager", summary);
		finding_ev(an, f, v, path, NULL, NULL);
	}
}

static bool open_writes(const struct pt_event *ev)
{
	uint64_t fl = ev->arg[0];

	return (fl & O_ACCMODE) != O_RDONLY || (fl & (O_CREAT | O_TRUNC | O_APPEND));
}

static void on_file(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	struct owner *o = an->owners[p->owner];
	const char *path = v->field[0], *path2 = v->field[1];
	char summary[512];
	struct finding *f;
	bool pkg = o->kind == OWN_PACKAGE;

	if (!path)
		return;
	switch (ev->type) {
	case PT_EV_OPEN:
		if (!open_writes(ev)) {
			const char *cat;
			size_t l = strlen(path);
			long w;

			if (!pkg)
				return;
			cat = pathclass_credential(path, an->home, ev->pid);
			/* a package manager a script started reads its own config */
			if (cat && !(p->is_pm && (!strcmp(cat, "npm-token") || !strcmp(cat, "pypi-token")))) {
				char item[4200];

				snprintf(item, sizeof(item), "%s %s", cat, path);
				prof_add(an, p->owner, PS_READS, item);
				snprintf(summary, sizeof(summary), "%s read %s secrets: %s", owner_label(an, p->owner), cat, path);
				f = finding_add(an, R_CREDENTIAL_ACCESS, SEV_HIGH, p->owner, cat, summary);
				finding_ev(an, f, v, path, NULL, NULL);
			}
			/* loading a library written during the install */
			if (ev->ret >= 0 && ((l > 3 && !strcmp(path + l - 3, ".so")) || strstr(path, ".so.") ||
					     (l > 5 && !strcmp(path + l - 5, ".node"))) &&
			    (w = strmap_find(&an->written, path)) >= 0)
				cand_add(an, &an->drops, path, an->written_owner[w], p->owner, path, NULL, 0, v);
			return;
		}
		break;
	case PT_EV_CHMOD:
		if (pkg && (ev->arg[0] & 06000)) {
			snprintf(summary, sizeof(summary), "%s set setuid/setgid bits on %s", owner_label(an, p->owner), path);
			f = finding_add(an, R_PRIVILEGE_CHANGE, SEV_HIGH, p->owner, "setuid-bit", summary);
			finding_ev(an, f, v, path, NULL, NULL);
		}
		if ((ev->arg[0] & 0111) && ev->ret >= 0 && in_bin_dir(an, path))
			cand_add(an, &an->bins, path, pkg ? p->owner : -1, -1, path, NULL, 0, v);
		break;
	case PT_EV_MKDIR:
		return; /* what lands in the directory is judged */
	default:
		break;
	}
	if (o->kind == OWN_PM) {
		if (ev->type == PT_EV_RENAME || ev->type == PT_EV_LINK)
			pm_write(an, p, v, path2 ? path2 : path, NULL, true);
		else
			pm_write(an, p, v, path, ev->type == PT_EV_SYMLINK ? path2 : NULL,
				 ev->type == PT_EV_OPEN || ev->type == PT_EV_SYMLINK);
		return;
	}
	if (!pkg)
		return;
	switch (ev->type) {
	case PT_EV_RENAME:
	case PT_EV_LINK:
		if (path2) {
			long w = strmap_find(&an->written, path);

			/* a script's file keeps its writer through renames and links */
			if (w >= 0 && ev->ret >= 0)
				note_written(an, an->written_owner[w], path2);
			judge_write(an, p, v, path2, w < 0 && ev->type == PT_EV_RENAME ? false : w < 0);
		}
		if (ev->type == PT_EV_RENAME)
			judge_write(an, p, v, path, false);
		break;
	case PT_EV_SYMLINK:
		judge_write(an, p, v, path, true);
		break;
	default:
		judge_write(an, p, v, path, ev->type == PT_EV_OPEN);
		break;
	}
}

static void endpoint_of(const struct event_view *v, char *ap, size_t aplen, char *ep, size_t eplen,
			bool *is_v4_53)
{
	const struct pt_event *ev = v->ev;
	const uint8_t *a = (const uint8_t *)v->field[0];
	uint32_t len = v->field_len[0];
	char addr[INET6_ADDRSTRLEN] = "?";
	int type = ev->arg[2] & 0xffff;
	const char *proto = type == SOCK_DGRAM ? "udp" : type == SOCK_STREAM ? "tcp" : "ip";

	if (ev->arg[0] == AF_INET && a && len >= 4) {
		inet_ntop(AF_INET, a, addr, sizeof(addr));
		snprintf(ap, aplen, "%s:%u", addr, (unsigned)ev->arg[1]);
	} else if (ev->arg[0] == AF_INET6 && a && len >= 16) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (!memcmp(a, mapped, 12)) {
			inet_ntop(AF_INET, a + 12, addr, sizeof(addr));
			snprintf(ap, aplen, "%s:%u", addr, (unsigned)ev->arg[1]);
		} else {
			inet_ntop(AF_INET6, a, addr, sizeof(addr));
			snprintf(ap, aplen, "[%s]:%u", addr, (unsigned)ev->arg[1]);
		}
	} else {
		snprintf(ap, aplen, "?:%u", (unsigned)ev->arg[1]);
	}
	snprintf(ep, eplen, "%s/%s", ap, proto);
	*is_v4_53 = ev->arg[1] == 53 && type != SOCK_STREAM;
}

/* dns_name: the query name of a DNS message, or false. */
static bool dns_name(const uint8_t *msg, size_t len, char *out, size_t max)
{
	size_t off = 12, o = 0;

	if (!msg || len <= 12)
		return false;
	while (off < len && msg[off]) {
		size_t l = msg[off++];

		if (l > 63 || off + l > len || o + l + 2 >= max)
			return false;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			unsigned char c = msg[off + i];

			out[o++] = (c > 32 && c < 127) ? (char)c : '?';
		}
		off += l;
	}
	out[o] = '\0';
	return o > 0;
}

static void net_add(struct analyzer *an, struct proc *p, const struct event_view *v, bool dns,
		    const char *ap, const char *ep, const char *name)
{
	char key[1024];
	size_t idx;
	int r;
	struct netrec *n;

	snprintf(key, sizeof(key), "%d\x1%d\x1%s\x1%s", p->owner, dns, ep, name ? name : "");
	r = strmap_add(&an->net_keys, key, &idx);
	if (r < 0) {
		if (r == -ENOMEM)
			an->oom = true;
		return;
	}
	if (r == 0) {
		an->net[idx].count++;
		return;
	}
	if (!(idx & (idx + 1)) || !an->net) {
		struct netrec *nv = realloc(an->net, (idx + 1) * 2 * sizeof(*nv));

		if (!nv) {
			an->oom = true;
			return;
		}
		an->net = nv;
	}
	n = &an->net[idx];
	memset(n, 0, sizeof(*n));
	n->owner = p->owner;
	n->dns = dns;
	n->endpoint = xstrdup(an, ep);
	n->addrport = xstrdup(an, ap);
	n->name = xstrdup(an, name);
	n->pid = v->ev->pid;
	n->time_ns = v->ev->time_ns;
	n->event = event_type_name(v->ev->type);
	n->count = 1;
}

static void on_socket(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	struct owner *o = an->owners[p->owner];
	char ap[128], ep[160], name[256], summary[512];
	bool udp53;
	struct finding *f;

	if (ev->arg[0] != AF_INET && ev->arg[0] != AF_INET6) {
		if (ev->type == PT_EV_CONNECT && v->field[0])
			prof_add(an, p->owner, PS_NET, v->field[0]);
		return;
	}
	endpoint_of(v, ap, sizeof(ap), ep, sizeof(ep), &udp53);
	switch (ev->type) {
	case PT_EV_CONNECT:
		if (o->kind == OWN_PM || (p->is_pm && o->kind != OWN_PACKAGE)) {
			if (strmap_add(&an->pm_endpoints, ap, NULL) == -ENOMEM)
				an->oom = true;
			return;
		}
		if (o->kind != OWN_PACKAGE)
			return;
		prof_add(an, p->owner, udp53 ? PS_DNS : PS_NET, ep);
		net_add(an, p, v, udp53, ap, ep, NULL);
		return;
	case PT_EV_SEND:
		if (o->kind != OWN_PACKAGE)
			return;
		if (ev->arg[1] == 53 && dns_name((const uint8_t *)v->field[1], v->field_len[1], name, sizeof(name))) {
			char item[512];

			snprintf(item, sizeof(item), "%s via %s", name, ap);
			prof_add(an, p->owner, PS_DNS, item);
			net_add(an, p, v, true, ap, ep, name);
		} else {
			prof_add(an, p->owner, PS_NET, ep);
			net_add(an, p, v, ev->arg[1] == 53, ap, ep, NULL);
		}
		return;
	case PT_EV_LISTEN:
		if (o->kind != OWN_PACKAGE)
			return;
		prof_add(an, p->owner, PS_LISTEN, ep);
		snprintf(summary, sizeof(summary), "%s listened on %s", owner_label(an, p->owner), ep);
		f = finding_add(an, R_LISTEN_SOCKET, SEV_MEDIUM, p->owner, ep, summary);
		finding_ev(an, f, v, NULL, ep, NULL);
		return;
	default:
		return;
	}
}

/* script_start: a package manager's child exec'd: is it a lifecycle script
 * or build hook?  Returns the new owner, or -1 to keep the old one. */
static int script_start(struct analyzer *an, struct proc *p, const struct event_view *v,
			const char *argv, size_t alen, const char *cmdline)
{
	const char *cwd = v->field[2], *env = v->field[3];
	size_t elen = v->field_len[3];
	const char *event = env_get(env, elen, "npm_lifecycle_event");
	int owner = -1;
	char item[1024];

	if (event && (!p->pm_eco || !strcmp(p->pm_eco, "npm"))) {
		const char *json = env_get(env, elen, "npm_package_json");
		const char *script = env_get(env, elen, "npm_lifecycle_script");
		char folder[4096];

		if (json)
			dirname_into(json, folder, sizeof(folder));
		else
			snprintf(folder, sizeof(folder), "%s", cwd ? cwd : "");
		if (!folder[0])
			return -1;
		owner = npm_owner_for_folder(an, folder, env_get(env, elen, "npm_package_name"),
					     env_get(env, elen, "npm_package_version"));
		snprintf(item, sizeof(item), "%s: %s", event, script ? script : cmdline);
	} else if ((!p->pm_eco || !strcmp(p->pm_eco, "npm")) && cwd && is_shell(path_base(v->field[0] ? v->field[0] : "")) &&
		   (npm_folder_len(cwd) == strlen(cwd) || (an->project && !strcmp(cwd, an->project)))) {
		/* the environment was cut before npm's variables (a large
		 * environment): npm runs every script with cwd in its folder */
		owner = npm_owner_for_folder(an, cwd, NULL, NULL);
		event = "script";
		snprintf(item, sizeof(item), "%s: %s", event, cmdline);
	} else if (p->pm_eco && !strcmp(p->pm_eco, "pip") && cwd &&
		   (strstr(cmdline, "_in_process.py") || strstr(cmdline, "setup.py"))) {
		const char *hook = "build";

		/* pip's build-backend hooks and legacy setup.py runs */
		for (int i = 1; list_get(argv, alen, i); i++) {
			const char *a = list_get(argv, alen, i);

			if (strstr(a, "_in_process.py") && list_get(argv, alen, i + 1)) {
				hook = list_get(argv, alen, i + 1);
				break;
			}
		}
		owner = pip_owner_for_dir(an, cwd);
		snprintf(item, sizeof(item), "%s: %.900s", hook, cmdline);
		event = hook;
	}
	if (owner < 0)
		return -1;
	prof_add(an, owner, PS_SCRIPTS, item);
	an->owners[owner]->ran_script = true;
	if (an->owners[owner]->kind == OWN_PACKAGE) {
		char summary[512];
		struct finding *f;

		snprintf(summary, sizeof(summary), "%s ran its %s script", owner_label(an, owner), event);
		f = finding_add(an, R_INSTALL_SCRIPT, SEV_INFO, owner, event, summary);
		finding_ev(an, f, v, v->field[0], NULL, NULL);
	}
	return owner;
}

static void on_exec(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	const char *exe = v->field[0], *argv = v->field[1];
	size_t alen = v->field_len[1];
	char cmdline[1024], summary[512], item[1200];
	const char *pm;
	struct finding *f;

	join_argv(argv, alen, cmdline, sizeof(cmdline));
	if (ev->ret == 0) {
		pm = pm_of_exec(exe, argv, alen);
		if (p->is_pm && !pm) {
			int owner = script_start(an, p, v, argv, alen, cmdline);

			if (owner >= 0)
				p->owner = owner;
		}
		p->is_pm = pm != NULL;
		if (pm) {
			p->pm_eco = pm;
			if (an->owners[p->owner]->kind == OWN_COMMAND)
				p->owner = !strcmp(pm, "npm") ? an->pm_npm : an->pm_pip;
			registry_from_argv(an, argv, alen);
			registry_from_env(an, v->field[3], v->field_len[3]);
		}
		free(p->cmd);
		snprintf(item, sizeof(item), "%s", cmdline[0] ? cmdline : exe ? exe : "?");
		p->cmd = xstrdup(an, item);
		p->time_ns = ev->time_ns;
		prof_add(an, p->owner, PS_PROCS, item);
	}
	if ((ev->flags & (PT_F_MEMFD | PT_F_DELETED)) ||
	    (exe && (!strncmp(exe, "/memfd:", 7) || !strncmp(exe, "/proc/self/fd/", 14) ||
		     !strncmp(exe, "/dev/fd/", 8)))) {
		snprintf(summary, sizeof(summary), "%s executed a %s: %s", owner_label(an, p->owner),
			 ev->flags & PT_F_MEMFD || (exe && !strncmp(exe, "/memfd:", 7)) ? "memfd" : "deleted file",
			 exe ? exe : "?");
		f = finding_add(an, R_FILELESS_EXEC, SEV_CRITICAL, p->owner, "", summary);
		finding_ev(an, f, v, exe, NULL, NULL);
	}
	if (an->owners[p->owner]->kind != OWN_PACKAGE)
		return;
	if (ev->ret == 0 && exe) {
		long w = strmap_find(&an->written, exe);

		if (w >= 0)
			cand_add(an, &an->drops, exe, an->written_owner[w], p->owner, exe, argv, alen, v);
	}
	/* PATH lookups fail before the hit: judge a name once it ran, or
	 * when every try failed (the first failure is kept as evidence) */
	judge_exec(an, p, v, exe, argv, alen, cmdline);
}

static void on_cred(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	char summary[512], key[64];
	struct finding *f;

	if (an->owners[p->owner]->kind != OWN_PACKAGE)
		return;
	if (ev->type == PT_EV_PTRACE) {
		/* PTRACE_TRACEME (0) names no target; tracing itself is no attack */
		if (ev->arg[0] == 0 || ev->arg[1] == ev->pid || ev->arg[1] == ev->tid)
			return;
		snprintf(summary, sizeof(summary), "%s used ptrace on pid %llu", owner_label(an, p->owner),
			 (unsigned long long)ev->arg[1]);
		snprintf(key, sizeof(key), "ptrace");
	} else {
		snprintf(summary, sizeof(summary), "%s changed its credentials (set*id kind %llu to %lld)",
			 owner_label(an, p->owner), (unsigned long long)ev->arg[0], (long long)ev->arg[1]);
		snprintf(key, sizeof(key), "setid");
	}
	f = finding_add(an, R_PRIVILEGE_CHANGE, SEV_HIGH, p->owner, key, summary);
	finding_ev(an, f, v, NULL, NULL, NULL);
}

void analyzer_feed(struct analyzer *an, const struct event_view *v)
{
	const struct pt_event *ev;
	struct proc *p;

	if (!an || !v || !v->ev)
		return;
	ev = v->ev;
	an->fed++;
	switch (ev->type) {
	case PT_EV_ROOT:
		p = proc_new(an, ev->pid, NULL, ev->time_ns);
		if (p)
			p->root = true;
		return;
	case PT_EV_FORK: {
		struct proc *parent = proc_of(an, ev);

		if (parent)
			proc_new(an, (uint32_t)ev->arg[0], parent, ev->time_ns);
		return;
	}
	case PT_EV_EXIT:
		p = proc_find(an, ev->pid);
		if (p)
			p->alive = false;
		return;
	default:
		break;
	}
	p = proc_of(an, ev);
	if (!p)
		return;
	switch (ev->type) {
	case PT_EV_EXEC:
		on_exec(an, p, v);
		break;
	case PT_EV_OPEN: case PT_EV_UNLINK: case PT_EV_RENAME: case PT_EV_MKDIR:
	case PT_EV_CHMOD: case PT_EV_SYMLINK: case PT_EV_LINK: case PT_EV_TRUNCATE:
		on_file(an, p, v);
		break;
	case PT_EV_MEMFD:
		if (an->owners[p->owner]->kind == OWN_PACKAGE && v->field[0]) {
			char item[300];

			snprintf(item, sizeof(item), "memfd:%s", v->field[0]);
			prof_add(an, p->owner, PS_EXECUTABLES, item);
		}
		break;
	case PT_EV_CONNECT: case PT_EV_BIND: case PT_EV_LISTEN: case PT_EV_ACCEPT: case PT_EV_SEND:
		on_socket(an, p, v);
		break;
	case PT_EV_SETID: case PT_EV_PTRACE:
		on_cred(an, p, v);
		break;
	default:
		break;
	}
}

/* ---------- setup ---------- */

static int env_copy(struct analyzer *an, const struct session_info *si)
{
	const char *home = session_getenv(si, "HOME");
	const char *tmp = session_getenv(si, "TMPDIR");
	const char *path = session_getenv(si, "PATH");

	an->project = xstrdup(an, si->cwd);
	an->home = xstrdup(an, home ? home : "/root");
	an->tmp = xstrdup(an, tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (an->project && strlen(an->project) > 1 && an->project[strlen(an->project) - 1] == '/')
		an->project[strlen(an->project) - 1] = '\0';
	if (path) {
		char *copy = xstrdup(an, path), *save = NULL;

		for (char *t = copy ? strtok_r(copy, ":", &save) : NULL; t; t = strtok_r(NULL, ":", &save)) {
			char **nv;

			if (t[0] != '/')
				continue;
			nv = realloc(an->pathdirs, (an->npathdirs + 1) * sizeof(*nv));
			if (!nv) {
				an->oom = true;
				break;
			}
			an->pathdirs = nv;
			an->pathdirs[an->npathdirs++] = xstrdup(an, t);
		}
		free(copy);
	}
	return an->oom ? -ENOMEM : 0;
}

struct analyzer *analyzer_new(const struct baseline *bl, const struct session_info *si)
{
	struct analyzer *an = calloc(1, sizeof(*an));
	static const struct session_info empty = { .exit_status = -1 };

	if (!an || !bl)
		goto fail;
	if (!si)
		si = &empty;
	an->bl = bl;
	strmap_init(&an->owner_keys, 0);
	strmap_init(&an->finding_keys, 0);
	strmap_init(&an->written, WRITTEN_CAP);
	strmap_init(&an->drops.keys, CAND_CAP);
	strmap_init(&an->bins.keys, CAND_CAP);
	strmap_init(&an->pths.keys, CAND_CAP);
	strmap_init(&an->links.keys, NPM_FOLDERS_CAP);
	strmap_init(&an->records, CAND_CAP);
	strmap_init(&an->npm_folders, NPM_FOLDERS_CAP);
	strmap_init(&an->registry_urls, 64);
	strmap_init(&an->pm_endpoints, 1024);
	strmap_init(&an->net_keys, CAND_CAP);
	an->written_owner = calloc(WRITTEN_CAP, sizeof(int));
	if (!an->written_owner || env_copy(an, si))
		goto fail;
	an->command_owner = owner_get(an, OWN_COMMAND, NULL, "command", NULL, NULL, an->project);
	an->project_owner = owner_get(an, OWN_PROJECT, NULL, "project", NULL, NULL, an->project);
	an->pm_npm = owner_get(an, OWN_PM, "npm", "pm:npm", "npm", NULL, NULL);
	an->pm_pip = owner_get(an, OWN_PM, "pip", "pm:pip", "pip", NULL, NULL);
	for (int i = 1; i < si->argc; i++) {
		/* the command line's own registry options */
		char buf[4096];

		if (!si->argv[i])
			continue;
		if ((!strcmp(si->argv[i], "--registry") || !strcmp(si->argv[i], "-i") ||
		     !strcmp(si->argv[i], "--index-url") || !strcmp(si->argv[i], "--extra-index-url") ||
		     !strcmp(si->argv[i], "-f") || !strcmp(si->argv[i], "--find-links")) && i + 1 < si->argc)
			registry_add(an, si->argv[i + 1]);
		snprintf(buf, sizeof(buf), "%s", si->argv[i]);
		if (strchr(buf, '=') && !strncmp(buf, "--", 2)) {
			char *eq = strchr(buf, '=');

			*eq = '\0';
			if (!strcmp(buf, "--registry") || !strcmp(buf, "--index-url") ||
			    !strcmp(buf, "--extra-index-url") || !strcmp(buf, "--find-links"))
				registry_add(an, eq + 1);
		}
	}
	for (int i = 0; i < si->envc; i++) {
		if (si->env[i])
			registry_from_env(an, si->env[i], strlen(si->env[i]) + 1);
	}
	if (an->oom)
		goto fail;
	return an;
fail:
	analyzer_free(an);
	return NULL;
}

static void findings_free(struct finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < f[i].nev; k++)
			evidence_clear(&f[i].ev[k]);
		free(f[i].key);
		free(f[i].summary);
	}
	free(f);
}

void analyzer_free(struct analyzer *an)
{
	if (!an)
		return;
	for (int i = 0; i < PROC_BUCKETS; i++) {
		struct proc *n;

		for (struct proc *p = an->procs[i]; p; p = n) {
			n = p->next;
			free(p->cmd);
			free(p);
		}
	}
	for (size_t i = 0; i < an->nowners; i++)
		owner_free(an->owners[i]);
	free(an->owners);
	findings_free(an->findings, an->nfindings);
	strmap_clear(&an->owner_keys);
	strmap_clear(&an->finding_keys);
	strmap_clear(&an->written);
	free(an->written_owner);
	candlist_clear(&an->drops);
	candlist_clear(&an->bins);
	candlist_clear(&an->pths);
	candlist_clear(&an->links);
	strmap_clear(&an->records);
	strmap_clear(&an->npm_folders);
	strmap_clear(&an->registry_urls);
	strmap_clear(&an->pm_endpoints);
	for (size_t i = 0; i < an->net_keys.n; i++) {
		free(an->net[i].endpoint);
		free(an->net[i].addrport);
		free(an->net[i].name);
	}
	free(an->net);
	strmap_clear(&an->net_keys);
	for (size_t i = 0; i < an->npathdirs; i++)
		free(an->pathdirs[i]);
	free(an->pathdirs);
	free(an->project);
	free(an->home);
	free(an->tmp);
	free(an);
}

/* ---------- finish: registries ---------- */

/* url_endpoints: "addr:port" strings for the host of url when it is an IP
 * literal or localhost.  A registry named by hostname is matched through
 * the addresses the package manager itself connected to. */
static void url_endpoints(struct analyzer *an, const char *url, struct strmap *out)
{
	char host[256], addr[INET6_ADDRSTRLEN], ep[300];
	const char *s = strstr(url, "://"), *h, *end;
	unsigned port = 0;
	unsigned char bin[16];
	size_t hl;

	if (!s)
		return;
	port = !strncmp(url, "https", 5) ? 443 : 80;
	h = s + 3;
	end = h + strcspn(h, "/?#");
	for (const char *at = h; at < end; at++)
		if (*at == '@')
			h = at + 1;
	if (*h == '[') {
		const char *rb = memchr(h, ']', end - h);

		if (!rb)
			return;
		hl = rb - h - 1;
		if (hl >= sizeof(host))
			return;
		memcpy(host, h + 1, hl);
		host[hl] = '\0';
		if (rb[1] == ':')
			port = (unsigned)strtoul(rb + 2, NULL, 10);
	} else {
		const char *colon = memchr(h, ':', end - h);

		hl = (colon ? colon : end) - h;
		if (hl >= sizeof(host))
			return;
		memcpy(host, h, hl);
		host[hl] = '\0';
		if (colon)
			port = (unsigned)strtoul(colon + 1, NULL, 10);
	}
	if (!strcmp(host, "localhost")) {
		snprintf(ep, sizeof(ep), "127.0.0.1:%u", port);
		strmap_add(out, ep, NULL);
		snprintf(ep, sizeof(ep), "[::1]:%u", port);
	} else if (inet_pton(AF_INET, host, bin) == 1) {
		inet_ntop(AF_INET, bin, addr, sizeof(addr));
		snprintf(ep, sizeof(ep), "%s:%u", addr, port);
	} else if (inet_pton(AF_INET6, host, bin) == 1) {
		inet_ntop(AF_INET6, bin, addr, sizeof(addr));
		snprintf(ep, sizeof(ep), "[%s]:%u", addr, port);
	} else {
		return;
	}
	if (strmap_add(out, ep, NULL) == -ENOMEM)
		an->oom = true;
}

/* conf_urls: registry URLs of an .npmrc or pip.conf text: the values of
 * registry, @scope:registry, index-url, extra-index-url, find-links. */
static void conf_urls(struct analyzer *an, const char *text)
{
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) : strlen(line);
		char buf[1024], *eq, *k, *val;

		if (l >= sizeof(buf))
			l = sizeof(buf) - 1;
		memcpy(buf, line, l);
		buf[l] = '\0';
		line = nl ? nl + 1 : NULL;
		eq = strchr(buf, '=');
		if (!eq) {
			/* a pip list continues on indented lines */
			val = buf + strspn(buf, " \t");
			if (val != buf && strstr(val, "://"))
				registry_add(an, strtok(val, " \t\r"));
			continue;
		}
		*eq = '\0';
		k = buf + strspn(buf, " \t");
		for (char *e = eq - 1; e >= k && (*e == ' ' || *e == '\t'); e--)
			*e = '\0';
		val = eq + 1 + strspn(eq + 1, " \t\"'");
		val[strcspn(val, " \t\r\"'")] = '\0';
		if (!strcmp(k, "registry") || (k[0] == '@' && strstr(k, ":registry")) ||
		    !strcmp(k, "index-url") || !strcmp(k, "extra-index-url") || !strcmp(k, "find-links"))
			registry_add(an, val);
	}
}

static const char *fact(struct facts *facts, const char *path, size_t max)
{
	const char *data;
	size_t len;

	if (!facts || !path || facts_read_file(facts, path, max, &data, &len))
		return NULL;
	return data;
}

static void registry_endpoints(struct analyzer *an, const struct session_info *si,
			       struct facts *facts, struct strmap *out)
{
	char path[4200];
	const char *v;
	const char *venv = session_getenv(si, "VIRTUAL_ENV");
	const char *files[] = { "/etc/npmrc", "/usr/etc/npmrc", "/usr/local/etc/npmrc",
				"/etc/pip.conf", "/etc/xdg/pip/pip.conf", NULL };
	const char *home_files[] = { ".npmrc", ".pip/pip.conf", ".config/pip/pip.conf", NULL };

	if (an->project) {
		snprintf(path, sizeof(path), "%s/.npmrc", an->project);
		conf_urls(an, fact(facts, path, 65536));
	}
	for (int i = 0; home_files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", an->home, home_files[i]);
		conf_urls(an, fact(facts, path, 65536));
	}
	for (int i = 0; files[i]; i++)
		conf_urls(an, fact(facts, files[i], 65536));
	if ((v = session_getenv(si, "NPM_CONFIG_USERCONFIG")) || (v = session_getenv(si, "npm_config_userconfig")))
		conf_urls(an, fact(facts, v, 65536));
	if ((v = session_getenv(si, "PIP_CONFIG_FILE")))
		conf_urls(an, fact(facts, v, 65536));
	if (venv) {
		snprintf(path, sizeof(path), "%s/pip.conf", venv);
		conf_urls(an, fact(facts, path, 65536));
	}
	for (size_t i = 0; i < an->registry_urls.n; i++)
		url_endpoints(an, an->registry_urls.items[i], out);
	for (size_t i = 0; i < an->pm_endpoints.n; i++)
		if (strmap_add(out, an->pm_endpoints.items[i], NULL) == -ENOMEM)
			an->oom = true;
}

/* ---------- finish: the installed tree ---------- */

static void set_str(struct analyzer *an, char **dst, const char *val)
{
	if (!val || (*dst && !strcmp(*dst, val)))
		return;
	free(*dst);
	*dst = xstrdup(an, val);
}

/* pip_metadata: Name and Version of the distribution in dir, from PKG-INFO,
 * setup.cfg or pyproject.toml. */
static void pip_metadata(struct analyzer *an, struct owner *o, struct facts *facts)
{
	static const struct { const char *file, *name_key, *version_key; } src[] = {
		{ "PKG-INFO", "Name:", "Version:" },
		{ "setup.cfg", "name", "version" },
		{ "pyproject.toml", "name", "version" },
	};
	char path[4200], val[256];

	for (size_t s = 0; s < sizeof(src) / sizeof(src[0]); s++) {
		const char *text;
		bool got_name = false;

		snprintf(path, sizeof(path), "%s/%s", o->path, src[s].file);
		text = fact(facts, path, 65536);
		for (const char *line = text; line && *line;) {
			const char *nl = strchr(line, '\n');
			const char *keys[2] = { src[s].name_key, src[s].version_key };

			for (int k = 0; k < 2; k++) {
				size_t kl = strlen(keys[k]);
				const char *p = line;

				if (strncmp(p, keys[k], kl))
					continue;
				p += kl;
				p += strspn(p, " \t");
				if (s && *p++ != '=')
					continue;
				p += strspn(p, " \t\"'");
				snprintf(val, sizeof(val), "%.*s", (int)strcspn(p, "\"'\r\n"), p);
				while (val[0] && (val[strlen(val) - 1] == ' ' || val[strlen(val) - 1] == '\t'))
					val[strlen(val) - 1] = '\0';
				if (!val[0])
					continue;
				if (k == 0 && !got_name) {
					set_str(an, &o->name, val);
					got_name = true;
				} else if (k == 1 && !o->version) {
					set_str(an, &o->version, val);
				}
			}
			line = nl ? nl + 1 : NULL;
		}
		if (got_name)
			return;
	}
}

/* npm_real_folder: where the package manager's symlink of a package
 * folder points (pnpm: node_modules/NAME -> .pnpm/NAME@VER/node_modules/NAME),
 * in place; folder is left alone when it was no such link. */
static void npm_real_folder(struct analyzer *an, char *folder, size_t max)
{
	for (int hop = 0; hop < 8; hop++) {
		long idx = strmap_find(&an->links.keys, folder);

		if (idx < 0 || !an->links.v[idx].extra)
			return;
		snprintf(folder, max, "%s", an->links.v[idx].extra);
	}
}

static const char *const npm_install_scripts[] = { "preinstall", "install", "postinstall", NULL };

/* allow_scripts: 1 approved, 0 denied, -1 not mentioned, for name@version
 * in the root package.json's allowScripts object. */
static int allow_scripts(struct json_object *allow, const char *name, const char *version)
{
	int res = -1;

	if (!allow || !name || !json_object_is_type(allow, json_type_object))
		return -1;
	json_object_object_foreach(allow, k, val) {
		size_t nl = strlen(name);
		int yes = json_object_get_boolean(val);

		if (strncmp(k, name, nl) || (k[nl] && k[nl] != '@'))
			continue;
		if (!k[nl] || !strcmp(k + nl + 1, "*") || !k[nl + 1]) {
			res = yes;
			continue;
		}
		/* exact versions joined by || */
		for (const char *s = k + nl + 1; version && *s;) {
			size_t l = strcspn(s, "|");
			const char *t = s + strspn(s, " ");
			size_t tl = l - (t - s);

			while (tl && t[tl - 1] == ' ')
				tl--;
			if (tl == strlen(version) && !strncmp(t, version, tl))
				res = yes;
			s += l;
			s += strspn(s, "|");
		}
	}
	return res;
}

/* pnpm_built: 1 when name is in pnpm's onlyBuiltDependencies (the root
 * package.json's "pnpm" object), the list pnpm 10 runs dependency scripts
 * for; -1 otherwise (not mentioned, or no such list). */
static int pnpm_built(struct json_object *pnpm, const char *name)
{
	struct json_object *only;

	if (!pnpm || !name || !json_object_is_type(pnpm, json_type_object) ||
	    !json_object_object_get_ex(pnpm, "onlyBuiltDependencies", &only) ||
	    !json_object_is_type(only, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(only); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(only, i));

		if (e && !strcmp(e, name))
			return 1;
	}
	return -1;
}

/* approval: allowScripts (npm) first, then pnpm's onlyBuiltDependencies. */
static int approval(struct json_object *allow, struct json_object *pnpm, const struct owner *o)
{
	int a = allow_scripts(allow, o->name, o->version);

	return a >= 0 ? a : pnpm_built(pnpm, o->name);
}

/* package_fields: name, version and install scripts of a package.json;
 * -1 when it is not a JSON object.  The scanner reads the common case;
 * json-c answers whatever it declines, so the result is json-c's. */
static int package_fields(const char *text, struct pkgjson *pj)
{
	struct json_object *pkg, *n, *ver, *scripts;
	int err = pkgjson_scan(text, npm_install_scripts, pj);

	if (err != -EINVAL)
		return err ? -1 : 0;
	pkg = json_tokener_parse(text);
	if (!pkg || !json_object_is_type(pkg, json_type_object)) {
		json_object_put(pkg);
		return -1;
	}
	if (json_object_object_get_ex(pkg, "name", &n) && json_object_get_string(n))
		pj->name = strdup(json_object_get_string(n));
	if (json_object_object_get_ex(pkg, "version", &ver) && json_object_get_string(ver))
		pj->version = strdup(json_object_get_string(ver));
	if (json_object_object_get_ex(pkg, "scripts", &scripts) &&
	    json_object_is_type(scripts, json_type_object))
		for (int k = 0; npm_install_scripts[k]; k++)
			if (json_object_object_get_ex(scripts, npm_install_scripts[k], NULL))
				pj->scripts |= 1u << k;
	json_object_put(pkg);
	return 0;
}

static void npm_tree(struct analyzer *an, struct facts *facts)
{
	char path[4200];
	struct json_object *root_pkg = NULL, *allow = NULL, *pnpm = NULL;
	struct owner *proj = an->owners[an->project_owner];
	const char *text;

	if (an->project) {
		snprintf(path, sizeof(path), "%s/package.json", an->project);
		text = fact(facts, path, FACT_MAX);
		root_pkg = text ? json_tokener_parse(text) : NULL;
		if (root_pkg && json_object_is_type(root_pkg, json_type_object)) {
			struct json_object *n, *ver;

			if (json_object_object_get_ex(root_pkg, "name", &n))
				set_str(an, &proj->name, json_object_get_string(n));
			if (json_object_object_get_ex(root_pkg, "version", &ver))
				set_str(an, &proj->version, json_object_get_string(ver));
			json_object_object_get_ex(root_pkg, "allowScripts", &allow);
			json_object_object_get_ex(root_pkg, "pnpm", &pnpm);
			proj->eco = "npm";
		}
	}
	/* folders in stream order: deterministic, and the parent of a nested
	 * package comes before it */
	for (size_t i = 0; i < an->npm_folders.n; i++) {
		char skipped[256] = "", folder[4200];
		struct pkgjson pj;
		int owner;

		/* pnpm chmods bins through its node_modules/NAME links */
		snprintf(folder, sizeof(folder), "%s", an->npm_folders.items[i]);
		npm_real_folder(an, folder, sizeof(folder));
		snprintf(path, sizeof(path), "%s/package.json", folder);
		text = fact(facts, path, FACT_MAX);
		if (!text || package_fields(text, &pj))
			continue;
		owner = npm_owner_for_folder(an, folder, pj.name, pj.version);
		if (pj.version && an->owners[owner]->kind == OWN_PACKAGE)
			set_str(an, &an->owners[owner]->version, pj.version);
		an->owners[owner]->shipped_listed = true;
		for (int k = 0; npm_install_scripts[k]; k++) {
			if (pj.scripts & (1u << k)) {
				size_t l = strlen(skipped);

				snprintf(skipped + l, sizeof(skipped) - l, "%s%s", l ? "," : "",
					 npm_install_scripts[k]);
			}
		}
		if (skipped[0] && an->owners[owner]->kind == OWN_PACKAGE) {
			struct owner *o = an->owners[owner];

			o->approved = approval(allow, pnpm, o);
			if (!o->ran_script)
				set_str(an, &o->skipped, skipped);
		}
		pkgjson_clear(&pj);
	}
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];

		if (o->kind == OWN_PACKAGE && o->eco && !strcmp(o->eco, "npm") && o->ran_script &&
		    o->approved < 0)
			o->approved = approval(allow, pnpm, o);
	}
	json_object_put(root_pkg);
}

static void normalize_dist(const char *in, char *out, size_t max)
{
	size_t o = 0;

	for (; *in && o + 1 < max; in++)
		out[o++] = (*in == '-' || *in == '.' || *in == '_') ? '_' :
			   (*in >= 'A' && *in <= 'Z') ? *in + 32 : *in;
	out[o] = '\0';
}

static int pip_owner_by_name(struct analyzer *an, const char *name, const char *version,
			     const char *path)
{
	char want[256], have[256], key[512];

	normalize_dist(name, want, sizeof(want));
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];

		if (o->kind != OWN_PACKAGE || !o->eco || strcmp(o->eco, "pip") || !o->name)
			continue;
		normalize_dist(o->name, have, sizeof(have));
		if (!strcmp(want, have))
			return (int)i;
	}
	snprintf(key, sizeof(key), "pip-dist:%s", want);
	return owner_get(an, OWN_PACKAGE, "pip", key, name, version, path);
}

/* pip_records: every RECORD pip wrote names the distribution of the files
 * it lists; give that owner the executables and .pth files among them. */
static void pip_records(struct analyzer *an, struct facts *facts)
{
	for (size_t i = 0; i < an->records.n; i++) {
		const char *rec = an->records.items[i], *text;
		char site[4096], distdir[4096], name[256], version[128], abs[8400];
		const char *base, *dash;
		int owner;

		dirname_into(rec, distdir, sizeof(distdir));
		dirname_into(distdir, site, sizeof(site));
		base = path_base(distdir);
		dash = strchr(base, '-');
		if (!dash)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(dash - base), base);
		snprintf(version, sizeof(version), "%.*s", (int)(strlen(dash + 1) - strlen(".dist-info")), dash + 1);
		owner = pip_owner_by_name(an, name, version, distdir);
		if (!an->owners[owner]->version)
			set_str(an, &an->owners[owner]->version, version);
		an->owners[owner]->shipped_listed = true;
		text = fact(facts, rec, 4 * FACT_MAX);
		for (const char *line = text; line && *line;) {
			const char *nl = strchr(line, '\n');
			size_t l = strcspn(line, ",\n");
			long idx;

			if (l && line[0] != '"') {
				snprintf(abs, sizeof(abs), "%s/%.*s", site, (int)l, line);
				normalize(abs);
				if ((idx = strmap_find(&an->bins.keys, abs)) >= 0 && an->bins.v[idx].owner < 0)
					an->bins.v[idx].owner = owner;
				if ((idx = strmap_find(&an->pths.keys, abs)) >= 0 && an->pths.v[idx].owner < 0)
					an->pths.v[idx].owner = owner;
			}
			line = nl ? nl + 1 : NULL;
		}
	}
}

/* ---------- finish: rules that need the whole picture ---------- */

static bool on_path(struct analyzer *an, struct facts *facts, const char *name, const char *skip_dir)
{
	char path[4200];
	const char *data;
	size_t len;

	for (size_t i = 0; i < an->npathdirs; i++) {
		const char *d = an->pathdirs[i];

		if (!strcmp(d, skip_dir) || (an->project && path_under(d, an->project)) ||
		    strstr(d, "/node_modules/"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d, name);
		/* existence only: max 0 reads nothing, the error tells */
		if (facts && !facts_read_file(facts, path, 0, &data, &len))
			return true;
	}
	return false;
}

/* npm_shim_target: the file a node_modules/.bin shell shim runs (pnpm
 * writes cmd-shim scripts, not symlinks): the first "$basedir/REL" of its
 * text other than the "$basedir/node" runtime probe.  REL goes to out;
 * returns false for anything else. */
static bool npm_shim_target(struct facts *facts, const char *path, char *out, size_t max)
{
	static const char mark[] = "\"$basedir/";
	const char *text, *s;

	if (!strstr(path, "/node_modules/.bin/"))
		return false;
	text = fact(facts, path, 65536);
	if (!text || strncmp(text, "#!", 2))
		return false;
	for (s = strstr(text, mark); s; s = strstr(s, mark)) {
		size_t l;

		s += sizeof(mark) - 1;
		l = strcspn(s, "\"\n");
		if (s[l] != '"' || !l || (l == 4 && !strncmp(s, "node", 4)))
			continue;
		snprintf(out, max, "%.*s", (int)l, s);
		return true;
	}
	return false;
}

static void judge_bins(struct analyzer *an, struct facts *facts)
{
	for (size_t i = 0; i < an->bins.keys.n; i++) {
		struct cand *c = &an->bins.v[i];
		const char *name = path_base(c->path);
		char dir[4096], summary[512], resolved[8400], pkgname[256], cmd[256], shim[4096];
		const char *target = c->extra;
		bool known, found;
		int sev, owner = c->owner;
		struct finding *f;
		size_t fl;

		dirname_into(c->path, dir, sizeof(dir));
		if (owner < 0 && !target && npm_shim_target(facts, c->path, shim, sizeof(shim)))
			target = shim;
		if (owner < 0 && target) {
			/* npm's .bin/x -> ../pkg/bin/x: the package that declared it */
			link_resolve(dir, target, resolved, sizeof(resolved));
			fl = npm_folder_len(resolved);
			if (fl) {
				resolved[fl] = '\0';
				npm_real_folder(an, resolved, sizeof(resolved));
				owner = npm_owner_for_folder(an, resolved, NULL, NULL);
			}
		}
		if (owner >= 0)
			prof_add(an, owner, PS_EXECUTABLES, c->path);
		if (owner < 0 || an->owners[owner]->kind != OWN_PACKAGE)
			continue; /* the package manager's own (venv python, pip) */
		known = baseline_match(an->bl, BL_WELL_KNOWN, name, NULL);
		found = !known && on_path(an, facts, name, dir);
		if (!known && !found)
			continue;
		/* the genuine provider of a command bears its name */
		normalize_dist(an->owners[owner]->name ? path_base(an->owners[owner]->name) : "", pkgname, sizeof(pkgname));
		normalize_dist(name, cmd, sizeof(cmd));
		sev = !strcmp(pkgname, cmd) ? SEV_LOW : known ? SEV_HIGH : SEV_MEDIUM;
		snprintf(summary, sizeof(summary), "%s installed the command %s, which shadows %s", owner_label(an, owner),
			 name, known ? "a well-known CLI" : "a command on PATH");
		f = finding_add(an, R_COMMAND_SHADOWING, sev, owner, name, summary);
		if (f && f->nev < EVIDENCE_MAX) {
			struct evidence *e = &f->ev[f->nev++];

			e->pid = c->pid;
			e->time_ns = c->time_ns;
			e->event = c->event;
			e->path = xstrdup(an, c->path);
		}
	}
}

static void judge_pths(struct analyzer *an, struct facts *facts)
{
	for (size_t i = 0; i < an->pths.keys.n; i++) {
		struct cand *c = &an->pths.v[i];
		const char *text;
		char summary[512];
		struct finding *f;
		bool imports = false;

		if (baseline_match(an->bl, BL_BENIGN_PTH, path_base(c->path), NULL))
			continue;
		text = fact(facts, c->path, 65536);
		for (const char *line = text; line && *line;) {
			if (!strncmp(line, "import ", 7) || !strncmp(line, "import\t", 7))
				imports = true;
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		if (!imports)
			continue;
		snprintf(summary, sizeof(summary), "%s installed a .pth file that runs code at every Python start: %s",
			 owner_label(an, c->owner), c->path);
		f = finding_add(an, R_PERSISTENCE, SEV_HIGH, c->owner, "pth", summary);
		if (f && f->nev < EVIDENCE_MAX) {
			struct evidence *e = &f->ev[f->nev++];

			e->pid = c->pid;
			e->time_ns = c->time_ns;
			e->event = c->event;
			e->path = xstrdup(an, c->path);
		}
	}
}

static void cand_evidence(struct analyzer *an, struct finding *f, const struct cand *c)
{
	struct evidence *e;

	if (!f || f->nev >= EVIDENCE_MAX)
		return;
	e = &f->ev[f->nev++];
	e->pid = c->pid;
	e->time_ns = c->time_ns;
	e->event = c->event;
	e->path = xstrdup(an, c->path);
	if (c->extra && !strcmp(c->event, "exec")) {
		e->argv = xmemdup(an, c->extra, c->extra_len);
		e->argv_len = c->extra_len;
	}
}

static void judge_net(struct analyzer *an, const struct strmap *registry, struct facts *facts)
{
	struct strmap resolvers;
	const char *resolv = fact(facts, "/etc/resolv.conf", 65536);

	strmap_init(&resolvers, 64);
	for (const char *line = resolv; line && *line;) {
		char ns[128];

		if (sscanf(line, "nameserver %127s", ns) == 1) {
			char ep[160];

			snprintf(ep, sizeof(ep), strchr(ns, ':') ? "[%s]:53" : "%s:53", ns);
			strmap_add(&resolvers, ep, NULL);
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	/* first pass: who talked to something that is not a registry */
	for (size_t i = 0; i < an->net_keys.n; i++) {
		struct netrec *n = &an->net[i];

		if (!n->dns && strmap_find(registry, n->addrport) < 0)
			an->owners[n->owner]->egress = true;
	}
	/* droppers: a script's file executed or loaded; a package running a
	 * copy of its own shipped binary inside its own folder is not one,
	 * unless it also fetched something from the network */
	for (size_t i = 0; i < an->drops.keys.n; i++) {
		struct cand *c = &an->drops.v[i];
		struct owner *w = an->owners[c->owner];
		char summary[512];
		struct finding *f;

		if (w->kind != OWN_PACKAGE)
			continue;
		if (w->path && path_under(c->path, w->path) && !w->egress && !an->owners[c->other]->egress)
			continue;
		w->dropped = true;
		an->owners[c->other]->dropped = true;
		snprintf(summary, sizeof(summary), "%s %s a file written during the install: %s", owner_label(an, c->owner),
			 strcmp(c->event, "exec") ? "loaded" : "executed", c->path);
		f = finding_add(an, R_DROPPER, SEV_HIGH, c->owner, c->path, summary);
		cand_evidence(an, f, c);
	}
	for (size_t i = 0; i < an->net_keys.n; i++) {
		struct netrec *n = &an->net[i];
		struct owner *o = an->owners[n->owner];
		char summary[512];
		struct finding *f;
		struct evidence *e;

		if (n->dns) {
			bool own = strmap_find(&resolvers, n->addrport) < 0;

			snprintf(summary, sizeof(summary), "%s sent DNS queries to %s%s", owner_label(an, n->owner),
				 n->addrport, own ? ", a resolver of its own choosing" : "");
			f = finding_add(an, R_DNS_QUERY, own ? SEV_HIGH : SEV_MEDIUM, n->owner, n->addrport, summary);
		} else {
			if (strmap_find(registry, n->addrport) >= 0)
				continue;
			snprintf(summary, sizeof(summary), "%s connected to %s, which is not a configured registry%s",
				 owner_label(an, n->owner), n->endpoint, o->dropped ? ", and ran what it fetched" : "");
			f = finding_add(an, R_NETWORK_EGRESS, o->dropped ? SEV_HIGH : SEV_MEDIUM, n->owner, n->endpoint,
					summary);
		}
		if (!f)
			continue;
		f->count += n->count - 1;
		if (f->nev >= EVIDENCE_MAX)
			continue;
		e = &f->ev[f->nev++];
		e->pid = n->pid;
		e->time_ns = n->time_ns;
		e->event = n->event;
		e->endpoint = xstrdup(an, n->endpoint);
		e->dns = xstrdup(an, n->name);
	}
	strmap_clear(&resolvers);
}

static int cmp_pid(const void *a, const void *b)
{
	uint32_t x = (*(struct proc *const *)a)->pid, y = (*(struct proc *const *)b)->pid;

	return x < y ? -1 : x > y;
}

static void judge_lingering(struct analyzer *an, const struct session_info *si)
{
	struct proc **alive = NULL;
	size_t n = 0;

	for (int i = 0; i < PROC_BUCKETS; i++)
		for (struct proc *p = an->procs[i]; p; p = p->next)
			if (p->alive && !p->root && p->pid != si->root_pid) {
				struct proc **nv = realloc(alive, (n + 1) * sizeof(*nv));

				if (!nv) {
					an->oom = true;
					free(alive);
					return;
				}
				alive = nv;
				alive[n++] = p;
			}
	if (n)
		qsort(alive, n, sizeof(*alive), cmp_pid);
	for (size_t i = 0; i < n; i++) {
		struct proc *p = alive[i];
		bool pkg = an->owners[p->owner]->kind == OWN_PACKAGE;
		char summary[512];
		struct finding *f;

		prof_add(an, p->owner, PS_LINGERING, p->cmd ? p->cmd : "?");
		snprintf(summary, sizeof(summary), "%s left a process running after the install: %.200s",
			 owner_label(an, p->owner), p->cmd ? p->cmd : "?");
		f = finding_add(an, R_LINGERING_PROCESS, pkg ? SEV_HIGH : SEV_MEDIUM, p->owner, "", summary);
		if (f && f->nev < EVIDENCE_MAX) {
			struct evidence *e = &f->ev[f->nev++];

			e->pid = p->pid;
			e->time_ns = p->time_ns;
			e->event = "alive";
			if (p->cmd) {
				e->argv = xstrdup(an, p->cmd);
				e->argv_len = strlen(p->cmd) + 1;
			}
		}
	}
	free(alive);
}

static void judge_session(struct analyzer *an, const struct session_info *si)
{
	char summary[256];
	struct finding *f;

	if (si->drops) {
		snprintf(summary, sizeof(summary), "%llu events were dropped by the kernel; the report may miss behaviour",
			 (unsigned long long)si->drops);
		f = finding_add(an, R_TRACE_INCOMPLETE, SEV_MEDIUM, -1, "drops", summary);
		finding_ev(an, f, NULL, NULL, NULL, NULL);
	}
	if (si->partial) {
		f = finding_add(an, R_TRACE_INCOMPLETE, SEV_MEDIUM, -1, "partial",
				"tracing started after the command did; its first steps are missing");
		finding_ev(an, f, NULL, NULL, NULL, NULL);
	}
	if (si->interrupted) {
		f = finding_add(an, R_TRACE_INCOMPLETE, SEV_LOW, -1, "interrupted",
				"pkgtrace was interrupted before the command ended");
		finding_ev(an, f, NULL, NULL, NULL, NULL);
	}
}

/* ---------- finish: the report ---------- */

static int owner_cmp(const struct owner *a, const struct owner *b)
{
	int c;

	if (a->max_sev != b->max_sev)
		return b->max_sev - a->max_sev;
	if (a->kind != b->kind)
		return a->kind == OWN_PROJECT ? -1 : b->kind == OWN_PROJECT ? 1 : a->kind - b->kind;
	if ((c = strcmp(a->name ? a->name : "", b->name ? b->name : "")))
		return c;
	if ((c = strcmp(a->version ? a->version : "", b->version ? b->version : "")))
		return c;
	return strcmp(a->key, b->key);
}

static int owner_qcmp(const void *a, const void *b)
{
	return owner_cmp(*(struct owner *const *)a, *(struct owner *const *)b);
}

static int finding_qcmp(const void *a, const void *b, void *ctx)
{
	const struct finding *x = a, *y = b;
	const struct report *r = ctx;
	const struct owner *ox = x->owner >= 0 ? r->owners[x->owner] : NULL;
	const struct owner *oy = y->owner >= 0 ? r->owners[y->owner] : NULL;
	int c;

	if (x->sev != y->sev)
		return y->sev - x->sev;
	if (ox != oy) {
		if (!ox || !oy)
			return ox ? -1 : 1;
		if ((c = strcmp(ox->name ? ox->name : "", oy->name ? oy->name : "")))
			return c;
		if ((c = strcmp(ox->key, oy->key)))
			return c;
	}
	if (x->rule != y->rule)
		return x->rule - y->rule;
	return strcmp(x->key, y->key);
}

struct report *analyzer_finish(struct analyzer *an, const struct session_info *si,
			       struct facts *facts)
{
	struct report *r = calloc(1, sizeof(*r));
	struct strmap registry;
	size_t *pos = NULL;

	strmap_init(&registry, 0);
	if (!r || !an || !si)
		goto fail;
	for (size_t i = 0; i < an->nowners; i++) {
		struct owner *o = an->owners[i];

		if (o->kind == OWN_PACKAGE && o->eco && !strcmp(o->eco, "pip") && o->path &&
		    strncmp(o->key, "pip-dist:", 9))
			pip_metadata(an, o, facts);
	}
	npm_tree(an, facts);
	pip_records(an, facts);
	registry_endpoints(an, si, facts, &registry);
	judge_bins(an, facts);
	judge_pths(an, facts);
	judge_net(an, &registry, facts);
	judge_lingering(an, si);
	judge_session(an, si);
	if (an->oom)
		goto fail;

	/* the report takes the owners and findings */
	r->argc = si->argc;
	r->argv = calloc(si->argc + 1, sizeof(char *));
	if (!r->argv)
		goto fail;
	for (int i = 0; i < si->argc; i++)
		r->argv[i] = xstrdup(an, si->argv[i] ? si->argv[i] : "");
	r->cwd = xstrdup(an, si->cwd);
	r->hostname = xstrdup(an, si->hostname);
	r->kernel = xstrdup(an, si->kernel);
	r->exit_status = si->exit_status;
	r->events = si->events;
	r->drops = si->drops;
	r->analyzed = an->fed;
	r->start_ns = si->start_ns;
	r->end_ns = si->end_ns;
	r->boot_offset_ns = si->boot_offset_ns;
	r->interrupted = si->interrupted;
	r->partial = si->partial;
	r->max_sev = -1;
	for (size_t i = 0; i < an->nfindings; i++) {
		struct finding *f = &an->findings[i];

		if (f->owner >= 0 && f->sev > an->owners[f->owner]->max_sev)
			an->owners[f->owner]->max_sev = f->sev;
		if (f->sev > r->max_sev)
			r->max_sev = f->sev;
	}
	/* sort owners and renumber the findings' references */
	pos = calloc(an->nowners ? an->nowners : 1, sizeof(*pos));
	if (!pos || an->oom)
		goto fail;
	r->owners = an->owners;
	r->nowners = an->nowners;
	{
		struct owner **orig = malloc(an->nowners * sizeof(*orig) + 1);

		if (!orig)
			goto fail;
		memcpy(orig, an->owners, an->nowners * sizeof(*orig));
		qsort(r->owners, r->nowners, sizeof(*r->owners), owner_qcmp);
		for (size_t i = 0; i < r->nowners; i++)
			for (size_t k = 0; k < an->nowners; k++)
				if (orig[k] == r->owners[i]) {
					pos[k] = i;
					break;
				}
		free(orig);
	}
	for (size_t i = 0; i < an->nfindings; i++)
		if (an->findings[i].owner >= 0)
			an->findings[i].owner = (int)pos[an->findings[i].owner];
	r->findings = an->findings;
	r->nfindings = an->nfindings;
	qsort_r(r->findings, r->nfindings, sizeof(*r->findings), finding_qcmp, r);
	an->owners = NULL;
	an->nowners = 0;
	an->findings = NULL;
	an->nfindings = 0;
	free(pos);
	strmap_clear(&registry);
	return r;
fail:
	free(pos);
	strmap_clear(&registry);
	if (r && an && r->owners == an->owners) {
		r->owners = NULL; /* still the analyzer's */
		r->nowners = 0;
	}
	report_free(r);
	return NULL;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (int i = 0; r->argv && i < r->argc; i++)
		free(r->argv[i]);
	free(r->argv);
	free(r->cwd);
	free(r->hostname);
	free(r->kernel);
	for (size_t i = 0; i < r->nowners; i++)
		owner_free(r->owners[i]);
	free(r->owners);
	findings_free(r->findings, r->nfindings);
	free(r);
}

int report_max_severity(const struct report *r)
{
	return r ? r->max_sev : -1;
}
