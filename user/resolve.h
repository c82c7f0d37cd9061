/*
 * resolve.h - what the live collector asks the disk about a session's
 * files beyond their contents: which files are credentials (by device and
 * inode, at session start), where a path given to a path call really is,
 * who holds a FIFO open.  Each is a facts_compute_fn (facts.h): the
 * analysis asks facts_get(), so the answer is recorded and a replay gets
 * the same one without touching the disk.
 *
 * Keys and answers (NUL-terminated text; the trace stores them as facts):
 *   RESOLVE_KEY_CREDS                 "DEV INO CATEGORY PATH\n" per file
 *   "pkgtrace:realdir:[PID:]DIR"      the real path of directory DIR (PID:
 *                                     when the process has a root of its own)
 *   "pkgtrace:id:PID:PATH"            "DEV INO" of the file at PATH
 *   "pkgtrace:fifo:PID:PATH"          "PID PID ...": who holds the FIFO open
 * DEV is the kernel's dev_t (major << 20 | minor), as in open records.
 */
#ifndef PKGTRACE_RESOLVE_H
#define PKGTRACE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESOLVE_KEY_CREDS "pkgtrace:credential-files"
/* Bounds of the credential scan: files kept in all, entries looked at
 * under one credential directory, and how deep below it. */
#define RESOLVE_CREDS_MAX 4096
#define RESOLVE_CREDS_DIR_MAX 512
#define RESOLVE_CREDS_DEPTH 3

/* resolve_creds: ctx is the session's HOME (const char *, may be NULL).
 * Every file under the credential places of pathclass.h in HOME, /root and
 * each /home/<user>, and the system ones, that pathclass_credential()
 * classifies, within the bounds above. */
int resolve_creds(void *ctx, int root_fd, char **data, size_t *len);

/* The question of resolve_dir, resolve_id and resolve_fifo. */
struct resolve_q {
	uint32_t pid;       /* the process that named the path */
	const char *path;   /* absolute, as the process named it */
};

/* resolve_dir: ctx a struct resolve_q naming a directory: its real path,
 * symlinks followed inside the process's root (/proc/PID/root while it
 * lives, else the session's), as the session sees it.  Racy by nature:
 * it answers for the moment of receipt, not of the call. */
int resolve_dir(void *ctx, int root_fd, char **data, size_t *len);

/* resolve_id: ctx a struct resolve_q: "DEV INO" of the file at path now,
 * a final symlink not followed. */
int resolve_id(void *ctx, int root_fd, char **data, size_t *len);

/* resolve_fifo: ctx a struct resolve_q naming a FIFO: the pids of every
 * process with it open now (a scan of /proc/PID/fd). */
int resolve_fifo(void *ctx, int root_fd, char **data, size_t *len);

/* resolve_key: "pkgtrace:KIND:PID:PATH" into buf (cut at max), or with
 * pid 0 "pkgtrace:KIND:PATH". */
void resolve_key(char *buf, size_t max, const char *kind, uint32_t pid, const char *path);

#endif
