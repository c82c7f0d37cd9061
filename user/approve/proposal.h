/*
 * proposal.h - the approvals `pkgtrace approve` proposes, written in the
 * package manager's own format, into the project's own file:
 *   npm   package.json allowScripts: "name@version": true (pinned, as
 *         `npm install-scripts approve` writes), "name": false to deny
 *   pnpm  onlyBuiltDependencies: "name@version", in pnpm-workspace.yaml
 *         when the project has one, else package.json's "pnpm" object
 *   bun   package.json trustedDependencies: "name" (bun takes names only)
 *   yarn  package.json dependenciesMeta: "name@version": {"built": true},
 *         "name": {"built": false} to deny (yarn berry; yarn classic has
 *         no list)
 * Only the list's own entries change; the rest of the file stays as it
 * was, byte for byte.  A package denied by an entry already there is never
 * approved again (npm's rule: a false entry wins).
 */
#ifndef PKGTRACE_PROPOSAL_H
#define PKGTRACE_PROPOSAL_H

#include <stdio.h>
#include "approve/verdict.h"

enum pm_kind { PM_NPM = 0, PM_PNPM, PM_BUN, PM_YARN };

/* pm_kind_parse: "npm", "pnpm", "bun", "yarn" (also as a command's base
 * name, "npx" and "bunx" included); -1 otherwise. */
int pm_kind_parse(const char *name);
const char *pm_kind_name(int pm);

struct proposal {
	const char *file;       /* relative to the project: "package.json", ... */
	char *old_text, *new_text;
	size_t approved, denied; /* entries added */
	size_t kept_denied;      /* approvals not made: denied already */
};

/* proposal_make: the new text of the project's approval file for the
 * packages of l.  Returns 0 and fills *out; -ENOENT no package.json;
 * -EINVAL the file is not JSON (or the YAML list is in a form this does
 * not edit: flow style); -ENOMEM. */
int proposal_make(int pm, const char *project, const struct approve_list *l, struct proposal *out);

void proposal_free(struct proposal *p);

/* proposal_changed: does the new text differ from the old? */
bool proposal_changed(const struct proposal *p);

/* proposal_print_diff: a unified diff (one hunk, 3 lines of context) of
 * the file, as `diff -u` would print it. */
void proposal_print_diff(FILE *f, const struct proposal *p);

/* proposal_write: replaces the file atomically (a temporary file in the
 * same folder, its mode kept, then rename).  Returns 0 or -errno. */
int proposal_write(const char *project, const struct proposal *p);

#endif
