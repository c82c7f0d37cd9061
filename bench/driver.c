// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * driver.c - deterministic syscall loops for the benchmarks.
 *
 *   driver [-j WORKERS] [-t SECONDS | -n OPS] MODE [DIR]
 *
 * MODE (one op is):
 *   open      open(DIR/f, O_RDONLY) + close           1 traced event
 *   openfail  open(DIR/missing) failing with ENOENT    1 traced event
 *   write     open(DIR/w.N, O_WRONLY|O_CREAT) + pwrite 64 B at 0 + close
 *             (no O_TRUNC: freeing blocks on a discard mount costs ~400 us)
 *                                                      1 traced event
 *   rename    rename(DIR/a.N, DIR/b.N), then back      1 event
 *   forkexec  fork + exec of this driver ("nop") + wait  3 events + the
 *             loader's opens of the new image
 *   getppid   getppid()                                0 events (untraced
 *             syscall: measures what the sys_exit hook costs everyone)
 *
 * Each worker runs the loop alone (-n ops each, or for -t seconds); the
 * parent prints one line of key=value pairs: ops (all workers), secs (the
 * slowest worker's loop time, setup excluded), ns_per_op (per worker: secs
 * / ops per worker), cpu_ns_per_op (user+sys CPU of the loops, children
 * included, per op: unlike wall time it does not grow when other work on
 * a busy machine preempts the loop) and ops_per_s (all workers).  DIR defaults to a fresh
 * directory under /tmp, removed at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct result {
	uint64_t ops;
	uint64_t ns;
	uint64_t cpu_ns; /* user+sys of the worker and the children it reaped */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct rusage a, b;

	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return ((uint64_t)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec +
			   b.ru_stime.tv_sec)) * 1000000000ull +
	       (uint64_t)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec +
			  b.ru_stime.tv_usec) * 1000ull;
}

static void die(const char *what)
{
	fprintf(stderr, "driver: %s: %s\n", what, strerror(errno));
	exit(1);
}

static const char *self_exe;

enum mode { M_OPEN, M_OPENFAIL, M_WRITE, M_RENAME, M_FORKEXEC, M_GETPPID };

static const char *const mode_names[] = {
	[M_OPEN] = "open", [M_OPENFAIL] = "openfail", [M_WRITE] = "write",
	[M_RENAME] = "rename", [M_FORKEXEC] = "forkexec", [M_GETPPID] = "getppid",
};

/* A worker's file names, built once: the loop is the syscalls alone (a
 * snprintf and a mode lookup per op were ~5 % of a failing open). */
struct paths {
	char a[PATH_MAX], b[PATH_MAX];
};

/* One op; i counts ops (rename alternates direction). */
static void one_op(enum mode m, const struct paths *p, uint64_t i)
{
	static const char buf[64];
	int fd;

	switch (m) {
	case M_OPEN:
		fd = open(p->a, O_RDONLY);
		if (fd < 0)
			die(p->a);
		close(fd);
		break;
	case M_OPENFAIL:
		if (open(p->a, O_RDONLY) >= 0)
			die("openfail: the file exists");
		break;
	case M_WRITE:
		fd = open(p->a, O_WRONLY | O_CREAT, 0644);
		if (fd < 0 || pwrite(fd, buf, sizeof(buf), 0) != sizeof(buf))
			die(p->a);
		close(fd);
		break;
	case M_RENAME:
		if (i & 1 ? rename(p->b, p->a) : rename(p->a, p->b))
			die("rename");
		break;
	case M_FORKEXEC: {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl(self_exe, self_exe, "nop", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			die("forkexec child");
		break;
	}
	case M_GETPPID:
		syscall(SYS_getppid); /* not the vDSO, not cached: a real syscall */
		break;
	}
}

static void setup(enum mode m, const char *dir, int w, struct paths *p)
{
	int fd;

	switch (m) {
	case M_OPEN:
		snprintf(p->a, sizeof(p->a), "%s/f", dir);
		break;
	case M_OPENFAIL:
		snprintf(p->a, sizeof(p->a), "%s/missing", dir);
		return;
	case M_WRITE:
		snprintf(p->a, sizeof(p->a), "%s/w.%d", dir, w);
		return;
	case M_RENAME:
		snprintf(p->a, sizeof(p->a), "%s/a.%d", dir, w);
		snprintf(p->b, sizeof(p->b), "%s/b.%d", dir, w);
		break;
	default:
		return;
	}
	fd = open(p->a, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die(p->a);
	close(fd);
}

static struct result worker(enum mode m, const char *dir, int w, uint64_t n, double secs)
{
	struct result r = { 0 };
	uint64_t t0, c0, deadline;
	struct paths p;

	setup(m, dir, w, &p);
	c0 = cpu_ns();
	t0 = now_ns();
	if (n) {
		for (uint64_t i = 0; i < n; i++)
			one_op(m, &p, i);
		r.ops = n;
	} else {
		/* Check the clock every 256 ops: cheap next to any syscall. */
		deadline = t0 + (uint64_t)(secs * 1e9);
		for (uint64_t i = 0;; i++) {
			one_op(m, &p, i);
			if ((i & 255) == 255 && now_ns() >= deadline) {
				r.ops = i + 1;
				break;
			}
		}
	}
	r.ns = now_ns() - t0;
	r.cpu_ns = cpu_ns() - c0;
	if (m == M_RENAME && (r.ops & 1)) /* leave a.W for cleanup */
		one_op(m, &p, r.ops);
	return r;
}

static void rm_dir(const char *dir, int workers)
{
	static const char *const names[] = { "f", "w.%d", "a.%d", "b.%d" };
	char a[PATH_MAX], n[32];

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		for (int w = 0; w < workers; w++) {
			snprintf(n, sizeof(n), names[k], w);
			snprintf(a, sizeof(a), "%s/%s", dir, n);
			unlink(a);
		}
	rmdir(dir);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/ptb-driver.XXXXXX";
	struct result *res, tot = { 0 };
	const char *dir;
	enum mode mode = M_OPEN;
	int found = 0;
	uint64_t n = 0;
	double secs = 0;
	int workers = 1, c, own_dir = 0;

	if (argc == 2 && !strcmp(argv[1], "nop"))
		return 0;
	while ((c = getopt(argc, argv, "j:n:t:")) != -1) {
		switch (c) {
		case 'j': workers = atoi(optarg); break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 't': secs = atof(optarg); break;
		default: goto usage;
		}
	}
	if (optind >= argc || workers < 1 || workers > 64 || (!n && secs <= 0))
		goto usage;
	for (size_t k = 0; k < sizeof(mode_names) / sizeof(mode_names[0]); k++)
		if (!strcmp(argv[optind], mode_names[k])) {
			mode = (enum mode)k;
			found = 1;
		}
	if (!found) {
		fprintf(stderr, "driver: unknown mode '%s'\n", argv[optind]);
		return 2;
	}
	dir = optind + 1 < argc ? argv[optind + 1] : NULL;
	self_exe = realpath("/proc/self/exe", NULL);
	if (!self_exe)
		die("/proc/self/exe");
	if (!dir) {
		dir = mkdtemp(tmpl);
		if (!dir)
			die("mkdtemp");
		own_dir = 1;
	}
	res = mmap(NULL, sizeof(*res) * workers, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		   -1, 0);
	if (res == MAP_FAILED)
		die("mmap");
	if (workers == 1) {
		res[0] = worker(mode, dir, 0, n, secs);
	} else {
		for (int w = 0; w < workers; w++) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid == 0) {
				res[w] = worker(mode, dir, w, n, secs);
				_exit(0);
			}
		}
		for (int w = 0; w < workers; w++) {
			int st;

			if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
				die("worker");
		}
	}
	for (int w = 0; w < workers; w++) {
		tot.ops += res[w].ops;
		tot.cpu_ns += res[w].cpu_ns;
		if (res[w].ns > tot.ns)
			tot.ns = res[w].ns;
	}
	printf("mode=%s workers=%d ops=%llu secs=%.6f ns_per_op=%.1f cpu_ns_per_op=%.1f "
	       "ops_per_s=%.0f\n", mode_names[mode], workers, (unsigned long long)tot.ops, tot.ns / 1e9,
	       (double)tot.ns * workers / (double)tot.ops, (double)tot.cpu_ns / (double)tot.ops,
	       tot.ops / (tot.ns / 1e9));
	if (own_dir)
		rm_dir(dir, workers);
	return 0;
usage:
	fprintf(stderr, "usage: driver [-j WORKERS] (-n OPS | -t SECONDS) "
			"open|openfail|write|rename|forkexec|getppid [DIR]\n");
	return 2;
}
