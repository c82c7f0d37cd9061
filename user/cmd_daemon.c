// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* STUB: replaced by the node-wide daemon (issue 5). */
#include "cmds.h"
#include "err.h"

int cmd_daemon(int argc, char **argv)
{
	(void)argc; (void)argv;
	p_err("daemon: not implemented yet");
	return PT_EXIT_INTERNAL;
}
