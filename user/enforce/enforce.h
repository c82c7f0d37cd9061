/*
 * enforce.h - pkgtrace --enforce, the network and cgroup half: the
 * install's own cgroup (cgroup.c) and what it may reach (netpolicy.c,
 * over bpf/enforce.bpf.c).  The seccomp, --user and --shield half is
 * declared in sandbox.h.
 *
 * Order in cmd_run: enf_cgroup_new and enf_policy_new before the child is
 * forked (a registry that does not resolve stops the run before anything
 * of the install runs), enf_policy_attach once the tracer is loaded (its
 * rings carry the refusals), the child enters the cgroup
 * (enf_cgroup_enter) before it execs the command, enf_cgroup_kill at the
 * end, then the summary goes into the trace as the fact
 * "pkgtrace:enforcement" (enf_summary_json) so a replay reports the same.
 */
#ifndef PKGTRACE_ENFORCE_H
#define PKGTRACE_ENFORCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "session.h"

#define ENF_FACT "pkgtrace:enforcement"

/* ---- cgroup.c ---------------------------------------------------------- */

struct enf_cgroup;

/* enf_cgroup_new: a new cgroup for the install, a child of pkgtrace's own
 * cgroup on the cgroup v2 hierarchy found in /proc/self/mountinfo (the
 * hybrid layout's /sys/fs/cgroup/unified included), named pkgtrace-<pid>.
 * 0 and *out, or -errno (-ENOENT: no cgroup v2 mounted). */
int enf_cgroup_new(struct enf_cgroup **out);

/* enf_cgroup_path: its path relative to the cgroup v2 root ("/pkgtrace-1"). */
const char *enf_cgroup_path(const struct enf_cgroup *cg);

/* enf_cgroup_fd: the cgroup directory (O_RDONLY), for BPF attachment. */
int enf_cgroup_fd(const struct enf_cgroup *cg);

/* enf_cgroup_procs_fd: its cgroup.procs, open for writing, inherited by
 * the child for enf_cgroup_enter. */
int enf_cgroup_procs_fd(const struct enf_cgroup *cg);

/* enf_cgroup_enter: moves the calling process into the cgroup whose
 * cgroup.procs is procs_fd.  Async-signal-safe (for a forked child).
 * 0 or -errno. */
int enf_cgroup_enter(int procs_fd);

/* enf_cgroup_kill: every process still in the cgroup killed with
 * cgroup.kill (SIGKILL, atomically, forks included); returns once the
 * cgroup is empty or after timeout_ms.  *killed: how many there were.
 * 0, -ETIMEDOUT, or -errno. */
int enf_cgroup_kill(struct enf_cgroup *cg, int timeout_ms, unsigned *killed);

/* enf_cgroup_free: kills what is left, removes the cgroup (and any cgroup
 * the install made in it), frees.  NULL
 * is fine. */
void enf_cgroup_free(struct enf_cgroup *cg);

/* ---- netpolicy.c ------------------------------------------------------- */

struct enf_policy;

/* enf_policy_new: the endpoints the install may reach: every registry the
 * package manager of si is configured with (argv, environment, .npmrc,
 * pip.conf: the analysis' own parser, analyze_registry_urls), its
 * default registry when none is, the --allow HOST[:PORT] entries (nallow
 * of allow), each host resolved now; the nameservers of /etc/resolv.conf
 * (port 53) and the registry host names as the DNS names allowed.  The
 * unix socket directories: the project (si->cwd) and the temporary
 * directory.  0 and *out; -EHOSTUNREACH when a host does not resolve and
 * -EINVAL for a bad --allow, with one line in err; -errno. */
struct baseline;
int enf_policy_new(const struct baseline *bl, const struct session_info *si, const char *const *allow, int nallow,
		   char *err, size_t errlen, struct enf_policy **out);

/* enf_policy_attach: loads bpf/enforce.bpf.c with the policy in its maps,
 * its records going to the tracer's rings (rings_fd, probe_rings_fd),
 * and attaches it to the cgroup.  Unix socket hooks the kernel does not
 * have (before 6.7) are left out and said by enf_policy_unix_enforced.
 * 0, or -errno with one line in err. */
int enf_policy_attach(struct enf_policy *p, int cgroup_fd, int rings_fd, char *err, size_t errlen);

/* enf_policy_unix_enforced: the unix socket hooks are attached. */
bool enf_policy_unix_enforced(const struct enf_policy *p);

/* enf_policy_blocked: refusals counted in the kernel so far; *lost: their
 * records the full ring refused. */
uint64_t enf_policy_blocked(const struct enf_policy *p, uint64_t *lost);

/* enf_policy_free: detaches and frees.  NULL is fine. */
void enf_policy_free(struct enf_policy *p);

/* enf_unix_supported: whether this kernel takes cgroup/connect_unix
 * programs (tried, for `pkgtrace doctor`): 1 yes, 0 no, -errno when it
 * could not be tried (no BPF). */
int enf_unix_supported(void);

/* ---- the summary in the report ------------------------------------------ */

#define ENF_NOT_ENFORCED_MAX 8

struct enf_summary {
	const char *mode;                  /* "enforce" or "monitor" */
	const char *cgroup;                /* enf_cgroup_path, or NULL */
	const struct enf_policy *net;      /* or NULL */
	uint64_t blocked, killed;
	const char *not_enforced[ENF_NOT_ENFORCED_MAX];
	int nnot_enforced;
};

/* enf_summary_json: the report's "enforcement" object
 * (schemas/report.schema.json) as JSON text, malloc'd; NULL on
 * allocation failure. */
char *enf_summary_json(const struct enf_summary *s);

#endif
