// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_baseline.c - the built-in baseline loads; malformed baselines are
 * refused with one line that names the file and the problem. */
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include "unit.h"
#include "analyze.h"
#include "baseline.h"

static const char *good =
	"{\"baseline\":\"pkgtrace-baseline/1\",\"package_manager\":{\"write\":[\"{project}/*\"]},"
	"\"script\":{\"exec\":[\"cc\",\"python3.*\"],\"write\":[\"{own}/*\",\"{tmp}/*\"]},"
	"\"unexpected_exec\":{\"network_tools\":[\"curl\"],\"system_tools\":[\"sudo\"],"
	"\"interpreters\":[\"node\"],\"payload_markers\":[\"base64\"]},"
	"\"well_known_commands\":[\"aws\"],\"benign_pth\":[\"distutils-precedence.pth\"]}";

static void test_default_loads(void)
{
	char err[256] = "";
	struct baseline *bl = baseline_load(NULL, err, sizeof(err));

	CHECK(bl != NULL);
	CHECK_STR(err, "");
	if (bl) {
		CHECK(baseline_match(bl, BL_WELL_KNOWN, "kubectl", NULL));
		CHECK(baseline_match(bl, BL_SCRIPT_EXEC, "x86_64-linux-gnu-gcc", NULL));
		/* what gcc runs under its target triplet (a node-gyp or C
		 * extension build on Debian), and versioned drivers */
		CHECK(baseline_match(bl, BL_SCRIPT_EXEC, "x86_64-linux-gnu-as", NULL));
		CHECK(baseline_match(bl, BL_SCRIPT_EXEC, "x86_64-linux-gnu-ar", NULL));
		CHECK(baseline_match(bl, BL_SCRIPT_EXEC, "x86_64-linux-gnu-ld.bfd", NULL));
		CHECK(baseline_match(bl, BL_SCRIPT_EXEC, "aarch64-linux-gnu-g++-12", NULL));
		CHECK(baseline_match(bl, BL_SCRIPT_EXEC, "x86_64-linux-musl-ld", NULL));
		CHECK(!baseline_match(bl, BL_SCRIPT_EXEC, "x86_64-linux-gnu-curl", NULL));
		CHECK(!baseline_match(bl, BL_SCRIPT_EXEC, "curl", NULL));
		CHECK(baseline_match(bl, BL_NET_TOOLS, "curl", NULL));
	}
	baseline_free(bl);
}

static void test_placeholders(void)
{
	char err[256] = "";
	struct baseline *bl = baseline_parse(good, "t", err, sizeof(err));
	struct bl_vars v = { "/p", "/root", "/tmp", "/p/node_modules/a" };

	CHECK(bl != NULL);
	if (!bl)
		return;
	CHECK(baseline_match(bl, BL_SCRIPT_WRITE, "/p/node_modules/a/build/x.o", &v));
	CHECK(!baseline_match(bl, BL_SCRIPT_WRITE, "/p/node_modules/b/index.js", &v));
	CHECK(baseline_match(bl, BL_SCRIPT_WRITE, "/tmp/x", &v));
	v.own = NULL; /* no folder: {own} globs never match */
	CHECK(!baseline_match(bl, BL_SCRIPT_WRITE, "/p/node_modules/a/x", &v));
	CHECK(baseline_match(bl, BL_SCRIPT_EXEC, "python3.11", NULL));
	CHECK(baseline_contains(bl, BL_PAYLOAD_MARKERS, "exec(base64.b64decode('...'))"));
	baseline_free(bl);
}

static void expect_error(const char *text, const char *want)
{
	char err[256] = "";
	struct baseline *bl = baseline_parse(text, "b.json", err, sizeof(err));

	CHECK(bl == NULL);
	baseline_free(bl);
	if (!strstr(err, want) || strncmp(err, "baseline b.json: ", 17) || strchr(err, '\n'))
		printf("#   got \"%s\", want \"%s\"\n", err, want);
	CHECK(strstr(err, want) != NULL);
	CHECK(!strncmp(err, "baseline b.json: ", 17));
	CHECK(strchr(err, '\n') == NULL);
}

static void test_malformed_rejected(void)
{
	char buf[2048];

	expect_error("", "not valid JSON");
	expect_error("{\"baseline\": ", "not valid JSON");
	expect_error("[1,2]", "top level must be an object");
	expect_error("{\"baseline\":\"other/2\"}", "\"baseline\" must be \"pkgtrace-baseline/1\"");
	expect_error("{\"baseline\":\"pkgtrace-baseline/1\"}", "\"package_manager\" must be an object");
	snprintf(buf, sizeof(buf), "%.*s,\"typo\":[]}", (int)strlen(good) - 1, good);
	expect_error(buf, "unknown key \"typo\"");
	snprintf(buf, sizeof(buf), "%s", good);
	memcpy(strstr(buf, "[\"aws\"]"), "[ 42  ]", 7);
	expect_error(buf, "well_known_commands[0] must be a non-empty string");
	snprintf(buf, sizeof(buf), "%s", good);
	memcpy(strstr(buf, "[\"curl\"]"), "\"curl\"  ", 8);
	expect_error(buf, "unexpected_exec.network_tools must be an array of strings");
	snprintf(buf, sizeof(buf), "%s trailing", good);
	expect_error(buf, "not valid JSON");
}

static void test_load_file_errors(void)
{
	char err[256] = "", path[] = "/tmp/pkgtrace-bl-XXXXXX";
	int fd = mkstemp(path);
	struct baseline *bl;

	CHECK(baseline_load("/nonexistent/baseline.json", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "/nonexistent/baseline.json: No such file or directory") != NULL);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, "{\"a\":\0}", 7) == 7);
	close(fd);
	CHECK(baseline_load(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "NUL byte") != NULL);
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, good, strlen(good)) == (ssize_t)strlen(good));
	if (fd >= 0)
		close(fd);
	bl = baseline_load(path, err, sizeof(err));
	CHECK(bl != NULL);
	baseline_free(bl);
	unlink(path);
}

int main(void)
{
	TEST(test_default_loads);
	TEST(test_placeholders);
	TEST(test_malformed_rejected);
	TEST(test_load_file_errors);
	UNIT_EXIT();
}
