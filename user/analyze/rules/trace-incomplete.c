// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* trace-incomplete: the report may miss something: the kernel dropped
 * events (high: a flood is a way to hide a deed among lost records, and
 * the default --fail-on high must fail such an install closed), tracing
 * started late (medium), or pkgtrace was interrupted (low). */
#include <stdio.h>
#include "rules.h"

void trace_incomplete_on_finish(struct analyzer *an, const struct finish_ctx *fc)
{
	const struct session_info *si = fc->si;
	char summary[256];

	if (si->drops) {
		snprintf(summary, sizeof(summary), "%llu events were dropped by the kernel; the report may miss behaviour",
			 (unsigned long long)si->drops);
		evidence_event(an, finding_add(an, R_TRACE_INCOMPLETE, SEV_HIGH, -1, "drops", summary),
			       NULL, NULL, NULL, NULL);
	}
	if (si->partial)
		evidence_event(an, finding_add(an, R_TRACE_INCOMPLETE, SEV_MEDIUM, -1, "partial",
					       "tracing started after the command did; its first steps are missing"),
			       NULL, NULL, NULL, NULL);
	if (si->interrupted)
		evidence_event(an, finding_add(an, R_TRACE_INCOMPLETE, SEV_LOW, -1, "interrupted",
					       "pkgtrace was interrupted before the command ended"),
			       NULL, NULL, NULL, NULL);
}
