/*
 * session.h - what userspace knows about one traced session (one install)
 * besides its events.  It is recorded in the trace, so replay judges with
 * exactly the context the live run had.
 */
#ifndef PKGTRACE_SESSION_H
#define PKGTRACE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_MONITOR_MAPS 32

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
	uint32_t survivors;   /* processes of the tree still running at end_ns */
	uint32_t survivors_traced_ms; /* how long they were traced after the grace period */
	uint8_t survivor_fate;    /* enum survivor_fate: what became of them */
	/* The monitor itself, so the analysis can tell an attack on it
	 * (monitor-tamper): the collector's host pid (0 unknown) and the ids
	 * of pkgtrace's own BPF maps. */
	uint32_t collector_pid;
	int nmonitor_maps;
	uint32_t monitor_maps[SESSION_MONITOR_MAPS];
	/* What the install ran under (issue 15; trace format 1.2). */
	uint32_t enforce;     /* SESSION_ENF_* */
	uint32_t run_uid, run_gid; /* SESSION_ENF_USER: the install's identity */
	char *run_user;       /* its login name */
	int nhidden;
	char **hidden;        /* SESSION_ENF_SHIELD: the stores hidden, "~/.ssh"... */
};

#define SESSION_ENF_SECCOMP 1u /* --enforce: the seccomp filter */
#define SESSION_ENF_USER 2u    /* the install ran as run_uid (--user or sudo's caller) */
#define SESSION_ENF_SHIELD 4u  /* --shield */

/* What pkgtrace did with the survivors at the end (pkgtrace -- CMD). */
enum survivor_fate {
	SURVIVORS_NONE = 0,         /* none, or not pkgtrace's to end (daemon) */
	SURVIVORS_KILLED = 1,       /* killed with the install's PID namespace */
	SURVIVORS_LEFT_RUNNING = 2, /* --keep-survivors: left running, untraced */
};

/*
 * session.c is the one owner of a session_info's memory: every string and
 * array in it is malloc'd, set through these functions or by sessenv_filter()
 * (env) and the trace reader, and freed by session_free() alone.
 */

/* session_init: si emptied, then what this host says: hostname and kernel
 * (uname), the boot-to-wall-clock offset; exit_status -1 (unknown).
 * Returns 0, or -errno with si empty. */
int session_init(struct session_info *si);

/* session_set_argv: si->argv a copy of the argc strings of argv.  Returns 0
 * or -ENOMEM (si->argv then holds what was copied, for session_free). */
int session_set_argv(struct session_info *si, int argc, char *const *argv);

/* session_set_argv_nul: si->argv from the NUL-separated strings in buf/len
 * (a last string cut without its NUL included).  Returns 0 or -ENOMEM. */
int session_set_argv_nul(struct session_info *si, const char *buf, size_t len);

/* session_copy: dst a deep copy of src.  Returns 0, or -ENOMEM with dst
 * empty. */
int session_copy(struct session_info *dst, const struct session_info *src);

/* session_free: frees si's strings and arrays (not si) and empties it, so
 * a second call does nothing.  NULL is fine. */
void session_free(struct session_info *si);

/* session_getenv: the value of KEY in si->env, or NULL. */
const char *session_getenv(const struct session_info *si, const char *key);

#endif
