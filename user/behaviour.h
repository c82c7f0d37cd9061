/*
 * behaviour.h - what each package of a report did, as a set of normalised
 * behaviours that two installs can be compared on (pkgtrace diff, the
 * report's "new_since", and the approval assistant's one-line summary).
 *
 * The input is a JSON report (schemas/report.schema.json): reports read
 * from disk and reports just built (report_json()) take the same path.
 * Normalised means: no pids, times or temp-dir names, and the project
 * root, $HOME, the temp dir and the package's own folder written as
 * <project>, ~, <tmp> and <pkg>, so two runs of one lockfile on two
 * machines or in two directories give equal sets.
 */
#ifndef PKGTRACE_BEHAVIOUR_H
#define PKGTRACE_BEHAVIOUR_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum bh_kind {
	BH_PROCESS,     /* a command line it ran */
	BH_WRITE,       /* a file written outside its own folder */
	BH_CREDENTIAL,  /* a credential category read ("npm-token", "ssh-key") */
	BH_ENDPOINT,    /* an endpoint it connected or sent to ("addr:port/proto") */
	BH_DNS,         /* a DNS name it looked up (or a resolver it asked) */
	BH_LISTEN,      /* a socket it listened on */
	BH_LINGERING,   /* a process of its still running at the end */
	BH_FINDING,     /* a finding: "rule key" */
	BH_NKINDS
};

/* behaviour_kind_name: "process", "file-written", "credential", "endpoint",
 * "dns", "listen", "lingering", "finding". */
const char *behaviour_kind_name(int kind);

struct bh_item {
	int kind;            /* enum bh_kind */
	char *value;         /* normalised; BH_FINDING: the rule, a space, the key */
	char *match;         /* what a finding's key or evidence is compared with */
	char *rule;          /* BH_FINDING: the rule */
	int sev;             /* BH_FINDING: its severity; else -1 */
	char *evidence;      /* BH_FINDING: its evidence values, normalised,
			      * NUL-separated (evidence_len bytes) */
	size_t evidence_len;
};

/* One package of a report, or all its installs of one name (two versions
 * of a package in one tree are one entry with both versions). */
struct bh_package {
	char *eco;           /* "npm", "pip", "" unknown */
	char *name;          /* "" for the findings of no package */
	bool project;        /* the root project */
	char *versions;      /* ", "-joined sorted distinct versions, "" none */
	struct bh_item *items; /* sorted by kind, then value; distinct */
	size_t n;
};

struct bh_set {
	struct bh_package *pkgs; /* sorted by eco, project, name */
	size_t n;
	bool keyless;            /* a report of before findings had keys: its
				  * findings are told apart by rule only */
};

/* behaviour_from_report: the behaviour sets of a JSON report.  0 and *out,
 * -EINVAL with one line in err when the document is no pkgtrace report,
 * -ENOMEM. */
int behaviour_from_report(const struct json_object *report, struct bh_set **out, char *err,
			  size_t errlen);
void behaviour_free(struct bh_set *s);

/* behaviour_find: the package of s with that eco, name and project flag,
 * or NULL. */
const struct bh_package *behaviour_find(const struct bh_set *s, const char *eco, const char *name,
					bool project);

/* behaviour_ties: the finding f (a BH_FINDING item) names the behaviour
 * b: its key or one of its evidence values is b's match. */
bool behaviour_ties(const struct bh_item *b, const struct bh_item *f);

/* The places a path is written relative to; any may be NULL. */
struct bh_roots {
	const char *pkg;      /* the package's own folder -> <pkg> */
	const char *project;  /* the project root (the command's cwd) -> <project> */
	const char *home;     /* $HOME -> ~ */
	const char *tmp;      /* the temp dir -> <tmp> */
};

/* behaviour_normalise: s with every path under a root (longest root first,
 * at the start of a path only) written as the root's name, temp-name
 * suffixes (mkdtemp's ".Ab3xYz", Python's "tmpk2j4_x9a", pip's
 * "pip-req-build-6jt_7cpd", gcc's "ccAb3xYz.s" in a temp dir) as "*" and
 * /proc/PID as /proc/"*".  Returns a malloc'd string, NULL on allocation
 * failure. */
char *behaviour_normalise(const struct bh_roots *roots, const char *s);

/* behaviour_listen_port: a listen endpoint "addr:port/proto" with a port
 * of the ephemeral range (32768 and up, as Linux hands out for port 0)
 * written as "addr:*" + "/proto": a kernel-chosen port differs every run.
 * Returns a malloc'd string, NULL on allocation failure. */
char *behaviour_listen_port(const char *ep);

#endif
