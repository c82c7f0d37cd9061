/*
 * verdict.h - what `pkgtrace approve` proposes for each package with an
 * install script, read from the trial install's JSON report (the report
 * schema, schemas/report.schema.json): one line of what it did and a
 * verdict.
 */
#ifndef PKGTRACE_VERDICT_H
#define PKGTRACE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum approve_verdict {
	AV_APPROVE = 0, /* only what a build in its own folder does */
	AV_REVIEW,      /* findings of low or medium severity */
	AV_DENY,        /* findings of high severity or above */
};

struct approve_pkg {
	const char *eco, *name, *version; /* borrowed from the report */
	const char *pm;        /* the package manager that installed it, or NULL */
	int verdict;           /* enum approve_verdict */
	int max_sev;           /* highest finding counted, -1 none */
	char *did;             /* one line: what its scripts did */
	char *why;             /* the findings behind review/deny, "; "-joined */
};

struct approve_list {
	struct approve_pkg *pkg;
	size_t n;
};

/* approve_list_from_report: one entry per dependency of the report whose
 * install scripts ran (or were skipped), in the report's order.  home and
 * project, when not NULL, are shown as "~" and "<project>" in the lines.
 * The install-script finding itself, which every such package has, does
 * not count towards the verdict; every other finding does, by severity.
 * Borrows strings from report, which must outlive the list.  Returns 0
 * and fills *out, or -EINVAL (not a report: no packages array), -ENOMEM. */
int approve_list_from_report(struct json_object *report, const char *home, const char *project,
			     struct approve_list *out);

/* approve_list_free: frees what approve_list_from_report made. */
void approve_list_free(struct approve_list *l);

/* approve_verdict_name: "approve", "review" or "deny". */
const char *approve_verdict_name(int verdict);

#endif
