// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * trace_records.c - a trace block's records decoded (trace_records.h):
 * session info, facts and compact events.  Split from trace_reader.c, which
 * frames, checks and inflates the blocks and reports damage.
 */
#define _GNU_SOURCE /* memrchr, in trace_int.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "trace_records.h"

/* The largest counts a session info may claim (argv, env entries). */
#define SI_LIST_MAX 65536

int tr_get_str(struct cur *c, char **out)
{
	uint64_t n = cur_varint(c);
	const uint8_t *p;

	*out = NULL;
	if (c->bad || !n)
		return c->bad ? -EBADMSG : 0;
	p = cur_bytes(c, n - 1);
	if (!p)
		return -EBADMSG;
	*out = malloc(n);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, p, n - 1);
	(*out)[n - 1] = '\0';
	return 0;
}

static int get_list(struct cur *c, int *count, char ***list)
{
	uint64_t n = cur_varint(c);
	int err;

	if (c->bad || n > SI_LIST_MAX || n > (uint64_t)(c->end - c->p))
		return -EBADMSG;
	*list = calloc(n + 1, sizeof(char *));
	if (!*list)
		return -ENOMEM;
	*count = (int)n;
	for (uint64_t i = 0; i < n; i++) {
		err = tr_get_str(c, &(*list)[i]);
		if (err)
			return err;
	}
	return 0;
}

int tr_get_session(struct cur *c, struct session_info *si)
{
	uint64_t fl;
	int err;

	memset(si, 0, sizeof(*si));
	err = get_list(c, &si->argc, &si->argv);
	if (!err)
		err = tr_get_str(c, &si->cwd);
	if (!err)
		err = get_list(c, &si->envc, &si->env);
	if (!err)
		err = tr_get_str(c, &si->hostname);
	if (!err)
		err = tr_get_str(c, &si->kernel);
	if (err)
		goto cleanup;
	si->boot_offset_ns = cur_varint(c);
	si->start_ns = cur_varint(c);
	si->end_ns = cur_varint(c);
	si->root_pid = (uint32_t)cur_varint(c);
	si->exit_status = (int)tc_unzigzag(cur_varint(c));
	si->events = cur_varint(c);
	si->drops = cur_varint(c);
	fl = cur_varint(c);
	si->interrupted = fl & 1;
	si->partial = fl & 2;
	if (c->p < c->end) { /* older traces end here: no survivors */
		si->survivors = (uint32_t)cur_varint(c);
		si->survivors_traced_ms = (uint32_t)cur_varint(c);
		si->survivor_fate = (uint8_t)cur_varint(c);
	}
	if (!c->bad && c->p < c->end) { /* format 1.1: the monitor's own pid and maps */
		uint64_t n;

		si->collector_pid = (uint32_t)cur_varint(c);
		n = cur_varint(c);
		for (uint64_t i = 0; i < n && !c->bad; i++) {
			uint32_t id = (uint32_t)cur_varint(c);

			if (si->nmonitor_maps < SESSION_MONITOR_MAPS)
				si->monitor_maps[si->nmonitor_maps++] = id;
		}
	}
	if (!c->bad && c->p < c->end) { /* format 1.2: enforcement */
		si->enforce = (uint32_t)cur_varint(c);
		si->run_uid = (uint32_t)cur_varint(c);
		si->run_gid = (uint32_t)cur_varint(c);
		err = tr_get_str(c, &si->run_user);
		if (!err)
			err = get_list(c, &si->nhidden, &si->hidden);
		if (err)
			goto cleanup;
	}
	if (!c->bad)
		return 0; /* bytes after the known fields: a newer minor version */
	err = -EBADMSG;
cleanup:
	session_free(si);
	return err;
}

/* get_bits: n <= 32 bits from the tm stream. */
static uint64_t get_bits(struct tr_block *b, unsigned int n)
{
	uint64_t v;

	while (b->nbits < n) {
		if (b->tm.p >= b->tm.end) {
			b->tm.bad = true;
			return 0;
		}
		b->bits |= (uint64_t)*b->tm.p++ << b->nbits;
		b->nbits += 8;
	}
	v = b->bits & ((1ull << n) - 1);
	b->bits >>= n;
	b->nbits -= n;
	return v;
}

/* get_time: the next time delta applied to before (see tc_bitlen). */
static uint64_t get_time(struct tr_block *b, uint64_t before)
{
	uint8_t c = cur_u8(&b->tb);
	unsigned int n = c > 64 ? c - 64u : c;
	uint64_t mag;

	if (c == 0 || c > 128) {
		b->tb.bad |= c > 128;
		return before;
	}
	mag = 1ull << (n - 1);
	if (n > 33) {
		mag |= get_bits(b, 32);
		mag |= get_bits(b, n - 33) << 32;
	} else if (n > 1) {
		mag |= get_bits(b, n - 1);
	}
	return c > 64 ? before - mag : before + mag;
}

int tr_decode_event(struct tr_block *b, struct tc_state *s, struct cur *c, uint32_t type,
		    uint8_t *buf, struct trace_item *it)
{
	struct pt_event *ev = (struct pt_event *)buf;
	const struct pt_event *last = &s->last;
	uint8_t m1 = cur_u8(c), m2 = cur_u8(c);
	uint32_t tid = (m1 & EM_TID) ? (uint32_t)cur_varint(c) : last->tid;
	int hit;
	struct tc_slot *sl;
	char *d = (char *)ev->data;
	size_t total = 0;

	if (c->bad || (m1 & EM_RESERVED) || (m2 & EM2_RESERVED))
		return -EBADMSG;
	sl = tc_slot(s, tid, &hit);
	memset(ev, 0, TRACE_EV_HDR);
	ev->type = type;
	ev->tid = tid;
	ev->time_ns = get_time(b, last->time_ns);
	ev->pid = (m1 & EM_PID) ? (uint32_t)cur_varint(c) : hit ? sl->pid : tid;
	ev->ppid = hit ? sl->ppid : last->ppid;
	ev->uid = hit ? sl->uid : last->uid;
	ev->session = hit ? sl->session : last->session;
	ev->cgroup_id = hit ? sl->cgroup : last->cgroup_id;
	memcpy(ev->comm, hit ? sl->comm : last->comm, PT_COMM_LEN);
	if (m1 & EM_IDS) {
		uint8_t mi = cur_u8(c);

		if (!mi || (mi & ~(EI_PPID | EI_UID | EI_SESSION | EI_CGROUP)))
			return -EBADMSG;
		if (mi & EI_PPID)
			ev->ppid = (uint32_t)cur_varint(c);
		if (mi & EI_UID)
			ev->uid = (uint32_t)cur_varint(c);
		if (mi & EI_SESSION)
			ev->session = (uint32_t)cur_varint(c);
		if (mi & EI_CGROUP)
			ev->cgroup_id = cur_varint(c);
	}
	if (m1 & EM_COMM) {
		uint8_t n = cur_u8(c);
		const uint8_t *p;

		if (n != 0xff && n > PT_COMM_LEN)
			return -EBADMSG;
		p = cur_bytes(&b->str, n == 0xff ? PT_COMM_LEN : n);
		if (!p)
			return -EBADMSG;
		memset(ev->comm, 0, PT_COMM_LEN);
		memcpy(ev->comm, p, n == 0xff ? PT_COMM_LEN : n);
	}
	ev->flags = (m1 & EM_FLAGS) ? (uint32_t)cur_varint(&b->fs) : s->flags[type];
	ev->ret = s->ret[type];
	if (m1 & EM_RET)
		ev->ret = (int64_t)((uint64_t)s->ret[type] + (uint64_t)tc_unzigzag(cur_varint(&b->fs)));
	for (int i = 0; i < 3; i++) {
		ev->arg[i] = s->arg[type][i];
		if (m2 & EM2_ARG(i))
			ev->arg[i] += (uint64_t)tc_unzigzag(cur_varint(&b->fs));
	}
	if (c->bad || b->fs.bad || b->tb.bad || b->tm.bad)
		return -EBADMSG;
	for (int i = 0; i < PT_NFIELDS; i++) {
		const char *ref;
		uint64_t sel, pre, suf, hex;
		const uint8_t *p;
		size_t reflen;

		if (!(m2 & (1u << i)))
			continue;
		sel = cur_varint(&b->fs);
		if (sel >= FS_RING) {
			uint64_t k = (sel - FS_RING) / 3, how = (sel - FS_RING) % 3;
			size_t elen = 0;
			const char *e = !tc_is_path(type, i) ? NULL :
				tc_ring_get(how == FR_PATH ? s->paths : s->dirs, k, &elen);

			if (!e)
				return -EBADMSG;
			ref = e;
			pre = elen;
			if (how != FR_DIR) { /* the whole field, nothing follows */
				memcpy(d, ref, pre);
				if (how == FR_DIRNS) {
					if (pre < 2)
						return -EBADMSG;
					d[pre - 1] = '\0'; /* "a/b/" -> "a/b" */
				}
				ev->len[i] = (uint16_t)pre;
				d += pre;
				total += pre;
				continue;
			}
		} else {
			if (sel == FS_SLOT && (i != 0 || !hit))
				return -EBADMSG;
			if (sel == FS_SLOT) {
				ref = sl->path;
				reflen = sl->pathlen;
			} else if (i == 1 && (type == PT_EV_RENAME || type == PT_EV_LINK)) {
				ref = (const char *)ev->data; /* this event's field 0 */
				reflen = ev->len[0];
			} else {
				ref = s->ref[i];
				reflen = s->reflen[i];
			}
			pre = cur_varint(&b->fs);
			if (pre > reflen)
				return -EBADMSG;
		}
		suf = cur_varint(&b->fs);
		hex = suf & 1 ? cur_varint(&b->fs) : 0;
		suf >>= 1;
		if (b->fs.bad || (hex && hex < TC_HEX_MIN) || suf > 65535 || hex > 65535 ||
		    pre + suf + hex + (hex ? 1 : 0) > 65535 || pre + suf + hex == 0)
			return -EBADMSG;
		p = cur_bytes(&b->str, suf);
		if (!p)
			return -EBADMSG;
		memcpy(d, ref, pre);
		memcpy(d + pre, p, suf);
		if (hex) {
			static const char digit[16] = "0123456789abcdef";
			const uint8_t *x = cur_bytes(&b->hx, (hex + 1) / 2);
			char *o = d + pre + suf;

			if (!x)
				return -EBADMSG;
			for (uint64_t k = 0; k < hex; k++)
				o[k] = digit[(x[k / 2] >> (k & 1 ? 0 : 4)) & 15];
			o[hex] = '\0';
			suf += hex + 1;
		}
		ev->len[i] = (uint16_t)(pre + suf);
		d += pre + suf;
		total += pre + suf;
	}
	ev->size = (uint32_t)(TRACE_EV_HDR + total);
	tc_update(s, sl, ev, (const char *)ev->data, NULL, NULL);
	it->kind = TRACE_ITEM_EVENT;
	it->raw = ev;
	it->size = ev->size;
	return 0;
}

int tr_get_fact(struct cur *c, char **path, size_t *cap, struct trace_item *it)
{
	uint64_t n = cur_varint(c), len;
	const uint8_t *p = c->bad || !n ? NULL : cur_bytes(c, n - 1);
	int64_t err;

	if (!p)
		return -EBADMSG;
	if (n > *cap) {
		char *np = realloc(*path, n);

		if (!np)
			return -ENOMEM;
		*path = np;
		*cap = n;
	}
	memcpy((*path), p, n - 1);
	(*path)[n - 1] = '\0';
	if (memchr((*path), '\0', n - 1))
		return -EBADMSG;
	err = tc_unzigzag(cur_varint(c));
	len = cur_varint(c);
	if (c->bad || err > 0 || err < -4095 || (err && len))
		return -EBADMSG;
	p = cur_bytes(c, len);
	if (!p && len)
		return -EBADMSG;
	it->kind = TRACE_ITEM_FACT;
	it->path = (*path);
	it->err = (int)err;
	it->data = p;
	it->len = len;
	return 0;
}
