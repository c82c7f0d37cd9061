// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * copytree.c - copy a project without its node_modules, remove a tree.
 * See copytree.h.  Directory descriptors and *at() calls throughout, so a
 * name in the tree is never re-resolved through a link the copy made.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "approve/copytree.h"

#define COPY_DEPTH_MAX 64

static int copy_file(int sdir, int ddir, const char *name, mode_t mode)
{
	int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = -1, err = 0;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -errno;
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (out < 0) {
		err = -errno;
		goto cleanup;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, n - off);

			if (w < 0) {
				err = -errno;
				goto cleanup;
			}
			off += w;
		}
	}
	if (n < 0)
		err = -errno;
	if (!err && fchmod(out, mode & 07777))
		err = -errno; /* the umask must not drop an executable bit */
cleanup:
	if (out >= 0 && close(out) && !err)
		err = -errno;
	close(in);
	return err;
}

static int copy_dir(int sdir, int ddir, int depth)
{
	DIR *d;
	struct dirent *e;
	int err = 0;

	if (depth > COPY_DEPTH_MAX)
		return -ELOOP;
	d = fdopendir(dup(sdir));
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct stat st;
		char target[PATH_MAX];
		ssize_t n;
		int s2 = -1, d2 = -1;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "node_modules") || !strcmp(e->d_name, ".git"))
			continue;
		if (fstatat(sdir, e->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			err = -errno;
			break;
		}
		if (S_ISREG(st.st_mode)) {
			err = copy_file(sdir, ddir, e->d_name, st.st_mode);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlinkat(sdir, e->d_name, target, sizeof(target) - 1);
			if (n < 0) {
				err = -errno;
				break;
			}
			target[n] = '\0';
			if (symlinkat(target, ddir, e->d_name))
				err = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdirat(ddir, e->d_name, (st.st_mode & 07777) | 0700)) {
				err = -errno;
				break;
			}
			s2 = openat(sdir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			d2 = openat(ddir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 < 0 || d2 < 0)
				err = -errno;
			else
				err = copy_dir(s2, d2, depth + 1);
			if (s2 >= 0)
				close(s2);
			if (d2 >= 0)
				close(d2);
		}
		if (err)
			break;
	}
	closedir(d);
	return err;
}

int copytree(const char *src, const char *dst)
{
	int s = -1, d = -1, err;

	s = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s < 0)
		return -errno;
	if (mkdir(dst, 0700)) {
		err = -errno;
		goto cleanup;
	}
	d = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0) {
		err = -errno;
		goto cleanup;
	}
	err = copy_dir(s, d, 0);
cleanup:
	if (d >= 0)
		close(d);
	close(s);
	return err;
}

static int rm_dir(int dir, int depth)
{
	DIR *d;
	struct dirent *e;
	int err = 0;

	if (depth > 4 * COPY_DEPTH_MAX) /* installs nest deeper than projects */
		return -ELOOP;
	d = fdopendir(dup(dir));
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!unlinkat(dir, e->d_name, 0))
			continue;
		if (errno != EISDIR) {
			if (!err)
				err = -errno;
			continue;
		}
		sub = openat(dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			if (!err)
				err = -errno;
			continue;
		}
		{
			int e2 = rm_dir(sub, depth + 1);

			if (e2 && !err)
				err = e2;
		}
		close(sub);
		if (unlinkat(dir, e->d_name, AT_REMOVEDIR) && !err)
			err = -errno;
	}
	closedir(d);
	return err;
}

static uid_t chown_uid;
static gid_t chown_gid;
static int chown_err;

static int chown_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (lchown(path, chown_uid, chown_gid) && !chown_err)
		chown_err = -errno;
	return 0;
}

int chowntree(const char *path, uid_t uid, gid_t gid)
{
	chown_uid = uid;
	chown_gid = gid;
	chown_err = 0;
	if (nftw(path, chown_one, 32, FTW_PHYS))
		return chown_err ? chown_err : -errno;
	return chown_err;
}

int rmtree(const char *path)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), err;

	if (d < 0)
		return errno == ENOTDIR || errno == ELOOP ? (unlink(path) ? -errno : 0) : -errno;
	err = rm_dir(d, 0);
	close(d);
	if (rmdir(path) && !err)
		err = -errno;
	return err;
}
