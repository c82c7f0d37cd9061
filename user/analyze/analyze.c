// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * analyze.c - from events to findings: the analyzer's life and the way
 * of one event through it.
 *
 * A process table follows the stream (proctree.c); every process has one
 * owner: the traced command, the package manager, the root project or a
 * package (owners.c).  Ownership is inherited at fork and re-derived only
 * where a package manager starts a script (npm.c, pip.c), so a transitive
 * dependency's deeds stay with it and a script cannot hand its blame to
 * another package by faking npm_* variables.  Each event, once attributed,
 * becomes a struct act handed to the rules' hooks (rules/rules.c).  What
 * needs the registry configuration, the installed tree or RECORD files is
 * kept as bounded candidates and judged by the rules' on_finish hooks in
 * analyzer_finish (finish.c), which asks facts_read_file() for every file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "analyzer.h"
#include "baseline.h"
#include "pathclass.h"

#define CLONE_NEWNS_ 0x00020000

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Each kind of hook of the rule table, run in rule-id order. */
#define RUN_HOOKS(hook, an, act)                                   \
	do {                                                       \
		for (int r_ = 0; r_ < R_NRULES; r_++)              \
			if (rule_info[r_].hook)                    \
				rule_info[r_].hook((an), (act));   \
	} while (0)

const char *pm_of_exec(const char *exe, const char *argv, size_t alen)
{
	const char *a0 = list_get(argv, alen, 0);
	const char *b = exe ? path_base(exe) : a0 ? path_base(a0) : "";

	if (npm_is_pm(b, list_get(argv, alen, 1)))
		return "npm";
	if (pip_is_pm(b, argv, alen))
		return "pip";
	return NULL;
}

/* in_bin_dir: node_modules/.bin, a directory on PATH, or a <prefix>/bin
 * outside any package's folder.  A .bin inside a package folder is not
 * one: yarn v1 keeps such links in its cache's copy of each package, where
 * no PATH points. */
bool in_bin_dir(struct analyzer *an, const char *path)
{
	char dir[4096];

	dirname_into(path, dir, sizeof(dir));
	if (has_suffix(dir, "/node_modules/.bin"))
		return true;
	/* one hash lookup: an install writes tens of thousands of files and
	 * npm's PATH has a dozen directories sharing their prefix */
	if (strmap_find(&an->pathdir_set, dir) >= 0)
		return true;
	/* pip's build environments (/tmp/pip-build-env-*) are not on any PATH */
	return !strcmp(path_base(dir), "bin") && !npm_folder_len(path) && strncmp(path, "/tmp/pip-", 9) &&
	       strncmp(path, "/proc/", 6);
}

/* ---------- exec ---------- */

/* script_start: a package manager's child exec'd: is it a lifecycle script
 * or build hook?  Returns the new owner, or -1 to keep the old one. */
static int script_start(struct analyzer *an, struct proc *p, const struct event_view *v,
			const char *cmdline)
{
	const char *event = NULL;
	char item[1024];
	int owner = -1;
	struct act a = { .p = p, .v = v };

	if (!p->pm_eco || !strcmp(p->pm_eco, "npm"))
		owner = npm_script_owner(an, v, cmdline, &event, item, sizeof(item));
	else if (!strcmp(p->pm_eco, "pip"))
		owner = pip_script_owner(an, v, cmdline, &event, item, sizeof(item));
	/* A package manager run inside a dependency's script (npm-cli.js of
	 * its own, npm install in a subfolder) starts nothing that stops being
	 * that dependency's: the npm_* variables and folders it names are the
	 * script's to choose, so a script could hand its deeds to the root
	 * project or to another package.  Its own scripts (npm run build) are
	 * still listed; only what the traced command's package manager starts
	 * moves to another owner. */
	if (owner < 0 || (an->owners[p->owner]->kind == OWN_PACKAGE && owner != p->owner))
		return -1;
	prof_add(an, owner, PS_SCRIPTS, item);
	an->owners[owner]->ran_script = true;
	a.o = an->owners[p->owner];
	a.script = event;
	a.script_owner = owner;
	RUN_HOOKS(on_script, an, &a);
	return owner;
}

/* pm_program: what identifies a package manager's program: the file
 * executed and, for an interpreter, the script it runs (argv[1]). */
static void pm_program(const char *exe, const char *argv, size_t alen, char *out, size_t max)
{
	const char *a1 = list_get(argv, alen, 1);

	snprintf(out, max, "%s\x1%s", exe ? exe : "", a1 && a1[0] != '-' ? a1 : "");
}

/* pm_trusted: a package manager's exec counts as the package manager only
 * where the install's own package manager (anything but a package) ran it,
 * or, in a package's script, when it is a program that one ran: the name
 * npm-cli.js in a folder of the script's choosing is the script's code, and
 * must not be trusted with what the package manager may do (read its
 * tokens, start scripts of other owners). */
static bool pm_trusted(struct analyzer *an, struct proc *p, const char *exe, const char *argv,
		       size_t alen)
{
	char prog[8400];

	pm_program(exe, argv, alen, prog, sizeof(prog));
	if (an->owners[p->owner]->kind != OWN_PACKAGE) {
		if (strmap_add(&an->pm_programs, prog, NULL) == -ENOMEM)
			an->oom = true;
		return true;
	}
	return strmap_find(&an->pm_programs, prog) >= 0;
}

static void on_exec(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	const char *exe = v->field[0], *argv = v->field[1];
	size_t alen = v->field_len[1];
	char *cmdline = join_argv_all(an, argv, alen), item[1200];
	struct act a;

	bool by_pip = false;

	if (!cmdline)
		return;
	if (ev->ret == 0) {
		const char *pm = pm_of_exec(exe, argv, alen);
		const char *b = path_base(exe ? exe : list_get(argv, alen, 0) ? list_get(argv, alen, 0) : "");

		if (pm && !pm_trusted(an, p, exe, argv, alen))
			pm = NULL;
		/* pip's own helpers (the setuptools caller, the PEP 517 hook
		 * runner, lsb_release...) run an argv pip wrote, not the package */
		by_pip = p->is_pm && !pm && p->pm_eco && !strcmp(p->pm_eco, "pip");
		if (p->is_pm && !pm) {
			int owner = script_start(an, p, v, cmdline);

			if (owner >= 0) {
				p->owner = owner;
				p->install_step = by_pip && pip_install_step(argv, alen);
			}
		}
		p->is_pm = pm != NULL;
		p->python = !strncmp(b, "python", 6) || !strncmp(b, "pypy", 4);
		free(p->last_py);
		p->last_py = NULL;
		if (pm) {
			const char *words[2] = { list_get(argv, alen, 0), list_get(argv, alen, 1) };

			p->pm_eco = pm;
			/* the first package manager the command ran, when the
			 * command line itself did not say (sh -c "pnpm i") */
			if (!an->npm_flavor && !strcmp(pm, "npm"))
				an->npm_flavor = npm_flavor_of(words, 2);
			if (an->owners[p->owner]->kind == OWN_COMMAND)
				p->owner = !strcmp(pm, "npm") ? an->pm_npm : an->pm_pip;
			registry_from_argv_list(an, argv, alen);
			registry_from_env(an, v->field[3], v->field_len[3]);
		}
		free(p->cmd);
		snprintf(item, sizeof(item), "%s", cmdline[0] ? cmdline : exe ? exe : "?");
		p->cmd = xstrdup(an, item);
		p->time_ns = ev->time_ns;
		prof_add(an, p->owner, PS_PROCS, item);
		pnode_exec(an, p, exe, argv, alen, ev->time_ns);
	}
	a = (struct act){ .p = p, .o = an->owners[p->owner], .v = v, .exe = exe, .argv = argv,
			  .alen = alen, .cmdline = cmdline, .pm_argv = by_pip };
	RUN_HOOKS(on_exec, an, &a);
	free(cmdline);
}

/* ---------- files ---------- */

/* package_content: path lies inside an installed package's folder
 * (node_modules/<pkg>/..., pnpm's store, yarn's cache, site-packages).
 * Hooks, agent settings and workflows there are files the package
 * ships, not ones git, an editor, an agent or CI will run: those look in
 * the project, the git dir and $HOME. */
static bool package_content(const char *path)
{
	return npm_folder_len(path) || strstr(path, "/site-packages/") || strstr(path, "/dist-packages/");
}

/* hook_of: the persistence category of a write to path, or NULL. */
static const char *hook_of(struct analyzer *an, const char *path)
{
	return package_content(path) ? NULL : pathclass_persistence(path, an->home);
}

/* home_usual: path lies in $HOME (and not in a temp dir inside it): it is
 * usual only where the baseline names a place under {home}, never by a
 * wider pattern (/tmp/... when HOME itself is in /tmp).  *in_home says
 * whether the path was judged so. */
static bool home_usual(struct analyzer *an, const char *path, const char *own, bool *in_home)
{
	static const char mark[] = "\001home";
	char rel[4200];

	*in_home = an->home && strcmp(an->home, "/") && path_under(path, an->home) &&
		   !(path_under(an->tmp, an->home) && path_under(path, an->tmp));
	if (!*in_home)
		return false;
	/* the path as seen from a home no other pattern can reach */
	snprintf(rel, sizeof(rel), "%s%s", mark, path + strlen(an->home));
	return baseline_match(an->bl, BL_SCRIPT_WRITE, rel,
			      &(struct bl_vars){ an->project, mark, an->tmp, own });
}

/* pycache_write: path is CPython's bytecode cache of a module the writer,
 * a Python interpreter, just read: DIR/__pycache__/NAME.TAG.pyc, or the
 * temporary NAME.TAG.pyc.ID it renames into place, of DIR/NAME.py.  A .pyc
 * planted by anything else (a poisoned cache) is judged as any write. */
static bool pycache_write(const struct proc *p, const char *path)
{
	const char *base = path_base(path), *pyc = strstr(base, ".pyc");
	size_t dl = (size_t)(base - path), nl = strcspn(base, ".");
	const char *py = p->last_py;

	if (!p->python || !py || !pyc || dl < 13 || strncmp(base - 13, "/__pycache__/", 13))
		return false;
	if (pyc[4] && (pyc[4] != '.' || !pyc[5] || strspn(pyc + 5, "0123456789") != strlen(pyc + 5)))
		return false;
	/* DIR/NAME.py: DIR is the path before "/__pycache__/" */
	return strlen(py) == dl - 12 + nl + 3 && !strncmp(py, path, dl - 12) &&
	       !strncmp(py + dl - 12, base, nl) && !strcmp(py + dl - 12 + nl, ".py");
}

/* venv_of: the Python virtual environment path is in, or NULL. */
static const char *venv_of(struct analyzer *an, const char *path)
{
	for (size_t i = 0; i < an->venvs.n; i++)
		if (path_under(path, an->venvs.items[i]))
			return an->venvs.items[i];
	return NULL;
}

static bool in_site_packages(const char *path)
{
	return strstr(path, "/site-packages/") || strstr(path, "/dist-packages/");
}

/* write_place: where a package's write of path lands; the first of the
 * enum's places that holds. */
static enum write_place write_place(struct analyzer *an, struct proc *p, const struct event_view *v,
				    const char *path)
{
	struct owner *o = an->owners[p->owner];
	struct bl_vars vars = { an->project, an->home, an->tmp, o->path };
	size_t fl = npm_folder_len(path);
	bool in_home, python_env;

	if (v->ev->ret < 0)
		return WP_FAILED;
	if (pycache_write(p, path))
		return WP_PYCACHE;
	if (pathclass_ci(path) && !package_content(path))
		return WP_CI;
	if (o->path && path_under(path, o->path) && (!fl || fl == strlen(o->path)))
		return WP_OWN;
	if (fl && (!o->path || strncmp(path, o->path, fl) || fl != strlen(o->path)))
		return WP_OTHER_PACKAGE;
	/* a virtual environment, in the project or not, holds installed
	 * packages, never the project's sources */
	python_env = venv_of(an, path) || in_site_packages(path);
	if (python_env && p->install_step)
		return WP_INSTALL;
	if (an->project && path_under(path, an->project) && !python_env) {
		char nm[4200];

		/* .bin (judged as an executable), .cache, lock metadata */
		snprintf(nm, sizeof(nm), "%s/node_modules", an->project);
		return path_under(path, nm) ? WP_PROJECT_DEPS : WP_PROJECT;
	}
	/* Python caches compiled modules next to whatever it imports */
	if (strstr(path, "/__pycache__/") && has_suffix(path, ".pyc"))
		return WP_PYCACHE;
	if (home_usual(an, path, o->path, &in_home))
		return WP_USUAL;
	if (!in_home && baseline_match(an->bl, BL_SCRIPT_WRITE, path, &vars))
		return WP_USUAL;
	if (python_env && !p->is_pm)
		return WP_SITE_PACKAGES;
	return WP_OUTSIDE;
}

/* judge_write: a package's file write, delete, rename or chmod of path;
 * source: the file a link or rename made path a name of, else NULL. */
static void judge_write(struct analyzer *an, struct proc *p, const struct event_view *v,
			const char *path, bool creates, const char *source)
{
	struct owner *o = an->owners[p->owner];
	struct act a = { .p = p, .o = o, .v = v, .path = path, .creates = creates, .source = source };

	/* the file behind the new name is the one linked or moved */
	if (source && v->ev->ret >= 0 && (v->ev->flags & PT_F_DIR_AS_GIVEN))
		where_id(an, v, path, &a.source_dev, &a.source_ino);

	if (creates && v->ev->ret >= 0) {
		written_note(an, p->owner, path);
		if (o->eco && !strcmp(o->eco, "pip"))
			pip_name_from_build(an, p->owner, v, path);
	}
	a.persist = hook_of(an, path);
	a.place = write_place(an, p, v, path);
	RUN_HOOKS(on_write, an, &a);
	if (a.place == WP_OTHER_PACKAGE || a.place == WP_PROJECT || a.place == WP_SITE_PACKAGES ||
	    a.place == WP_OUTSIDE)
		prof_add(an, p->owner, PS_WRITES, path);
}

/* pm_write: the package manager's own file events: note what finish needs
 * (installed folders, RECORD files), then the rules judge what it made
 * (executables, .pth files, hooks, writes outside its usual places). */
static void pm_write(struct analyzer *an, struct proc *p, const struct event_view *v,
		     const char *path, const char *target, bool creates)
{
	struct act a = { .p = p, .o = an->owners[p->owner], .v = v, .path = path, .target = target,
			 .creates = creates, .place = WP_PM };

	if (v->ev->ret < 0 || !npm_pm_write(an, v, path, target) || !creates)
		return;
	pip_pm_write(an, v, path);
	a.persist = hook_of(an, path);
	RUN_HOOKS(on_write, an, &a);
}

static bool open_writes(const struct pt_event *ev)
{
	uint64_t fl = ev->arg[0];

	return (fl & O_ACCMODE) != O_RDONLY || (fl & (O_CREAT | O_TRUNC | O_APPEND));
}

/* note_read: what a successful read tells: a Python interpreter's source
 * (pycache_write), a virtual environment (Python reads its pyvenv.cfg at
 * start), the archive pip unpacks next (pip.c). */
static void note_read(struct analyzer *an, struct proc *p, const char *path)
{
	char dir[4096];

	if (!strcmp(path_base(path), "pyvenv.cfg")) {
		dirname_into(path, dir, sizeof(dir));
		if (strmap_add(&an->venvs, dir, NULL) == -ENOMEM)
			an->oom = true;
	}
	if (p->python && has_suffix(path, ".py")) {
		free(p->last_py);
		p->last_py = xstrdup(an, path);
	}
	if (p->is_pm && p->pm_eco && !strcmp(p->pm_eco, "pip"))
		pip_pm_read(an, path);
}

static void on_file(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	struct owner *o = an->owners[p->owner];
	const char *path = v->field[0], *path2 = v->field[1];
	bool pkg = o->kind == OWN_PACKAGE;
	char real[2][PT_PATH_MAX + 256];
	struct act a;

	if (!path)
		return;
	/* A path call took its directories as given (".." kept): judge where
	 * a package's name really is (a rename into a symlinked directory);
	 * anyone else's is folded lexically, which is right without symlinks. */
	if (ev->flags & PT_F_DIR_AS_GIVEN) {
		path = pkg ? where_real(an, v, path, real[0], sizeof(real[0]))
			   : where_folded(path, real[0], sizeof(real[0]));
		if (path2 && ev->type != PT_EV_SYMLINK)
			path2 = pkg ? where_real(an, v, path2, real[1], sizeof(real[1]))
				    : where_folded(path2, real[1], sizeof(real[1]));
	}
	a = (struct act){ .p = p, .o = o, .v = v, .path = path };
	switch (ev->type) {
	case PT_EV_OPEN:
		if (open_writes(ev))
			break;
		if (ev->ret >= 0)
			note_read(an, p, path);
		if (pkg)
			RUN_HOOKS(on_read, an, &a);
		return;
	case PT_EV_CHMOD:
		RUN_HOOKS(on_chmod, an, &a);
		break;
	case PT_EV_MKDIR:
		return; /* what lands in the directory is judged */
	default:
		break;
	}
	if (o->kind == OWN_PM) {
		if (ev->type == PT_EV_RENAME || ev->type == PT_EV_LINK)
			pm_write(an, p, v, path2 ? path2 : path, NULL, true);
		else
			pm_write(an, p, v, path, ev->type == PT_EV_SYMLINK ? path2 : NULL,
				 ev->type == PT_EV_OPEN || ev->type == PT_EV_SYMLINK);
		return;
	}
	if (!pkg)
		return;
	switch (ev->type) {
	case PT_EV_RENAME:
	case PT_EV_LINK:
		if (path2) {
			int w = written_owner_of(an, path);

			/* a script's file keeps its writer through renames and
			 * links; only a link makes a file of the script's own */
			if (w >= 0 && ev->ret >= 0)
				written_note(an, w, path2);
			judge_write(an, p, v, path2, ev->type == PT_EV_LINK && w < 0, path);
		}
		if (ev->type == PT_EV_RENAME)
			judge_write(an, p, v, path, false, NULL);
		break;
	case PT_EV_SYMLINK:
		judge_write(an, p, v, path, true, NULL);
		break;
	default:
		judge_write(an, p, v, path, ev->type == PT_EV_OPEN, NULL);
		break;
	}
}

/* ---------- sockets ---------- */

static void on_socket(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	struct owner *o = an->owners[p->owner];
	char ap[128], ep[160], item[1200];
	bool udp53;
	struct act a = { .p = p, .o = o, .v = v, .addrport = ap, .endpoint = ep };

	if (ev->arg[0] != AF_INET && ev->arg[0] != AF_INET6) {
		if (ev->type == PT_EV_CONNECT && v->field[0])
			prof_add(an, p->owner, PS_NET, v->field[0]);
		/* a unix socket's listener: judged by who and what it is */
		if (ev->type == PT_EV_CONNECT && ev->arg[0] == AF_UNIX && ev->ret == 0 &&
		    o->kind == OWN_PACKAGE && v->field[0]) {
			a.addrport = a.endpoint = v->field[0];
			RUN_HOOKS(on_net, an, &a);
		}
		return;
	}
	net_endpoint(v, ap, sizeof(ap), ep, sizeof(ep));
	udp53 = ev->arg[1] == 53 && (ev->arg[2] & 0xffff) != SOCK_STREAM;
	if (ev->type == PT_EV_CONNECT && (o->kind == OWN_PM || (p->is_pm && o->kind != OWN_PACKAGE))) {
		if (strmap_add(&an->pm_endpoints, ap, NULL) == -ENOMEM)
			an->oom = true;
		return;
	}
	if (o->kind != OWN_PACKAGE)
		return;
	switch (ev->type) {
	case PT_EV_CONNECT:
		prof_add(an, p->owner, udp53 ? PS_DNS : PS_NET, ep);
		net_add(an, p, v, udp53, ap, ep, NULL);
		break;
	case PT_EV_SEND:
		if (ev->arg[1] == 53 && v->dns) {
			snprintf(item, sizeof(item), "%s via %s", v->dns, ap);
			prof_add(an, p->owner, PS_DNS, item);
			net_add(an, p, v, true, ap, ep, v->dns);
		} else {
			prof_add(an, p->owner, PS_NET, ep);
			net_add(an, p, v, ev->arg[1] == 53, ap, ep, NULL);
		}
		break;
	case PT_EV_LISTEN:
		prof_add(an, p->owner, PS_LISTEN, ep);
		break;
	default:
		return; /* bind, accept: not judged */
	}
	RUN_HOOKS(on_net, an, &a);
}

/* ---------- credentials ---------- */

/* setid_ids: the ids a successful set*id call leaves (uid calls: real,
 * effective, saved uid; gid calls: gid), into after; false when they are
 * not known.  The record carries them (PT_F_SETID_AFTER); for a trace
 * without, they follow from the call's rules and the ids before. */
static bool setid_ids(const struct pt_event *ev, const struct proc *p, int k, uint32_t after[3])
{
	uint32_t kind = (uint32_t)ev->arg[0], a = (uint32_t)ev->arg[1], b = (uint32_t)ev->arg[2];
	const uint32_t *was = p->ids[k];
	bool priv = p->ids_known[0] && p->ids[0][1] == 0;

	if (ev->flags & PT_F_SETID_AFTER) {
		after[0] = (uint32_t)(ev->arg[0] >> 32);
		after[1] = (uint32_t)(ev->arg[1] >> 32);
		after[2] = (uint32_t)(ev->arg[2] >> 32);
		return true;
	}
	if (!p->ids_known[k])
		return false;
	memcpy(after, was, 3 * sizeof(*after));
	switch (kind) {
	case PT_SETID_UID: case PT_SETID_GID:
		if (priv)
			after[0] = after[2] = a;
		after[1] = a;
		break;
	case PT_SETID_REUID: case PT_SETID_REGID:
		if (a != (uint32_t)-1)
			after[0] = a;
		if (b != (uint32_t)-1)
			after[1] = b;
		if (a != (uint32_t)-1 || (b != (uint32_t)-1 && b != was[0]))
			after[2] = after[1];
		break;
	default: /* setres*id: the saved id asked for is not recorded */
		if (a != (uint32_t)-1)
			after[0] = a;
		if (b != (uint32_t)-1)
			after[1] = b;
		break;
	}
	if (k == 0)
		after[0] = ev->uid; /* the record's uid is the real uid after the call */
	return true;
}

/* on_setid: the process's ids before and after the call, for the rules;
 * a failed call changes nothing. */
static void on_setid(struct analyzer *an, struct proc *p, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	uint32_t kind = (uint32_t)ev->arg[0];
	int k = kind == PT_SETID_GID || kind == PT_SETID_REGID || kind == PT_SETID_RESGID;
	struct act a = { .p = p, .o = an->owners[p->owner], .v = v, .ids_gid = k };

	if (ev->ret < 0)
		return;
	if (!setid_ids(ev, p, k, a.ids_after))
		return;
	a.ids_known = p->ids_known[k];
	memcpy(a.ids_before, p->ids[k], sizeof(a.ids_before));
	memcpy(p->ids[k], a.ids_after, sizeof(p->ids[k]));
	p->ids_known[k] = true;
	if (a.o->kind == OWN_PACKAGE)
		RUN_HOOKS(on_cred, an, &a);
}

/* ---------- the stream ---------- */

void analyzer_feed(struct analyzer *an, const struct event_view *v)
{
	const struct pt_event *ev;
	struct proc *p;
	struct act a;

	if (!an || !v || !v->ev)
		return;
	ev = v->ev;
	an->fed++;
	an->refused += ev->type == PT_EV_REFUSED;
	switch (ev->type) {
	case PT_EV_ROOT:
		p = proc_new(an, ev->pid, NULL, ev->time_ns);
		if (p) {
			p->root = true;
			p->vpid = (uint32_t)ev->arg[1];
		}
		/* pkgtrace -- CMD: the root's parent is pkgtrace's own init of
		 * the install's pid namespace (nsinit.c), part of the monitor;
		 * a daemon session's root has a parent of the node's */
		if (!(ev->flags & PT_F_DAEMON_START) && an->collector_pid && !an->monitor_init_pid)
			an->monitor_init_pid = ev->ppid;
		return;
	case PT_EV_FORK: {
		struct proc *parent = proc_of(an, ev);

		if (parent && (p = proc_new(an, (uint32_t)ev->arg[0], parent, ev->time_ns)))
			p->vpid = (uint32_t)ev->arg[1];
		return;
	}
	case PT_EV_EXIT:
		p = proc_find(an, ev->pid);
		if (p) {
			p->alive = false;
			pnode_exit(an, p, ev->time_ns);
		}
		return;
	default:
		break;
	}
	p = proc_of(an, ev);
	if (!p)
		return;
	if (!p->ids_known[0]) {
		/* first seen: the record's (real) uid, taken for all three */
		p->ids[0][0] = p->ids[0][1] = p->ids[0][2] = ev->uid;
		p->ids_known[0] = true;
	}
	switch (ev->type) {
	case PT_EV_EXEC:
		on_exec(an, p, v);
		break;
	case PT_EV_OPEN: case PT_EV_UNLINK: case PT_EV_RENAME: case PT_EV_MKDIR:
	case PT_EV_CHMOD: case PT_EV_SYMLINK: case PT_EV_LINK: case PT_EV_TRUNCATE:
		on_file(an, p, v);
		break;
	case PT_EV_MEMFD:
		if (an->owners[p->owner]->kind == OWN_PACKAGE && v->field[0]) {
			char item[300];

			snprintf(item, sizeof(item), "memfd:%s", v->field[0]);
			prof_add(an, p->owner, PS_EXECUTABLES, item);
		}
		break;
	case PT_EV_CONNECT: case PT_EV_BIND: case PT_EV_LISTEN: case PT_EV_ACCEPT: case PT_EV_SEND:
		on_socket(an, p, v);
		break;
	case PT_EV_SETID:
		on_setid(an, p, v);
		break;
	case PT_EV_PTRACE: case PT_EV_PROCVM:
		a = (struct act){ .p = p, .o = an->owners[p->owner], .v = v };
		if (a.o->kind == OWN_PACKAGE)
			RUN_HOOKS(on_cred, an, &a);
		break;
	case PT_EV_SYS:
		/* its paths are its own from now on: questions about them
		 * (where.c) are asked per process */
		if (ev->ret == 0 && (ev->arg[0] == PT_SYS_CHROOT || ev->arg[0] == PT_SYS_PIVOT_ROOT ||
				     ev->arg[0] == PT_SYS_SETNS ||
				     (ev->arg[0] == PT_SYS_UNSHARE && (ev->arg[1] & CLONE_NEWNS_))))
			p->own_root = true;
		break;
	default:
		break;
	}
	/* how the call was made (32-bit ABI, io_uring, by handle), and the
	 * calls no hook above judges: mounts, namespaces, bpf(), signals,
	 * process_vm_*, io_uring requests */
	a = (struct act){ .p = p, .o = an->owners[p->owner], .v = v };
	RUN_HOOKS(on_event, an, &a);
}

/* ---------- setup ---------- */

/* The --shield stores ("~/.ssh") as paths under the session's HOME. */
static void shielded_copy(struct analyzer *an, const struct session_info *si)
{
	const char *home = session_getenv(si, "HOME");

	an->shielded = calloc((size_t)si->nhidden + 1, sizeof(char *));
	if (!an->shielded) {
		an->oom = true;
		return;
	}
	for (int i = 0; home && i < si->nhidden; i++) {
		const char *rel = si->hidden[i] && !strncmp(si->hidden[i], "~/", 2) ? si->hidden[i] + 2 : NULL;
		size_t len = rel ? strlen(home) + strlen(rel) + 2 : 0;
		char *p = rel ? malloc(len) : NULL;

		if (!p)
			continue;
		snprintf(p, len, "%s/%s", strcmp(home, "/") ? home : "", rel);
		an->shielded[an->nshielded++] = p;
	}
}

bool shielded(const struct analyzer *an, const char *path)
{
	for (int i = 0; path && i < an->nshielded; i++) {
		size_t n = strlen(an->shielded[i]);

		if (!strncmp(path, an->shielded[i], n) && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

static int env_copy(struct analyzer *an, const struct session_info *si)
{
	const char *home = session_getenv(si, "HOME");
	const char *tmp = session_getenv(si, "TMPDIR");
	const char *path = session_getenv(si, "PATH");

	an->project = xstrdup(an, si->cwd);
	an->home = xstrdup(an, home ? home : "/root");
	an->tmp = xstrdup(an, tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (an->project && strlen(an->project) > 1 && an->project[strlen(an->project) - 1] == '/')
		an->project[strlen(an->project) - 1] = '\0';
	if (path) {
		char *copy = xstrdup(an, path), *save = NULL;

		for (char *t = copy ? strtok_r(copy, ":", &save) : NULL; t; t = strtok_r(NULL, ":", &save)) {
			char **nv;

			if (t[0] != '/')
				continue;
			nv = realloc(an->pathdirs, (an->npathdirs + 1) * sizeof(*nv));
			if (!nv) {
				an->oom = true;
				break;
			}
			an->pathdirs = nv;
			an->pathdirs[an->npathdirs++] = xstrdup(an, t);
			if (strmap_add(&an->pathdir_set, t, NULL) == -ENOMEM)
				an->oom = true;
		}
		free(copy);
	}
	return an->oom ? -ENOMEM : 0;
}

struct analyzer *analyzer_new(const struct baseline *bl, const struct session_info *si)
{
	struct analyzer *an = calloc(1, sizeof(*an));
	static const struct session_info empty = { .exit_status = -1 };

	if (!an || !bl)
		goto fail;
	if (!si)
		si = &empty;
	an->bl = bl;
	an->collector_pid = si->collector_pid;
	an->enforce = si->enforce;
	if (si->enforce & SESSION_ENF_SHIELD)
		shielded_copy(an, si);
	an->nmonitor_maps = si->nmonitor_maps;
	memcpy(an->monitor_maps, si->monitor_maps, sizeof(an->monitor_maps));
	strmap_init(&an->owner_keys, 0);
	strmap_init(&an->finding_keys, 0);
	strmap_init(&an->written, WRITTEN_CAP);
	strmap_init(&an->drops.keys, CAND_CAP);
	strmap_init(&an->bins.keys, CAND_CAP);
	strmap_init(&an->pths.keys, CAND_CAP);
	strmap_init(&an->links.keys, NPM_FOLDERS_CAP);
	strmap_init(&an->records, CAND_CAP);
	strmap_init(&an->npm_folders, NPM_FOLDERS_CAP);
	strmap_init(&an->registry_urls, 64);
	strmap_init(&an->pm_caches, 64);
	strmap_init(&an->pm_outside.keys, PM_OUTSIDE_CAP);
	strmap_init(&an->venvs, 64);
	strmap_init(&an->pip_builds.keys, CAND_CAP);
	strmap_init(&an->pip_meta.keys, CAND_CAP);
	strmap_init(&an->install_writes.keys, WRITTEN_CAP);
	strmap_init(&an->installed_lists, CAND_CAP);
	strmap_init(&an->pm_endpoints, 1024);
	strmap_init(&an->pm_programs, 64);
	strmap_init(&an->pathdir_set, 0);
	strmap_init(&an->net_keys, CAND_CAP);
	an->written_owner = calloc(WRITTEN_CAP, sizeof(int));
	if (!an->written_owner || env_copy(an, si))
		goto fail;
	an->command_owner = owner_get(an, OWN_COMMAND, NULL, "command", NULL, NULL, an->project);
	an->project_owner = owner_get(an, OWN_PROJECT, NULL, "project", NULL, NULL, an->project);
	an->pm_npm = owner_get(an, OWN_PM, "npm", "pm:npm", "npm", NULL, NULL);
	an->pm_pip = owner_get(an, OWN_PM, "pip", "pm:pip", "pip", NULL, NULL);
	an->npm_flavor = npm_flavor_of((const char *const *)si->argv, si->argc);
	/* the command line's own registry options */
	registry_from_argv(an, (const char *const *)si->argv, si->argc);
	for (int i = 0; i < si->envc; i++) {
		if (si->env[i])
			registry_from_env(an, si->env[i], strlen(si->env[i]) + 1);
	}
	if (an->oom)
		goto fail;
	return an;
fail:
	analyzer_free(an);
	return NULL;
}

void analyzer_free(struct analyzer *an)
{
	if (!an)
		return;
	proc_free_all(an);
	pnodes_free(an->pnodes, an->npnodes);
	for (size_t i = 0; i < an->nowners; i++)
		owner_free(an->owners[i]);
	free(an->owners);
	findings_free(an->findings, an->nfindings);
	for (int i = 0; i < an->nshielded; i++)
		free(an->shielded[i]);
	free(an->shielded);
	strmap_clear(&an->owner_keys);
	strmap_clear(&an->finding_keys);
	strmap_clear(&an->written);
	free(an->written_owner);
	candlist_clear(&an->drops);
	candlist_clear(&an->bins);
	candlist_clear(&an->pths);
	candlist_clear(&an->links);
	strmap_clear(&an->records);
	strmap_clear(&an->npm_folders);
	strmap_clear(&an->registry_urls);
	strmap_clear(&an->pm_caches);
	candlist_clear(&an->pm_outside);
	strmap_clear(&an->venvs);
	candlist_clear(&an->pip_builds);
	candlist_clear(&an->pip_meta);
	candlist_clear(&an->install_writes);
	strmap_clear(&an->installed_lists);
	free(an->pip_archive);
	strmap_clear(&an->pm_endpoints);
	strmap_clear(&an->pm_programs);
	for (size_t i = 0; i < an->net_keys.n; i++) {
		free(an->net[i].endpoint);
		free(an->net[i].addrport);
		free(an->net[i].name);
	}
	free(an->net);
	strmap_clear(&an->net_keys);
	for (size_t i = 0; i < an->ncredids; i++)
		free(an->credids[i].path);
	free(an->credids);
	for (size_t i = 0; i < an->npathdirs; i++)
		free(an->pathdirs[i]);
	free(an->pathdirs);
	strmap_clear(&an->pathdir_set);
	free(an->project);
	free(an->home);
	free(an->tmp);
	free(an);
}
