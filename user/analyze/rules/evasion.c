// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * evasion: a dependency's script did something whose use in an install is
 * to get around what a path- and syscall-based monitor sees.  The calls
 * themselves are recorded and judged by the other rules as well; this
 * rule says the way was taken:
 *   high    the 32-bit syscall ABI (int 0x80 and the like: a 64-bit build
 *           never makes such calls); chroot, pivot_root, mount, umount,
 *           open_tree, move_mount, fsopen, fsmount, setns, unshare of the
 *           mount or user namespace (a path seen in another root or mount
 *           no longer looks like what it is); open_by_handle_at (a file
 *           opened without a path); an argv padded with a run of 256
 *           blanks (a command pushed out of view of a log or a bound);
 *   medium  unshare of other namespaces (pid, net, uts, ipc, cgroup,
 *           time); io_uring requests on registered (fixed) files, whose
 *           file the record cannot name;
 *   low     io_uring itself (its requests are judged as the syscalls they
 *           stand for, their result unknown: libuv may use it for plain
 *           file I/O); an argv over the 4 KiB bound without padding (a
 *           long compiler or linker line; head and tail were judged).
 * Failed attempts count: the attempt is the intent.  Under --enforce the
 * seccomp filter refuses these calls (PT_EV_REFUSED): the same findings,
 * at the same severities, with the action "refused" (monitor-tamper.c
 * takes the refused calls aimed at the monitor).
 */
#include <stdio.h>
#include <string.h>
#include "rules.h"

#define CLONE_NEWNS_FLAG 0x00020000u   /* linux/sched.h CLONE_NEWNS */
#define CLONE_NEWUSER_FLAG 0x10000000u /* linux/sched.h CLONE_NEWUSER */
#define CLONE_NS_FLAGS 0x7e020080u     /* every CLONE_NEW* */
#define PADDING_RUN 256                /* blanks in a row that are padding */

static const char *const sys_name[PT_SYS_MAX] = {
	[PT_SYS_MOUNT] = "mount", [PT_SYS_UMOUNT] = "umount", [PT_SYS_CHROOT] = "chroot",
	[PT_SYS_PIVOT_ROOT] = "pivot_root", [PT_SYS_UNSHARE] = "unshare", [PT_SYS_SETNS] = "setns",
	[PT_SYS_OPEN_TREE] = "open_tree", [PT_SYS_MOVE_MOUNT] = "move_mount", [PT_SYS_FSOPEN] = "fsopen",
	[PT_SYS_FSMOUNT] = "fsmount", [PT_SYS_IO_URING_SETUP] = "io_uring_setup",
};

/* padded: a run of PADDING_RUN blanks inside the argv list. */
static bool padded(const char *argv, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; argv && i < len; i++) {
		run = argv[i] == ' ' || argv[i] == '\t' || argv[i] == '\n' ? run + 1 : 0;
		if (run >= PADDING_RUN)
			return true;
	}
	return false;
}

static void add(struct analyzer *an, const struct act *a, int sev, const char *key, const char *summary,
		const char *path)
{
	evidence_event(an, finding_add(an, R_EVASION, sev, a->p->owner, key, summary), a->v, path, NULL, NULL);
}

static void judge_sys(struct analyzer *an, const struct act *a, const char *who)
{
	const struct pt_event *ev = a->v->ev;
	uint64_t call = ev->arg[0];
	const char *name = call < PT_SYS_MAX && sys_name[call] ? sys_name[call] : "a mount call";
	char summary[512];
	int sev = SEV_HIGH;

	if (call == PT_SYS_IO_URING_SETUP) {
		snprintf(summary, sizeof(summary), "%s set up an io_uring (its requests are judged as the calls they stand for)", who);
		add(an, a, SEV_LOW, "io_uring", summary, NULL);
		return;
	}
	if (call == PT_SYS_UNSHARE) {
		if (!(ev->arg[1] & CLONE_NS_FLAGS))
			return; /* CLONE_FS, CLONE_FILES, CLONE_SYSVSEM: no new view */
		if (!(ev->arg[1] & (CLONE_NEWNS_FLAG | CLONE_NEWUSER_FLAG)))
			sev = SEV_MEDIUM;
	}
	snprintf(summary, sizeof(summary), "%s called %s%s%s%s", who, name, a->v->field[0] ? " on " : "",
		 a->v->field[0] ? a->v->field[0] : "", ev->ret < 0 ? " (it failed)" : "");
	add(an, a, sev, name, summary, a->v->field[0]);
}

/* A refused call of this rule's: ia32/x32, io_uring, mounts, roots,
 * namespaces, file handles, a socket the network policy cannot judge
 * (packet, vsock...), input pushed into a terminal (ioctl TIOCSTI). */
static void judge_refused(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	char name[64];

	if (ev->arg[1] != PT_REFUSED_ABI_NATIVE) {
		refusal_add(an, a, R_EVASION, SEV_HIGH);
		return;
	}
	refusal_name(ev, name, sizeof(name));
	if (!strncmp(name, "io_uring", 8))
		refusal_add(an, a, R_EVASION, SEV_LOW);
	else if (!strcmp(name, "unshare") || !strcmp(name, "clone") || strstr(name, "mount") ||
		 strstr(name, "handle_at") || !strcmp(name, "open_tree") || !strncmp(name, "fs", 2) ||
		 !strcmp(name, "pivot_root") || !strcmp(name, "chroot") || !strcmp(name, "setns") ||
		 !strcmp(name, "socket") || !strcmp(name, "ioctl"))
		refusal_add(an, a, R_EVASION, SEV_HIGH);
}

void evasion_on_event(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	const char *who = owner_label(an, a->p->owner);
	char summary[512];

	if (a->o->kind != OWN_PACKAGE)
		return;
	if (ev->flags & PT_F_COMPAT) {
		snprintf(summary, sizeof(summary), "%s made 32-bit (ia32) system calls (%s)", who,
			 event_type_name(ev->type));
		add(an, a, SEV_HIGH, "compat32", summary, NULL);
	}
	switch (ev->type) {
	case PT_EV_SYS:
		judge_sys(an, a, who);
		break;
	case PT_EV_REFUSED:
		judge_refused(an, a);
		break;
	case PT_EV_OPEN:
		if (!(ev->flags & PT_F_BY_HANDLE))
			break;
		snprintf(summary, sizeof(summary), "%s opened %s by handle (open_by_handle_at), without its path",
			 who, a->v->field[0] ? a->v->field[0] : "a file");
		add(an, a, SEV_HIGH, "open_by_handle_at", summary, a->v->field[0]);
		break;
	case PT_EV_EXEC:
		if (padded(a->v->field[1], a->v->field_len[1])) {
			snprintf(summary, sizeof(summary), "%s ran a command padded with a run of %d+ blanks%s",
				 who, PADDING_RUN, ev->flags & PT_F_ARGV_TAIL ? ", past the argv bound" : "");
			add(an, a, SEV_HIGH, "argv-padding", summary, a->v->field[0]);
		} else if (ev->flags & (PT_F_ARGV_TAIL | PT_F_TRUNC(1))) {
			snprintf(summary, sizeof(summary), "%s ran a command longer than %d bytes (head and tail kept)",
				 who, PT_ARGV_MAX);
			add(an, a, SEV_LOW, "argv-long", summary, a->v->field[0]);
		}
		break;
	case PT_EV_IOURING:
		if (!ev->arg[2])
			break;
		snprintf(summary, sizeof(summary), "%s made io_uring requests on registered files (op %llu), which name no file",
			 who, (unsigned long long)ev->arg[0]);
		add(an, a, SEV_MEDIUM, "io_uring-fixed-file", summary, NULL);
		break;
	default:
		break;
	}
}
