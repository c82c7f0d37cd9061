// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* STUB: replaced by record and replay (issue 4). */
#include "cmds.h"
#include "err.h"

int cmd_replay(int argc, char **argv)
{
	(void)argc; (void)argv;
	p_err("replay: not implemented yet");
	return PT_EXIT_INTERNAL;
}
