/*
 * probe.c - load and attach bpf/pkgtrace.bpf.c, register the traced root,
 * drain the ring buffer.  See probe.h for the contract.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "err.h"
#include "events.h"
#include "probe.h"
#include "pkgtrace.skel.h"

#define RINGBUF_DEFAULT (16u << 20)

struct probe {
	struct pkgtrace_bpf *skel;
	struct ring_buffer *rb;
	probe_event_fn fn;
	void *ctx;
	int ncpus;
	int stop_rc; /* the callback's non-zero return, for probe_poll */
};

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 /* 6.6+, same number on every arch; newer than glibc 2.36 */
#endif

/* Syscall number -> its exit handler program (tail-called by sys_exit).
 * Numbers come from the C library so the table follows the architecture.
 * A program serving several calls tells them apart by number (the nr_*
 * settings).  exit_paths and exit_setid serve the rows of their own
 * tables below (sc_handler walks all three). */
static const struct {
	long nr;
	const char *prog;
} sc_table[] = {
#ifdef SYS_open
	{ SYS_open, "exit_open" },
	{ SYS_creat, "exit_open" },
#endif
	{ SYS_openat, "exit_open" },
	{ SYS_openat2, "exit_open" },
	{ SYS_memfd_create, "exit_memfd_create" },
	{ SYS_execve, "exit_exec" },
	{ SYS_execveat, "exit_exec" },
	{ SYS_connect, "exit_connect" },
	{ SYS_bind, "exit_connect" },
	{ SYS_listen, "exit_listen" },
	{ SYS_accept, "exit_accept" },
	{ SYS_accept4, "exit_accept" },
	{ SYS_sendto, "exit_sendto" },
	{ SYS_sendmsg, "exit_sendmsg" },
	{ SYS_sendmmsg, "exit_sendmsg" },
	{ SYS_ptrace, "exit_ptrace" },
};

/* The syscalls exit_paths handles: where each keeps its arguments, for the
 * sc_p_* arrays of bpf/pkgtrace.bpf.c (-1: AT_FDCWD / no path / c0; a path
 * 0 of -1 is the file open at the dirfd argument; a dirfd 1 of
 * PT_SC_P_RAW: the string as given). */
#define AT_REMOVEDIR_ 0x200
static const struct {
	long nr;
	struct {
		uint8_t type;
		int8_t dfd[2], path[2], a0;
		uint32_t c0;
	} d;
} sc_path_table[] = {
#ifdef SYS_unlink
	{ SYS_unlink, { PT_EV_UNLINK, { -1, -1 }, { 0, -1 }, -1, 0 } },
	{ SYS_rmdir, { PT_EV_UNLINK, { -1, -1 }, { 0, -1 }, -1, AT_REMOVEDIR_ } },
	{ SYS_rename, { PT_EV_RENAME, { -1, -1 }, { 0, 1 }, -1, 0 } },
	{ SYS_mkdir, { PT_EV_MKDIR, { -1, -1 }, { 0, -1 }, 1, 0 } },
	{ SYS_chmod, { PT_EV_CHMOD, { -1, -1 }, { 0, -1 }, 1, 0 } },
	{ SYS_link, { PT_EV_LINK, { -1, -1 }, { 0, 1 }, -1, 0 } },
	{ SYS_symlink, { PT_EV_SYMLINK, { -1, PT_SC_P_RAW }, { 1, 0 }, -1, 0 } },
#endif
	{ SYS_unlinkat, { PT_EV_UNLINK, { 0, -1 }, { 1, -1 }, 2, 0 } },
	{ SYS_renameat, { PT_EV_RENAME, { 0, 2 }, { 1, 3 }, -1, 0 } },
	{ SYS_renameat2, { PT_EV_RENAME, { 0, 2 }, { 1, 3 }, 4, 0 } },
	{ SYS_mkdirat, { PT_EV_MKDIR, { 0, -1 }, { 1, -1 }, 2, 0 } },
	{ SYS_fchmodat, { PT_EV_CHMOD, { 0, -1 }, { 1, -1 }, 2, 0 } },
	{ SYS_fchmodat2, { PT_EV_CHMOD, { 0, -1 }, { 1, -1 }, 2, 0 } },
	{ SYS_linkat, { PT_EV_LINK, { 0, 2 }, { 1, 3 }, -1, 0 } },
	{ SYS_truncate, { PT_EV_TRUNCATE, { -1, -1 }, { 0, -1 }, 1, 0 } },
	{ SYS_symlinkat, { PT_EV_SYMLINK, { 1, PT_SC_P_RAW }, { 2, 0 }, -1, 0 } },
	{ SYS_fchmod, { PT_EV_CHMOD, { 0, -1 }, { -1, -1 }, 1, 0 } },
	{ SYS_ftruncate, { PT_EV_TRUNCATE, { 0, -1 }, { -1, -1 }, 1, 0 } },
};

/* exit_setid: which call it was. */
static const struct {
	long nr;
	uint8_t kind;
} sc_setid_table[] = {
	{ SYS_setuid, PT_SETID_UID }, { SYS_setgid, PT_SETID_GID },
	{ SYS_setreuid, PT_SETID_REUID }, { SYS_setregid, PT_SETID_REGID },
	{ SYS_setresuid, PT_SETID_RESUID }, { SYS_setresgid, PT_SETID_RESGID },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* sc_handler: the i-th (syscall, handler program) pair, i from 0: sc_table's
 * rows, then exit_paths for each sc_path_table row and exit_setid for each
 * sc_setid_table row.  NULL past the last. */
static const char *sc_handler(size_t i, long *nr)
{
	if (i < NELEM(sc_table)) {
		*nr = sc_table[i].nr;
		return sc_table[i].prog;
	}
	i -= NELEM(sc_table);
	if (i < NELEM(sc_path_table)) {
		*nr = sc_path_table[i].nr;
		return "exit_paths";
	}
	i -= NELEM(sc_path_table);
	if (i < NELEM(sc_setid_table)) {
		*nr = sc_setid_table[i].nr;
		return "exit_setid";
	}
	return NULL;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Install every syscall handler in sys_exit's tail-call table. */
static int set_syscalls(struct pkgtrace_bpf *skel)
{
	int progs_fd = bpf_map__fd(skel->maps.sc_exit_progs);

	const char *name;
	long nr;

	for (size_t i = 0; (name = sc_handler(i, &nr)); i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(skel->obj, name);
		uint32_t key = nr;
		int fd = prog ? bpf_program__fd(prog) : -1;

		if (fd < 0)
			return -ENOENT;
		if (bpf_map_update_elem(progs_fd, &key, &fd, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* libbpf stops a drain only on a negative return: keep the callback's own
 * value and hand libbpf one that stops. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct probe *p = ctx;
	int rc = p->fn(p->ctx, data, size);

	if (rc) {
		p->stop_rc = rc;
		return -ECANCELED;
	}
	return 0;
}

/* Power of two, at least one page: what a BPF ring buffer accepts. */
static uint32_t ring_size(uint32_t want)
{
	uint32_t sz = 4096;

	if (!want)
		return RINGBUF_DEFAULT;
	while (sz < want && sz < (1u << 30))
		sz <<= 1;
	return sz;
}

static int set_session_cmds(struct probe *p, const char *const *cmds)
{
	uint8_t one = 1;

	for (int i = 0; cmds && cmds[i]; i++) {
		char key[PT_COMM_LEN] = {};

		strncpy(key, cmds[i], sizeof(key) - 1);
		if (bpf_map__update_elem(p->skel->maps.session_cmds, key, sizeof(key), &one,
					 sizeof(one), BPF_ANY))
			return -errno;
	}
	return 0;
}

int probe_new(const struct probe_opts *opts, probe_event_fn fn, void *ctx, struct probe **out)
{
	struct probe *p;
	uint32_t rsize = ring_size(opts ? opts->ringbuf_bytes : 0);
	const char *name;
	long nr;
	int err;

	*out = NULL;
	libbpf_set_print(libbpf_print);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fn = fn;
	p->ctx = ctx;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0) {
		err = p->ncpus ? p->ncpus : -EINVAL;
		goto cleanup;
	}

	p->skel = pkgtrace_bpf__open();
	if (!p->skel) {
		err = -errno;
		goto cleanup;
	}
	p->skel->rodata->reg_cookie = opts ? opts->reg_cookie : 0;
	p->skel->rodata->daemon_mode = opts && opts->daemon;
	p->skel->rodata->wake_bytes = rsize / 4;
	p->skel->rodata->nr_prctl = SYS_prctl;
	p->skel->rodata->nr_openat = SYS_openat;
	p->skel->rodata->nr_openat2 = SYS_openat2;
#ifdef SYS_creat
	p->skel->rodata->nr_creat = SYS_creat;
#endif
	p->skel->rodata->nr_execveat = SYS_execveat;
	p->skel->rodata->nr_bind = SYS_bind;
	/* sys_exit looks at these syscalls only; any other returns at once. */
	for (size_t i = 0; sc_handler(i, &nr); i++)
		if (nr < (long)sizeof(p->skel->rodata->sc_wanted))
			p->skel->rodata->sc_wanted[nr] = 1;
	p->skel->rodata->sc_wanted[SYS_prctl] = 1;
	for (size_t i = 0; i < NELEM(sc_path_table); i++) {
		nr = sc_path_table[i].nr;
		p->skel->rodata->sc_p_type[nr] = sc_path_table[i].d.type;
		p->skel->rodata->sc_p_dfd0[nr] = sc_path_table[i].d.dfd[0];
		p->skel->rodata->sc_p_dfd1[nr] = sc_path_table[i].d.dfd[1];
		p->skel->rodata->sc_p_path0[nr] = sc_path_table[i].d.path[0];
		p->skel->rodata->sc_p_path1[nr] = sc_path_table[i].d.path[1];
		p->skel->rodata->sc_p_a0[nr] = sc_path_table[i].d.a0;
		p->skel->rodata->sc_p_c0[nr] = sc_path_table[i].d.c0;
	}
	for (size_t i = 0; i < NELEM(sc_setid_table); i++)
		p->skel->rodata->sc_setid_kind[sc_setid_table[i].nr] = sc_setid_table[i].kind;
	bpf_map__set_max_entries(p->skel->maps.events, rsize);
	bpf_map__set_max_entries(p->skel->maps.heap, p->ncpus);

	/* The per-syscall handlers are tail-call targets, never attached. */
	for (size_t i = 0; (name = sc_handler(i, &nr)); i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(p->skel->obj, name);

		if (prog)
			bpf_program__set_autoattach(prog, false);
	}

	err = pkgtrace_bpf__load(p->skel);
	if (err)
		goto cleanup;
	err = set_syscalls(p->skel);
	if (err)
		goto cleanup;
	if (opts && opts->daemon) { /* before attach: no exec may miss it */
		err = set_session_cmds(p, opts->session_cmds);
		if (err)
			goto cleanup;
	}
	err = pkgtrace_bpf__attach(p->skel);
	if (err)
		goto cleanup;
	p->rb = ring_buffer__new(bpf_map__fd(p->skel->maps.events), on_record, p, NULL);
	if (!p->rb) {
		err = -errno;
		goto cleanup;
	}
	*out = p;
	return 0;

cleanup:
	/* The verifier also says EACCES: only without root does it mean
	 * "not privileged". */
	if (err == -EACCES && geteuid() != 0)
		err = -EPERM;
	probe_free(p);
	return err < 0 ? err : -EINVAL;
}

void probe_free(struct probe *p)
{
	if (!p)
		return;
	ring_buffer__free(p->rb);
	pkgtrace_bpf__destroy(p->skel);
	free(p);
}

int probe_register_self(uint64_t reg_cookie)
{
	/* Fails with EINVAL by design: the BPF program saw it (events.h). */
	prctl(PT_REG_PRCTL_OPTION, (unsigned long)reg_cookie, 0UL, 0UL, 0UL);
	return 0;
}

int probe_poll(struct probe *p, int timeout_ms)
{
	int n, m, rc;

	/* Records are sent without wakeups, so epoll may time out with data
	 * pending: always consume after the wait. */
	n = ring_buffer__poll(p->rb, timeout_ms);
	if (n < 0 && !p->stop_rc && n != -EINTR)
		return n;
	m = p->stop_rc ? 0 : ring_buffer__consume(p->rb);
	if (p->stop_rc) {
		rc = p->stop_rc;
		p->stop_rc = 0;
		return rc;
	}
	if (m < 0)
		return m;
	return (n > 0 ? n : 0) + m;
}

uint64_t probe_drops(struct probe *p)
{
	uint32_t zero = 0;
	uint64_t *vals, sum = 0;

	vals = calloc(p->ncpus, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map__lookup_elem(p->skel->maps.drops, &zero, sizeof(zero), vals,
				  sizeof(*vals) * p->ncpus, 0))
		for (int i = 0; i < p->ncpus; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

int probe_tree_size(struct probe *p, uint32_t session)
{
	int fd = bpf_map__fd(p->skel->maps.tree);
	uint32_t key, next, *prev = NULL;
	struct pt_tree_val val;
	int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue;
		if (!session || val.session == session)
			n++;
	}
	return n;
}

int probe_mark_pid(struct probe *p, uint32_t pid, uint32_t session)
{
	struct pt_tree_val val = { .session = session, .flags = PT_TREE_ROOT };

	/* NOEXIST: a process the kernel already put in a session stays there */
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.tree), &pid, &val, BPF_NOEXIST))
		return -errno;
	return 0;
}
