/*
 * err.h - the one error reporter.  One line on stderr ("pkgtrace: ..."), or,
 * with --json errors, one JSON object {"error": "..."} on stderr.
 */
#ifndef PKGTRACE_ERR_H
#define PKGTRACE_ERR_H

#include <stdbool.h>

/* Exit codes: part of the public interface, listed in the README. */
enum pt_exit {
	PT_EXIT_OK = 0,
	PT_EXIT_USAGE = 2,        /* bad arguments */
	PT_EXIT_FINDINGS = 10,    /* findings at or above --fail-on */
	PT_EXIT_BAD_INPUT = 65,   /* malformed trace, baseline or other input file */
	PT_EXIT_NOINPUT = 66,     /* an input file missing or unreadable (diff, --compare, approve's package.json) */
	PT_EXIT_NOUSER = 67,      /* --user names no such user or group (EX_NOUSER) */
	PT_EXIT_NOHOST = 68,      /* --enforce: a registry or --allow host does not resolve */
	PT_EXIT_UNAVAILABLE = 69, /* enforcement asked for, this machine cannot do it */
	PT_EXIT_NOPERM = 77,      /* not root / missing capability */
	PT_EXIT_NOBPF = 78,       /* BPF could not be loaded or attached */
	PT_EXIT_INTERNAL = 125,   /* pkgtrace itself failed */
	PT_EXIT_NOEXEC = 126,     /* command found but not executable */
	PT_EXIT_NOTFOUND = 127,   /* command not found */
};

extern bool err_json;
extern int verbose;

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* p_usage: a bad argument.  Says what is wrong on one line as p_err does
 * ("pkgtrace: ..."), then the command's one-line synopsis ("Usage: " and
 * synopsis) on the next; with --json-errors, one JSON object
 * {"error": ..., "usage": ...} on one line.  Returns PT_EXIT_USAGE, so a
 * parser can "return p_usage(...)" straight to its command's exit status. */
int p_usage(const char *synopsis, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
