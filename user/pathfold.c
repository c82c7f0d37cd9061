// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* pathfold.c - lexical "." / ".." folding of absolute paths (pathfold.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "pathfold.h"

static int fold(const char *in, size_t inlen, char *out, size_t outlen, bool dotdot)
{
	size_t i = 0, n = 0;

	if (outlen == 0)
		return -ENOSPC;
	if (inlen == 0 || in[0] != '/') {
		if (inlen >= outlen)
			return -ENOSPC;
		memcpy(out, in, inlen);
		out[inlen] = '\0';
		return (int)inlen;
	}
	out[n++] = '/';
	while (i < inlen) {
		size_t start, clen;

		while (i < inlen && in[i] == '/')
			i++;
		start = i;
		while (i < inlen && in[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && in[start] == '.'))
			continue;
		if (dotdot && clen == 2 && in[start] == '.' && in[start + 1] == '.') {
			/* back to the slash before the last component */
			while (n > 1 && out[n - 1] != '/')
				n--;
			if (n > 1)
				n--;
			continue;
		}
		if (n > 1) {
			if (n + 1 >= outlen)
				return -ENOSPC;
			out[n++] = '/';
		}
		if (n + clen >= outlen)
			return -ENOSPC;
		memcpy(out + n, in + start, clen);
		n += clen;
	}
	out[n] = '\0';
	return (int)n;
}

int path_fold(const char *in, size_t inlen, char *out, size_t outlen)
{
	return fold(in, inlen, out, outlen, true);
}

int path_clean(const char *in, size_t inlen, char *out, size_t outlen)
{
	return fold(in, inlen, out, outlen, false);
}
