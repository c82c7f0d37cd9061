// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_proposal.c - user/approve/proposal.h: each package manager's own
 * format, the user's earlier denials kept, the rest of the file as it was. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "approve/copytree.h"
#include "approve/proposal.h"
#include "unit.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static struct approve_pkg pkgs[] = {
	{ .eco = "npm", .name = "good", .version = "1.2.3", .verdict = AV_APPROVE },
	{ .eco = "npm", .name = "@s/evil", .version = "0.0.1", .verdict = AV_DENY },
	{ .eco = "npm", .name = "meh", .version = "2.0.0", .verdict = AV_REVIEW },
	{ .eco = "npm", .name = "was-denied", .version = "1.0.0", .verdict = AV_APPROVE },
};
static const struct approve_list list = { .pkg = pkgs, .n = 4 };

static char *make(int pm, struct proposal *p)
{
	int err = proposal_make(pm, dir, &list, p);

	CHECK_INT(err, 0);
	return err ? NULL : p->new_text;
}

static void test_npm_pins_and_keeps_denials(void)
{
	struct proposal p;

	put("package.json", "{\n  \"name\": \"x\",\n  \"allowScripts\": {\n    \"was-denied\": false\n  }\n}\n");
	CHECK_STR(make(PM_NPM, &p), "{\n  \"name\": \"x\",\n  \"allowScripts\": {\n    \"was-denied\": false,\n"
				    "    \"good@1.2.3\": true,\n    \"@s/evil\": false\n  }\n}\n");
	CHECK_INT(p.approved, 1);
	CHECK_INT(p.denied, 1);
	CHECK_INT(p.kept_denied, 1);
	proposal_free(&p);
}

static void test_pnpm_yaml_appends_block_list(void)
{
	struct proposal p;

	put("package.json", "{}\n");
	put("pnpm-workspace.yaml", "packages:\n  - 'a/*'\nonlyBuiltDependencies:\n    - esbuild\n    - \"good\"\nother: 1\n");
	CHECK_STR(make(PM_PNPM, &p), "packages:\n  - 'a/*'\nonlyBuiltDependencies:\n    - esbuild\n    - \"good\"\n"
				     "    - \"was-denied@1.0.0\"\nother: 1\n");
	CHECK_STR(p.file, "pnpm-workspace.yaml");
	proposal_free(&p);
	put("pnpm-workspace.yaml", "onlyBuiltDependencies: [esbuild]\n");
	CHECK_INT(proposal_make(PM_PNPM, dir, &list, &p), -EINVAL);
	proposal_free(&p);
	put("pnpm-workspace.yaml", "packages:\n  - '.'");
	CHECK_STR(make(PM_PNPM, &p), "packages:\n  - '.'\nonlyBuiltDependencies:\n  - \"good@1.2.3\"\n"
				     "  - \"was-denied@1.0.0\"\n");
	proposal_free(&p);
}

static void test_pnpm_package_json_and_bun(void)
{
	struct proposal p;
	char path[128];

	snprintf(path, sizeof(path), "%s/pnpm-workspace.yaml", dir);
	unlink(path);
	put("package.json", "{\"name\": \"x\"}");
	CHECK_STR(make(PM_PNPM, &p), "{\"name\": \"x\",\n  \"pnpm\": {\n    \"onlyBuiltDependencies\": [\n"
				     "      \"good@1.2.3\",\n      \"was-denied@1.0.0\"\n    ]\n  }}");
	proposal_free(&p);
	put("package.json", "{\n\t\"trustedDependencies\": [\"good\"]\n}\n");
	CHECK_STR(make(PM_BUN, &p), "{\n\t\"trustedDependencies\": [\n\t\t\"good\",\n\t\t\"was-denied\"\n\t]\n}\n");
	proposal_free(&p);
}

static void test_yarn_dependencies_meta(void)
{
	struct proposal p;

	put("package.json", "{\n  \"dependenciesMeta\": {\n    \"was-denied\": {\"built\": false}\n  }\n}\n");
	CHECK_STR(make(PM_YARN, &p), "{\n  \"dependenciesMeta\": {\n    \"was-denied\": {\"built\": false},\n"
				     "    \"good@1.2.3\": {\n      \"built\": true\n    },\n"
				     "    \"@s/evil\": {\n      \"built\": false\n    }\n  }\n}\n");
	CHECK_INT(p.kept_denied, 1);
	proposal_free(&p);
}

static void test_bad_files(void)
{
	struct proposal p;

	put("package.json", "{\"name\": ");
	CHECK_INT(proposal_make(PM_NPM, dir, &list, &p), -EINVAL);
	proposal_free(&p);
	put("package.json", "{\"allowScripts\": [\"good\"]}");
	CHECK_INT(proposal_make(PM_NPM, dir, &list, &p), -EINVAL);
	proposal_free(&p);
	CHECK_INT(proposal_make(PM_NPM, "/nonexistent-dir", &list, &p), -ENOENT);
	proposal_free(&p);
	CHECK_INT(pm_kind_parse("/usr/bin/npx"), PM_NPM);
	CHECK_INT(pm_kind_parse("make"), -1);
}

static void test_diff_and_write(void)
{
	struct proposal p;
	char *buf = NULL, path[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	put("package.json", "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3,\n  \"d\": 4,\n  \"e\": 5\n}");
	make(PM_BUN, &p);
	proposal_print_diff(f, &p);
	fclose(f);
	CHECK_STR(buf, "--- a/package.json\n+++ b/package.json\n@@ -3,5 +3,9 @@\n   \"b\": 2,\n   \"c\": 3,\n   \"d\": 4,\n"
		       "-  \"e\": 5\n+  \"e\": 5,\n+  \"trustedDependencies\": [\n+    \"good\",\n+    \"was-denied\"\n"
		       "+  ]\n }\n\\ No newline at end of file\n");
	CHECK_INT(proposal_write(dir, &p), 0);
	snprintf(path, sizeof(path), "%s/package.json", dir);
	f = fopen(path, "r");
	free(buf);
	buf = calloc(1, 4096);
	if (f && buf) {
		CHECK(fread(buf, 1, 4095, f) > 0);
		CHECK_STR(buf, p.new_text);
	}
	if (f)
		fclose(f);
	free(buf);
	proposal_free(&p);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pkgtrace-unit-proposal.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	TEST(test_npm_pins_and_keeps_denials);
	TEST(test_pnpm_yaml_appends_block_list);
	TEST(test_pnpm_package_json_and_bun);
	TEST(test_yarn_dependencies_meta);
	TEST(test_bad_files);
	TEST(test_diff_and_write);
	rmtree(dir);
	UNIT_EXIT();
}
