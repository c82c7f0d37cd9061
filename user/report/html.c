// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * html.c - the report as one self-contained HTML page (--html FILE): a
 * verdict header, the packages with findings first (what each ran, read,
 * wrote and where it connected, then its findings with their evidence),
 * the network and files views, a timeline, the process tree, and every
 * other package in one collapsed table.
 *
 * The page is another view of report_json's tree, not another analysis:
 * everything drawn here is read from that tree.
 *
 * Safety: the page has no script at all and its Content-Security-Policy
 * says so (script-src 'none', default-src 'none'): even a name that got
 * past the escaping could neither run nor load anything.  Every string
 * from the install is decoded from the JSON encoding (jsonstr.h) back to
 * its bytes and written with report_unit_escape's escapes (what the text
 * report shows) and the five HTML-significant characters as entities, the
 * same in text and in attribute values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonstr.h"
#include "report_int.h"

#define LIST_SHOWN 12        /* items of a package's set in its card */
#define CARDS_MAX 100        /* flagged packages drawn as cards; the rest one line each */
#define CARDS_OPEN 20        /* cards drawn open */
#define EVIDENCE_ROWS 5      /* the report keeps at most this many */
#define TIMELINE_ROWS 40     /* packages drawn in the timeline */
#define TIMELINE_MARKS 60    /* finding marks per timeline row */
#define VIEW_ROWS 400        /* rows of the network and files tables */
#define SHORT_ARGV 140       /* bytes of a command line in a tree node's line */

#define CSP "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; " \
	    "img-src data:; base-uri 'none'; form-action 'none'"

struct page {
	FILE *out;
	struct json_object *root, *pkgs, *finds;
	size_t npk, nf;
	int *pk_sev;         /* per package: the highest finding severity, -1 none */
	int *f_pk;           /* per finding: its package's index, -1 none */
	int64_t t0, t1;      /* the install's time span (timings) */
	char *buf;           /* decode scratch */
	size_t buflen;
};

/* ---------- reading the tree ---------- */

static struct json_object *jget(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v = jget(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int64_t jint(struct json_object *o, const char *k)
{
	return json_object_get_int64(jget(o, k));
}

static bool jbool(struct json_object *o, const char *k)
{
	return json_object_get_boolean(jget(o, k));
}

static size_t jlen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static struct json_object *jat(struct json_object *a, size_t i)
{
	return i < jlen(a) ? json_object_array_get_idx(a, i) : NULL;
}

static int sev_of(const char *s)
{
	int v = s ? severity_parse(s) : -1;

	return v >= SEV_INFO && v < SEV_NEVER ? v : -1;
}

/* ---------- writing ---------- */

static void h_raw(struct page *pg, const char *s)
{
	fputs(s, pg->out);
}

__attribute__((format(printf, 2, 3)))
static void h_fmt(struct page *pg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(pg->out, fmt, ap);
	va_end(ap);
}

/* h_put: the JSON string s back to its bytes, escaped for text (attr
 * false: an escape is marked up) or for a quoted attribute value, cut to
 * max bytes (0: whole) with "…". */
static void h_put(struct page *pg, const char *s, size_t max, bool attr)
{
	size_t n = s ? strlen(s) : 0, l;
	const unsigned char *p;
	ssize_t dl;
	char esc[8];

	if (!s)
		return;
	if (n + 1 > pg->buflen) {
		char *nb = realloc(pg->buf, n + 1);

		if (!nb) {
			h_raw(pg, "(out of memory)");
			return;
		}
		pg->buf = nb;
		pg->buflen = n + 1;
	}
	/* the tree's strings are valid UTF-8 by construction; a string that
	 * is not is shown as it is, every bad byte escaped below */
	dl = jsonstr_decode(s, n, pg->buf, pg->buflen);
	if (dl < 0) {
		memcpy(pg->buf, s, n);
		dl = (ssize_t)n;
	}
	p = (const unsigned char *)pg->buf;
	n = (size_t)dl;
	for (size_t i = 0; i < n; i += l) {
		size_t e = report_unit_escape(p + i, n - i, &l, esc);

		if (max && i >= max) {
			h_raw(pg, "…");
			return;
		}
		if (e) {
			h_fmt(pg, attr ? "%s" : "<span class=\"esc\">%s</span>", esc);
			continue;
		}
		switch (p[i]) {
		case '&': h_raw(pg, "&amp;"); break;
		case '<': h_raw(pg, "&lt;"); break;
		case '>': h_raw(pg, "&gt;"); break;
		case '"': h_raw(pg, "&quot;"); break;
		case '\'': h_raw(pg, "&#39;"); break;
		default: fwrite(p + i, 1, l, pg->out);
		}
	}
}

static void h_text(struct page *pg, const char *s)
{
	h_put(pg, s, 0, false);
}

static void h_attr(struct page *pg, const char *s)
{
	h_put(pg, s, 0, true);
}

/* h_join: the strings of array a joined by spaces, cut at max bytes. */
static void h_join(struct page *pg, struct json_object *a, size_t max)
{
	size_t used = 0;

	for (size_t i = 0; i < jlen(a); i++) {
		const char *s = json_object_get_string(jat(a, i));

		if (max && used >= max) {
			h_raw(pg, "…");
			return;
		}
		if (i)
			h_raw(pg, " ");
		h_put(pg, s, max ? max - used : 0, false);
		used += strlen(s) + 1;
	}
}

/* h_code: s in a <code>, then a space; nothing for NULL. */
static void h_code(struct page *pg, const char *s)
{
	if (!s)
		return;
	h_raw(pg, "<code>");
	h_text(pg, s);
	h_raw(pg, "</code> ");
}

/* h_codes: each string of array a in its own <code>. */
static void h_codes(struct page *pg, struct json_object *a)
{
	for (size_t k = 0; k < jlen(a); k++)
		h_code(pg, json_object_get_string(jat(a, k)));
}

static void h_badge(struct page *pg, int sev)
{
	const char *n = sev >= 0 ? severity_name(sev) : "none";

	h_fmt(pg, "<span class=\"badge s-%s\">%s</span>", n, n);
}

/* h_rel: a time of the install's clock as seconds since its start. */
static void h_rel(struct page *pg, int64_t t)
{
	double s = t > pg->t0 ? (double)(t - pg->t0) / 1e9 : 0.0;

	h_fmt(pg, "+%.3f&#8202;s", s);
}

/* h_pct: t's place in the span, in percent. */
static double h_pct(const struct page *pg, int64_t t)
{
	double span = pg->t1 > pg->t0 ? (double)(pg->t1 - pg->t0) : 1.0;
	double v = (double)(t - pg->t0) * 100.0 / span;

	return v < 0 ? 0 : v > 100 ? 100 : v;
}

/* A package's colour, the same in the tree, the timeline and its card;
 * never a red (hues 330..30), which marks the flagged packages. */
static int pk_hue(int pk)
{
	return 30 + (int)((unsigned)pk * 137u % 300u);
}

static void h_pkname(struct page *pg, int pk)
{
	struct json_object *p = jat(pg->pkgs, (size_t)pk);
	const char *name = jstr(p, "name"), *ver = jstr(p, "version");

	if (!name) {
		h_raw(pg, "<i>");
		h_text(pg, jstr(p, "kind") ? jstr(p, "kind") : "?");
		h_raw(pg, "</i>");
		return;
	}
	h_text(pg, name);
	if (ver) {
		h_raw(pg, "<span class=\"ver\">@");
		h_text(pg, ver);
		h_raw(pg, "</span>");
	}
}

/* A coloured chip naming package pk (-1: role instead). */
static void h_chip(struct page *pg, int pk, const char *role)
{
	if (pk < 0) {
		h_raw(pg, "<span class=\"chip pm\">");
		h_text(pg, role ? role : "?");
		h_raw(pg, "</span>");
		return;
	}
	h_fmt(pg, "<span class=\"chip%s\" style=\"--h:%d\">",
	      pg->pk_sev[pk] >= SEV_LOW ? " flag" : "", pk_hue(pk));
	h_pkname(pg, pk);
	h_raw(pg, "</span>");
}

/* ---------- the page ---------- */

static const char css[] =
	":root{--bg:#f6f7f9;--fg:#1d2330;--mut:#5d6678;--line:#dde1e8;--card:#fff;"
	"--crit:#8e0b2a;--high:#d1382a;--med:#e08a00;--low:#2f6fb5;--info:#7a8394}"
	"*{box-sizing:border-box}"
	"body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}"
	"main{max-width:1280px;margin:0 auto;padding:0 20px 40px}"
	"code,.mono{font-family:ui-monospace,'SFMono-Regular','DejaVu Sans Mono',Menlo,Consolas,monospace;"
	"font-size:12.5px;word-break:break-all}"
	"header.top{padding:18px 20px 14px;color:#fff;background:#364152}"
	"header.top.v-critical{background:linear-gradient(90deg,#6d0820,#8e0b2a)}"
	"header.top.v-high{background:linear-gradient(90deg,#9c2016,#d1382a)}"
	"header.top.v-medium{background:linear-gradient(90deg,#a86500,#e08a00)}"
	"header.top.v-low{background:linear-gradient(90deg,#1f4e85,#2f6fb5)}"
	"header.top.v-none,header.top.v-info{background:linear-gradient(90deg,#1e6b45,#2e8b57)}"
	"header.top .in{max-width:1280px;margin:0 auto}"
	"header.top h1{margin:0;font-size:22px;font-weight:650;letter-spacing:.2px}"
	"header.top .cmd{margin:6px 0 10px;opacity:.95}"
	"header.top .cmd code{background:rgba(0,0,0,.22);padding:2px 6px;border-radius:4px;color:#fff}"
	".stats{display:flex;flex-wrap:wrap;gap:8px}"
	".stat{background:rgba(255,255,255,.14);border-radius:6px;padding:5px 10px;min-width:92px}"
	".stat b{display:block;font-size:17px}.stat span{font-size:11.5px;opacity:.9;text-transform:uppercase;"
	"letter-spacing:.4px}.stat.warn{background:#ffd54a;color:#3b2a00}"
	"nav{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);"
	"padding:7px 20px;font-size:13px}nav .in{max-width:1280px;margin:0 auto}"
	"nav a{color:#2f5597;text-decoration:none;margin-right:16px}nav a:hover{text-decoration:underline}"
	"h2{font-size:17px;margin:26px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}"
	"h2 small{font-weight:400;color:var(--mut);font-size:13px}"
	".badge{display:inline-block;min-width:62px;text-align:center;border-radius:4px;padding:1px 6px;"
	"font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.4px;color:#fff;"
	"background:var(--info);vertical-align:1px}"
	".s-critical{background:var(--crit)}.s-high{background:var(--high)}.s-medium{background:var(--med)}"
	".s-low{background:var(--low)}.s-none{background:#aab1bd}"
	".act{display:inline-block;border-radius:4px;padding:0 6px;font-size:11px;font-weight:700;text-transform:uppercase;"
	"background:#222;color:#fff;margin-right:4px}"
	".card{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--info);"
	"border-radius:8px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.04)}"
	".card.s-critical,.card.s-high,.card.s-medium,.card.s-low{background:var(--card)}"
	".card.b-critical{border-left-color:var(--crit)}.card.b-high{border-left-color:var(--high)}"
	".card.b-medium{border-left-color:var(--med)}.card.b-low{border-left-color:var(--low)}"
	".card>summary{padding:10px 14px;cursor:pointer;font-size:15px;font-weight:600;list-style:none}"
	".card>summary::-webkit-details-marker{display:none}"
	".card>summary::before{content:'\\25B8';display:inline-block;width:14px;color:var(--mut)}"
	".card[open]>summary::before{content:'\\25BE'}"
	".card .meta{font-weight:400;color:var(--mut);font-size:12.5px;margin-left:6px}"
	".body{padding:0 14px 12px}"
	".glance{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:10px;margin:4px 0 10px}"
	".glance div{background:#f8f9fb;border:1px solid #eceff3;border-radius:6px;padding:7px 9px}"
	".glance h4{margin:0 0 4px;font-size:11.5px;text-transform:uppercase;letter-spacing:.5px;color:var(--mut)}"
	".glance ul{margin:0;padding-left:16px}.glance li{margin:1px 0}"
	".none{color:var(--mut);font-style:italic}"
	"details.f{border-top:1px solid #eef0f4;padding:5px 0}"
	"details.f>summary{cursor:pointer}details.f .rule{font-weight:600;margin:0 6px}"
	"details.f.supp{opacity:.55}"
	"table{border-collapse:collapse;width:100%;background:#fff}"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f4;vertical-align:top}"
	"th{font-size:11.5px;text-transform:uppercase;letter-spacing:.4px;color:var(--mut);background:#fafbfc}"
	"table.ev{margin:6px 0 4px 20px;width:calc(100% - 20px)}table.ev td{font-size:12.5px}"
	".st{font-weight:700;font-size:11.5px;border-radius:4px;padding:1px 6px;white-space:nowrap}"
	".st-unexpected{background:#fde2df;color:#9c2016}.st-blocked{background:#222;color:#fff}"
	".st-allowed{background:#e2f3e8;color:#1e6b45}.st-local{background:#eceff3;color:#4a5160}"
	".chip{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;"
	"background:hsl(var(--h) 70% 90%);color:hsl(var(--h) 60% 25%);border:1px solid hsl(var(--h) 50% 70%);"
	"white-space:nowrap;max-width:340px;overflow:hidden;text-overflow:ellipsis;vertical-align:-4px}"
	".chip.flag{background:#fde2df;color:#8e0b2a;border:2px solid var(--high)}"
	".chip.pm{background:#eceff3;color:#4a5160;border:1px solid #d3d8e0;font-weight:500}"
	".ver{font-weight:400;opacity:.8}"
	".esc{background:#fff3c4;color:#7a4b00;border-radius:2px;padding:0 1px;font-family:monospace}"
	".tree,.tree ul{list-style:none;margin:0;padding-left:18px}.tree{padding-left:0}"
	".tree li{margin:2px 0;position:relative}"
	".tree ul{border-left:1px dashed #c9ced8;margin-left:6px}"
	".tree summary{cursor:pointer;list-style:none}.tree summary::-webkit-details-marker{display:none}"
	".tree details.nd>summary::before{content:'\\25CF';color:#b7bec9;margin-right:5px;font-size:10px}"
	".tree details.kids>summary::before{content:'\\25B8  ';}.tree details.kids[open]>summary::before{content:'\\25BE  '}"
	".tree .pid{color:var(--mut);font-size:12px;margin-left:6px}"
	".tree .more{color:var(--mut);font-style:italic;font-size:12.5px}"
	".argv{margin:3px 0 3px 18px;padding:6px 8px;background:#f8f9fb;border:1px solid #eceff3;border-radius:6px}"
	".argv code{display:inline-block;background:#fff;border:1px solid #e3e6ec;border-radius:3px;"
	"padding:0 4px;margin:1px 2px}"
	".tl{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px}"
	".tlrow{display:grid;grid-template-columns:260px 1fr;align-items:center;gap:10px;height:22px}"
	".tlrow .lab{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:12.5px}"
	".lane{position:relative;height:16px;background:repeating-linear-gradient(90deg,#f3f5f8 0 1px,"
	"transparent 1px 25%);border-radius:3px}"
	".bar{position:absolute;top:3px;height:10px;border-radius:3px;min-width:3px;"
	"background:hsl(var(--h) 55% 62%)}.bar.flag{background:#e88b80}"
	".mk{position:absolute;top:0;width:4px;height:16px;margin-left:-2px;border-radius:2px;"
	"background:var(--info);outline:1px solid #fff}"
	".mk.s-critical{background:var(--crit)}.mk.s-high{background:var(--high)}"
	".mk.s-medium{background:var(--med)}.mk.s-low{background:var(--low)}"
	".axis{display:grid;grid-template-columns:260px 1fr;gap:10px;font-size:11px;color:var(--mut)}"
	".axis .ticks{display:flex;justify-content:space-between}"
	".note{color:var(--mut);font-size:12.5px;margin:6px 0}"
	".warnbox{background:#fff4d6;border:1px solid #f0c24b;border-radius:6px;padding:8px 12px;margin:12px 0}"
	".index a{display:inline-block;margin:2px 10px 2px 0;color:var(--fg);text-decoration:none}"
	".index a:hover{text-decoration:underline}"
	"footer{color:var(--mut);font-size:12px;margin-top:30px}";

static void head(struct page *pg, int verdict)
{
	struct json_object *cmd = jget(pg->root, "command");

	h_raw(pg, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		  "<meta http-equiv=\"Content-Security-Policy\" content=\"" CSP "\">\n"
		  "<meta name=\"referrer\" content=\"no-referrer\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>pkgtrace: ");
	h_attr(pg, verdict >= 0 ? severity_name(verdict) : "no findings");
	h_raw(pg, " — ");
	for (size_t i = 0; i < jlen(jget(cmd, "argv")) && i < 8; i++) {
		h_raw(pg, i ? " " : "");
		h_put(pg, json_object_get_string(jat(jget(cmd, "argv"), i)), 60, true);
	}
	h_fmt(pg, "</title>\n<style>%s</style></head>\n<body>\n", css);
}

static void stat(struct page *pg, const char *label, const char *fmt, int64_t v, bool warn)
{
	h_fmt(pg, "<div class=\"stat%s\"><b>", warn ? " warn" : "");
	h_fmt(pg, fmt, v);
	h_fmt(pg, "</b><span>%s</span></div>", label);
}

static void enforcement_stats(struct page *pg)
{
	struct json_object *en = jget(pg->root, "enforcement"), *c = jget(en, "counts");
	static const char *const acts[] = { "blocked", "killed", "refused" };

	if (!en)
		return;
	for (size_t i = 0; i < sizeof(acts) / sizeof(*acts); i++)
		if (jget(c, acts[i]))
			stat(pg, acts[i], "%" PRId64, jint(c, acts[i]), false);
}

/* enforcement_line: the enforcement settings (issue 15's "enforcement"
 * object) in one line of the header; what was left out in yellow. */
static void enforcement_line(struct page *pg, struct json_object *en)
{
	struct json_object *user = jget(en, "user"), *ne = jget(en, "not_enforced");

	h_raw(pg, "<div class=\"cmd\" style=\"margin-top:8px\">Enforcement: <code>");
	h_text(pg, jstr(en, "mode") ? jstr(en, "mode") : "?");
	h_raw(pg, "</code>");
	if (jstr(en, "cgroup")) {
		h_raw(pg, " · cgroup ");
		h_code(pg, jstr(en, "cgroup"));
	}
	if (jstr(user, "name") || jget(user, "uid")) {
		h_fmt(pg, " · as user %" PRId64 " ", jint(user, "uid"));
		h_code(pg, jstr(user, "name"));
	}
	if (jlen(jget(jget(en, "seccomp"), "refused"))) {
		h_raw(pg, " · refuses ");
		h_codes(pg, jget(jget(en, "seccomp"), "refused"));
	}
	if (jlen(jget(jget(en, "shield"), "hidden"))) {
		h_raw(pg, " · hides ");
		h_codes(pg, jget(jget(en, "shield"), "hidden"));
	}
	if (jlen(ne)) {
		h_raw(pg, " · <span class=\"esc\">not enforced:</span> ");
		h_codes(pg, ne);
	}
	h_raw(pg, "</div>");
}

static void header(struct page *pg, int verdict)
{
	struct json_object *cmd = jget(pg->root, "command"), *ev = jget(pg->root, "events");
	struct json_object *sum = jget(pg->root, "summary"), *by = jget(sum, "by_severity");
	struct json_object *surv = jget(pg->root, "survivors"), *tf = jget(pg->root, "trace_file");
	struct json_object *en = jget(pg->root, "enforcement");
	const char *vn = verdict >= 0 ? severity_name(verdict) : "none";
	size_t flagged = 0;

	for (size_t i = 0; i < pg->npk; i++)
		flagged += pg->pk_sev[i] >= SEV_LOW;
	h_fmt(pg, "<header class=\"top v-%s\"><div class=\"in\"><h1>", vn);
	if (verdict >= SEV_LOW)
		h_fmt(pg, "%s — %zu package%s flagged", verdict == SEV_CRITICAL ? "Critical" :
		      verdict == SEV_HIGH ? "High" : verdict == SEV_MEDIUM ? "Medium" : "Low",
		      flagged, flagged == 1 ? "" : "s");
	else
		h_raw(pg, "No finding above info");
	h_raw(pg, "</h1><div class=\"cmd\">Install <code>");
	h_join(pg, jget(cmd, "argv"), 400);
	h_raw(pg, "</code> in <code>");
	h_text(pg, jstr(cmd, "cwd") ? jstr(cmd, "cwd") : "?");
	h_raw(pg, "</code>");
	if (jstr(jget(pg->root, "timings"), "started_at")) {
		h_raw(pg, " · started ");
		h_text(pg, jstr(jget(pg->root, "timings"), "started_at"));
	}
	h_raw(pg, "</div><div class=\"stats\">");
	h_fmt(pg, "<div class=\"stat\"><b>%s</b><span>highest severity</span></div>", vn);
	if (jget(cmd, "exit_code") && !json_object_is_type(jget(cmd, "exit_code"), json_type_null))
		stat(pg, "install exit code", "%" PRId64, jint(cmd, "exit_code"),
		     jint(cmd, "exit_code") != 0);
	else if (jget(cmd, "signal") && !json_object_is_type(jget(cmd, "signal"), json_type_null))
		stat(pg, "install killed by signal", "%" PRId64, jint(cmd, "signal"), true);
	else
		h_raw(pg, "<div class=\"stat warn\"><b>?</b><span>install exit unknown</span></div>");
	for (int s = SEV_CRITICAL; s >= SEV_LOW; s--)
		if (jint(by, severity_name(s)))
			stat(pg, severity_name(s), "%" PRId64, jint(by, severity_name(s)), false);
	stat(pg, "findings", "%" PRId64, jint(sum, "findings"), false);
	stat(pg, "packages", "%" PRId64, jint(sum, "packages"), false);
	stat(pg, "scripts ran", "%" PRId64, jint(sum, "scripts_ran"), false);
	stat(pg, "events", "%" PRId64, jint(ev, "seen"), false);
	stat(pg, "dropped", "%" PRId64, jint(ev, "dropped"), jint(ev, "dropped") > 0);
	h_fmt(pg, "<div class=\"stat\"><b>%.1f s</b><span>duration</span></div>",
	      (double)jint(jget(pg->root, "timings"), "duration_ms") / 1000.0);
	if (jint(surv, "count"))
		stat(pg, "survivors", "%" PRId64, jint(surv, "count"), true);
	enforcement_stats(pg);
	h_raw(pg, "</div>");
	if (en)
		enforcement_line(pg, en);
	h_raw(pg, "</div></header>\n");
	h_raw(pg, "<nav><div class=\"in\"><a href=\"#packages\">Flagged packages</a><a href=\"#network\">"
		  "Network</a><a href=\"#files\">Files &amp; credentials</a><a href=\"#timeline\">Timeline</a>"
		  "<a href=\"#tree\">Process tree</a><a href=\"#others\">Other packages</a></div></nav>\n<main>\n");
	if (jint(ev, "dropped") || jbool(ev, "interrupted") || jbool(ev, "partial") || tf) {
		h_raw(pg, "<div class=\"warnbox\"><b>The trace is incomplete.</b> ");
		if (jint(ev, "dropped"))
			h_fmt(pg, "%" PRId64 " events were dropped. ", jint(ev, "dropped"));
		if (jbool(ev, "interrupted"))
			h_raw(pg, "The install was interrupted. ");
		if (jbool(ev, "partial"))
			h_raw(pg, "Tracing started after the install. ");
		if (tf) {
			h_raw(pg, "The trace file is damaged: ");
			h_text(pg, jstr(tf, "reason"));
		}
		h_raw(pg, " What is shown is what was seen.</div>\n");
	}
	if (jint(surv, "count")) {
		h_fmt(pg, "<div class=\"warnbox\"><b>%" PRId64 " process(es) outlived the install</b> (",
		      jint(surv, "count"));
		h_text(pg, jstr(surv, "fate"));
		h_raw(pg, ").</div>\n");
	}
}

/* h_cat: the category word item..sp of a files_read item, in bold. */
static void h_cat(struct page *pg, const char *item, const char *sp)
{
	char cat[64];
	size_t cl = (size_t)(sp - item);

	snprintf(cat, sizeof(cat), "%.*s", (int)(cl < 63 ? cl : 63), item);
	h_raw(pg, "<b>");
	h_text(pg, cat);
	h_raw(pg, "</b> ");
}

/* h_set: up to LIST_SHOWN items of package p's set key, in a list. */
static void h_set(struct page *pg, struct json_object *p, const char *key, const char *title)
{
	struct json_object *a = jget(p, key);
	size_t n = jlen(a);

	h_fmt(pg, "<div><h4>%s</h4>", title);
	if (!n)
		h_raw(pg, "<span class=\"none\">nothing</span>");
	else
		h_raw(pg, "<ul>");
	for (size_t i = 0; i < n && i < LIST_SHOWN; i++) {
		const char *item = json_object_get_string(jat(a, i));
		const char *sp = !strcmp(key, "files_read") ? strchr(item, ' ') : NULL;

		h_raw(pg, "<li>");
		if (sp) /* "CATEGORY PATH" */
			h_cat(pg, item, sp);
		h_raw(pg, "<code>");
		h_put(pg, sp ? sp + 1 : item, 300, false);
		h_raw(pg, "</code></li>");
	}
	if (n > LIST_SHOWN)
		h_fmt(pg, "<li class=\"none\">%zu more (in the JSON report)</li>", n - LIST_SHOWN);
	h_raw(pg, n ? "</ul></div>" : "</div>");
}

static void h_evidence(struct page *pg, struct json_object *f)
{
	struct json_object *ev = jget(f, "evidence");

	if (!jlen(ev))
		return;
	h_raw(pg, "<table class=\"ev\"><tr><th>when</th><th>pid</th><th>event</th><th>what</th></tr>");
	for (size_t i = 0; i < jlen(ev) && i < EVIDENCE_ROWS; i++) {
		struct json_object *e = jat(ev, i);

		h_raw(pg, "<tr><td class=\"mono\">");
		h_rel(pg, jint(e, "time_ns"));
		h_fmt(pg, "</td><td class=\"mono\">%" PRId64 "</td><td>", jint(e, "pid"));
		h_text(pg, jstr(e, "event"));
		h_raw(pg, "</td><td>");
		h_code(pg, jstr(e, "path"));
		if (jget(e, "argv")) {
			h_raw(pg, "<div class=\"argv\">");
			h_codes(pg, jget(e, "argv"));
			h_raw(pg, "</div>");
		}
		h_code(pg, jstr(e, "endpoint"));
		if (jstr(e, "dns")) {
			h_raw(pg, "DNS ");
			h_code(pg, jstr(e, "dns"));
		}
		h_raw(pg, "</td></tr>");
	}
	h_raw(pg, "</table>");
}

static void h_finding(struct page *pg, struct json_object *f)
{
	struct json_object *supp = jget(f, "suppressed");
	const char *act = jstr(f, "action");
	int64_t count = jint(f, "count");

	h_fmt(pg, "<details class=\"f%s\"><summary>", supp ? " supp" : "");
	h_badge(pg, sev_of(jstr(f, "severity")));
	if (act) {
		h_raw(pg, " <span class=\"act\">");
		h_text(pg, act);
		h_raw(pg, "</span>");
	}
	h_raw(pg, "<span class=\"rule\">");
	h_text(pg, jstr(f, "rule"));
	h_raw(pg, "</span>");
	h_text(pg, jstr(f, "summary"));
	if (count > 1)
		h_fmt(pg, " <span class=\"meta\">(%" PRId64 " events)</span>", count);
	if (supp) {
		h_raw(pg, " <span class=\"meta\">suppressed: ");
		h_text(pg, jstr(supp, "reason"));
		h_raw(pg, "</span>");
	}
	h_raw(pg, "</summary>");
	h_evidence(pg, f);
	h_raw(pg, "</details>\n");
}

static void h_card(struct page *pg, int pk, bool open)
{
	struct json_object *p = jat(pg->pkgs, (size_t)pk);
	const char *sk = jstr(p, "scripts_skipped"), *path = jstr(p, "path");
	struct json_object *appr = jget(p, "scripts_approved");
	int sev = pg->pk_sev[pk];
	size_t nf = 0;

	for (size_t i = 0; i < pg->nf; i++)
		nf += pg->f_pk[i] == pk;
	h_fmt(pg, "<details class=\"card b-%s\"%s id=\"pkg-%d\"><summary>", severity_name(sev),
	      open ? " open" : "", pk);
	h_badge(pg, sev);
	h_raw(pg, " ");
	h_chip(pg, pk, NULL);
	h_raw(pg, "<span class=\"meta\">");
	h_text(pg, jstr(p, "kind"));
	if (jstr(p, "ecosystem")) {
		h_raw(pg, " · ");
		h_text(pg, jstr(p, "ecosystem"));
	}
	h_fmt(pg, " · %zu finding%s", nf, nf == 1 ? "" : "s");
	if (jbool(p, "scripts_ran"))
		h_raw(pg, " · scripts ran");
	if (appr && json_object_is_type(appr, json_type_boolean))
		h_raw(pg, jbool(p, "scripts_approved") ? " (approved)" : " (not approved)");
	if (sk) {
		h_raw(pg, " · skipped: ");
		h_text(pg, sk);
	}
	h_raw(pg, "</span></summary><div class=\"body\">");
	if (path) {
		h_raw(pg, "<div class=\"note\">in <code>");
		h_text(pg, path);
		h_raw(pg, "</code></div>");
	}
	h_raw(pg, "<div class=\"glance\">");
	h_set(pg, p, "processes", "Ran");
	h_set(pg, p, "files_read", "Read (secrets)");
	h_set(pg, p, "network", "Connected to");
	if (jlen(jget(p, "dns")))
		h_set(pg, p, "dns", "DNS");
	h_set(pg, p, "files_written", "Wrote outside its folder");
	if (jlen(jget(p, "executables")))
		h_set(pg, p, "executables", "Executables made");
	if (jlen(jget(p, "listen")))
		h_set(pg, p, "listen", "Listened on");
	if (jlen(jget(p, "lingering")))
		h_set(pg, p, "lingering", "Left running");
	h_raw(pg, "</div>");
	for (size_t i = 0; i < pg->nf; i++)
		if (pg->f_pk[i] == pk)
			h_finding(pg, jat(pg->finds, i));
	h_raw(pg, "</div></details>\n");
}

/* order_flagged: the packages with a finding of low or above, worst first
 * (report order within a severity); returns how many. */
static size_t order_flagged(const struct page *pg, int *out)
{
	size_t k = 0;

	for (int s = SEV_CRITICAL; s >= SEV_LOW; s--)
		for (size_t i = 0; i < pg->npk; i++)
			if (pg->pk_sev[i] == s)
				out[k++] = (int)i;
	return k;
}

/* flagged_rest: the flagged packages past CARDS_MAX, one row each: its
 * severity, name, findings and the worst one's summary. */
static void flagged_rest(struct page *pg, const int *pks, size_t n)
{
	h_fmt(pg, "<details class=\"card\"><summary>%zu more flagged packages<span class=\"meta\">"
	      "one line each; the JSON report has their findings</span></summary><div class=\"body\">"
	      "<table><tr><th>severity</th><th>package</th><th>findings</th><th>worst finding</th></tr>\n", n);
	for (size_t k = 0; k < n; k++) {
		size_t nf = 0;
		int first = -1;

		for (size_t i = 0; i < pg->nf; i++)
			if (pg->f_pk[i] == pks[k] && !nf++)
				first = (int)i; /* findings are worst first */
		h_raw(pg, "<tr><td>");
		h_badge(pg, pg->pk_sev[pks[k]]);
		h_raw(pg, "</td><td>");
		h_pkname(pg, pks[k]);
		h_fmt(pg, "</td><td>%zu</td><td>", nf);
		if (first >= 0) {
			h_text(pg, jstr(jat(pg->finds, (size_t)first), "rule"));
			h_raw(pg, ": ");
			h_put(pg, jstr(jat(pg->finds, (size_t)first), "summary"), 200, false);
		}
		h_raw(pg, "</td></tr>\n");
	}
	h_raw(pg, "</table></div></details>\n");
}

static void packages_section(struct page *pg, const int *flagged, size_t nflag)
{
	bool orphan = false;

	h_fmt(pg, "<h2 id=\"packages\">Flagged packages <small>%zu of %zu, worst first; "
	      "info-only and clean packages are under <a href=\"#others\">Other packages</a></small></h2>\n",
	      nflag, pg->npk);
	if (!nflag)
		h_raw(pg, "<p class=\"none\">No package has a finding above info.</p>\n");
	/* many cards: an index first, so the worst are a click away */
	if (nflag > 3) {
		h_raw(pg, "<p class=\"index\">");
		for (size_t i = 0; i < nflag && i < CARDS_MAX; i++) {
			h_fmt(pg, "<a href=\"#pkg-%d\">", flagged[i]);
			h_badge(pg, pg->pk_sev[flagged[i]]);
			h_raw(pg, " ");
			h_pkname(pg, flagged[i]);
			h_raw(pg, "</a> ");
		}
		h_raw(pg, "</p>\n");
	}
	for (size_t i = 0; i < nflag && i < CARDS_MAX; i++)
		h_card(pg, flagged[i], i < CARDS_OPEN);
	if (nflag > CARDS_MAX)
		flagged_rest(pg, flagged + CARDS_MAX, nflag - CARDS_MAX);
	for (size_t i = 0; i < pg->nf && !orphan; i++)
		orphan = pg->f_pk[i] < 0;
	if (!orphan)
		return;
	h_raw(pg, "<details class=\"card\" open><summary>Install-wide findings"
		  "<span class=\"meta\">not charged to one package</span></summary><div class=\"body\">");
	for (size_t i = 0; i < pg->nf; i++)
		if (pg->f_pk[i] < 0)
			h_finding(pg, jat(pg->finds, i));
	h_raw(pg, "</div></details>\n");
}

/* ---------- network and files ---------- */

static bool network_rule(const char *rule)
{
	return rule && (!strcmp(rule, "network-egress") || !strcmp(rule, "dns-query") ||
			!strcmp(rule, "ipc-outside") || !strcmp(rule, "listen-socket"));
}

/* same_upto: s equals the n bytes at p. */
static bool same_upto(const char *s, const char *p, size_t n)
{
	return s && strlen(s) == n && !strncmp(s, p, n);
}

/* net_matches: evidence e names the endpoint item (dns false), or the DNS
 * item "NAME via ADDR:PORT" (or a bare "ADDR:PORT/udp") by its name or by
 * its resolver (dns-query is one finding per resolver). */
static bool net_matches(struct json_object *e, const char *item, bool dns)
{
	const char *ep = jstr(e, "endpoint"), *via = dns ? strstr(item, " via ") : NULL;

	if (!dns)
		return same_upto(ep, item, strlen(item)) || same_upto(jstr(e, "path"), item, strlen(item));
	if (!via)
		return same_upto(ep, item, strlen(item));
	if (same_upto(jstr(e, "dns"), item, (size_t)(via - item)))
		return true;
	via += 5;
	return ep && !strncmp(ep, via, strlen(via)) && (!ep[strlen(via)] || ep[strlen(via)] == '/');
}

/* net_status: how package pk's findings judge the endpoint or DNS item:
 * "blocked" or "unexpected", or dflt when no finding names it. */
static const char *net_status(struct page *pg, int pk, const char *item, bool dns, const char *dflt)
{
	for (size_t i = 0; i < pg->nf; i++) {
		struct json_object *f = jat(pg->finds, i), *ev = jget(f, "evidence");

		if (pg->f_pk[i] != pk || !network_rule(jstr(f, "rule")))
			continue;
		for (size_t k = 0; k < jlen(ev); k++)
			if (net_matches(jat(ev, k), item, dns)) {
				const char *act = jstr(f, "action");

				return act && !strcmp(act, "blocked") ? "blocked" : "unexpected";
			}
	}
	return dflt;
}

static void net_row(struct page *pg, int pk, const char *kind, const char *item, const char *st)
{
	h_raw(pg, "<tr><td>");
	h_chip(pg, pk, NULL);
	h_fmt(pg, "</td><td>%s</td><td><code>", kind);
	h_text(pg, item);
	h_fmt(pg, "</code></td><td><span class=\"st st-%s\">%s</span></td></tr>\n", st, st);
}

/* net_rows: package pk's endpoints, DNS names and listeners; the rows
 * written count in *rows (at most VIEW_ROWS), all in *total. */
static void net_rows(struct page *pg, int pk, size_t *rows, size_t *total)
{
	static const char *const kinds[] = { "network", "dns", "listen" };
	struct json_object *p = jat(pg->pkgs, (size_t)pk);

	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
		for (size_t i = 0; i < jlen(jget(p, kinds[k])); i++) {
			const char *item = json_object_get_string(jat(jget(p, kinds[k]), i));
			bool local = item[0] == '/' || item[0] == '@';
			const char *st = net_status(pg, pk, item, k == 1, local || k == 2 ? "local" : "allowed");

			if (k == 2 && !local && strncmp(item, "127.", 4) && strncmp(item, "[::1]", 5))
				st = "unexpected"; /* a listener beyond loopback is never a registry */
			++*total;
			if ((*rows)++ < VIEW_ROWS)
				net_row(pg, pk, kinds[k], item, st);
		}
}

/* file_rows: package pk's secret reads and files written outside its
 * folder (and, for a flagged package, the executables it made). */
static void file_rows(struct page *pg, int pk, size_t *rows, size_t *total)
{
	static const char *const keys[] = { "files_read", "files_written", "executables" };
	static const char *const what[] = { "read secret", "wrote", "made executable" };
	struct json_object *p = jat(pg->pkgs, (size_t)pk);
	/* npm links every package's bins into .bin: only a flagged package's count */
	size_t nk = pg->pk_sev[pk] >= SEV_LOW ? 3 : 2;

	for (size_t k = 0; k < nk; k++)
		for (size_t i = 0; i < jlen(jget(p, keys[k])); i++) {
			const char *item = json_object_get_string(jat(jget(p, keys[k]), i));
			const char *sp = k == 0 ? strchr(item, ' ') : NULL;

			++*total;
			if ((*rows)++ >= VIEW_ROWS)
				continue;
			h_raw(pg, "<tr><td>");
			h_chip(pg, pk, NULL);
			h_fmt(pg, "</td><td>%s</td><td>", what[k]);
			if (sp)
				h_cat(pg, item, sp);
			h_raw(pg, "</td><td><code>");
			h_text(pg, sp ? sp + 1 : item);
			h_raw(pg, "</code></td></tr>\n");
		}
}

/* The rows of package pk in a network or files view, and their number. */
struct view {
	const char *head;   /* the table's header row */
	const char *none;   /* what the view says when flagged packages gave no row */
	void (*rows_of)(struct page *pg, int pk, size_t *rows, size_t *total);
	size_t (*count_of)(struct page *pg, int pk);
};

static size_t net_count(struct page *pg, int pk)
{
	struct json_object *p = jat(pg->pkgs, (size_t)pk);

	return jlen(jget(p, "network")) + jlen(jget(p, "dns")) + jlen(jget(p, "listen"));
}

static size_t file_count(struct page *pg, int pk)
{
	struct json_object *p = jat(pg->pkgs, (size_t)pk);

	return jlen(jget(p, "files_read")) + jlen(jget(p, "files_written")) +
	       (pg->pk_sev[pk] >= SEV_LOW ? jlen(jget(p, "executables")) : 0);
}

/* view_table: the flagged packages' rows in a table, then the other
 * packages' rows in a second one, folded. */
static void view_table(struct page *pg, const int *flagged, size_t nflag, const struct view *v)
{
	size_t rows = 0, total = 0, others = 0, mine = 0;

	for (size_t o = 0; o < nflag; o++)
		mine += v->count_of(pg, flagged[o]);
	if (mine) {
		h_fmt(pg, "<table>%s", v->head);
		for (size_t o = 0; o < nflag; o++)
			v->rows_of(pg, flagged[o], &rows, &total);
		h_raw(pg, "</table>\n");
	} else {
		h_fmt(pg, "<p class=\"none\">%s by a flagged package.</p>\n", v->none);
	}
	if (total > VIEW_ROWS)
		h_fmt(pg, "<p class=\"note\">%zu more rows in the JSON report.</p>\n", total - VIEW_ROWS);
	for (size_t i = 0; i < pg->npk; i++)
		if (pg->pk_sev[i] < SEV_LOW)
			others += v->count_of(pg, (int)i);
	if (!others) {
		h_raw(pg, "<p class=\"note\">None by the other packages.</p>\n");
		return;
	}
	rows = total = 0;
	h_fmt(pg, "<details class=\"card\"><summary>%zu more from packages without findings"
	      "<span class=\"meta\">click to open</span></summary><div class=\"body\"><table>%s",
	      others, v->head);
	for (size_t i = 0; i < pg->npk; i++)
		if (pg->pk_sev[i] < SEV_LOW)
			v->rows_of(pg, (int)i, &rows, &total);
	h_raw(pg, "</table>");
	if (total > VIEW_ROWS)
		h_fmt(pg, "<p class=\"note\">%zu more rows in the JSON report.</p>", total - VIEW_ROWS);
	h_raw(pg, "</div></details>\n");
}

static const char net_head[] = "<tr><th>package</th><th>kind</th><th>endpoint / name</th><th>status</th></tr>\n";
static const char files_head[] = "<tr><th>package</th><th>what</th><th>category</th><th>file</th></tr>\n";

static void network_section(struct page *pg, const int *flagged, size_t nflag)
{
	struct json_object *en = jget(pg->root, "enforcement"), *net = jget(en, "network");

	h_raw(pg, "<h2 id=\"network\">Network <small>every endpoint and DNS name a package's processes "
		  "used; <b>unexpected</b>: not a configured registry (a finding), <b>blocked</b>: stopped "
		  "by enforcement, <b>allowed</b>: a registry, <b>local</b>: a unix socket or loopback "
		  "listener</small></h2>\n");
	h_raw(pg, "<p class=\"note\">Registries (allowed: configured, or used by the package manager "
		  "itself): ");
	if (jlen(jget(pg->root, "registries")))
		h_codes(pg, jget(pg->root, "registries"));
	else
		h_raw(pg, "<i>none known</i>");
	h_raw(pg, "</p>\n");
	if (net) {
		h_raw(pg, "<p class=\"note\">Enforcement allowed: ");
		h_codes(pg, jget(net, "allowed"));
		h_raw(pg, "</p>\n");
	}
	static const struct view v = { net_head, "No network use", net_rows, net_count };

	view_table(pg, flagged, nflag, &v);
}

static void files_section(struct page *pg, const int *flagged, size_t nflag)
{
	h_raw(pg, "<h2 id=\"files\">Files written outside the project and secrets read "
		  "<small>by package</small></h2>\n");
	static const struct view v = { files_head, "No write outside a package's folder and no secret read",
				       file_rows, file_count };

	view_table(pg, flagged, nflag, &v);
}

/* ---------- timeline ---------- */

static struct json_object *activity_of(struct page *pg, int pk)
{
	struct json_object *act = jget(jget(pg->root, "process_tree"), "activity");

	for (size_t i = 0; i < jlen(act); i++)
		if (jint(jat(act, i), "package") == pk)
			return jat(act, i);
	return NULL;
}

static void timeline_row(struct page *pg, int pk)
{
	struct json_object *a = activity_of(pg, pk);
	size_t marks = 0;

	h_raw(pg, "<div class=\"tlrow\"><div class=\"lab\">");
	h_chip(pg, pk, NULL);
	h_raw(pg, "</div><div class=\"lane\">");
	if (a) {
		double l = h_pct(pg, jint(a, "first_ns")), r = h_pct(pg, jint(a, "last_ns"));

		h_fmt(pg, "<div class=\"bar%s\" style=\"--h:%d;left:%.2f%%;width:%.2f%%\" title=\"",
		      pg->pk_sev[pk] >= SEV_LOW ? " flag" : "", pk_hue(pk), l, r - l);
		h_fmt(pg, "%" PRId64 " exec(s), %.3f s to %.3f s\"></div>", jint(a, "execs"),
		      (double)(jint(a, "first_ns") - pg->t0) / 1e9, (double)(jint(a, "last_ns") - pg->t0) / 1e9);
	}
	for (size_t i = 0; i < pg->nf && marks < TIMELINE_MARKS; i++) {
		struct json_object *f = jat(pg->finds, i), *ev = jget(f, "evidence");
		int sev = sev_of(jstr(f, "severity"));

		if (pg->f_pk[i] != pk || sev < SEV_LOW)
			continue;
		for (size_t k = 0; k < jlen(ev) && marks < TIMELINE_MARKS; k++, marks++) {
			h_fmt(pg, "<div class=\"mk s-%s\" style=\"left:%.2f%%\" title=\"", severity_name(sev),
			      h_pct(pg, jint(jat(ev, k), "time_ns")));
			h_attr(pg, jstr(f, "rule"));
			h_raw(pg, ": ");
			h_put(pg, jstr(f, "summary"), 300, true);
			h_raw(pg, "\"></div>");
		}
	}
	h_raw(pg, "</div></div>\n");
}

static void timeline_section(struct page *pg, const int *flagged, size_t nflag)
{
	struct json_object *act = jget(jget(pg->root, "process_tree"), "activity");
	size_t n = jlen(act), rows = 0, others = 0;
	int *rest = malloc((n ? n : 1) * sizeof(*rest));
	double span = pg->t1 > pg->t0 ? (double)(pg->t1 - pg->t0) / 1e9 : 0;

	h_raw(pg, "<h2 id=\"timeline\">Timeline <small>when each package's processes ran (bars) and "
		  "where its findings happened (marks; hover for the finding)</small></h2>\n<div class=\"tl\">\n");
	for (size_t i = 0; i < nflag && rows < TIMELINE_ROWS; i++, rows++)
		timeline_row(pg, flagged[i]);
	/* then the other packages with processes, the longest first */
	for (size_t i = 0; rest && i < n; i++) {
		int pk = (int)jint(jat(act, i), "package");

		if (pk >= 0 && (size_t)pk < pg->npk && pg->pk_sev[pk] < SEV_LOW)
			rest[others++] = (int)i;
	}
	/* a selection of the longest: only the rows drawn need the order */
	for (size_t i = 0; rest && i < others && i < TIMELINE_ROWS; i++)
		for (size_t k = i + 1; k < others; k++) {
			struct json_object *a = jat(act, (size_t)rest[i]), *b = jat(act, (size_t)rest[k]);

			if (jint(b, "last_ns") - jint(b, "first_ns") > jint(a, "last_ns") - jint(a, "first_ns")) {
				int t = rest[i];

				rest[i] = rest[k];
				rest[k] = t;
			}
		}
	for (size_t i = 0; rest && i < others && rows < TIMELINE_ROWS; i++, rows++)
		timeline_row(pg, (int)jint(jat(act, (size_t)rest[i]), "package"));
	h_raw(pg, "<div class=\"axis\"><div></div><div class=\"ticks\">");
	for (int t = 0; t <= 4; t++)
		h_fmt(pg, "<span>%.1f s</span>", span * t / 4);
	h_raw(pg, "</div></div></div>\n");
	if (nflag + others > rows)
		h_fmt(pg, "<p class=\"note\">%zu more packages ran processes; they are in "
		      "<a href=\"#others\">Other packages</a>.</p>\n", nflag + others - rows);
	else if (!rows)
		h_raw(pg, "<p class=\"none\">No package ran a process.</p>\n");
	free(rest);
}

/* ---------- process tree ---------- */

struct tree {
	struct json_object *nodes;
	size_t n;
	int *first, *next, *last; /* children lists */
	int *below;               /* nodes listed in the subtree, itself not counted */
	bool *flag;               /* a flagged package's image in the subtree */
};

static int node_pk(struct page *pg, struct json_object *nd)
{
	struct json_object *pk = jget(nd, "package");
	int64_t v = json_object_get_int64(pk);

	return pk && json_object_is_type(pk, json_type_int) && v >= 0 && (size_t)v < pg->npk ? (int)v : -1;
}

/* A node: its line (click: exe and argv), then its children, shown when a
 * flagged package ran in the subtree or the tree is small, else folded
 * under one line saying how many processes it holds. */
static void tree_node(struct page *pg, const struct tree *t, int i, bool open_all)
{
	struct json_object *nd = jat(t->nodes, (size_t)i), *argv = jget(nd, "argv");
	int pk = node_pk(pg, nd);
	int64_t hidden = jint(nd, "hidden_children"), end = jint(nd, "end_ns");
	bool fold = !open_all && !t->flag[i];

	h_raw(pg, "<li>");
	if (jint(nd, "ancestors_hidden"))
		h_fmt(pg, "<div class=\"more\">⋯ %" PRId64 " processes between not shown</div>",
		      jint(nd, "ancestors_hidden"));
	h_raw(pg, "<details class=\"nd\"><summary>");
	h_chip(pg, pk, jstr(nd, "role"));
	h_raw(pg, " <code>");
	h_join(pg, argv, SHORT_ARGV);
	h_fmt(pg, "</code><span class=\"pid\">pid %" PRId64 " · ", jint(nd, "pid"));
	h_rel(pg, jint(nd, "start_ns"));
	if (end > jint(nd, "start_ns"))
		h_fmt(pg, " · %.3f&#8202;s", (double)(end - jint(nd, "start_ns")) / 1e9);
	else if (!end)
		h_raw(pg, " · still running");
	h_raw(pg, "</span></summary><div class=\"argv\">exe <code>");
	h_text(pg, jstr(nd, "exe") ? jstr(nd, "exe") : "?");
	h_raw(pg, "</code><br>argv ");
	h_codes(pg, argv);
	if (jbool(nd, "argv_cut"))
		h_raw(pg, " <span class=\"note\">(cut)</span>");
	h_raw(pg, "</div></details>");
	if (t->first[i] >= 0 || hidden) {
		if (fold)
			h_fmt(pg, "<details class=\"kids\"><summary class=\"more\">%d process%s below, "
			      "none of a flagged package</summary>", t->below[i], t->below[i] == 1 ? "" : "es");
		h_raw(pg, "<ul>");
		for (int c = t->first[i]; c >= 0; c = t->next[c])
			tree_node(pg, t, c, open_all);
		if (hidden)
			h_fmt(pg, "<li class=\"more\">%" PRId64 " more child process%s not shown</li>", hidden,
			      hidden == 1 ? "" : "es");
		h_raw(pg, fold ? "</ul></details>" : "</ul>");
	}
	h_raw(pg, "</li>\n");
}

static void tree_section(struct page *pg)
{
	struct json_object *pt = jget(pg->root, "process_tree");
	struct tree t = { .nodes = jget(pt, "nodes") };
	bool ok;

	t.n = jlen(t.nodes);
	t.first = malloc((t.n + 1) * sizeof(int));
	t.next = malloc((t.n + 1) * sizeof(int));
	t.last = malloc((t.n + 1) * sizeof(int));
	t.flag = calloc(t.n + 1, sizeof(bool));
	t.below = calloc(t.n + 1, sizeof(int));
	ok = t.first && t.next && t.last && t.flag && t.below;
	h_raw(pg, "<h2 id=\"tree\">Process tree <small>");
	if (pt)
		h_fmt(pg, "%" PRId64 " execs; %" PRId64 " shown", jint(pt, "execs"), jint(pt, "shown"));
	h_raw(pg, "; coloured by package, flagged packages in red; branches without a flagged package "
		  "are folded; click a line for its exe and argv</small></h2>\n");
	if (!ok || !t.n) {
		h_raw(pg, ok ? "<p class=\"none\">No process tree in this report.</p>\n" : "(out of memory)");
		goto cleanup;
	}
	for (size_t i = 0; i < t.n; i++)
		t.first[i] = t.next[i] = t.last[i] = -1;
	for (size_t i = 0; i < t.n; i++) {
		struct json_object *nd = jat(t.nodes, i), *par = jget(nd, "parent");
		int64_t p = json_object_get_int64(par);
		int pk = node_pk(pg, nd);

		t.flag[i] = pk >= 0 && pg->pk_sev[pk] >= SEV_LOW;
		/* a parent comes before its children; anything else is a root */
		if (!par || !json_object_is_type(par, json_type_int) || p < 0 || (size_t)p >= i)
			continue;
		if (t.last[p] >= 0)
			t.next[t.last[p]] = (int)i;
		else
			t.first[p] = (int)i;
		t.last[p] = (int)i;
	}
	for (size_t i = t.n; i-- > 0;) {
		int64_t p = json_object_get_int64(jget(jat(t.nodes, i), "parent"));

		if (p < 0 || (size_t)p >= i)
			continue;
		t.flag[p] |= t.flag[i];
		t.below[p] += 1 + t.below[i];
	}
	h_raw(pg, "<ul class=\"tree\">\n");
	for (size_t i = 0; i < t.n; i++) {
		int64_t p = json_object_get_int64(jget(jat(t.nodes, i), "parent"));
		struct json_object *par = jget(jat(t.nodes, i), "parent");

		if (!par || !json_object_is_type(par, json_type_int) || p < 0 || (size_t)p >= i)
			tree_node(pg, &t, (int)i, t.n <= 30);
	}
	h_raw(pg, "</ul>\n");
	if (jint(pt, "execs") > jint(pt, "shown"))
		h_fmt(pg, "<p class=\"note\">%" PRId64 " execs are not drawn: the report lists the flagged "
		      "packages' processes first, then the others in order, up to %" PRId64 ".</p>\n",
		      jint(pt, "execs") - jint(pt, "shown"), jint(pt, "shown"));
cleanup:
	free(t.first);
	free(t.next);
	free(t.last);
	free(t.flag);
	free(t.below);
}

/* ---------- everything else ---------- */

static void others_section(struct page *pg)
{
	size_t n = 0;

	for (size_t i = 0; i < pg->npk; i++)
		n += pg->pk_sev[i] < SEV_LOW;
	h_fmt(pg, "<h2 id=\"others\">Other packages <small>%zu with no finding above info</small></h2>\n", n);
	if (!n)
		return;
	h_fmt(pg, "<details class=\"card\"%s><summary>%zu packages: name, scripts, processes"
	      "<span class=\"meta\">click to open</span></summary><div class=\"body\">"
	      "<table><tr><th>package</th><th>kind</th><th>scripts</th><th>processes</th>"
	      "<th>network</th><th>findings</th></tr>\n", n <= 10 ? " open" : "", n);
	for (size_t i = 0; i < pg->npk; i++) {
		struct json_object *p = jat(pg->pkgs, i);
		struct json_object *sc = jget(p, "scripts");

		if (pg->pk_sev[i] >= SEV_LOW)
			continue;
		h_raw(pg, "<tr><td>");
		h_pkname(pg, (int)i);
		h_raw(pg, "</td><td>");
		h_text(pg, jstr(p, "kind"));
		h_raw(pg, "</td><td>");
		if (jlen(sc)) {
			h_raw(pg, "<code>");
			h_put(pg, json_object_get_string(jat(sc, 0)), 120, false);
			h_raw(pg, "</code>");
			if (jlen(sc) > 1)
				h_fmt(pg, " +%zu", jlen(sc) - 1);
		}
		if (jstr(p, "scripts_skipped")) {
			h_raw(pg, " skipped: ");
			h_put(pg, jstr(p, "scripts_skipped"), 120, false);
		}
		h_fmt(pg, "</td><td>%zu</td><td>%zu</td><td>", jlen(jget(p, "processes")),
		      jlen(jget(p, "network")) + jlen(jget(p, "dns")));
		h_raw(pg, pg->pk_sev[i] == SEV_INFO ? "info" : "");
		h_raw(pg, "</td></tr>\n");
	}
	h_raw(pg, "</table></div></details>\n");
}

/* f_package: the index in packages[] of the package finding f names, or -1. */
static int f_package(struct page *pg, struct json_object *f)
{
	const char *name = jstr(f, "package"), *ver = jstr(f, "version"), *eco = jstr(f, "ecosystem");

	if (!name)
		return -1;
	for (size_t i = 0; i < pg->npk; i++) {
		struct json_object *p = jat(pg->pkgs, i);
		const char *pn = jstr(p, "name"), *pv = jstr(p, "version"), *pe = jstr(p, "ecosystem");

		if (pn && !strcmp(pn, name) && (!ver) == (!pv) && (!ver || !strcmp(ver, pv)) &&
		    (!eco) == (!pe) && (!eco || !strcmp(eco, pe)))
			return (int)i;
	}
	return -1;
}

int report_html_json(struct json_object *root, FILE *out)
{
	struct page pg = { .out = out, .root = root };
	int *flagged = NULL, ret = -ENOMEM, verdict;
	struct json_object *tm;
	size_t nflag;

	pg.pkgs = jget(pg.root, "packages");
	pg.finds = jget(pg.root, "findings");
	pg.npk = jlen(pg.pkgs);
	pg.nf = jlen(pg.finds);
	pg.pk_sev = malloc((pg.npk + 1) * sizeof(int));
	pg.f_pk = malloc((pg.nf + 1) * sizeof(int));
	flagged = malloc((pg.npk + 1) * sizeof(int));
	if (!pg.pk_sev || !pg.f_pk || !flagged)
		goto cleanup;
	tm = jget(pg.root, "timings");
	pg.t0 = jint(tm, "start_ns");
	pg.t1 = jint(tm, "end_ns");
	for (size_t i = 0; i < pg.npk; i++)
		pg.pk_sev[i] = sev_of(jstr(jat(pg.pkgs, i), "max_severity"));
	for (size_t i = 0; i < pg.nf; i++) {
		struct json_object *f = jat(pg.finds, i), *ev = jget(f, "evidence");

		pg.f_pk[i] = f_package(&pg, f);
		/* a replayed damaged trace may end before its last evidence */
		for (size_t k = 0; k < jlen(ev); k++)
			if (jint(jat(ev, k), "time_ns") > pg.t1)
				pg.t1 = jint(jat(ev, k), "time_ns");
	}
	verdict = sev_of(jstr(jget(pg.root, "summary"), "max_severity"));
	nflag = order_flagged(&pg, flagged);
	head(&pg, verdict);
	header(&pg, verdict);
	packages_section(&pg, flagged, nflag);
	network_section(&pg, flagged, nflag);
	files_section(&pg, flagged, nflag);
	timeline_section(&pg, flagged, nflag);
	tree_section(&pg);
	others_section(&pg);
	h_raw(&pg, "<footer>pkgtrace ");
	h_text(&pg, jstr(pg.root, "pkgtrace_version") ? jstr(pg.root, "pkgtrace_version") : "?");
	h_raw(&pg, " · one self-contained page: no script, no network load (its Content-Security-Policy "
	       "forbids both). The JSON report (--report) has every item; this page is drawn from it."
	       "</footer>\n</main></body></html>\n");
	ret = ferror(out) ? -EIO : 0;
cleanup:
	free(flagged);
	free(pg.pk_sev);
	free(pg.f_pk);
	free(pg.buf);
	return ret;
}

int report_html(const struct report *r, FILE *out)
{
	struct json_object *root = report_json(r);
	int ret;

	if (!root)
		return -ENOMEM;
	ret = report_html_json(root, out);
	json_object_put(root);
	return ret;
}
