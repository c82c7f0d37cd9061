/*
 * jsonstr.h - the one encoding of untrusted bytes (paths, argv, package
 * names, DNS names...) as JSON strings, shared by --events, the JSON report
 * and SARIF, so that every output is valid UTF-8 and loses no byte.
 *
 * The encoding ("raw bytes as private-use code points", the scheme of
 * MirBSD's OPTU-8):
 *   - a valid UTF-8 sequence is kept as it is, except for U+EF80..U+EFFF;
 *   - every other byte B (necessarily 0x80..0xFF: a stray continuation byte,
 *     a truncated or overlong sequence, an encoded surrogate ED A0..BF xx,
 *     a code point above U+10FFFF, bytes F8..FF) becomes U+EF00+B, i.e. a
 *     code point of U+EF80..U+EFFF of the private-use area;
 *   - a U+EF80..U+EFFF present in the input is itself written byte by byte
 *     as above (EE BE 80 -> U+EFEE U+EFBE U+EF80), so the mapping is
 *     one-to-one.
 * Decoding: replace each code point U+EF80..U+EFFF by the byte (cp - 0xEF00)
 * and encode every other code point as UTF-8.  Valid UTF-8 without those
 * 128 code points comes out byte for byte as it went in.
 */
#ifndef PKGTRACE_JSONSTR_H
#define PKGTRACE_JSONSTR_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define JSONSTR_RAW_BASE 0xef00u /* byte B (0x80..0xFF) -> U+EF00+B */

struct json_object;

/* jsonstr_unit: the length (1-4) of the valid UTF-8 sequence at s[0..n)
 * that the encoding keeps as it is, or 0 when s[0] is a byte to escape
 * (invalid UTF-8, or part of a U+EF80..U+EFFF).  n must be at least 1. */
size_t jsonstr_unit(const unsigned char *s, size_t n);

/* json_put_str: s[0..n) as one quoted JSON string literal on out: '"' and
 * '\\' escaped, control characters (C0 and DEL) as \n, \t or \u00XX, escaped
 * bytes as \uefXX, other UTF-8 as is.  Returns 0 or -EIO. */
int json_put_str(FILE *out, const char *s, size_t n);

/* jsonstr_new: a json-c string holding s[0..n) in the encoding above (json-c
 * then escapes quotes and control characters when it prints).  s NULL gives
 * NULL (JSON null when added to an object); NULL also on allocation failure. */
struct json_object *jsonstr_new(const char *s, size_t n);

/* jsonstr_new_c: jsonstr_new of a NUL-terminated string, or NULL for NULL. */
struct json_object *jsonstr_new_c(const char *s);

/* jsonstr_decode: the inverse of the encoding: the UTF-8 text s[0..n) (a
 * parsed JSON string) back to the original bytes in out (at most n bytes
 * are written, so outlen >= n is always enough).  Returns the length, or
 * -EINVAL when s is not valid UTF-8, -ENOSPC when out is too small. */
ssize_t jsonstr_decode(const char *s, size_t n, char *out, size_t outlen);

/* jsonstr_decode_dup: jsonstr_decode of s[0..n) into a malloc'd,
 * NUL-terminated copy; text that is not this encoding (not valid UTF-8)
 * is copied as it is.  *len (when not NULL) gets the length.  NULL on
 * allocation failure. */
char *jsonstr_decode_dup(const char *s, size_t n, size_t *len);

#endif
