// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_trace.c - trace writer/reader round trips, damaged traces. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "trace.h"
#include "trace_int.h"
#include "unit.h"

#define MAXREC 4096

/* What was written, to compare with what is read. */
struct rec {
	int kind;
	uint8_t *raw;
	size_t size;
	char *path;
	int err;
};

static struct rec recs[MAXREC];
static int nrecs;
static char tmpdir[] = "/tmp/pkgtrace-test-trace.XXXXXX";
static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static char *argv0[] = { "npm", "ci", "--ignore-scripts", NULL };
static char *env0[] = { "HOME=/root", "PATH=/usr/bin:/bin", "npm_config_registry=http://127.0.0.1:1/", NULL };

static char *hidden0[] = { "~/.ssh", "~/.aws", NULL };

static struct session_info session(void)
{
	struct session_info si = {
		.argc = 3, .argv = argv0, .cwd = "/tmp/project", .envc = 3, .env = env0,
		.hostname = "host", .kernel = "6.1.0-test", .boot_offset_ns = 1700000000000000000ull,
		.start_ns = 5000, .exit_status = -1,
		.enforce = SESSION_ENF_SECCOMP | SESSION_ENF_USER | SESSION_ENF_SHIELD,
		.run_uid = 1000, .run_gid = 1001, .run_user = "alice", .nhidden = 2, .hidden = hidden0,
	};
	return si;
}

static void free_recs(void)
{
	for (int i = 0; i < nrecs; i++) {
		free(recs[i].raw);
		free(recs[i].path);
	}
	nrecs = 0;
}

/* add_event: a raw record of type with the given fields (NULL ends). */
static void add_event(struct trace_writer *w, uint32_t type, uint32_t tid, uint64_t t,
		      int64_t ret, const char *comm, const char *const *fields, const uint16_t *lens)
{
	uint8_t *buf = calloc(1, TRACE_EV_MAX + 8);
	struct pt_event *ev = (struct pt_event *)buf;
	size_t off = 0;

	ev->type = type;
	ev->tid = tid;
	ev->pid = tid - (tid % 3);
	ev->ppid = 100;
	ev->uid = tid % 2 ? 0 : 1000;
	ev->session = 1;
	ev->cgroup_id = 4242 + tid % 2;
	ev->time_ns = t;
	ev->ret = ret;
	ev->arg[0] = rnd() % 4 ? 0x80241 : rnd();
	ev->arg[1] = 0644;
	ev->arg[2] = type == PT_EV_CONNECT ? 443 : 0;
	ev->flags = type == PT_EV_EXEC ? PT_F_DELETED : 0;
	snprintf(ev->comm, sizeof(ev->comm), "%s", comm);
	for (int i = 0; fields && i < PT_NFIELDS && fields[i]; i++) {
		size_t n = lens ? lens[i] : strlen(fields[i]) + 1;

		memcpy(ev->data + off, fields[i], n);
		ev->len[i] = (uint16_t)n;
		off += n;
	}
	ev->size = (uint32_t)(TRACE_EV_HDR + off);
	CHECK_INT(trace_writer_event(w, buf, ev->size), 0);
	recs[nrecs++] = (struct rec){ .kind = TRACE_ITEM_EVENT, .raw = buf, .size = ev->size };
}

static void add_raw(struct trace_writer *w, const void *p, size_t n)
{
	uint8_t *buf = malloc(n + 1);

	/* one byte off, so the writer sees an unaligned pointer */
	memcpy(buf + 1, p, n);
	CHECK_INT(trace_writer_event(w, buf + 1, n), 0);
	memmove(buf, buf + 1, n);
	recs[nrecs++] = (struct rec){ .kind = TRACE_ITEM_EVENT, .raw = buf, .size = n };
}

static void add_fact(struct trace_writer *w, const char *path, int err, const char *data)
{
	CHECK_INT(trace_writer_fact(w, path, err, data, data ? strlen(data) : 0), 0);
	recs[nrecs++] = (struct rec){ .kind = TRACE_ITEM_FACT, .path = strdup(path), .err = err,
				      .raw = data ? (uint8_t *)strdup(data) : NULL,
				      .size = data ? strlen(data) : 0 };
}

/* A mixed workload of n events, like an install: files in directories,
 * the same paths again, mkdir -p of parents, renames, cache hashes. */
static void workload(struct trace_writer *w, int n)
{
	static const char *const dirs[] = {
		"/tmp/project/node_modules/left-pad/", "/tmp/project/node_modules/@scope/pkg/lib/",
		"/root/.npm/_cacache/content-v2/sha512/ab/cd/", "/usr/lib/python3/dist-packages/",
	};
	uint64_t t = 1000000;
	char path[600], path2[600], hex[129];

	for (int i = 0; i < n && nrecs < MAXREC - 8; i++) {
		uint32_t tid = 4000 + (uint32_t)(rnd() % 5);
		const char *d = dirs[rnd() % 4];
		uint32_t type;

		/* mostly forward in time, sometimes back (another CPU) */
		t += rnd() % 7 ? rnd() % 200000 : 0;
		if (rnd() % 50 == 0)
			t -= rnd() % 1000;
		for (int k = 0; k < 128; k++)
			hex[k] = "0123456789abcdef"[rnd() % 16];
		hex[rnd() % 2 ? 128 : 20] = '\0';
		switch (rnd() % 8) {
		case 0:
			snprintf(path, sizeof(path), "%s%s", d, hex);
			break;
		case 1:
			snprintf(path, sizeof(path), "%s", recs[nrecs ? rnd() % nrecs : 0].kind ? d : d);
			path[strlen(path) - 1] = '\0'; /* mkdir -p of the directory */
			break;
		default:
			snprintf(path, sizeof(path), "%sfile%d.js", d, (int)(rnd() % 40));
		}
		type = (uint32_t[]){ PT_EV_OPEN, PT_EV_OPEN, PT_EV_MKDIR, PT_EV_RENAME, PT_EV_UNLINK,
				     PT_EV_OPEN, PT_EV_CHMOD, PT_EV_LINK }[rnd() % 8];
		if (type == PT_EV_RENAME || type == PT_EV_LINK) {
			snprintf(path2, sizeof(path2), "%s.tmp%d", path, (int)(rnd() % 3));
			add_event(w, type, tid, t, 0, "npm worker", (const char *[]){ path, path2, NULL }, NULL);
		} else {
			add_event(w, type, tid, t, rnd() % 5 ? (int64_t)(rnd() % 30) : -2,
				  tid % 2 ? "node" : "npm-cli", (const char *[]){ path, NULL }, NULL);
		}
		if (rnd() % 97 == 0) {
			static const char argv[] = "sh\0-c\0node install.js\0";
			static const char env[] = "HOME=/root\0PATH=/bin\0";

			add_event(w, PT_EV_EXEC, tid, t + 1, 0, "sh",
				  (const char *[]){ "/usr/bin/dash", argv, "/tmp/project", env },
				  (const uint16_t[]){ 14, sizeof(argv), 13, sizeof(env) });
		}
		if (rnd() % 113 == 0) {
			uint8_t addr[4] = { 127, 0, 0, 1 };

			add_event(w, PT_EV_CONNECT, tid, t + 2, -111, "node",
				  (const char *[]){ (const char *)addr, NULL }, (const uint16_t[]){ 4 });
		}
	}
}

/* read_all: reads buf back and compares with recs; returns the number of
 * items that matched before the end or a problem (ret in *res). */
static int read_back(const void *buf, size_t len, int *res, struct session_info *fin)
{
	struct trace_reader *r;
	struct trace_item it;
	char msg[256];
	int i = 0, n;

	*res = trace_reader_open_mem(buf, len, &r, msg, sizeof(msg));
	if (*res)
		return 0;
	while ((n = trace_reader_next(r, &it)) > 0) {
		if (it.kind == TRACE_ITEM_END) {
			if (fin) {
				fin->events = it.si->events;
				fin->exit_status = it.si->exit_status;
				fin->interrupted = it.si->interrupted;
				fin->drops = it.si->drops;
				/* format 1.2: the enforcement settings */
				fin->enforce = it.si->enforce;
				fin->run_uid = it.si->run_uid;
				fin->run_gid = it.si->run_gid;
				fin->nhidden = it.si->nhidden;
				if (it.si->run_user && it.si->nhidden == 2 && !strcmp(it.si->run_user, "alice") &&
				    !strcmp(it.si->hidden[0], "~/.ssh") && !strcmp(it.si->hidden[1], "~/.aws"))
					fin->run_user = "alice";
			}
			continue;
		}
		if (i >= nrecs || it.kind != recs[i].kind)
			break;
		if (it.kind == TRACE_ITEM_EVENT &&
		    (it.size != recs[i].size || memcmp(it.raw, recs[i].raw, it.size)))
			break;
		if (it.kind == TRACE_ITEM_FACT &&
		    (strcmp(it.path, recs[i].path) || it.err != recs[i].err || it.len != recs[i].size ||
		     (it.len && memcmp(it.data, recs[i].raw, it.len))))
			break;
		i++;
	}
	*res = n;
	trace_reader_free(r);
	return i;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

static char *tpath(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

/* write_trace: the standard trace: workload, odd records, facts, end;
 * big events with 4000 random letters each. */
static uint8_t *write_trace(const char *name, int n, int big, size_t *len)
{
	struct session_info si = session(), fin;
	struct trace_writer *w;
	uint8_t junk[40];

	free_recs();
	CHECK_INT(trace_writer_new(tpath(name), &si, &w), 0);
	workload(w, n);
	for (int i = 0; i < big; i++) {
		char f[4001];

		for (int k = 0; k < 4000; k++)
			f[k] = (char)('g' + rnd() % 20);
		f[4000] = '\0';
		add_event(w, PT_EV_OPEN, 4000, 1000000 + (uint64_t)i, 5, "node",
			  (const char *[]){ f, NULL }, NULL);
	}
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rnd();
	add_raw(w, junk, sizeof(junk));     /* malformed: kept verbatim */
	add_raw(w, junk, 3);
	{
		/* a comm that is not zero-padded, a field at its largest */
		char *big = malloc(65535);

		memset(big, 'a', 65534);
		big[65534] = '\0';
		add_event(w, PT_EV_OPEN, 77, 99, 3, "0123456789abcdef", (const char *[]){ big, NULL }, NULL);
		free(big);
	}
	add_fact(w, "/tmp/project/node_modules/left-pad/package.json", 0, "{\"name\":\"left-pad\"}");
	add_fact(w, "/tmp/project/.npmrc", -ENOENT, NULL);
	add_fact(w, "/tmp/empty", 0, "");
	fin = si;
	fin.end_ns = 123456789;
	fin.exit_status = 256;
	fin.events = (uint64_t)nrecs;
	fin.drops = 7;
	fin.interrupted = true;
	CHECK_INT(trace_writer_close(w, &fin), 0);
	return slurp(tpath(name), len);
}

static void test_roundtrip(void)
{
	struct session_info fin = { 0 };
	size_t len;
	uint8_t *buf = write_trace("rt.ptr", 1500, 0, &len);
	int res, got = read_back(buf, len, &res, &fin);

	CHECK_INT(res, 0);
	CHECK_INT(got, nrecs);
	CHECK_INT(fin.events, nrecs);
	CHECK_INT(fin.exit_status, 256);
	CHECK_INT(fin.drops, 7);
	CHECK(fin.interrupted);
	CHECK_INT(fin.enforce, SESSION_ENF_SECCOMP | SESSION_ENF_USER | SESSION_ENF_SHIELD);
	CHECK_INT(fin.run_uid, 1000);
	CHECK_INT(fin.run_gid, 1001);
	CHECK_INT(fin.nhidden, 2);
	CHECK_STR(fin.run_user, "alice");
	free(buf);
}

static void test_session(void)
{
	struct trace_reader *r;
	const struct session_info *si;
	char msg[256];

	free(write_trace("s.ptr", 10, 0, &(size_t){ 0 }));
	CHECK_INT(trace_reader_open(tpath("s.ptr"), &r, msg, sizeof(msg)), 0);
	si = trace_reader_session(r);
	CHECK_INT(si->argc, 3);
	CHECK_STR(si->argv[2], "--ignore-scripts");
	CHECK_STR(si->cwd, "/tmp/project");
	CHECK_INT(si->envc, 3);
	CHECK_STR(si->env[2], "npm_config_registry=http://127.0.0.1:1/");
	CHECK_STR(si->hostname, "host");
	CHECK_STR(si->kernel, "6.1.0-test");
	CHECK(si->boot_offset_ns == 1700000000000000000ull);
	CHECK_STR(trace_reader_version(r), PKGTRACE_VERSION);
	trace_reader_free(r);
}

/* More than a block's worth: the codec state carries across blocks. */
static void test_many_blocks(void)
{
	size_t len, off = TRACE_FILE_HDR;
	uint8_t *buf = write_trace("big.ptr", 1000, 600, &len);
	int res, got, blocks = 0;

	while (off + TRACE_FRAME_HDR <= len) {
		off += TRACE_FRAME_HDR + tc_get32(buf + off + 4);
		blocks++;
	}
	CHECK(off == len);
	got = read_back(buf, len, &res, NULL);
	CHECK_INT(res, 0);
	CHECK_INT(got, nrecs);
	CHECK(blocks >= 4); /* header, 2.4 MB of events in 1 MiB blocks, end */
	free(buf);
}

/* Every prefix of a trace: no crash; what is returned is a prefix of what
 * was written; only the whole file ends cleanly. */
static void test_truncated(void)
{
	size_t len;
	uint8_t *buf = write_trace("tr.ptr", 300, 0, &len);
	int bad = 0;

	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);
		int res, got;

		memcpy(p, buf, cut);
		got = read_back(p, cut, &res, NULL);
		if (res >= 0 || got > nrecs)
			bad++;
		free(p);
	}
	CHECK_INT(bad, 0);
	free(buf);
}

/* Every single-byte corruption is caught (CRC), never a crash. */
static void test_corrupt(void)
{
	size_t len;
	uint8_t *buf = write_trace("co.ptr", 200, 0, &len);
	int clean = 0;

	for (size_t i = 0; i < len; i++) {
		int res;

		buf[i] ^= 0x41;
		read_back(buf, len, &res, NULL);
		if (res == 0)
			clean++;
		buf[i] ^= 0x41;
	}
	CHECK_INT(clean, 0);
	free(buf);
}

static void check_open_error(const void *buf, size_t len, const char *want)
{
	struct trace_reader *r = NULL;
	char msg[256] = "";

	CHECK(trace_reader_open_mem(buf, len, &r, msg, sizeof(msg)) < 0);
	if (!strstr(msg, want))
		printf("#   '%s' does not say '%s'\n", msg, want);
	CHECK(strstr(msg, want) != NULL);
	CHECK(r == NULL);
}

static void test_bad_files(void)
{
	size_t len;
	uint8_t *buf = write_trace("bad.ptr", 50, 0, &len);
	struct trace_reader *r;
	char msg[256];

	check_open_error("", 0, "empty");
	check_open_error("hello world, not a trace at all", 31, "no PKGTRACE magic at byte 0");
	check_open_error(buf, 10, "truncated at byte 10");
	check_open_error(buf, TRACE_FILE_HDR, "no header record");
	check_open_error(buf, TRACE_FILE_HDR + 5, "truncated at byte 16");
	buf[8] = 2;
	check_open_error(buf, len, "unsupported trace format version 2.");
	buf[8] = TRACE_MAJOR;
	buf[13] ^= 1;
	check_open_error(buf, len, "corrupt file header at byte 0");
	buf[13] ^= 1;
	buf[TRACE_FILE_HDR + TRACE_FRAME_HDR + 2] ^= 0x10;
	check_open_error(buf, len, "corrupt block at byte 16: CRC mismatch");
	buf[TRACE_FILE_HDR + TRACE_FRAME_HDR + 2] ^= 0x10;
	CHECK(trace_reader_open(tmpdir, &r, msg, sizeof(msg)) < 0);
	CHECK(strstr(msg, "directory") != NULL);
	CHECK(trace_reader_open(tpath("missing.ptr"), &r, msg, sizeof(msg)) == -ENOENT);
	CHECK(strstr(msg, "cannot open") != NULL);
	free(buf);
}

/* A trace whose end record is missing (kill -9 after a block was written)
 * reads to its last block and then says it stopped. */
static void test_no_end(void)
{
	struct session_info si = session();
	struct trace_writer *w;
	struct trace_reader *r;
	struct trace_item it;
	char msg[256];
	size_t len, off = TRACE_FILE_HDR, last = 0;
	uint8_t *buf;
	int n, events = 0;

	free_recs();
	CHECK_INT(trace_writer_new(tpath("ne.ptr"), &si, &w), 0);
	workload(w, 200);
	CHECK_INT(trace_writer_close(w, &si), 0);
	buf = slurp(tpath("ne.ptr"), &len);
	/* drop the last block (the one with the end record) */
	while (off + TRACE_FRAME_HDR <= len) {
		last = off;
		off += TRACE_FRAME_HDR + tc_get32(buf + off + 4);
	}
	CHECK_INT(trace_reader_open_mem(buf, last, &r, msg, sizeof(msg)), 0);
	while ((n = trace_reader_next(r, &it)) > 0)
		events++;
	CHECK_INT(n, -EBADMSG);
	CHECK(strstr(trace_reader_problem(r), "stopped before its end record") != NULL);
	CHECK_INT(events, 0); /* all 200 were in the last block */
	{
		struct trace_damage d;

		CHECK_INT(trace_reader_damage(r, &d), 0);
		CHECK_INT(d.kind, TRACE_DAMAGE_NO_END);
		CHECK(!strcmp(trace_damage_name(d.kind), "missing-end-record"));
		CHECK_INT(d.offset, last);
		CHECK_INT(d.events, 0);
		CHECK(!d.end_record);
		CHECK(!strcmp(d.message, trace_reader_problem(r)));
	}
	trace_reader_free(r);
	free(buf);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	TEST(test_roundtrip);
	TEST(test_session);
	TEST(test_many_blocks);
	TEST(test_truncated);
	TEST(test_corrupt);
	TEST(test_bad_files);
	TEST(test_no_end);
	free_recs();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			return 1;
	}
	return unit_failed_tests ? 1 : 0;
}
