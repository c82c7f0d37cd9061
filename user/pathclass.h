/*
 * pathclass.h - sensitive path categories: what a credential, a persistence
 * hook or CI configuration looks like on disk.  Pure string functions.
 */
#ifndef PKGTRACE_PATHCLASS_H
#define PKGTRACE_PATHCLASS_H

#include <stdbool.h>
#include <stdint.h>

/* pathclass_credential: the category of secret path is ("ssh-key", "aws",
 * "npm-token", ..., "proc-secrets"), or NULL.  home is $HOME (may be NULL;
 * /root and /home/<user> are always tried).  self_pid is the reader: its own
 * /proc/<pid> files are not another process's secrets. */
const char *pathclass_credential(const char *path, const char *home, uint32_t self_pid);

/* pathclass_credential_places: calls fn for each place a credential of
 * pathclass_credential() may be: a file or a directory to look under, as
 * the literal part of each pattern up to its first wildcard (cut back to
 * a whole component).  in_home: place is relative to a home directory,
 * else absolute.  Patterns with no literal directory ("*wallet*.dat") have
 * no place. */
void pathclass_credential_places(void (*fn)(void *ctx, const char *place, bool in_home),
				 void *ctx);

/* pathclass_persistence: the category of autostart hook a write to path
 * creates ("shell-rc", "cron", "systemd", "autostart", "ssh-authorized-keys",
 * "ld-preload", "git-hook", "init", "editor-agent-config"), or NULL. */
const char *pathclass_persistence(const char *path, const char *home);

/* pathclass_ci: path is CI configuration (.github/workflows, .gitlab-ci.yml..). */
bool pathclass_ci(const char *path);

/* pathclass_manifest: the basename is a manifest or lockfile (package.json,
 * package-lock.json, yarn.lock, requirements.txt, pyproject.toml, ...). */
bool pathclass_manifest(const char *path);

/* pathclass_buildfile: the basename is a build file (Makefile, configure,
 * CMakeLists.txt, *.am, *.in, *.m4, setup.py, binding.gyp, ...). */
bool pathclass_buildfile(const char *path);

/* path_under: path is dir or inside it (dir without trailing slash). */
bool path_under(const char *path, const char *dir);

/* path_base: the part after the last '/'. */
const char *path_base(const char *path);

#endif
