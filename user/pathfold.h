/*
 * pathfold.h - lexical clean-up of absolute paths.  The kernel side joins
 * a path string as given to its resolved base (the cwd or dirfd): a failed
 * open's name, a path call's (dir_as_given) whole string.  "." and ".."
 * in it are folded here, without touching the disk.  ".." is only right to
 * fold lexically when no component before it is a symlink (a symlinked
 * directory's ".." is its target's parent): path_clean keeps it for the
 * strings whose directories are taken as given, resolved at receipt.
 */
#ifndef PKGTRACE_PATHFOLD_H
#define PKGTRACE_PATHFOLD_H

#include <stddef.h>

/* path_fold: copies the absolute path in[0..inlen) into out (outlen bytes)
 * with "//" collapsed, "." dropped and ".." removing the previous
 * component ("/.." stays "/").  A relative path is copied unchanged.
 * Returns the length written, or -ENOSPC when out is too small. */
int path_fold(const char *in, size_t inlen, char *out, size_t outlen);

/* path_clean: path_fold, but ".." components are kept as they are ("//",
 * "." and a trailing "/" go): what a lookup would make of them depends on
 * the symlinks before them. */
int path_clean(const char *in, size_t inlen, char *out, size_t outlen);

#endif
