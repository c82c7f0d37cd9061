// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* pathclass.c - sensitive path categories. */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "pathclass.h"

bool path_under(const char *path, const char *dir)
{
	size_t n;

	if (!path || !dir || !dir[0])
		return false;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

const char *path_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* home_rel: the rest of path after a home directory and '/': $HOME first,
 * then /root and /home/<user>, since a script may look at any user's. */
static const char *home_rel(const char *path, const char *home)
{
	size_t n;

	if (home && home[0] && strcmp(home, "/") && path_under(path, home)) {
		n = strlen(home);
		while (n > 1 && home[n - 1] == '/')
			n--;
		return path[n] ? path + n + 1 : NULL;
	}
	if (!strncmp(path, "/root/", 6))
		return path + 6;
	if (!strncmp(path, "/home/", 6)) {
		const char *s = strchr(path + 6, '/');

		return s ? s + 1 : NULL;
	}
	return NULL;
}

struct pat {
	const char *glob, *cat;
};

/* may_match: a cheap necessary condition for fnmatch(glob, s, 0): the
 * literal text before the first special character is a prefix of s, or,
 * after a leading '*', occurs in s (slen long).  dots has bit (c & 63) set
 * for each "/.c" in s: a "*" "/.c..." glob needs its c there.  Every file
 * event is classified, and fnmatch's setup and backtracking dominated
 * replay time. */
static bool may_match(const char *glob, const char *s, size_t slen, uint64_t dots)
{
	size_t n;

	if (glob[0] != '*') {
		for (; *glob && *glob != '*' && *glob != '?' && *glob != '[' && *glob != '\\'; glob++, s++)
			if (*glob != *s)
				return false;
		return true;
	}
	if (glob[1] == '/' && glob[2] == '.' && glob[3] && !strchr("*?[\\", glob[3]) &&
	    !(dots & (1ull << (glob[3] & 63))))
		return false;
	n = strcspn(glob + 1, "*?[\\");
	return !n || memmem(s, slen, glob + 1, n);
}

static const char *match(const struct pat *p, const char *s)
{
	size_t slen = strlen(s);
	uint64_t dots = 0;

	for (const char *d = strstr(s, "/."); d; d = strstr(d + 2, "/."))
		dots |= 1ull << (d[2] & 63);
	for (; p->glob; p++)
		if (may_match(p->glob, s, slen, dots) && !fnmatch(p->glob, s, 0))
			return p->cat;
	return NULL;
}

static const struct pat cred_home[] = {
	{ ".ssh/id_*.pub", NULL }, /* public keys are not secrets: matched first */
	{ ".ssh/id_*", "ssh-key" },
	{ ".ssh/*.pem", "ssh-key" },
	{ ".ssh/*_rsa", "ssh-key" },
	{ ".ssh/*_ed25519", "ssh-key" },
	{ ".aws/*", "aws" },
	{ ".npmrc", "npm-token" },
	{ ".pypirc", "pypi-token" },
	{ ".docker/config.json", "docker" },
	{ ".kube/config", "kube" },
	{ ".kube/*", "kube" },
	{ ".git-credentials", "git-credentials" },
	{ ".config/git/credentials", "git-credentials" },
	{ ".netrc", "netrc" },
	{ ".config/gcloud/*", "cloud-cli" },
	{ ".azure/*", "cloud-cli" },
	{ ".config/gh/hosts.yml", "cloud-cli" },
	{ ".oci/*", "cloud-cli" },
	{ ".config/doctl/*", "cloud-cli" },
	{ ".terraform.d/credentials*", "cloud-cli" },
	{ ".vault-token", "cloud-cli" },
	{ ".config/google-chrome/*", "browser-profile" },
	{ ".config/chromium/*", "browser-profile" },
	{ ".config/BraveSoftware/*", "browser-profile" },
	{ ".config/microsoft-edge/*", "browser-profile" },
	{ ".config/opera/*", "browser-profile" },
	{ ".mozilla/*", "browser-profile" },
	{ "snap/chromium/*", "browser-profile" },
	{ "snap/firefox/*", "browser-profile" },
	{ ".bitcoin/*", "crypto-wallet" },
	{ ".electrum/*", "crypto-wallet" },
	{ ".ethereum/keystore*", "crypto-wallet" },
	{ ".config/Exodus/*", "crypto-wallet" },
	{ ".config/Electrum/*", "crypto-wallet" },
	{ ".config/solana/*", "crypto-wallet" },
	{ ".local/share/io.parity*", "crypto-wallet" },
	{ ".monero/*", "crypto-wallet" },
	{ "*wallet*.dat", "crypto-wallet" },
	{ ".gnupg/private-keys*", "gpg-key" },
	{ ".gnupg/secring*", "gpg-key" },
	{ NULL, NULL },
};

static const struct pat cred_abs[] = {
	{ "/etc/shadow", "shadow" },
	{ "/etc/gshadow", "shadow" },
	{ "/etc/shadow-", "shadow" },
	{ "/etc/ssh/ssh_host_*_key", "ssh-key" },
	{ "/var/run/secrets/*", "kube" },
	{ "/run/secrets/*", "kube" },
	{ NULL, NULL },
};

const char *pathclass_credential(const char *path, const char *home, uint32_t self_pid)
{
	const char *rel = home_rel(path, home);

	if (rel) {
		/* first matching glob decides, including the NULL of .pub */
		for (const struct pat *p = cred_home; p->glob; p++)
			if (!fnmatch(p->glob, rel, 0))
				return p->cat;
	}
	if (!strncmp(path, "/proc/", 6) && path[6] >= '1' && path[6] <= '9') {
		char *end;
		unsigned long pid = strtoul(path + 6, &end, 10);
		const char *leaf = end;

		/* /proc/<pid>/task/<tid>/environ is the same secret */
		if (!strncmp(leaf, "/task/", 6)) {
			strtoul(leaf + 6, (char **)&leaf, 10);
		}
		if (pid != self_pid && (!strcmp(leaf, "/environ") || !strcmp(leaf, "/mem") ||
					!strcmp(leaf, "/maps")))
			return "proc-secrets";
		return NULL;
	}
	return match(cred_abs, path);
}

static void places_of(const struct pat *p, bool in_home,
		      void (*fn)(void *ctx, const char *place, bool in_home), void *ctx)
{
	char place[256], last[256] = "";

	for (; p->glob; p++) {
		size_t n = strcspn(p->glob, "*?[\\");

		if (!p->cat || n >= sizeof(place))
			continue;
		if (p->glob[n]) /* a wildcard: the directory above it */
			while (n > 0 && p->glob[n - 1] != '/')
				n--;
		while (n > 1 && p->glob[n - 1] == '/')
			n--;
		if (!n || (n == 1 && p->glob[0] == '/'))
			continue;
		memcpy(place, p->glob, n);
		place[n] = '\0';
		if (strcmp(place, last))
			fn(ctx, place, in_home);
		memcpy(last, place, n + 1);
	}
}

void pathclass_credential_places(void (*fn)(void *ctx, const char *place, bool in_home),
				 void *ctx)
{
	places_of(cred_home, true, fn, ctx);
	places_of(cred_abs, false, fn, ctx);
}

static const struct pat persist_home[] = {
	{ ".bashrc", "shell-rc" }, { ".bash_profile", "shell-rc" }, { ".bash_login", "shell-rc" },
	{ ".bash_logout", "shell-rc" }, { ".profile", "shell-rc" }, { ".zshrc", "shell-rc" },
	{ ".zshenv", "shell-rc" }, { ".zprofile", "shell-rc" }, { ".zlogin", "shell-rc" },
	{ ".config/fish/*", "shell-rc" }, { ".cshrc", "shell-rc" }, { ".tcshrc", "shell-rc" },
	{ ".config/systemd/*", "systemd" }, { ".local/share/systemd/*", "systemd" },
	{ ".config/autostart/*", "autostart" },
	{ ".ssh/authorized_keys*", "ssh-authorized-keys" }, { ".ssh/rc", "ssh-authorized-keys" },
	{ NULL, NULL },
};

static const struct pat persist_abs[] = {
	{ "/etc/profile", "shell-rc" }, { "/etc/profile.d/*", "shell-rc" },
	{ "/etc/bash.bashrc", "shell-rc" }, { "/etc/zsh/*", "shell-rc" },
	{ "/etc/environment", "shell-rc" }, { "/etc/zshrc", "shell-rc" },
	{ "/etc/crontab", "cron" }, { "/etc/cron.*", "cron" }, { "/var/spool/cron/*", "cron" },
	{ "/etc/anacrontab", "cron" },
	{ "/etc/systemd/*", "systemd" }, { "/lib/systemd/*", "systemd" },
	{ "/usr/lib/systemd/*", "systemd" }, { "/run/systemd/system/*", "systemd" },
	{ "/etc/xdg/autostart/*", "autostart" },
	{ "/etc/ld.so.preload", "ld-preload" },
	{ "/etc/rc.local", "init" }, { "/etc/init.d/*", "init" }, { "/etc/rc*.d/*", "init" },
	{ "/etc/sudoers", "sudoers" }, { "/etc/sudoers.d/*", "sudoers" },
	{ "*/.git/hooks/*", "git-hook" },
	{ "*/.husky/*", "git-hook" },
	{ "*/.vscode/tasks.json", "editor-agent-config" },
	{ "*/.vscode/settings.json", "editor-agent-config" },
	{ "*/.claude/*", "editor-agent-config" },
	{ "*/.cursor/*", "editor-agent-config" },
	{ "*/.gemini/*", "editor-agent-config" },
	{ "*/.continue/*", "editor-agent-config" },
	{ "*/.github/copilot-instructions.md", "editor-agent-config" },
	{ NULL, NULL },
};

const char *pathclass_persistence(const char *path, const char *home)
{
	const char *rel = home_rel(path, home);
	const char *cat = rel ? match(persist_home, rel) : NULL;

	return cat ? cat : match(persist_abs, path);
}

static const struct pat ci[] = {
	{ "*/.github/workflows/*", "ci" }, { "*/.github/actions/*", "ci" },
	{ "*/.gitlab-ci.yml", "ci" }, { "*/.circleci/*", "ci" }, { "*/Jenkinsfile", "ci" },
	{ "*/azure-pipelines.yml", "ci" }, { "*/.travis.yml", "ci" },
	{ "*/bitbucket-pipelines.yml", "ci" }, { "*/.buildkite/*", "ci" },
	{ "*/.drone.yml", "ci" }, { "*/.woodpecker/*", "ci" },
	{ NULL, NULL },
};

bool pathclass_ci(const char *path)
{
	return match(ci, path) != NULL;
}

static const struct pat manifests[] = {
	{ "package.json", "m" }, { "package-lock.json", "m" }, { "npm-shrinkwrap.json", "m" },
	{ "yarn.lock", "m" }, { "pnpm-lock.yaml", "m" }, { "pnpm-workspace.yaml", "m" },
	{ ".npmrc", "m" }, { "bun.lockb", "m" }, { "requirements*.txt", "m" },
	{ "pyproject.toml", "m" }, { "poetry.lock", "m" }, { "Pipfile", "m" },
	{ "Pipfile.lock", "m" }, { "uv.lock", "m" }, { "setup.cfg", "m" },
	{ NULL, NULL },
};

bool pathclass_manifest(const char *path)
{
	return match(manifests, path_base(path)) != NULL;
}

static const struct pat buildfiles[] = {
	{ "Makefile", "b" }, { "GNUmakefile", "b" }, { "makefile", "b" }, { "configure", "b" },
	{ "configure.ac", "b" }, { "*.am", "b" }, { "*.in", "b" }, { "*.m4", "b" },
	{ "CMakeLists.txt", "b" }, { "*.cmake", "b" }, { "meson.build", "b" },
	{ "setup.py", "b" }, { "binding.gyp", "b" }, { "*.gyp", "b" }, { "*.gypi", "b" },
	{ "build.ninja", "b" }, { "*.mk", "b" },
	{ NULL, NULL },
};

bool pathclass_buildfile(const char *path)
{
	return match(buildfiles, path_base(path)) != NULL;
}
