// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * test_ringset.c - the merge rule of the per-CPU rings (ringset_pick):
 * which ring's head may go next.  Reading real rings is covered by
 * test_probe (records from two CPUs arrive in time order).
 */
#include <stdint.h>
#include "ringset.h"
#include "unit.h"

#define NONE UINT64_MAX
#define MS 1000000ull
#define HOLD (10 * MS)
#define NOW (1000 * MS)

static void test_nothing_to_deliver(void)
{
	uint64_t h[3] = { NONE, NONE, NONE };

	CHECK_INT(ringset_pick(h, 3, NOW, HOLD, 0), -1);
	CHECK_INT(ringset_pick(h, 3, NOW, HOLD, NOW), -1);
}

static void test_every_ring_has_a_head_oldest_goes(void)
{
	uint64_t h[3] = { NOW - 1, NOW - 3, NOW - 2 };
	uint64_t tie[2] = { NOW, NOW };

	/* young heads, but no ring can still send anything older */
	CHECK_INT(ringset_pick(h, 3, NOW, HOLD, 0), 1);
	CHECK_INT(ringset_pick(tie, 2, NOW, HOLD, 0), 0); /* a tie: the lower ring */
}

static void test_single_ring_never_waits(void)
{
	uint64_t h[1] = { NOW };

	CHECK_INT(ringset_pick(h, 1, NOW, HOLD, 0), 0);
}

static void test_empty_ring_holds_young_records(void)
{
	uint64_t young[2] = { NOW - HOLD + 1, NONE };
	uint64_t old[2] = { NONE, NOW - HOLD };

	/* ring 1 may have a record in flight older than ring 0's head */
	CHECK_INT(ringset_pick(young, 2, NOW, HOLD, 0), -1);
	/* after the hold, nothing in flight can be older */
	CHECK_INT(ringset_pick(old, 2, NOW, HOLD, 0), 1);
	CHECK_INT(ringset_pick(young, 2, NOW + 1, HOLD, 0), 0);
}

static void test_drain_until(void)
{
	uint64_t h[2] = { NOW - 1, NONE };
	uint64_t later[2] = { NOW + 5, NONE };

	/* a drain waited out the hold past until: records up to it go */
	CHECK_INT(ringset_pick(h, 2, NOW, HOLD, NOW - 1), 0);
	CHECK_INT(ringset_pick(h, 2, NOW, HOLD, NOW - 2), -1);
	CHECK_INT(ringset_pick(later, 2, NOW, HOLD, NOW), -1); /* newer: next poll */
}

static void test_early_clock_no_underflow(void)
{
	uint64_t h[2] = { 5, NONE };

	/* now < hold: "now - hold" must not wrap round to a huge time */
	CHECK_INT(ringset_pick(h, 2, 6, HOLD, 0), -1);
}

int main(void)
{
	TEST(test_nothing_to_deliver);
	TEST(test_every_ring_has_a_head_oldest_goes);
	TEST(test_single_ring_never_waits);
	TEST(test_empty_ring_holds_young_records);
	TEST(test_drain_until);
	TEST(test_early_clock_no_underflow);
	UNIT_EXIT();
}
