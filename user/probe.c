/*
 * probe.c - load and attach bpf/pkgtrace.bpf.c, register the traced root,
 * drain the per-CPU ring buffers.  See probe.h for the contract.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/net.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "err.h"
#include "events.h"
#include "probe.h"
#include "ringset.h"
#include "pkgtrace.skel.h"

/* Per-CPU ring size by default: 64 MiB shared out, between 1 and 8 MiB a
 * CPU (8 MiB is Falco's per-CPU default).  Two CPUs get 8 MiB each; a
 * 64-CPU node 1 MiB each, 64 MiB in all, well inside the DaemonSet's
 * memory limit (ring pages are charged to its cgroup). */
#define RINGBUF_TOTAL (64u << 20)
#define RINGBUF_MIN_PER_CPU (1u << 20)
#define RINGBUF_MAX_PER_CPU (8u << 20)

/* How long a record may be in flight (time taken, not yet committed) on
 * one CPU while another CPU's newer records wait for it (ringset.h).  A
 * program commits within microseconds; this covers interrupts and a
 * preempted vCPU too, and only delays delivery. */
#define HOLD_NS (10 * 1000000ull)

struct probe {
	struct pkgtrace_bpf *skel;
	struct ringset *rs;
	int *ring_fds; /* one ring buffer map per CPU, -1 until created */
	probe_event_fn fn;
	void *ctx;
	int ncpus;
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
	{ SYS_write, "exit_write" },
	{ SYS_writev, "exit_write" },
	{ SYS_open_by_handle_at, "exit_by_handle" },
	{ SYS_process_vm_readv, "exit_procvm" },
	{ SYS_process_vm_writev, "exit_procvm" },
	{ SYS_bpf, "exit_bpf" },
	/* Reached only through sc_ia32_nr (ia32 socketcall). */
	{ PT_NR_SOCKETCALL, "exit_socketcall" },
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

/* exit_signal: which call it was. */
static const struct {
	long nr;
	uint8_t kind;
} sc_sig_table[] = {
	{ SYS_kill, PT_SIG_KILL }, { SYS_tkill, PT_SIG_TKILL }, { SYS_tgkill, PT_SIG_TGKILL },
	{ SYS_pidfd_send_signal, PT_SIG_PIDFD }, { SYS_rt_sigqueueinfo, PT_SIG_QUEUE },
	{ SYS_rt_tgsigqueueinfo, PT_SIG_TGQUEUE },
};

/* exit_sys: which call it was. */
static const struct {
	long nr;
	uint8_t kind;
} sc_sys_table[] = {
	{ SYS_mount, PT_SYS_MOUNT }, { SYS_umount2, PT_SYS_UMOUNT }, { SYS_chroot, PT_SYS_CHROOT },
	{ SYS_pivot_root, PT_SYS_PIVOT_ROOT }, { SYS_unshare, PT_SYS_UNSHARE },
	{ SYS_setns, PT_SYS_SETNS }, { SYS_open_tree, PT_SYS_OPEN_TREE },
	{ SYS_move_mount, PT_SYS_MOVE_MOUNT }, { SYS_fsopen, PT_SYS_FSOPEN },
	{ SYS_fsmount, PT_SYS_FSMOUNT }, { SYS_io_uring_setup, PT_SYS_IO_URING_SETUP },
};

#if defined(__x86_64__)
/*
 * 32-bit calls on x86-64 (int 0x80, sysenter, 32-bit programs): i386
 * number -> the native number whose handler serves the same call.  The
 * i386 numbers are fixed ABI (arch/x86/entry/syscalls/syscall_32.tbl);
 * written out because <asm/unistd_32.h> cannot be included next to the
 * native one.  truncate64/ftruncate64 pass the length in two registers:
 * the record keeps its low half.
 */
static const struct {
	uint16_t ia32, native;
} sc_ia32_table[] = {
	{ 5, SYS_open }, { 8, SYS_creat }, { 295, SYS_openat }, { 437, SYS_openat2 },
	{ 356, SYS_memfd_create }, { 11, SYS_execve }, { 358, SYS_execveat },
	{ 9, SYS_link }, { 10, SYS_unlink }, { 15, SYS_chmod }, { 38, SYS_rename },
	{ 39, SYS_mkdir }, { 40, SYS_rmdir }, { 83, SYS_symlink }, { 92, SYS_truncate },
	{ 93, SYS_ftruncate }, { 94, SYS_fchmod }, { 193, SYS_truncate }, { 194, SYS_ftruncate },
	{ 296, SYS_mkdirat }, { 301, SYS_unlinkat }, { 302, SYS_renameat }, { 303, SYS_linkat },
	{ 304, SYS_symlinkat }, { 306, SYS_fchmodat }, { 353, SYS_renameat2 },
	{ 452, SYS_fchmodat2 },
	{ 102, PT_NR_SOCKETCALL }, { 361, SYS_bind }, { 362, SYS_connect }, { 363, SYS_listen },
	{ 364, SYS_accept4 }, { 369, SYS_sendto }, { 370, SYS_sendmsg }, { 345, SYS_sendmmsg },
	{ 4, SYS_write }, { 146, SYS_writev },
	{ 23, SYS_setuid }, { 46, SYS_setgid }, { 70, SYS_setreuid }, { 71, SYS_setregid },
	{ 164, SYS_setresuid }, { 170, SYS_setresgid }, { 213, SYS_setuid }, { 214, SYS_setgid },
	{ 203, SYS_setreuid }, { 204, SYS_setregid }, { 208, SYS_setresuid },
	{ 210, SYS_setresgid },
	{ 26, SYS_ptrace }, { 37, SYS_kill }, { 238, SYS_tkill }, { 270, SYS_tgkill },
	{ 424, SYS_pidfd_send_signal }, { 178, SYS_rt_sigqueueinfo },
	{ 335, SYS_rt_tgsigqueueinfo }, { 357, SYS_bpf }, { 347, SYS_process_vm_readv },
	{ 348, SYS_process_vm_writev },
	{ 21, SYS_mount }, { 52, SYS_umount2 }, { 61, SYS_chroot }, { 217, SYS_pivot_root },
	{ 310, SYS_unshare }, { 346, SYS_setns }, { 428, SYS_open_tree }, { 429, SYS_move_mount },
	{ 430, SYS_fsopen }, { 432, SYS_fsmount }, { 342, SYS_open_by_handle_at },
	{ 425, SYS_io_uring_setup },
};
#endif

/* socketcall's calls (SYS_CONNECT & co., <linux/net.h>) -> native numbers;
 * send is sendto without an address (exit_socketcall clears it). */
static const struct {
	uint8_t call;
	long native;
} sc_socketcall_table[] = {
	{ SYS_BIND, SYS_bind }, { SYS_CONNECT, SYS_connect }, { SYS_LISTEN, SYS_listen },
	{ SYS_ACCEPT, SYS_accept }, { SYS_SEND, SYS_sendto }, { SYS_SENDTO, SYS_sendto },
	{ SYS_SENDMSG, SYS_sendmsg }, { SYS_ACCEPT4, SYS_accept4 },
	{ SYS_SENDMMSG, SYS_sendmmsg },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* sc_handler: the i-th (syscall, handler program) pair, i from 0: sc_table's
 * rows, then exit_paths for each sc_path_table row, exit_setid for each
 * sc_setid_table row, exit_signal and exit_sys for theirs.  NULL past the
 * last. */
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
	i -= NELEM(sc_setid_table);
	if (i < NELEM(sc_sig_table)) {
		*nr = sc_sig_table[i].nr;
		return "exit_signal";
	}
	i -= NELEM(sc_sig_table);
	if (i < NELEM(sc_sys_table)) {
		*nr = sc_sys_table[i].nr;
		return "exit_sys";
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

/* Power of two, at least one page: what a BPF ring buffer accepts. */
static uint32_t ring_size(uint32_t want, int ncpus)
{
	uint32_t sz = 4096;

	if (!want) {
		want = RINGBUF_TOTAL / (uint32_t)ncpus;
		if (want < RINGBUF_MIN_PER_CPU)
			want = RINGBUF_MIN_PER_CPU;
		if (want > RINGBUF_MAX_PER_CPU)
			want = RINGBUF_MAX_PER_CPU;
	}
	while (sz < want && sz < (1u << 30))
		sz <<= 1;
	return sz;
}

/* One ring buffer per CPU, in the rings array at the CPU's number. */
static int make_rings(struct probe *p, uint32_t rsize)
{
	int outer = bpf_map__fd(p->skel->maps.rings);

	p->ring_fds = malloc(p->ncpus * sizeof(*p->ring_fds));
	if (!p->ring_fds)
		return -ENOMEM;
	for (int i = 0; i < p->ncpus; i++)
		p->ring_fds[i] = -1;
	for (int i = 0; i < p->ncpus; i++) {
		uint32_t key = i;

		p->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "pt_ring", 0, 0, rsize, NULL);
		if (p->ring_fds[i] < 0)
			return -errno;
		if (bpf_map_update_elem(outer, &key, &p->ring_fds[i], BPF_ANY))
			return -errno;
	}
	return ringset_new(p->ring_fds, p->ncpus, rsize, &p->rs);
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

/* The rodata tables of sys_exit and its handlers, by syscall number. */
static void set_syscall_tables(struct pkgtrace_bpf *skel)
{
	long nr;

	skel->rodata->nr_prctl = SYS_prctl;
	skel->rodata->nr_openat = SYS_openat;
	skel->rodata->nr_openat2 = SYS_openat2;
#ifdef SYS_creat
	skel->rodata->nr_creat = SYS_creat;
#endif
	skel->rodata->nr_execveat = SYS_execveat;
	skel->rodata->nr_bind = SYS_bind;
	skel->rodata->nr_writev = SYS_writev;
	skel->rodata->nr_sendmmsg = SYS_sendmmsg;
	skel->rodata->nr_process_vm_writev = SYS_process_vm_writev;
	/* sys_exit looks at these syscalls only; any other returns at once. */
	for (size_t i = 0; sc_handler(i, &nr); i++)
		if (nr < (long)sizeof(skel->rodata->sc_wanted))
			skel->rodata->sc_wanted[nr] |= PT_SC_NATIVE;
	skel->rodata->sc_wanted[SYS_prctl] |= PT_SC_NATIVE;
#if defined(__x86_64__)
	for (size_t i = 0; i < NELEM(sc_ia32_table); i++) {
		skel->rodata->sc_wanted[sc_ia32_table[i].ia32] |= PT_SC_IA32;
		skel->rodata->sc_ia32_nr[sc_ia32_table[i].ia32] = sc_ia32_table[i].native;
	}
#endif
	for (size_t i = 0; i < NELEM(sc_socketcall_table); i++)
		skel->rodata->sc_socketcall_nr[sc_socketcall_table[i].call] =
			sc_socketcall_table[i].native;
	for (size_t i = 0; i < NELEM(sc_path_table); i++) {
		nr = sc_path_table[i].nr;
		skel->rodata->sc_p_type[nr] = sc_path_table[i].d.type;
		skel->rodata->sc_p_dfd0[nr] = sc_path_table[i].d.dfd[0];
		skel->rodata->sc_p_dfd1[nr] = sc_path_table[i].d.dfd[1];
		skel->rodata->sc_p_path0[nr] = sc_path_table[i].d.path[0];
		skel->rodata->sc_p_path1[nr] = sc_path_table[i].d.path[1];
		skel->rodata->sc_p_a0[nr] = sc_path_table[i].d.a0;
		skel->rodata->sc_p_c0[nr] = sc_path_table[i].d.c0;
	}
	for (size_t i = 0; i < NELEM(sc_setid_table); i++)
		skel->rodata->sc_setid_kind[sc_setid_table[i].nr] = sc_setid_table[i].kind;
	for (size_t i = 0; i < NELEM(sc_sig_table); i++)
		skel->rodata->sc_sig_kind[sc_sig_table[i].nr] = sc_sig_table[i].kind;
	for (size_t i = 0; i < NELEM(sc_sys_table); i++)
		skel->rodata->sc_sys_kind[sc_sys_table[i].nr] = sc_sys_table[i].kind;
}

/* Open, configure and load the BPF object into p->skel; without the
 * io_uring program when io_uring is false. */
static int open_and_load(struct probe *p, const struct probe_opts *opts, uint32_t rsize,
			 bool io_uring)
{
	const char *name;
	long nr;

	p->skel = pkgtrace_bpf__open();
	if (!p->skel)
		return -errno;
	p->skel->rodata->reg_cookie = opts ? opts->reg_cookie : 0;
	p->skel->rodata->daemon_mode = opts && opts->daemon;
	p->skel->rodata->wake_bytes = rsize / 4;
	set_syscall_tables(p->skel);
	for (int i = 0; opts && opts->refusable && i < opts->nrefusable; i++) {
		if (opts->refusable[i] >= 0 && opts->refusable[i] < (int)sizeof(p->skel->rodata->sc_refusable))
			p->skel->rodata->sc_refusable[opts->refusable[i]] = 1;
		p->skel->rodata->refusals = 1;
	}
	bpf_map__set_max_entries(p->skel->maps.rings, p->ncpus);
	bpf_map__set_max_entries(p->skel->maps.heap, p->ncpus);

	/* The per-syscall handlers are tail-call targets, never attached. */
	for (size_t i = 0; (name = sc_handler(i, &nr)); i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(p->skel->obj, name);

		if (prog)
			bpf_program__set_autoattach(prog, false);
	}
	if (!io_uring)
		bpf_program__set_autoload(p->skel->progs.on_io_uring_submit, false);
	return pkgtrace_bpf__load(p->skel);
}

int probe_new(const struct probe_opts *opts, probe_event_fn fn, void *ctx, struct probe **out)
{
	struct probe *p;
	uint32_t rsize;
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
	rsize = ring_size(opts ? opts->ringbuf_bytes : 0, p->ncpus);

	err = open_and_load(p, opts, rsize, true);
	if (err && p->skel) {
		/* io_uring:io_uring_submit_req and its request structs are
		 * Linux 6.0+ (and absent without CONFIG_IO_URING): load again
		 * without that program rather than not at all, and say so.
		 * Nothing is retried on a kernel that has them. */
		pkgtrace_bpf__destroy(p->skel);
		p->skel = NULL;
		err = open_and_load(p, opts, rsize, false);
		if (!err)
			p_warn("io_uring submissions are not traced on this kernel "
			       "(no io_uring_submit_req tracepoint)");
	}
	if (err)
		goto cleanup;
	err = set_syscalls(p->skel);
	if (err)
		goto cleanup;
	err = make_rings(p, rsize); /* before attach: a record needs its CPU's ring */
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
	ringset_free(p->rs);
	for (int i = 0; p->ring_fds && i < p->ncpus; i++)
		if (p->ring_fds[i] >= 0)
			close(p->ring_fds[i]);
	free(p->ring_fds);
	pkgtrace_bpf__destroy(p->skel);
	free(p);
}

void probe_register_self(uint64_t reg_cookie)
{
	/* Fails with EINVAL by design: the BPF program saw it (events.h). */
	prctl(PT_REG_PRCTL_OPTION, (unsigned long)reg_cookie, 0UL, 0UL, 0UL);
}

int probe_poll(struct probe *p, int timeout_ms)
{
	int err;

	/* Records are sent without wakeups, so the wait may time out with
	 * data pending: always deliver after it. */
	err = ringset_wait(p->rs, timeout_ms);
	if (err && err != -EINTR)
		return err;
	return (int)ringset_deliver(p->rs, clock_ns(CLOCK_BOOTTIME), HOLD_NS, 0, p->fn, p->ctx);
}

int probe_watch_fd(struct probe *p, int fd)
{
	return ringset_watch_fd(p->rs, fd);
}

int probe_drain(struct probe *p)
{
	uint64_t until = clock_ns(CLOCK_BOOTTIME);
	struct timespec hold = { .tv_sec = 0, .tv_nsec = HOLD_NS };
	long n;

	/* Whatever was in flight at `until` has landed after the hold. */
	while (nanosleep(&hold, &hold) && errno == EINTR)
		;
	n = ringset_deliver(p->rs, clock_ns(CLOCK_BOOTTIME), HOLD_NS, until, p->fn, p->ctx);
	return (int)n;
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

static uint32_t map_id_of_fd(int fd)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

int probe_map_ids(struct probe *p, uint32_t *ids, int max)
{
	struct bpf_map *map;
	int n = 0;

	bpf_object__for_each_map(map, p->skel->obj) {
		uint32_t id = map_id_of_fd(bpf_map__fd(map));

		if (id && n < max)
			ids[n++] = id;
	}
	for (int i = 0; p->ring_fds && i < p->ncpus; i++) {
		uint32_t id = map_id_of_fd(p->ring_fds[i]);

		if (id && n < max)
			ids[n++] = id;
	}
	return n;
}

uint64_t probe_session_drops(struct probe *p, uint32_t session)
{
	uint64_t n = 0;

	if (bpf_map__lookup_elem(p->skel->maps.session_drops, &session, sizeof(session), &n,
				 sizeof(n), 0))
		return 0;
	return n;
}

void probe_forget_session(struct probe *p, uint32_t session)
{
	bpf_map__delete_elem(p->skel->maps.session_drops, &session, sizeof(session), 0);
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

	/* The membership bit first: the BPF side looks at the map only for
	 * pids whose bit is set (a stray bit costs a lookup, nothing more). */
	__atomic_fetch_or(&p->skel->bss->tree_bits[(pid >> 6) & (PT_TREE_BITS_WORDS - 1)],
			  1ull << (pid & 63), __ATOMIC_SEQ_CST);
	/* NOEXIST: a process the kernel already put in a session stays there */
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.tree), &pid, &val, BPF_NOEXIST))
		return -errno;
	return 0;
}

int probe_exit_status(int err)
{
	if (err == -EPERM || err == -EACCES || geteuid() != 0) {
		/* measured on 6.18: BPF + PERFMON load and attach everything;
		 * SYS_ADMIN is for the PID namespace of 'pkgtrace -- CMD' */
		p_err("cannot load the BPF programs: %s; run as root (needs CAP_BPF and "
		      "CAP_PERFMON)", strerror(-err));
		return PT_EXIT_NOPERM;
	}
	p_err("cannot load the BPF programs: %s; 'pkgtrace doctor' says why", strerror(-err));
	return PT_EXIT_NOBPF;
}

int probe_rings_fd(struct probe *p)
{
	return p && p->skel ? bpf_map__fd(p->skel->maps.rings) : -1;
}
