// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * runner.c - run one command and measure it, for the benchmark scripts.
 *
 *   runner [-b|-p] -- CMD [ARGS...]
 *
 * Prints one line of key=value pairs on fd 3 when it is open, else on
 * stderr (stdout and stderr stay the command's):
 *   rc          the command's exit status (128+N for signal N)
 *   wall_s      fork to exit
 *   cpu_s       user+sys of the command and everything it waited for
 *   self_cpu_s  user+sys of the command's own process only (all threads;
 *               from /proc/PID/stat while it is a zombie, 10 ms ticks)
 *   child_cpu_s user+sys of the processes the command reaped (for
 *               `pkgtrace -- CMD`: the traced install)
 *   hwm_kb      peak RSS of the command's own process (VmHWM, sampled
 *               every 10 ms; it is a high-water mark, so only growth in
 *               the last 10 ms before exit could be missed)
 *   bpf_progs, bpf_run_ns, bpf_run_cnt (-b): BPF programs the command
 *               held open at some point, and their run time and count
 *               (kernel.bpf_stats via BPF_ENABLE_STATS, on while this runs;
 *               the programs are kept open here so their totals survive
 *               the command).  Tail-called programs count in their caller.
 *               -p also prints one "# prog" line per program first.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#define MAX_PROGS 1024

static int prog_ids[MAX_PROGS], prog_fds[MAX_PROGS], nprogs;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Grab every BPF program pid holds that is not held here yet. */
static void grab_progs(pid_t pid)
{
	char dpath[64], lpath[320], link[64], line[128];
	struct dirent *de;
	DIR *d;

	snprintf(dpath, sizeof(dpath), "/proc/%d/fd", pid);
	d = opendir(dpath);
	if (!d)
		return;
	while ((de = readdir(d)) && nprogs < MAX_PROGS) {
		ssize_t n;
		FILE *f;
		int id = -1, fd;

		snprintf(lpath, sizeof(lpath), "%s/%s", dpath, de->d_name);
		n = readlink(lpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strcmp(link, "anon_inode:bpf-prog"))
			continue;
		snprintf(lpath, sizeof(lpath), "/proc/%d/fdinfo/%s", pid, de->d_name);
		f = fopen(lpath, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "prog_id: %d", &id) == 1)
				break;
		fclose(f);
		if (id < 0)
			continue;
		for (int i = 0; i < nprogs; i++)
			if (prog_ids[i] == id)
				goto next;
		fd = bpf_prog_get_fd_by_id(id);
		if (fd >= 0) {
			prog_ids[nprogs] = id;
			prog_fds[nprogs++] = fd;
		}
next:;
	}
	closedir(d);
}

static long read_hwm(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* utime+stime and cutime+cstime (seconds) from /proc/PID/stat. */
static int read_stat(pid_t pid, double *self, double *child)
{
	unsigned long long ut, st, cut, cst;
	char path[64], buf[2048], *p;
	long hz = sysconf(_SC_CLK_TCK);
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* comm may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
			 &ut, &st, &cut, &cst) != 4)
		return -1;
	*self = (double)(ut + st) / hz;
	*child = (double)(cut + cst) / hz;
	return 0;
}

int main(int argc, char **argv)
{
	double t0, wall, self = -1, child = -1;
	uint64_t run_ns = 0, run_cnt = 0;
	int bpf = 0, per_prog = 0, c, st, stats_fd = -1, rc;
	struct rusage ru;
	siginfo_t si;
	long hwm = -1, h;
	FILE *out;
	pid_t pid;

	while ((c = getopt(argc, argv, "+bp")) != -1) {
		if (c == 'b')
			bpf = 1;
		else if (c == 'p')
			bpf = per_prog = 1;
		else
			goto usage;
	}
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		goto usage;
	out = fcntl(3, F_GETFD) >= 0 ? fdopen(3, "w") : stderr;
	if (bpf) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0) {
			fprintf(stderr, "runner: cannot enable BPF run-time stats: %s\n",
				strerror(errno));
			return 125;
		}
	}
	t0 = now_s();
	pid = fork();
	if (pid < 0) {
		perror("runner: fork");
		return 125;
	}
	if (pid == 0) {
		if (out != stderr)
			close(3);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "runner: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	/* Poll: a zombie keeps its /proc/PID/stat until it is reaped. */
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR) {
			perror("runner: waitid");
			return 125;
		}
		if (si.si_pid == pid)
			break;
		if (bpf)
			grab_progs(pid);
		h = read_hwm(pid);
		if (h > hwm)
			hwm = h;
		usleep(10000);
	}
	wall = now_s() - t0;
	read_stat(pid, &self, &child);
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	for (int i = 0; i < nprogs; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(prog_fds[i], &info, &len)) {
			run_ns += info.run_time_ns;
			run_cnt += info.run_cnt;
			if (per_prog && info.run_cnt)
				fprintf(out, "# prog %-16s runs %10llu  ns %12llu  ns/run %6.0f\n",
					info.name, (unsigned long long)info.run_cnt,
					(unsigned long long)info.run_time_ns,
					(double)info.run_time_ns / info.run_cnt);
		}
		close(prog_fds[i]);
	}
	if (stats_fd >= 0)
		close(stats_fd);
	fprintf(out, "rc=%d wall_s=%.3f cpu_s=%.3f self_cpu_s=%.2f child_cpu_s=%.2f hwm_kb=%ld", rc,
		wall,
		ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
			ru.ru_stime.tv_usec / 1e6,
		self, child, hwm);
	if (bpf)
		fprintf(out, " bpf_progs=%d bpf_run_ns=%llu bpf_run_cnt=%llu", nprogs,
			(unsigned long long)run_ns, (unsigned long long)run_cnt);
	fprintf(out, "\n");
	fflush(out);
	return rc;
usage:
	fprintf(stderr, "usage: runner [-b|-p] -- CMD [ARGS...]\n");
	return 2;
}
