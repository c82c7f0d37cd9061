/*
 * pathfold.h - lexical clean-up of absolute paths.  The kernel resolves
 * the directory part of a path; when the last component does not exist
 * yet (O_CREAT, mkdir, rename's target) it joins the name as given, which
 * may hold "." or "..": those are folded here, without touching the disk.
 */
#ifndef PKGTRACE_PATHFOLD_H
#define PKGTRACE_PATHFOLD_H

#include <stddef.h>

/* path_fold: copies the absolute path in[0..inlen) into out (outlen bytes)
 * with "//" collapsed, "." dropped and ".." removing the previous
 * component ("/.." stays "/").  A relative path is copied unchanged.
 * Returns the length written, or -ENOSPC when out is too small. */
int path_fold(const char *in, size_t inlen, char *out, size_t outlen);

#endif
