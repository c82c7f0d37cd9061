// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_jsonstr.c - the one JSON string encoding (user/jsonstr.h): valid
 * UTF-8 out whatever comes in, every byte back after a JSON parser. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonstr.h"
#include "unit.h"

/* Well-formed UTF-8 as Unicode's table 3-7 lists it, written independently
 * of jsonstr.c's decoder so the two check each other. */
static bool utf8_wellformed(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char a = s[i];
		unsigned char lo = 0x80, hi = 0xbf;
		size_t len;

		if (a <= 0x7f) { i++; continue; }
		if (a >= 0xc2 && a <= 0xdf) len = 2;
		else if (a >= 0xe0 && a <= 0xef) len = 3;
		else if (a >= 0xf0 && a <= 0xf4) len = 4;
		else return false;
		if (a == 0xe0) lo = 0xa0;
		if (a == 0xed) hi = 0x9f;   /* no surrogates */
		if (a == 0xf0) lo = 0x90;
		if (a == 0xf4) hi = 0x8f;   /* nothing above U+10FFFF */
		if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += len;
	}
	return true;
}

/* json_put_str's literal for s[0..n), in a static buffer. */
static const char *lit(const char *s, size_t n)
{
	static char out[4096];
	FILE *f = fmemopen(out, sizeof(out), "w");

	if (!f)
		return "";
	CHECK_INT(json_put_str(f, s, n), 0);
	fclose(f);
	return out;
}

#define LIT(s) lit(s, sizeof(s) - 1)

/* Parses a JSON text with json-c and decodes the string in it back to
 * bytes; checks the text is well-formed UTF-8 first.  Returns the length
 * or -1. */
static ssize_t parse_back(const char *text, size_t tlen, char *out, size_t outlen)
{
	struct json_object *j;
	ssize_t n = -1;

	CHECK(utf8_wellformed((const unsigned char *)text, tlen));
	j = json_tokener_parse(text);
	CHECK(j && json_object_is_type(j, json_type_string));
	if (j && json_object_is_type(j, json_type_string))
		n = jsonstr_decode(json_object_get_string(j), (size_t)json_object_get_string_len(j),
				   out, outlen);
	json_object_put(j);
	return n;
}

/* Both ways through a JSON parser give back s[0..n) exactly:
 * json_put_str (--events) and jsonstr_new printed by json-c (reports). */
static void round_trip(const char *s, size_t n)
{
	char back[4096];
	const char *text = lit(s, n);
	struct json_object *o = jsonstr_new(s, n);
	ssize_t l;

	l = parse_back(text, strlen(text), back, sizeof(back));
	CHECK(l == (ssize_t)n && !memcmp(back, s, n));
	CHECK(o != NULL);
	if (!o)
		return;
	CHECK(utf8_wellformed((const unsigned char *)json_object_get_string(o),
			      (size_t)json_object_get_string_len(o)));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE);
	l = parse_back(text, strlen(text), back, sizeof(back));
	CHECK(l == (ssize_t)n && !memcmp(back, s, n));
	json_object_put(o);
}

#define RT(s) round_trip(s, sizeof(s) - 1)

static void test_valid_utf8_unchanged(void)
{
	struct json_object *o;

	CHECK_STR(LIT("plain/path.js"), "\"plain/path.js\"");
	CHECK_STR(LIT("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_STR(LIT("q\"b\\s/"), "\"q\\\"b\\\\s/\"");
	CHECK_STR(LIT(""), "\"\"");
	/* the report's strings: no copy, same text */
	o = jsonstr_new_c("\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	CHECK_STR(o ? json_object_get_string(o) : NULL, "\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	json_object_put(o);
	CHECK(jsonstr_new_c(NULL) == NULL);
	RT("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
}

static void test_control_chars(void)
{
	CHECK_STR(LIT("a\x1b[2K\x1b[1A\rb"), "\"a\\u001b[2K\\u001b[1A\\u000db\"");
	CHECK_STR(LIT("\n\t\b\x7f"), "\"\\n\\t\\u0008\\u007f\"");
	CHECK_STR(lit("a\0b", 3), "\"a\\u0000b\"");
	/* C1 controls are valid UTF-8 (U+0080..U+009F): JSON may carry them */
	CHECK_STR(LIT("\xc2\x9b"), "\"\xc2\x9b\"");
	RT("a\x1b[2K\x1b[1A\rb\n\t\b\x7f\xc2\x9b");
	round_trip("a\0b", 3);
}

static void test_invalid_bytes(void)
{
	/* 0xff 0xfe and a real "ÿþ" must not look alike */
	CHECK_STR(LIT("\xff\xfe"), "\"\\uefff\\ueffe\"");
	CHECK_STR(LIT("\xc3\xbf\xc3\xbe"), "\"\xc3\xbf\xc3\xbe\"");
	/* stray continuation, truncated sequences */
	CHECK_STR(LIT("\x80x"), "\"\\uef80x\"");
	CHECK_STR(LIT("\xe2\x82"), "\"\\uefe2\\uef82\"");
	CHECK_STR(LIT("\xf0\x9f\x98"), "\"\\ueff0\\uef9f\\uef98\"");
	/* overlong forms of '/' and of NUL */
	CHECK_STR(LIT("\xc0\xaf"), "\"\\uefc0\\uefaf\"");
	CHECK_STR(LIT("\xe0\x80\xaf"), "\"\\uefe0\\uef80\\uefaf\"");
	CHECK_STR(LIT("\xf0\x80\x80\xaf"), "\"\\ueff0\\uef80\\uef80\\uefaf\"");
	CHECK_STR(LIT("\xc0\x80"), "\"\\uefc0\\uef80\"");
	/* UTF-16 surrogates encoded in UTF-8 (CESU-8, WTF-8) are not UTF-8 */
	CHECK_STR(LIT("\xed\xa0\x80"), "\"\\uefed\\uefa0\\uef80\"");
	CHECK_STR(LIT("\xed\xbf\xbf"), "\"\\uefed\\uefbf\\uefbf\"");
	CHECK_INT(jsonstr_unit((const unsigned char *)"\xed\x9f\xbf", 3), 3); /* U+D7FF is fine */
	/* above U+10FFFF, and lead bytes that never start a sequence */
	CHECK_STR(LIT("\xf4\x90\x80\x80"), "\"\\ueff4\\uef90\\uef80\\uef80\"");
	CHECK_STR(LIT("\xf8\xfc\xfe"), "\"\\ueff8\\ueffc\\ueffe\"");
	RT("\xff\xfe/\x80x\xe2\x82");
	RT("\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80\xf8\xfc\xfe");
	RT("\xf0\x9f\x98");
}

/* The 128 code points that stand for raw bytes are themselves escaped when
 * they come in, so the mapping stays one-to-one. */
static void test_escape_range_is_escaped(void)
{
	CHECK_STR(LIT("\xee\xbe\x80"), "\"\\uefee\\uefbe\\uef80\"");   /* U+EF80 */
	CHECK_STR(LIT("\xee\xbf\xbf"), "\"\\uefee\\uefbf\\uefbf\"");   /* U+EFFF */
	CHECK_STR(LIT("\xee\xbd\xbf"), "\"\xee\xbd\xbf\"");            /* U+EF7F: kept */
	CHECK_STR(LIT("\xef\x80\x80"), "\"\xef\x80\x80\"");            /* U+F000: kept */
	RT("\xee\xbe\x80\xee\xbf\xbf\xff");
	/* the encoded byte 0xff and a real U+EFFF come out different */
	CHECK_STR(LIT("\xff"), "\"\\uefff\"");
}

static void test_decode_rejects(void)
{
	char out[16];

	CHECK_INT(jsonstr_decode("\xff", 1, out, sizeof(out)), -EINVAL);
	CHECK_INT(jsonstr_decode("\xed\xa0\x80", 3, out, sizeof(out)), -EINVAL);
	CHECK_INT(jsonstr_decode("abc", 3, out, 2), -ENOSPC);
	CHECK_INT(jsonstr_decode("\xee\xbf\xbf", 3, out, 1), 1);
	CHECK_INT((unsigned char)out[0], 0xff);
}

/* Random byte strings, biased towards the interesting bytes, both ways;
 * each in a heap block of exactly its length, so that the sanitizer build
 * (make unit-san) catches a read past the end of a truncated sequence. */
static void test_random_round_trip(void)
{
	static const unsigned char pick[] = {
		0x00, 0x1b, '\r', '"', '\\', 'a', 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xc3, 0xdf, 0xe0,
		0xe2, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0xbe,
	};
	srand(7);
	for (int i = 0; i < 5000; i++) {
		size_t n = 1 + (size_t)rand() % 63;
		char *s = malloc(n);

		if (!s)
			return;
		for (size_t k = 0; k < n; k++)
			s[k] = (char)(rand() % 2 ? pick[rand() % sizeof(pick)] : rand());
		round_trip(s, n);
		free(s);
	}
}

int main(void)
{
	TEST(test_valid_utf8_unchanged);
	TEST(test_control_chars);
	TEST(test_invalid_bytes);
	TEST(test_escape_range_is_escaped);
	TEST(test_decode_rejects);
	TEST(test_random_round_trip);
	UNIT_EXIT();
}
