// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* credential-access: a package's script read credentials (pathclass.h:
 * tokens, keys, browser stores) or another process's secrets.  A
 * credential is known by its path, and by its device and inode as the
 * session found them at start (where.c), so another name for the same
 * file (a hard link, a chroot, a bind or detached mount, a handle) is
 * still it.  Making another name for one (link) or moving one (rename)
 * counts as access: the name it gets no longer looks like a secret.
 * Under --shield a read of a hidden store got nothing (an empty tmpfs or
 * /dev/null was there): still the attempt, with the action "refused". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "pathclass.h"

/* The category of the file at path with identity (dev, ino), and in *orig
 * the credential's own path when it was known by identity only. */
static const char *credential_of(struct analyzer *an, const struct act *a, const char *path,
				 uint32_t dev, uint64_t ino, const char **orig)
{
	const char *cat = pathclass_credential(path, an->home, a->v->ev->pid);

	/* its own /proc entry by the number its PID namespace gives it is no
	 * other process's secret, where /proc is that namespace's: under
	 * --enforce (with the host's /proc the number names another process) */
	if (cat && a->p->vpid && (an->enforce & SESSION_ENF_SECCOMP) &&
	    !pathclass_credential(path, an->home, a->p->vpid))
		cat = NULL;

	*orig = NULL;
	if (!cat)
		cat = where_cred(an, dev, ino, orig);
	return cat;
}

/* mark_secret_read: exfiltration is judged against the first secret the
 * owner read (network-egress.c, dns-query.c) */
static void mark_secret_read(const struct act *a)
{
	if (!a->o->cred_ns)
		a->o->cred_ns = a->v->ev->time_ns ? a->v->ev->time_ns : 1;
}

static void report(struct analyzer *an, const struct act *a, const char *cat, const char *verb,
		   const char *path, const char *orig)
{
	char item[4200], summary[1024], as[4200] = "";
	bool hidden = shielded(an, path);
	struct finding *f;

	if (!hidden)
		mark_secret_read(a);
	if (orig)
		snprintf(as, sizeof(as), " (the file of %s)", orig);
	snprintf(item, sizeof(item), "%s %s%s", cat, path, as);
	prof_add(an, a->p->owner, PS_READS, item);
	snprintf(summary, sizeof(summary), "%s %s %s secrets: %s%s%s", owner_label(an, a->p->owner),
		 hidden ? "tried to read" : verb, cat, path, as, hidden ? " (hidden by --shield: it got nothing)" : "");
	f = finding_add(an, R_CREDENTIAL_ACCESS, SEV_HIGH, a->p->owner, cat, summary);
	if (f && hidden && f->count == 1)
		f->action = "refused";
	else if (f && !hidden)
		f->action = NULL; /* one read of this kind got through */
	evidence_event(an, f, a->v, path, NULL, NULL);
}

/* A read of the file a->path with the open's identity. */
static void judge_read(struct analyzer *an, const struct act *a)
{
	const char *orig, *cat = credential_of(an, a, a->path, a->v->file_dev, a->v->file_ino, &orig);

	/* a package manager a script started reads its own config */
	if (!cat || (a->p->is_pm && (!strcmp(cat, "npm-token") || !strcmp(cat, "pypi-token"))))
		return;
	report(an, a, cat, "read", a->path, orig);
}

void credential_access_on_read(struct analyzer *an, const struct act *a)
{
	judge_read(an, a);
}

void credential_access_on_write(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	const char *cat, *orig;

	if (a->o->kind != OWN_PACKAGE || ev->ret < 0)
		return;
	if (ev->type == PT_EV_OPEN && (ev->arg[0] & O_ACCMODE) == O_RDWR) {
		judge_read(an, a); /* opened for reading too */
		return;
	}
	if (!a->source || (ev->type != PT_EV_LINK && ev->type != PT_EV_RENAME))
		return;
	cat = credential_of(an, a, a->source, a->source_dev, a->source_ino, &orig);
	if (cat)
		report(an, a, cat, ev->type == PT_EV_LINK ? "linked" : "moved", a->source, orig);
}

/* process_vm_readv of another process (outside the tree, or the package
 * manager holding the registry token): its memory holds its environment
 * and whatever secrets it has loaded.  Under pkgtrace -- CMD a process
 * outside the install has no pid there, so the attempt fails (ESRCH) and is
 * reported as an attempt. */
void credential_access_on_cred(struct analyzer *an, const struct act *a)
{
	const struct pt_event *ev = a->v->ev;
	uint32_t target = (uint32_t)ev->arg[0];
	char summary[512], item[64];
	struct finding *f;

	/* a failed attempt is judged as one: only a pid that does not exist
	 * was no target */
	if (!procvm_other_process(an, ev) || ev->arg[1])
		return;
	mark_secret_read(a);
	snprintf(item, sizeof(item), "process-memory pid %u", target);
	prof_add(an, a->p->owner, PS_READS, item);
	snprintf(summary, sizeof(summary), "%s %s the memory of pid %u, another process (process_vm_readv)",
		 owner_label(an, a->p->owner), ev->ret < 0 ? "tried to read" : "read", target);
	f = finding_add(an, R_CREDENTIAL_ACCESS, SEV_HIGH, a->p->owner, "process-memory", summary);
	evidence_event(an, f, a->v, NULL, NULL, NULL);
}
