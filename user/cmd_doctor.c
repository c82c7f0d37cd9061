// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_doctor.c - pkgtrace doctor: can this machine run pkgtrace?  One line
 * per check, "ok" or "FAIL" with the fix.  Exits 0 when everything passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "compat.bpf.h"
#include "enforce/enforce.h"
#include "err.h"
#include "enforce/sandbox.h"
#include "mountinfo.h"
#include "probe.h"
#include "pkgtrace.skel.h"

#define RINGBUF_TEST_BYTES (64 * 1024)
#define MEMLOCK_NEEDED (64ull << 20) /* before memcg accounting of BPF (5.11) */

static int failures;

static void check(bool pass, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(bool pass, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%-4s %-44s ", pass ? "ok" : "FAIL", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		failures++;
}

static void check_root(void)
{
	uid_t uid = geteuid();

	check(uid == 0, "root", uid == 0 ? "euid 0" :
	      "euid %u - fix: run as root (sudo pkgtrace ...)", (unsigned)uid);
}

static void check_btf(void)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	struct stat st;

	if (stat(path, &st) == 0)
		check(true, "BTF", "%s (%lld bytes)", path, (long long)st.st_size);
	else
		check(false, "BTF", "%s: %s - fix: a kernel built with CONFIG_DEBUG_INFO_BTF=y",
		      path, strerror(errno));
}

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* One line per kernel feature of bpf/compat.bpf.h: the mainline version it
 * needs against the running kernel's.  A distribution kernel may have a
 * feature backported to an older version: the real load (check_load) is the
 * final word, these lines say what to look for when it fails. */
static void check_kernel_features(void)
{
	struct utsname u;
	char what[64];

	if (uname(&u))
		memset(&u, 0, sizeof(u));
#define PT_CHECK_FEATURE(name, major, minor, why, required) \
	snprintf(what, sizeof(what), "kernel feature: %s", name); \
	check(kernel_at_least(major, minor) || !(required), what, "%s Linux %d.%d+ (running %s): %s", \
	      required ? "needs" : "optional, from", major, minor, u.release, why);
	PT_COMPAT_FEATURES(PT_CHECK_FEATURE)
#undef PT_CHECK_FEATURE
}

static void check_memlock(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl)) {
		check(false, "memlock rlimit", "getrlimit: %s", strerror(errno));
		return;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= MEMLOCK_NEEDED)
		check(true, "memlock rlimit", "%s",
		      rl.rlim_cur == RLIM_INFINITY ? "unlimited" : "large enough");
	else if (kernel_at_least(5, 11))
		check(true, "memlock rlimit", "%llu KiB; not used: this kernel charges BPF "
		      "memory to the cgroup", (unsigned long long)rl.rlim_cur / 1024);
	else
		check(false, "memlock rlimit", "%llu KiB - fix: ulimit -l unlimited (or "
		      "LimitMEMLOCK=infinity in a systemd unit)",
		      (unsigned long long)rl.rlim_cur / 1024);
}

static void check_cgroup2(void)
{
	char dir[4096];
	int err = mountinfo_find_self("cgroup2", dir, sizeof(dir));

	if (!err)
		check(true, "cgroup v2", "%s", dir);
	else
		check(false, "cgroup v2", "not mounted (%s) - fix: mount -t cgroup2 none /sys/fs/cgroup",
		      strerror(-err));
}

static void check_ringbuf(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "pt_doctor_rb", 0, 0,
				RINGBUF_TEST_BYTES, NULL);

	if (fd >= 0) {
		close(fd);
		check(true, "ring buffer", "BPF_MAP_TYPE_RINGBUF created");
	} else {
		check(false, "ring buffer", "%s - fix: a kernel >= 5.8 and root", strerror(-fd));
	}
}

/* One tracepoint program.  raw_tp and tp_btf attach by name through BTF,
 * without tracefs: the kernel has the tracepoint when its BTF holds the
 * typedef btf_trace_<name>.  Only classic tp/ programs need tracefs. */
static void check_tracepoint(const struct btf *vmlinux, const char *tracefs, const char *sec)
{
	const char *slash = strchr(sec, '/'), *name;
	char path[8192]; /* tracefs (< 4096) + the section name */
	bool found;

	if (!slash)
		return;
	name = slash + 1;
	if (!strncmp(sec, "tp/", 3) || !strncmp(sec, "tracepoint/", 11)) {
		if (!tracefs) {
			check(false, sec, "tracefs not mounted - fix: mount -t tracefs nodev "
			      "/sys/kernel/tracing");
			return;
		}
		snprintf(path, sizeof(path), "%s/events/%s", tracefs, name);
		found = access(path, F_OK) == 0;
	} else if (!strncmp(sec, "raw_tp/", 7) || !strncmp(sec, "raw_tracepoint/", 15) ||
		   !strncmp(sec, "tp_btf/", 7)) {
		snprintf(path, sizeof(path), "btf_trace_%s", name);
		found = vmlinux && btf__find_by_name_kind(vmlinux, path, BTF_KIND_TYPEDEF) > 0;
	} else {
		return; /* not a tracepoint program */
	}
	check(found, sec, found ? "present" :
	      "missing from this kernel - fix: a kernel with this tracepoint");
}

static void check_tracepoints(void)
{
	char tracefs[4096];
	bool have_tracefs = mountinfo_tracefs(tracefs, sizeof(tracefs)) == 0;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct btf *vmlinux;
	const void *elf;
	size_t sz;

	/* pkgtrace's programs are raw_tp and tp_btf, attached through BTF;
	 * tracefs is only informative. */
	check(true, "tracefs", "%s", have_tracefs ? tracefs :
	      "not mounted; not needed (raw_tp and tp_btf attach through BTF)");
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		check(false, "tracepoints", "cannot read the kernel's BTF: %s", strerror(errno));
	/* The list comes from the BPF object itself, so it can never drift
	 * from what probe_new() attaches. */
	elf = pkgtrace_bpf__elf_bytes(&sz);
	obj = bpf_object__open_mem(elf, sz, NULL);
	if (!obj) {
		check(false, "BPF object", "cannot open the embedded object: %s", strerror(errno));
		btf__free(vmlinux);
		return;
	}
	bpf_object__for_each_program(prog, obj)
		check_tracepoint(vmlinux, have_tracefs ? tracefs : NULL,
				 bpf_program__section_name(prog));
	bpf_object__close(obj);
	btf__free(vmlinux);
}

/* --enforce's needs, said apart: tracing works without them.  The unix
 * socket hook is tried, not inferred from the version (backports). */
static void check_enforce(void)
{
	int unix_ok = enf_unix_supported();
	char dir[4096];

	if (mountinfo_find_self("cgroup2", dir, sizeof(dir)))
		printf("%-4s %-44s %s\n", "no", "--enforce: cgroup v2",
		       "not mounted: --enforce refuses to run (exit 69)");
	if (unix_ok == 1)
		check(true, "--enforce: cgroup/connect_unix", "supported: unix sockets outside the "
		      "install are refused");
	else if (unix_ok == 0)
		printf("%-4s %-44s %s\n", "no", "--enforce: cgroup/connect_unix",
		       "NOT SUPPORTED by this kernel (Linux 6.7+): --enforce runs without it and its "
		       "report lists it under not_enforced");
	else
		check(false, "--enforce: cgroup/connect_unix", "could not be tried: %s",
		      strerror(-unix_ok));
}

static int ignore_record(void *ctx, const void *raw, size_t size)
{
	(void)ctx; (void)raw; (void)size;
	return 0;
}

static void check_load(void)
{
	struct probe_opts o = { .reg_cookie = 1 };
	struct probe *p = NULL;
	int err = probe_new(&o, ignore_record, NULL, &p);

	if (!err) {
		probe_free(p);
		check(true, "BPF load and attach", "all programs loaded and attached");
	} else {
		check(false, "BPF load and attach", "%s - fix: %s", strerror(-err),
		      err == -EPERM || err == -EACCES ? "run as root" :
		      "see the lines above; 'pkgtrace -v doctor' shows libbpf's log");
	}
}

/* Needed by --enforce only: a kernel without it runs pkgtrace, but not
 * --enforce (exit 69), so it is said without failing doctor. */
static void check_seccomp(void)
{
	int err = seccomp_available();

	if (!err)
		check(true, "seccomp filter (--enforce)", "SECCOMP_SET_MODE_FILTER with SECCOMP_RET_ERRNO");
	else
		printf("%-4s %-44s %s - --enforce exits 69 here (a kernel with CONFIG_SECCOMP_FILTER=y)\n",
		       "no", "seccomp filter (--enforce)", strerror(-err));
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose)
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

int cmd_doctor(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		p_err("doctor takes no arguments");
		fprintf(stderr, "Usage: pkgtrace doctor\n");
		return PT_EXIT_USAGE;
	}
	libbpf_set_print(libbpf_quiet);
	check_root();
	check_btf();
	check_kernel_features();
	check_memlock();
	check_cgroup2();
	check_tracepoints();
	check_ringbuf();
	check_load();
	check_enforce();
	check_seccomp();
	printf("%s\n", failures ? "pkgtrace cannot run here: fix the FAIL lines above" :
	       "all checks passed");
	return failures ? 1 : PT_EXIT_OK;
}
