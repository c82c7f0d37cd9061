// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_approve.c - pkgtrace approve [OPTIONS] -- CMD [ARGS...]
 *
 * "What exactly am I approving?"  The install runs once more with every
 * dependency install script allowed, but in a throwaway copy of the
 * project (no node_modules, no .git) and under enforcement and the
 * secrets shield (pkgtrace --enforce --shield: only the registry is
 * reachable, no process survives, the credential stores are empty), so a
 * malicious script can neither phone out, nor read real secrets, nor
 * persist.  Each package with an install script gets one line of what it
 * did and a verdict (approve, review, deny: approve/verdict.h); the
 * proposal is written in the package manager's own format
 * (approve/proposal.h): printed as a diff, or applied with --write.
 *
 * The trial is pkgtrace itself (/proc/self/exe), run as `pkgtrace
 * --enforce --shield --report FILE -- CMD`, so it is traced and enforced
 * exactly as a run is; its own output goes to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include "approve/copytree.h"
#include "approve/proposal.h"
#include "approve/verdict.h"
#include "cmds.h"
#include "enforce/sandbox.h"
#include "err.h"
#include "analyze.h"
#include "jsonstr.h"

#define APPROVE_SYNOPSIS "pkgtrace approve [--write] [--pm NAME] [--format text|json] [--report FILE] " \
	"[--keep] [--user USER[:GROUP]] [--allow HOST[:PORT]]... -- CMD [ARGS...]"
#define ALLOW_MAX 16       /* --allow endpoints */
#define CMD_ARGS_MAX 24    /* words of the install command */
/* the trial's argv: its own options (at most 10: pkgtrace --enforce --shield
 * --fail-on never --quiet --report F --user U), --allow pairs, "--", the
 * command, NULL */
#define TRIAL_ARGS_MAX (10 + 2 * ALLOW_MAX + 1 + CMD_ARGS_MAX + 1)

struct approve_opts {
	bool write, keep, json;
	int pm;                 /* enum pm_kind, -1: from CMD */
	const char *report_path;
	const char *user;
	const char *allow[ALLOW_MAX];
	int nallow;
	char **cmd;
	int cmdc;
};

static int parse_args(int argc, char **argv, struct approve_opts *o)
{
	enum { O_WRITE = 256, O_PM, O_FORMAT, O_REPORT, O_KEEP, O_USER, O_ALLOW, O_NO_COLOR };
	static const struct option longopts[] = {
		{ "write", no_argument, NULL, O_WRITE },
		{ "pm", required_argument, NULL, O_PM },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "report", required_argument, NULL, O_REPORT },
		{ "keep", no_argument, NULL, O_KEEP },
		{ "user", required_argument, NULL, O_USER },
		{ "allow", required_argument, NULL, O_ALLOW },
		{ "no-color", no_argument, NULL, O_NO_COLOR },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->pm = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		switch (c) {
		case O_WRITE: o->write = true; break;
		case O_KEEP: o->keep = true; break;
		case O_REPORT: o->report_path = optarg; break;
		case O_USER: o->user = optarg; break;
		case O_NO_COLOR: break; /* the text has no colour */
		case O_ALLOW:
			if (o->nallow == (int)(sizeof(o->allow) / sizeof(o->allow[0])))
				return p_usage(APPROVE_SYNOPSIS, "--allow: at most %zu endpoints",
					       sizeof(o->allow) / sizeof(o->allow[0]));
			o->allow[o->nallow++] = optarg;
			break;
		case O_PM:
			o->pm = pm_kind_parse(optarg);
			if (o->pm < 0 || strchr(optarg, '/'))
				return p_usage(APPROVE_SYNOPSIS, "--pm: '%s' is not npm, pnpm, bun or yarn", optarg);
			break;
		case O_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return p_usage(APPROVE_SYNOPSIS, "--format: '%s' is not text or json", optarg);
			o->json = !strcmp(optarg, "json");
			break;
		case ':':
			return p_usage(APPROVE_SYNOPSIS, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return p_usage(APPROVE_SYNOPSIS, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < 2 || strcmp(argv[optind - 1], "--"))
		return p_usage(APPROVE_SYNOPSIS, "missing '--' before the install command");
	if (optind >= argc)
		return p_usage(APPROVE_SYNOPSIS, "missing the install command after '--'");
	o->cmd = argv + optind;
	o->cmdc = argc - optind;
	if (o->pm < 0)
		o->pm = pm_kind_parse(o->cmd[0]);
	if (o->pm < 0)
		return p_usage(APPROVE_SYNOPSIS, "'%s' is not npm, pnpm, bun or yarn: name the package manager with --pm",
			       o->cmd[0]);
	if (o->cmdc > CMD_ARGS_MAX)
		return p_usage(APPROVE_SYNOPSIS, "the install command has more than %d arguments", CMD_ARGS_MAX);
	return 0;
}

/* trial_run: `pkgtrace --enforce --shield --report REPORT -- CMD` in dir,
 * with every install script allowed; its output on our stderr.  Returns
 * its wait status, or -errno. */
static int trial_run(const struct approve_opts *o, const char *dir, const char *report)
{
	char self[PATH_MAX];
	const char *argv[TRIAL_ARGS_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int argc = 0, status;
	pid_t pid;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	argv[argc++] = "pkgtrace";
	argv[argc++] = "--enforce";
	argv[argc++] = "--shield";
	argv[argc++] = "--fail-on";
	argv[argc++] = "never";
	argv[argc++] = "--quiet";
	argv[argc++] = "--report";
	argv[argc++] = report;
	if (o->user) {
		argv[argc++] = "--user";
		argv[argc++] = o->user;
	}
	for (int i = 0; i < o->nallow; i++) {
		argv[argc++] = "--allow";
		argv[argc++] = o->allow[i];
	}
	argv[argc++] = "--";
	for (int i = 0; i < o->cmdc; i++)
		argv[argc++] = o->cmd[i];
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* every dependency script allowed, for this trial only: npm 11
		 * (allowScripts), pnpm 10 (onlyBuiltDependencies) */
		if (chdir(dir) || dup2(STDERR_FILENO, STDOUT_FILENO) < 0 ||
		    setenv("npm_config_dangerously_allow_all_scripts", "true", 1) ||
		    setenv("npm_config_dangerously_allow_all_builds", "true", 1)) {
			p_err("approve: trial setup in %s: %s", dir, strerror(errno));
			_exit(PT_EXIT_INTERNAL);
		}
		execv(self, (char *const *)argv);
		p_err("approve: %s: %s", self, strerror(errno));
		_exit(PT_EXIT_INTERNAL);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

static struct json_object *read_report(const char *path)
{
	struct json_object *r = json_object_from_file(path);

	if (r && !json_object_is_type(r, json_type_object)) {
		json_object_put(r);
		r = NULL;
	}
	return r;
}

static void print_text(const struct approve_opts *o, const struct approve_list *l, const struct proposal *p)
{
	size_t w = 0;
	char id[600];

	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->pkg[i].name) + (l->pkg[i].version ? strlen(l->pkg[i].version) + 1 : 0);

		if (n > w)
			w = n;
	}
	if (w > 40)
		w = 40;
	if (!l->n)
		printf("No dependency has an install script: nothing to approve.\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct approve_pkg *a = &l->pkg[i];

		snprintf(id, sizeof(id), "%s%s%s", a->name, a->version ? "@" : "", a->version ? a->version : "");
		printf("%-7s  %-*s  ", approve_verdict_name(a->verdict), (int)w, id);
		report_text_puts(stdout, a->did);
		putchar('\n');
		if (a->why && a->why[0]) {
			printf("%-7s  %-*s  because: ", "", (int)w, "");
			report_text_puts(stdout, a->why);
			putchar('\n');
		}
	}
	if (p->kept_denied)
		printf("%zu approval(s) not proposed: the package is denied in %s already.\n", p->kept_denied, p->file);
	if (!proposal_changed(p)) {
		printf("%s needs no change.\n", p->file);
		return;
	}
	if (o->write) {
		printf("Wrote %s: %zu approved, %zu denied.\n", p->file, p->approved, p->denied);
		return;
	}
	printf("\nProposed change to %s (apply with --write):\n", p->file);
	proposal_print_diff(stdout, p);
}

/* jstr_or_null: a JSON string in the one encoding (jsonstr.h), or null. */
static struct json_object *jstr_or_null(const char *s)
{
	return s ? jsonstr_new_c(s) : NULL;
}

static int print_json(const struct approve_opts *o, const struct approve_list *l, const struct proposal *p)
{
	struct json_object *root = json_object_new_object(), *pkgs = json_object_new_array();
	char *diff = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&diff, &len);
	int err = -ENOMEM;

	if (!root || !pkgs || !f)
		goto cleanup;
	proposal_print_diff(f, p);
	if (fclose(f))
		goto cleanup;
	f = NULL;
	json_object_object_add(root, "format", json_object_new_string("pkgtrace-approve/1"));
	json_object_object_add(root, "package_manager", json_object_new_string(pm_kind_name(o->pm)));
	json_object_object_add(root, "file", json_object_new_string(p->file));
	for (size_t i = 0; i < l->n; i++) {
		const struct approve_pkg *a = &l->pkg[i];
		struct json_object *e = json_object_new_object();

		if (!e)
			goto cleanup;
		json_object_object_add(e, "ecosystem", jstr_or_null(a->eco));
		json_object_object_add(e, "name", jstr_or_null(a->name));
		json_object_object_add(e, "version", jstr_or_null(a->version));
		json_object_object_add(e, "verdict", json_object_new_string(approve_verdict_name(a->verdict)));
		json_object_object_add(e, "max_severity", a->max_sev >= 0 ?
				       json_object_new_string(severity_name(a->max_sev)) : NULL);
		json_object_object_add(e, "did", jstr_or_null(a->did));
		json_object_object_add(e, "why", jstr_or_null(a->why && a->why[0] ? a->why : NULL));
		json_object_array_add(pkgs, e);
	}
	json_object_object_add(root, "packages", pkgs);
	pkgs = NULL;
	json_object_object_add(root, "changed", json_object_new_boolean(proposal_changed(p)));
	json_object_object_add(root, "written", json_object_new_boolean(o->write && proposal_changed(p)));
	json_object_object_add(root, "diff", jstr_or_null(proposal_changed(p) ? diff : NULL));
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	err = 0;
cleanup:
	if (f)
		fclose(f);
	free(diff);
	json_object_put(pkgs);
	json_object_put(root);
	return err;
}

int cmd_approve(int argc, char **argv)
{
	struct approve_opts o = { 0 };
	struct approve_list list = { 0 };
	struct proposal prop = { 0 };
	struct privdrop pd = { 0 };
	struct json_object *report = NULL;
	char why[256];
	char project[PATH_MAX], base[PATH_MAX + 64], copy[PATH_MAX + 128], rpath[PATH_MAX + 128];
	const char *name;
	bool made = false, denied = false;
	int ret, status, err;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	if (!getcwd(project, sizeof(project))) {
		p_err("approve: the current directory: %s", strerror(errno));
		return PT_EXIT_INTERNAL;
	}
	/* the proposal is made first on the untouched project: a package.json
	 * that is not JSON stops here, before any install */
	err = proposal_make(o.pm, project, &list, &prop);
	if (err == -ENOENT) {
		p_err("approve: %s has no %s: run it in the project's folder", project, prop.file);
		ret = PT_EXIT_NOINPUT;
		goto cleanup;
	}
	if (err) {
		p_err("approve: %s/%s: %s", project, prop.file, err == -EINVAL ?
		      "not an object in JSON (or a list in YAML flow style)" : strerror(-err));
		ret = PT_EXIT_BAD_INPUT;
		goto cleanup;
	}
	proposal_free(&prop);
	snprintf(base, sizeof(base), "%s/pkgtrace-approve.XXXXXX", getenv("TMPDIR") && getenv("TMPDIR")[0] == '/' ?
		 getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(base)) {
		p_err("approve: a throwaway folder in %s: %s", base, strerror(errno));
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	made = true;
	name = strrchr(project, '/');
	snprintf(copy, sizeof(copy), "%s/%s", base, name && name[1] ? name + 1 : "project");
	snprintf(rpath, sizeof(rpath), "%s/report.json", base);
	err = copytree(project, copy);
	if (err) {
		p_err("approve: copying %s to %s: %s", project, copy, strerror(-err));
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	/* the trial runs as --user, or as sudo's caller (the run's own rule,
	 * privdrop.h): its copy must be that user's to write */
	err = privdrop_resolve(o.user, &pd, why, sizeof(why));
	if (err) {
		p_err("approve: %s", err == -ENOENT ? why : strerror(-err));
		ret = err == -ENOENT ? PT_EXIT_NOUSER : PT_EXIT_INTERNAL;
		goto cleanup;
	}
	/* only the copy is the user's; the folder around it (the trial's
	 * report) stays root's, traversable but not writable by the install */
	if (pd.active && pd.uid != 0 && (chmod(base, 0711) ? (err = -errno) : (err = chowntree(copy, pd.uid, pd.gid)))) {
		p_err("approve: handing %s to %s: %s", copy, pd.name ? pd.name : "the install's user", strerror(-err));
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	if (!o.json)
		printf("Trial install in a throwaway copy (%s), every install script allowed, under --enforce --shield:\n",
		       copy);
	fflush(stdout);
	status = trial_run(&o, copy, rpath);
	if (status < 0) {
		p_err("approve: the trial install: %s", strerror(-status));
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	report = read_report(rpath);
	if (!report) {
		/* pkgtrace itself failed (it said why on stderr): its code */
		ret = WIFEXITED(status) ? WEXITSTATUS(status) : PT_EXIT_INTERNAL;
		p_err("approve: the trial install made no report (exit %d)", ret);
		if (!ret)
			ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		p_warn("approve: the trial install failed (%s %d): the verdicts cover only what ran",
		       WIFEXITED(status) ? "exit" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	err = approve_list_from_report(report, getenv("HOME"), copy, &list);
	if (!err)
		err = proposal_make(o.pm, project, &list, &prop);
	if (err) {
		p_err("approve: %s", err == -EINVAL ? "the trial's report is not a pkgtrace report" : strerror(-err));
		ret = err == -EINVAL ? PT_EXIT_BAD_INPUT : PT_EXIT_INTERNAL;
		goto cleanup;
	}
	if (o.write && proposal_changed(&prop)) {
		err = proposal_write(project, &prop);
		if (err) {
			p_err("approve: writing %s/%s: %s", project, prop.file, strerror(-err));
			ret = PT_EXIT_INTERNAL;
			goto cleanup;
		}
	}
	if (o.json)
		err = print_json(&o, &list, &prop);
	else
		print_text(&o, &list, &prop);
	if (err) {
		ret = PT_EXIT_INTERNAL;
		goto cleanup;
	}
	for (size_t i = 0; i < list.n; i++)
		denied |= list.pkg[i].verdict == AV_DENY;
	ret = denied ? PT_EXIT_FINDINGS : PT_EXIT_OK;
cleanup:
	if (o.report_path && made && rename(rpath, o.report_path)) {
		/* a rename across filesystems fails: copy through json-c */
		struct json_object *r = report ? json_object_get(report) : read_report(rpath);

		if (!r || json_object_to_file_ext(o.report_path, r, JSON_C_TO_STRING_PRETTY))
			p_warn("approve: --report %s: not written", o.report_path);
		json_object_put(r);
	}
	if (made && o.keep)
		fprintf(stderr, "pkgtrace: approve: kept the trial's copy in %s\n", base);
	else if (made && (err = rmtree(base)))
		p_warn("approve: removing %s: %s", base, strerror(-err));
	json_object_put(report);
	approve_list_free(&list);
	proposal_free(&prop);
	privdrop_clear(&pd);
	return ret;
}
