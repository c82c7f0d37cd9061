// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* mountinfo.c - mounts by filesystem type, from /proc/self/mountinfo. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mountinfo.h"

/* Decodes the \ooo escapes mountinfo uses for space, tab, newline and
 * backslash in paths.  Returns the length, or -ENOSPC. */
static int unescape(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			c = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		}
		if (n + 1 >= outlen)
			return -ENOSPC;
		out[n++] = c;
	}
	out[n] = '\0';
	return (int)n;
}

/* Line format: id parent major:minor root mountpoint opts [optional...] -
 * fstype source superopts.  The optional fields vary in number, so the
 * fstype is the first field after the lone "-". */
static int parse_line(char *line, const char **mnt, const char **fstype)
{
	char *save = NULL, *tok;
	int i = 0;
	*mnt = *fstype = NULL;
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save), i++) {
		if (i == 4)
			*mnt = tok;
		else if (i >= 6 && !strcmp(tok, "-")) {
			*fstype = strtok_r(NULL, " \n", &save);
			break;
		}
	}
	return *mnt && *fstype ? 0 : -EINVAL;
}

int mountinfo_find(FILE *f, const char *fstype, char *out, size_t outlen)
{
	char *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;

	while (getline(&line, &cap, f) > 0) {
		const char *mnt, *type;

		if (parse_line(line, &mnt, &type) || strcmp(type, fstype))
			continue;
		err = unescape(mnt, out, outlen);
		if (err >= 0)
			err = 0;
		break;
	}
	free(line);
	return err;
}

int mountinfo_find_self(const char *fstype, char *out, size_t outlen)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int err;

	if (!f)
		return -errno;
	err = mountinfo_find(f, fstype, out, outlen);
	fclose(f);
	return err;
}

int mountinfo_tracefs(char *out, size_t outlen)
{
	char dir[4096];
	int n;

	if (mountinfo_find_self("tracefs", dir, sizeof(dir)) == 0) {
		n = snprintf(out, outlen, "%s", dir);
		if (n > 0 && (size_t)n < outlen)
			return 0;
	}
	/* older layout: tracefs automounted at debugfs/tracing */
	if (mountinfo_find_self("debugfs", dir, sizeof(dir)) == 0) {
		n = snprintf(out, outlen, "%s/tracing", dir);
		if (n > 0 && (size_t)n < outlen && access(out, R_OK | X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}
