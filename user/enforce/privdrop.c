// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * privdrop.c - the install runs as a user, not as the monitor's root
 * (--user USER[:GROUP], or the sudo caller by default).  See sandbox.h.
 *
 * Why: an install running as root can stop its monitor (detach the BPF
 * programs, kill the collector, unload what it likes).  As a plain user
 * with no capabilities and no_new_privs (so no setuid binary, sudo
 * included, gives them back), it cannot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "enforce/sandbox.h"

/* A number, or -1. */
static long id_number(const char *s)
{
	char *end;
	long v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > INT_MAX)
		return -1;
	return v;
}

static int pd_fill(struct privdrop *pd, const struct passwd *pw)
{
	pd->uid = pw->pw_uid;
	pd->gid = pw->pw_gid;
	pd->name = strdup(pw->pw_name);
	pd->home = strdup(pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/");
	pd->shell = strdup(pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	if (!pd->name || !pd->home || !pd->shell)
		return -ENOMEM;
	pd->active = true;
	pd->explicit_root = pw->pw_uid == 0;
	return 0;
}

int privdrop_resolve(const char *spec, struct privdrop *pd, char *why, size_t whylen)
{
	const char *sudo_uid = getenv("SUDO_UID"), *sudo_gid = getenv("SUDO_GID");
	char user[256], *colon;
	const struct passwd *pw;
	long n;
	int err;

	memset(pd, 0, sizeof(*pd));
	why[0] = '\0';
	if (!spec) {
		/* under sudo, as root: the caller is the default */
		if (geteuid() != 0 || !sudo_uid || id_number(sudo_uid) <= 0)
			return 0;
		pw = getpwuid((uid_t)id_number(sudo_uid));
		if (!pw) {
			snprintf(why, whylen, "SUDO_UID=%s names no user of this system", sudo_uid);
			return -ENOENT;
		}
		err = pd_fill(pd, pw);
		if (!err && sudo_gid && id_number(sudo_gid) >= 0)
			pd->gid = (gid_t)id_number(sudo_gid);
		return err;
	}
	if (strlen(spec) >= sizeof(user)) {
		snprintf(why, whylen, "--user: '%.40s...' is too long", spec);
		return -ENOENT;
	}
	strcpy(user, spec);
	colon = strchr(user, ':');
	if (colon)
		*colon++ = '\0';
	n = id_number(user);
	pw = n >= 0 ? getpwuid((uid_t)n) : getpwnam(user);
	if (!pw) {
		snprintf(why, whylen, "--user: no such user '%s'", user);
		return -ENOENT;
	}
	err = pd_fill(pd, pw);
	if (err || !colon)
		return err;
	n = id_number(colon);
	if (n < 0) {
		const struct group *gr = getgrnam(colon);

		if (!gr) {
			snprintf(why, whylen, "--user: no such group '%s'", colon);
			return -ENOENT;
		}
		n = gr->gr_gid;
	}
	pd->gid = (gid_t)n;
	return 0;
}

/* The highest capability number this kernel knows. */
static int cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

int privdrop_apply(const struct privdrop *pd, const char **stage)
{
	if (!pd->active || pd->explicit_root)
		return 0;
	*stage = "initgroups";
	if (initgroups(pd->name, pd->gid))
		return -errno;
	*stage = "setresgid";
	if (setresgid(pd->gid, pd->gid, pd->gid))
		return -errno;
	/* the bounding set needs CAP_SETPCAP: before setresuid takes it */
	*stage = "dropping capabilities";
	for (int cap = 0; cap <= cap_last(); cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	*stage = "setresuid";
	/* to a non-zero uid without SECBIT_KEEP_CAPS: the permitted and
	 * effective sets are emptied by the kernel */
	if (setresuid(pd->uid, pd->uid, pd->uid))
		return -errno;
	/* a session keyring of its own, the user's: the inherited one is
	 * pkgtrace's caller's, whose keys a possessor reads whatever its uid
	 * (a --user nobody install read a key root had added).  No keys in
	 * this kernel (ENOSYS): nothing to leave behind. */
	*stage = "a session keyring of its own";
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return -errno;
	*stage = "no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	*stage = "environment";
	if (setenv("HOME", pd->home, 1) || setenv("USER", pd->name, 1) || setenv("LOGNAME", pd->name, 1))
		return -errno;
	/* root's own settings would be the user's otherwise (sudo keeps some) */
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("MAIL");
	return 0;
}

void privdrop_clear(struct privdrop *pd)
{
	free(pd->name);
	free(pd->home);
	free(pd->shell);
	memset(pd, 0, sizeof(*pd));
}
