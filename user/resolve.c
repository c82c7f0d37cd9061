// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* resolve.c - the collector's questions to the disk about a session's
 * files: credential identities, real locations, FIFO holders. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "pathclass.h"
#include "resolve.h"

/* A growable text answer. */
struct text {
	char *p;
	size_t len, cap;
	int err;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->err)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		char *np;

		while (cap < t->len + n + 1)
			cap *= 2;
		np = realloc(t->p, cap);
		if (!np) {
			t->err = -ENOMEM;
			return;
		}
		t->p = np;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static int text_done(struct text *t, char **data, size_t *len)
{
	if (t->err) {
		free(t->p);
		return t->err;
	}
	*data = t->p;
	*len = t->len;
	return 0;
}

/* Mount ids to the device the kernel's superblock has (mountinfo's
 * major:minor), which is what open records carry: stat's st_dev differs
 * for a btrfs subvolume and for overlayfs files. */
struct devmap {
	size_t n;
	struct {
		uint64_t id;
		uint32_t kdev;
	} m[512];
};

static void devmap_load(struct devmap *dm)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	dm->n = 0;
	while (f && dm->n < sizeof(dm->m) / sizeof(dm->m[0]) && fgets(line, sizeof(line), f)) {
		unsigned long long id, parent;
		unsigned int ma, mi;

		if (sscanf(line, "%llu %llu %u:%u", &id, &parent, &ma, &mi) != 4)
			continue;
		dm->m[dm->n].id = id;
		dm->m[dm->n].kdev = ma << 20 | (mi & 0xfffff);
		dm->n++;
	}
	if (f)
		fclose(f);
}

static uint32_t kdev_of(const struct devmap *dm, const struct statx *stx)
{
	if (dm && (stx->stx_mask & STATX_MNT_ID))
		for (size_t i = 0; i < dm->n; i++)
			if (dm->m[i].id == stx->stx_mnt_id)
				return dm->m[i].kdev;
	return stx->stx_dev_major << 20 | (stx->stx_dev_minor & 0xfffff);
}

/* An O_PATH fd of path resolved inside root (-1: /), or -errno. */
static int open_in(int root, const char *path, int flags)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC | flags, .resolve = RESOLVE_IN_ROOT };
	long fd;

	/* RESOLVE_IN_ROOT with AT_FDCWD would make the cwd the root */
	if (root < 0)
		fd = open(path, O_PATH | O_CLOEXEC | flags);
	else
		fd = syscall(SYS_openat2, root, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* ---- credential files ---- */

struct creds_scan {
	int root;
	const char *home;       /* the home being scanned, or NULL: system places */
	struct devmap dm;
	struct text out;
	size_t files;
};

static void cred_add(struct creds_scan *c, const char *path, const struct statx *stx)
{
	const char *cat = pathclass_credential(path, c->home, 0);
	char line[64];
	int n;

	if (!cat || !S_ISREG(stx->stx_mode) || strchr(path, '\n') || c->files >= RESOLVE_CREDS_MAX)
		return;
	n = snprintf(line, sizeof(line), "%u %llu ", kdev_of(&c->dm, stx),
		     (unsigned long long)stx->stx_ino);
	text_add(&c->out, line, (size_t)n);
	text_add(&c->out, cat, strlen(cat));
	text_add(&c->out, " ", 1);
	text_add(&c->out, path, strlen(path));
	text_add(&c->out, "\n", 1);
	c->files++;
}

/* The files under the directory open at dfd (path), depth levels down at
 * most, *budget entries at most; symlinks to files count, symlinked
 * directories are not entered. */
static void cred_walk(struct creds_scan *c, int dfd, const char *path, int depth, int *budget)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) && (*budget)-- > 0) {
		char child[4096];
		struct statx stx;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= (int)sizeof(child))
			continue;
		if (statx(dirfd(d), e->d_name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_MNT_ID, &stx))
			continue;
		if (S_ISDIR(stx.stx_mode) && depth > 0) {
			int sub = openat(dirfd(d), e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				cred_walk(c, sub, child, depth - 1, budget);
				close(sub);
			}
		} else if (S_ISLNK(stx.stx_mode)) {
			if (!statx(dirfd(d), e->d_name, 0, STATX_BASIC_STATS | STATX_MNT_ID, &stx))
				cred_add(c, child, &stx);
		} else {
			cred_add(c, child, &stx);
		}
	}
	closedir(d);
}

/* One place of pathclass_credential_places in the current home. */
static void cred_place(void *ctx, const char *place, bool in_home)
{
	struct creds_scan *c = ctx;
	char path[4096];
	struct statx stx;
	int fd, budget = RESOLVE_CREDS_DIR_MAX;

	if (in_home != (c->home != NULL))
		return;
	if (in_home)
		snprintf(path, sizeof(path), "%s/%s", strcmp(c->home, "/") ? c->home : "", place);
	else
		snprintf(path, sizeof(path), "%s", place);
	fd = open_in(c->root, path, 0);
	if (fd < 0)
		return;
	if (!statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_MNT_ID, &stx)) {
		if (S_ISDIR(stx.stx_mode))
			cred_walk(c, fd, path, RESOLVE_CREDS_DEPTH, &budget);
		else
			cred_add(c, path, &stx);
	}
	close(fd);
}

int resolve_creds(void *ctx, int root_fd, char **data, size_t *len)
{
	const char *session_home = ctx;
	struct creds_scan *c = calloc(1, sizeof(*c));
	char *homes[64];
	size_t nhomes = 0;
	int fd, err;
	DIR *d;

	if (!c)
		return -ENOMEM;
	c->root = root_fd;
	devmap_load(&c->dm);
	if (session_home && session_home[0] == '/')
		homes[nhomes++] = strdup(session_home);
	homes[nhomes++] = strdup("/root");
	/* every user's home: a script may read any of them */
	fd = open_in(root_fd, "/home", O_DIRECTORY);
	if (fd >= 0) {
		int rfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		d = rfd >= 0 ? fdopendir(rfd) : NULL;
		for (struct dirent *e; d && (e = readdir(d)) && nhomes < 64;)
			if (e->d_name[0] != '.' && asprintf(&homes[nhomes], "/home/%s", e->d_name) > 0)
				nhomes++;
		if (d)
			closedir(d);
		else if (rfd >= 0)
			close(rfd);
	}
	for (size_t i = 0; i < nhomes; i++) {
		bool seen = !homes[i];

		for (size_t j = 0; j < i && !seen; j++)
			seen = homes[j] && !strcmp(homes[i], homes[j]);
		if (!seen) {
			c->home = homes[i];
			pathclass_credential_places(cred_place, c);
		}
	}
	c->home = NULL;
	pathclass_credential_places(cred_place, c);
	for (size_t i = 0; i < nhomes; i++)
		free(homes[i]);
	if (!c->out.p && !c->out.err)
		text_add(&c->out, "", 0);
	err = text_done(&c->out, data, len);
	free(c);
	return err;
}

/* ---- real locations ---- */

/* The root the process sees (/proc/PID/root while it lives), else a copy
 * of the session's root; -1: /. */
static int process_root(uint32_t pid, int root_fd)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/proc/%u/root", pid);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	return root_fd >= 0 ? fcntl(root_fd, F_DUPFD_CLOEXEC, 0) : -1;
}

/* The path of the file open at fd as the session sees it: /proc's link
 * is from the collector's root; a session with its own root (a container,
 * for the daemon) has that root's part taken off. */
static int fd_path(int fd, int root_fd, char *out, size_t max)
{
	char link[64], root[4096];
	ssize_t n, rn;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, max - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= max - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	if (root_fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", root_fd);
	rn = readlink(link, root, sizeof(root) - 1);
	if (rn <= 1)
		return 0;
	root[rn] = '\0';
	if (!strncmp(out, root, (size_t)rn) && (out[rn] == '/' || !out[rn])) {
		memmove(out, out + rn, (size_t)(n - rn) + 1);
		if (!out[0])
			strcpy(out, "/");
	}
	return 0;
}

int resolve_dir(void *ctx, int root_fd, char **data, size_t *len)
{
	const struct resolve_q *q = ctx;
	char real[4096];
	struct text out = { 0 };
	int root, dfd, err;

	if (q->path[0] != '/')
		return -EINVAL;
	root = process_root(q->pid, root_fd);
	dfd = open_in(root, q->path, O_DIRECTORY);
	if (root >= 0)
		close(root);
	if (dfd < 0)
		return dfd;
	err = fd_path(dfd, root_fd, real, sizeof(real));
	close(dfd);
	if (err)
		return err;
	text_add(&out, real, strlen(real));
	return text_done(&out, data, len);
}

int resolve_id(void *ctx, int root_fd, char **data, size_t *len)
{
	const struct resolve_q *q = ctx;
	struct text out = { 0 };
	struct statx stx;
	struct devmap *dm;
	char id[64];
	int root = process_root(q->pid, root_fd), fd, err;

	/* the final component is not followed: a link or rename's name */
	fd = open_in(root, q->path, O_NOFOLLOW);
	if (root >= 0)
		close(root);
	if (fd < 0)
		return fd;
	err = statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_MNT_ID, &stx) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	dm = malloc(sizeof(*dm));
	if (dm)
		devmap_load(dm);
	snprintf(id, sizeof(id), "%u %llu", kdev_of(dm, &stx), (unsigned long long)stx.stx_ino);
	free(dm);
	text_add(&out, id, strlen(id));
	return text_done(&out, data, len);
}

/* ---- FIFO holders ---- */

int resolve_fifo(void *ctx, int root_fd, char **data, size_t *len)
{
	const struct resolve_q *q = ctx;
	struct text out = { 0 };
	struct stat fifo;
	int root = process_root(q->pid, root_fd), fd, found = 0;
	DIR *procs;

	fd = open_in(root, q->path, 0);
	if (root >= 0)
		close(root);
	if (fd < 0)
		return fd;
	if (fstat(fd, &fifo)) {
		close(fd);
		return -errno;
	}
	close(fd);
	procs = opendir("/proc");
	for (struct dirent *p; procs && (p = readdir(procs)) && found < 64;) {
		char dir[300], item[300];
		DIR *fds;
		int dfd;

		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(dir, sizeof(dir), "/proc/%s/fd", p->d_name);
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fds = dfd >= 0 ? fdopendir(dfd) : NULL;
		if (!fds) {
			if (dfd >= 0)
				close(dfd);
			continue;
		}
		for (struct dirent *e; (e = readdir(fds));) {
			struct stat st;

			if (e->d_name[0] == '.' || fstatat(dirfd(fds), e->d_name, &st, 0) ||
			    st.st_dev != fifo.st_dev || st.st_ino != fifo.st_ino)
				continue;
			snprintf(item, sizeof(item), "%s%s", found ? " " : "", p->d_name);
			text_add(&out, item, strlen(item));
			found++;
			break;
		}
		closedir(fds);
	}
	if (procs)
		closedir(procs);
	if (!out.p)
		text_add(&out, "", 0);
	return text_done(&out, data, len);
}

void resolve_key(char *buf, size_t max, const char *kind, uint32_t pid, const char *path)
{
	if (pid)
		snprintf(buf, max, "pkgtrace:%s:%u:%s", kind, pid, path);
	else
		snprintf(buf, max, "pkgtrace:%s:%s", kind, path);
}
