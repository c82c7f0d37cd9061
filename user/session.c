// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* session.c - queries on struct session_info. */
#include <string.h>
#include "session.h"

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
