// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* install-script: a dependency ran a lifecycle script or a build hook
 * (info: the fact, for the approvals list; what it did has rules of its own). */
#include <stdio.h>
#include "rules.h"

void install_script_on_script(struct analyzer *an, const struct act *a)
{
	char summary[512];
	struct finding *f;

	if (!owner_is_package(an, a->script_owner))
		return;
	snprintf(summary, sizeof(summary), "%s ran its %s script", owner_label(an, a->script_owner), a->script);
	f = finding_add(an, R_INSTALL_SCRIPT, SEV_INFO, a->script_owner, a->script, summary);
	evidence_event(an, f, a->v, a->v->field[0], NULL, NULL);
}
