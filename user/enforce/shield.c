// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * shield.c - --shield: the install sees empty credential stores.  See
 * sandbox.h for the contract.
 *
 * The install's process gets a mount namespace of its own (propagation
 * private, so nothing here reaches the host's), in which each store of
 * the credential-access rule's list (pathclass.c) under the install user's
 * HOME is covered: a directory by an empty read-only tmpfs, a file by
 * /dev/null, bound read-only (it reads as empty).  The stores stay as they
 * are for everyone else; the install cannot undo the covers (umount is
 * refused by the --enforce filter, and needs CAP_SYS_ADMIN, which --user
 * takes away).
 *
 * ~/.npmrc is npm's configuration as well as its token: it is covered by a
 * copy without its credentials (_authToken, _auth, _password, username,
 * password, email, certfile, keyfile lines, scoped or not), so npm keeps
 * its registry, cache and scopes while no script can read a token npm
 * holds.  An install that needs a registry token fails under --shield:
 * whatever npm can read as the install's user, its scripts can read too
 * (README, "Seccomp, least privilege and the secrets shield").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "enforce/sandbox.h"

/* Relative to HOME; directories and files alike (what exists is covered
 * by its kind). */
static const char *const stores[] = {
	".ssh", ".aws", ".kube", ".docker/config.json", ".git-credentials",
	".config/git/credentials", ".netrc", ".pypirc", ".config/gcloud", ".azure",
	".config/gh/hosts.yml", ".oci", ".config/doctl", ".terraform.d", ".vault-token",
	".config/google-chrome", ".config/chromium", ".config/BraveSoftware",
	".config/microsoft-edge", ".config/opera", ".mozilla", ".bitcoin", ".electrum",
	".ethereum", ".config/Exodus", ".config/Electrum", ".config/solana", ".monero",
	".gnupg", ".password-store", ".local/share/keyrings",
	NULL
};

static int store_path(const char *home, const char *rel, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", strcmp(home, "/") ? home : "", rel);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

char **shield_hidden(const char *home, int *n)
{
	size_t nstores = sizeof(stores) / sizeof(stores[0]);
	char **list = calloc(nstores + 1, sizeof(char *));
	char path[PATH_MAX];
	struct stat st;

	*n = 0;
	if (!list)
		return NULL;
	for (size_t i = 0; stores[i]; i++) {
		if (store_path(home, stores[i], path, sizeof(path)) || stat(path, &st))
			continue;
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			continue;
		if (asprintf(&list[*n], "~/%s", stores[i]) < 0) {
			list[*n] = NULL;
			shield_list_free(list);
			return NULL;
		}
		(*n)++;
	}
	/* its credential lines only (npmrc_cover) */
	if (!store_path(home, ".npmrc", path, sizeof(path)) && !lstat(path, &st) && S_ISREG(st.st_mode)) {
		if (!(list[*n] = strdup("~/.npmrc (credential lines)"))) {
			shield_list_free(list);
			return NULL;
		}
		(*n)++;
	}
	return list;
}


void shield_list_free(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

/* Read-only again: a bind mount takes MS_RDONLY only on a remount. */
static int bind_ro(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) ||
	    mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 0;
}

/* npmrc_secret_line: a line of .npmrc that holds a credential: its key,
 * after any "//host/path/:" scope, is one npm authenticates with. */
static bool npmrc_secret_line(const char *line, size_t n)
{
	static const char *const keys[] = { "_authToken", "_auth", "_password", "username", "password",
					    "email", "certfile", "keyfile", "otp", NULL };
	const char *eq = memchr(line, '=', n), *k = line, *end, *colon;

	if (!eq)
		return false;
	while (k < eq && (*k == ' ' || *k == '\t'))
		k++;
	end = eq;
	while (end > k && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	colon = memrchr(k, ':', (size_t)(end - k));
	if (colon && k[0] == '/')
		k = colon + 1; /* //registry.example/:_authToken */
	for (size_t i = 0; keys[i]; i++)
		if ((size_t)(end - k) == strlen(keys[i]) && !strncasecmp(k, keys[i], (size_t)(end - k)))
			return true;
	return false;
}

/* npmrc_cover: path (a regular file) covered by a read-only copy without
 * its credential lines.  The copy is written on a small tmpfs mounted for a
 * moment on a directory that is no ancestor of path (this mount namespace
 * only), bound over path, and the tmpfs detached: the bind keeps the copy,
 * nothing is left on any disk.  (A memfd cannot be the source of a bind
 * mount: it lives on a mount outside the caller's namespace, EINVAL.) */
static int npmrc_cover(const char *path)
{
	static const char *const stage_dirs[] = { "/run", "/mnt", "/media", "/srv", "/var/tmp", "/tmp", NULL };
	const char *dir = NULL;
	char copy[PATH_MAX], *text = NULL, *line = NULL;
	size_t len = 0, cap = 0;
	FILE *in, *out = NULL, *mem = NULL;
	struct stat st;
	ssize_t n;
	int err = 0;

	in = fopen(path, "re");
	if (!in)
		return errno == ENOENT ? 0 : -errno;
	mem = open_memstream(&text, &len);
	if (!mem) {
		fclose(in);
		return -ENOMEM;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		if (npmrc_secret_line(line, (size_t)n))
			fputs("; a credential: hidden by pkgtrace --shield\n", mem);
		else
			fwrite(line, 1, (size_t)n, mem);
	}
	err = ferror(in) ? -EIO : 0;
	fclose(in);
	free(line);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (err)
		goto cleanup;
	for (size_t i = 0; stage_dirs[i] && !dir; i++) {
		size_t l = strlen(stage_dirs[i]);

		if (!stat(stage_dirs[i], &st) && S_ISDIR(st.st_mode) &&
		    !(strncmp(path, stage_dirs[i], l) == 0 && path[l] == '/'))
			dir = stage_dirs[i];
	}
	if (!dir) {
		err = -ENOENT;
		goto cleanup;
	}
	if (mount("pkgtrace-shield", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=256k")) {
		err = -errno;
		goto cleanup;
	}
	snprintf(copy, sizeof(copy), "%s/npmrc", dir);
	out = fopen(copy, "we");
	if (!out || fwrite(text, 1, len, out) != len || fchmod(fileno(out), 0444))
		err = out ? -EIO : -errno;
	if (out && fclose(out) && !err)
		err = -EIO;
	if (!err)
		err = bind_ro(copy, path);
	if (umount2(dir, MNT_DETACH) && !err)
		err = -errno;
cleanup:
	free(text);
	return err;
}

static int mounts_private(const char **stage)
{
	*stage = "unshare(CLONE_NEWNS)";
	if (unshare(CLONE_NEWNS))
		return -errno;
	*stage = "making the mounts private";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	return 0;
}

int shield_proc_private(bool new_ns, const char **stage)
{
	int err = new_ns ? mounts_private(stage) : 0;

	if (err)
		return err;
	/* the install cannot lift it: umount2 and mount are refused by the
	 * seccomp filter, and --user takes CAP_SYS_ADMIN away */
	*stage = "mounting the install's own /proc";
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 0;
}

int shield_apply(const char *home, uid_t uid, gid_t gid, const char **stage)
{
	char path[PATH_MAX], opts[64];
	struct stat st;
	int err = mounts_private(stage);

	if (err)
		return err;
	snprintf(opts, sizeof(opts), "mode=0700,size=4k,nr_inodes=1,uid=%u,gid=%u", (unsigned)uid, (unsigned)gid);
	for (size_t i = 0; stores[i]; i++) {
		int err = 0;

		if (store_path(home, stores[i], path, sizeof(path)) || stat(path, &st))
			continue;
		*stage = path;
		if (S_ISDIR(st.st_mode)) {
			if (mount("pkgtrace-shield", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, opts))
				err = -errno;
		} else if (S_ISREG(st.st_mode)) {
			err = bind_ro("/dev/null", path);
		}
		if (err)
			return err;
	}
	if (!store_path(home, ".npmrc", path, sizeof(path)) && !lstat(path, &st) && S_ISREG(st.st_mode)) {
		*stage = path;
		return npmrc_cover(path);
	}
	return 0;
}
