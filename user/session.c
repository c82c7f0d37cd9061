// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* session.c - struct session_info: its one owner (init, argv, copy, free)
 * and queries on it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "clock.h"
#include "session.h"

int session_init(struct session_info *si)
{
	struct utsname u;

	memset(si, 0, sizeof(*si));
	si->exit_status = -1;
	if (uname(&u))
		return -errno;
	si->hostname = strdup(u.nodename);
	si->kernel = strdup(u.release);
	if (!si->hostname || !si->kernel) {
		session_free(si);
		return -ENOMEM;
	}
	/* wall-clock = boot + offset; both read back to back */
	si->boot_offset_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	return 0;
}

/* A NULL-terminated copy of the n strings of list (NULL entries stay
 * NULL); NULL on allocation failure, nothing left allocated. */
static char **strv_copy(char *const *list, int n)
{
	char **v = calloc((size_t)n + 1, sizeof(char *));

	for (int i = 0; v && i < n; i++) {
		if (list[i] && !(v[i] = strdup(list[i]))) {
			for (int j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
	}
	return v;
}

static void strv_free(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int session_set_argv(struct session_info *si, int argc, char *const *argv)
{
	strv_free(si->argv, si->argc);
	si->argc = 0;
	si->argv = strv_copy(argv, argc);
	if (!si->argv)
		return -ENOMEM;
	si->argc = argc;
	return 0;
}

int session_set_argv_nul(struct session_info *si, const char *buf, size_t len)
{
	size_t pos;
	int n = 0;

	strv_free(si->argv, si->argc);
	si->argc = 0;
	for (pos = 0; pos < len; pos += strnlen(buf + pos, len - pos) + 1)
		n++;
	si->argv = calloc((size_t)n + 1, sizeof(char *));
	if (!si->argv)
		return -ENOMEM;
	for (pos = 0; pos < len && si->argc < n; pos += strnlen(buf + pos, len - pos) + 1) {
		si->argv[si->argc] = strndup(buf + pos, len - pos);
		if (!si->argv[si->argc])
			return -ENOMEM;
		si->argc++;
	}
	return 0;
}

int session_copy(struct session_info *dst, const struct session_info *src)
{
	*dst = *src;
	dst->argv = strv_copy(src->argv, src->argc);
	dst->env = strv_copy(src->env, src->envc);
	dst->cwd = src->cwd ? strdup(src->cwd) : NULL;
	dst->hostname = src->hostname ? strdup(src->hostname) : NULL;
	dst->kernel = src->kernel ? strdup(src->kernel) : NULL;
	dst->run_user = src->run_user ? strdup(src->run_user) : NULL;
	dst->hidden = src->hidden ? strv_copy(src->hidden, src->nhidden) : NULL;
	if ((src->run_user && !dst->run_user) || (src->hidden && !dst->hidden)) {
		session_free(dst);
		return -ENOMEM;
	}
	if (!dst->argv || !dst->env || (src->cwd && !dst->cwd) ||
	    (src->hostname && !dst->hostname) || (src->kernel && !dst->kernel)) {
		session_free(dst);
		return -ENOMEM;
	}
	return 0;
}

void session_free(struct session_info *si)
{
	if (!si)
		return;
	strv_free(si->argv, si->argc);
	strv_free(si->env, si->envc);
	free(si->cwd);
	free(si->hostname);
	free(si->kernel);
	free(si->run_user);
	strv_free(si->hidden, si->nhidden);
	memset(si, 0, sizeof(*si));
}

const char *session_getenv(const struct session_info *si, const char *key)
{
	size_t klen = strlen(key);

	for (int i = 0; si && i < si->envc; i++) {
		const char *kv = si->env[i];

		if (kv && !strncmp(kv, key, klen) && kv[klen] == '=')
			return kv + klen + 1;
	}
	return NULL;
}
