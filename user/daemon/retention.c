// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* daemon/retention.c - --traces-max-bytes and --traces-max-age on --record-dir. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "daemon/retention.h"
#include "err.h"

struct trace_file {
	char *name;
	uint64_t bytes;             /* allocated on disk, what the bound is about */
	struct timespec mtime;
	bool in_use;
};

static int by_age(const void *a, const void *b)
{
	const struct trace_file *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool is_trace(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".ptr");
}

/* dir's traces into *files (*n of them), or -errno */
static int list_traces(const char *dir, int dfd, retention_in_use_fn in_use, void *ctx,
		       struct trace_file **files, size_t *n)
{
	DIR *d = fdopendir(dup(dfd));
	struct trace_file *v = NULL, *nv;
	size_t cap = 0;
	struct dirent *e;
	struct stat st;
	char path[4096];
	int err = 0;

	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!is_trace(e->d_name) || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[*n].name = strdup(e->d_name);
		if (!v[*n].name) {
			err = -ENOMEM;
			break;
		}
		v[*n].bytes = (uint64_t)st.st_blocks * 512;
		v[*n].mtime = st.st_mtim;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		v[*n].in_use = in_use && in_use(ctx, path);
		(*n)++;
	}
	closedir(d);
	*files = v;
	return err;
}

int retention_enforce(const char *dir, uint64_t max_bytes, long max_age_s, retention_in_use_fn in_use,
		      void *ctx, struct retention_counts *c)
{
	struct trace_file *files = NULL;
	size_t n = 0;
	uint64_t total = 0;
	time_t now = time(NULL);
	int dfd, err;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err = -errno;
		p_warn("daemon: --record-dir %s: %s", dir, strerror(-err));
		return err;
	}
	err = list_traces(dir, dfd, in_use, ctx, &files, &n);
	if (err) {
		p_warn("daemon: --record-dir %s: %s", dir, strerror(-err));
		goto cleanup;
	}
	qsort(files, n, sizeof(*files), by_age);
	for (size_t i = 0; i < n; i++)
		total += files[i].bytes;
	c->kept = 0;
	c->kept_bytes = 0;
	/* oldest first: an old trace goes before any newer one */
	for (size_t i = 0; i < n; i++) {
		struct trace_file *f = &files[i];
		bool too_old = max_age_s > 0 && now - f->mtime.tv_sec > max_age_s;
		bool over = max_bytes > 0 && total > max_bytes;

		if (!f->in_use && (too_old || over) && !unlinkat(dfd, f->name, 0)) {
			total -= f->bytes;
			c->removed++;
			c->removed_bytes += f->bytes;
			continue;
		}
		c->kept++;
		c->kept_bytes += f->bytes;
	}
cleanup:
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
	close(dfd);
	return err;
}
