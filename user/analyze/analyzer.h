/*
 * analyzer.h - the analyzer's state, internal to user/analyze/.
 *
 * One event's way through the analysis (analyze.c):
 *   1. the process table (proctree.c) follows ROOT, FORK, EXEC and EXIT;
 *   2. attribution gives the process its owner (owners.c): a package
 *      manager's exec (npm.c, pip.c) or the start of a lifecycle script;
 *   3. the event becomes a struct act (what was done, by whom, and where a
 *      write lands), and each rule's hook for that kind of act runs, in the
 *      order of the rule table (rules/rules.c);
 * and at the end analyzer_finish() reads the installed tree (npm.c, pip.c),
 * the registries (registry.c), runs each rule's on_finish and hands owners
 * and findings to the report (finish.c).
 */
#ifndef PKGTRACE_ANALYZE_ANALYZER_H
#define PKGTRACE_ANALYZE_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyze_int.h"
#include "event.h"
#include "facts.h"
#include "session.h"
#include "strmap.h"

#define PROC_BUCKETS 1024
#define SET_CAP 64              /* distinct items kept per profile set */
#define WRITTEN_CAP 65536       /* files written by scripts, for dropper */
#define CAND_CAP 4096           /* candidates of each kind */
#define NPM_FOLDERS_CAP 20000   /* installed npm package folders */
#define PM_OUTSIDE_CAP 65536    /* package manager writes judged at finish */
#define FACT_MAX (1u << 20)

/* A credential file by identity, from the session start (where.c). */
struct credid {
	uint32_t dev;        /* the kernel's dev_t, as in open records */
	uint64_t ino;
	const char *cat;     /* pathclass category */
	char *path;
};

/* One process of the traced tree (proctree.c). */
struct proc {
	struct proc *next;
	uint32_t pid;
	uint32_t vpid;       /* its pid in its own PID namespace, 0 unknown: what
			      * /proc/<n> names it by under a private /proc */
	int owner;
	bool is_pm;          /* the package manager's own code runs in it */
	const char *pm_eco;
	bool python;         /* runs a Python interpreter */
	bool install_step;   /* pip's legacy `setup.py install` step, and its children */
	char *last_py;       /* the last .py file it opened for reading (bytecode cache) */
	/* credentials: [0] uid, [1] gid, each real, effective, saved; known
	 * from the records' uid and set*id results, inherited at fork */
	bool ids_known[2];
	uint32_t ids[2][3];
	int node;            /* 1 + index of its image in an->pnodes (inherited
			      * at fork), 0 for none */
	bool alive;
	bool root;
	bool own_root;       /* chroot, pivot_root or a mount namespace of its own */
	uint64_t time_ns;    /* fork or exec time */
	char *cmd;           /* exe and argv, for lingering-process */
	/* the injection variables (LD_PRELOAD, NODE_OPTIONS, ...) of the
	 * environment the package manager gave the script this process
	 * belongs to, NUL-separated KEY=VALUE (unexpected-exec); NULL
	 * outside a script */
	char *env_base;
	size_t env_base_len;
};

/* A file a rule judges at finish: one created by a script (dropper), an
 * executable in a bin dir (command-shadowing), a .pth file (persistence),
 * a package folder the package manager made as a symlink (npm.c). */
struct cand {
	int owner;           /* -1: the package manager, resolved at finish */
	int other;           /* dropper: the owner that ran it */
	char *path;
	char *extra;         /* symlink target, or argv */
	size_t extra_len;
	uint32_t pid;
	uint64_t time_ns;
	const char *event;
};

struct candlist {
	struct strmap keys;
	struct cand *v;
};

/* A connection or DNS query by a script (net.c), judged at finish by
 * network-egress and dns-query. */
struct netrec {
	int owner;
	bool dns;
	char *endpoint;      /* "addr:port/proto" */
	char *addrport;      /* "addr:port", matched against registries */
	char *name;          /* DNS query name or NULL */
	uint32_t pid;
	uint64_t time_ns;
	const char *event;
	uint64_t count;
	uint64_t last_send_ns; /* the last datagram sent (sendto/sendmsg), 0 none */
};

struct analyzer {
	const struct baseline *bl;
	char *project, *home, *tmp;
	char **pathdirs;
	size_t npathdirs;
	struct strmap pathdir_set;  /* the same directories, for in_bin_dir */
	struct proc *procs[PROC_BUCKETS];

	struct owner **owners;
	size_t nowners, owners_cap;
	struct strmap owner_keys;
	int command_owner, project_owner, pm_npm, pm_pip;
	const char *npm_flavor;     /* "npm", "pnpm", "yarn", "bun": the traced install's */

	struct finding *findings;
	size_t nfindings;
	struct strmap finding_keys;

	struct strmap written;      /* files written by scripts */
	int *written_owner;
	struct candlist drops, bins, pths;
	struct candlist links;      /* package folders the PM made as symlinks (pnpm) */
	struct strmap records;      /* *.dist-info/RECORD written */
	struct strmap npm_folders;  /* node_modules/<pkg> written by npm */
	struct strmap registry_urls;
	struct strmap pm_caches;    /* cache directories of the package managers (registry.c) */
	struct candlist pm_outside; /* the PM's writes outside its usual places, judged at finish */
	uint64_t pm_outside_count;
	struct strmap venvs;        /* Python virtual environments (a pyvenv.cfg was read) */
	struct candlist pip_builds; /* pip's build dirs, extra: the sdist unpacked there */
	struct candlist pip_meta;   /* PKG-INFO and METADATA files build hooks wrote */
	struct candlist install_writes; /* writes of setup.py install steps (WP_INSTALL) */
	struct strmap installed_lists;  /* *.egg-info/installed-files.txt pip wrote */
	char *pip_archive;          /* the last sdist or wheel file pip opened */
	struct strmap pm_endpoints; /* addr:port the package manager used */
	struct strmap pm_programs;  /* the package managers the install itself ran
				     * (pm_program: exe and script), see on_exec */
	struct strmap net_keys;
	struct netrec *net;
	struct facts *facts;        /* questions asked while events come (where.c); may be NULL */
	struct credid *credids;     /* credential files by identity, sorted (where.c) */
	size_t ncredids;
	bool credids_final;         /* the list was read (or is known absent) */
	struct pnode *pnodes;       /* the process tree (analyze.c, pnode_exec) */
	size_t npnodes, pnodes_cap;
	uint64_t pnodes_total;
	uint64_t fed;
	bool oom;
	/* the monitor itself (session info): monitor-tamper */
	uint32_t collector_pid;
	uint32_t monitor_init_pid;  /* host pid of pkgtrace's namespace init, 0 unknown */
	int nmonitor_maps;
	uint32_t monitor_maps[SESSION_MONITOR_MAPS];
	uint32_t enforce;           /* SESSION_ENF_* of the session */
	uint64_t refused;           /* PT_EV_REFUSED records seen */
	char **shielded;            /* --shield: the hidden stores as absolute paths */
	int nshielded;
};

/* Where a write lands, decided once per written path (analyze.c,
 * write_place) in this order, the first that holds wins; except that
 * Python's own bytecode cache is recognised before all of them. */
enum write_place {
	WP_FAILED,          /* the call failed: nothing landed */
	WP_CI,              /* CI configuration, anywhere */
	WP_OWN,             /* the writer's own package folder */
	WP_OTHER_PACKAGE,   /* another npm package's folder */
	WP_PROJECT_DEPS,    /* the project's node_modules outside any package */
	WP_PROJECT,         /* the project's own files */
	WP_PYCACHE,         /* Python's compiled-module cache, written by Python itself */
	WP_INSTALL,         /* pip's `setup.py install` step writing the environment it installs into */
	WP_USUAL,           /* where the baseline says scripts write */
	WP_SITE_PACKAGES,   /* installed Python packages */
	WP_OUTSIDE,         /* anywhere else */
	WP_PM,              /* the package manager's own write (places are not judged) */
};

/* What a process did, as the rules see it: one struct per judged act
 * (a rename is judged as two writes). */
struct act {
	struct proc *p;
	struct owner *o;             /* p's owner */
	const struct event_view *v;
	/* exec */
	const char *exe, *argv;      /* argv: NUL-separated, alen bytes */
	size_t alen;
	const char *cmdline;         /* argv joined by spaces, whole */
	/* file */
	const char *path;            /* the path judged */
	const char *target;          /* a symlink's target (package manager) */
	bool creates;                /* the act makes the file (open, symlink, new name) */
	enum write_place place;
	const char *persist;         /* pathclass_persistence(path), or NULL */
	const char *source;          /* link/rename's new name: the file linked or moved */
	uint32_t source_dev;         /* ... and its identity, when known (0, 0) */
	uint64_t source_ino;
	const char *given;           /* the path as the call gave it, when path is resolved
				      * to somewhere else (symlinked directories) */
	/* socket */
	const char *addrport;        /* "addr:port" */
	const char *endpoint;        /* "addr:port/proto" */
	/* script start */
	const char *script;          /* the lifecycle event or build hook */
	int script_owner;
	bool pm_argv;                /* exec: the package manager chose this argv (pip's helpers) */
	/* set*id: the ids before and after (uid or gid), when known */
	bool ids_gid, ids_known;
	uint32_t ids_before[3], ids_after[3];
};

/* What the rules' on_finish hooks see. */
struct finish_ctx {
	const struct session_info *si;
	struct facts *facts;
	const struct strmap *registry; /* "addr:port" of configured registries */
};

/* ---- util.c: strings and lists ---- */
char *xstrdup(struct analyzer *an, const char *s);
char *xmemdup(struct analyzer *an, const char *s, size_t len);
/* list_get: the i-th string of a NUL-separated list field, or NULL. */
const char *list_get(const char *list, size_t len, int i);
int list_count(const char *list, size_t len);
/* env_get: value of KEY in a NUL-separated KEY=VALUE list, or NULL. */
const char *env_get(const char *env, size_t len, const char *key);
/* join_argv_all: the whole list joined by spaces, malloc'd (free it), or
 * NULL with oom set. */
char *join_argv_all(struct analyzer *an, const char *argv, size_t len);
void dirname_into(const char *path, char *buf, size_t max);
/* link_resolve: the absolute, folded path a symlink in dir with target points to. */
void link_resolve(const char *dir, const char *target, char *out, size_t max);
bool has_suffix(const char *s, const char *suffix);
bool is_shell(const char *base);
/* fact: the text of a file the finish needs (facts.h), or NULL. */
const char *fact(struct facts *facts, const char *path, size_t max);

/* ---- proctree.c: the process table ---- */
struct proc *proc_find(struct analyzer *an, uint32_t pid);
/* proc_new: a fresh entry for pid (a reused pid starts over), inheriting
 * from parent (NULL: the traced command's). */
struct proc *proc_new(struct analyzer *an, uint32_t pid, const struct proc *parent, uint64_t t);
/* proc_of: the entry of the event's process; one never seen to start
 * (drops, or tracing started late) inherits from its parent. */
struct proc *proc_of(struct analyzer *an, const struct pt_event *ev);
/* proc_alive: the processes still running, not the root, by pid; *n set.
 * NULL with *n 0 when there are none (or on allocation failure, oom set). */
struct proc **proc_alive(struct analyzer *an, uint32_t root_pid, size_t *n);
void proc_free_all(struct analyzer *an);
/* pnode_exec: p's successful exec of exe with argv (alen bytes) at t
 * becomes a node of the process tree, a child of p's previous image, owned
 * by p's owner as attribution just set it.  Past PNODE_CAP only counted. */
void pnode_exec(struct analyzer *an, struct proc *p, const char *exe, const char *argv,
		size_t alen, uint64_t t);
/* pnode_exit: p exited at t: its image ends (one a fork child merely
 * inherited stays as it is). */
void pnode_exit(struct analyzer *an, const struct proc *p, uint64_t t);
/* pnodes_free: n nodes and the array. */
void pnodes_free(struct pnode *v, size_t n);

/* ---- owners.c: owners and their profiles ---- */
/* owner_get: the owner with key, made on first use.  On allocation
 * failure: the command's owner (oom set). */
int owner_get(struct analyzer *an, int kind, const char *eco, const char *key,
	      const char *name, const char *version, const char *path);
void owner_free(struct owner *o);
void prof_add(struct analyzer *an, int owner, enum prof_set s, const char *item);
/* owner_label: the owner's name, or "the install". */
const char *owner_label(struct analyzer *an, int owner);
/* set_str: *dst = copy of val, unless val is NULL or already there. */
void set_str(struct analyzer *an, char **dst, const char *val);
bool owner_is_package(struct analyzer *an, int owner);

/* ---- findings.c: findings, evidence, candidates, written files ---- */
/* finding_add: one finding per (rule, owner, key); later calls raise the
 * count, and the severity (with its summary).  Returns it or NULL (oom). */
struct finding *finding_add(struct analyzer *an, int rule, int sev, int owner,
			    const char *key, const char *summary);
/* finding_find: the finding of (rule, owner, key) made so far, or NULL. */
struct finding *finding_find(struct analyzer *an, int rule, int owner, const char *key);
/* findings_name: puts each named summary's owner name in, as it is at the
 * end (finish.c, before the report takes the findings). */
void findings_name(struct analyzer *an);

/* findings_locate: each finding's place in the repository (f->loc_file,
 * f->loc_line): its dependency's entry in the project's lockfile or
 * requirements file, a project file it is about, or the project's manifest
 * for a finding of the install as a whole (user/analyze/lockloc.c).  The
 * files are read through facts, so a replay finds the same places. */
void findings_locate(struct analyzer *an, const struct session_info *si, struct facts *facts);
/* shielded: path is in (or is) a store --shield hid from the install. */
bool shielded(const struct analyzer *an, const char *path);
/* refusal_add: the finding of a call the --enforce filter refused
 * (a PT_EV_REFUSED record, a->v): rule's, at sev, keyed and named by the
 * call, its action "refused". */
void refusal_add(struct analyzer *an, const struct act *a, int rule, int sev);
/* refusal_name: the refused call of ev, "bpf" or "ia32 call 5", in buf. */
const char *refusal_name(const struct pt_event *ev, char *buf, size_t len);
/* evidence_event: evidence of event v (NULL: the session), naming path,
 * endpoint and dns where given; an exec's argv is kept.  Ignored past
 * EVIDENCE_MAX or with f NULL. */
void evidence_event(struct analyzer *an, struct finding *f, const struct event_view *v,
		    const char *path, const char *endpoint, const char *dns);
/* evidence_cand: evidence of a candidate kept for the finish. */
void evidence_cand(struct analyzer *an, struct finding *f, const struct cand *c);
/* evidence_add: the one builder behind the two above and the finish rules:
 * a new evidence slot of f with pid, time and event filled, or NULL. */
struct evidence *evidence_add(struct finding *f, uint32_t pid, uint64_t time_ns, const char *event);
void findings_free(struct finding *f, size_t n);
/* cand_add: the first candidate with key in cl (later ones are ignored). */
void cand_add(struct analyzer *an, struct candlist *cl, const char *key, int owner, int other,
	      const char *path, const char *extra, size_t extra_len, const struct event_view *v);
void candlist_clear(struct candlist *cl);
/* written: files created by scripts, with their writer, for dropper. */
void written_note(struct analyzer *an, int owner, const char *path);
/* written_owner_of: the owner that wrote path, or -1. */
int written_owner_of(struct analyzer *an, const char *path);

/* ---- registry.c: the registries the install may talk to ---- */
/* registry_from_argv: a package manager's --registry, --index-url, -i,
 * --extra-index-url, -f, --find-links (argv[0] skipped). */
void registry_from_argv(struct analyzer *an, const char *const *argv, int argc);
void registry_from_argv_list(struct analyzer *an, const char *argv, size_t len);
void registry_from_env(struct analyzer *an, const char *env, size_t len);
/* pm_cache_has: path is in a package manager's configured cache directory
 * (complete once registry_endpoints has read the configuration files). */
bool pm_cache_has(struct analyzer *an, const char *path);
/* registry_endpoints: "addr:port" of every configured registry (argv, env,
 * .npmrc, pip.conf) and of every endpoint the package manager used. */
void registry_endpoints(struct analyzer *an, const struct session_info *si,
			struct facts *facts, struct strmap *out);

/* ---- npm.c and pip.c: each ecosystem ---- */
bool npm_is_pm(const char *base, const char *a1);
size_t npm_folder_len(const char *path);
int npm_owner_for_folder(struct analyzer *an, const char *folder, const char *name,
			 const char *version);
/* npm_script_owner: the owner of a script npm starts (lifecycle variables,
 * or a shell in a package folder), *event its name; -1 when it is none. */
int npm_script_owner(struct analyzer *an, const struct event_view *v, const char *cmdline,
		     const char **event, char *item, size_t itemlen);
void npm_real_folder(struct analyzer *an, char *folder, size_t max);
/* npm_pm_write: notes what the finish needs of the package manager's write;
 * false when the write is a package folder's link, nothing more to judge. */
bool npm_pm_write(struct analyzer *an, const struct event_view *v, const char *path,
		  const char *target);
/* npm_flavor_of: which npm-layout package manager argv runs ("npm",
 * "pnpm", "yarn", "bun"), or NULL. */
const char *npm_flavor_of(const char *const *argv, int argc);
bool npm_shim_target(struct facts *facts, const char *path, char *out, size_t max);
void npm_tree(struct analyzer *an, struct facts *facts);

/* npmident.c: identity and approvals as the package manager decides them */
struct json_object;
struct npm_policy;
/* npm_policy_new: the lockfile and the approval lists of the traced
 * package manager, read through facts; root is the root package.json
 * (not owned).  NULL on allocation failure (oom set). */
struct npm_policy *npm_policy_new(struct analyzer *an, struct facts *facts, struct json_object *root);
void npm_policy_free(struct npm_policy *np);
/* npm_identify: o's name and version as its package manager has them (the
 * lockfile entry of its folder, never its package.json: claimed is what
 * that says, kept in o->claimed when it differs), its package manager and
 * its approval verdict. */
void npm_identify(struct analyzer *an, struct npm_policy *np, struct owner *o, const char *claimed,
		  const char *claimed_version);

bool pip_is_pm(const char *base, const char *argv, size_t alen);
int pip_script_owner(struct analyzer *an, const struct event_view *v, const char *cmdline,
		     const char **event, char *item, size_t itemlen);
/* pip_install_step: argv (of a hook pip started) is setuptools' own
 * install (`setup.py install --record`, `setup.py develop`). */
bool pip_install_step(const char *argv, size_t alen);
void pip_name_from_build(struct analyzer *an, int owner, const struct event_view *v, const char *path);
void pip_pm_read(struct analyzer *an, const char *path);
/* pip_installed: path is one of the files owner's install step installed:
 * listed in an installed-files.txt pip wrote, or, with none, in a folder
 * or file of the distribution's own name. */
bool pip_installed(struct analyzer *an, struct facts *facts, int owner, const char *path);
void pip_pm_write(struct analyzer *an, const struct event_view *v, const char *path);
void normalize_dist(const char *in, char *out, size_t max);
void pip_metadata_all(struct analyzer *an, struct facts *facts);
void pip_records(struct analyzer *an, struct facts *facts);

/* ---- net.c: connections and DNS queries ---- */
/* net_endpoint: "addr:port" and "addr:port/proto" of a socket event. */
void net_endpoint(const struct event_view *v, char *ap, size_t aplen, char *ep, size_t eplen);
void net_add(struct analyzer *an, struct proc *p, const struct event_view *v, bool dns,
	     const char *ap, const char *ep, const char *name);
/* net_exfil_sev: the severity a connection or query deserves because its
 * owner read secrets in the same install (credential-access): high, or
 * critical when a datagram that can carry the data (any UDP payload to a
 * non-registry destination, a DNS query name long enough to hold encoded
 * data) was sent after the first read; -1 when the owner read none or the
 * destination is a registry.  *why is the summary's tail. */
int net_exfil_sev(struct analyzer *an, const struct netrec *n, const struct strmap *registry,
		  const char **why);
/* net_mark_egress: owners that talked to something not a registry. */
void net_mark_egress(struct analyzer *an, const struct strmap *registry);

/* ---- where.c: what a file really is, asked of the collector (resolve.h) ---- */
/* where_init: the credential files of the session start: live, the disk
 * is scanned now and the answer recorded; in replay it is read at the
 * first event. */
void where_init(struct analyzer *an);
/* where_cred: the credential category of the file (dev, ino) and, in
 * *path, where it was found at session start; NULL when it is none. */
const char *where_cred(struct analyzer *an, uint32_t dev, uint64_t ino, const char **path);
/* where_real: the real location of path, named by v's process with its
 * directories as given (PT_F_DIR_AS_GIVEN, ".." kept): the directory
 * resolved by the collector at receipt, the last component kept, into buf.
 * When it is where it says or cannot be resolved (no facts, a replay
 * without the answer, a directory gone): where_folded(path).  Either way
 * the result has no "." or ".." component. */
/* where_folded: path with "." and ".." folded lexically, into buf (a
 * path call's string as given, when no lookup answers); path itself when
 * it has none to fold. */
const char *where_folded(const char *path, char *buf, size_t max);
const char *where_real(struct analyzer *an, const struct event_view *v, const char *path,
		       char *buf, size_t max);
/* where_id: the identity of the file at path (a real path) as the
 * collector found it at receipt.  false when not known. */
bool where_id(struct analyzer *an, const struct event_view *v, const char *path, uint32_t *dev,
	      uint64_t *ino);
/* where_fifo_outside: a pid outside the traced tree that holds the FIFO
 * at path open (asked at receipt); 0 when none does, -1 when not known. */
long where_fifo_outside(struct analyzer *an, const struct event_view *v, const char *path);
/* proc_in_tree: pid is a live process of the traced tree. */
bool proc_in_tree(struct analyzer *an, uint32_t pid);

/* procvm_other_process: a process_vm_readv/writev record aimed at another
 * process than the caller, whether the call worked or not (a refused
 * attempt is judged as one).  The target is numbered in the caller's pid
 * namespace, so it is compared with the caller's own number there (arg2);
 * a record without it (older traces) falls back to host pids and the
 * tree. */
bool procvm_other_process(struct analyzer *an, const struct pt_event *ev);

/* ---- analyze.c ---- */
/* in_bin_dir: path sits where a shell finds commands. */
bool in_bin_dir(struct analyzer *an, const char *path);
/* pm_of_exec: "npm" or "pip" when the exec runs a package manager. */
const char *pm_of_exec(const char *exe, const char *argv, size_t alen);

#endif
