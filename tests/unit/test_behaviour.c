// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_behaviour.c - the normalised behaviour sets of user/behaviour.h and
 * the diff of user/diff.h: two installs of one lockfile in two places
 * compare equal; a new credential read or endpoint is new, tied to the
 * finding that names it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyze.h"
#include "behaviour.h"
#include "diff.h"
#include "unit.h"

static const struct bh_roots roots = {
	.pkg = "/w/a/project/node_modules/foo",
	.project = "/w/a/project",
	.home = "/w/a/home",
	.tmp = "/w/a/tmp",
};

static void check_norm(const struct bh_roots *r, const char *in, const char *want)
{
	char *got = behaviour_normalise(r, in);

	CHECK_STR(got, want);
	free(got);
}

static void test_roots(void)
{
	/* the longest root wins: the package's folder inside the project */
	check_norm(&roots, "/w/a/project/node_modules/foo/build.js", "<pkg>/build.js");
	check_norm(&roots, "/w/a/project/node_modules/bar/x", "<project>/node_modules/bar/x");
	check_norm(&roots, "/w/a/home/.npmrc", "~/.npmrc");
	check_norm(&roots, "/w/a/tmp/x", "<tmp>/x");
	check_norm(&roots, "/w/a/project", "<project>");
	/* inside a command line, after = and : too */
	check_norm(&roots, "node /w/a/project/node_modules/foo/setup.js --home=/w/a/home",
		   "node <pkg>/setup.js --home=~");
	check_norm(&roots, "PATH=/usr/bin:/w/a/home/bin", "PATH=/usr/bin:~/bin");
	/* whole components only, at the start of a path only */
	check_norm(&roots, "/w/a/projects/x", "/w/a/projects/x");
	check_norm(&roots, "/x/w/a/home/y", "/x/w/a/home/y");
	check_norm(&roots, "/w/a/homework", "/w/a/homework");
	/* no roots: unchanged; "/" is no root */
	{
		struct bh_roots none = { .home = "/" };

		check_norm(&none, "/etc/passwd", "/etc/passwd");
	}
	/* a trailing slash on a root does not matter */
	{
		struct bh_roots slash = { .home = "/w/a/home/" };

		check_norm(&slash, "/w/a/home/.ssh/id_rsa", "~/.ssh/id_rsa");
	}
}

static void test_temp_names(void)
{
	struct bh_roots none = { 0 };

	check_norm(&none, "/tmp/pkgtrace-test.YL0WP1/x", "/tmp/pkgtrace-test.*/x");
	check_norm(&none, "/tmp/tmp.aBcDeF/x", "/tmp/tmp.*/x");
	check_norm(&none, "python3 _in_process.py build_wheel /t/tmp22jn9fyk", "python3 _in_process.py build_wheel /t/tmp*");
	check_norm(&none, "/t/pip-req-build-6jt_7cpd/setup.py", "/t/pip-req-build-*/setup.py");
	check_norm(&none, "/t/pip-build-env-abcdefgh/overlay", "/t/pip-build-env-*/overlay");
	check_norm(&none, "/proc/12345/environ", "/proc/*/environ");
	check_norm(&none, "/t/tmpab_12xyz.json", "/t/tmp*.json");
	/* gcc's temp files, in a temp dir only */
	check_norm(&roots, "as --64 -o /w/a/tmp/ccvbXI0h.o /w/a/tmp/ccvrjENA.s", "as --64 -o <tmp>/cc*.o <tmp>/cc*.s");
	check_norm(&none, "-fresolution=/tmp/ccAdEQbJ.res", "-fresolution=/tmp/cc*.res");
	check_norm(&none, "/usr/lib/gcc/ccache12", "/usr/lib/gcc/ccache12");
	check_norm(&none, "/src/ccAdEQbJ.c", "/src/ccAdEQbJ.c");
	/* what is no temp name stays */
	check_norm(&none, "/usr/lib/python3.11/site-packages", "/usr/lib/python3.11/site-packages");
	check_norm(&none, "node_modules/prebuild-install/bin.js", "node_modules/prebuild-install/bin.js");
	check_norm(&none, "/opt/app-1.2.3/lib", "/opt/app-1.2.3/lib");
	check_norm(&none, "/etc/tmpfiles.d/x.conf", "/etc/tmpfiles.d/x.conf");
	check_norm(&none, "127.0.0.1:9999/tcp", "127.0.0.1:9999/tcp");
	check_norm(&none, "/srv/12345/x", "/srv/12345/x");
}

static void test_listen_port(void)
{
	char *s = behaviour_listen_port("127.0.0.1:45678/tcp");

	CHECK_STR(s, "127.0.0.1:*/tcp");
	free(s);
	s = behaviour_listen_port("0.0.0.0:8080/tcp");
	CHECK_STR(s, "0.0.0.0:8080/tcp");
	free(s);
	s = behaviour_listen_port("[::1]:33000/udp");
	CHECK_STR(s, "[::1]:*/udp");
	free(s);
	s = behaviour_listen_port("/run/x.sock");
	CHECK_STR(s, "/run/x.sock");
	free(s);
}

/* a report of one install at root R (HOME R/home), foo at VERSION, with
 * a credential read and a connect when bad */
static struct json_object *report(const char *r, const char *version, bool bad)
{
	char text[8192];
	struct json_object *j;

	snprintf(text, sizeof(text),
		 "{\"format\": \"pkgtrace-report/1\","
		 " \"command\": {\"cwd\": \"%s/project\", \"home\": \"%s/home\", \"tmpdir\": \"%s/tmp\"},"
		 " \"findings\": ["
		 "  {\"rule\": \"install-script\", \"severity\": \"info\", \"package\": \"foo\", \"version\": \"%s\","
		 "   \"ecosystem\": \"npm\", \"key\": \"postinstall\", \"summary\": \"\", \"count\": 1,"
		 "   \"evidence\": [{\"pid\": %d, \"time_ns\": %d, \"event\": \"exec\", \"path\": \"/usr/bin/dash\","
		 "                 \"argv\": [\"sh\", \"-c\", \"node %s/project/node_modules/foo/s.js\"]}]}%s"
		 "  %s"
		 " ],"
		 " \"packages\": ["
		 "  {\"ecosystem\": \"npm\", \"name\": \"foo\", \"version\": \"%s\", \"kind\": \"dependency\","
		 "   \"path\": \"%s/project/node_modules/foo\","
		 "   \"processes\": [\"sh -c node %s/project/node_modules/foo/s.js\"],"
		 "   \"files_read\": [%s], \"files_written\": [\"%s/project/node_modules/foo/out\", \"%s/tmp/tmp.Xy12Ab/o\"],"
		 "   \"network\": [%s], \"dns\": [\"registry.example via 127.0.0.53:53/udp\"], \"listen\": [], \"lingering\": []},"
		 "  {\"ecosystem\": \"npm\", \"name\": \"proj\", \"version\": \"1.0.0\", \"kind\": \"project\","
		 "   \"path\": \"%s/project\", \"processes\": [], \"files_read\": [], \"files_written\": [],"
		 "   \"network\": [], \"dns\": [], \"listen\": [], \"lingering\": []}"
		 " ]}",
		 r, r, r, version, bad ? 200 : 100, bad ? 9 : 7, r, bad ? "," : "",
		 bad ? "{\"rule\": \"credential-access\", \"severity\": \"high\", \"package\": \"foo\","
		       " \"version\": \"1.1.0\", \"ecosystem\": \"npm\", \"key\": \"npm-token\", \"summary\": \"\","
		       " \"count\": 1, \"evidence\": []}" : "",
		 version, r, r, bad ? "\"npm-token /x/home/.npmrc\"" : "", r, r,
		 bad ? "\"127.0.0.1:9999/tcp\"" : "", r);
	j = json_tokener_parse(text);
	CHECK(j != NULL);
	return j;
}

static struct bh_set *set_of(struct json_object *j)
{
	struct bh_set *s = NULL;
	char err[256] = "";

	CHECK_INT(behaviour_from_report(j, &s, err, sizeof(err)), 0);
	json_object_put(j);
	return s;
}

static void test_same_lockfile_elsewhere(void)
{
	struct bh_set *a = set_of(report("/home/u/a", "1.0.0", false));
	struct bh_set *b = set_of(report("/var/tmp/ci.Qw3rTy", "1.0.0", false));
	struct json_object *d;
	const struct bh_package *foo;
	int max = 0;

	if (!a || !b)
		goto cleanup;
	foo = behaviour_find(a, "npm", "foo", false);
	CHECK(foo != NULL);
	/* its own folder's write is no behaviour; the temp dir's is, normalised */
	for (size_t i = 0; foo && i < foo->n; i++) {
		CHECK(strncmp(foo->items[i].value, "<pkg>/", 6));
		if (foo->items[i].kind == BH_WRITE)
			CHECK_STR(foo->items[i].value, "<tmp>/tmp.*/o");
		if (foo->items[i].kind == BH_DNS)
			CHECK_STR(foo->items[i].value, "registry.example");
	}
	d = diff_build(a, b, "a", "b", &max);
	CHECK(d != NULL);
	CHECK_INT(max, -2);
	CHECK_INT(json_object_array_length(json_object_object_get(d, "packages")), 0);
	json_object_put(d);
cleanup:
	behaviour_free(a);
	behaviour_free(b);
}

static void test_bump_adds_two(void)
{
	struct bh_set *a = set_of(report("/home/u/a", "1.0.0", false));
	struct bh_set *c = set_of(report("/srv/c", "1.1.0", true));
	struct json_object *d, *p, *nw;
	int max = 0;

	if (!a || !c)
		goto cleanup;
	d = diff_build(a, c, "a", "c", &max);
	CHECK(d != NULL);
	if (!d)
		goto cleanup;
	CHECK_INT(max, SEV_HIGH);
	CHECK_INT(json_object_array_length(json_object_object_get(d, "packages")), 1);
	p = json_object_array_get_idx(json_object_object_get(d, "packages"), 0);
	CHECK_STR(json_object_get_string(json_object_object_get(p, "change")), "version");
	CHECK_STR(json_object_get_string(json_object_object_get(p, "old_version")), "1.0.0");
	CHECK_STR(json_object_get_string(json_object_object_get(p, "new_version")), "1.1.0");
	nw = json_object_object_get(p, "new");
	CHECK_INT(json_object_array_length(nw), 2);
	/* credential (npm-token, tied to credential-access, high), then the
	 * endpoint, tied to no finding: kind order */
	CHECK_STR(json_object_get_string(json_object_object_get(json_object_array_get_idx(nw, 0), "value")),
		  "npm-token");
	CHECK_STR(json_object_get_string(json_object_object_get(json_object_array_get_idx(nw, 0), "severity")),
		  "high");
	CHECK_STR(json_object_get_string(json_object_object_get(json_object_array_get_idx(nw, 1), "value")),
		  "127.0.0.1:9999/tcp");
	CHECK(json_object_object_get(json_object_array_get_idx(nw, 1), "severity") == NULL);
	CHECK_INT(json_object_array_length(json_object_object_get(p, "gone")), 0);
	json_object_put(d);
cleanup:
	behaviour_free(a);
	behaviour_free(c);
}

static void test_not_a_report(void)
{
	struct json_object *j = json_tokener_parse("{\"format\": \"pkgtrace-diff/1\"}");
	struct bh_set *s = NULL;
	char err[256] = "";

	CHECK(behaviour_from_report(j, &s, err, sizeof(err)) < 0);
	CHECK(s == NULL);
	CHECK(strstr(err, "not a pkgtrace report") != NULL);
	json_object_put(j);
}

/* a hostile command line reaches the text and Markdown forms escaped */
static void test_hostile_values(void)
{
	struct bh_set *a = set_of(report("/r", "1.0.0", false));
	struct bh_set *c = set_of(report("/r", "1.0.0", false));
	struct bh_package *foo;
	struct json_object *d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int max = 0;

	if (!a || !c)
		goto cleanup;
	foo = (struct bh_package *)behaviour_find(c, "npm", "foo", false);
	CHECK(foo && foo->n && foo->items[0].kind == BH_PROCESS);
	if (!foo || !foo->n)
		goto cleanup;
	/* NEW runs "x|y`\033[2J": a pipe, a backtick and an escape sequence */
	free(foo->items[0].value);
	foo->items[0].value = strdup("x|y`\033[2J");
	d = diff_build(a, c, "a", "c", &max);
	CHECK(d != NULL);
	if (!d)
		goto cleanup;
	f = open_memstream(&buf, &len);
	CHECK(f && !diff_write(d, f, DIFF_TEXT, false));
	fclose(f);
	CHECK(buf && strstr(buf, "x|y`\\x1b[2J") && !strchr(buf, '\033'));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK(f && !diff_write(d, f, DIFF_MARKDOWN, false));
	fclose(f);
	CHECK(buf && strstr(buf, "<code>x&#124;y&#96;\\x1b[2J</code>") && !strchr(buf, '\033'));
	free(buf);
	json_object_put(d);
cleanup:
	behaviour_free(a);
	behaviour_free(c);
}

int main(void)
{
	TEST(test_roots);
	TEST(test_temp_names);
	TEST(test_listen_port);
	TEST(test_same_lockfile_elsewhere);
	TEST(test_bump_adds_two);
	TEST(test_not_a_report);
	TEST(test_hostile_values);
	UNIT_EXIT();
}
