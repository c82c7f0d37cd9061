/*
 * ringset.c - per-CPU BPF ring buffers read in place and merged by time.
 * See ringset.h for the contract and the reasoning.
 *
 * The memory layout is the kernel's (kernel/bpf/ringbuf.c): page 0 holds
 * the consumer position (mapped writable), page 1 the producer position,
 * then the data area, mapped twice in a row so a record that wraps is still
 * contiguous.  Each record starts with an 8-byte header whose length word
 * carries the busy (not yet committed) and discard bits.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ringset.h"

#define NO_HEAD UINT64_MAX

struct ring {
	unsigned long *consumer_pos; /* shared with the kernel: advanced on delivery */
	const unsigned long *producer_pos;
	const uint8_t *data;
	unsigned long cons; /* our copy of the consumer position */
	unsigned long published; /* the position last stored for the kernel */
	const void *head;   /* oldest committed record, when heads[i] != NO_HEAD */
	uint32_t head_len;
};

struct ringset {
	int n;
	int epfd;
	size_t page;
	unsigned long mask;
	struct ring *rings;
	uint64_t *heads; /* per ring: head record's time, or NO_HEAD */
};

/* Tell the kernel the space up to cons is free.  Not after every record:
 * the producer reads this position at every reserve, and each store from
 * this CPU would take its cache line away from the producer's. */
static void publish(struct ring *r)
{
	if (r->published != r->cons) {
		__atomic_store_n(r->consumer_pos, r->cons, __ATOMIC_RELEASE);
		r->published = r->cons;
	}
}

static uint32_t record_span(uint32_t len)
{
	len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
	return (len + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
}

/* Find ring i's oldest committed record; discarded ones are skipped (their
 * space goes back with the next publish).  Sets heads[i]. */
static void peek(struct ringset *rs, int i)
{
	struct ring *r = &rs->rings[i];
	unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);

	rs->heads[i] = NO_HEAD;
	while (r->cons < prod) {
		const uint8_t *hdr = r->data + (r->cons & rs->mask);
		uint32_t len = __atomic_load_n((const uint32_t *)hdr, __ATOMIC_ACQUIRE);

		if (len & BPF_RINGBUF_BUSY_BIT)
			return; /* reserved, not committed yet */
		if (len & BPF_RINGBUF_DISCARD_BIT) {
			r->cons += record_span(len);
			continue;
		}
		r->head = hdr + BPF_RINGBUF_HDR_SZ;
		r->head_len = len;
		/* Every record begins with its 64-bit time; a shorter one (none
		 * is sent) sorts first rather than stalling the merge. */
		rs->heads[i] = 0;
		if (len >= sizeof(uint64_t))
			memcpy(&rs->heads[i], r->head, sizeof(uint64_t));
		return;
	}
}

int ringset_pick(const uint64_t *heads, int n, uint64_t now_ns, uint64_t hold_ns,
		 uint64_t until_ns)
{
	bool every_ring = true;
	int best = -1;

	for (int i = 0; i < n; i++) {
		if (heads[i] == NO_HEAD)
			every_ring = false;
		else if (best < 0 || heads[i] < heads[best])
			best = i;
	}
	if (best < 0)
		return -1;
	if (every_ring)
		return best; /* each ring is in order: nothing older can follow */
	if (now_ns >= hold_ns && heads[best] <= now_ns - hold_ns)
		return best; /* anything older in flight has had its hold to land */
	if (until_ns && heads[best] <= until_ns)
		return best;
	return -1;
}

long ringset_deliver(struct ringset *rs, uint64_t now_ns, uint64_t hold_ns, uint64_t until_ns,
		     ringset_fn fn, void *ctx)
{
	bool fresh = true; /* every empty ring looked at since the last delivery */
	long delivered = 0;
	int i, rc = 0;

	for (i = 0; i < rs->n; i++)
		if (rs->heads[i] == NO_HEAD)
			peek(rs, i);
	for (;;) {
		struct ring *r;

		i = ringset_pick(rs->heads, rs->n, now_ns, hold_ns, until_ns);
		if (i < 0) {
			if (fresh)
				break;
			for (int k = 0; k < rs->n; k++)
				if (rs->heads[k] == NO_HEAD)
					peek(rs, k);
			fresh = true;
			continue;
		}
		r = &rs->rings[i];
		rc = fn(ctx, r->head, r->head_len);
		r->cons += record_span(r->head_len);
		/* Every 1/16 of the ring at most: the producer never waits
		 * long for space. */
		if (r->cons - r->published > (rs->mask + 1) / 16)
			publish(r);
		peek(rs, i);
		delivered++;
		fresh = false;
		if (rc)
			break;
	}
	for (i = 0; i < rs->n; i++)
		publish(&rs->rings[i]);
	return rc ? rc : delivered;
}

int ringset_wait(struct ringset *rs, int timeout_ms)
{
	struct epoll_event evs[8];

	if (epoll_wait(rs->epfd, evs, 8, timeout_ms) < 0)
		return -errno;
	return 0;
}

int ringset_watch_fd(struct ringset *rs, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = UINT32_MAX };

	if (epoll_ctl(rs->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	return 0;
}

int ringset_new(const int *fds, int n, uint32_t size, struct ringset **out)
{
	struct ringset *rs;
	int err = 0;

	*out = NULL;
	if (n <= 0 || !size || (size & (size - 1)))
		return -EINVAL;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->epfd = -1;
	rs->n = n;
	rs->page = sysconf(_SC_PAGESIZE);
	rs->mask = size - 1;
	rs->rings = calloc(n, sizeof(*rs->rings));
	rs->heads = malloc(n * sizeof(*rs->heads));
	if (!rs->rings || !rs->heads) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < n; i++)
		rs->heads[i] = NO_HEAD;
	rs->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rs->epfd < 0) {
		err = -errno;
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		struct ring *r = &rs->rings[i];
		/* Edge-triggered: a ring reports data for as long as it holds
		 * any, and held-back records would make a level-triggered wait
		 * return at once, again and again. */
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = i };
		void *p;

		p = mmap(NULL, rs->page, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0);
		if (p == MAP_FAILED) {
			err = -errno;
			goto cleanup;
		}
		r->consumer_pos = p;
		/* Producer page and the data twice: read-only for us. */
		p = mmap(NULL, rs->page + 2 * (size_t)size, PROT_READ, MAP_SHARED, fds[i], rs->page);
		if (p == MAP_FAILED) {
			err = -errno;
			goto cleanup;
		}
		r->producer_pos = p;
		r->data = (const uint8_t *)p + rs->page;
		r->cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
		r->published = r->cons;
		if (epoll_ctl(rs->epfd, EPOLL_CTL_ADD, fds[i], &ev)) {
			err = -errno;
			goto cleanup;
		}
	}
	*out = rs;
	return 0;

cleanup:
	ringset_free(rs);
	return err;
}

void ringset_free(struct ringset *rs)
{
	if (!rs)
		return;
	for (int i = 0; rs->rings && i < rs->n; i++) {
		struct ring *r = &rs->rings[i];

		if (r->consumer_pos)
			munmap(r->consumer_pos, rs->page);
		if (r->producer_pos)
			munmap((void *)r->producer_pos, rs->page + 2 * (rs->mask + 1));
	}
	if (rs->epfd >= 0)
		close(rs->epfd);
	free(rs->rings);
	free(rs->heads);
	free(rs);
}
