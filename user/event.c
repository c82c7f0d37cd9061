// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * event.c - validation of raw pt_event records and their JSON Lines form
 * (schemas/event.schema.json).  Records come from the kernel or from a
 * trace file, so nothing in them is trusted: every length is checked
 * against size before anything is read.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/mman.h>
#include <linux/memfd.h>
#include "dns.h"
#include "event.h"
#include "jsonstr.h"
#include "pathfold.h"

#define HDR_LEN offsetof(struct pt_event, data)

/* Which fields of each type are NUL-terminated strings or lists; the rest
 * (socket addresses, payloads) are raw bytes. */
#define S(i) (1u << (i))
static const unsigned int string_fields[PT_EV_MAX] = {
	[PT_EV_EXEC] = S(0) | S(1) | S(2) | S(3),
	[PT_EV_OPEN] = S(0), [PT_EV_UNLINK] = S(0), [PT_EV_RENAME] = S(0) | S(1),
	[PT_EV_MKDIR] = S(0), [PT_EV_CHMOD] = S(0), [PT_EV_SYMLINK] = S(0) | S(1),
	[PT_EV_LINK] = S(0) | S(1), [PT_EV_TRUNCATE] = S(0), [PT_EV_MEMFD] = S(0),
};

/* JSON names of the fields, for "truncated" and the field keys. */
static const char *const field_names[PT_EV_MAX][PT_NFIELDS] = {
	[PT_EV_EXEC] = { "path", "argv", "cwd", "env" },
	[PT_EV_OPEN] = { "path" }, [PT_EV_UNLINK] = { "path" },
	[PT_EV_RENAME] = { "path", "path2" }, [PT_EV_MKDIR] = { "path" },
	[PT_EV_CHMOD] = { "path" }, [PT_EV_SYMLINK] = { "path", "target" },
	[PT_EV_LINK] = { "path", "path2" }, [PT_EV_TRUNCATE] = { "path" },
	[PT_EV_MEMFD] = { "name" },
	[PT_EV_CONNECT] = { "addr", "payload" }, [PT_EV_BIND] = { "addr", "payload" },
	[PT_EV_LISTEN] = { "addr", "payload" }, [PT_EV_ACCEPT] = { "addr", "payload" },
	[PT_EV_SEND] = { "addr", "payload" },
};

static const char *const type_names[PT_EV_MAX] = {
	[PT_EV_EXEC] = "exec", [PT_EV_EXIT] = "exit", [PT_EV_FORK] = "fork",
	[PT_EV_OPEN] = "open", [PT_EV_UNLINK] = "unlink", [PT_EV_RENAME] = "rename",
	[PT_EV_MKDIR] = "mkdir", [PT_EV_CHMOD] = "chmod", [PT_EV_SYMLINK] = "symlink",
	[PT_EV_LINK] = "link", [PT_EV_TRUNCATE] = "truncate", [PT_EV_MEMFD] = "memfd",
	[PT_EV_CONNECT] = "connect", [PT_EV_BIND] = "bind", [PT_EV_LISTEN] = "listen",
	[PT_EV_ACCEPT] = "accept", [PT_EV_SEND] = "send", [PT_EV_SETID] = "setid",
	[PT_EV_PTRACE] = "ptrace", [PT_EV_ROOT] = "root",
};

const char *event_type_name(uint32_t type)
{
	if (type == 0 || type >= PT_EV_MAX || !type_names[type])
		return "unknown";
	return type_names[type];
}

int event_decode(const void *raw, size_t size, struct event_view *out)
{
	const struct pt_event *ev = raw;
	size_t off = 0, total = 0;

	if (!raw || !out || size < HDR_LEN)
		return -EINVAL;
	if (ev->size != size || ev->type == 0 || ev->type >= PT_EV_MAX)
		return -EINVAL;
	for (int i = 0; i < PT_NFIELDS; i++)
		total += ev->len[i];
	if (total != size - HDR_LEN)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->ev = ev;
	for (int i = 0; i < PT_NFIELDS; i++) {
		const char *f = (const char *)ev->data + off;
		uint32_t len = ev->len[i];

		off += len;
		if (!len)
			continue;
		if ((string_fields[ev->type] & S(i)) && f[len - 1] != '\0')
			return -EINVAL;
		out->field[i] = f;
		out->field_len[i] = len;
	}
	return 0;
}

/* ---- JSON output ------------------------------------------------------ */

static void json_cstr(FILE *out, const char *s)
{
	json_put_str(out, s, strlen(s));
}

/* A string field without its terminating NUL. */
static void json_field_str(FILE *out, const struct event_view *v, int i)
{
	size_t n = v->field_len[i];

	json_put_str(out, v->field[i], n && v->field[i][n - 1] == '\0' ? n - 1 : n);
}

static void json_key(FILE *out, const char *key)
{
	fputc(',', out);
	json_cstr(out, key);
	fputc(':', out);
}

static void json_path(FILE *out, const char *key, const struct event_view *v, int i)
{
	char buf[PT_PATH_MAX * 2];
	size_t n;
	int len;

	if (!v->field[i])
		return;
	n = strnlen(v->field[i], v->field_len[i]);
	json_key(out, key);
	len = path_fold(v->field[i], n, buf, sizeof(buf));
	if (len < 0)
		json_put_str(out, v->field[i], n);
	else
		json_put_str(out, buf, (size_t)len);
}

/* argv / env lists: NUL-separated strings. */
static void json_list(FILE *out, const char *s, size_t n)
{
	size_t i = 0;
	bool first = true;

	fputc('[', out);
	while (i < n) {
		size_t l = strnlen(s + i, n - i);

		if (!first)
			fputc(',', out);
		json_put_str(out, s + i, l);
		first = false;
		i += l + 1;
	}
	fputc(']', out);
}

/* The only variables of an exec's environment the events show: npm's
 * description of the running lifecycle script.  Nothing else (tokens,
 * keys) ever leaves the kernel record. */
static const char *const env_keep[] = {
	"npm_package_name", "npm_package_version", "npm_lifecycle_event",
	"npm_package_json", "npm_lifecycle_script",
};

static void json_env(FILE *out, const char *s, size_t n)
{
	size_t i = 0;
	bool first = true;

	fputc('{', out);
	while (i < n) {
		size_t l = strnlen(s + i, n - i);
		const char *eq = memchr(s + i, '=', l);

		for (size_t k = 0; eq && k < sizeof(env_keep) / sizeof(env_keep[0]); k++) {
			size_t kl = strlen(env_keep[k]);

			if ((size_t)(eq - (s + i)) != kl || memcmp(s + i, env_keep[k], kl))
				continue;
			if (!first)
				fputc(',', out);
			json_cstr(out, env_keep[k]);
			fputc(':', out);
			json_put_str(out, eq + 1, l - kl - 1);
			first = false;
		}
		i += l + 1;
	}
	fputc('}', out);
}

struct flag_name {
	unsigned long long bit;
	const char *name;
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The names of the bits of v as JSON strings, after *first items already
 * written; bits without a name come out as one hex string. */
static void json_flag_items(FILE *out, unsigned long long v, const struct flag_name *t,
			    size_t nt, bool *first)
{
	for (size_t i = 0; i < nt; i++) {
		if ((v & t[i].bit) != t[i].bit)
			continue;
		fprintf(out, "%s\"%s\"", *first ? "" : ",", t[i].name);
		*first = false;
		v &= ~t[i].bit;
	}
	if (v) {
		fprintf(out, "%s\"0x%llx\"", *first ? "" : ",", v);
		*first = false;
	}
}

static void json_flags(FILE *out, unsigned long long v, const struct flag_name *t, size_t nt)
{
	bool first = true;

	fputs(",\"flags\":[", out);
	json_flag_items(out, v, t, nt, &first);
	fprintf(out, "],\"flags_raw\":%llu", v);
}

static const struct flag_name open_flags[] = {
	/* O_TMPFILE and O_SYNC contain O_DIRECTORY / O_DSYNC: test them first */
	{ O_TMPFILE, "O_TMPFILE" }, { O_SYNC, "O_SYNC" },
	{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
	{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" }, { O_ASYNC, "O_ASYNC" }, { O_DIRECT, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" } /* glibc defines it as 0 on 64-bit */, { O_DIRECTORY, "O_DIRECTORY" },
	{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" },
	{ O_PATH, "O_PATH" },
};

static void json_open_flags(FILE *out, unsigned long long flags)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	bool first = false;

	fprintf(out, ",\"flags\":[\"%s\"", acc[flags & O_ACCMODE]);
	json_flag_items(out, flags & ~(unsigned long long)O_ACCMODE, open_flags,
			ARRAY_LEN(open_flags), &first);
	fprintf(out, "],\"flags_raw\":%llu", flags);
}

static const struct flag_name unlink_flags[] = { { AT_REMOVEDIR, "AT_REMOVEDIR" } };
static const struct flag_name rename_flags[] = {
	{ 1, "RENAME_NOREPLACE" }, { 2, "RENAME_EXCHANGE" }, { 4, "RENAME_WHITEOUT" },
};
static const struct flag_name memfd_flags[] = {
	{ MFD_CLOEXEC, "MFD_CLOEXEC" }, { MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING" },
	{ MFD_HUGETLB, "MFD_HUGETLB" }, { 0x0008U, "MFD_NOEXEC_SEAL" }, { 0x0010U, "MFD_EXEC" },
};

static const char *family_name(unsigned long long fam)
{
	switch (fam) {
	case AF_UNIX: return "unix";
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	case AF_NETLINK: return "netlink";
	case AF_PACKET: return "packet";
	default: return NULL;
	}
}

static const char *proto_name(unsigned int type, unsigned int proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_RAW: return "raw";
	case 0: break;
	default: return NULL;
	}
	switch (type) { /* protocol 0: the family's default for the type */
	case SOCK_STREAM: return "tcp";
	case SOCK_DGRAM: return "udp";
	case SOCK_RAW: return "raw";
	default: return NULL;
	}
}

/* An abstract unix address (leading NUL) as "@name". */
static void json_abstract(FILE *out, const char *p, size_t n)
{
	char buf[PT_NAME_MAX + 2];
	size_t l = strnlen(p + 1, n - 1);

	if (l > PT_NAME_MAX)
		l = PT_NAME_MAX;
	buf[0] = '@';
	memcpy(buf + 1, p + 1, l);
	json_put_str(out, buf, l + 1);
}

/* Socket events: family, addr, port, proto; for port 53, the DNS name. */
static void json_socket(FILE *out, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	unsigned long long fam = ev->arg[0];
	unsigned int type = ev->arg[2] & 0xffff, proto = (ev->arg[2] >> 16) & 0xffff;
	const char *fname = family_name(fam), *pname;
	char buf[INET6_ADDRSTRLEN];

	json_key(out, "family");
	if (fname)
		json_cstr(out, fname);
	else
		fprintf(out, "%llu", fam);
	/* SOCK_* flags (NONBLOCK, CLOEXEC) are not part of the type */
	type &= 0xf;
	pname = proto_name(type, proto);
	if (fam == AF_INET || fam == AF_INET6) {
		if (pname) {
			json_key(out, "proto");
			json_cstr(out, pname);
		}
		fprintf(out, ",\"port\":%llu", ev->arg[1] & 0xffff);
	}
	if (v->field[0]) {
		const void *a = v->field[0];
		uint32_t n = v->field_len[0];

		if (fam == AF_INET && n == 4 && inet_ntop(AF_INET, a, buf, sizeof(buf))) {
			json_key(out, "addr");
			json_cstr(out, buf);
		} else if (fam == AF_INET6 && n == 16 && inet_ntop(AF_INET6, a, buf, sizeof(buf))) {
			json_key(out, "addr");
			json_cstr(out, buf);
		} else if (fam == AF_UNIX) {
			const char *p = v->field[0];

			json_key(out, "addr");
			if (p[0] == '\0') /* abstract socket: shown with a leading '@' */
				json_abstract(out, p, n);
			else
				json_put_str(out, p, strnlen(p, n));
		}
	}
	if (ev->type == PT_EV_SEND && (ev->arg[1] & 0xffff) == 53 && v->field[1]) {
		char name[DNS_NAME_MAX];

		if (dns_qname((const uint8_t *)v->field[1], v->field_len[1], name, sizeof(name)) >= 0) {
			json_key(out, "dns");
			json_cstr(out, name);
		}
	}
}

static void json_truncated(FILE *out, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	bool first = true;

	if (!(ev->flags & (PT_F_TRUNC(0) | PT_F_TRUNC(1) | PT_F_TRUNC(2) | PT_F_TRUNC(3))))
		return;
	fputs(",\"truncated\":[", out);
	for (int i = 0; i < PT_NFIELDS; i++) {
		const char *name = field_names[ev->type][i];

		if (!(ev->flags & PT_F_TRUNC(i)))
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ",", name ? name : "data");
		first = false;
	}
	fputc(']', out);
}

static const char *const setid_names[] = {
	[PT_SETID_UID] = "setuid", [PT_SETID_GID] = "setgid", [PT_SETID_REUID] = "setreuid",
	[PT_SETID_REGID] = "setregid", [PT_SETID_RESUID] = "setresuid",
	[PT_SETID_RESGID] = "setresgid",
};

int event_write_json(FILE *out, const struct event_view *v, uint64_t boot_offset_ns)
{
	const struct pt_event *ev = v->ev;
	uint64_t wall = ev->time_ns + boot_offset_ns;
	time_t secs = (time_t)(wall / 1000000000ull);
	struct tm tm;
	char ts[32] = "";
	bool syscall = true;

	if (gmtime_r(&secs, &tm))
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, "{\"type\":\"%s\",\"time_ns\":%llu,\"wall\":\"%s.%09lluZ\"",
		event_type_name(ev->type), (unsigned long long)ev->time_ns, ts,
		(unsigned long long)(wall % 1000000000ull));
	fprintf(out, ",\"pid\":%u,\"tid\":%u,\"ppid\":%u,\"uid\":%u,\"session\":%u,"
		"\"cgroup_id\":%llu,\"comm\":", ev->pid, ev->tid, ev->ppid, ev->uid,
		ev->session, (unsigned long long)ev->cgroup_id);
	json_put_str(out, ev->comm, strnlen(ev->comm, PT_COMM_LEN));

	switch (ev->type) {
	case PT_EV_EXEC:
		json_path(out, "path", v, 0);
		if (v->field[1]) {
			json_key(out, "argv");
			json_list(out, v->field[1], v->field_len[1]);
		}
		json_path(out, "cwd", v, 2);
		if (v->field[3]) {
			json_key(out, "env");
			json_env(out, v->field[3], v->field_len[3]);
		}
		fprintf(out, ",\"memfd\":%s,\"deleted\":%s",
			ev->flags & PT_F_MEMFD ? "true" : "false",
			ev->flags & PT_F_DELETED ? "true" : "false");
		break;
	case PT_EV_EXIT: {
		unsigned long long st = ev->arg[0];

		syscall = false;
		fprintf(out, ",\"status\":%llu,\"exit_code\":%llu,\"signal\":%llu",
			st, (st >> 8) & 0xff, st & 0x7f);
		break;
	}
	case PT_EV_FORK:
		syscall = false;
		fprintf(out, ",\"child_pid\":%llu", (unsigned long long)ev->arg[0]);
		break;
	case PT_EV_OPEN:
		json_path(out, "path", v, 0);
		json_open_flags(out, ev->arg[0]);
		fprintf(out, ",\"mode\":%llu", (unsigned long long)ev->arg[1]);
		break;
	case PT_EV_UNLINK:
		json_path(out, "path", v, 0);
		json_flags(out, ev->arg[0], unlink_flags, ARRAY_LEN(unlink_flags));
		break;
	case PT_EV_RENAME:
		json_path(out, "path", v, 0);
		json_path(out, "path2", v, 1);
		json_flags(out, ev->arg[0], rename_flags, ARRAY_LEN(rename_flags));
		break;
	case PT_EV_MKDIR:
	case PT_EV_CHMOD:
		json_path(out, "path", v, 0);
		fprintf(out, ",\"mode\":%llu", (unsigned long long)ev->arg[0]);
		break;
	case PT_EV_SYMLINK:
		json_path(out, "path", v, 0);
		if (v->field[1]) { /* the target is stored as given: not folded */
			json_key(out, "target");
			json_field_str(out, v, 1);
		}
		break;
	case PT_EV_LINK:
		json_path(out, "path", v, 0);
		json_path(out, "path2", v, 1);
		break;
	case PT_EV_TRUNCATE:
		json_path(out, "path", v, 0);
		fprintf(out, ",\"length\":%llu", (unsigned long long)ev->arg[0]);
		break;
	case PT_EV_MEMFD:
		if (v->field[0]) {
			json_key(out, "name");
			json_field_str(out, v, 0);
		}
		json_flags(out, ev->arg[0], memfd_flags, ARRAY_LEN(memfd_flags));
		break;
	case PT_EV_CONNECT:
	case PT_EV_BIND:
	case PT_EV_LISTEN:
	case PT_EV_ACCEPT:
	case PT_EV_SEND:
		json_socket(out, v);
		break;
	case PT_EV_SETID: {
		unsigned long long k = ev->arg[0];

		json_key(out, "call");
		json_cstr(out, k < ARRAY_LEN(setid_names) && setid_names[k] ? setid_names[k] : "unknown");
		/* setuid/setgid take one id: the second register is not theirs */
		if (k == PT_SETID_UID || k == PT_SETID_GID)
			fprintf(out, ",\"ids\":[%lld]", (long long)(int)ev->arg[1]);
		else
			fprintf(out, ",\"ids\":[%lld,%lld]", (long long)(int)ev->arg[1],
				(long long)(int)ev->arg[2]);
		break;
	}
	case PT_EV_PTRACE:
		fprintf(out, ",\"request\":%llu,\"target_pid\":%llu",
			(unsigned long long)ev->arg[0], (unsigned long long)ev->arg[1]);
		break;
	case PT_EV_ROOT:
		syscall = false;
		fprintf(out, ",\"root_session\":%llu,\"daemon_start\":%s",
			(unsigned long long)ev->arg[0],
			ev->flags & PT_F_DAEMON_START ? "true" : "false");
		break;
	}
	if (syscall)
		fprintf(out, ",\"ret\":%lld", (long long)ev->ret);
	if (ev->flags & PT_F_PATH_RAW)
		fputs(",\"path_resolved\":false", out);
	json_truncated(out, v);
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}
