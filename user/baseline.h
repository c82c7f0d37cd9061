/*
 * baseline.h - the pure-library baseline (baseline/default.json, or
 * --baseline FILE): lists of globs and names the rules consult.  Loading is
 * in analyze.h (baseline_load/baseline_free); this is the query side.
 */
#ifndef PKGTRACE_BASELINE_H
#define PKGTRACE_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

enum bl_list {
	BL_PM_WRITE,        /* package_manager.write: path globs */
	BL_SCRIPT_EXEC,     /* script.exec: basename globs a build may run */
	BL_SCRIPT_WRITE,    /* script.write: path globs a script may write */
	BL_NET_TOOLS,       /* unexpected_exec.network_tools */
	BL_SYS_TOOLS,       /* unexpected_exec.system_tools */
	BL_INTERPRETERS,    /* unexpected_exec.interpreters */
	BL_PAYLOAD_MARKERS, /* unexpected_exec.payload_markers: substrings */
	BL_WELL_KNOWN,      /* well_known_commands */
	BL_BENIGN_PTH,      /* benign_pth: basename globs */
	BL_NLISTS
};

/* Values of the placeholders {project}, {home}, {tmp}, {own} in globs;
 * a NULL value makes every glob using it fail to match. */
struct bl_vars {
	const char *project, *home, *tmp, *own;
};

/* baseline_match: true when s matches one glob of list (fnmatch without
 * FNM_PATHNAME, so '*' crosses '/'), placeholders expanded from vars. */
bool baseline_match(const struct baseline *bl, enum bl_list list, const char *s,
		    const struct bl_vars *vars);

/* baseline_contains: true when one entry of list is a substring of s. */
bool baseline_contains(const struct baseline *bl, enum bl_list list, const char *s);

/* baseline_parse: like baseline_load, from a NUL-terminated JSON text;
 * name is used in the error line. */
struct baseline *baseline_parse(const char *text, const char *name, char *err, size_t errlen);

#endif
