// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* fileless-exec: anyone in the install executed a memfd or a deleted
 * file (or through /proc/self/fd, /dev/fd): code that was never on disk. */
#include <stdio.h>
#include <string.h>
#include "rules.h"

void fileless_exec_on_exec(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	const char *exe = a->exe;
	char summary[512];

	if (!(ev->flags & (PT_F_MEMFD | PT_F_DELETED)) &&
	    !(exe && (!strncmp(exe, "/memfd:", 7) || !strncmp(exe, "/proc/self/fd/", 14) ||
		      !strncmp(exe, "/dev/fd/", 8))))
		return;
	snprintf(summary, sizeof(summary), "%s executed a %s: %s", owner_label(an, a->p->owner),
		 ev->flags & PT_F_MEMFD || (exe && !strncmp(exe, "/memfd:", 7)) ? "memfd" : "deleted file",
		 exe ? exe : "?");
	evidence_event(an, finding_add(an, R_FILELESS_EXEC, SEV_CRITICAL, a->p->owner, "", summary), a->v,
		       exe, NULL, NULL);
}
