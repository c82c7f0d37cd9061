// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * registry.c - the registries an install may talk to, and the package
 * managers' cache directories, from every place a package manager takes
 * them: its command line (registry_from_arg, for the traced command and
 * every package-manager exec alike), its environment, and at finish
 * .npmrc and pip.conf files (conf_urls).  A connection to a registry is
 * no network-egress; a write into a cache is the package manager's own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "analyzer.h"
#include "netaddr.h"
#include "pathclass.h"

static void registry_add(struct analyzer *an, const char *url)
{
	if (url && *url && strmap_add(&an->registry_urls, url, NULL) == -ENOMEM)
		an->oom = true;
}

/* cache_add: a cache directory (suffix appended), as npm and pip expand
 * it: "~/" and a leading $HOME or ${HOME} are the home directory. */
static void cache_add(struct analyzer *an, const char *dir, const char *suffix)
{
	char path[4200];
	const char *rest = NULL;

	if (!dir || !*dir)
		return;
	if (!strncmp(dir, "~/", 2))
		rest = dir + 1;
	else if (!strncmp(dir, "${HOME}", 7))
		rest = dir + 7;
	else if (!strncmp(dir, "$HOME", 5))
		rest = dir + 5;
	if (rest)
		snprintf(path, sizeof(path), "%s%s%s", an->home, rest, suffix);
	else if (dir[0] == '/')
		snprintf(path, sizeof(path), "%s%s", dir, suffix);
	else
		return; /* relative to a cwd not known here */
	if (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	if (strmap_add(&an->pm_caches, path, NULL) == -ENOMEM)
		an->oom = true;
}

bool pm_cache_has(struct analyzer *an, const char *path)
{
	for (size_t i = 0; i < an->pm_caches.n; i++)
		if (path_under(path, an->pm_caches.items[i]))
			return true;
	return false;
}

/* registry_from_arg: one argument a (next: the one after it, or NULL):
 * --registry, --index-url, -i, --extra-index-url, -f, --find-links, with
 * "=" or as the next word. */
static void registry_from_arg(struct analyzer *an, const char *a, const char *next)
{
	static const char *const opts[] = { "--registry", "--index-url", "-i", "--extra-index-url",
					    "-f", "--find-links", NULL };

	static const char *const cache_opts[] = { "--cache", "--cache-dir", "--logs-dir", NULL };

	for (int k = 0; a && opts[k]; k++) {
		size_t l = strlen(opts[k]);

		if (!strncmp(a, opts[k], l) && a[l] == '=')
			registry_add(an, a + l + 1);
		else if (!strcmp(a, opts[k]))
			registry_add(an, next);
	}
	for (int k = 0; a && cache_opts[k]; k++) {
		size_t l = strlen(cache_opts[k]);

		if (!strncmp(a, cache_opts[k], l) && a[l] == '=')
			cache_add(an, a + l + 1, "");
		else if (!strcmp(a, cache_opts[k]))
			cache_add(an, next, "");
	}
}

void registry_from_argv(struct analyzer *an, const char *const *argv, int argc)
{
	for (int i = 1; i < argc; i++)
		registry_from_arg(an, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
}

void registry_from_argv_list(struct analyzer *an, const char *argv, size_t len)
{
	for (int i = 1; list_get(argv, len, i); i++)
		registry_from_arg(an, list_get(argv, len, i), list_get(argv, len, i + 1));
}

void registry_from_env(struct analyzer *an, const char *env, size_t len)
{
	static const char *const keys[] = { "npm_config_registry", "NPM_CONFIG_REGISTRY",
					    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS",
					    NULL };

	/* npm's cache and logs, pip's cache (by default $XDG_CACHE_HOME/pip) */
	static const char *const cache_keys[] = { "npm_config_cache", "NPM_CONFIG_CACHE", "npm_config_logs_dir",
						  "NPM_CONFIG_LOGS_DIR", "PIP_CACHE_DIR", NULL };

	for (int k = 0; cache_keys[k]; k++)
		cache_add(an, env_get(env, len, cache_keys[k]), "");
	cache_add(an, env_get(env, len, "XDG_CACHE_HOME"), "/pip");
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

int analyze_url_host(const char *url, char *host, size_t hostlen, unsigned *port)
{
	const char *s = strstr(url, "://"), *h, *end;
	size_t hl;

	if (!s)
		return -EINVAL;
	*port = !strncmp(url, "https", 5) ? 443 : 80;
	h = s + 3;
	end = h + strcspn(h, "/?#");
	for (const char *at = h; at < end; at++)
		if (*at == '@')
			h = at + 1;
	if (*h == '[') {
		const char *rb = memchr(h, ']', end - h);

		if (!rb)
			return -EINVAL;
		hl = rb - h - 1;
		if (hl >= hostlen)
			return -EINVAL;
		memcpy(host, h + 1, hl);
		host[hl] = '\0';
		if (rb[1] == ':')
			*port = (unsigned)strtoul(rb + 2, NULL, 10);
	} else {
		const char *colon = memchr(h, ':', end - h);

		hl = (colon ? colon : end) - h;
		if (hl >= hostlen)
			return -EINVAL;
		memcpy(host, h, hl);
		host[hl] = '\0';
		if (colon)
			*port = (unsigned)strtoul(colon + 1, NULL, 10);
	}
	return *host ? 0 : -EINVAL;
}

/* url_endpoints: "addr:port" strings for the host of url when it is an IP
 * literal or localhost.  A registry named by hostname is matched through
 * the addresses the package manager itself connected to. */
static void url_endpoints(struct analyzer *an, const char *url, struct strmap *out)
{
	char host[256], addr[NETADDR_MAX], ep[300];
	unsigned port;
	unsigned char bin[16];

	if (analyze_url_host(url, host, sizeof(host), &port))
		return;
	if (!strcmp(host, "localhost")) {
		snprintf(ep, sizeof(ep), "127.0.0.1:%u", port);
		strmap_add(out, ep, NULL);
		snprintf(ep, sizeof(ep), "[::1]:%u", port);
	} else if (inet_pton(AF_INET, host, bin) == 1) {
		netaddr_format(AF_INET, bin, 4, addr, sizeof(addr));
		netaddr_endpoint(addr, port, ep, sizeof(ep));
	} else if (inet_pton(AF_INET6, host, bin) == 1) {
		netaddr_format(AF_INET6, bin, 16, addr, sizeof(addr));
		netaddr_endpoint(addr, port, ep, sizeof(ep));
	} else {
		return;
	}
	if (strmap_add(out, ep, NULL) == -ENOMEM)
		an->oom = true;
}

/* conf_urls: registry URLs of an .npmrc or pip.conf text: the values of
 * registry, @scope:registry, index-url, extra-index-url, find-links; and
 * the cache directories: cache, logs-dir (npm), cache-dir (pip). */
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
		if (!strcmp(k, "cache") || !strcmp(k, "cache-dir") || !strcmp(k, "logs-dir"))
			cache_add(an, val, "");
	}
}

void registry_endpoints(struct analyzer *an, const struct session_info *si,
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

int analyze_registry_urls(const struct baseline *bl, const struct session_info *si,
			  struct facts *facts, struct strmap *urls)
{
	struct analyzer *an = analyzer_new(bl, si);
	struct strmap endpoints;
	int err = 0;

	if (!an)
		return -ENOMEM;
	strmap_init(&endpoints, 0);
	registry_endpoints(an, si, facts, &endpoints);
	for (size_t i = 0; i < an->registry_urls.n && !err; i++)
		if (strmap_add(urls, an->registry_urls.items[i], NULL) == -ENOMEM)
			err = -ENOMEM;
	if (an->oom)
		err = -ENOMEM;
	strmap_clear(&endpoints);
	analyzer_free(an);
	return err;
}
