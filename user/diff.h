/*
 * diff.h - what changed between two installs, package by package
 * (pkgtrace diff, and the report's "new_since" under --compare): the
 * diff object of schemas/diff.schema.json, built from two behaviour sets
 * (behaviour.h) and written as text, Markdown or JSON (report/diff.c).
 */
#ifndef PKGTRACE_DIFF_H
#define PKGTRACE_DIFF_H

#include <stdbool.h>
#include <stdio.h>

struct baseline;
struct bh_set;
struct json_object;

enum diff_format { DIFF_TEXT = 0, DIFF_JSON, DIFF_MARKDOWN };

/* diff_format_parse: "text", "json" or "markdown"; -1 when unknown. */
int diff_format_parse(const char *s);

/* diff_load: the behaviour sets of the report or trace at path, told apart
 * by content (a trace starts with its PKGTRACE magic, a report is JSON); a
 * trace is judged first as `pkgtrace replay` does, with bl.  *is_trace
 * says which it was.  Returns 0 and *out, or an exit status with one line
 * on stderr: PT_EXIT_NOINPUT (missing or unreadable), PT_EXIT_BAD_INPUT
 * (neither, malformed, or a damaged trace), PT_EXIT_INTERNAL. */
int diff_load(const char *path, const struct baseline *bl, struct bh_set **out, bool *is_trace);

/* diff_ecosystems_disjoint: both sets have packages of a known ecosystem
 * and none in common (an npm report against a pip one); then names the
 * first of each in old_eco/new_eco. */
bool diff_ecosystems_disjoint(const struct bh_set *old, const struct bh_set *new,
			      const char **old_eco, const char **new_eco);

/* diff_build: the diff object old -> new; old_label and new_label name
 * them (file names, "this run").  *max_new_sev: the highest severity of
 * what is new in an added or changed package (-1: nothing new that a
 * finding names; -2: nothing new at all).  NULL on allocation failure. */
struct json_object *diff_build(const struct bh_set *old, const struct bh_set *new,
			       const char *old_label, const char *new_label, int *max_new_sev);

/* diff_write: the diff object as text (colour when color), Markdown or
 * pretty JSON.  0 or -EIO. */
int diff_write(const struct json_object *diff, FILE *out, enum diff_format fmt, bool color);

/* diff_write_section: the text report's closing "New since OLD" section
 * of a --compare run. 0 or -EIO. */
int diff_write_section(const struct json_object *diff, FILE *out, bool color);

#endif
