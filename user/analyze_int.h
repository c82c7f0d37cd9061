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
	R_EVASION, R_NRULES
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
enum finding_action { ACTION_NONE = 0, ACTION_BLOCKED, ACTION_KILLED, ACTION_REFUSED };

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
	uint8_t action;      /* enum finding_action */
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

struct report {
	char **argv;
	int argc;
	char *cwd, *hostname, *kernel;
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
	struct finding *findings;/* in report order */
	size_t nfindings;
	int max_sev;
};

#endif
