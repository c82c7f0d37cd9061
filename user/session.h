/*
 * session.h - what userspace knows about one traced session (one install)
 * besides its events.  It is recorded in the trace, so replay judges with
 * exactly the context the live run had.
 */
#ifndef PKGTRACE_SESSION_H
#define PKGTRACE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

struct session_info {
	int argc;
	char **argv;          /* the traced command */
	char *cwd;            /* its working directory */
	int envc;
	char **env;           /* KEY=VALUE: the variables the analysis may use */
	char *hostname;
	char *kernel;         /* uname -r */
	uint64_t boot_offset_ns;  /* wall-clock ns = boot ns + boot_offset_ns */
	uint64_t start_ns;    /* boot ns when tracing started */
	uint64_t end_ns;      /* boot ns when the command (and grace) ended */
	uint32_t root_pid;    /* host tgid of the command, 0 when unknown */
	int exit_status;      /* raw wait status of the command; -1 when unknown */
	uint64_t events;      /* records seen */
	uint64_t drops;       /* records the kernel could not deliver */
	bool interrupted;     /* ended by a signal to pkgtrace, not by the command */
	bool partial;         /* tracing started after the command did */
};

/* session_getenv: the value of KEY in si->env, or NULL. */
const char *session_getenv(const struct session_info *si, const char *key);

#endif
