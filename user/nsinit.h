/*
 * nsinit.h - the traced command's own PID namespace and the small init that
 * is its pid 1 (used by cmd_run.c).
 *
 * Why: the install must not be able to stop its collector, and must not
 * outlive it.  Inside the namespace the collector has no pid (kill, ptrace,
 * pidfd_open and process_vm_* name processes by pids of the caller's
 * namespace), the init ignores every signal sent from inside (the kernel
 * drops SIGKILL to a namespace's init from its own namespace), and the
 * install runs in a process group of its own, so kill(0, ...) does not
 * reach the collector either.  The init dies with the collector
 * (PR_SET_PDEATHSIG), and when a namespace's init dies the kernel kills
 * every process in it: nothing of the install runs on untraced.
 *
 * The init is not part of the traced tree: it forks the command's process
 * before that process registers itself as the tree's root, and it runs no
 * code of the install's.  /proc is the host's (not remounted): a process
 * sees its own pid through /proc/self, but /proc/<getpid()> is another
 * process (see README, "Threat model").
 */
#ifndef PKGTRACE_NSINIT_H
#define PKGTRACE_NSINIT_H

#include <stdbool.h>
#include <sys/types.h>

struct nsinit;

/* Runs in the command's process (pid 2 of the namespace, signals at their
 * defaults, the caller's signal mask); must not return. */
typedef void (*nsinit_child_fn)(void *arg);

/* What nsinit_next() found. */
enum nsinit_event {
	NSINIT_NONE = 0,     /* nothing (more) to read now */
	NSINIT_EXITED,       /* the command ended: value is its wait status */
	NSINIT_TTY_SIGNAL,   /* the terminal sent SIGINT/SIGTERM/SIGHUP/SIGQUIT
			      * (value) to the install's process group */
	NSINIT_GONE,         /* the init is gone (killed from outside): the
			      * whole install is gone with it */
};

/* nsinit_start: a new PID namespace whose init runs fn(arg) in a forked
 * child and reaps every orphan of the namespace.  The install's process
 * group is the init's; when the caller's group owns the controlling
 * terminal, the terminal is handed to the install's group until the
 * command exits (^C and ^Z reach the install; a stop of the install stops
 * the caller's job too, as a shell expects).  Must be called while the
 * caller has no other children it cares about and forks nothing after it
 * (unshare(CLONE_NEWPID) puts the caller's later children in the new
 * namespace).  Returns 0 and sets *out, or -errno (-EPERM: no privilege
 * for a PID namespace). */
int nsinit_start(nsinit_child_fn fn, void *arg, struct nsinit **out);

/* nsinit_pid: the init's pid in the caller's namespace (also the process
 * group id of the install), 0 once ended. */
pid_t nsinit_pid(const struct nsinit *n);

/* nsinit_fd: readable when the init has something to say (for poll/epoll);
 * -1 once the init is gone. */
int nsinit_fd(const struct nsinit *n);

/* nsinit_next: the next thing the init said, without blocking; *value as
 * the enum says.  A stop of the install (^Z, or a background read of the
 * terminal) is handled inside: the caller's job stops and, once continued,
 * the install is continued too. */
enum nsinit_event nsinit_next(struct nsinit *n, int *value);

/* nsinit_end: ends the namespace.  keep false: the init exits, the kernel
 * kills every process left in the namespace, and this returns once all of
 * them are gone.  keep true: the init stays (no longer tied to the caller's
 * life) and reaps until the namespace is empty; its survivors run on
 * untraced.  Returns 0 or -errno.  Later calls do nothing. */
int nsinit_end(struct nsinit *n, bool keep);

/* nsinit_free: nsinit_end(n, false) if not ended, then frees.  NULL is fine. */
void nsinit_free(struct nsinit *n);

#endif
