/*
 * analyze_int.h - what the analysis hands the report writers: owners with
 * their profiles, findings with bounded evidence, and the rule table.
 * Internal to user/analyze/, the report writers and the unit tests.
 */
#ifndef PKGTRACE_ANALYZE_INT_H
#define PKGTRACE_ANALYZE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze.h"
#include "strmap.h"

enum rule_id {
	R_INSTALL_SCRIPT, R_UNEXPECTED_EXEC, R_NETWORK_EGRESS, R_DNS_QUERY,
	R_CREDENTIAL_ACCESS, R_WRITE_OUTSIDE_PROJECT, R_PERSISTENCE, R_COMMAND_SHADOWING,
	R_DROPPER, R_FILELESS_EXEC, R_LINGERING_PROCESS, R_TAMPER, R_LISTEN_SOCKET,
	R_PRIVILEGE_CHANGE, R_TRACE_INCOMPLETE, R_IPC_OUTSIDE, R_IDENTITY_MISMATCH, R_MONITOR_TAMPER,
	R_EVASION, R_POLICY_EXPIRED, R_NRULES
};

struct analyzer;
struct act;
struct finish_ctx;

/* One rule (user/analyze/rules/<id>.c): what the report shows of it, and
 * the hooks the analysis calls (user/analyze/analyze.c), each optional.
 * Per event, the hooks of each kind run in rule-id order. */
struct rule_info {
	const char *id;
	const char *title;  /* one line for SARIF shortDescription */
	int max_sev;        /* the highest severity the rule gives */
	void (*on_script)(struct analyzer *an, const struct act *a); /* a lifecycle script starts */
	void (*on_exec)(struct analyzer *an, const struct act *a);   /* any exec */
	void (*on_read)(struct analyzer *an, const struct act *a);   /* a package's read-only open */
	void (*on_chmod)(struct analyzer *an, const struct act *a);  /* any chmod */
	void (*on_write)(struct analyzer *an, const struct act *a);  /* a package's or the PM's write */
	void (*on_net)(struct analyzer *an, const struct act *a);    /* a package's socket event */
	void (*on_cred)(struct analyzer *an, const struct act *a);   /* a package's setid or ptrace */
	void (*on_event)(struct analyzer *an, const struct act *a);  /* any record of any owner's
								      * process, after the hooks above */
	void (*on_finish)(struct analyzer *an, const struct finish_ctx *fc);
	bool finish_late;   /* on_finish reads other rules' verdicts: runs after theirs */
};
extern const struct rule_info rule_info[R_NRULES];

#define EVIDENCE_MAX 5

struct evidence {
	uint32_t pid;
	uint64_t time_ns;
	const char *event;   /* static: "exec", "open", ... */
	char *path;          /* file or executable, or NULL */
	char *argv;          /* NUL-separated list, or NULL */
	size_t argv_len;
	char *endpoint;      /* "1.2.3.4:80/tcp", or NULL */
	char *dns;           /* query name, or NULL */
};

/* What enforcement did about a finding's behaviour (issue 15). */

struct finding {
	int rule;
	int sev;
	int owner;           /* index into owners, -1 for none */
	char *key;           /* what makes it distinct within (rule, owner) */
	char *summary;       /* while named: the text after the owner's name */
	bool named;          /* the summary starts with the owner's name, put in at
			      * the end (a pip build is named once its metadata is known) */
	struct evidence ev[EVIDENCE_MAX];
	int nev;
	uint64_t count;      /* events behind it, including those not kept */
	char *suppressed;    /* the policy's reason (policy.h), NULL when not:
			      * it stays in the report but does not count */
	char *loc_file;      /* where it points in the repository, relative to the
			      * project (a lockfile entry: findings_locate), or NULL */
	int loc_line;        /* 1-based line in loc_file */
	const char *action;  /* static: "blocked", "killed", "refused" (enforcement), or NULL */
};

enum owner_kind { OWN_COMMAND, OWN_PM, OWN_PROJECT, OWN_PACKAGE };

enum prof_set {
	PS_SCRIPTS, PS_PROCS, PS_READS, PS_WRITES, PS_EXECUTABLES, PS_NET, PS_DNS,
	PS_LISTEN, PS_LINGERING, PS_N
};

struct owner {
	int kind;
	const char *eco;     /* "npm", "pip" or NULL */
	char *key;           /* unique: eco + folder */
	char *name, *version, *path;
	struct strmap set[PS_N];
	bool ran_script;
	const char *pm;      /* the package manager that installed it: "npm",
			      * "pnpm", "yarn", "bun", "pip" or NULL */
	int approved;        /* the package manager's own approval list (npm
			      * allowScripts, pnpm onlyBuiltDependencies/allowBuilds,
			      * bun trustedDependencies): 1 approved, 0 denied,
			      * -1 not covered */
	char *claimed;       /* npm: the name its package.json claims, when it
			      * is not the name npm installed it under */
	uint64_t cred_ns;    /* first read of credentials or another process's
			      * secrets (credential-access), 0 for none */
	char *skipped;       /* scripts npm did not run, or NULL */
	int max_sev;         /* -1: no finding */
	bool egress;         /* contacted a non-registry endpoint */
	bool dropped;        /* executed or loaded a file written by a script */
	bool shipped_listed; /* known from the installed tree, not from events */
	int name_from_build; /* pip: 2 named by its wheel, 1 by its egg-info */
};

/* One exec of the traced tree (a process image), for the report's process
 * tree: recorded in exec order, at most PNODE_CAP of them. */
#define PNODE_CAP 20000
#define PNODE_ARGV_MAX 384   /* argv bytes kept per node */

struct pnode {
	uint32_t pid;
	int parent;          /* the image this one ran under (the exec of the
			      * pid or of its nearest ancestor), -1 for none */
	int owner;           /* index into owners (report order once finished) */
	uint64_t start_ns;   /* exec */
	uint64_t end_ns;     /* exit of the pid, or the next exec in it; 0: still running */
	char *exe;           /* or NULL */
	char *argv;          /* NUL-separated, cut at PNODE_ARGV_MAX, or NULL */
	size_t argv_len;
	bool argv_cut;
};

struct report {
	char **argv;
	int argc;
	char *cwd, *hostname, *kernel;
	char *home, *tmpdir;     /* the command's HOME and temp dir, as the analysis took
				  * them: a diff writes paths under them as ~ and <tmp>,
				  * SARIF fingerprints leave them out */
	int exit_status;
	uint64_t events, drops, analyzed, start_ns, end_ns, boot_offset_ns;
	bool interrupted, partial;
	uint32_t survivors, survivors_traced_ms; /* report_set_survivors() */
	uint8_t survivor_fate;
	/* enforcement (report_set_enforcement; counts from the analysis) */
	uint32_t enforce;        /* SESSION_ENF_*, 0: nothing enforced */
	uint32_t run_uid, run_gid;
	char *run_user;          /* owned */
	char **hidden;           /* owned, NULL-terminated */
	uint64_t refused;        /* PT_EV_REFUSED records */
	const struct trace_damage *damage; /* replay of a damaged trace, else NULL;
					    * not owned (report_set_trace_damage) */
	struct owner **owners;   /* in report order */
	size_t nowners;
	char *enforcement;       /* the "enforcement" object as JSON text (the
				  * pkgtrace:enforcement fact), or NULL */
	struct finding *findings;/* in report order */
	size_t nfindings;
	int max_sev;             /* of the findings not suppressed */
	int fail_on;             /* --fail-on, for the verdict (SEV_HIGH unless set) */
	char *policy_path;       /* the policy applied (policy_apply), or NULL */
	size_t nsuppressed;
	struct policy_unused {   /* suppressions that matched nothing */
		size_t index;    /* in the policy's suppressions[] */
		const char *rule;/* static */
		char *package, *reason;
	} *policy_unused;
	size_t npolicy_unused;
	char **registries;       /* "addr:port" counted as configured registries, sorted */
	size_t nregistries;
	struct pnode *pnodes;    /* execs in order, owners in report order */
	size_t npnodes;
	uint64_t pnodes_total;   /* execs seen, including those past PNODE_CAP */
};

/* report_rerank: after a policy changed severities or suppressed
 * findings: the owners' and the report's highest severities from the
 * findings not suppressed, then owners and findings in report order
 * again.  Returns 0 or -ENOMEM. */
int report_rerank(struct report *r);

#endif
