/*
 * policy.h - the project's policy file (schemas/policy.schema.json):
 * allowed endpoints, suppressions and severity overrides, applied to a
 * finished report.  A suppressed finding stays in the report, marked with
 * its reason; it no longer counts for --fail-on or the verdict.  An
 * expired suppression does not apply and is itself a finding
 * (policy-expired); one that matched nothing is listed as unused.
 */
#ifndef PKGTRACE_POLICY_H
#define PKGTRACE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

/* Where run and replay look for a policy when --policy is not given: the
 * current directory (the project root, where the install runs). */
#define POLICY_DEFAULT_PATH ".pkgtrace.json"

struct policy;
struct report;

/* policy_load: reads and checks path.  NULL with one line in err (naming
 * the file and the problem: not JSON, unknown key, missing reason, bad
 * date, bad range, ...) when it is unreadable or malformed. */
struct policy *policy_load(const char *path, char *err, size_t errlen);
void policy_free(struct policy *p);

/* policy_find: the policy a command uses: path when given (NULL with the
 * problem in err when it cannot be loaded), else POLICY_DEFAULT_PATH when
 * that file exists and use_default, else NULL with err "".  */
struct policy *policy_find(const char *path, bool use_default, char *err, size_t errlen);

/* policy_apply: severity overrides, then allowed endpoints and
 * suppressions, then a policy-expired finding per expired suppression;
 * recomputes the severities the report ranks by and re-sorts it.  today
 * is "YYYY-MM-DD" (policy_today()).  Returns 0 or -ENOMEM. */
int policy_apply(const struct policy *p, struct report *r, const char *today);

/* policy_today: the UTC date as "YYYY-MM-DD" into buf (11 bytes). */
void policy_today(char buf[11]);

/* policy_range_valid: range (see policy_version_in) parses.  0 or -EINVAL. */
int policy_range_valid(const char *range);

/* policy_version_in: version satisfies range: "*", an exact version
 * ("1.2.3", "=1.2.3", "==1.2"), comparators ">=1.0 <2", ">1", "<=2.0",
 * "!=1.1", joined by spaces or commas (all must hold), npm "^1.2.3",
 * "~1.2.3", "1.x" and pip "~=1.4" ranges, and alternatives joined by
 * "||".  Missing parts count as 0; a pre-release (1.0.0-beta, 1.0rc1)
 * sorts before its release.  False for a bad range or a NULL version. */
bool policy_version_in(const char *range, const char *version);

/* policy_date_valid: s is a real calendar date written YYYY-MM-DD. */
bool policy_date_valid(const char *s);

/* policy_endpoint_allowed: the endpoint text of the report
 * ("1.2.3.4:80/tcp", "[::1]:53/udp") or a DNS name (name, or NULL) is
 * in allowed_endpoints.  Returns the entry that allows it, or NULL. */
const char *policy_endpoint_allowed(const struct policy *p, const char *endpoint, const char *name);

#endif
