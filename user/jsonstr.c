// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * jsonstr.c - untrusted bytes as JSON strings: valid UTF-8 always, every
 * byte recoverable (the encoding is described in jsonstr.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonstr.h"

/* The valid UTF-8 sequence at s (n >= 1 bytes): its length and code point,
 * or 0 for anything RFC 3629 forbids (stray continuation bytes, overlong
 * forms, surrogates ED A0..ED BF, above U+10FFFF, truncated sequences). */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned int *cp_out)
{
	size_t len;
	unsigned int cp;

	if (s[0] < 0x80) {
		*cp_out = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) { len = 2; cp = s[0] & 0x1f; }
	else if ((s[0] & 0xf0) == 0xe0) { len = 3; cp = s[0] & 0x0f; }
	else if ((s[0] & 0xf8) == 0xf0) { len = 4; cp = s[0] & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_out = cp;
	return len;
}

static bool is_raw_cp(unsigned int cp)
{
	return cp >= JSONSTR_RAW_BASE + 0x80 && cp <= JSONSTR_RAW_BASE + 0xff;
}

size_t jsonstr_unit(const unsigned char *s, size_t n)
{
	unsigned int cp;
	size_t len = utf8_decode(s, n, &cp);

	return len && !is_raw_cp(cp) ? len : 0;
}

int json_put_str(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t l;

		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
			i++;
		} else if (c == '\n') {
			fputs("\\n", out), i++;
		} else if (c == '\t') {
			fputs("\\t", out), i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c), i++;
		} else if ((l = jsonstr_unit(p + i, n - i)) == 0) {
			fprintf(out, "\\u%04x", JSONSTR_RAW_BASE + c), i++;
		} else {
			fwrite(p + i, 1, l, out);
			i += l;
		}
	}
	fputc('"', out);
	return ferror(out) ? -EIO : 0;
}

struct json_object *jsonstr_new(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct json_object *o;
	size_t i = 0, w = 0, l;
	char *buf;

	if (!s)
		return NULL;
	/* the common case, text that needs nothing, is not copied */
	while (i < n && (l = jsonstr_unit(p + i, n - i)) != 0)
		i += l;
	if (i == n)
		return json_object_new_string_len(s, (int)n);
	buf = malloc(n * 3); /* an escaped byte takes 3 bytes, a kept one 1 */
	if (!buf)
		return NULL;
	memcpy(buf, s, i);
	w = i;
	while (i < n) {
		l = jsonstr_unit(p + i, n - i);
		if (l) {
			memcpy(buf + w, p + i, l);
			w += l;
			i += l;
			continue;
		}
		/* U+EF80..U+EFFF as UTF-8: EE BE 80..EE BF BF */
		buf[w++] = (char)0xee;
		buf[w++] = (char)(0xbc | (p[i] >> 6));
		buf[w++] = (char)(0x80 | (p[i] & 0x3f));
		i++;
	}
	o = json_object_new_string_len(buf, (int)w);
	free(buf);
	return o;
}

struct json_object *jsonstr_new_c(const char *s)
{
	return s ? jsonstr_new(s, strlen(s)) : NULL;
}

ssize_t jsonstr_decode(const char *s, size_t n, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	for (size_t i = 0; i < n;) {
		unsigned int cp;
		size_t l = utf8_decode(p + i, n - i, &cp);

		if (!l)
			return -EINVAL;
		if (is_raw_cp(cp)) {
			if (w + 1 > outlen)
				return -ENOSPC;
			out[w++] = (char)(cp - JSONSTR_RAW_BASE);
		} else {
			if (w + l > outlen)
				return -ENOSPC;
			memcpy(out + w, p + i, l);
			w += l;
		}
		i += l;
	}
	return (ssize_t)w;
}

char *jsonstr_decode_dup(const char *s, size_t n, size_t *len)
{
	char *out = malloc(n + 1);
	ssize_t l;

	if (!out)
		return NULL;
	l = jsonstr_decode(s, n, out, n + 1);
	if (l < 0) {
		/* not our encoding: the text as it is */
		memcpy(out, s, n);
		l = (ssize_t)n;
	}
	out[l] = '\0';
	if (len)
		*len = (size_t)l;
	return out;
}
