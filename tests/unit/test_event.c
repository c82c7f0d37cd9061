// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_event.c - record validation, JSON form, DNS names, path folding. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "dns.h"
#include "event.h"
#include "jsonstr.h"
#include "pathfold.h"
#include "unit.h"

#define HDR offsetof(struct pt_event, data)

static union {
	struct pt_event ev;
	uint8_t bytes[HDR + 4 * 1024];
} buf;

/* Builds a record of type with up to 4 fields (ptr, len pairs). */
static size_t mk(uint32_t type, const void *f0, size_t l0, const void *f1, size_t l1,
		 const void *f2, size_t l2, const void *f3, size_t l3)
{
	const void *f[4] = { f0, f1, f2, f3 };
	size_t l[4] = { l0, l1, l2, l3 }, off = 0;

	memset(&buf, 0, sizeof(buf));
	buf.ev.type = type;
	buf.ev.time_ns = 1000000001;
	buf.ev.pid = 42;
	buf.ev.tid = 43;
	buf.ev.ppid = 1;
	buf.ev.uid = 1000;
	buf.ev.session = 1;
	buf.ev.cgroup_id = 7;
	memcpy(buf.ev.comm, "sh", 3);
	for (int i = 0; i < 4; i++) {
		buf.ev.len[i] = (uint16_t)l[i];
		if (l[i])
			memcpy(buf.ev.data + off, f[i], l[i]);
		off += l[i];
	}
	buf.ev.size = (uint32_t)(HDR + off);
	return buf.ev.size;
}

#define MK1(t, s) mk(t, s, sizeof(s), NULL, 0, NULL, 0, NULL, 0)

/* The JSON line of the record in buf. */
static char *json_of(size_t size)
{
	static char out[8192];
	struct event_view v;
	FILE *f;

	if (event_decode(&buf, size, &v))
		return NULL;
	f = fmemopen(out, sizeof(out), "w");
	event_write_json(f, &v, 0);
	fclose(f);
	return out;
}

static void test_decode_valid(void)
{
	struct event_view v;
	size_t n = mk(PT_EV_EXEC, "/bin/sh", 8, "sh\0-c\0", 6, "/tmp", 5, "A=1", 4);

	CHECK_INT(event_decode(&buf, n, &v), 0);
	CHECK_STR(v.field[0], "/bin/sh");
	CHECK_INT(v.field_len[1], 6);
	CHECK_STR(v.field[2], "/tmp");
	CHECK(v.field[3] == (const char *)buf.ev.data + 8 + 6 + 5);
	n = mk(PT_EV_EXIT, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	CHECK_INT(event_decode(&buf, n, &v), 0);
	CHECK(v.field[0] == NULL && v.field[3] == NULL);
}

static void test_decode_rejects(void)
{
	struct event_view v;
	size_t n = MK1(PT_EV_OPEN, "/etc/passwd");

	CHECK_INT(event_decode(&buf, n - 1, &v), -EINVAL);     /* size mismatch */
	CHECK_INT(event_decode(&buf, HDR - 1, &v), -EINVAL);   /* short header */
	CHECK_INT(event_decode(NULL, n, &v), -EINVAL);
	buf.ev.len[0] += 1;                                    /* fields overrun */
	CHECK_INT(event_decode(&buf, n, &v), -EINVAL);
	buf.ev.len[0] -= 1;
	buf.ev.data[buf.ev.len[0] - 1] = 'x';                  /* unterminated path */
	CHECK_INT(event_decode(&buf, n, &v), -EINVAL);
	n = MK1(0, "x");
	CHECK_INT(event_decode(&buf, n, &v), -EINVAL);         /* type 0 */
	n = MK1(PT_EV_MAX, "x");
	CHECK_INT(event_decode(&buf, n, &v), -EINVAL);         /* unknown type */
	/* a raw address may end in any byte */
	n = mk(PT_EV_CONNECT, "\x7f\0\0\x01", 4, NULL, 0, NULL, 0, NULL, 0);
	CHECK_INT(event_decode(&buf, n, &v), 0);
}

/* Which fields of each type must end in a NUL (schemas/event.schema.json:
 * paths, argv, cwd, env, memfd names); the others are raw bytes. */
static bool string_field(uint32_t type, int k)
{
	switch (type) {
	case PT_EV_EXEC: return true;
	case PT_EV_SYS: return k <= 2;
	case PT_EV_RENAME: case PT_EV_SYMLINK: case PT_EV_LINK: return k <= 1;
	case PT_EV_OPEN: case PT_EV_UNLINK: case PT_EV_MKDIR: case PT_EV_CHMOD:
	case PT_EV_TRUNCATE: case PT_EV_MEMFD: return k == 0;
	default: return false;
	}
}

/* The bytes a parsed JSON string stands for (user/jsonstr.h), compared
 * with want[0..n). */
static bool json_bytes_eq(struct json_object *o, const char *want, size_t n)
{
	char back[PT_PATH_MAX * 2];
	ssize_t l;

	if (!o || !json_object_is_type(o, json_type_string))
		return false;
	l = jsonstr_decode(json_object_get_string(o), (size_t)json_object_get_string_len(o),
			   back, sizeof(back));
	return l == (ssize_t)n && !memcmp(back, want, n);
}

/* The JSON line of a record that decoded: one line, valid UTF-8, one
 * object with the record's type, pid and comm, and every path and argv
 * item giving back the record's bytes. */
static void check_fuzz_json(const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	char *line = NULL, folded[PT_PATH_MAX * 2];
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);
	struct json_object *j = NULL, *x;
	int rc;

	if (!f)
		return;
	rc = event_write_json(f, v, 0);
	fclose(f);
	CHECK_INT(rc, 0);
	CHECK(len > 2 && line[len - 1] == '\n' && memchr(line, '\n', len) == line + len - 1);
	CHECK(jsonstr_decode(line, len, folded, sizeof(folded)) >= 0); /* valid UTF-8 */
	j = json_tokener_parse(line);
	CHECK(j && json_object_is_type(j, json_type_object));
	CHECK(json_object_object_get_ex(j, "type", &x) &&
	      !strcmp(json_object_get_string(x), event_type_name(ev->type)));
	CHECK(json_object_object_get_ex(j, "pid", &x) && json_object_get_int64(x) == ev->pid);
	CHECK(json_object_object_get_ex(j, "comm", &x) &&
	      json_bytes_eq(x, ev->comm, strnlen(ev->comm, PT_COMM_LEN)));
	if (ev->type == PT_EV_OPEN && v->field[0]) {
		size_t n = strnlen(v->field[0], v->field_len[0]);
		int fl = path_fold(v->field[0], n, folded, sizeof(folded));

		CHECK(fl >= 0 && json_object_object_get_ex(j, "path", &x) &&
		      json_bytes_eq(x, folded, (size_t)fl));
	}
	if (ev->type == PT_EV_EXEC && v->field[1]) {
		size_t off = 0, k = 0;

		CHECK(json_object_object_get_ex(j, "argv", &x) && json_object_is_type(x, json_type_array));
		for (; off < v->field_len[1]; k++) {
			size_t l = strnlen(v->field[1] + off, v->field_len[1] - off);

			CHECK(json_bytes_eq(json_object_array_get_idx(x, k), v->field[1] + off, l));
			off += l + 1;
		}
		CHECK_INT(json_object_array_length(x), k);
	}
	json_object_put(j);
	free(line);
}

/* Random records: decoding accepts exactly the well-framed ones whose
 * string fields end in a NUL, every field it hands out lies inside the
 * record, and each accepted record prints as checked above.  The buffer
 * is heap-allocated at exactly size, so the sanitizer build (make
 * unit-san) sees any read past it. */
static void test_decode_fuzz(void)
{
	struct event_view v;
	int decoded = 0;

	srand(1);
	for (int i = 0; i < 20000; i++) {
		size_t size = HDR + (size_t)(rand() % 96);
		uint8_t *p = malloc(size);
		struct pt_event *ev = (struct pt_event *)p;
		bool framed = i % 2, terminated = true;
		int rc;

		if (!p)
			return;
		for (size_t j = 0; j < size; j++)
			p[j] = (uint8_t)rand();
		if (framed) {
			size_t rem = size - HDR, off = 0;

			ev->size = (uint32_t)size;
			ev->type = 1 + (uint32_t)(rand() % (PT_EV_MAX - 1));
			/* field lengths that add up, NUL-ended half the time,
			 * so most records decode and reach the JSON writer */
			for (int k = 0; k < PT_NFIELDS; k++) {
				size_t l = k == PT_NFIELDS - 1 ? rem : (size_t)rand() % (rem + 1);

				ev->len[k] = (uint16_t)l;
				rem -= l;
				off += l;
				if (l && rand() % 2)
					ev->data[off - 1] = 0;
				if (l && string_field(ev->type, k) && ev->data[off - 1] != 0)
					terminated = false;
			}
		}
		rc = event_decode(p, size, &v);
		if (framed)
			CHECK_INT(rc, terminated ? 0 : -EINVAL);
		else if (ev->size != size || ev->type == 0 || ev->type >= PT_EV_MAX)
			CHECK_INT(rc, -EINVAL);
		if (rc == 0) {
			size_t off = 0;

			decoded++;
			CHECK(v.ev == ev);
			for (int k = 0; k < PT_NFIELDS; k++) {
				CHECK(ev->len[k] ? v.field[k] == (const char *)ev->data + off :
						   v.field[k] == NULL);
				CHECK_INT(v.field_len[k], ev->len[k]);
				off += ev->len[k];
			}
			CHECK_INT(HDR + off, size);
			check_fuzz_json(&v);
		} else {
			CHECK_INT(rc, -EINVAL);
		}
		free(p);
	}
	/* enough of them reach the writer for this to test it */
	CHECK(decoded > 4000);
}

static void test_type_names(void)
{
	CHECK_STR(event_type_name(PT_EV_EXEC), "exec");
	CHECK_STR(event_type_name(PT_EV_ROOT), "root");
	CHECK_STR(event_type_name(0), "unknown");
	CHECK_STR(event_type_name(999), "unknown");
}

static void test_json_open(void)
{
	size_t n = MK1(PT_EV_OPEN, "/tmp/a/../b/./c");
	char *j;

	buf.ev.arg[0] = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
	buf.ev.arg[1] = 0644;
	buf.ev.ret = 3;
	j = json_of(n);
	CHECK(j && strstr(j, "\"type\":\"open\""));
	CHECK(j && strstr(j, "\"path\":\"/tmp/b/c\""));
	CHECK(j && strstr(j, "\"flags\":[\"O_WRONLY\",\"O_CREAT\",\"O_TRUNC\",\"O_CLOEXEC\"]"));
	CHECK(j && strstr(j, "\"mode\":420"));
	CHECK(j && strstr(j, "\"ret\":3"));
	CHECK(j && strstr(j, "\"pid\":42,\"tid\":43,\"ppid\":1,\"uid\":1000"));
	CHECK(j && strstr(j, "\"comm\":\"sh\""));
	CHECK(j && strstr(j, "\"wall\":\"1970-01-01T00:00:01.000000001Z\""));
	CHECK(j && !strstr(j, "truncated"));
	buf.ev.ret = -ENOENT;
	buf.ev.flags = PT_F_TRUNC(0);
	j = json_of(n);
	CHECK(j && strstr(j, "\"ret\":-2"));
	CHECK(j && strstr(j, "\"truncated\":[\"path\"]"));
}

static void test_json_exec(void)
{
	static const char env[] = "AWS_SECRET_ACCESS_KEY=x\0npm_package_name=left-pad\0"
				  "npm_lifecycle_event=postinstall\0HOME=/root";
	size_t n = mk(PT_EV_EXEC, "/usr/bin/curl", 14, "curl\0-s\0a \"b\"\n\0", 15,
		      "/p", 3, env, sizeof(env));
	char *j;

	buf.ev.flags = PT_F_MEMFD | PT_F_DELETED | PT_F_TRUNC(1);
	j = json_of(n);
	CHECK(j && strstr(j, "\"argv\":[\"curl\",\"-s\",\"a \\\"b\\\"\\n\"]"));
	CHECK(j && strstr(j, "\"cwd\":\"/p\""));
	CHECK(j && strstr(j, "\"env\":{\"npm_package_name\":\"left-pad\","
			     "\"npm_lifecycle_event\":\"postinstall\"}"));
	CHECK(j && !strstr(j, "AWS"));
	CHECK(j && !strstr(j, "HOME"));
	CHECK(j && strstr(j, "\"memfd\":true,\"deleted\":true"));
	CHECK(j && strstr(j, "\"truncated\":[\"argv\"]"));
}

static void test_json_bad_utf8(void)
{
	size_t n = MK1(PT_EV_OPEN, "/tmp/\xff\xc3\xa9\x01");
	char *j = json_of(n);

	/* 0xff is not UTF-8: U+EFFF stands for it (user/jsonstr.h) */
	CHECK(j && strstr(j, "\"path\":\"/tmp/\\uefff\xc3\xa9\\u0001\""));
}

static const uint8_t dns_example[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01,
};

static void test_json_socket(void)
{
	uint8_t v6[16] = { 0 };
	size_t n;
	char *j;

	n = mk(PT_EV_CONNECT, "\x7f\0\0\x01", 4, NULL, 0, NULL, 0, NULL, 0);
	buf.ev.arg[0] = AF_INET;
	buf.ev.arg[1] = 8080;
	buf.ev.arg[2] = SOCK_STREAM;
	j = json_of(n);
	CHECK(j && strstr(j, "\"family\":\"inet\",\"proto\":\"tcp\",\"port\":8080,\"addr\":\"127.0.0.1\""));
	v6[15] = 1;
	n = mk(PT_EV_CONNECT, v6, 16, NULL, 0, NULL, 0, NULL, 0);
	buf.ev.arg[0] = AF_INET6;
	buf.ev.arg[1] = 443;
	buf.ev.arg[2] = SOCK_STREAM | (6u << 16);
	j = json_of(n);
	CHECK(j && strstr(j, "\"addr\":\"::1\""));
	v6[15] = 0;
	v6[10] = v6[11] = 0xff;
	v6[12] = 10; v6[15] = 9;
	n = mk(PT_EV_CONNECT, v6, 16, NULL, 0, NULL, 0, NULL, 0);
	buf.ev.arg[0] = AF_INET6;
	j = json_of(n);
	/* IPv4-mapped: the IPv4 host it reaches, as the report shows it */
	CHECK(j && strstr(j, "\"family\":\"inet6\"") && strstr(j, "\"addr\":\"10.0.0.9\""));
	n = mk(PT_EV_SEND, "\x7f\0\0\x01", 4, dns_example, sizeof(dns_example), NULL, 0, NULL, 0);
	buf.ev.arg[0] = AF_INET;
	buf.ev.arg[1] = 53;
	buf.ev.arg[2] = SOCK_DGRAM;
	j = json_of(n);
	CHECK(j && strstr(j, "\"proto\":\"udp\",\"port\":53"));
	CHECK(j && strstr(j, "\"dns\":\"example.com\""));
	n = mk(PT_EV_CONNECT, "\0abstract", 10, NULL, 0, NULL, 0, NULL, 0);
	buf.ev.arg[0] = AF_UNIX;
	j = json_of(n);
	CHECK(j && strstr(j, "\"family\":\"unix\",\"addr\":\"@abstract\""));
}

static void test_dns_names(void)
{
	char out[DNS_NAME_MAX];
	uint8_t m[64];

	CHECK_INT(dns_qname(dns_example, sizeof(dns_example), out, sizeof(out)), 11);
	CHECK_STR(out, "example.com");
	/* the name only needs to be complete, not the qtype/qclass */
	CHECK_INT(dns_qname(dns_example, 25, out, sizeof(out)), 11);
	/* cut inside the name */
	CHECK_INT(dns_qname(dns_example, 20, out, sizeof(out)), -EINVAL);
	CHECK_INT(dns_qname(dns_example, 12, out, sizeof(out)), -EINVAL);
	CHECK_INT(dns_qname(dns_example, sizeof(dns_example), out, 8), -ENOSPC);
	/* a response (QR=1) and QDCOUNT=0 are not queries */
	memcpy(m, dns_example, sizeof(dns_example));
	m[2] |= 0x80;
	CHECK_INT(dns_qname(m, sizeof(dns_example), out, sizeof(out)), -EINVAL);
	memcpy(m, dns_example, sizeof(dns_example));
	m[5] = 0;
	CHECK_INT(dns_qname(m, sizeof(dns_example), out, sizeof(out)), -EINVAL);
	/* root name */
	memcpy(m, dns_example, 12);
	m[12] = 0;
	CHECK_INT(dns_qname(m, 13, out, sizeof(out)), 1);
	CHECK_STR(out, ".");
	/* odd bytes are escaped */
	memcpy(m, dns_example, 12);
	memcpy(m + 12, "\x03" "a.\x01" "\x00", 5);
	CHECK_INT(dns_qname(m, 17, out, sizeof(out)), 9);
	CHECK_STR(out, "a\\046\\001");
	/* label type bits 01/10 are rejected */
	m[12] = 0x41;
	CHECK_INT(dns_qname(m, 17, out, sizeof(out)), -EINVAL);
}

static void test_dns_compression(void)
{
	char out[DNS_NAME_MAX];
	uint8_t m[64];

	memcpy(m, dns_example, 12);
	/* 12: "x" + pointer back... only backwards pointers are allowed, so a
	 * pointer to itself or forwards is an error (no loops possible) */
	memcpy(m + 12, "\x01x\xc0\x0c", 4);     /* points to 12: backwards, "x" again, then loops */
	CHECK_INT(dns_qname(m, 16, out, sizeof(out)), -EINVAL);
	memcpy(m + 12, "\xc0\x0c", 2);          /* points to itself */
	CHECK_INT(dns_qname(m, 14, out, sizeof(out)), -EINVAL);
	memcpy(m + 12, "\xc0\x20", 2);          /* forwards */
	CHECK_INT(dns_qname(m, 40, out, sizeof(out)), -EINVAL);
	memcpy(m + 12, "\xc0\x02", 2);          /* into the header */
	CHECK_INT(dns_qname(m, 14, out, sizeof(out)), -EINVAL);
	/* a valid backwards pointer: "b" then a pointer to a name at 12 */
	memcpy(m + 12, "\x03" "com\x00" "\x01" "b\xc0\x0c", 9);
	CHECK_INT(dns_qname(m + 0, 21, out, sizeof(out)), 3);  /* first name is "com" */
	CHECK_STR(out, "com");
	m[14] = 0xc0; /* pointer half outside the buffer */
	CHECK_INT(dns_qname(m, 13, out, sizeof(out)), -EINVAL);
}

static void test_dns_long_and_garbage(void)
{
	char out[DNS_NAME_MAX];
	uint8_t m[600];
	size_t n = 12;

	memcpy(m, dns_example, 12);
	/* more than 255 wire bytes */
	for (int i = 0; i < 5; i++) {
		m[n++] = 63;
		memset(m + n, 'a', 63);
		n += 63;
	}
	m[n++] = 0;
	CHECK_INT(dns_qname(m, n, out, sizeof(out)), -EINVAL);
	/* a 64-byte label is not a label */
	m[12] = 64;
	CHECK_INT(dns_qname(m, n, out, sizeof(out)), -EINVAL);
	srand(7);
	for (int i = 0; i < 100000; i++) {
		size_t len = (size_t)(rand() % 80);

		for (size_t j = 0; j < len; j++)
			m[j] = (uint8_t)rand();
		if (len > 5)
			m[2] &= 0x7f, m[5] |= 1;
		int r = dns_qname(m, len, out, sizeof(out));
		CHECK(r == -EINVAL || (r > 0 && (size_t)r == strlen(out)));
	}
}

/* fold_by: in through path_fold or path_clean. */
static const char *fold_by(int (*f)(const char *, size_t, char *, size_t), const char *in)
{
	static char out[256];

	if (f(in, strlen(in), out, sizeof(out)) < 0)
		return "ERR";
	return out;
}

static const char *fold(const char *in)
{
	return fold_by(path_fold, in);
}

static void test_path_fold(void)
{
	char small[4];

	CHECK_STR(fold("/"), "/");
	CHECK_STR(fold("/a/b"), "/a/b");
	CHECK_STR(fold("/a//b/"), "/a/b");
	CHECK_STR(fold("/a/./b/."), "/a/b");
	CHECK_STR(fold("/a/b/../c"), "/a/c");
	CHECK_STR(fold("/a/../../.."), "/");
	CHECK_STR(fold("/.."), "/");
	CHECK_STR(fold("/a/..b/c.."), "/a/..b/c..");
	CHECK_STR(fold("rel/../x"), "rel/../x");
	CHECK_INT(path_fold("/abcdef", 7, small, sizeof(small)), -ENOSPC);
}

static const char *clean(const char *in)
{
	return fold_by(path_clean, in);
}

/* path_clean keeps ".." (what it leads to depends on symlinks before it) */
static void test_path_clean(void)
{
	CHECK_STR(clean("/a//b/./c/"), "/a/b/c");
	CHECK_STR(clean("/t/link/../x"), "/t/link/../x");
	CHECK_STR(clean("/t/link/./..//x/."), "/t/link/../x");
	CHECK_STR(clean("/.."), "/..");
}

/* decoded: the path field 0 of an open of path, as event_decode gives it. */
static const char *decoded(const char *path, uint32_t *len)
{
	static struct event_view v;
	size_t n = mk(PT_EV_OPEN, path, strlen(path) + 1, NULL, 0, NULL, 0, NULL, 0);

	if (event_decode(&buf, n, &v))
		return NULL;
	*len = v.field_len[0];
	return v.field[0];
}

/* Paths are folded once, at decode: every consumer sees the folded one,
 * with its length; a path that needs no folding is the record's own. */
static void test_decode_folds_paths(void)
{
	static const char *const same[] = { "/a/b", "/a/.hidden/x", "/a/..b/c..", "/.npm/_logs/x",
					    "/a/b.", "rel/../x", "/" };
	static const struct { const char *in, *out; } folded[] = {
		{ "/a//b", "/a/b" }, { "/a/./b", "/a/b" }, { "/a/b/.", "/a/b" }, { "/a/b/..", "/a" },
		{ "/w/p/node_modules/x/../../../../root/.bashrc", "/root/.bashrc" }, { "/a/b/", "/a/b" },
		{ "/..", "/" },
	};
	uint32_t len;
	const char *p;

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		p = decoded(same[i], &len);
		CHECK_STR(p, same[i]);
		CHECK(p == (const char *)buf.ev.data);
		CHECK_INT(len, strlen(same[i]) + 1);
	}
	for (size_t i = 0; i < sizeof(folded) / sizeof(folded[0]); i++) {
		p = decoded(folded[i].in, &len);
		CHECK_STR(p, folded[i].out);
		CHECK_INT(len, strlen(folded[i].out) + 1);
		/* the raw record keeps what the kernel sent */
		CHECK_STR((const char *)buf.ev.data, folded[i].in);
	}
}

/* A path call's string as given (PT_F_DIR_AS_GIVEN) keeps its "..": after
 * a symlinked directory it is the target's parent, not the link's. */
static void test_decode_keeps_dotdot_as_given(void)
{
	static const char p0[] = "/t/link//../x", p1[] = "/t/./a/../y";
	struct event_view v;
	char both[sizeof(p0) + sizeof(p1)];
	size_t n;

	memcpy(both, p0, sizeof(p0));
	memcpy(both + sizeof(p0), p1, sizeof(p1));
	n = mk(PT_EV_RENAME, both, sizeof(p0), both + sizeof(p0), sizeof(p1), NULL, 0, NULL, 0);
	buf.ev.flags = PT_F_DIR_AS_GIVEN;
	CHECK(!event_decode(&buf, n, &v));
	CHECK_STR(v.field[0], "/t/link/../x");
	CHECK_STR(v.field[1], "/t/a/../y");
	CHECK_INT(v.field_len[1], strlen("/t/a/../y") + 1);
	/* without the flag (the kernel resolved the directories) it folds */
	n = mk(PT_EV_RENAME, both, sizeof(p0), both + sizeof(p0), sizeof(p1), NULL, 0, NULL, 0);
	CHECK(!event_decode(&buf, n, &v));
	CHECK_STR(v.field[0], "/t/x");
	CHECK_STR(v.field[1], "/t/y");
}

int main(void)
{
	TEST(test_decode_valid);
	TEST(test_decode_rejects);
	TEST(test_decode_fuzz);
	TEST(test_type_names);
	TEST(test_json_open);
	TEST(test_json_exec);
	TEST(test_json_bad_utf8);
	TEST(test_json_socket);
	TEST(test_dns_names);
	TEST(test_dns_compression);
	TEST(test_dns_long_and_garbage);
	TEST(test_path_fold);
	TEST(test_decode_folds_paths);
	TEST(test_path_clean);
	TEST(test_decode_keeps_dotdot_as_given);
	UNIT_EXIT();
}
