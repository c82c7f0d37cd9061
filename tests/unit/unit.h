/*
 * unit.h - the smallest test harness that can work: CHECK() prints one line
 * per failed check, TEST() one "ok - name" or "FAIL - name" line per test;
 * tests/run counts those lines.
 */
#ifndef PKGTRACE_UNIT_H
#define PKGTRACE_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed_checks;
static int unit_failed_tests;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stdout, "#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		unit_failed_checks++; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) { \
		fprintf(stdout, "#   %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
			_a ? _a : "(null)", _b ? _b : "(null)"); \
		unit_failed_checks++; \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		fprintf(stdout, "#   %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, _a, _b); \
		unit_failed_checks++; \
	} \
} while (0)

#define TEST(fn) do { \
	int _before = unit_failed_checks; \
	fn(); \
	if (unit_failed_checks == _before) { \
		printf("ok - %s\n", #fn); \
	} else { \
		printf("FAIL - %s\n", #fn); \
		unit_failed_tests++; \
	} \
	fflush(stdout); \
} while (0)

#define UNIT_EXIT() return unit_failed_tests ? 1 : 0

#endif
