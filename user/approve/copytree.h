/*
 * copytree.h - the throwaway copy of a project that `pkgtrace approve`
 * installs into, and its removal.
 */
#ifndef PKGTRACE_COPYTREE_H
#define PKGTRACE_COPYTREE_H

#include <sys/types.h>

/* copytree: copies the directory src to dst (which must not exist):
 * regular files with their modes, directories, symbolic links as links
 * (never followed, so a link out of the project copies no outside file).
 * Skips node_modules and .git folders at any depth: the trial installs
 * afresh, and a project's history is not the install's business.  Other
 * file types (sockets, devices, fifos) are skipped.  Returns 0 or -errno
 * (the copy may be partial then; remove it with rmtree). */
int copytree(const char *src, const char *dst);

/* chowntree: path and everything under it (links themselves, never
 * followed) owned by uid:gid, so that an install run as that user can
 * write its copy.  Returns 0 or -errno of the first failure. */
int chowntree(const char *path, uid_t uid, gid_t gid);

/* rmtree: removes path and everything under it, never following a
 * symbolic link.  Returns 0 or -errno of the first failure (it goes on
 * removing what it can). */
int rmtree(const char *path);

#endif
