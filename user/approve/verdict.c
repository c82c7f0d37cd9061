// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * verdict.c - a verdict and one line per package with install scripts,
 * from the trial install's report.  See verdict.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyze.h"
#include "approve/verdict.h"

#define DID_ITEMS_MAX 4 /* per kind of behaviour, in the one line */

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *jarr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

static bool same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* put_path: p with the home and project folders shown short; a
 * "category /path" entry (files_read) keeps its category. */
static void put_path(FILE *f, const char *p, const char *home, const char *project)
{
	const char *sp = strstr(p, " /");
	size_t n;

	if (p[0] != '/' && sp) {
		fprintf(f, "%.*s ", (int)(sp - p), p);
		p = sp + 1;
	}

	if (project && (n = strlen(project)) && !strncmp(p, project, n) && (p[n] == '/' || !p[n]))
		fprintf(f, "<project>%s", p + n);
	else if (home && (n = strlen(home)) > 1 && !strncmp(p, home, n) && (p[n] == '/' || !p[n]))
		fprintf(f, "~%s", p + n);
	else
		fputs(p, f);
}

/* put_list: "; LABEL a, b, c (+N more)" of a package's string array;
 * prog: the first word's base name only (processes), unique. */
static bool put_list(FILE *f, struct json_object *pkg, const char *key, const char *label, bool prog,
		     const char *home, const char *project)
{
	struct json_object *a = jarr(pkg, key);
	size_t n = a ? json_object_array_length(a) : 0, shown = 0, more = 0;
	const char *seen[DID_ITEMS_MAX];

	if (!n)
		return false;
	fprintf(f, "; %s ", label);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		char word[128];
		bool dup = false;

		if (!s)
			continue;
		if (prog) {
			size_t l = strcspn(s, " ");
			const char *slash = memrchr(s, '/', l);

			if (slash) {
				l -= (size_t)(slash + 1 - s);
				s = slash + 1;
			}
			snprintf(word, sizeof(word), "%.*s", (int)l, s);
			for (size_t k = 0; k < shown; k++)
				dup |= !strcmp(seen[k], word);
			if (dup)
				continue;
		}
		if (shown == DID_ITEMS_MAX) {
			more++;
			continue;
		}
		fputs(shown ? ", " : "", f);
		if (prog) {
			fputs(word, f);
			seen[shown] = strndup(word, sizeof(word));
		} else {
			put_path(f, s, home, project);
		}
		shown++;
	}
	if (more)
		fprintf(f, " (+%zu more)", more);
	if (prog)
		for (size_t k = 0; k < shown; k++)
			free((char *)seen[k]);
	return true;
}

/* did_line: one line of what the package's scripts did. */
static char *did_line(struct json_object *pkg, const char *home, const char *project)
{
	struct json_object *scripts = jarr(pkg, "scripts");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool outside = false;

	if (!f)
		return NULL;
	if (scripts && json_object_array_length(scripts)) {
		const char *s = json_object_get_string(json_object_array_get_idx(scripts, 0));
		size_t n = json_object_array_length(scripts);

		fprintf(f, "%s", s ? s : "");
		if (n > 1)
			fprintf(f, " (+%zu scripts)", n - 1);
	} else {
		fprintf(f, "scripts did not run: %s", jstr(pkg, "scripts_skipped") ?: "?");
	}
	put_list(f, pkg, "processes", "ran", true, home, project);
	outside |= put_list(f, pkg, "network", "connected to", false, home, project);
	outside |= put_list(f, pkg, "dns", "looked up", false, home, project);
	outside |= put_list(f, pkg, "files_read", "read", false, home, project);
	outside |= put_list(f, pkg, "files_written", "wrote outside its folder", false, home, project);
	outside |= put_list(f, pkg, "executables", "made executable", false, home, project);
	outside |= put_list(f, pkg, "listen", "listened on", false, home, project);
	outside |= put_list(f, pkg, "lingering", "left running", false, home, project);
	if (!outside)
		fputs("; nothing outside its own folder", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* judge: the verdict from the package's findings but install-script. */
static int judge(struct json_object *findings, struct approve_pkg *p)
{
	size_t n = findings ? json_object_array_length(findings) : 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool first = true;

	if (!f)
		return -ENOMEM;
	p->max_sev = -1;
	for (size_t i = 0; i < n; i++) {
		struct json_object *fd = json_object_array_get_idx(findings, i), *sup;
		const char *rule = jstr(fd, "rule"), *action = jstr(fd, "action");
		int sev = severity_parse(jstr(fd, "severity") ?: "");

		if (!same(jstr(fd, "package"), p->name) || !same(jstr(fd, "version"), p->version) ||
		    !same(jstr(fd, "ecosystem"), p->eco))
			continue;
		if (!rule || !strcmp(rule, "install-script") || sev < 0)
			continue;
		if (json_object_object_get_ex(fd, "suppressed", &sup) && sup &&
		    !json_object_is_type(sup, json_type_null))
			continue; /* the user's policy accepted it */
		if (sev > p->max_sev)
			p->max_sev = sev;
		if (sev >= SEV_LOW) {
			fprintf(f, "%s%s%s%s (%s): %s", first ? "" : "; ", action ? action : "",
				action ? " " : "", rule, severity_name(sev), jstr(fd, "summary") ?: "");
			first = false;
		}
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	p->why = buf;
	p->verdict = p->max_sev >= SEV_HIGH ? AV_DENY : p->max_sev >= SEV_LOW ? AV_REVIEW : AV_APPROVE;
	return 0;
}

int approve_list_from_report(struct json_object *report, const char *home, const char *project,
			     struct approve_list *out)
{
	struct json_object *pkgs = jarr(report, "packages"), *findings = jarr(report, "findings");
	size_t n;
	int err = 0;

	*out = (struct approve_list){ 0 };
	if (!pkgs)
		return -EINVAL;
	n = json_object_array_length(pkgs);
	out->pkg = calloc(n ? n : 1, sizeof(*out->pkg));
	if (!out->pkg)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *pkg = json_object_array_get_idx(pkgs, i), *scripts = jarr(pkg, "scripts");
		struct approve_pkg *p = &out->pkg[out->n];

		if (!same(jstr(pkg, "kind"), "dependency") || !jstr(pkg, "name"))
			continue;
		if (!(scripts && json_object_array_length(scripts)) && !jstr(pkg, "scripts_skipped"))
			continue;
		p->eco = jstr(pkg, "ecosystem");
		p->name = jstr(pkg, "name");
		p->version = jstr(pkg, "version");
		p->pm = jstr(pkg, "package_manager");
		p->did = did_line(pkg, home, project);
		err = p->did ? judge(findings, p) : -ENOMEM;
		out->n++;
		if (err)
			break;
	}
	if (err)
		approve_list_free(out);
	return err;
}

void approve_list_free(struct approve_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->pkg[i].did);
		free(l->pkg[i].why);
	}
	free(l->pkg);
	*l = (struct approve_list){ 0 };
}

const char *approve_verdict_name(int verdict)
{
	return verdict == AV_DENY ? "deny" : verdict == AV_REVIEW ? "review" : "approve";
}
