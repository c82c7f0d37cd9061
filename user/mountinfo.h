/*
 * mountinfo.h - finding mounts by filesystem type in /proc/self/mountinfo
 * (proc(5)), never by a hard-coded path: cgroup v2 may be at
 * /sys/fs/cgroup or /sys/fs/cgroup/unified, tracefs at /sys/kernel/tracing
 * or under debugfs.
 */
#ifndef PKGTRACE_MOUNTINFO_H
#define PKGTRACE_MOUNTINFO_H

#include <stddef.h>
#include <stdio.h>

/* mountinfo_find: the mount point of the first mount of filesystem type
 * fstype ("cgroup2", "tracefs", "debugfs") in the mountinfo text read from
 * f, octal escapes (\040) decoded, into out (outlen bytes).  Returns 0,
 * -ENOENT when there is none, -ENOSPC when out is too small. */
int mountinfo_find(FILE *f, const char *fstype, char *out, size_t outlen);

/* mountinfo_find_self: mountinfo_find on /proc/self/mountinfo; -errno
 * when it cannot be read. */
int mountinfo_find_self(const char *fstype, char *out, size_t outlen);

/* mountinfo_tracefs: the directory holding events/ - a tracefs mount, or
 * "tracing" under a debugfs mount.  0 or -ENOENT. */
int mountinfo_tracefs(char *out, size_t outlen);

#endif
