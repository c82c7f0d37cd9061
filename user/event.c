// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * event.c - validation of raw pt_event records and their JSON Lines form
 * (schemas/event.schema.json).  Records come from the kernel or from a
 * trace file, so nothing in them is trusted: every length is checked
 * against size before anything is read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/mman.h>
#include <linux/memfd.h>
#include "event.h"
#include "enforce/sandbox.h"
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
	[PT_EV_SYS] = S(0) | S(1) | S(2),
};

/* Which string fields are paths, folded at decode (a symlink's target is
 * stored as given: it is resolved from the link's folder, not folded). */
static const unsigned int path_fields[PT_EV_MAX] = {
	[PT_EV_EXEC] = S(0) | S(2),
	[PT_EV_OPEN] = S(0), [PT_EV_UNLINK] = S(0), [PT_EV_RENAME] = S(0) | S(1),
	[PT_EV_MKDIR] = S(0), [PT_EV_CHMOD] = S(0), [PT_EV_SYMLINK] = S(0),
	[PT_EV_LINK] = S(0) | S(1), [PT_EV_TRUNCATE] = S(0),
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
	[PT_EV_SEND] = { "addr", "payload" }, [PT_EV_NET_BLOCKED] = { "addr", "dns" },
	[PT_EV_SYS] = { "path", "path2", "fstype" },
};

static const char *const type_names[PT_EV_MAX] = {
	[PT_EV_EXEC] = "exec", [PT_EV_EXIT] = "exit", [PT_EV_FORK] = "fork",
	[PT_EV_OPEN] = "open", [PT_EV_UNLINK] = "unlink", [PT_EV_RENAME] = "rename",
	[PT_EV_MKDIR] = "mkdir", [PT_EV_CHMOD] = "chmod", [PT_EV_SYMLINK] = "symlink",
	[PT_EV_LINK] = "link", [PT_EV_TRUNCATE] = "truncate", [PT_EV_MEMFD] = "memfd",
	[PT_EV_CONNECT] = "connect", [PT_EV_BIND] = "bind", [PT_EV_LISTEN] = "listen",
	[PT_EV_ACCEPT] = "accept", [PT_EV_SEND] = "send", [PT_EV_SETID] = "setid",
	[PT_EV_PTRACE] = "ptrace", [PT_EV_ROOT] = "root", [PT_EV_SYS] = "sys",
	[PT_EV_BPF] = "bpf", [PT_EV_SIGNAL] = "signal", [PT_EV_PROCVM] = "process_vm",
	[PT_EV_IOURING] = "io_uring", [PT_EV_NET_BLOCKED] = "net_blocked", [PT_EV_REFUSED] = "refused",
};

const char *event_type_name(uint32_t type)
{
	if (type == 0 || type >= PT_EV_MAX || !type_names[type])
		return "unknown";
	return type_names[type];
}

/* fold_needed: whether path_fold() changes the absolute path s (n bytes
 * up to its NUL): a "//", a "." or ".." component, a trailing "/".  Most
 * paths need no copy; strstr finds the rare ones fast. */
static bool fold_needed(const char *s, size_t n)
{
	const char *p = s;

	if (!n || s[0] != '/')
		return false;
	if ((n > 1 && s[n - 1] == '/') || strstr(s, "//"))
		return true;
	while ((p = strstr(p, "/."))) {
		p += 2;
		if (*p == '.')
			p++;
		if (!*p || *p == '/')
			return true;
	}
	return false;
}

/* decode_paths: the path fields, folded once here so --events, the rules
 * and the report judge the same string.  The kernel joins a string as
 * given to its resolved base: a failed open's, a path call's.  A path
 * call's (PT_F_DIR_AS_GIVEN) keeps its ".." (path_clean): after a symlinked
 * directory it leads to the target's parent, which only the lookup at
 * receipt (analyze/where.c) knows.  A path too long to fold stays as it
 * came. */
static void decode_paths(struct event_view *v)
{
	bool as_given = v->ev->flags & PT_F_DIR_AS_GIVEN;
	int slot = 0;

	for (int i = 0; i < PT_NFIELDS && slot < 2; i++) {
		size_t n;
		int len;

		if (!(path_fields[v->ev->type] & S(i)) || !v->field[i])
			continue;
		n = strnlen(v->field[i], v->field_len[i]);
		if (!fold_needed(v->field[i], n))
			continue;
		len = (as_given ? path_clean : path_fold)(v->field[i], n, v->fold_buf[slot],
							   sizeof(v->fold_buf[slot]));
		if (len < 0)
			continue;
		v->field[i] = v->fold_buf[slot++];
		v->field_len[i] = (uint32_t)len + 1;
	}
}

/* decode_socket: the address as text and, for a send to port 53, the
 * query name. */
static void decode_socket(struct event_view *v)
{
	const struct pt_event *ev = v->ev;

	if ((ev->type < PT_EV_CONNECT || ev->type > PT_EV_SEND) && ev->type != PT_EV_NET_BLOCKED)
		return;
	if (ev->type == PT_EV_NET_BLOCKED && (ev->arg[2] >> 32) == PT_BLK_DNS && v->field[1]) {
		/* the name the kernel parsed; "" for a malformed query */
		size_t n = strnlen(v->field[1], v->field_len[1]);

		if (n >= sizeof(v->dns_buf))
			n = sizeof(v->dns_buf) - 1;
		memcpy(v->dns_buf, v->field[1], n);
		v->dns_buf[n] = '\0';
		v->dns = v->dns_buf;
	}
	if (v->field[0] && !netaddr_format(ev->arg[0], v->field[0], v->field_len[0], v->addr_buf,
					   sizeof(v->addr_buf)))
		v->addr = v->addr_buf;
	if (ev->type == PT_EV_SEND && (ev->arg[1] & 0xffff) == 53 && v->field[1]) {
		const uint8_t *msg = (const uint8_t *)v->field[1];
		size_t n = v->field_len[1];
		int got = -1;

		/* Over TCP a message starts with its 2-byte length (the
		 * payload was cut at PT_PAYLOAD_MAX when it is longer), unless
		 * the write carried the message alone. */
		if ((ev->flags & PT_F_DNS_TCP) && n > 2 && ((size_t)msg[0] << 8 | msg[1]) + 2 >= n)
			got = dns_qname(msg + 2, n - 2, v->dns_buf, sizeof(v->dns_buf));
		if (got < 0)
			got = dns_qname(msg, n, v->dns_buf, sizeof(v->dns_buf));
		if (got >= 0)
			v->dns = v->dns_buf;
	}
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
	memset(out, 0, offsetof(struct event_view, addr_buf));
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
	decode_paths(out);
	decode_socket(out);
	if (ev->type == PT_EV_OPEN && ev->ret >= 0 && !(ev->flags & PT_F_IOURING)) {
		out->file_dev = (uint32_t)(ev->arg[1] >> 32);
		out->file_ino = ev->arg[2];
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

/* A path field (folded by event_decode), up to its first NUL. */
static void json_path(FILE *out, const char *key, const struct event_view *v, int i)
{
	if (!v->field[i])
		return;
	json_key(out, key);
	json_put_str(out, v->field[i], strnlen(v->field[i], v->field_len[i]));
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
	if (v->addr) {
		json_key(out, "addr");
		json_cstr(out, v->addr);
	} else if (v->field[0] && fam == AF_UNIX) {
		const char *p = v->field[0];
		uint32_t n = v->field_len[0];

		json_key(out, "addr");
		if (p[0] == '\0') /* abstract socket: shown with a leading '@' */
			json_abstract(out, p, n);
		else
			json_put_str(out, p, strnlen(p, n));
	}
	if (v->dns) {
		json_key(out, "dns");
		json_cstr(out, v->dns);
	}
	if (ev->type == PT_EV_SEND && (ev->flags & PT_F_DNS_TCP))
		fputs(",\"dns_tcp\":true", out);
	if (ev->type == PT_EV_CONNECT && fam == AF_UNIX) {
		if (ev->arg[1])
			fprintf(out, ",\"peer_pid\":%llu", (unsigned long long)ev->arg[1]);
		if (v->field[1] && v->field[1][0] == '/') {
			json_key(out, "peer_path");
			json_put_str(out, v->field[1], strnlen(v->field[1], v->field_len[1]));
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

/* PT_EV_SYS: the call's name and the JSON keys of its fields. */
static const struct {
	const char *name, *key[3];
} sys_calls[PT_SYS_MAX] = {
	[PT_SYS_MOUNT] = { "mount", { "target", "source", "fstype" } },
	[PT_SYS_UMOUNT] = { "umount", { "target" } },
	[PT_SYS_CHROOT] = { "chroot", { "path" } },
	[PT_SYS_PIVOT_ROOT] = { "pivot_root", { "new_root", "put_old" } },
	[PT_SYS_UNSHARE] = { "unshare", { NULL } },
	[PT_SYS_SETNS] = { "setns", { "ns" } },
	[PT_SYS_OPEN_TREE] = { "open_tree", { "path" } },
	[PT_SYS_MOVE_MOUNT] = { "move_mount", { "from", "to" } },
	[PT_SYS_FSOPEN] = { "fsopen", { "fstype" } },
	[PT_SYS_FSMOUNT] = { "fsmount", { NULL } },
	[PT_SYS_IO_URING_SETUP] = { "io_uring_setup", { NULL } },
};

static const struct flag_name clone_flags[] = {
	{ 0x00020000, "CLONE_NEWNS" }, { 0x02000000, "CLONE_NEWCGROUP" },
	{ 0x04000000, "CLONE_NEWUTS" }, { 0x08000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" }, { 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" }, { 0x00000080, "CLONE_NEWTIME" },
	{ 0x00000200, "CLONE_FS" }, { 0x00000400, "CLONE_FILES" }, { 0x00040000, "CLONE_SYSVSEM" },
};

static void json_sys(FILE *out, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;
	unsigned long long call = ev->arg[0];
	bool known = call < PT_SYS_MAX && sys_calls[call].name;

	json_key(out, "call");
	json_cstr(out, known ? sys_calls[call].name : "unknown");
	for (int i = 0; known && i < 3; i++) {
		const char *key = sys_calls[call].key[i];

		if (!key || !v->field[i])
			continue;
		/* mount's source and the fs names are strings as given */
		if ((call == PT_SYS_MOUNT && i > 0) || call == PT_SYS_FSOPEN) {
			json_key(out, key);
			json_field_str(out, v, i);
		} else {
			json_path(out, key, v, i);
		}
	}
	if (call == PT_SYS_UNSHARE || call == PT_SYS_SETNS)
		json_flags(out, ev->arg[1], clone_flags, ARRAY_LEN(clone_flags));
	else
		fprintf(out, ",\"flags_raw\":%llu", (unsigned long long)ev->arg[1]);
	if (call == PT_SYS_IO_URING_SETUP)
		fprintf(out, ",\"entries\":%llu", (unsigned long long)ev->arg[2]);
}

static const char *const bpf_cmds[] = {
	"BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM", "BPF_MAP_DELETE_ELEM",
	"BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH",
	"BPF_PROG_DETACH", "BPF_PROG_TEST_RUN", "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID",
	"BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD",
	"BPF_PROG_QUERY", "BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID",
	"BPF_TASK_FD_QUERY", "BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE",
	"BPF_BTF_GET_NEXT_ID", "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
	"BPF_MAP_UPDATE_BATCH", "BPF_MAP_DELETE_BATCH", "BPF_LINK_CREATE", "BPF_LINK_UPDATE",
	"BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID", "BPF_ENABLE_STATS", "BPF_ITER_CREATE",
	"BPF_LINK_DETACH", "BPF_PROG_BIND_MAP", "BPF_TOKEN_CREATE",
};

static const char *const sig_calls[PT_SIG_MAX] = {
	[PT_SIG_KILL] = "kill", [PT_SIG_TKILL] = "tkill", [PT_SIG_TGKILL] = "tgkill",
	[PT_SIG_PIDFD] = "pidfd_send_signal", [PT_SIG_QUEUE] = "rt_sigqueueinfo",
	[PT_SIG_TGQUEUE] = "rt_tgsigqueueinfo",
};

static const char *const uring_ops[] = {
	"NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD",
	"POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE",
	"ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE",
	"FILES_UPDATE", "STATX", "READ", "WRITE", "FADVISE", "MADVISE", "SEND", "RECV",
	"OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE",
	"SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
	"FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC",
	"SENDMSG_ZC", "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV",
	"FIXED_FD_INSTALL", "FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT",
	"READV_FIXED", "WRITEV_FIXED", "PIPE",
};

/* A name from a table, or the number when it has none. */
static void json_named(FILE *out, const char *key, unsigned long long v,
		       const char *const *names, size_t n)
{
	json_key(out, key);
	if (v < n && names[v])
		json_cstr(out, names[v]);
	else
		fprintf(out, "%llu", v);
}

/* The kernel-side evasion and tamper records (PT_EV_SYS and later). */
static void json_tamper(FILE *out, const struct event_view *v)
{
	const struct pt_event *ev = v->ev;

	switch (ev->type) {
	case PT_EV_SYS:
		json_sys(out, v);
		break;
	case PT_EV_BPF:
		json_named(out, "cmd", ev->arg[0], bpf_cmds, ARRAY_LEN(bpf_cmds));
		fprintf(out, ",\"cmd_raw\":%llu,\"attr_word\":%llu", (unsigned long long)ev->arg[0],
			(unsigned long long)ev->arg[1]);
		if (ev->arg[2])
			fprintf(out, ",\"map_id\":%llu", (unsigned long long)ev->arg[2]);
		break;
	case PT_EV_SIGNAL:
		json_named(out, "call", ev->arg[2], sig_calls, ARRAY_LEN(sig_calls));
		fprintf(out, ",\"target_pid\":%lld,\"signal\":%llu", (long long)(int32_t)ev->arg[0],
			(unsigned long long)ev->arg[1]);
		break;
	case PT_EV_PROCVM:
		fprintf(out, ",\"target_pid\":%lld,\"write\":%s", (long long)(int32_t)ev->arg[0],
			ev->arg[1] ? "true" : "false");
		break;
	case PT_EV_REFUSED: {
		static const char *const abis[] = { [PT_REFUSED_ABI_NATIVE] = "native",
						    [PT_REFUSED_ABI_IA32] = "ia32", [PT_REFUSED_ABI_X32] = "x32" };
		const char *name = ev->arg[1] == PT_REFUSED_ABI_NATIVE ? seccomp_call_name((long)ev->arg[0]) : NULL;

		if (name) {
			json_key(out, "call");
			json_cstr(out, name);
		}
		fprintf(out, ",\"nr\":%llu", (unsigned long long)ev->arg[0]);
		json_named(out, "abi", ev->arg[1], abis, ARRAY_LEN(abis));
		fprintf(out, ",\"arg0\":%llu", (unsigned long long)ev->arg[2]);
		break;
	}
	case PT_EV_IOURING:
		json_named(out, "op", ev->arg[0], uring_ops, ARRAY_LEN(uring_ops));
		fprintf(out, ",\"op_raw\":%llu", (unsigned long long)ev->arg[0]);
		if ((int64_t)ev->arg[1] >= 0)
			fprintf(out, ",\"fd\":%lld", (long long)ev->arg[1]);
		fprintf(out, ",\"fixed_file\":%s", ev->arg[2] ? "true" : "false");
		break;
	}
}

/* Flags of how a call was made, on any record that has them. */
static void json_how(FILE *out, const struct pt_event *ev)
{
	static const struct {
		uint32_t bit;
		const char *key;
	} how[] = {
		{ PT_F_COMPAT, "compat32" }, { PT_F_IOURING, "io_uring" },
		{ PT_F_ARGV_TAIL, "argv_tail" }, { PT_F_FIFO, "fifo" },
		{ PT_F_BY_HANDLE, "by_handle" }, { PT_F_DIR_AS_GIVEN, "dir_as_given" },
	};

	for (size_t i = 0; i < ARRAY_LEN(how); i++)
		if (ev->flags & how[i].bit)
			fprintf(out, ",\"%s\":true", how[i].key);
}

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
		fprintf(out, ",\"mode\":%llu", (unsigned long long)(uint32_t)ev->arg[1]);
		if (v->file_dev || v->file_ino)
			fprintf(out, ",\"dev\":\"%u:%u\",\"ino\":%llu", v->file_dev >> 20,
				v->file_dev & 0xfffff, (unsigned long long)v->file_ino);
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
	case PT_EV_NET_BLOCKED: {
		static const char *const kinds[PT_BLK_MAX] = {
			[PT_BLK_CONNECT] = "connect", [PT_BLK_SENDMSG] = "sendmsg", [PT_BLK_DNS] = "dns",
			[PT_BLK_UNIX] = "unix", [PT_BLK_PACKET] = "packet",
		};
		uint64_t k = ev->arg[2] >> 32;

		json_socket(out, v);
		json_key(out, "blocked");
		json_cstr(out, k < PT_BLK_MAX && kinds[k] ? kinds[k] : "unknown");
		break;
	}
	case PT_EV_SETID: {
		unsigned long long k = (uint32_t)ev->arg[0];

		json_key(out, "call");
		json_cstr(out, k < ARRAY_LEN(setid_names) && setid_names[k] ? setid_names[k] : "unknown");
		/* setuid/setgid take one id: the second register is not theirs */
		if (k == PT_SETID_UID || k == PT_SETID_GID)
			fprintf(out, ",\"ids\":[%lld]", (long long)(int)ev->arg[1]);
		else
			fprintf(out, ",\"ids\":[%lld,%lld]", (long long)(int)ev->arg[1],
				(long long)(int)ev->arg[2]);
		if (ev->flags & PT_F_SETID_AFTER)
			fprintf(out, ",\"after\":[%u,%u,%u]", (unsigned)(ev->arg[0] >> 32),
				(unsigned)(ev->arg[1] >> 32), (unsigned)(ev->arg[2] >> 32));
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
	default:
		json_tamper(out, v);
	}
	json_how(out, ev);
	if (syscall)
		fprintf(out, ",\"ret\":%lld", (long long)ev->ret);
	if (ev->flags & PT_F_PATH_RAW)
		fputs(",\"path_resolved\":false", out);
	json_truncated(out, v);
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}
