// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cgroup.c - the install's own cgroup v2: make, enter, kill, remove; see
 * enforce.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "clock.h"
#include "enforce/enforce.h"
#include "mountinfo.h"

struct enf_cgroup {
	char root[PATH_MAX];  /* the cgroup v2 mount */
	char rel[PATH_MAX];   /* our cgroup, relative to root */
	char abs[PATH_MAX * 2];
	int dir_fd, procs_fd;
};

/* Our own cgroup v2 path ("0::/path" in /proc/self/cgroup). */
static int own_cgroup(char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX + 16];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		err = snprintf(out, len, "%s", line + 3) < (int)len ? 0 : -ENAMETOOLONG;
		break;
	}
	fclose(f);
	return err;
}

int enf_cgroup_new(struct enf_cgroup **out)
{
	struct enf_cgroup *cg = calloc(1, sizeof(*cg));
	char own[PATH_MAX];
	int err;

	*out = NULL;
	if (!cg)
		return -ENOMEM;
	cg->dir_fd = cg->procs_fd = -1;
	err = mountinfo_find_self("cgroup2", cg->root, sizeof(cg->root));
	if (!err)
		err = own_cgroup(own, sizeof(own));
	if (err)
		goto cleanup;
	/* a child of ours: where a delegated service may make cgroups; the
	 * root's "/" keeps no trailing slash twice */
	if (!strcmp(own, "/"))
		own[0] = '\0';
	snprintf(cg->rel, sizeof(cg->rel), "%s/pkgtrace-%d", own, (int)getpid());
	snprintf(cg->abs, sizeof(cg->abs), "%s%s", cg->root, cg->rel);
	if (mkdir(cg->abs, 0755) && errno != EEXIST) {
		err = -errno;
		goto cleanup;
	}
	cg->dir_fd = open(cg->abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cg->procs_fd = cg->dir_fd < 0 ? -1 : openat(cg->dir_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (cg->procs_fd < 0) {
		err = -errno;
		goto cleanup;
	}
	*out = cg;
	return 0;
cleanup:
	enf_cgroup_free(cg);
	return err;
}

const char *enf_cgroup_path(const struct enf_cgroup *cg)
{
	return cg ? cg->rel : NULL;
}

int enf_cgroup_fd(const struct enf_cgroup *cg)
{
	return cg ? cg->dir_fd : -1;
}

int enf_cgroup_procs_fd(const struct enf_cgroup *cg)
{
	return cg ? cg->procs_fd : -1;
}

int enf_cgroup_enter(int procs_fd)
{
	/* "0": the writer itself */
	return write(procs_fd, "0", 1) == 1 ? 0 : -errno;
}

/* The pids listed in the cgroup's cgroup.procs. */
static unsigned count_procs(const struct enf_cgroup *cg)
{
	int fd = openat(cg->dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	unsigned n = 0;
	int pid;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (fscanf(f, "%d", &pid) == 1)
		n++;
	fclose(f);
	return n;
}

/* "populated 0" in cgroup.events: no process left in it or below. */
static bool cgroup_empty(const struct enf_cgroup *cg)
{
	char buf[256];
	int fd = openat(cg->dir_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	return strstr(buf, "populated 0") != NULL;
}

int enf_cgroup_kill(struct enf_cgroup *cg, int timeout_ms, unsigned *killed)
{
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;
	int fd;

	*killed = 0;
	if (!cg || cg->dir_fd < 0 || cgroup_empty(cg))
		return 0;
	*killed = count_procs(cg);
	fd = openat(cg->dir_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return err; /* -ENOENT: cgroup.kill needs Linux 5.14 */
	}
	close(fd);
	/* the kill is asynchronous: wait for the last exit */
	while (!cgroup_empty(cg)) {
		if (clock_ns(CLOCK_MONOTONIC) > deadline)
			return -ETIMEDOUT;
		poll(NULL, 0, 5);
	}
	return 0;
}

/* nftw callback: each directory after its children (a cgroup directory is
 * removed with its control files; they cannot be unlinked). */
static int rmdir_post(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	return 0;
}

void enf_cgroup_free(struct enf_cgroup *cg)
{
	unsigned n;

	if (!cg)
		return;
	if (cg->dir_fd >= 0)
		enf_cgroup_kill(cg, 2000, &n);
	if (cg->procs_fd >= 0)
		close(cg->procs_fd);
	if (cg->dir_fd >= 0)
		close(cg->dir_fd);
	/* the cgroups a root install made inside its own go first: the
	 * install's cannot be removed while it has children */
	if (cg->abs[0])
		nftw(cg->abs, rmdir_post, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	free(cg);
}
