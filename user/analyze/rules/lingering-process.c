// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* lingering-process: a process of the install still ran when it ended
 * (high for a package's, medium for anyone else's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"

void lingering_process_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	size_t n;
	struct proc **alive = proc_alive(an, fc->si->root_pid, &n);

	for (size_t i = 0; i < n; i++) {
		struct proc *p = alive[i];
		char summary[512];
		struct evidence *e;

		prof_add(an, p->owner, PS_LINGERING, p->cmd ? p->cmd : "?");
		snprintf(summary, sizeof(summary), "%s left a process running after the install: %.200s",
			 owner_label(an, p->owner), p->cmd ? p->cmd : "?");
		e = evidence_add(finding_add(an, R_LINGERING_PROCESS,
					     owner_is_package(an, p->owner) ? SEV_HIGH : SEV_MEDIUM, p->owner, "",
					     summary),
				 p->pid, p->time_ns, "alive");
		if (e && p->cmd) {
			e->argv = xstrdup(an, p->cmd);
			e->argv_len = strlen(p->cmd) + 1;
		}
	}
	free(alive);
}
