/*
 * daemon/sesscmds.h - the commands that start a session (--session-cmds):
 * parsed and normalised once, given to the kernel (which matches execs),
 * and matched here too against processes found in /proc.
 *
 * A spec is "prog word...": a program's basename with its version suffix
 * cut (pip3.11 is pip, python3.12 is python), then up to two words that
 * must follow it.  The kernel key is 16 bytes: at most SESSCMD_MAX chars.
 */
#ifndef PKGTRACE_DAEMON_SESSCMDS_H
#define PKGTRACE_DAEMON_SESSCMDS_H

#include <stdbool.h>
#include "session.h"

#define SESSCMD_MAX 14        /* the kernel key is 16 bytes, see the BPF side */
#define SESSCMDS_MAX 64       /* entries of the kernel's session_cmds map */

struct sesscmds;

/* sesscmds_new: the comma-separated list, each spec normalised, duplicates
 * dropped.  Returns 0 and *out, -ENOMEM, or PT_EXIT_USAGE with the problem
 * reported (p_usage). */
int sesscmds_new(const char *list, struct sesscmds **out);
void sesscmds_free(struct sesscmds *c);

/* sesscmds_list: the normalised specs, NULL-terminated, in the order
 * given; valid until sesscmds_free(). */
const char *const *sesscmds_list(const struct sesscmds *c);

/* sesscmds_match: the userspace twin of the kernel match, for processes
 * found in /proc: one of the first `first` of the n words w (interpreter,
 * its argument, script) is a session program, alone or followed by its
 * spec's words.  A title rewritten into one string ("npm ci") is split
 * into words by the caller. */
bool sesscmds_match(const struct sesscmds *c, char **w, int n, int first);

/* sesscmds_trim_interpreter: si->argv without the #! interpreter words
 * before the program (["/usr/bin/env", "node", "/usr/bin/npm", "ci"]
 * becomes ["/usr/bin/npm", "ci"]), the command as typed. */
void sesscmds_trim_interpreter(const struct sesscmds *c, struct session_info *si);

#endif
