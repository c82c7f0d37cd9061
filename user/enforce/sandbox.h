/*
 * sandbox.h - what pkgtrace does to the install's own process before it
 * execs the command (issue 15, items 3-5): a seccomp filter (--enforce),
 * another user's identity (--user, or SUDO_UID under sudo), and a private
 * mount namespace hiding the credential stores (--shield).
 *
 * Order in the child (cmd_run.c): shield (needs CAP_SYS_ADMIN), privdrop
 * (gives up root), seccomp (no_new_privs, then the filter), exec.  The
 * collector stays root in the host's namespaces.
 */
#ifndef PKGTRACE_SANDBOX_H
#define PKGTRACE_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- seccomp.c --------------------------------------------------------- */

/* The errno every refusal returns.  ENOSYS ("not implemented here") is
 * what makes callers fall back (glibc's clone3 -> clone, libuv's io_uring
 * -> epoll and its thread pool), and the BPF side tells a refusal from a
 * real failure by it: none of the refused calls returns ENOSYS on a
 * kernel that has them (see seccomp.c). */
#define SANDBOX_REFUSE_ERRNO 38 /* ENOSYS */

/* seccomp_install: no_new_privs, then the filter, for the calling thread
 * and everything it will start (inherited across fork and exec, and no
 * call removes it).  Returns 0 or -errno (-EINVAL: the kernel has no
 * seccomp filters). */
int seccomp_install(void);

/* seccomp_available: 0 when this kernel can filter system calls, else
 * -errno (checked by the collector before it starts anything). */
int seccomp_available(void);

/* seccomp_refused_names: the NULL-terminated names of the calls the filter
 * refuses, for the report ("ia32" and "x32" stand for the whole ABIs). */
const char *const *seccomp_refused_names(void);

/* seccomp_refusable: the native syscall numbers whose ENOSYS is a refusal
 * (the BPF side's table, set by probe.c before load); *n their count.
 * clone3 is refused but not listed: glibc falls back to clone on every
 * thread and spawn, so its refusal is routing, not a behaviour. */
const int *seccomp_refusable(int *n);

/* seccomp_call_name: the name of native syscall nr, or NULL. */
const char *seccomp_call_name(long nr);

/* ---- privdrop.c -------------------------------------------------------- */

struct privdrop {
	bool active;        /* switch identity in the child */
	bool explicit_root; /* --user root */
	uid_t uid;
	gid_t gid;
	char *name;         /* the user's login name */
	char *home;         /* from passwd */
	char *shell;
};

/* privdrop_resolve: fills pd for spec ("USER[:GROUP]", names or numbers;
 * NULL: the sudo caller from SUDO_UID/SUDO_GID when we are root under
 * sudo, else nothing to do).  Returns 0, -ENOENT (no such user or group:
 * *why says which), or -errno. */
int privdrop_resolve(const char *spec, struct privdrop *pd, char *why, size_t whylen);

/* privdrop_apply: in the child, before exec: supplementary groups
 * (initgroups), gid, uid, HOME/USER/LOGNAME, every capability gone (the
 * bounding and ambient sets too) and no_new_privs.  Nothing for an
 * inactive pd.  Returns 0 or -errno; *stage names the step that failed. */
int privdrop_apply(const struct privdrop *pd, const char **stage);

void privdrop_clear(struct privdrop *pd);

/* ---- shield.c ---------------------------------------------------------- */

/* shield_hidden: the stores under home that exist now (what --shield will
 * hide), as "~/..." strings in a NULL-terminated malloc'd array (free with
 * shield_list_free), *n their count.  Returns NULL on ENOMEM. */
char **shield_hidden(const char *home, int *n);
void shield_list_free(char **list);

/* shield_apply: in the child: a private mount namespace, and an empty
 * read-only tmpfs over each hidden directory, /dev/null over each hidden
 * file of home (owned by uid:gid).  Returns 0 or -errno, *stage the step. */
int shield_apply(const char *home, uid_t uid, gid_t gid, const char **stage);

/* shield_proc_private: in the child, pid 2 of the install's PID namespace,
 * still root: a fresh /proc of that namespace over the host's, in a private
 * mount namespace (made here when new_ns, else shield_apply's).  The host's
 * /proc names every process of the machine, and a process of the install
 * may write the memory of any other of its user's through
 * /proc/<pid>/mem, outside the install's cgroup and its network policy.
 * Returns 0 or -errno, *stage the step. */
int shield_proc_private(bool new_ns, const char **stage);

#endif
