// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cgroupctx.c - cgroup id -> path -> container and pod; see cgroupctx.h. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroupctx.h"
#include "mountinfo.h"

#define CACHE_SIZE 256
#define FILEID_KERNFS_ 0xfe /* cgroup2 file handles: the 64-bit cgroup id */
#define WALK_DEPTH 32

struct cache_ent {
	uint64_t id;
	char *path;
};

struct cgroupctx {
	char root[PATH_MAX];
	char *pods_dir;
	int root_fd;
	bool no_handles;            /* open_by_handle_at refused: walk instead */
	struct cache_ent cache[CACHE_SIZE];
	unsigned next;              /* round-robin replacement */
};

int cgroupctx_new(const char *cgroup_root, const char *pods_dir, struct cgroupctx **out)
{
	struct cgroupctx *c = calloc(1, sizeof(*c));
	int err;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->root_fd = -1;
	if (cgroup_root) {
		if (snprintf(c->root, sizeof(c->root), "%s", cgroup_root) >= (int)sizeof(c->root)) {
			err = -ENAMETOOLONG;
			goto cleanup;
		}
	} else {
		err = mountinfo_find_self("cgroup2", c->root, sizeof(c->root));
		if (err)
			goto cleanup;
	}
	/* no trailing slash, so prefixes strip cleanly ("/" stays "/") */
	for (size_t n = strlen(c->root); n > 1 && c->root[n - 1] == '/'; n--)
		c->root[n - 1] = '\0';
	c->pods_dir = strdup(pods_dir ? pods_dir : CGCTX_PODS_DIR);
	if (!c->pods_dir) {
		err = -ENOMEM;
		goto cleanup;
	}
	c->root_fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0) {
		err = -errno;
		goto cleanup;
	}
	*out = c;
	return 0;
cleanup:
	cgroupctx_free(c);
	return err;
}

void cgroupctx_free(struct cgroupctx *c)
{
	if (!c)
		return;
	if (c->root_fd >= 0)
		close(c->root_fd);
	for (int i = 0; i < CACHE_SIZE; i++)
		free(c->cache[i].path);
	free(c->pods_dir);
	free(c);
}

const char *cgroupctx_root(const struct cgroupctx *c)
{
	return c->root;
}

/* The path relative to the root from an absolute one under it. */
static int relative(const struct cgroupctx *c, const char *abs, char *out, size_t len)
{
	size_t rl = strlen(c->root);
	const char *rest;

	if (!strcmp(c->root, "/"))
		rest = abs;
	else if (!strncmp(abs, c->root, rl) && (abs[rl] == '/' || !abs[rl]))
		rest = abs + rl;
	else
		return -EXDEV; /* outside our view of the hierarchy */
	if (snprintf(out, len, "%s", *rest ? rest : "/") >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* By file handle: the kernel opens the cgroup by id; /proc names it. */
static int path_by_handle(struct cgroupctx *c, uint64_t id, char *out, size_t len)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	char link[64], abs[PATH_MAX];
	ssize_t n;
	int fd, err;

	h.fh.handle_bytes = sizeof(uint64_t);
	h.fh.handle_type = FILEID_KERNFS_;
	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(c->root_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, abs, sizeof(abs) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	abs[n] = '\0';
	return relative(c, abs, out, len);
}

/* By walking: the cgroup2 directory whose inode number is the id. */
static int walk(int dfd, uint64_t id, char *rel, size_t used, size_t len, int depth)
{
	DIR *d;
	struct dirent *de;
	int err = -ENOENT;

	if (depth > WALK_DEPTH)
		return -ENOENT;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while (err == -ENOENT && (de = readdir(d))) {
		size_t nl;
		int sub;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		nl = strlen(de->d_name);
		if (used + 1 + nl + 1 > len)
			continue;
		rel[used] = '/';
		memcpy(rel + used + 1, de->d_name, nl + 1);
		if (de->d_ino == id)
			err = 0;
		else if ((sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
			err = walk(sub, id, rel, used + 1 + nl, len, depth + 1);
	}
	closedir(d);
	if (err)
		rel[used] = '\0';
	return err;
}

static int path_by_walk(struct cgroupctx *c, uint64_t id, char *out, size_t len)
{
	struct stat st;
	int fd, err;

	if (fstat(c->root_fd, &st) == 0 && st.st_ino == id)
		return snprintf(out, len, "/") >= (int)len ? -ENAMETOOLONG : 0;
	fd = openat(c->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	out[0] = '\0';
	err = walk(fd, id, out, 0, len, 0);
	return err;
}

int cgroupctx_path(struct cgroupctx *c, uint64_t id, char *out, size_t len)
{
	struct cache_ent *e;
	int err = -EPERM;

	for (int i = 0; i < CACHE_SIZE; i++) {
		if (c->cache[i].path && c->cache[i].id == id) {
			if (snprintf(out, len, "%s", c->cache[i].path) >= (int)len)
				return -ENAMETOOLONG;
			return 0;
		}
	}
	if (!c->no_handles) {
		err = path_by_handle(c, id, out, len);
		/* no CAP_DAC_READ_SEARCH or no handle support: walk from now on */
		if (err == -EPERM || err == -EOPNOTSUPP || err == -EINVAL)
			c->no_handles = true;
	}
	if (c->no_handles)
		err = path_by_walk(c, id, out, len);
	if (err)
		return err;
	e = &c->cache[c->next++ % CACHE_SIZE];
	free(e->path);
	e->id = id;
	e->path = strdup(out); /* a failed copy just is not cached */
	return 0;
}

/* ---- naming ------------------------------------------------------------ */

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* A container id: 64 hex digits (every runtime uses the full sha256). */
static bool is_cid(const char *s, size_t n)
{
	return n == 64 && all_hex(s, n);
}

/* A pod uid: a UUID, or the 32-hex config hash of a static pod. */
static bool is_uid(const char *s, size_t n)
{
	if (n < 32 || n > 36)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t sl = strlen(suf);

	return n >= sl && !memcmp(s + n - sl, suf, sl);
}

/* One path component: a container scope, a pod slice or neither. */
static void parse_component(const char *s, size_t n, const char *parent, size_t pn,
			    struct cgroup_meta *m)
{
	static const struct { const char *prefix; const char *runtime; } scopes[] = {
		{ "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" },
		{ "docker-", "docker" },
		{ "libpod-", "podman" },
	};
	const char *p;
	size_t len;

	if (ends_with(s, n, ".scope"))
		n -= strlen(".scope");
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t pl = strlen(scopes[i].prefix);

		if (n > pl && !memcmp(s, scopes[i].prefix, pl) && is_cid(s + pl, n - pl)) {
			memcpy(m->container_id, s + pl, n - pl);
			m->container_id[n - pl] = '\0';
			m->runtime = scopes[i].runtime;
			return;
		}
	}
	if (is_cid(s, n)) {
		/* cgroupfs driver: the bare id; only docker's own tree names it */
		memcpy(m->container_id, s, n);
		m->container_id[n] = '\0';
		m->runtime = pn == 6 && !memcmp(parent, "docker", 6) ? "docker" : NULL;
		return;
	}
	/* kubepods-burstable-pod<uid>.slice (systemd; '-' became '_') or
	 * pod<uid> (cgroupfs) */
	if (ends_with(s, n, ".slice"))
		n -= strlen(".slice");
	p = memmem(s, n, "pod", 3);
	while (p) {
		len = n - (size_t)(p + 3 - s);
		if ((p == s || p[-1] == '-') && is_uid(p + 3, len)) {
			for (size_t i = 0; i < len; i++)
				m->pod_uid[i] = p[3 + i] == '_' ? '-' : p[3 + i];
			m->pod_uid[len] = '\0';
			return;
		}
		p = memmem(p + 1, n - (size_t)(p + 1 - s), "pod", 3);
	}
}

int cgroupctx_parse(const char *path, struct cgroup_meta *m)
{
	const char *s = path, *parent = "", *e;
	size_t pn = 0;

	memset(m, 0, sizeof(*m));
	snprintf(m->path, sizeof(m->path), "%s", path ? path : "");
	if (!path)
		return 0;
	/* outermost first, so the innermost container/pod wins */
	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		e = strchrnul(s, '/');
		parse_component(s, (size_t)(e - s), parent, pn, m);
		parent = s;
		pn = (size_t)(e - s);
		s = e;
	}
	return 0;
}

int cgroupctx_pod_names(const char *pods_dir, const char *uid, char *ns, size_t nslen,
			char *name, size_t namelen)
{
	size_t ul = strlen(uid);
	struct dirent *de;
	int err = -ENOENT;
	DIR *d;

	if (!ul)
		return -ENOENT;
	d = opendir(pods_dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		const char *u1, *u2;

		/* <namespace>_<name>_<uid>: neither namespace nor name may hold '_' */
		if (n <= ul + 1 || strcmp(de->d_name + n - ul, uid) || de->d_name[n - ul - 1] != '_')
			continue;
		u1 = strchr(de->d_name, '_');
		u2 = de->d_name + n - ul - 1;
		if (!u1 || u1 >= u2 || u1 == de->d_name)
			continue;
		if ((size_t)(u1 - de->d_name) >= nslen || (size_t)(u2 - u1 - 1) >= namelen)
			continue;
		memcpy(ns, de->d_name, (size_t)(u1 - de->d_name));
		ns[u1 - de->d_name] = '\0';
		memcpy(name, u1 + 1, (size_t)(u2 - u1 - 1));
		name[u2 - u1 - 1] = '\0';
		err = 0;
		break;
	}
	closedir(d);
	return err;
}

int cgroupctx_lookup(struct cgroupctx *c, uint64_t id, struct cgroup_meta *m)
{
	char path[sizeof(m->path)];
	int err = cgroupctx_path(c, id, path, sizeof(path));

	cgroupctx_parse(err ? NULL : path, m);
	if (err)
		return err;
	if (m->pod_uid[0])
		cgroupctx_pod_names(c->pods_dir, m->pod_uid, m->pod_namespace,
				    sizeof(m->pod_namespace), m->pod_name, sizeof(m->pod_name));
	return 0;
}
