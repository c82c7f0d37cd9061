// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* sessenv.c - the environment a session keeps; see sessenv.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sessenv.h"

bool sessenv_wanted(const char *kv)
{
	static const char *const exact[] = {
		"HOME", "PATH", "USER", "LOGNAME", "SHELL", "TMPDIR", "PYTHONPATH",
		"PYTHONUSERBASE", "VIRTUAL_ENV", "CONDA_PREFIX", "NODE_PATH", "CI",
		"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "PNPM_HOME",
		"http_proxy", "https_proxy", "no_proxy", "all_proxy",
		"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
	};
	static const char *const prefix[] = { "npm_config_", "NPM_CONFIG_", "PIP_", "YARN_" };
	static const char *const secret[] = { "auth", "token", "pass", "secret", "key", "cert" };
	const char *eq = strchr(kv, '=');
	size_t klen;
	char key[256];
	bool want = false;

	if (!eq || (klen = (size_t)(eq - kv)) == 0 || klen >= sizeof(key))
		return false;
	memcpy(key, kv, klen);
	key[klen] = '\0';
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]) && !want; i++)
		want = !strcmp(key, exact[i]);
	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]) && !want; i++)
		want = !strncmp(key, prefix[i], strlen(prefix[i]));
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]) && want; i++)
		want = !strcasestr(key, secret[i]);
	return want;
}

char *sessenv_masked(const char *kv)
{
	const char *scheme = strstr(kv, "://"), *at, *slash;
	char *out;

	if (!scheme)
		return strdup(kv);
	at = strchr(scheme + 3, '@');
	slash = strchr(scheme + 3, '/');
	if (!at || (slash && slash < at))
		return strdup(kv);
	if (asprintf(&out, "%.*s***%s", (int)(scheme + 3 - kv), kv, at) < 0)
		return NULL;
	return out;
}

void sessenv_free(char **env, int envc)
{
	for (int i = 0; env && i < envc; i++)
		free(env[i]);
	free(env);
}

/* The i-th string of either form, or NULL past the end. */
static const char *next_var(char *const *env, const char *buf, size_t len, size_t *pos)
{
	const char *s;

	if (env)
		return env[*pos] ? env[(*pos)++] : NULL;
	if (!buf || *pos >= len)
		return NULL;
	s = buf + *pos;
	*pos += strnlen(s, len - *pos) + 1;
	return s;
}

int sessenv_filter(char *const *env, const char *buf, size_t len, char ***out, int *outc)
{
	size_t pos = 0, n = 0;
	const char *kv;
	char **v;
	int c = 0;

	*out = NULL;
	*outc = 0;
	while (next_var(env, buf, len, &pos))
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	pos = 0;
	while ((kv = next_var(env, buf, len, &pos))) {
		/* a field cut by its bound may end without a NUL: skip it */
		if (!env && (size_t)(kv - buf) + strnlen(kv, len - (size_t)(kv - buf)) >= len)
			break;
		if (!sessenv_wanted(kv))
			continue;
		v[c] = sessenv_masked(kv);
		if (!v[c]) {
			sessenv_free(v, c);
			return -ENOMEM;
		}
		c++;
	}
	*out = v;
	*outc = c;
	return 0;
}
