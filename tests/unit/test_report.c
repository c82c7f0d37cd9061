// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_report.c - the report writers (user/report/) on hostile strings:
 * the text holds no control character and shortens long values; JSON and
 * SARIF are valid UTF-8 and give back every byte. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyze_int.h"
#include "report/report_int.h"
#include "jsonstr.h"
#include "unit.h"

#define HOSTILE "evil\x1b[2K\x1b[1A\rname\xff\xfe<script>\xc2\x9b\xe2\x80\xae\x7f\b"

static char long_path[3000];
static char name[] = "pkg\x1b]0;pwned\x07";
static char version[] = "1.0.0\r";
static char path[] = "/proj/node_modules/x/" HOSTILE;
static char argv_list[] = "sh\0-c\0echo " HOSTILE "\0";
static char summary[] = "x wrote " HOSTILE;
static char key[] = "k";
static char *cmd_argv[] = { "npm", "install", "\x1b[31mred" };

static struct owner owner;
static struct owner *owners[] = { &owner };
static struct finding finding;
static struct report rep;
static int verbose_md;

static void build(void)
{
	memset(long_path, 'a', sizeof(long_path) - 1);
	memcpy(long_path, "/head/", 6);
	memcpy(long_path + sizeof(long_path) - 10, "/tail.txt", 9);
	owner.kind = OWN_PACKAGE;
	owner.eco = "npm";
	owner.name = name;
	owner.version = version;
	owner.path = "/proj/node_modules/x";
	owner.approved = -1;
	owner.max_sev = SEV_HIGH;
	owner.ran_script = true;
	finding.rule = R_WRITE_OUTSIDE_PROJECT;
	finding.sev = SEV_HIGH;
	finding.owner = 0;
	finding.key = key;
	finding.summary = summary;
	finding.ev[0] = (struct evidence){ .pid = 7, .event = "open", .path = path };
	finding.ev[1] = (struct evidence){ .pid = 8, .event = "exec", .path = long_path,
					   .argv = argv_list, .argv_len = sizeof(argv_list) - 1 };
	finding.nev = 2;
	finding.count = 2;
	rep.argv = cmd_argv;
	rep.argc = 3;
	rep.cwd = "/proj";
	rep.exit_status = 0;
	rep.owners = owners;
	rep.nowners = 1;
	rep.findings = &finding;
	rep.nfindings = 1;
	rep.max_sev = SEV_HIGH;
	rep.fail_on = SEV_HIGH;
}

static char *render(enum report_format fmt, bool color, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	CHECK_INT(report_write(&rep, f, fmt, color), 0);
	fclose(f);
	return buf;
}

static bool valid_utf8(const char *s, size_t n)
{
	char *tmp = malloc(n + 1);
	bool ok = tmp && jsonstr_decode(s, n, tmp, n + 1) >= 0;

	free(tmp);
	return ok;
}

static void test_text_escapes(void)
{
	for (int color = 0; color <= 1; color++) {
		size_t len = 0, line = 0, maxline = 0;
		char *s = render(FMT_TEXT, color, &len);
		const unsigned char *p = (const unsigned char *)s;

		CHECK(s != NULL);
		if (!s)
			continue;
		CHECK(valid_utf8(s, len));
		for (size_t i = 0; i < len; i++) {
			if (p[i] == '\n') {
				maxline = line > maxline ? line : maxline;
				line = 0;
				continue;
			}
			line++;
			/* our own colour codes are the only ESC, and only with colour */
			if (p[i] == 0x1b && color && p[i + 1] == '[' && strchr("0123", p[i + 2]))
				continue;
			CHECK(p[i] >= 0x20 && p[i] != 0x7f);
			CHECK(!(p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f));
		}
		CHECK(strstr(s, "evil\\x1b[2K\\x1b[1A\\x0dname\\xff\\xfe<script>\\u009b\\u202e\\x7f\\x08"));
		CHECK(strstr(s, "pkg\\x1b]0;pwned\\x07@1.0.0\\x0d"));
		CHECK(strstr(s, "npm install \\x1b[31mred"));
		/* 3000 bytes of path: its head and tail, not the middle */
		CHECK(strstr(s, "/head/aaa") && strstr(s, "aaa…aaa") && strstr(s, "aaa/tail.txt"));
		CHECK(maxline < 1200);
		free(s);
	}
}

/* Markdown: the text report's escapes, then Markdown's own: no control
 * byte, no raw HTML, no pipe that would break the table, no link. */
static void test_markdown_escapes(void)
{
	size_t len = 0;
	char *s = render(FMT_MARKDOWN, false, &len);
	const unsigned char *p = (const unsigned char *)s;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(valid_utf8(s, len));
	for (size_t i = 0; i < len; i++) {
		CHECK(p[i] == '\n' || (p[i] >= 0x20 && p[i] != 0x7f));
		CHECK(!(p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f));
	}
	if (verbose_md)
		fwrite(s, 1, len, stdout);
	CHECK(!strstr(s, "<script>"));
	CHECK(strstr(s, "&lt;script&gt;"));
	/* the text escape's backslash and "[" escaped again: no link text */
	CHECK(strstr(s, "evil\\\\x1b\\[2K"));
	CHECK(strstr(s, "| pkg\\\\x1b\\]0;pwned\\\\x07@1.0.0\\\\x0d | 0 | 1 | 0 | 0 | 0 | 0 |"));
	CHECK(strstr(s, "## :x: pkgtrace: 1 finding at or above high"));
	CHECK(strstr(s, "- **high** `write-outside-project` x wrote evil"));
	free(s);
}

/* The first evidence path of the report's first finding, as JSON holds it. */
static void check_json_path(const char *s, size_t len, bool sarif)
{
	struct json_object *j = json_tokener_parse(s), *x = NULL;
	char back[4096];
	ssize_t n;

	CHECK(valid_utf8(s, len));
	CHECK(j != NULL);
	if (sarif) {
		CHECK(json_object_object_get_ex(j, "runs", &x) &&
		      (x = json_object_array_get_idx(x, 0)) &&
		      json_object_object_get_ex(x, "results", &x) &&
		      (x = json_object_array_get_idx(x, 0)) &&
		      json_object_object_get_ex(x, "message", &x) &&
		      json_object_object_get_ex(x, "text", &x));
		n = x ? jsonstr_decode(json_object_get_string(x), (size_t)json_object_get_string_len(x),
				       back, sizeof(back)) : -1;
		CHECK(n == (ssize_t)strlen(summary) && !memcmp(back, summary, strlen(summary)));
		/* security-severity per result, from the finding's own severity */
		CHECK(json_object_object_get_ex(j, "runs", &x) &&
		      (x = json_object_array_get_idx(x, 0)) &&
		      json_object_object_get_ex(x, "results", &x) &&
		      (x = json_object_array_get_idx(x, 0)) &&
		      json_object_object_get_ex(x, "properties", &x) &&
		      json_object_object_get_ex(x, "security-severity", &x) &&
		      !strcmp(json_object_get_string(x), finding.sev == SEV_LOW ? "3.0" : "8.0"));
	} else {
		CHECK(json_object_object_get_ex(j, "findings", &x) &&
		      (x = json_object_array_get_idx(x, 0)) &&
		      json_object_object_get_ex(x, "evidence", &x) &&
		      (x = json_object_array_get_idx(x, 0)) &&
		      json_object_object_get_ex(x, "path", &x));
		n = x ? jsonstr_decode(json_object_get_string(x), (size_t)json_object_get_string_len(x),
				       back, sizeof(back)) : -1;
		CHECK(n == (ssize_t)strlen(path) && !memcmp(back, path, strlen(path)));
		/* whole in JSON: the 3000-byte path is not shortened */
		CHECK(strstr(s, long_path) != NULL);
	}
	json_object_put(j);
}

static void test_json_and_sarif_round_trip(void)
{
	size_t len = 0;
	char *s = render(FMT_JSON, false, &len);

	if (s)
		check_json_path(s, len, false);
	free(s);
	s = render(FMT_SARIF, false, &len);
	if (s)
		check_json_path(s, len, true);
	free(s);
	/* a low finding of a rule whose highest is high scores low */
	finding.sev = SEV_LOW;
	s = render(FMT_SARIF, false, &len);
	if (s)
		check_json_path(s, len, true);
	free(s);
	finding.sev = SEV_HIGH;
}

/* SARIF fingerprints hash keys without what differs between machines */
static void test_sarif_norm_key(void)
{
	struct report r = { .cwd = "/tmp/ci-123/work/proj", .home = "/tmp/ci-123/home", .tmpdir = "/tmp/ci-123/tmp" };
	char buf[512];

	sarif_norm_key(&r, "/tmp/ci-123/work/proj/node_modules/ethers", buf, sizeof(buf));
	CHECK_STR(buf, "{project}/node_modules/ethers");
	sarif_norm_key(&r, "/tmp/ci-123/home/.bashrc", buf, sizeof(buf));
	CHECK_STR(buf, "{home}/.bashrc");
	sarif_norm_key(&r, "/tmp/ci-123/tmp/tmp.Xy7a9Q/payload", buf, sizeof(buf));
	CHECK_STR(buf, "{tmp}/*/payload");
	sarif_norm_key(&r, "/var/tmp/npm-20261130-4711/x.node", buf, sizeof(buf));
	CHECK_STR(buf, "{tmp}/*/x.node");
	sarif_norm_key(&r, "/dev/shm/payload", buf, sizeof(buf));
	CHECK_STR(buf, "{tmp}/payload");
	sarif_norm_key(&r, "/proc/48213/environ", buf, sizeof(buf));
	CHECK_STR(buf, "/proc/#/environ");
	sarif_norm_key(&r, "docker-sock /run/docker.sock", buf, sizeof(buf));
	CHECK_STR(buf, "docker-sock /run/docker.sock");
	sarif_norm_key(&r, "process-memory-write pid 48213", buf, sizeof(buf));
	CHECK_STR(buf, "process-memory-write pid #");
	sarif_norm_key(&r, "127.0.0.1:9999/tcp", buf, sizeof(buf));
	CHECK_STR(buf, "127.0.0.1:9999/tcp"); /* a port tells endpoints apart */
	sarif_norm_key(&r, "", buf, sizeof(buf));
	CHECK_STR(buf, "");
	sarif_norm_key(&r, "/tmp/ci-123/work/proj/a/b/c", buf, 12);
	CHECK_STR(buf, "{project}/a");  /* cut to the buffer, terminated */
}

int main(void)
{
	verbose_md = getenv("UNIT_SHOW_MD") != NULL;
	build();
	TEST(test_text_escapes);
	TEST(test_json_and_sarif_round_trip);
	TEST(test_markdown_escapes);
	TEST(test_sarif_norm_key);
	UNIT_EXIT();
}
