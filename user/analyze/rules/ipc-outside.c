// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * ipc-outside: a package's script handed work to a process outside the
 * install, where the monitor does not follow: a unix socket whose listener
 * is outside the traced tree (a container engine's API runs any container,
 * init and the system bus start any service: high; the session bus:
 * medium; other listeners: low; name services and the journal: quiet), a
 * FIFO held open by a process outside the tree (what it reads, it may
 * run: medium), and process_vm_writev into an outside process (high).
 * The listener of a unix socket is the kernel's SO_PEERCRED pid, and its
 * path the one it is really bound to (a symlink to docker.sock is still
 * docker.sock).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include "rules.h"

struct peer_kind {
	const char *glob;   /* over the bound path, or "@name" for abstract ones */
	const char *cat;    /* NULL: a known benign service, not judged */
	int sev;
};

/* First match wins. */
static const struct peer_kind peer_kinds[] = {
	{ "*/docker.sock", "container-engine", SEV_HIGH },
	{ "*/containerd.sock", "container-engine", SEV_HIGH },
	{ "*/containerd/*.sock", "container-engine", SEV_HIGH },
	{ "*/crio.sock", "container-engine", SEV_HIGH },
	{ "*/crio/*.sock", "container-engine", SEV_HIGH },
	{ "*/podman.sock", "container-engine", SEV_HIGH },
	{ "*/podman/*.sock", "container-engine", SEV_HIGH },
	{ "*/cri-dockerd.sock", "container-engine", SEV_HIGH },
	{ "*/buildkitd.sock", "container-engine", SEV_HIGH },
	{ "*/lxd/unix.socket", "container-engine", SEV_HIGH },
	{ "*/incus/unix.socket", "container-engine", SEV_HIGH },
	{ "/run/systemd/private", "init", SEV_HIGH },
	{ "/run/systemd/io.systemd.Manager", "init", SEV_HIGH },
	{ "/run/initctl", "init", SEV_HIGH },
	{ "/dev/initctl", "init", SEV_HIGH },
	{ "@/com/ubuntu/upstart", "init", SEV_HIGH },
	{ "/run/user/*/systemd/private", "init", SEV_HIGH },
	{ "/run/dbus/system_bus_socket", "dbus-system", SEV_HIGH },
	{ "/var/run/dbus/system_bus_socket", "dbus-system", SEV_HIGH },
	{ "/run/user/*/bus", "dbus-session", SEV_MEDIUM },
	/* name and user lookups, logging: what any libc program may do */
	{ "*/nscd/socket", NULL, 0 },
	{ "/run/systemd/userdb/*", NULL, 0 },
	{ "/run/systemd/resolve/*", NULL, 0 },
	{ "/run/systemd/journal/*", NULL, 0 },
	{ "/dev/log", NULL, 0 },
	{ "/run/systemd/notify", NULL, 0 },
	{ "/run/nslcd/socket", NULL, 0 },
	{ "/var/lib/sss/pipes/*", NULL, 0 },
	{ NULL, NULL, 0 },
};

/* The kind of listener bound at path ("@name" for an abstract address):
 * its entry, or NULL for any other. */
static const struct peer_kind *peer_kind(const char *path)
{
	for (const struct peer_kind *k = peer_kinds; k->glob; k++)
		if (!fnmatch(k->glob, path, 0))
			return k;
	return NULL;
}

static void judge_peer(struct analyzer *an, const struct act *a, const char *path)
{
	const struct pt_event *ev = a->v->ev;
	uint32_t peer = (uint32_t)ev->arg[1];
	const struct peer_kind *k = peer_kind(path);
	const char *cat = k ? k->cat : "unix-peer";
	int sev = k ? k->sev : SEV_LOW;
	char summary[1024], key[4200], who[48] = "";
	struct finding *f;

	if (k && !k->cat)
		return;
	if (peer)
		snprintf(who, sizeof(who), " (pid %u)", peer);
	snprintf(key, sizeof(key), "%s %s", cat, path);
	snprintf(summary, sizeof(summary), "%s connected to %s, served by a process outside the install%s",
		 owner_label(an, a->p->owner), path, who);
	f = finding_add(an, R_IPC_OUTSIDE, sev, a->p->owner, key, summary);
	evidence_event(an, f, a->v, path, NULL, NULL);
}

void ipc_outside_on_net(struct analyzer *an, const struct act *a)
{
	const struct event_view *v = a->v;
	const struct pt_event *ev = v->ev;
	const char *addr = v->field[0], *bound = v->field[1];
	uint32_t peer = (uint32_t)ev->arg[1];
	char path[PT_NAME_MAX + 2];

	if (ev->type != PT_EV_CONNECT || ev->arg[0] != 1 /* AF_UNIX */ || !addr)
		return;
	/* a listener of the install itself (a build's own server) */
	if (peer && (peer == ev->pid || proc_in_tree(an, peer)))
		return;
	if (bound && bound[0] == '/' && strnlen(bound, v->field_len[1]) < v->field_len[1]) {
		judge_peer(an, a, bound);
		return;
	}
	if (addr[0] == '\0') { /* abstract: "@name" */
		size_t n = v->field_len[0] > 1 ? strnlen(addr + 1, v->field_len[0] - 1) : 0;

		if (n > PT_NAME_MAX)
			n = PT_NAME_MAX;
		path[0] = '@';
		memcpy(path + 1, addr + 1, n);
		path[n + 1] = '\0';
		judge_peer(an, a, path);
		return;
	}
	if (strnlen(addr, v->field_len[0]) < v->field_len[0])
		judge_peer(an, a, addr);
}

/* --enforce refused a unix socket outside the install's own directories
 * (cgroup/connect_unix): what it would have reached, marked blocked; a
 * benign service (name lookups, the journal) at low. */
void ipc_outside_on_event(struct analyzer *an, const struct act *a)
{
	const struct event_view *v = a->v;
	const struct pt_event *ev = v->ev;
	char path[PT_NAME_MAX + 2], summary[1024], key[PT_NAME_MAX + 64];
	const struct peer_kind *k;
	size_t n;
	struct finding *f;

	if (ev->type != PT_EV_NET_BLOCKED || (ev->arg[2] >> 32) != PT_BLK_UNIX || !v->field[0])
		return;
	n = strnlen(v->field[0], v->field_len[0]);
	if (n == 0 && v->field_len[0] > 1) { /* abstract: "@name" */
		n = strnlen(v->field[0] + 1, v->field_len[0] - 1);
		snprintf(path, sizeof(path), "@%.*s", (int)(n > PT_NAME_MAX ? PT_NAME_MAX : n), v->field[0] + 1);
	} else {
		snprintf(path, sizeof(path), "%.*s", (int)(n > PT_NAME_MAX ? PT_NAME_MAX : n), v->field[0]);
	}
	k = peer_kind(path);
	snprintf(key, sizeof(key), "blocked %s", path);
	snprintf(summary, sizeof(summary), "%s tried to connect to the unix socket %s, outside the install: blocked",
		 owner_label(an, a->p->owner), path);
	f = finding_add(an, R_IPC_OUTSIDE, k && k->cat ? k->sev : SEV_LOW, a->p->owner, key, summary);
	if (!f)
		return;
	f->action = "blocked";
	evidence_event(an, f, v, path, NULL, NULL);
}

/* A FIFO opened for writing: a process outside the tree reading it gets
 * what the script writes. */
void ipc_outside_on_write(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	char summary[1024];
	struct finding *f;
	long holder;

	if (a->o->kind != OWN_PACKAGE || ev->type != PT_EV_OPEN || !(ev->flags & PT_F_FIFO) ||
	    ev->ret < 0 || (ev->arg[0] & O_ACCMODE) == O_RDONLY)
		return;
	holder = where_fifo_outside(an, a->v, a->path);
	if (holder <= 0)
		return;
	snprintf(summary, sizeof(summary),
		 "%s wrote to the FIFO %s, held open by pid %ld outside the install",
		 owner_label(an, a->p->owner), a->path, holder);
	f = finding_add(an, R_IPC_OUTSIDE, SEV_MEDIUM, a->p->owner, a->path, summary);
	evidence_event(an, f, a->v, a->path, NULL, NULL);
}

/* process_vm_writev into another process: code or data put where the
 * monitor does not look (an attempt counts: see credential-access.c). */
void ipc_outside_on_cred(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	uint32_t target = (uint32_t)ev->arg[0];
	char summary[512], key[64];
	struct finding *f;

	if (!procvm_other_process(an, ev) || !ev->arg[1])
		return;
	snprintf(key, sizeof(key), "process-memory-write pid %u", target);
	snprintf(summary, sizeof(summary), "%s %s the memory of pid %u, another process (process_vm_writev)",
		 owner_label(an, a->p->owner), ev->ret < 0 ? "tried to write into" : "wrote into", target);
	f = finding_add(an, R_IPC_OUTSIDE, SEV_HIGH, a->p->owner, key, summary);
	evidence_event(an, f, a->v, NULL, NULL, NULL);
}
