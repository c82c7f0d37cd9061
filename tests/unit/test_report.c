// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_report.c - the report writers (user/report/) on hostile strings:
 * the text holds no control character and shortens long values; JSON and
 * SARIF are valid UTF-8 and give back every byte; the HTML page holds no
 * markup, control character or raw byte from the install, and draws the
 * fields other writers add (enforcement, action, suppressed); the process
 * tree is summarised past its cap with the flagged packages' images kept. */
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

/* html_of: the HTML page of root, NUL-terminated. */
static char *html_of(struct json_object *root, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	CHECK_INT(report_html_json(root, f), 0);
	fclose(f);
	return buf;
}

static void test_html_escapes(void)
{
	struct json_object *root = report_json(&rep);
	size_t len = 0;
	char *s = root ? html_of(root, &len) : NULL;

	CHECK(s != NULL);
	if (s) {
		CHECK(strstr(s, "Content-Security-Policy\" content=\"default-src 'none'; script-src 'none';") != NULL);
		CHECK(strstr(s, "<script") == NULL);
		CHECK(strstr(s, "&lt;script&gt;") != NULL);
		/* no control character but newlines, no byte that is not UTF-8,
		 * no bidi override from the install */
		for (size_t i = 0; i < len; i++)
			CHECK((unsigned char)s[i] >= 0x20 || s[i] == '\n');
		CHECK(valid_utf8(s, len));
		CHECK(strstr(s, "\xe2\x80\xae") == NULL);
		CHECK(strstr(s, "<span class=\"esc\">\\xff</span><span class=\"esc\">\\xfe</span>") != NULL);
		CHECK(strstr(s, "<span class=\"esc\">\\u202e</span>") != NULL);
		CHECK(strstr(s, "<span class=\"esc\">\\x1b</span>]0;pwned") != NULL);
		/* the title is an attribute-like context: escapes without markup */
		CHECK(strstr(s, "<title>pkgtrace: high — npm install \\x1b[31mred</title>") != NULL);
		CHECK(strstr(s, "</html>\n") != NULL);
	}
	free(s);
	json_object_put(root);
}

/* The enforcement object, a finding's action and a suppressed finding
 * (issues 15 and 16), as their writers add them to the JSON tree. */
static void test_html_enforcement(void)
{
	struct json_object *root = report_json(&rep), *f, *en, *supp;
	size_t len = 0;
	char *s = NULL;

	CHECK(root != NULL);
	if (!root)
		return;
	en = json_tokener_parse("{\"mode\": \"enforce\", \"cgroup\": \"/pkgtrace-1\","
				" \"network\": {\"allowed\": [\"registry.npmjs.org:443\"], \"resolvers\": [],"
				" \"dns_names\": []}, \"seccomp\": {\"refused\": [\"io_uring_setup\", \"bpf\"]},"
				" \"user\": {\"uid\": 1000, \"gid\": 1000, \"name\": \"alice\"},"
				" \"shield\": {\"hidden\": [\"~/.ssh\"]}, \"not_enforced\": [\"<i>ipv6</i>\"],"
				" \"counts\": {\"blocked\": 2, \"killed\": 1, \"refused\": 3}}");
	json_object_object_add(root, "enforcement", en);
	f = json_object_array_get_idx(json_object_object_get(root, "findings"), 0);
	json_object_object_add(f, "action", json_object_new_string("blocked"));
	supp = json_tokener_parse("{\"reason\": \"<b>known</b> build step\"}");
	json_object_object_add(f, "suppressed", supp);
	s = html_of(root, &len);
	CHECK(s != NULL);
	if (s) {
		CHECK(strstr(s, "<b>2</b><span>blocked</span>") != NULL);
		CHECK(strstr(s, "<b>1</b><span>killed</span>") != NULL);
		CHECK(strstr(s, "<b>3</b><span>refused</span>") != NULL);
		CHECK(strstr(s, "Enforcement: <code>enforce</code> · cgroup <code>/pkgtrace-1</code>") != NULL);
		CHECK(strstr(s, "as user 1000 <code>alice</code>") != NULL);
		CHECK(strstr(s, "refuses <code>io_uring_setup</code> <code>bpf</code>") != NULL);
		CHECK(strstr(s, "hides <code>~/.ssh</code>") != NULL);
		CHECK(strstr(s, "not enforced:</span> <code>&lt;i&gt;ipv6&lt;/i&gt;</code>") != NULL);
		CHECK(strstr(s, "<span class=\"act\">blocked</span>") != NULL);
		CHECK(strstr(s, "suppressed: &lt;b&gt;known&lt;/b&gt; build step") != NULL);
		CHECK(strstr(s, "<code>registry.npmjs.org:443</code>") != NULL);
	}
	free(s);
	json_object_put(root);
}

/* 1,000 execs: a benign chain of 990 and, near its end, the 10 images of a
 * flagged package under it: the JSON lists 400, all 10 of the flagged
 * package among them with their nearest ancestors and the chain's root,
 * parents before children. */
static void test_tree_cap(void)
{
	static struct owner benign;
	struct owner *own2[] = { &owner, &benign };
	struct pnode *nodes = calloc(1000, sizeof(*nodes));
	struct json_object *root, *pt, *arr;
	size_t flagged = 0, gaps = 0;
	struct report r2 = rep;

	CHECK(nodes != NULL);
	if (!nodes)
		return;
	benign.kind = OWN_PACKAGE;
	benign.name = "benign";
	benign.max_sev = -1;
	benign.approved = -1;
	for (int i = 0; i < 1000; i++) {
		bool bad = i >= 900 && i < 910;

		/* the benign ones a chain, the flagged ones children of node 899 */
		nodes[i] = (struct pnode){ .pid = 100 + (uint32_t)i, .parent = bad ? 899 : i - 1,
					   .owner = bad ? 0 : 1, .start_ns = 1000 + (uint64_t)i };
	}
	nodes[910].parent = 899;
	r2.owners = own2;
	r2.nowners = 2;
	r2.pnodes = nodes;
	r2.npnodes = 1000;
	r2.pnodes_total = 1234;
	root = report_json(&r2);
	pt = root ? json_object_object_get(root, "process_tree") : NULL;
	arr = json_object_object_get(pt, "nodes");
	CHECK(arr != NULL);
	if (arr) {
		CHECK_INT(json_object_get_int64(json_object_object_get(pt, "execs")), 1234);
		CHECK_INT(json_object_get_int64(json_object_object_get(pt, "recorded")), 1000);
		CHECK_INT(json_object_get_int64(json_object_object_get(pt, "shown")), 400);
		CHECK_INT(json_object_array_length(arr), 400);
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *n = json_object_array_get_idx(arr, i);
			struct json_object *par = json_object_object_get(n, "parent");

			flagged += json_object_get_int(json_object_object_get(n, "package")) == 0 &&
				   json_object_object_get(n, "package");
			gaps += (size_t)json_object_get_int64(json_object_object_get(n, "ancestors_hidden"));
			if (i)
				CHECK(par && json_object_get_int64(par) < (int64_t)i);
			else
				CHECK(par == NULL);
		}
		CHECK_INT(flagged, 10);
		/* node 900 hangs under the root of its branch, 0, through its 6
		 * nearest ancestors (899..894); the benign fill takes 1..383 of the
		 * chain, so 384..893 are left out */
		CHECK_INT(gaps, 510);
	}
	/* the page draws it: 400 nodes and the note of what is not drawn */
	if (root) {
		size_t len = 0;
		char *s = html_of(root, &len);

		CHECK(s && strstr(s, "834 execs are not drawn") != NULL);
		CHECK(s && strstr(s, "510 processes between not shown") != NULL);
		free(s);
	}
	json_object_put(root);
	free(nodes);
}

/* count_of: occurrences of needle in s. */
static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* 120 flagged packages: an index of them, the critical one first there and
 * among the cards; 100 cards (the first 20 open), the other 20 one line
 * each. */
#define NFLAG 120
static void test_html_index(void)
{
	static struct owner o[NFLAG];
	static struct finding f[NFLAG];
	static char names[NFLAG][16];
	static struct owner *ow[NFLAG];
	struct report r5 = rep;
	struct json_object *root;
	size_t len = 0;
	char *s = NULL;

	for (int i = 0; i < NFLAG; i++) {
		snprintf(names[i], sizeof(names[i]), "pkg-%03d", i);
		o[i] = (struct owner){ .kind = OWN_PACKAGE, .eco = "npm", .name = names[i], .version = "1.0.0",
				       .approved = -1, .max_sev = i == 3 ? SEV_CRITICAL : SEV_MEDIUM };
		f[i] = (struct finding){ .rule = R_NETWORK_EGRESS, .sev = o[i].max_sev, .owner = i,
					 .key = key, .summary = summary, .count = 1 };
		ow[i] = &o[i];
	}
	r5.owners = ow;
	r5.nowners = NFLAG;
	r5.findings = f;
	r5.nfindings = NFLAG;
	r5.max_sev = SEV_CRITICAL;
	root = report_json(&r5);
	s = root ? html_of(root, &len) : NULL;
	CHECK(s != NULL);
	if (s) {
		const char *index = strstr(s, "<p class=\"index\">"), *card_d = strstr(s, "id=\"pkg-3\"");
		const char *card_a = strstr(s, "id=\"pkg-0\"");

		CHECK(index != NULL);
		/* the critical one first, in the index and in the cards */
		CHECK(index && strstr(index, "<a href=\"#pkg-3\">") ==
			       strstr(index, "<a href=\"#pkg-"));
		CHECK(card_d && card_a && card_d < card_a && index < card_d);
		CHECK(strstr(s, "Critical — 120 packages flagged") != NULL);
		CHECK_INT(count_of(s, "<details class=\"card b-"), 100);
		CHECK_INT(count_of(s, "<details class=\"card b-medium\" open"), 19);
		CHECK(strstr(s, "20 more flagged packages") != NULL);
		CHECK(strstr(s, "</td><td>pkg-119<span class=\"ver\">@1.0.0</span></td><td>1</td><td>network-egress: x wrote") != NULL);
	}
	free(s);
	json_object_put(root);
}

int main(void)
{
	verbose_md = getenv("UNIT_SHOW_MD") != NULL;
	build();
	TEST(test_text_escapes);
	TEST(test_json_and_sarif_round_trip);
	TEST(test_markdown_escapes);
	TEST(test_sarif_norm_key);
	TEST(test_html_escapes);
	TEST(test_html_enforcement);
	TEST(test_tree_cap);
	TEST(test_html_index);
	UNIT_EXIT();
}
