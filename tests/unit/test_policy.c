// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_policy.c - the policy file (user/policy.c): version ranges (npm and
 * pip), dates, endpoints, the strict loader's one-line errors, and
 * policy_apply on a report: suppressions, allowed endpoints, severity
 * overrides, expiry and unused suppressions. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze_int.h"
#include "policy.h"
#include "unit.h"

static void test_npm_ranges(void)
{
	CHECK(policy_version_in("*", "3.1.4"));
	CHECK(policy_version_in("1.2.3", "1.2.3"));
	CHECK(!policy_version_in("1.2.3", "1.2.4"));
	CHECK(policy_version_in("=1.2.3", "v1.2.3"));
	CHECK(policy_version_in(">=1.0.0 <2.0.0", "1.9.9"));
	CHECK(!policy_version_in(">=1.0.0 <2.0.0", "2.0.0"));
	CHECK(!policy_version_in(">=1.0.0 <2.0.0", "0.9.0"));
	CHECK(policy_version_in(">= 1.0.0 < 2", "1.5.0"));  /* operators apart */
	CHECK(policy_version_in("^1.2.3", "1.9.0"));
	CHECK(!policy_version_in("^1.2.3", "1.2.2"));
	CHECK(!policy_version_in("^1.2.3", "2.0.0"));
	CHECK(!policy_version_in("^1.2.3", "2.0.0-rc.1"));
	CHECK(policy_version_in("^0.2.3", "0.2.9"));
	CHECK(!policy_version_in("^0.2.3", "0.3.0"));
	CHECK(policy_version_in("~1.2.3", "1.2.9"));
	CHECK(!policy_version_in("~1.2.3", "1.3.0"));
	CHECK(policy_version_in("~1", "1.9.0"));
	CHECK(policy_version_in("1.x", "1.4.2"));
	CHECK(!policy_version_in("1.x", "2.0.0"));
	CHECK(policy_version_in("1.2.*", "1.2.7"));
	CHECK(policy_version_in("<1.0.0 || >=3", "3.0.1"));
	CHECK(policy_version_in("<1.0.0 || >=3", "0.1.0"));
	CHECK(!policy_version_in("<1.0.0 || >=3", "2.0.0"));
	/* a pre-release sorts before its release */
	CHECK(policy_version_in("<1.0.0", "1.0.0-beta.1"));
	CHECK(!policy_version_in(">=1.0.0", "1.0.0-beta.1"));
	CHECK(policy_version_in("1.0.0", "1.0.0+build.5"));
	CHECK(!policy_version_in("1.0.0", NULL));
	CHECK(policy_version_in(NULL, NULL)); /* no range: any version */
}

static void test_pip_ranges(void)
{
	CHECK(policy_version_in("==2.31.0", "2.31.0"));
	CHECK(policy_version_in("==2.31", "2.31.0"));  /* missing parts count as 0 */
	CHECK(policy_version_in(">=1.0,<2", "1.4"));
	CHECK(!policy_version_in(">=1.0,<2", "2.0"));
	CHECK(policy_version_in(">=1.0, !=1.3", "1.4"));
	CHECK(!policy_version_in(">=1.0, !=1.3", "1.3"));
	CHECK(policy_version_in("~=1.4.5", "1.4.9"));
	CHECK(!policy_version_in("~=1.4.5", "1.5.0"));
	CHECK(policy_version_in("~=2.2", "2.9"));
	CHECK(!policy_version_in("~=2.2", "3.0"));
	CHECK(policy_version_in("<1.0", "1.0rc1"));
	CHECK(policy_version_in(">1.0", "1.0.post1"));
}

static void test_bad_ranges(void)
{
	static const char *const bad[] = { "", ">=", ">=1 <", "abc", "1.2.", "^x", "1 | 2", "=>1",
					   "~=1", ">1.x", "1.x.5", "1.0.0.0.1", "|| 1" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!policy_range_valid(bad[i]))
			printf("#   range '%s' taken\n", bad[i]);
		CHECK(policy_range_valid(bad[i]) == -22);
		CHECK(!policy_version_in(bad[i], "1.0.0"));
	}
	CHECK_INT(policy_range_valid(">=1.0.0 <2.0.0"), 0);
	CHECK_INT(policy_range_valid("*"), 0);
}

static void test_dates(void)
{
	CHECK(policy_date_valid("2026-12-31"));
	CHECK(policy_date_valid("2024-02-29"));
	CHECK(!policy_date_valid("2026-02-29"));
	CHECK(!policy_date_valid("1900-02-29"));
	CHECK(policy_date_valid("2000-02-29"));
	CHECK(!policy_date_valid("2026-13-01"));
	CHECK(!policy_date_valid("2026-1-01"));
	CHECK(!policy_date_valid("26-01-01xx"));
	CHECK(!policy_date_valid("2026-04-31"));
	CHECK(!policy_date_valid(NULL));
}

static char tmpdir[] = "/tmp/pkgtrace-unit-policy.XXXXXX";

/* load: writes text into a file and loads it; err gets the problem. */
static struct policy *load(const char *text, char *err, size_t errlen)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/p.json", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return policy_load(path, err, errlen);
}

static void check_bad(const char *text, const char *want)
{
	char err[512] = "", prefix[160];
	struct policy *p = load(text, err, sizeof(err));

	CHECK(!p);
	policy_free(p);
	snprintf(prefix, sizeof(prefix), "policy %s/p.json: ", tmpdir);
	CHECK(!strncmp(err, prefix, strlen(prefix)));
	CHECK(strstr(err, want) != NULL);
	CHECK(!strchr(err, '\n'));
	if (!strstr(err, want))
		printf("#   got '%s', wanted '%s'\n", err, want);
}

static void test_load_errors(void)
{
	check_bad("{", "not JSON");
	check_bad("{} x", "not JSON");
	check_bad("[]", "not a JSON object");
	check_bad("{\"suppresions\": []}", "unknown key \"suppresions\"");
	check_bad("{\"suppressions\": {}}", "\"suppressions\" is not an array");
	check_bad("{\"suppressions\": [{\"package\": \"a\", \"rule\": \"dns-query\"}]}",
		  "suppressions[0]: missing \"reason\"");
	check_bad("{\"suppressions\": [{\"package\": \"a\", \"rule\": \"dns-query\", \"reason\": \"\"}]}",
		  "\"reason\" is not a non-empty string");
	check_bad("{\"suppressions\": [{\"rule\": \"dns-query\", \"reason\": \"r\"}]}", "missing \"package\"");
	check_bad("{\"suppressions\": [{\"package\": \"a\", \"rule\": \"dns\", \"reason\": \"r\"}]}",
		  "rule \"dns\" is not a rule id");
	check_bad("{\"suppressions\": [{\"package\": \"a\", \"rule\": \"dns-query\", \"reason\": \"r\", "
		  "\"expires\": \"2026-02-30\"}]}", "expires \"2026-02-30\" is not a date");
	check_bad("{\"suppressions\": [{\"package\": \"a\", \"rule\": \"dns-query\", \"reason\": \"r\", "
		  "\"version\": \">=1 <\"}]}", "version \">=1 <\" is not a version range");
	check_bad("{\"suppressions\": [{\"package\": \"a\", \"rule\": \"dns-query\", \"reason\": \"r\", "
		  "\"ecosystem\": \"cargo\"}]}", "ecosystem \"cargo\" is not npm or pip");
	check_bad("{\"suppressions\": [{\"package\": \"a\", \"rule\": \"dns-query\", \"reason\": \"r\", "
		  "\"why\": 1}]}", "suppressions[0]: unknown key \"why\"");
	check_bad("{\"severity_overrides\": [{\"rule\": \"dns-query\", \"severity\": \"never\"}]}",
		  "severity \"never\" is not info");
	check_bad("{\"severity_overrides\": [{\"rule\": \"dns-query\"}]}", "missing \"severity\"");
	check_bad("{\"allowed_endpoints\": [\"10.0.0.0/33\"]}", "allowed_endpoints[0]: \"10.0.0.0/33\"");
	check_bad("{\"allowed_endpoints\": [\"host:99999\"]}", "allowed_endpoints[0]");
	check_bad("{\"allowed_endpoints\": [\"bad host\"]}", "allowed_endpoints[0]");
	check_bad("{\"allowed_endpoints\": [\"10.0.0.0/8:443\"]}", "allowed_endpoints[0]");
	check_bad("{\"allowed_endpoints\": [3]}", "allowed_endpoints[0] is not a string");
}

static void test_endpoints(void)
{
	char err[512] = "";
	struct policy *p = load("{\"$schema\": \"x\", \"allowed_endpoints\": [\"127.0.0.0/8\", \"10.1.2.3:443\", "
				"\"[::1]:8080\", \"fd00::/8\", \"registry.example.com\", \"*.corp.example\"]}",
				err, sizeof(err));

	CHECK(p != NULL);
	if (!p) {
		printf("#   %s\n", err);
		return;
	}
	CHECK_STR(policy_endpoint_allowed(p, "127.0.0.1:9999/tcp", NULL), "127.0.0.0/8");
	CHECK_STR(policy_endpoint_allowed(p, "127.255.1.1:1/udp", NULL), "127.0.0.0/8");
	CHECK(!policy_endpoint_allowed(p, "128.0.0.1:80/tcp", NULL));
	CHECK_STR(policy_endpoint_allowed(p, "10.1.2.3:443/tcp", NULL), "10.1.2.3:443");
	CHECK(!policy_endpoint_allowed(p, "10.1.2.3:80/tcp", NULL));
	CHECK_STR(policy_endpoint_allowed(p, "[::1]:8080/tcp", NULL), "[::1]:8080");
	CHECK(!policy_endpoint_allowed(p, "[::1]:8081/tcp", NULL));
	CHECK_STR(policy_endpoint_allowed(p, "[fd12::5]:53/udp", NULL), "fd00::/8");
	CHECK_STR(policy_endpoint_allowed(p, NULL, "Registry.Example.com."), "registry.example.com");
	CHECK(!policy_endpoint_allowed(p, NULL, "evil-registry.example.com"));
	CHECK_STR(policy_endpoint_allowed(p, NULL, "a.b.corp.example"), "*.corp.example");
	CHECK(!policy_endpoint_allowed(p, NULL, "corp.example"));
	CHECK(!policy_endpoint_allowed(p, "8.8.8.8:53/udp", "evil.example"));
	policy_free(p);
}

/* A report of two packages: evil@1.2.0 (network-egress to 127.0.0.1,
 * dns-query of x.evil.example, credential-access of ~/.npmrc) and
 * good@2.0.0 (install-script). */
static struct owner evil = { .kind = OWN_PACKAGE, .eco = "npm", .name = "evil", .version = "1.2.0", .key = "e" };
static struct owner good = { .kind = OWN_PACKAGE, .eco = "npm", .name = "good", .version = "2.0.0", .key = "g" };
static struct owner *owners[] = { &evil, &good };

static void build(struct report *r)
{
	struct finding *f = calloc(4, sizeof(*f));

	memset(r, 0, sizeof(*r));
	owners[0] = &evil; /* policy_apply re-sorted them */
	owners[1] = &good;
	r->owners = owners;
	r->nowners = 2;
	r->findings = f;
	r->nfindings = 4;
	r->fail_on = SEV_HIGH;
	f[0] = (struct finding){ .rule = R_NETWORK_EGRESS, .sev = SEV_HIGH, .owner = 0, .key = "n",
				 .summary = "evil connected to 127.0.0.1:9999/tcp", .nev = 1, .count = 1 };
	f[0].ev[0] = (struct evidence){ .event = "connect", .endpoint = "127.0.0.1:9999/tcp" };
	f[1] = (struct finding){ .rule = R_DNS_QUERY, .sev = SEV_HIGH, .owner = 0, .key = "d",
				 .summary = "evil looked up x.evil.example", .nev = 1, .count = 1 };
	f[1].ev[0] = (struct evidence){ .event = "sendto", .endpoint = "10.9.9.9:53/udp", .dns = "x.evil.example" };
	f[2] = (struct finding){ .rule = R_CREDENTIAL_ACCESS, .sev = SEV_HIGH, .owner = 0, .key = "c",
				 .summary = "evil read /home/u/.npmrc", .nev = 1, .count = 1 };
	f[2].ev[0] = (struct evidence){ .event = "open", .path = "/home/u/.npmrc" };
	f[3] = (struct finding){ .rule = R_INSTALL_SCRIPT, .sev = SEV_INFO, .owner = 1, .key = "i",
				 .summary = "good ran its install script", .nev = 0, .count = 1 };
}

/* unbuild: what build() and policy_apply allocated (the strings of
 * build's findings are static; those policy_apply added are not). */
static void unbuild(struct report *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].suppressed);
		if (r->findings[i].rule == R_POLICY_EXPIRED) {
			free(r->findings[i].key);
			free(r->findings[i].summary);
		}
	}
	free(r->findings);
	free(r->policy_path);
	for (size_t i = 0; i < r->npolicy_unused; i++) {
		free(r->policy_unused[i].package);
		free(r->policy_unused[i].reason);
	}
	free(r->policy_unused);
}

static const struct finding *find(const struct report *r, int rule)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].rule == rule)
			return &r->findings[i];
	return NULL;
}

static void test_apply(void)
{
	char err[512] = "", line[512];
	struct report r;
	const struct finding *f;
	struct policy *p = load(
		"{\"allowed_endpoints\": [\"127.0.0.0/8\", \"*.evil.example\"],"
		" \"suppressions\": ["
		"  {\"ecosystem\": \"npm\", \"package\": \"evil\", \"version\": \">=1.0.0 <2\", \"rule\": \"credential-access\","
		"   \"match\": \"*/.npmrc\", \"reason\": \"reads its own registry token\", \"expires\": \"2999-01-01\"},"
		"  {\"package\": \"evil\", \"version\": \"^3\", \"rule\": \"credential-access\", \"reason\": \"other version\"},"
		"  {\"package\": \"good\", \"rule\": \"install-script\", \"reason\": \"was fine\", \"expires\": \"2020-01-01\"}],"
		" \"severity_overrides\": [{\"rule\": \"install-script\", \"severity\": \"medium\", \"package\": \"good\"}]}",
		err, sizeof(err));

	CHECK(p != NULL);
	if (!p) {
		printf("#   %s\n", err);
		return;
	}
	build(&r);
	CHECK_INT(policy_apply(p, &r, "2026-11-30"), 0);
	CHECK_INT(r.nfindings, 5);
	CHECK_INT(r.nsuppressed, 3);
	f = find(&r, R_NETWORK_EGRESS);
	CHECK(f && f->suppressed && strstr(f->suppressed, "allowed endpoint 127.0.0.0/8"));
	f = find(&r, R_DNS_QUERY);
	CHECK(f && f->suppressed && strstr(f->suppressed, "*.evil.example"));
	f = find(&r, R_CREDENTIAL_ACCESS);
	CHECK(f && f->suppressed && !strcmp(f->suppressed, "reads its own registry token"));
	/* the override applies; the expired suppression does not */
	f = find(&r, R_INSTALL_SCRIPT);
	CHECK(f && !f->suppressed && f->sev == SEV_MEDIUM);
	f = find(&r, R_POLICY_EXPIRED);
	CHECK(f && f->sev == SEV_LOW && f->owner >= 0 && r.owners[f->owner] == &good && !f->suppressed);
	CHECK(f && strstr(f->summary, "expired on 2020-01-01"));
	/* the one for version ^3 matched nothing */
	CHECK_INT(r.npolicy_unused, 1);
	CHECK(r.npolicy_unused == 1 && r.policy_unused[0].index == 1 &&
	      !strcmp(r.policy_unused[0].package, "evil"));
	/* what still counts ranks the report: good (medium) before evil */
	CHECK_INT(r.max_sev, SEV_MEDIUM);
	CHECK(r.owners[0] == &good && good.max_sev == SEV_MEDIUM && evil.max_sev == -1);
	CHECK(!r.findings[0].suppressed && r.findings[r.nfindings - 1].suppressed);
	CHECK_INT(report_fail_line(&r, SEV_HIGH, line, sizeof(line)), 0);
	CHECK_INT(report_fail_line(&r, SEV_LOW, line, sizeof(line)), 2);
	CHECK_STR(line, "2 findings at or above low (1 medium, 1 low): install-script good@2.0.0, "
		  "policy-expired good@2.0.0");
	unbuild(&r);
	/* once the suppression's date has passed it no longer applies */
	build(&r);
	CHECK_INT(policy_apply(p, &r, "2999-01-02"), 0);
	f = find(&r, R_CREDENTIAL_ACCESS);
	CHECK(f && !f->suppressed);
	CHECK_INT(r.max_sev, SEV_HIGH);
	CHECK_INT(report_fail_line(&r, SEV_HIGH, line, sizeof(line)), 1);
	CHECK_STR(line, "1 finding at or above high (1 high): credential-access evil@1.2.0");
	unbuild(&r);
	policy_free(p);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	TEST(test_npm_ranges);
	TEST(test_pip_ranges);
	TEST(test_bad_ranges);
	TEST(test_dates);
	TEST(test_load_errors);
	TEST(test_endpoints);
	TEST(test_apply);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/p.json", tmpdir);
		unlink(path);
		rmdir(tmpdir);
	}
	UNIT_EXIT();
}
