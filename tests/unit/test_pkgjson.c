/*
 * test_pkgjson.c - the package.json scanner against json-c: whatever the
 * scanner accepts, json-c must read the same way; what it declines is left
 * to json-c (analyze.c falls back).  Crafted cases, then every package.json
 * in the repository's tests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "pkgjson.h"
#include "unit.h"

static const char *const scripts[] = { "preinstall", "install", "postinstall", NULL };

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* When the scanner accepts text, json-c must see an object with the same
 * name, version and install scripts.  Returns the scanner's result. */
static int differential(const char *what, const char *text)
{
	struct json_object *o, *v, *sc;
	struct pkgjson pj;
	const char *name = NULL, *version = NULL;
	unsigned mask = 0;
	int r = pkgjson_scan(text, scripts, &pj);

	if (r)
		return r;
	o = json_tokener_parse(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		printf("#   %s: scanner accepted what json-c refuses\n", what);
		unit_failed_checks++;
		json_object_put(o);
		pkgjson_clear(&pj);
		return r;
	}
	if (json_object_object_get_ex(o, "name", &v))
		name = json_object_get_string(v);
	if (json_object_object_get_ex(o, "version", &v))
		version = json_object_get_string(v);
	if (json_object_object_get_ex(o, "scripts", &sc) && json_object_is_type(sc, json_type_object))
		for (int k = 0; scripts[k]; k++)
			if (json_object_object_get_ex(sc, scripts[k], NULL))
				mask |= 1u << k;
	if (!same_str(name, pj.name) || !same_str(version, pj.version) || mask != pj.scripts) {
		printf("#   %s: scanner %s@%s %#x, json-c %s@%s %#x\n", what, pj.name, pj.version,
		       pj.scripts, name, version, mask);
		unit_failed_checks++;
	}
	json_object_put(o);
	pkgjson_clear(&pj);
	return r;
}

static void expect(const char *text, int rc, const char *name, const char *version, unsigned mask)
{
	struct pkgjson pj;
	int r = pkgjson_scan(text, scripts, &pj);

	if (r != rc || !same_str(pj.name, name) || !same_str(pj.version, version) ||
	    pj.scripts != mask) {
		printf("#   %s: got %d %s@%s %#x, expected %d %s@%s %#x\n", text, r, pj.name,
		       pj.version, pj.scripts, rc, name, version, mask);
		unit_failed_checks++;
	}
	pkgjson_clear(&pj);
	differential(text, text);
}

static void test_fields(void)
{
	expect("{\"name\":\"a\",\"version\":\"1.0.0\",\"scripts\":{\"postinstall\":\"x\",\"test\":\"y\"}}",
	       0, "a", "1.0.0", 4);
	expect(" {\n\t\"scripts\" : { \"preinstall\": 1, \"install\": null },\r\n \"name\": \"@s/p\" } \n",
	       0, "@s/p", NULL, 3);
	expect("{}", 0, NULL, NULL, 0);
	expect("{\"scripts\":[\"install\"],\"version\":\"2\"}", 0, NULL, "2", 0);
	expect("{\"x\":{\"a\":[1,-2.5e+3,0.1,true,false,null,\"s\\\"\\u00e9\"]},\"name\":\"n\"}", 0, "n",
	       NULL, 0);
}

static void test_last_key_wins(void)
{
	expect("{\"name\":\"a\",\"name\":\"b\"}", 0, "b", NULL, 0);
	expect("{\"scripts\":{\"install\":\"x\"},\"scripts\":5}", 0, NULL, NULL, 0);
	expect("{\"scripts\":{},\"scripts\":{\"install\":\"\"}}", 0, NULL, NULL, 2);
}

static void test_declined(void)
{
	const char *declined[] = {
		"{\"name\":\"\\u0061\"}",           /* escape in a returned field */
		"{\"na\\u006de\":\"a\"}",           /* escape in a key */
		"{\"name\":5}",                     /* json-c would say "5" */
		"{\"version\":null}",
		"{\"name\":\"a\"} x",               /* bytes after the object */
		"[1]",
		"",
		"{\"a\":}",
		"{\"a\":1,}",
		"{\"a\" 1}",
		"{\"a\":\"tab\there\"}",            /* a raw control byte */
		"{\"a\":12345678901234567890}",     /* may not fit json-c's int64 */
		"{\"a\":01}",
		"{\"a\":tru}",
		"{\"a\":\"\\x\"}",
		"{\"a\":\"\\u12\"}",
		"{\"a\":\"unterminated",
		NULL,
	};

	for (int i = 0; declined[i]; i++) {
		struct pkgjson pj;
		int r = pkgjson_scan(declined[i], scripts, &pj);

		if (r != -EINVAL || pj.name || pj.version || pj.scripts) {
			printf("#   declined case %d (%s): got %d\n", i, declined[i], r);
			unit_failed_checks++;
		}
	}
}

static void test_depth_left_to_json_c(void)
{
	char deep[256] = "{\"a\":";
	size_t n = strlen(deep);

	for (int i = 0; i < 40; i++)
		deep[n++] = '[';
	for (int i = 0; i < 40; i++)
		deep[n++] = ']';
	strcpy(deep + n, "}");
	CHECK_INT(differential("40 levels", deep), -EINVAL);
	/* a lone surrogate inside a skipped string: json-c reads it too */
	CHECK_INT(differential("lone surrogate", "{\"d\":\"\\ud800\",\"name\":\"a\"}"), 0);
}

static int ncorpus, naccepted;

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path);
		} else if (S_ISREG(st.st_mode) && !strcmp(de->d_name, "package.json")) {
			FILE *f = fopen(path, "r");
			char *text = calloc(1, st.st_size + 1);

			if (f && text && fread(text, 1, st.st_size, f) == (size_t)st.st_size) {
				ncorpus++;
				if (!differential(path, text))
					naccepted++;
			}
			if (f)
				fclose(f);
			free(text);
		}
	}
	closedir(d);
}

static void test_every_package_json_in_tests(void)
{
	walk("tests");
	printf("# %d package.json files, %d read by the scanner\n", ncorpus, naccepted);
	CHECK(ncorpus >= 20);
	CHECK_INT(naccepted, ncorpus);
}

int main(void)
{
	TEST(test_fields);
	TEST(test_last_key_wins);
	TEST(test_declined);
	TEST(test_depth_left_to_json_c);
	TEST(test_every_package_json_in_tests);
	UNIT_EXIT();
}
