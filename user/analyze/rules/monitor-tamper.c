// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * monitor-tamper: something in the install went for the monitor itself,
 * or for a way to act where the monitor does not look.  Nothing an install
 * does needs any of it, so it is judged for every owner, the package
 * manager and the traced command included:
 *   critical  bpf() on pkgtrace's own maps (by fd, or reaching one by id);
 *             bpf() that reaches kernel BPF objects it did not make (an id
 *             lookup or walk, a detach): how the monitor's maps and links
 *             are found; a signal to the collector (session info), to
 *             every process (-1) or to pid 1 (the install's pid namespace
 *             init, or the host's); process_vm_writev of any process;
 *             process_vm_readv of pkgtrace (the collector, or its init of
 *             the install's pid namespace: the_monitor); ptrace attach or seize
 *             by a dependency's script (what the tracee then does is
 *             charged to the tracee's owner: the package manager's, say);
 *   high      any other bpf() by a dependency's script; signal 0 to the
 *             collector (looking for it); a dependency's signal to a
 *             process group (kill(0, ...) reaches pkgtrace when the
 *             install shares its group).
 * Under --enforce the seccomp filter refuses bpf, perf_event_open, module
 * and kexec loading, ptrace, process_vm_* and pidfd_getfd (PT_EV_REFUSED):
 * a finding with the action "refused", critical but for a dependency's
 * bpf or perf_event_open (high, as above).  A signal to the collector
 * cannot reach it (the install's pid namespace): with enforcement on, its
 * failed attempt's finding says "refused" too.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include "rules.h"

#define PTRACE_ATTACH_REQ 16      /* linux/ptrace.h PTRACE_ATTACH */
#define PTRACE_SEIZE_REQ 0x4206   /* linux/ptrace.h PTRACE_SEIZE */

static bool monitor_map(const struct analyzer *an, uint64_t id)
{
	for (int i = 0; id && i < an->nmonitor_maps; i++)
		if (an->monitor_maps[i] == id)
			return true;
	return false;
}

/* reaches_objects: a bpf() command that finds or detaches BPF objects the
 * caller did not create. */
static bool reaches_objects(uint64_t cmd)
{
	switch (cmd) {
	case BPF_PROG_GET_NEXT_ID: case BPF_MAP_GET_NEXT_ID: case BPF_LINK_GET_NEXT_ID:
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID: case BPF_LINK_GET_FD_BY_ID:
	case BPF_LINK_DETACH: case BPF_PROG_DETACH: case BPF_LINK_UPDATE: case BPF_OBJ_GET:
		return true;
	default:
		return false;
	}
}

static void judge_bpf(struct analyzer *an, const struct act *a, bool pkg, const char *who)
{
	const struct pt_event *ev = a->v->ev;
	char summary[512];
	const char *key;
	int sev;

	if (monitor_map(an, ev->arg[2]) || (ev->arg[0] == BPF_MAP_GET_FD_BY_ID && monitor_map(an, ev->arg[1]))) {
		snprintf(summary, sizeof(summary), "%s used bpf() (command %llu) on pkgtrace's own map %llu",
			 who, (unsigned long long)ev->arg[0],
			 (unsigned long long)(ev->arg[2] ? ev->arg[2] : ev->arg[1]));
		key = "bpf-monitor-map";
		sev = SEV_CRITICAL;
	} else if (reaches_objects(ev->arg[0])) {
		snprintf(summary, sizeof(summary),
			 "%s used bpf() to reach BPF objects it did not make (command %llu, word %llu): how a monitor's maps and links are found",
			 who, (unsigned long long)ev->arg[0], (unsigned long long)ev->arg[1]);
		key = "bpf-objects";
		sev = SEV_CRITICAL;
	} else if (pkg) {
		snprintf(summary, sizeof(summary), "%s used bpf() (command %llu), which no library build needs",
			 who, (unsigned long long)ev->arg[0]);
		key = "bpf";
		sev = SEV_HIGH;
	} else {
		return;
	}
	evidence_event(an, finding_add(an, R_MONITOR_TAMPER, sev, a->p->owner, key, summary), a->v, NULL,
		       NULL, NULL);
}

/* the_monitor: target (as a record names it) is pkgtrace: its collector,
 * or the init of the install's pid namespace, which is pkgtrace's own
 * (nsinit.c) and which a process of the install names 1, or by its host
 * pid through a pidfd. */
static bool the_monitor(const struct analyzer *an, int32_t target)
{
	return (an->collector_pid && target == (int32_t)an->collector_pid) ||
	       (an->monitor_init_pid && target == (int32_t)an->monitor_init_pid) ||
	       (an->monitor_init_pid && target == 1);
}

static void judge_signal(struct analyzer *an, const struct act *a, bool pkg, const char *who)
{
	const struct pt_event *ev = a->v->ev;
	int32_t target = (int32_t)ev->arg[0];
	uint64_t sig = ev->arg[1];
	char summary[512];
	const char *key, *what;
	struct finding *f;
	int sev;

	if (the_monitor(an, target)) {
		what = "pkgtrace (its collector or its init of the install's pid namespace)";
		key = target == 1 ? (sig ? "signal-init" : "probe-init") : sig ? "signal-collector" : "probe-collector";
		sev = sig ? SEV_CRITICAL : SEV_HIGH;
	} else if (target == -1 && sig) {
		what = "every process (pkgtrace included)";
		key = "signal-all";
		sev = SEV_CRITICAL;
	} else if (target == 1 && sig) {
		what = "pid 1 (the install's or the host's init)";
		key = "signal-init";
		sev = SEV_CRITICAL;
	} else if (target <= 0 && sig && pkg) {
		what = "a process group, which may hold pkgtrace";
		key = "signal-group";
		sev = SEV_HIGH;
	} else {
		return;
	}
	snprintf(summary, sizeof(summary), "%s sent signal %llu to %s (pid %d)%s", who, (unsigned long long)sig,
		 what, target, an->enforce && ev->ret < 0 ? ": it did not reach it" : "");
	f = finding_add(an, R_MONITOR_TAMPER, sev, a->p->owner, key, summary);
	if (f && an->enforce && ev->ret < 0 && !f->action && f->count == 1)
		f->action = "refused";
	else if (f && ev->ret >= 0)
		f->action = NULL; /* one signal got through: not refused */
	evidence_event(an, f, a->v, NULL, NULL, NULL);
}

/* A refused call of this rule's (see the top). */
static void judge_refused(struct analyzer *an, const struct act *a, bool pkg)
{
	char name[64];

	if (a->v->ev->arg[1] != PT_REFUSED_ABI_NATIVE)
		return; /* evasion's */
	refusal_name(a->v->ev, name, sizeof(name));
	if (!strcmp(name, "bpf") || !strcmp(name, "perf_event_open")) {
		if (pkg)
			refusal_add(an, a, R_MONITOR_TAMPER, SEV_HIGH);
	} else if (!strcmp(name, "ptrace") || !strncmp(name, "process_vm_", 11) ||
		   !strcmp(name, "pidfd_getfd") || strstr(name, "module") || strstr(name, "kexec")) {
		refusal_add(an, a, R_MONITOR_TAMPER, SEV_CRITICAL);
	}
}

void monitor_tamper_on_event(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	bool pkg = a->o->kind == OWN_PACKAGE;
	const char *who = owner_label(an, a->p->owner);
	int32_t target = (int32_t)ev->arg[0];
	char summary[512];

	switch (ev->type) {
	case PT_EV_BPF:
		judge_bpf(an, a, pkg, who);
		return;
	case PT_EV_SIGNAL:
		judge_signal(an, a, pkg, who);
		return;
	case PT_EV_REFUSED:
		judge_refused(an, a, pkg);
		return;
	case PT_EV_PROCVM:
		if (!ev->arg[1] && !the_monitor(an, target))
			return; /* reads of other processes: credential-access */
		snprintf(summary, sizeof(summary), "%s used process_vm_%s on %s%d", who,
			 ev->arg[1] ? "writev" : "readv",
			 ev->arg[1] ? "pid " : "pkgtrace (collector or namespace init), pid ", target);
		evidence_event(an, finding_add(an, R_MONITOR_TAMPER, SEV_CRITICAL, a->p->owner,
					       ev->arg[1] ? "process_vm_writev" : "read-collector", summary),
			       a->v, NULL, NULL, NULL);
		return;
	case PT_EV_PTRACE:
		if (ev->arg[0] != PTRACE_ATTACH_REQ && ev->arg[0] != PTRACE_SEIZE_REQ)
			return;
		if (!pkg && !the_monitor(an, target))
			return;
		snprintf(summary, sizeof(summary), "%s attached to pid %d with ptrace%s: what the tracee then does is charged to the tracee",
			 who, target, the_monitor(an, target) ? " (pkgtrace)" : "");
		evidence_event(an, finding_add(an, R_MONITOR_TAMPER, SEV_CRITICAL, a->p->owner, "ptrace-attach",
					       summary), a->v, NULL, NULL, NULL);
		return;
	default:
		return;
	}
}
