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
 * Not hidden: ~/.npmrc.  npm reads the registry token from it in the
 * install's own processes, as the same user: whatever npm can read, a
 * script can read (README, "Enforce").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	char **list = calloc(nstores, sizeof(char *));
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

int shield_apply(const char *home, uid_t uid, gid_t gid, const char **stage)
{
	char path[PATH_MAX], opts[64];
	struct stat st;

	*stage = "unshare(CLONE_NEWNS)";
	if (unshare(CLONE_NEWNS))
		return -errno;
	*stage = "making the mounts private";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
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
	return 0;
}
