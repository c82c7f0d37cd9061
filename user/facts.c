// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* facts.c - answers to "what does this file say", live or from a trace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "facts.h"

struct fact {
	struct fact *next;
	char *path;
	int err;
	char *data; /* NUL-terminated copy */
	size_t len;
};

#define FACTS_BUCKETS 1024

struct facts {
	int live;
	int root_fd;       /* live: paths resolve inside this root; -1: / */
	facts_record_fn record;
	void *record_ctx;
	struct fact *bucket[FACTS_BUCKETS];
};

static unsigned int path_hash(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % FACTS_BUCKETS;
}

struct facts *facts_new(int live)
{
	struct facts *f = calloc(1, sizeof(*f));

	if (f) {
		f->live = live;
		f->root_fd = -1;
	}
	return f;
}

void facts_free(struct facts *f)
{
	if (!f)
		return;
	for (int i = 0; i < FACTS_BUCKETS; i++) {
		struct fact *n, *p = f->bucket[i];

		for (; p; p = n) {
			n = p->next;
			free(p->path);
			free(p->data);
			free(p);
		}
	}
	free(f);
}

void facts_set_root(struct facts *f, int root_fd)
{
	f->root_fd = root_fd;
}

void facts_set_recorder(struct facts *f, facts_record_fn fn, void *ctx)
{
	f->record = fn;
	f->record_ctx = ctx;
}

static struct fact *lookup(struct facts *f, const char *path)
{
	for (struct fact *p = f->bucket[path_hash(path)]; p; p = p->next)
		if (!strcmp(p->path, path))
			return p;
	return NULL;
}

int facts_put(struct facts *f, const char *path, int err, const void *data, size_t len)
{
	struct fact *p = lookup(f, path);
	unsigned int h = path_hash(path);

	if (p) /* first answer wins, as it did live */
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->path = strdup(path);
	p->data = malloc(err ? 1 : len + 1);
	if (!p->path || !p->data) {
		free(p->path);
		free(p->data);
		free(p);
		return -ENOMEM;
	}
	p->err = err;
	p->len = err ? 0 : len;
	if (!err && len)
		memcpy(p->data, data, len);
	p->data[p->len] = '\0';
	p->next = f->bucket[h];
	f->bucket[h] = p;
	return 0;
}

/* A path of the traced process's filesystem: inside root_fd (a container's
 * root, for the daemon) when set.  A regular file only: the install may
 * leave a FIFO where a package.json or a file it wrote is looked up, and
 * opening one without a writer would block the end of the run (hence
 * O_NONBLOCK, which a regular file ignores); a device never ends.  Anything
 * else is EINVAL. */
static FILE *open_in_root(int root_fd, const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK, .resolve = RESOLVE_IN_ROOT };
	struct stat st;
	long fd;
	FILE *fp;

	if (root_fd < 0)
		fd = open(path, (int)how.flags);
	else
		fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (fd < 0)
		return NULL;
	if (fstat((int)fd, &st) || !S_ISREG(st.st_mode)) {
		close((int)fd);
		errno = EINVAL;
		return NULL;
	}
	fp = fdopen((int)fd, "rb");
	if (!fp)
		close((int)fd);
	return fp;
}

static int read_disk(int root_fd, const char *path, size_t max, char **data, size_t *len)
{
	FILE *fp = open_in_root(root_fd, path);
	char *buf;
	size_t n;

	if (!fp)
		return -errno;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(fp);
		return -ENOMEM;
	}
	n = fread(buf, 1, max, fp);
	if (ferror(fp)) {
		int err = -EIO;

		fclose(fp);
		free(buf);
		return err;
	}
	fclose(fp);
	*data = buf;
	*len = n;
	return 0;
}

int facts_live(const struct facts *f)
{
	return f && f->live;
}

int facts_get(struct facts *f, const char *key, facts_compute_fn fn, void *ctx,
	      const char **data, size_t *len)
{
	struct fact *p = lookup(f, key);
	char *buf = NULL;
	size_t n = 0;
	int err;

	if (!p && f->live) {
		err = fn(ctx, f->root_fd, &buf, &n);
		if (facts_put(f, key, err, buf, n)) {
			free(buf);
			return -ENOMEM;
		}
		free(buf);
		p = lookup(f, key);
		if (p && f->record)
			f->record(f->record_ctx, p->path, p->err, p->data, p->len);
	}
	if (!p)
		return -ENOENT;
	if (p->err)
		return p->err;
	*data = p->data;
	*len = p->len;
	return 0;
}

struct file_question {
	const char *path;
	size_t max;
};

static int compute_file(void *ctx, int root_fd, char **data, size_t *len)
{
	const struct file_question *q = ctx;

	return read_disk(root_fd, q->path, q->max, data, len);
}

int facts_read_file(struct facts *f, const char *path, size_t max,
		    const char **data, size_t *len)
{
	struct file_question q = { path, max };
	int err = facts_get(f, path, compute_file, &q, data, len);

	if (!err && *len > max)
		*len = max;
	return err;
}
