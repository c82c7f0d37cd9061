// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* util.c - small string helpers of the analysis: NUL-separated lists
 * (argv, env), paths, copies that note allocation failure. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "analyzer.h"
#include "pathclass.h"
#include "pathfold.h"

char *xstrdup(struct analyzer *an, const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		an->oom = true;
	return d;
}

char *xmemdup(struct analyzer *an, const char *s, size_t len)
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

const char *list_get(const char *list, size_t len, int i)
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

int list_count(const char *list, size_t len)
{
	int n = 0;

	for (size_t off = 0; list && off < len; n++)
		off += strnlen(list + off, len - off) + 1;
	return n;
}

const char *env_get(const char *env, size_t len, const char *key)
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

/* The rules judge the whole argv the record holds: a command behind a
 * padding of spaces is still in it (the kernel keeps an over-long argv's
 * head and tail, PT_F_ARGV_TAIL). */
char *join_argv_all(struct analyzer *an, const char *argv, size_t len)
{
	char *buf = malloc(len + 1);
	size_t o = 0;

	if (!buf) {
		an->oom = true;
		return NULL;
	}
	buf[0] = '\0';
	for (size_t off = 0; argv && off < len;) {
		const char *a = argv + off;
		size_t l = strnlen(a, len - off);

		if (o)
			buf[o++] = ' ';
		memcpy(buf + o, a, l);
		o += l;
		buf[o] = '\0';
		off += l + 1;
	}
	return buf;
}

void dirname_into(const char *path, char *buf, size_t max)
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

void link_resolve(const char *dir, const char *target, char *out, size_t max)
{
	char joined[8400];

	if (target[0] == '/')
		snprintf(joined, sizeof(joined), "%s", target);
	else
		snprintf(joined, sizeof(joined), "%s/%s", dir, target);
	if (path_fold(joined, strlen(joined), out, max) < 0)
		snprintf(out, max, "%s", joined);
}

bool has_suffix(const char *s, const char *suffix)
{
	size_t l = strlen(s), sl = strlen(suffix);

	return l > sl && !strcmp(s + l - sl, suffix);
}

bool is_shell(const char *b)
{
	return !strcmp(b, "sh") || !strcmp(b, "bash") || !strcmp(b, "dash") || !strcmp(b, "zsh") ||
	       !strcmp(b, "ksh") || !strcmp(b, "ash") || !strcmp(b, "busybox");
}

const char *fact(struct facts *facts, const char *path, size_t max)
{
	const char *data;
	size_t len;

	if (!facts || !path || facts_read_file(facts, path, max, &data, &len))
		return NULL;
	return data;
}
