/*
 * pkgjson.h - the few fields of a package.json the analysis reads, taken
 * without building a JSON tree.
 *
 * A report reads the package.json of every installed package (513 for a
 * mid-sized project); json-c parsing them whole was a quarter of a replay.
 * The scanner reads strict JSON only and declines anything it cannot read
 * with certainty, so the caller falls back to json-c and the answer is
 * always json-c's.
 */
#ifndef PKGTRACE_PKGJSON_H
#define PKGTRACE_PKGJSON_H

struct pkgjson {
	char *name;       /* top-level "name", NULL when absent */
	char *version;    /* top-level "version", NULL when absent */
	unsigned scripts; /* bit k: scripts[k] is a key of the "scripts" object */
};

/*
 * pkgjson_scan - fill out from text, a package.json.  scripts is a
 * NULL-terminated list of at most 32 script names to look for.
 * Returns 0; -EINVAL when text is not strict JSON, not an object, or holds
 * something the scanner leaves to a full parser (an escape in a key or in
 * a field it returns, a non-string name or version, a big number, nesting
 * deeper than json-c's limit, bytes after the object); -ENOMEM.  On error
 * out is left empty.  Free with pkgjson_clear().
 */
int pkgjson_scan(const char *text, const char *const *scripts, struct pkgjson *out);

/* pkgjson_clear - free what pkgjson_scan() allocated; out is left empty. */
void pkgjson_clear(struct pkgjson *out);

#endif
