// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * policy.c - the policy file (policy.h, schemas/policy.schema.json): load
 * and check it strictly (a typo in a suppression must not silently
 * suppress nothing, or everything), then apply it to a finished report.
 */
#define _GNU_SOURCE /* asprintf */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "analyze_int.h"
#include "policy.h"

#define POLICY_MAX_BYTES (1 << 20)
#define VER_PARTS 4

/* One allowed_endpoints entry: a host name (exact, or "*.domain" for its
 * subdomains), or an address with an optional prefix length, each with
 * an optional port. */
struct allow_ep {
	char *text;          /* as written, for the reason */
	char *host;          /* lower case, or NULL for an address */
	int family;          /* AF_INET or AF_INET6 for an address */
	unsigned char addr[16];
	int prefix;          /* bits compared */
	int port;            /* -1: any */
};

/* One suppressions entry, or one severity_overrides entry (sev set). */
struct pol_rule {
	char *eco;           /* NULL: any */
	char *package;       /* NULL: any; a glob such as "@scope/x*" */
	char *version;       /* a range (policy_version_in), NULL: any */
	int rule;
	char *match;         /* substring, or a glob when it has * ? [ */
	char *reason;
	char *expires;       /* YYYY-MM-DD, NULL: never */
	int sev;             /* severity_overrides: the new severity */
};

struct policy {
	char *path;
	struct allow_ep *eps;
	size_t neps;
	struct pol_rule *sups;
	size_t nsups;
	struct pol_rule *sevs;
	size_t nsevs;
};

/* ---- versions and ranges ------------------------------------------------ */

struct ver {
	long part[VER_PARTS];
	int nparts;          /* parts written; "1.x" has 1 and wild set */
	bool wild;
	int tail;            /* -1 pre-release, 0 release, 1 post-release */
};

/* ver_parse: "1.2.3", "v1.2", "1.0.0-beta.1", "1.0rc1", "1.0.post2",
 * "1.x", "1.2.*".  Returns 0 or -EINVAL. */
static int ver_parse(const char *s, struct ver *v)
{
	memset(v, 0, sizeof(*v));
	if (*s == 'v' || *s == 'V')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (*s) {
		if ((*s == 'x' || *s == 'X' || *s == '*') && v->nparts > 0 && s[-1] == '.') {
			v->wild = true;
			s++;
			break;
		}
		if (!isdigit((unsigned char)*s))
			break;
		if (v->nparts == VER_PARTS)
			return -EINVAL;
		errno = 0;
		v->part[v->nparts++] = strtol(s, (char **)&s, 10);
		if (errno)
			return -EINVAL;
		if (*s != '.')
			break;
		s++;
		if (!*s)
			return -EINVAL; /* "1." */
	}
	if (!*s)
		return 0;
	if (v->wild)
		return -EINVAL; /* "1.x.5" */
	if (*s == '+')
		return 0; /* build metadata: no order (semver) */
	if (!strncasecmp(s, ".post", 5) || !strncasecmp(s, "post", 4) || !strncasecmp(s, "-post", 5))
		v->tail = 1;
	else
		v->tail = -1; /* -beta, rc1, a1, .dev0 */
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-_+", *s))
			return -EINVAL;
	return 0;
}

static int ver_cmp(const struct ver *a, const struct ver *b)
{
	for (int i = 0; i < VER_PARTS; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return a->tail - b->tail;
}

/* ver_prefix_eq: the first n parts of a and b are equal ("1.x"). */
static bool ver_prefix_eq(const struct ver *a, const struct ver *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a->part[i] != b->part[i])
			return false;
	return true;
}

/* ver_bump: b's part i plus one, the rest 0: the exclusive upper bound of
 * "^", "~" and "~=". */
static struct ver ver_bump(const struct ver *b, int i)
{
	struct ver u = { .nparts = i + 1 };

	for (int k = 0; k < i; k++)
		u.part[k] = b->part[k];
	u.part[i] = b->part[i] + 1;
	u.tail = -1; /* below every release of the bound: 2.0.0-rc is out */
	return u;
}

/* comparator_ok: one comparator (op and version) holds for v.  1 yes,
 * 0 no, -EINVAL when it does not parse. */
static int comparator_ok(const char *tok, const struct ver *v)
{
	static const char *const ops[] = { "===", "==", ">=", "<=", "!=", "~=", "=", ">", "<", "^", "~", "" };
	struct ver b, u;
	const char *op = "";
	int c, bump;

	if (!strcmp(tok, "*") || !strcasecmp(tok, "x"))
		return 1;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(tok, ops[i], strlen(ops[i]))) {
			op = ops[i];
			break;
		}
	if (ver_parse(tok + strlen(op), &b))
		return -EINVAL;
	if ((b.wild && *op && strcmp(op, "=") && strcmp(op, "==")) || (!strcmp(op, "~=") && b.nparts < 2))
		return -EINVAL;
	if (!v)
		return 1; /* checking the syntax only */
	c = ver_cmp(v, &b);
	if (!*op || !strcmp(op, "=") || !strcmp(op, "==") || !strcmp(op, "==="))
		return b.wild ? ver_prefix_eq(v, &b, b.nparts) : c == 0;
	if (!strcmp(op, ">="))
		return c >= 0;
	if (!strcmp(op, "<="))
		return c <= 0;
	if (!strcmp(op, ">"))
		return c > 0;
	if (!strcmp(op, "<"))
		return c < 0;
	if (!strcmp(op, "!="))
		return c != 0;
	if (!strcmp(op, "^")) {
		/* the left-most non-zero part stays (npm: ^0.2.3 is <0.3.0) */
		for (bump = 0; bump < b.nparts - 1 && b.part[bump] == 0; bump++)
			;
	} else if (!strcmp(op, "~")) {
		bump = b.nparts > 1 ? 1 : 0;  /* ~1.2.3 <1.3.0, ~1 <2.0.0 */
	} else { /* "~=": pip's compatible release, of two parts at least */
		bump = b.nparts - 2;          /* ~=1.4.5 <1.5, ~=2.2 <3 */
	}
	u = ver_bump(&b, bump);
	return c >= 0 && ver_cmp(v, &u) < 0;
}

/* range_eval: v satisfies range (v NULL: syntax only).  1, 0 or -EINVAL. */
static int range_eval(const char *range, const struct ver *v)
{
	char *copy = strdup(range), *alt, *next;
	int any = 0, ret = -EINVAL;

	if (!copy)
		return -ENOMEM;
	/* "||" alternatives, each cut at its "||"; a lone '|' is an error */
	for (alt = copy; alt; alt = next) {
		char *tok, *save = NULL;
		int all = 1, n = 0;

		next = strchr(alt, '|');
		if (next) {
			if (next[1] != '|')
				goto cleanup;
			*next = '\0';
			next += 2;
		}
		for (tok = strtok_r(alt, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
			char joined[128];
			int r;

			/* ">= 1.0": an operator written apart from its version */
			if (strspn(tok, "<>=!~^") == strlen(tok)) {
				char *ver = strtok_r(NULL, " ,\t", &save);

				if (!ver || snprintf(joined, sizeof(joined), "%s%s", tok, ver) >= (int)sizeof(joined))
					goto cleanup;
				tok = joined;
			}
			r = comparator_ok(tok, v);
			if (r < 0)
				goto cleanup;
			all &= r;
			n++;
		}
		if (!n)
			goto cleanup; /* an empty alternative */
		any |= all;
	}
	ret = any;
cleanup:
	free(copy);
	return ret;
}

int policy_range_valid(const char *range)
{
	return range && *range && range_eval(range, NULL) >= 0 ? 0 : -EINVAL;
}

bool policy_version_in(const char *range, const char *version)
{
	struct ver v;

	if (!range)
		return true;
	if (!version || ver_parse(version, &v))
		return false;
	return range_eval(range, &v) == 1;
}

/* ---- dates --------------------------------------------------------------- */

bool policy_date_valid(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || m < 1 || m > 12 || d < 1)
		return false;
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return d <= 29;
	return d <= mdays[m - 1];
}

void policy_today(char buf[11])
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, 11, "%Y-%m-%d", &tm))
		snprintf(buf, 11, "9999-12-31"); /* unknown: every expiry passed */
}

/* ---- endpoints ------------------------------------------------------------ */

/* addr_parse: "a.b.c.d", "v6", with an optional "/bits".  0 or -EINVAL. */
static int addr_parse(const char *s, struct allow_ep *e)
{
	char buf[64], *slash, *end;
	long bits;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, e->addr) == 1)
		e->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, e->addr) == 1)
		e->family = AF_INET6;
	else
		return -EINVAL;
	e->prefix = e->family == AF_INET ? 32 : 128;
	if (slash) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || bits < 0 || bits > e->prefix)
			return -EINVAL;
		e->prefix = (int)bits;
	}
	return 0;
}

static int port_parse(const char *s)
{
	char *end;
	long p;

	errno = 0;
	p = strtol(s, &end, 10);
	return errno || end == s || *end || p < 1 || p > 65535 ? -EINVAL : (int)p;
}

static bool host_valid(const char *h)
{
	if (!strncmp(h, "*.", 2))
		h += 2;
	if (!*h || strlen(h) > 253)
		return false;
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && *h != '-' && *h != '.' && *h != '_')
			return false;
	return true;
}

/* ep_parse: one allowed_endpoints string: "host", "*.domain", "host:port",
 * an address with an optional prefix ("10.0.0.0/8", "fd00::/8"), or with
 * a port instead ("10.0.0.1:443", "[::1]:8080"); also an endpoint of the
 * report without its "/proto".  0, -EINVAL or -ENOMEM. */
static int ep_parse(const char *s, struct allow_ep *e)
{
	char buf[300], *colon;
	int port = -1;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf) || !*buf)
		return -EINVAL;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		if (close[1] == ':' && (port = port_parse(close + 2)) < 0)
			return -EINVAL;
		*close = '\0';
		if (addr_parse(buf + 1, e) || e->family != AF_INET6)
			return -EINVAL;
		e->port = port;
		return 0;
	}
	colon = strchr(buf, ':');
	if (colon && !strchr(colon + 1, ':')) { /* one colon: host:port or v4:port */
		if ((port = port_parse(colon + 1)) < 0)
			return -EINVAL;
		*colon = '\0';
	}
	e->port = port;
	if (!addr_parse(buf, e))
		return port >= 0 && strchr(buf, '/') ? -EINVAL : 0;
	if (strchr(buf, '/') || strchr(buf, ':') || !host_valid(buf))
		return -EINVAL;
	e->host = strdup(buf);
	if (!e->host)
		return -ENOMEM;
	for (char *p = e->host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static bool prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole))
		return false;
	return !rest || ((a[whole] ^ b[whole]) & (0xff << (8 - rest))) == 0;
}

static bool host_matches(const char *pattern, const char *name)
{
	size_t nl = strlen(name), pl;

	if (nl && name[nl - 1] == '.')
		nl--; /* the root's dot */
	if (!strncmp(pattern, "*.", 2)) {
		pl = strlen(pattern + 1); /* ".domain" */
		return nl > pl && !strncasecmp(name + nl - pl, pattern + 1, pl);
	}
	return strlen(pattern) == nl && !strncasecmp(pattern, name, nl);
}

const char *policy_endpoint_allowed(const struct policy *p, const char *endpoint, const char *name)
{
	struct allow_ep ev = { 0 };
	char buf[128], *slash;
	bool have_ep = false;

	if (!p)
		return NULL;
	if (endpoint && snprintf(buf, sizeof(buf), "%s", endpoint) < (int)sizeof(buf)) {
		if ((slash = strrchr(buf, '/')) && !strchr(slash, ']') && !strchr(slash, ':'))
			*slash = '\0'; /* "/tcp" */
		have_ep = !ep_parse(buf, &ev) && !ev.host;
		free(ev.host);
	}
	for (size_t i = 0; i < p->neps; i++) {
		const struct allow_ep *e = &p->eps[i];

		if (e->host) {
			if (name && *name && host_matches(e->host, name))
				return e->text;
			continue;
		}
		if (have_ep && e->family == ev.family && prefix_eq(e->addr, ev.addr, e->prefix) &&
		    (e->port < 0 || e->port == ev.port))
			return e->text;
	}
	return NULL;
}

/* ---- loading --------------------------------------------------------------- */

static __attribute__((format(printf, 3, 4))) struct policy *load_fail(char *err, size_t errlen,
								      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return NULL;
}

static int rule_parse(const char *s)
{
	for (int i = 0; s && i < R_NRULES; i++)
		if (!strcmp(s, rule_info[i].id))
			return i;
	return -1;
}

/* str_member: o[key] as a string: 0 with *out (NULL when absent and not
 * required), or -EINVAL with the problem in why. */
static int str_member(struct json_object *o, const char *key, bool required, const char **out,
		      char *why, size_t whylen)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (!required)
			return 0;
		snprintf(why, whylen, "missing \"%s\"", key);
		return -EINVAL;
	}
	if (!json_object_is_type(v, json_type_string) || !json_object_get_string_len(v)) {
		snprintf(why, whylen, "\"%s\" is not a non-empty string", key);
		return -EINVAL;
	}
	*out = json_object_get_string(v);
	return 0;
}

static bool key_known(const char *k, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(k, *keys))
			return true;
	return false;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = true;
	return d;
}

/* rule_entry_parse: one suppressions (override false) or
 * severity_overrides (override true) entry into pr.  0 or -EINVAL with
 * the problem in why. */
static int rule_entry_parse(struct json_object *o, bool override, struct pol_rule *pr,
			    char *why, size_t whylen)
{
	static const char *const sup_keys[] = { "ecosystem", "package", "version", "rule", "match",
						"reason", "expires", NULL };
	static const char *const sev_keys[] = { "ecosystem", "package", "version", "rule", "severity",
						"reason", NULL };
	const char *eco, *pkg, *ver, *rule, *match = NULL, *reason, *expires = NULL, *sev = NULL;
	bool oom = false;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(why, whylen, "not an object");
		return -EINVAL;
	}
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (!key_known(k, override ? sev_keys : sup_keys)) {
			snprintf(why, whylen, "unknown key \"%.64s\"", k);
			return -EINVAL;
		}
	}
	if (str_member(o, "ecosystem", false, &eco, why, whylen) ||
	    str_member(o, "package", !override, &pkg, why, whylen) ||
	    str_member(o, "version", false, &ver, why, whylen) ||
	    str_member(o, "rule", true, &rule, why, whylen) ||
	    str_member(o, "reason", !override, &reason, why, whylen) ||
	    (!override && str_member(o, "match", false, &match, why, whylen)) ||
	    (!override && str_member(o, "expires", false, &expires, why, whylen)) ||
	    (override && str_member(o, "severity", true, &sev, why, whylen)))
		return -EINVAL;
	if (eco && strcmp(eco, "npm") && strcmp(eco, "pip")) {
		snprintf(why, whylen, "ecosystem \"%.64s\" is not npm or pip", eco);
		return -EINVAL;
	}
	if (ver && policy_range_valid(ver)) {
		snprintf(why, whylen, "version \"%.64s\" is not a version range", ver);
		return -EINVAL;
	}
	if ((pr->rule = rule_parse(rule)) < 0) {
		snprintf(why, whylen, "rule \"%.64s\" is not a rule id", rule);
		return -EINVAL;
	}
	if (expires && !policy_date_valid(expires)) {
		snprintf(why, whylen, "expires \"%.64s\" is not a date YYYY-MM-DD", expires);
		return -EINVAL;
	}
	pr->sev = -1;
	if (sev && ((pr->sev = severity_parse(sev)) < 0 || pr->sev == SEV_NEVER)) {
		snprintf(why, whylen, "severity \"%.64s\" is not info, low, medium, high or critical", sev);
		return -EINVAL;
	}
	pr->eco = dup_or_null(eco, &oom);
	pr->package = dup_or_null(pkg && strcmp(pkg, "*") ? pkg : NULL, &oom);
	pr->version = dup_or_null(ver, &oom);
	pr->match = dup_or_null(match, &oom);
	pr->reason = dup_or_null(reason, &oom);
	pr->expires = dup_or_null(expires, &oom);
	if (oom) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* array_member: o[key], an array or absent (*out NULL). */
static int array_member(struct json_object *o, const char *key, struct json_object **out,
			char *why, size_t whylen)
{
	*out = NULL;
	if (!json_object_object_get_ex(o, key, out) || !*out)
		return 0;
	if (!json_object_is_type(*out, json_type_array)) {
		snprintf(why, whylen, "\"%s\" is not an array", key);
		return -EINVAL;
	}
	return 0;
}

static int parse_rules(struct json_object *arr, const char *key, bool override,
		       struct pol_rule **out, size_t *n, char *why, size_t whylen)
{
	size_t len = arr ? json_object_array_length(arr) : 0;
	char inner[256];

	*out = calloc(len ? len : 1, sizeof(**out));
	if (!*out) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < len; i++) {
		int err = rule_entry_parse(json_object_array_get_idx(arr, i), override, &(*out)[i],
					   inner, sizeof(inner));

		*n = i + 1; /* freed with what it holds, whole or partial */
		if (err) {
			snprintf(why, whylen, "%s[%zu]: %s", key, i, inner);
			return err;
		}
	}
	return 0;
}

static char *read_file(const char *path, size_t *len, int *err)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;

	*err = 0;
	if (!f) {
		*err = -errno;
		return NULL;
	}
	buf = malloc(POLICY_MAX_BYTES + 1);
	if (!buf) {
		*err = -ENOMEM;
	} else {
		errno = 0;
		*len = fread(buf, 1, POLICY_MAX_BYTES + 1, f);
		if (ferror(f))
			*err = errno ? -errno : -EIO; /* EISDIR for a directory */
		else if (*len > POLICY_MAX_BYTES)
			*err = -EFBIG;
		else
			buf[*len] = '\0';
	}
	fclose(f);
	if (*err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* policy_parse: the checked document into p.  0 or -EINVAL/-ENOMEM with
 * the problem in why. */
static int policy_parse(struct json_object *doc, struct policy *p, char *why, size_t whylen)
{
	static const char *const top_keys[] = { "$schema", "allowed_endpoints", "suppressions",
						"severity_overrides", NULL };
	struct json_object *eps, *sups, *sevs;
	int err;

	if (!json_object_is_type(doc, json_type_object)) {
		snprintf(why, whylen, "not a JSON object");
		return -EINVAL;
	}
	json_object_object_foreach(doc, k, v) {
		(void)v;
		if (!key_known(k, top_keys)) {
			snprintf(why, whylen, "unknown key \"%.64s\"", k);
			return -EINVAL;
		}
	}
	if ((err = array_member(doc, "allowed_endpoints", &eps, why, whylen)) ||
	    (err = array_member(doc, "suppressions", &sups, why, whylen)) ||
	    (err = array_member(doc, "severity_overrides", &sevs, why, whylen)))
		return err;
	p->eps = calloc(eps && json_object_array_length(eps) ? json_object_array_length(eps) : 1,
			sizeof(*p->eps));
	if (!p->eps) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; eps && i < json_object_array_length(eps); i++) {
		struct json_object *v = json_object_array_get_idx(eps, i);
		struct allow_ep *e = &p->eps[p->neps];

		if (!json_object_is_type(v, json_type_string)) {
			snprintf(why, whylen, "allowed_endpoints[%zu] is not a string", i);
			return -EINVAL;
		}
		if ((err = ep_parse(json_object_get_string(v), e))) {
			snprintf(why, whylen, "allowed_endpoints[%zu]: \"%.64s\" is not a host, host:port, "
				 "address, address:port or CIDR", i, json_object_get_string(v));
			return err;
		}
		p->neps++;
		if (!(e->text = strdup(json_object_get_string(v)))) {
			snprintf(why, whylen, "out of memory");
			return -ENOMEM;
		}
	}
	if ((err = parse_rules(sups, "suppressions", false, &p->sups, &p->nsups, why, whylen)) ||
	    (err = parse_rules(sevs, "severity_overrides", true, &p->sevs, &p->nsevs, why, whylen)))
		return err;
	return 0;
}

struct policy *policy_load(const char *path, char *err, size_t errlen)
{
	struct json_tokener *tok = NULL;
	struct json_object *doc = NULL;
	struct policy *p = NULL;
	size_t len = 0;
	char *text, why[384];
	int e;

	text = read_file(path, &len, &e);
	if (!text)
		return load_fail(err, errlen, "policy %s: %s", path,
				 e == -EFBIG ? "larger than 1 MiB" : strerror(-e));
	tok = json_tokener_new();
	if (!tok) {
		snprintf(why, sizeof(why), "out of memory");
		goto fail;
	}
	doc = json_tokener_parse_ex(tok, text, (int)len);
	if (!doc || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset < (int)len - (int)strspn(text + tok->char_offset, " \t\r\n")) {
		enum json_tokener_error je = json_tokener_get_error(tok);

		snprintf(why, sizeof(why), "not JSON (%s near byte %zu)",
			 je == json_tokener_success ? "trailing data" :
			 je == json_tokener_continue ? "unexpected end" : json_tokener_error_desc(je),
			 (size_t)tok->char_offset);
		goto fail;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->path = strdup(path))) {
		snprintf(why, sizeof(why), "out of memory");
		goto fail;
	}
	if (policy_parse(doc, p, why, sizeof(why)))
		goto fail;
	json_object_put(doc);
	json_tokener_free(tok);
	free(text);
	return p;
fail:
	snprintf(err, errlen, "policy %s: %s", path, why);
	policy_free(p);
	json_object_put(doc);
	if (tok)
		json_tokener_free(tok);
	free(text);
	return NULL;
}

static void rules_free(struct pol_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].eco);
		free(r[i].package);
		free(r[i].version);
		free(r[i].match);
		free(r[i].reason);
		free(r[i].expires);
	}
	free(r);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->neps; i++) {
		free(p->eps[i].text);
		free(p->eps[i].host);
	}
	free(p->eps);
	rules_free(p->sups, p->nsups);
	rules_free(p->sevs, p->nsevs);
	free(p->path);
	free(p);
}

struct policy *policy_find(const char *path, bool use_default, char *err, size_t errlen)
{
	*err = '\0';
	if (path)
		return policy_load(path, err, errlen);
	if (!use_default || access(POLICY_DEFAULT_PATH, F_OK))
		return NULL;
	return policy_load(POLICY_DEFAULT_PATH, err, errlen);
}

/* ---- applying ----------------------------------------------------------------- */

static bool text_matches(const char *pattern, const char *s)
{
	if (!s)
		return false;
	if (strpbrk(pattern, "*?["))
		return fnmatch(pattern, s, 0) == 0;
	return strstr(s, pattern) != NULL;
}

/* evidence_matches: match (substring or glob) finds the summary or one
 * piece of f's evidence: a path, an endpoint, a DNS name or the argv
 * joined by spaces. */
static bool evidence_matches(const char *match, const struct finding *f)
{
	if (!match || text_matches(match, f->summary))
		return true;
	for (int i = 0; i < f->nev; i++) {
		const struct evidence *e = &f->ev[i];
		bool hit = text_matches(match, e->path) || text_matches(match, e->endpoint) ||
			   text_matches(match, e->dns);

		if (!hit && e->argv && e->argv_len) {
			char *argv = malloc(e->argv_len + 1);

			if (argv) {
				memcpy(argv, e->argv, e->argv_len);
				argv[e->argv_len] = '\0';
				for (size_t k = 0; k + 1 < e->argv_len; k++)
					if (!argv[k])
						argv[k] = ' ';
				hit = text_matches(match, argv);
				free(argv);
			}
		}
		if (hit)
			return true;
	}
	return false;
}

/* rule_covers: pr (its package, ecosystem, version and rule) covers f. */
static bool rule_covers(const struct pol_rule *pr, const struct report *r, const struct finding *f)
{
	const struct owner *o = f->owner >= 0 ? r->owners[f->owner] : NULL;

	if (pr->rule != f->rule)
		return false;
	if (pr->package && (!o || !o->name || fnmatch(pr->package, o->name, 0)))
		return false;
	if (pr->eco && (!o || !o->eco || strcmp(pr->eco, o->eco)))
		return false;
	return !pr->version || (o && policy_version_in(pr->version, o->version));
}

/* endpoints_allowed: every endpoint of a network finding is allowed; the
 * entry that allowed the first in *why. */
static bool endpoints_allowed(const struct policy *p, const struct finding *f, const char **why)
{
	*why = NULL;
	if ((f->rule != R_NETWORK_EGRESS && f->rule != R_DNS_QUERY) || !f->nev || !p->neps)
		return false;
	for (int i = 0; i < f->nev; i++) {
		const struct evidence *e = &f->ev[i];
		/* dns-query: the name looked up, or the resolver asked */
		const char *ok = policy_endpoint_allowed(p, e->endpoint, f->rule == R_DNS_QUERY ? e->dns : NULL);

		if (!ok)
			return false;
		if (!*why)
			*why = ok;
	}
	return true;
}

static int suppress(struct report *r, struct finding *f, const char *fmt, const char *arg)
{
	if (asprintf(&f->suppressed, fmt, arg) < 0) {
		f->suppressed = NULL;
		return -ENOMEM;
	}
	r->nsuppressed++;
	return 0;
}

/* expired_finding: the policy-expired finding of suppression i, owned by
 * the first package it names when that one is in the report. */
static int expired_finding(struct report *r, const struct policy *p, size_t i)
{
	const struct pol_rule *s = &p->sups[i];
	struct finding *fs = realloc(r->findings, (r->nfindings + 1) * sizeof(*fs)), *f;
	char key[48];

	if (!fs)
		return -ENOMEM;
	r->findings = fs;
	f = &fs[r->nfindings];
	memset(f, 0, sizeof(*f));
	f->rule = R_POLICY_EXPIRED;
	f->sev = SEV_LOW;
	f->owner = -1;
	f->count = 0; /* no event behind it: the policy and the date */
	for (size_t k = 0; s->package && k < r->nowners; k++) {
		const struct owner *o = r->owners[k];

		if (o->kind == OWN_PACKAGE && o->name && !fnmatch(s->package, o->name, 0) &&
		    (!s->eco || (o->eco && !strcmp(s->eco, o->eco)))) {
			f->owner = (int)k;
			break;
		}
	}
	snprintf(key, sizeof(key), "suppressions[%zu]", i);
	f->key = strdup(key);
	if (asprintf(&f->summary, "the suppression of %s for %s in %s expired on %s, so it no longer "
		     "applies (its reason: %s)", rule_info[s->rule].id, s->package ? s->package : "any package",
		     p->path, s->expires, s->reason) < 0)
		f->summary = NULL;
	r->nfindings++;
	return f->key && f->summary ? 0 : -ENOMEM;
}

static int unused_add(struct report *r, const struct policy *p, size_t i)
{
	struct policy_unused *u = realloc(r->policy_unused, (r->npolicy_unused + 1) * sizeof(*u));
	const struct pol_rule *s = &p->sups[i];

	if (!u)
		return -ENOMEM;
	r->policy_unused = u;
	u = &u[r->npolicy_unused++];
	u->index = i;
	u->rule = rule_info[s->rule].id;
	u->package = s->package ? strdup(s->package) : NULL;
	u->reason = strdup(s->reason);
	return u->reason && (u->package || !s->package) ? 0 : -ENOMEM;
}

int policy_apply(const struct policy *p, struct report *r, const char *today)
{
	bool *used = NULL;
	int err = -ENOMEM;

	if (!p || !r)
		return 0;
	free(r->policy_path);
	if (!(r->policy_path = strdup(p->path)))
		return -ENOMEM;
	used = calloc(p->nsups + 1, sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < r->nfindings; i++) {
		struct finding *f = &r->findings[i];
		const char *why;

		/* the last override that covers it wins, as in a cascade */
		for (size_t k = 0; k < p->nsevs; k++)
			if (rule_covers(&p->sevs[k], r, f))
				f->sev = p->sevs[k].sev;
		if (endpoints_allowed(p, f, &why)) {
			if (suppress(r, f, "allowed endpoint %s (allowed_endpoints)", why))
				goto cleanup;
			continue;
		}
		for (size_t k = 0; k < p->nsups; k++) {
			const struct pol_rule *s = &p->sups[k];

			if ((s->expires && strcmp(today, s->expires) > 0) || !rule_covers(s, r, f) ||
			    !evidence_matches(s->match, f))
				continue;
			used[k] = true;
			if (!f->suppressed && suppress(r, f, "%s", s->reason))
				goto cleanup;
		}
	}
	for (size_t k = 0; k < p->nsups; k++) {
		if (p->sups[k].expires && strcmp(today, p->sups[k].expires) > 0)
			err = expired_finding(r, p, k);
		else if (!used[k])
			err = unused_add(r, p, k);
		else
			err = 0;
		if (err)
			goto cleanup;
	}
	err = report_rerank(r);
cleanup:
	free(used);
	return err;
}
