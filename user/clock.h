/*
 * clock.h - a clock's reading in nanoseconds, for every part of pkgtrace
 * that times something or stamps it (records carry CLOCK_BOOTTIME ns).
 */
#ifndef PKGTRACE_CLOCK_H
#define PKGTRACE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* clock_ns: clock id's current time in ns (0 for an id the kernel lacks). */
static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
