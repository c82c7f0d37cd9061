// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_jsonedit.c - user/approve/jsonedit.h: one member set, every other
 * byte of the file as it was. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "approve/jsonedit.h"
#include "unit.h"

static char *set(const char *text, const char *const *path, size_t depth, const char *value)
{
	struct json_object *v = json_tokener_parse(value);
	char *out = NULL;
	int err = jsonedit_set(text, path, depth, v, &out);

	json_object_put(v);
	return err ? NULL : out;
}

static void test_replace_keeps_the_rest(void)
{
	const char *in = "{\n    \"name\": \"p\",\n    \"allowScripts\": {\"old\": true},\n    \"z\": [1, 2]\n}\n";
	const char *path[] = { "allowScripts" };
	char *out = set(in, path, 1, "{\"a@1.0.0\": true, \"b\": false}");

	CHECK_STR(out, "{\n    \"name\": \"p\",\n    \"allowScripts\": {\n        \"a@1.0.0\": true,\n"
		       "        \"b\": false\n    },\n    \"z\": [1, 2]\n}\n");
	free(out);
}

static void test_insert_after_last_member(void)
{
	const char *in = "{\n  \"name\": \"p\",\n  \"dependencies\": {\n    \"a\": \"1.0.0\"\n  }\n}\n";
	const char *path[] = { "trustedDependencies" };
	char *out = set(in, path, 1, "[\"a\"]");

	CHECK_STR(out, "{\n  \"name\": \"p\",\n  \"dependencies\": {\n    \"a\": \"1.0.0\"\n  },\n"
		       "  \"trustedDependencies\": [\n    \"a\"\n  ]\n}\n");
	free(out);
}

static void test_nested_path_created(void)
{
	const char *in = "{\r\n\t\"name\": \"p\"\r\n}";
	const char *path[] = { "pnpm", "onlyBuiltDependencies" };
	char *out = set(in, path, 2, "[\"a@1.0.0\"]");

	CHECK_STR(out, "{\r\n\t\"name\": \"p\",\r\n\t\"pnpm\": {\r\n\t\t\"onlyBuiltDependencies\": [\r\n"
		       "\t\t\t\"a@1.0.0\"\r\n\t\t]\r\n\t}\r\n}");
	free(out);
}

static void test_nested_path_existing(void)
{
	const char *in = "{\n  \"pnpm\": {\n    \"overrides\": {}\n  }\n}\n";
	const char *path[] = { "pnpm", "onlyBuiltDependencies" };
	char *out = set(in, path, 2, "[\"x\"]");

	CHECK_STR(out, "{\n  \"pnpm\": {\n    \"overrides\": {},\n    \"onlyBuiltDependencies\": [\n"
		       "      \"x\"\n    ]\n  }\n}\n");
	free(out);
}

static void test_empty_object_and_hostile_keys(void)
{
	const char *in = "{}";
	const char *path[] = { "allowScripts" };
	char *out = set(in, path, 1, "{\"a\\\"b\\n\": true}");
	struct json_object *back;

	CHECK(out != NULL);
	back = out ? json_tokener_parse(out) : NULL;
	CHECK(back != NULL);
	if (back) {
		struct json_object *as, *v;

		CHECK(json_object_object_get_ex(back, "allowScripts", &as));
		CHECK(as && json_object_object_get_ex(as, "a\"b\n", &v) && json_object_get_boolean(v));
	}
	json_object_put(back);
	free(out);
}

static void test_duplicate_key_last_wins(void)
{
	const char *in = "{\"k\": 1, \"k\": 2}";
	const char *path[] = { "k" };
	char *out = set(in, path, 1, "3");

	CHECK_STR(out, "{\"k\": 1, \"k\": 3}");
	free(out);
}

static void test_refuses_non_json(void)
{
	const char *path[] = { "a", "b" };
	struct json_object *v = json_object_new_boolean(1);
	char *out = (char *)1;

	CHECK_INT(jsonedit_set("{\"a\": ", path, 1, v, &out), -EINVAL);
	CHECK(out == NULL);
	CHECK_INT(jsonedit_set("[1]", path, 1, v, &out), -EINVAL);
	CHECK_INT(jsonedit_set("{\"a\": [1]}", path, 2, v, &out), -EINVAL);
	json_object_put(v);
}

int main(void)
{
	TEST(test_replace_keeps_the_rest);
	TEST(test_insert_after_last_member);
	TEST(test_nested_path_created);
	TEST(test_nested_path_existing);
	TEST(test_empty_object_and_hostile_keys);
	TEST(test_duplicate_key_last_wins);
	TEST(test_refuses_non_json);
	UNIT_EXIT();
}
